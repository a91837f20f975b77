import type { Router } from 'express';
import type { AppContext } from '../context.js';
import { providersRoutes } from './providers/providers.routes.js';

/**
 * Mount point for the /api/v1/llm/* modules: providers, models, routing, usage, stats, logs, export, settings.
 */
export function mountLlmModules(api: Router, ctx: AppContext): void {
  api.use('/llm', providersRoutes(ctx));
}
