import { bulkModelsBody, createModelBody, modelListQuery, updateModelBody } from '@switchyard/core';
import { Router, type Response } from 'express';
import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { parseBody, route } from '../../http/async.js';
import { openapi } from '../../openapi/registry.js';
import { actorOf, currentAuth, requirePermission } from '../auth/auth.middleware.js';
import { can } from '../auth/permissions.js';
import { ModelsService } from './models.service.js';

/** /api/v1/llm/models: the model registry. Everyone may read what they can route to; operators write. */
export function modelsRoutes(ctx: AppContext): Router {
  const svc = new ModelsService(ctx);
  const r = Router();
  const viewer = (res: Response) => {
    const s = currentAuth(res);
    return { userId: s.user.id, seesAll: can(s.user.role, 'providers:read') };
  };

  r.get('/models', requirePermission('models:read'), route(async (req, res) => void res.json(await svc.list(parseBody(modelListQuery, req.query), viewer(res)))));
  r.post('/models', requirePermission('models:write'), route(async (req, res) => void res.status(201).json(await svc.create(actorOf(res, req.ip), parseBody(createModelBody, req.body)))));
  r.post('/models/bulk', requirePermission('models:write'), route(async (req, res) => void res.json(await svc.bulk(actorOf(res, req.ip), parseBody(bulkModelsBody, req.body)))));
  r.get('/models/:id', requirePermission('models:read'), route(async (req, res) => void res.json(await svc.get(String(req.params.id), viewer(res)))));
  r.put('/models/:id', requirePermission('models:write'), route(async (req, res) => void res.json(await svc.update(actorOf(res, req.ip), String(req.params.id), parseBody(updateModelBody, req.body)))));
  r.post('/models/:id/default', requirePermission('models:write'), route(async (req, res) => void res.json(await svc.setDefault(actorOf(res, req.ip), String(req.params.id)))));
  r.delete('/models/:id', requirePermission('models:write'), route(async (req, res) => {
    await svc.remove(actorOf(res, req.ip), String(req.params.id));
    res.status(204).end();
  }));

  const id = z.object({ id: z.string() });
  const json = <T extends z.ZodType>(schema: T) => ({ body: { content: { 'application/json': { schema } } } });
  openapi.registerPath({ method: 'get', path: '/api/v1/llm/models', tags: ['Models'], summary: 'Search, filter and sort the registry (users see global, their org and their own models)', request: { query: modelListQuery }, responses: { 200: { description: '{data, total, limit, offset}' } } });
  openapi.registerPath({ method: 'post', path: '/api/v1/llm/models', tags: ['Models'], summary: 'Add a model (isDefault moves the default marker of its scope)', request: json(createModelBody), responses: { 201: { description: 'Model' }, 409: { description: 'Same provider, model id and scope exists' } } });
  openapi.registerPath({ method: 'post', path: '/api/v1/llm/models/bulk', tags: ['Models'], summary: 'Enable, disable or delete many models', request: json(bulkModelsBody), responses: { 200: { description: '{action, affected, missing}' } } });
  openapi.registerPath({ method: 'get', path: '/api/v1/llm/models/{id}', tags: ['Models'], summary: 'One model', request: { params: id }, responses: { 200: { description: 'Model' }, 404: { description: 'Not found' } } });
  openapi.registerPath({ method: 'put', path: '/api/v1/llm/models/{id}', tags: ['Models'], summary: 'Change a model (toggle enabled, prices, tier, capabilities, config)', request: { params: id, ...json(updateModelBody) }, responses: { 200: { description: 'Model' } } });
  openapi.registerPath({ method: 'post', path: '/api/v1/llm/models/{id}/default', tags: ['Models'], summary: 'Make this the default model of its scope', request: { params: id }, responses: { 200: { description: 'Model' } } });
  openapi.registerPath({ method: 'delete', path: '/api/v1/llm/models/{id}', tags: ['Models'], summary: 'Delete a model', request: { params: id }, responses: { 204: { description: 'Deleted' } } });
  return r;
}
