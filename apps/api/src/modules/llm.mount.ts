import type { Router } from 'express';
import type { AppContext } from '../context.js';
import type { RoutingRuntime } from '../router/runtime.js';
import { agentsRoutes } from './agents/agents.routes.js';
import { experimentsRoutes } from './experiments/experiments.routes.js';
import { connectRoutes } from './connect/connect.routes.js';
import { dlpRoutes } from './dlp/dlp.routes.js';
import { modelsRoutes } from './models/models.routes.js';
import type { ProviderHealthService } from './providers/provider-health.service.js';
import { providersRoutes } from './providers/providers.routes.js';
import { routingRoutes } from './routing-config/routing.routes.js';
import { rulesRoutes } from './rules/rules.routes.js';
import { settingsRoutes } from './settings/settings.routes.js';
import { whatIfRoutes } from './whatif/whatif.routes.js';

/**
 * Mount point for the /api/v1/llm/* configuration modules: providers, models, routing, agents, rules, settings.
 */
export function mountLlmModules(
  api: Router,
  ctx: AppContext,
  routing: RoutingRuntime,
  health: ProviderHealthService,
): void {
  api.use(providersRoutes(ctx, health));
  api.use(modelsRoutes(ctx));
  api.use(routingRoutes(ctx, routing));
  api.use(settingsRoutes(ctx));
  api.use(dlpRoutes(ctx));
  api.use(agentsRoutes(ctx));
  api.use(experimentsRoutes(ctx));
  api.use(whatIfRoutes(ctx, routing));
  api.use(rulesRoutes(ctx, routing));
  // Connect a tool: /guide (public Markdown) and /me/keys/:id/models.
  api.use(connectRoutes(ctx, routing));
}
