import { createAppBody, updateAppBody } from '@switchyard/core';
import { Router } from 'express';
import { z } from 'zod';
import type { App as AppRow } from '@switchyard/prisma';
import type { AppContext } from '../../context.js';
import { parseBody, route } from '../../http/async.js';
import { AppError } from '../../lib/errors.js';
import { openapi } from '../../openapi/registry.js';
import { actorOf, requirePermission } from '../auth/auth.middleware.js';

const present = (a: AppRow) => ({ ...a, createdAt: a.createdAt.toISOString(), updatedAt: a.updatedAt.toISOString() });

/** Client apps: they get their own gateway keys (ownerType app); an inactive app's keys stop working. */
export function appsRoutes(ctx: AppContext): Router {
  const r = Router();
  const find = async (id: string) => {
    const a = await ctx.prisma.app.findUnique({ where: { id } });
    if (!a) throw AppError.notFound('App');
    return a;
  };
  r.get('/', requirePermission('apps:read'), route(async (_req, res) => void res.json({ data: (await ctx.prisma.app.findMany({ orderBy: { name: 'asc' } })).map(present) })));
  r.get('/:id', requirePermission('apps:read'), route(async (req, res) => void res.json(present(await find(String(req.params.id))))));
  r.post('/', requirePermission('apps:write'), route(async (req, res) => {
    const b = parseBody(createAppBody, req.body);
    const actor = actorOf(res, req.ip);
    const a = await ctx.prisma.$transaction(async (tx) => {
      const created = await tx.app.create({ data: { name: b.name, slug: b.slug, description: b.description ?? null, contactEmail: b.contactEmail ?? null, active: b.active ?? true, piiProtection: b.piiProtection ?? false, orgId: b.orgId ?? null } });
      await ctx.audit.record({ actor, action: 'app.create', entityType: 'App', entityId: created.id, after: present(created), ip: actor.ip }, tx);
      return created;
    });
    await ctx.configChanged('apps');
    res.status(201).json(present(a));
  }));
  r.patch('/:id', requirePermission('apps:write'), route(async (req, res) => {
    const before = await find(String(req.params.id));
    const b = parseBody(updateAppBody, req.body);
    const actor = actorOf(res, req.ip);
    const a = await ctx.prisma.$transaction(async (tx) => {
      const updated = await tx.app.update({ where: { id: before.id }, data: Object.fromEntries(Object.entries(b).filter(([, v]) => v !== undefined)) });
      await ctx.audit.record({ actor, action: 'app.update', entityType: 'App', entityId: before.id, before: present(before), after: present(updated), ip: actor.ip }, tx);
      return updated;
    });
    await ctx.configChanged('apps');
    res.json(present(a));
  }));
  r.delete('/:id', requirePermission('apps:write'), route(async (req, res) => {
    const before = await find(String(req.params.id));
    const actor = actorOf(res, req.ip);
    await ctx.prisma.$transaction(async (tx) => {
      await tx.app.delete({ where: { id: before.id } });
      await ctx.audit.record({ actor, action: 'app.delete', entityType: 'App', entityId: before.id, before: present(before), ip: actor.ip }, tx);
    });
    await ctx.configChanged('apps');
    res.status(204).end();
  }));
  const id = z.object({ id: z.string() });
  openapi.registerPath({ method: 'get', path: '/api/v1/apps', tags: ['Apps'], summary: 'List client apps', responses: { 200: { description: 'Apps' } } });
  openapi.registerPath({ method: 'post', path: '/api/v1/apps', tags: ['Apps'], summary: 'Create a client app', request: { body: { content: { 'application/json': { schema: createAppBody } } } }, responses: { 201: { description: 'Created' } } });
  openapi.registerPath({ method: 'get', path: '/api/v1/apps/{id}', tags: ['Apps'], summary: 'One app', request: { params: id }, responses: { 200: { description: 'App' } } });
  openapi.registerPath({ method: 'patch', path: '/api/v1/apps/{id}', tags: ['Apps'], summary: 'Change an app (deactivating stops its keys)', request: { params: id, body: { content: { 'application/json': { schema: updateAppBody } } } }, responses: { 200: { description: 'App' } } });
  openapi.registerPath({ method: 'delete', path: '/api/v1/apps/{id}', tags: ['Apps'], summary: 'Delete an app (and its keys)', request: { params: id }, responses: { 204: { description: 'Deleted' } } });
  return r;
}
