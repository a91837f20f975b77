import { modelsContracts } from '@switchyard/core';
import { Router, type Response } from 'express';
import type { AppContext } from '../../context.js';
import { actorOf, currentAuth } from '../auth/auth.middleware.js';
import { AppError } from '../../lib/errors.js';
import { can } from '../auth/permissions.js';
import { mountContracts } from '../mount-contract.js';
import { ModelsService } from './models.service.js';

/** /api/v1/llm/models: the model registry. Everyone may read what they can route to; operators write. */
export function modelsRoutes(ctx: AppContext): Router {
  const svc = new ModelsService(ctx);
  const viewer = (res: Response) => {
    const s = currentAuth(res);
    return { userId: s.user.id, seesAll: can(s.user.role, 'providers:read') };
  };
  /** A model's own auth is a credential: setting or removing it is the super admin's. */
  const credentials = (res: Response, body: { auth?: unknown }) => {
    if (body.auth !== undefined && !can(currentAuth(res).user.role, 'providers:credentials'))
      throw AppError.forbidden("Only a super admin may set a model's auth.");
  };
  return mountContracts(Router(), modelsContracts, {
    list: ({ query, res }) => svc.list(query, viewer(res)),
    create: ({ body, req, res }) => {
      credentials(res, body);
      return svc.create(actorOf(res, req.ip), body);
    },
    bulk: ({ body, req, res }) => svc.bulk(actorOf(res, req.ip), body),
    get: ({ params, res }) => svc.get(params.id, viewer(res)),
    update: ({ params, body, req, res }) => {
      credentials(res, body);
      return svc.update(actorOf(res, req.ip), params.id, body);
    },
    test: ({ params }) => svc.test(params.id),
    setDefault: ({ params, req, res }) => svc.setDefault(actorOf(res, req.ip), params.id),
    remove: ({ params, req, res }) => svc.remove(actorOf(res, req.ip), params.id),
  });
}
