import { createUserBody, safeString, updateUserBody } from '@switchyard/core';
import { Router } from 'express';
import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { parseBody, route } from '../../http/async.js';
import { openapi } from '../../openapi/registry.js';
import { actorOf, requirePermission } from '../auth/auth.middleware.js';
import { UsersService } from './users.service.js';

const listQuery = z.object({
  search: safeString().trim().max(200).optional(),
  role: z.enum(['super_admin', 'admin', 'user', 'viewer']).optional(),
  status: z.enum(['active', 'suspended']).optional(),
});

export function usersRoutes(ctx: AppContext): Router {
  const svc = new UsersService(ctx);
  const r = Router();
  r.get(
    '/',
    requirePermission('users:read'),
    route(async (req, res) => {
      res.json({ data: await svc.list(parseBody(listQuery, req.query)) });
    }),
  );
  r.post(
    '/',
    requirePermission('users:write'),
    route(async (req, res) => {
      res.status(201).json(await svc.create(actorOf(res, req.ip), parseBody(createUserBody, req.body)));
    }),
  );
  r.get(
    '/:id',
    requirePermission('users:read'),
    route(async (req, res) => {
      res.json(await svc.get(String(req.params.id)));
    }),
  );
  r.patch(
    '/:id',
    requirePermission('users:write'),
    route(async (req, res) => {
      res.json(
        await svc.update(actorOf(res, req.ip), String(req.params.id), parseBody(updateUserBody, req.body)),
      );
    }),
  );

  openapi.registerPath({
    method: 'get',
    path: '/api/v1/users',
    tags: ['Users'],
    summary: 'List users (search, role, status)',
    request: { query: listQuery },
    responses: { 200: { description: 'Users' } },
  });
  openapi.registerPath({
    method: 'post',
    path: '/api/v1/users',
    tags: ['Users'],
    summary: 'Create a user (a generated password is returned once when none is given)',
    request: { body: { content: { 'application/json': { schema: createUserBody } } } },
    responses: { 201: { description: 'The user' }, 409: { description: 'Email taken' } },
  });
  openapi.registerPath({
    method: 'get',
    path: '/api/v1/users/{id}',
    tags: ['Users'],
    summary: 'One user',
    request: { params: z.object({ id: z.string() }) },
    responses: { 200: { description: 'The user' }, 404: { description: 'Not found' } },
  });
  openapi.registerPath({
    method: 'patch',
    path: '/api/v1/users/{id}',
    tags: ['Users'],
    summary: 'Change name, role, status (suspend), weekly cap, power level',
    request: {
      params: z.object({ id: z.string() }),
      body: { content: { 'application/json': { schema: updateUserBody } } },
    },
    responses: { 200: { description: 'The user' }, 409: { description: 'Last super admin' } },
  });
  return r;
}
