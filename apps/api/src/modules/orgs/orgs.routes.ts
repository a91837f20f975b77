import { orgsContracts } from '@switchyard/core';
import { Router } from 'express';
import type { AppContext } from '../../context.js';
import { actorOf } from '../auth/auth.middleware.js';
import { mountContracts } from '../mount-contract.js';
import { OrgsService } from './orgs.service.js';

/** Organizations, their members and their own provider keys (setting those is the super admin's). */
export function orgsRoutes(ctx: AppContext): Router {
  const svc = new OrgsService(ctx);
  return mountContracts(Router(), orgsContracts, {
    list: async () => ({ data: await svc.list() }),
    create: ({ body, req, res }) => svc.create(actorOf(res, req.ip), body),
    get: ({ params }) => svc.get(params.id),
    update: ({ params, body, req, res }) => svc.update(actorOf(res, req.ip), params.id, body),
    remove: ({ params, req, res }) => svc.remove(actorOf(res, req.ip), params.id),
    addMember: ({ params, body, req, res }) => svc.addMember(actorOf(res, req.ip), params.id, body),
    removeMember: ({ params, req, res }) => svc.removeMember(actorOf(res, req.ip), params.id, params.userId),
    putProviderKey: ({ params, body, req, res }) =>
      svc.putProviderKey(actorOf(res, req.ip), params.id, params.providerId, body.apiKey, body.label ?? null),
    setProviderKeyStatus: ({ params, body, req, res }) =>
      svc.setProviderKeyStatus(actorOf(res, req.ip), params.id, params.providerId, body.status),
    testProviderKey: ({ params }) => svc.testProviderKey(params.id, params.providerId),
    deleteProviderKey: ({ params, req, res }) =>
      svc.deleteProviderKey(actorOf(res, req.ip), params.id, params.providerId),
  });
}
