import { dlpContracts } from '@switchyard/core';
import { Router } from 'express';
import type { AppContext } from '../../context.js';
import { actorOf } from '../auth/auth.middleware.js';
import { mountContracts } from '../mount-contract.js';
import { DlpService } from './dlp.service.js';

/** /api/v1/llm/data-protection: status per scope, policies, switches, the live tester, activity. */
export function dlpRoutes(ctx: AppContext): Router {
  const svc = new DlpService(ctx);
  return mountContracts(Router(), dlpContracts, {
    status: ({ req, res }) => svc.status(actorOf(res, req.ip)),
    setStatus: ({ params, body, req, res }) =>
      svc.setStatus(actorOf(res, req.ip), params.scope, body.enabled),
    getPolicy: ({ params, req, res }) => svc.getPolicy(actorOf(res, req.ip), params.scope),
    putPolicy: ({ params, body, req, res }) => svc.putPolicy(actorOf(res, req.ip), params.scope, body),
    test: ({ body }) => svc.test(body.text, body.policy),
    activity: ({ query, req, res }) => svc.activity(actorOf(res, req.ip), query),
    eventLog: ({ params, req, res }) => svc.eventLog(actorOf(res, req.ip), params.id),
  });
}
