import { keysContracts, myKeysContracts } from '@switchyard/core';
import { Router } from 'express';
import type { AppContext } from '../../context.js';
import { actorOf, currentAuth } from '../auth/auth.middleware.js';
import { mountContracts } from '../mount-contract.js';
import { GatewayKeysService } from './gateway-keys.service.js';

/** Admin: every key (`/keys`). Everyone: their own keys (`/me/keys`). */
export function gatewayKeysRoutes(ctx: AppContext): Router {
  const svc = new GatewayKeysService(ctx);
  const r = Router();
  mountContracts(r, keysContracts, {
    list: async ({ query }) => ({ data: await svc.list(query) }),
    create: ({ body, req, res }) => svc.create(actorOf(res, req.ip), body, false),
    update: ({ params, body, req, res }) => svc.update(actorOf(res, req.ip), params.id, body),
    revoke: ({ params, req, res }) => svc.revoke(actorOf(res, req.ip), params.id),
  });
  mountContracts(r, myKeysContracts, {
    list: async ({ res }) => ({ data: await svc.list({ userId: currentAuth(res).user.id }) }),
    create: ({ body, req, res }) => svc.create(actorOf(res, req.ip), body, true),
    update: ({ params, body, req, res }) =>
      svc.update(actorOf(res, req.ip), params.id, body, currentAuth(res).user.id),
    revoke: ({ params, req, res }) => svc.revoke(actorOf(res, req.ip), params.id, currentAuth(res).user.id),
  });
  return r;
}
