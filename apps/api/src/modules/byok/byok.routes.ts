import { putByokBody } from '@switchyard/core';
import { Router } from 'express';
import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { parseBody, route } from '../../http/async.js';
import { openapi } from '../../openapi/registry.js';
import { actorOf, currentAuth, requirePermission } from '../auth/auth.middleware.js';
import { ByokService } from './byok.service.js';

export function byokRoutes(ctx: AppContext): { self: Router; admin: Router } {
  const svc = new ByokService(ctx);
  const self = Router();
  self.get('/', requirePermission('byok:own'), route(async (_req, res) => {
    res.json({ data: await svc.list(currentAuth(res).user.id) });
  }));
  self.get('/providers', requirePermission('byok:own'), route(async (_req, res) => {
    res.json({ data: await svc.providerOptions(currentAuth(res).user.id) });
  }));
  self.put('/:providerId', requirePermission('byok:own'), route(async (req, res) => {
    const body = parseBody(putByokBody, req.body);
    res.json(await svc.put(actorOf(res, req.ip), String(req.params.providerId), body.apiKey, body.label ?? null));
  }));
  self.delete('/:providerId', requirePermission('byok:own'), route(async (req, res) => {
    await svc.remove(actorOf(res, req.ip), String(req.params.providerId));
    res.status(204).end();
  }));
  self.post('/:providerId/test', requirePermission('byok:own'), route(async (req, res) => {
    res.json(await svc.test(actorOf(res, req.ip), String(req.params.providerId)));
  }));

  const admin = Router();
  admin.get('/', requirePermission('usage:read-any'), route(async (_req, res) => {
    res.json(await svc.overview());
  }));

  const id = z.object({ providerId: z.string() });
  openapi.registerPath({ method: 'get', path: '/api/v1/me/byok', tags: ['BYOK'], summary: 'My provider keys (last four characters only)', responses: { 200: { description: 'Keys' } } });
  openapi.registerPath({ method: 'get', path: '/api/v1/me/byok/providers', tags: ['BYOK'], summary: 'Providers I may bring my own key for (active, not free/local), and whether I have one', responses: { 200: { description: '{data:[{id,name,slug,type,color,hasKey}]}' } } });
  openapi.registerPath({ method: 'put', path: '/api/v1/me/byok/{providerId}', tags: ['BYOK'], summary: 'Add or rotate my key for a provider', request: { params: id, body: { content: { 'application/json': { schema: putByokBody } } } }, responses: { 200: { description: 'The key (masked)' } } });
  openapi.registerPath({ method: 'delete', path: '/api/v1/me/byok/{providerId}', tags: ['BYOK'], summary: 'Remove my key for a provider', request: { params: id }, responses: { 204: { description: 'Removed' } } });
  openapi.registerPath({ method: 'post', path: '/api/v1/me/byok/{providerId}/test', tags: ['BYOK'], summary: 'Test my key with a real minimal call', request: { params: id }, responses: { 200: { description: '{success, latencyMs, modelsAvailable} or {success:false, error}' } } });
  openapi.registerPath({ method: 'get', path: '/api/v1/byok', tags: ['BYOK'], summary: 'Users with BYOK keys and the cost their keys saved', responses: { 200: { description: 'Overview' } } });
  return { self, admin };
}
