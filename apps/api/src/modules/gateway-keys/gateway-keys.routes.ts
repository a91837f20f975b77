import { createGatewayKeyBody, safeString, updateGatewayKeyBody } from '@switchyard/core';
import { Router } from 'express';
import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { parseBody, route } from '../../http/async.js';
import { openapi } from '../../openapi/registry.js';
import { actorOf, currentAuth, requirePermission } from '../auth/auth.middleware.js';
import { GatewayKeysService } from './gateway-keys.service.js';

const listQuery = z.object({
  ownerType: z.enum(['user', 'org', 'app']).optional(),
  ownerId: safeString().max(128).optional(),
  status: z.enum(['active', 'revoked', 'expired']).optional(),
});

/** Admin: every key (`/keys`). Everyone: their own keys (`/me/keys`). */
export function gatewayKeysRoutes(ctx: AppContext): { admin: Router; self: Router } {
  const svc = new GatewayKeysService(ctx);

  const admin = Router();
  admin.get(
    '/',
    requirePermission('keys:read-any'),
    route(async (req, res) => {
      res.json({ data: await svc.list(parseBody(listQuery, req.query)) });
    }),
  );
  admin.post(
    '/',
    requirePermission('keys:write-any'),
    route(async (req, res) => {
      res
        .status(201)
        .json(await svc.create(actorOf(res, req.ip), parseBody(createGatewayKeyBody, req.body), false));
    }),
  );
  admin.patch(
    '/:id',
    requirePermission('keys:write-any'),
    route(async (req, res) => {
      res.json(
        await svc.update(
          actorOf(res, req.ip),
          String(req.params.id),
          parseBody(updateGatewayKeyBody, req.body),
        ),
      );
    }),
  );
  admin.post(
    '/:id/revoke',
    requirePermission('keys:write-any'),
    route(async (req, res) => {
      res.json(await svc.revoke(actorOf(res, req.ip), String(req.params.id)));
    }),
  );

  const self = Router();
  self.get(
    '/',
    requirePermission('keys:own'),
    route(async (_req, res) => {
      res.json({ data: await svc.list({ userId: currentAuth(res).user.id }) });
    }),
  );
  self.post(
    '/',
    requirePermission('keys:own'),
    route(async (req, res) => {
      res
        .status(201)
        .json(
          await svc.create(
            actorOf(res, req.ip),
            parseBody(createGatewayKeyBody.omit({ ownerType: true, ownerId: true }), req.body),
            true,
          ),
        );
    }),
  );
  self.patch(
    '/:id',
    requirePermission('keys:own'),
    route(async (req, res) => {
      res.json(
        await svc.update(
          actorOf(res, req.ip),
          String(req.params.id),
          parseBody(updateGatewayKeyBody, req.body),
          currentAuth(res).user.id,
        ),
      );
    }),
  );
  self.post(
    '/:id/revoke',
    requirePermission('keys:own'),
    route(async (req, res) => {
      res.json(await svc.revoke(actorOf(res, req.ip), String(req.params.id), currentAuth(res).user.id));
    }),
  );

  for (const [base, tag] of [
    ['/api/v1/keys', 'Gateway keys (admin)'],
    ['/api/v1/me/keys', 'My gateway keys'],
  ] as const) {
    openapi.registerPath({
      method: 'get',
      path: base,
      tags: [tag],
      summary: 'List gateway keys (prefix, owner, limits, last use; never the key)',
      responses: { 200: { description: 'Keys' } },
    });
    openapi.registerPath({
      method: 'post',
      path: base,
      tags: [tag],
      summary: 'Create a key; the full key is in this response only',
      request: { body: { content: { 'application/json': { schema: createGatewayKeyBody } } } },
      responses: { 201: { description: 'The new key, shown once' } },
    });
    openapi.registerPath({
      method: 'patch',
      path: `${base}/{id}`,
      tags: [tag],
      summary: 'Change name, limits, expiry, allowed models or the IP allow-list',
      request: {
        params: z.object({ id: z.string() }),
        body: { content: { 'application/json': { schema: updateGatewayKeyBody } } },
      },
      responses: { 200: { description: 'The key' } },
    });
    openapi.registerPath({
      method: 'post',
      path: `${base}/{id}/revoke`,
      tags: [tag],
      summary: 'Revoke a key (takes effect at once)',
      request: { params: z.object({ id: z.string() }) },
      responses: { 200: { description: 'The revoked key' } },
    });
  }
  return { admin, self };
}
