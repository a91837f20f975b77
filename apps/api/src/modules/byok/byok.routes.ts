import { byokContracts } from '@switchyard/core';
import { Router } from 'express';
import type { AppContext } from '../../context.js';
import { actorOf, currentAuth } from '../auth/auth.middleware.js';
import { mountContracts } from '../mount-contract.js';
import { ByokService } from './byok.service.js';

/** My own provider keys (`/me/byok`) and the operators' overview (`/byok`). */
export function byokRoutes(ctx: AppContext): Router {
  const svc = new ByokService(ctx);
  return mountContracts(Router(), byokContracts, {
    list: async ({ res }) => ({ data: await svc.list(currentAuth(res).user.id) }),
    providers: async ({ res }) => ({ data: await svc.providerOptions(currentAuth(res).user.id) }),
    put: ({ params, body, req, res }) =>
      svc.put(actorOf(res, req.ip), params.providerId, body.apiKey, body.label ?? null),
    setStatus: ({ params, body, req, res }) =>
      svc.setStatus(actorOf(res, req.ip), params.providerId, body.status),
    remove: ({ params, req, res }) => svc.remove(actorOf(res, req.ip), params.providerId),
    test: ({ params, req, res }) => svc.test(actorOf(res, req.ip), params.providerId),
    overview: () => svc.overview(),
  });
}
