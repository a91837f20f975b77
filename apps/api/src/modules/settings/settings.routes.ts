import { settingsContracts } from '@switchyard/core';
import { Router } from 'express';
import type { AppContext } from '../../context.js';
import { actorOf } from '../auth/auth.middleware.js';
import { mountContracts } from '../mount-contract.js';
import { SettingsService } from './settings.service.js';

/** /api/v1/llm/settings: Ollama connection and discovery, body logging, routing debug headers. */
export function settingsRoutes(ctx: AppContext): Router {
  const svc = new SettingsService(ctx);
  return mountContracts(Router(), settingsContracts, {
    get: () => svc.get(),
    update: ({ body, req, res }) => svc.update(actorOf(res, req.ip), body),
    testOllama: ({ body }) => svc.testOllama(body),
    syncOllama: ({ req, res }) => svc.syncOllamaModels(actorOf(res, req.ip)),
  });
}
