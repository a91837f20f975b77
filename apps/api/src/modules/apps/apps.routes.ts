import { appsContracts } from '@switchyard/core';
import { Router } from 'express';
import type { AppContext } from '../../context.js';
import { actorOf } from '../auth/auth.middleware.js';
import { mountContracts } from '../mount-contract.js';
import { AppsService } from './apps.service.js';

/** Client apps: they get their own gateway keys (ownerType app); an inactive app's keys stop working. */
export function appsRoutes(ctx: AppContext): Router {
  const svc = new AppsService(ctx);
  return mountContracts(Router(), appsContracts, {
    list: async () => ({ data: await svc.list() }),
    create: ({ body, req, res }) => svc.create(actorOf(res, req.ip), body),
    get: ({ params }) => svc.get(params.id),
    update: ({ params, body, req, res }) => svc.update(actorOf(res, req.ip), params.id, body),
    remove: ({ params, req, res }) => svc.remove(actorOf(res, req.ip), params.id),
  });
}
