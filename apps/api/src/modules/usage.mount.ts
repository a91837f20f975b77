import type { Router } from 'express';
import type { AppContext } from '../context.js';
import { deadLetterRoutes } from './usage/dead-letters.routes.js';
import { usageRoutes } from './usage/usage.routes.js';

/**
 * Mount point for the read side: usage, stats, live, logs, per-user usage, error reports, export (and /me/*), and the
 * replay of usage records the database refused.
 */
export function mountUsageModules(api: Router, ctx: AppContext): void {
  api.use(usageRoutes(ctx));
  api.use(deadLetterRoutes(ctx));
}
