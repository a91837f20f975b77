import { usersContracts } from '@switchyard/core';
import { Router } from 'express';
import type { AppContext } from '../../context.js';
import { actorOf, currentAuth } from '../auth/auth.middleware.js';
import { mountContracts } from '../mount-contract.js';
import { UsersService } from './users.service.js';

export function usersRoutes(ctx: AppContext): Router {
  const svc = new UsersService(ctx);
  return mountContracts(Router(), usersContracts, {
    list: async ({ query }) => ({ data: await svc.list(query) }),
    create: ({ body, req, res }) => svc.create(actorOf(res, req.ip), body),
    get: ({ params }) => svc.get(params.id),
    update: ({ params, body, req, res }) => svc.update(actorOf(res, req.ip), params.id, body),
    byok: ({ params }) => svc.byok(params.id),
    myByok: ({ res }) => svc.byok(currentAuth(res).user.id),
    preferences: ({ res }) => svc.preferences(currentAuth(res).user.id),
    setPreferences: ({ body, req, res }) => svc.setPreferences(actorOf(res, req.ip), body),
  });
}
