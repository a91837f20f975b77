import { createProviderBody, testKeyBody, updateProviderBody } from '@switchyard/core';
import { Router } from 'express';
import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { parseBody, route } from '../../http/async.js';
import { AppError } from '../../lib/errors.js';
import { openapi } from '../../openapi/registry.js';
import { PROVIDER_CATALOGUE, isProviderType } from '../../providers/index.js';
import { actorOf, currentAuth, requirePermission } from '../auth/auth.middleware.js';
import { can } from '../auth/permissions.js';
import { testProviderConnection } from './provider-test.js';
import { CREDENTIAL_CONFIG_KEYS, ProvidersService } from './providers.service.js';

/** /api/v1/llm: providers, the provider-type catalogue, and key tests. */
export function providersRoutes(ctx: AppContext): Router {
  const svc = new ProvidersService(ctx);
  const r = Router();
  /** Setting or replacing credentials is the super admin's; everything else an admin may change. */
  const guardCredentials = (
    res: Parameters<typeof currentAuth>[0],
    b: { apiKey?: unknown; apiKeyEnv?: unknown },
    config?: Record<string, unknown>,
  ) => {
    // A new provider's AWS settings are credentials too (an update's are checked against the stored ones).
    const awsKeys = config ? CREDENTIAL_CONFIG_KEYS.some((k) => config[k] !== undefined) : false;
    if (
      (b.apiKey !== undefined || b.apiKeyEnv !== undefined || awsKeys) &&
      !can(currentAuth(res).user.role, 'providers:credentials')
    ) {
      throw AppError.forbidden('Only a super admin may set provider credentials.');
    }
  };

  r.get('/provider-types', requirePermission('providers:read'), (_req, res) => {
    res.json({
      data: Object.values(PROVIDER_CATALOGUE).map((d) => ({
        type: d.type,
        displayName: d.displayName,
        defaultBaseUrl: d.defaultBaseUrl,
        baseUrlRequired: d.defaultBaseUrl === null && d.type !== 'bedrock' && d.type !== 'mock',
        envKey: d.envKey,
        keyOptional: d.keyOptional,
        color: d.color,
        docsUrl: d.docsUrl,
        keyHint: d.keyHint ?? null,
      })),
    });
  });
  r.get(
    '/providers',
    requirePermission('providers:read'),
    route(async (_req, res) => void res.json({ data: await svc.list() })),
  );
  r.post(
    '/providers',
    requirePermission('providers:write'),
    route(async (req, res) => {
      const b = parseBody(createProviderBody, req.body);
      guardCredentials(res, b, b.config);
      res.status(201).json(await svc.create(actorOf(res, req.ip), b));
    }),
  );
  r.put(
    '/providers/:id',
    requirePermission('providers:write'),
    route(async (req, res) => {
      const b = parseBody(updateProviderBody, req.body);
      guardCredentials(res, b);
      res.json(await svc.update(actorOf(res, req.ip), String(req.params.id), b));
    }),
  );
  r.delete(
    '/providers/:id',
    requirePermission('providers:write'),
    route(async (req, res) => {
      await svc.remove(actorOf(res, req.ip), String(req.params.id));
      res.status(204).end();
    }),
  );
  r.post(
    '/providers/:id/test',
    requirePermission('providers:write'),
    route(async (req, res) => void res.json(await svc.test(String(req.params.id)))),
  );
  r.post(
    '/test',
    requirePermission('providers:write'),
    route(async (req, res) => {
      const b = parseBody(testKeyBody, req.body);
      if (!isProviderType(b.type)) throw AppError.validation(`type: unknown provider type "${b.type}"`);
      res.json(
        await testProviderConnection(
          { type: b.type, baseUrl: b.baseUrl ?? null, apiKey: b.apiKey ?? null, config: b.config ?? {} },
          { dispatcher: ctx.outbound.dispatcher },
        ),
      );
    }),
  );

  const id = z.object({ id: z.string() });
  openapi.registerPath({
    method: 'get',
    path: '/api/v1/llm/provider-types',
    tags: ['Providers'],
    summary: 'The provider catalogue for the add-provider form',
    responses: { 200: { description: 'Types' } },
  });
  openapi.registerPath({
    method: 'get',
    path: '/api/v1/llm/providers',
    tags: ['Providers'],
    summary: 'Providers with model count and average cost per 1M tokens (keys never shown)',
    responses: { 200: { description: 'Providers' } },
  });
  openapi.registerPath({
    method: 'post',
    path: '/api/v1/llm/providers',
    tags: ['Providers'],
    summary: 'Add a provider (credentials: super admin)',
    request: { body: { content: { 'application/json': { schema: createProviderBody } } } },
    responses: { 201: { description: 'Provider' }, 409: { description: 'Slug taken' } },
  });
  openapi.registerPath({
    method: 'put',
    path: '/api/v1/llm/providers/{id}',
    tags: ['Providers'],
    summary: 'Change a provider',
    request: { params: id, body: { content: { 'application/json': { schema: updateProviderBody } } } },
    responses: { 200: { description: 'Provider' } },
  });
  openapi.registerPath({
    method: 'delete',
    path: '/api/v1/llm/providers/{id}',
    tags: ['Providers'],
    summary: 'Delete a provider and its models',
    request: { params: id },
    responses: { 204: { description: 'Deleted' } },
  });
  openapi.registerPath({
    method: 'post',
    path: '/api/v1/llm/providers/{id}/test',
    tags: ['Providers'],
    summary: 'Test the stored key with a real minimal call',
    request: { params: id },
    responses: { 200: { description: '{success, latencyMs, modelsAvailable} or {success:false, error}' } },
  });
  openapi.registerPath({
    method: 'post',
    path: '/api/v1/llm/test',
    tags: ['Providers'],
    summary: 'Test a key before saving it',
    request: { body: { content: { 'application/json': { schema: testKeyBody } } } },
    responses: { 200: { description: 'Result' } },
  });
  return r;
}
