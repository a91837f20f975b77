import { experimentsContracts } from '@switchyard/core';
import { Router } from 'express';
import type { AppContext } from '../../context.js';
import { actorOf } from '../auth/auth.middleware.js';
import { mountContracts } from '../mount-contract.js';
import { ExperimentsService } from './experiments.service.js';

/** /api/v1/llm/experiments: A/B experiments on aliases and their results. */
export function experimentsRoutes(ctx: AppContext): Router {
  const svc = new ExperimentsService(ctx);
  return mountContracts(Router(), experimentsContracts, {
    list: async () => ({ data: await svc.list() }),
    create: ({ body, req, res }) => svc.create(actorOf(res, req.ip), body),
    get: ({ params }) => svc.get(params.id),
    update: ({ params, body, req, res }) => svc.update(actorOf(res, req.ip), params.id, body),
    remove: ({ params, req, res }) => svc.remove(actorOf(res, req.ip), params.id),
    start: ({ params, req, res }) => svc.start(actorOf(res, req.ip), params.id),
    stop: ({ params, req, res }) => svc.stop(actorOf(res, req.ip), params.id),
    results: ({ params }) => svc.results(params.id),
  });
}
