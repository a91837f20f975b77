import { routingContracts } from '@switchyard/core';
import { Router } from 'express';
import type { AppContext } from '../../context.js';
import { AppError } from '../../lib/errors.js';
import type { RoutingRuntime } from '../../router/runtime.js';
import { actorOf, currentAuth } from '../auth/auth.middleware.js';
import { can } from '../auth/permissions.js';
import { mountContracts } from '../mount-contract.js';
import { RoutingService } from './routing.service.js';

/** /api/v1/llm/routing: global rules, power levels, aliases, fallback chains and the dry-run trace. */
export function routingRoutes(ctx: AppContext, routing: RoutingRuntime): Router {
  const svc = new RoutingService(ctx, routing);
  return mountContracts(Router(), routingContracts, {
    rules: () => svc.rules(),
    setRules: async ({ body, req, res }) => {
      const current = await svc.rules();
      if (body.strategy !== current.strategy && !can(currentAuth(res).user.role, 'routing:strategy')) {
        throw AppError.forbidden('Only a super admin may change the routing strategy.');
      }
      return svc.setRules(actorOf(res, req.ip), body);
    },
    powerLevels: async () => ({ data: await svc.powerLevels() }),
    updatePowerLevel: ({ params, body, req, res }) =>
      svc.updatePowerLevel(actorOf(res, req.ip), params.slug, body),
    aliases: async ({ query }) => ({ data: await svc.aliases(query) }),
    createAlias: ({ body, req, res }) => svc.createAlias(actorOf(res, req.ip), body),
    updateAlias: ({ params, body, req, res }) => svc.updateAlias(actorOf(res, req.ip), params.id, body),
    deleteAlias: ({ params, req, res }) => svc.deleteAlias(actorOf(res, req.ip), params.id),
    bulkAliases: ({ body, req, res }) => svc.bulkAliases(actorOf(res, req.ip), body),
    chains: async () => ({ data: await svc.chains() }),
    createChain: ({ body, req, res }) => svc.createChain(actorOf(res, req.ip), body),
    updateChain: ({ params, body, req, res }) => svc.updateChain(actorOf(res, req.ip), params.id, body),
    deleteChain: ({ params, req, res }) => svc.deleteChain(actorOf(res, req.ip), params.id),
    trace: ({ body }) => svc.traceRequest(body),
  });
}
