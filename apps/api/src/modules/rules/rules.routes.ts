import { rulesContracts } from '@switchyard/core';
import { Router } from 'express';
import type { AppContext } from '../../context.js';
import type { RoutingRuntime } from '../../router/runtime.js';
import { actorOf } from '../auth/auth.middleware.js';
import { mountContracts } from '../mount-contract.js';
import { RulesService } from './rules.service.js';

/** /api/v1/llm/rules: conditional routing rules (ordered), reorder, and the tester. */
export function rulesRoutes(ctx: AppContext, routing: RoutingRuntime): Router {
  const svc = new RulesService(ctx, routing);
  return mountContracts(Router(), rulesContracts, {
    list: async () => ({ data: await svc.list() }),
    create: ({ body, req, res }) => svc.create(actorOf(res, req.ip), body),
    reorder: async ({ body, req, res }) => ({ data: await svc.reorder(actorOf(res, req.ip), body) }),
    test: ({ body }) => svc.test(body),
    update: ({ params, body, req, res }) => svc.update(actorOf(res, req.ip), params.id, body),
    remove: ({ params, req, res }) => svc.remove(actorOf(res, req.ip), params.id),
  });
}
