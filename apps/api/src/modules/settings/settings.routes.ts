import { ollamaTestBody, updateSettingsBody } from '@switchyard/core';
import { Router } from 'express';
import type { AppContext } from '../../context.js';
import { parseBody, route } from '../../http/async.js';
import { openapi } from '../../openapi/registry.js';
import { actorOf, requirePermission } from '../auth/auth.middleware.js';
import { SettingsService } from './settings.service.js';

/** /api/v1/llm/settings: Ollama connection and discovery, body logging, routing debug headers. */
export function settingsRoutes(ctx: AppContext): Router {
  const svc = new SettingsService(ctx);
  const r = Router();
  r.get('/settings', requirePermission('settings:read'), route(async (_req, res) => void res.json(await svc.get())));
  r.put('/settings', requirePermission('settings:write'), route(async (req, res) => void res.json(await svc.update(actorOf(res, req.ip), parseBody(updateSettingsBody, req.body)))));
  r.post('/settings/ollama/test', requirePermission('settings:write'), route(async (req, res) => void res.json(await svc.testOllama(parseBody(ollamaTestBody, req.body)))));
  r.post('/settings/ollama/sync', requirePermission('settings:write'), route(async (req, res) => void res.json(await svc.syncOllamaModels(actorOf(res, req.ip)))));

  const json = { content: { 'application/json': { schema: updateSettingsBody } } };
  openapi.registerPath({ method: 'get', path: '/api/v1/llm/settings', tags: ['Settings'], summary: 'Ollama URL, body logging, debug headers', responses: { 200: { description: 'Settings' } } });
  openapi.registerPath({ method: 'put', path: '/api/v1/llm/settings', tags: ['Settings'], summary: 'Change settings (an Ollama URL also points the Ollama provider there)', request: { body: json }, responses: { 200: { description: 'Settings' } } });
  openapi.registerPath({ method: 'post', path: '/api/v1/llm/settings/ollama/test', tags: ['Settings'], summary: 'Test an Ollama server and list its models', request: { body: { content: { 'application/json': { schema: ollamaTestBody } } } }, responses: { 200: { description: '{success, latencyMs, models} or {success:false, error}' } } });
  openapi.registerPath({ method: 'post', path: '/api/v1/llm/settings/ollama/sync', tags: ['Settings'], summary: 'Add the discovered Ollama models to the registry', responses: { 200: { description: '{discovered, added}' }, 502: { description: 'Ollama unreachable' } } });
  return r;
}
