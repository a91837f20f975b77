import { createOrgBody, orgMemberBody, putByokBody, updateOrgBody } from '@switchyard/core';
import { Router } from 'express';
import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { parseBody, route } from '../../http/async.js';
import { openapi } from '../../openapi/registry.js';
import { actorOf, requirePermission } from '../auth/auth.middleware.js';
import { OrgsService } from './orgs.service.js';

export function orgsRoutes(ctx: AppContext): Router {
  const svc = new OrgsService(ctx);
  const r = Router();
  r.get('/', requirePermission('orgs:read'), route(async (_req, res) => void res.json({ data: await svc.list() })));
  r.post('/', requirePermission('orgs:write'), route(async (req, res) => void res.status(201).json(await svc.create(actorOf(res, req.ip), parseBody(createOrgBody, req.body)))));
  r.get('/:id', requirePermission('orgs:read'), route(async (req, res) => void res.json(await svc.get(String(req.params.id)))));
  r.patch('/:id', requirePermission('orgs:write'), route(async (req, res) => void res.json(await svc.update(actorOf(res, req.ip), String(req.params.id), parseBody(updateOrgBody, req.body)))));
  r.delete('/:id', requirePermission('orgs:write'), route(async (req, res) => {
    await svc.remove(actorOf(res, req.ip), String(req.params.id));
    res.status(204).end();
  }));
  r.post('/:id/members', requirePermission('orgs:write'), route(async (req, res) => void res.json(await svc.addMember(actorOf(res, req.ip), String(req.params.id), parseBody(orgMemberBody, req.body)))));
  r.delete('/:id/members/:userId', requirePermission('orgs:write'), route(async (req, res) => {
    await svc.removeMember(actorOf(res, req.ip), String(req.params.id), String(req.params.userId));
    res.status(204).end();
  }));
  // Setting credentials is the super admin's (permission table: providers:credentials).
  r.put('/:id/provider-keys/:providerId', requirePermission('providers:credentials'), route(async (req, res) => {
    const b = parseBody(putByokBody, req.body);
    res.json(await svc.putProviderKey(actorOf(res, req.ip), String(req.params.id), String(req.params.providerId), b.apiKey, b.label ?? null));
  }));
  r.delete('/:id/provider-keys/:providerId', requirePermission('providers:credentials'), route(async (req, res) => {
    await svc.deleteProviderKey(actorOf(res, req.ip), String(req.params.id), String(req.params.providerId));
    res.status(204).end();
  }));

  const id = z.object({ id: z.string() });
  openapi.registerPath({ method: 'get', path: '/api/v1/orgs', tags: ['Organizations'], summary: 'List organizations', responses: { 200: { description: 'Organizations' } } });
  openapi.registerPath({ method: 'post', path: '/api/v1/orgs', tags: ['Organizations'], summary: 'Create an organization', request: { body: { content: { 'application/json': { schema: createOrgBody } } } }, responses: { 201: { description: 'Created' }, 409: { description: 'Slug taken' } } });
  openapi.registerPath({ method: 'get', path: '/api/v1/orgs/{id}', tags: ['Organizations'], summary: 'One organization with members and provider keys (last four)', request: { params: id }, responses: { 200: { description: 'Organization' } } });
  openapi.registerPath({ method: 'patch', path: '/api/v1/orgs/{id}', tags: ['Organizations'], summary: 'Change name, owner, spend cap, rollover, PII protection, status', request: { params: id, body: { content: { 'application/json': { schema: updateOrgBody } } } }, responses: { 200: { description: 'Organization' } } });
  openapi.registerPath({ method: 'delete', path: '/api/v1/orgs/{id}', tags: ['Organizations'], summary: 'Delete an organization', request: { params: id }, responses: { 204: { description: 'Deleted' } } });
  openapi.registerPath({ method: 'post', path: '/api/v1/orgs/{id}/members', tags: ['Organizations'], summary: 'Add or change a member', request: { params: id, body: { content: { 'application/json': { schema: orgMemberBody } } } }, responses: { 200: { description: 'Organization' } } });
  openapi.registerPath({ method: 'delete', path: '/api/v1/orgs/{id}/members/{userId}', tags: ['Organizations'], summary: 'Remove a member', request: { params: z.object({ id: z.string(), userId: z.string() }) }, responses: { 204: { description: 'Removed' } } });
  openapi.registerPath({ method: 'put', path: '/api/v1/orgs/{id}/provider-keys/{providerId}', tags: ['Organizations'], summary: "Set the org's own key for a provider (super admin)", request: { params: z.object({ id: z.string(), providerId: z.string() }), body: { content: { 'application/json': { schema: putByokBody } } } }, responses: { 200: { description: 'Key (masked)' } } });
  openapi.registerPath({ method: 'delete', path: '/api/v1/orgs/{id}/provider-keys/{providerId}', tags: ['Organizations'], summary: "Remove the org's key for a provider", request: { params: z.object({ id: z.string(), providerId: z.string() }) }, responses: { 204: { description: 'Removed' } } });
  return r;
}
