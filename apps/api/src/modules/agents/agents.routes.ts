import { agentsContracts } from '@switchyard/core';
import { Router } from 'express';
import type { AppContext } from '../../context.js';
import { attachmentDisposition } from '../../http/content-disposition.js';
import { actorOf } from '../auth/auth.middleware.js';
import { mountContracts } from '../mount-contract.js';
import { AgentsService } from './agents.service.js';

/** /api/v1/llm/agents: agent configurations and model_config.yaml. */
export function agentsRoutes(ctx: AppContext): Router {
  const svc = new AgentsService(ctx);
  return mountContracts(Router(), agentsContracts, {
    list: async () => ({ data: await svc.list() }),
    create: ({ body, req, res }) => svc.create(actorOf(res, req.ip), body),
    update: ({ params, body, req, res }) => svc.update(actorOf(res, req.ip), params.id, body),
    remove: ({ params, req, res }) => svc.remove(actorOf(res, req.ip), params.id),
    exportYaml: async ({ res }) => {
      const yaml = await svc.exportYaml();
      res.status(200);
      res.setHeader('content-type', 'application/yaml; charset=utf-8');
      res.setHeader('content-disposition', attachmentDisposition('model_config.yaml'));
      res.setHeader('cache-control', 'no-store');
      res.end(yaml);
    },
    importYaml: ({ body, req, res }) => svc.importYaml(actorOf(res, req.ip), body),
  });
}
