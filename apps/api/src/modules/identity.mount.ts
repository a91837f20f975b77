import type { Router } from 'express';
import type { AppContext } from '../context.js';
import { gatewayKeysRoutes } from './gateway-keys/gateway-keys.routes.js';
import { usersRoutes } from './users/users.routes.js';
import { byokRoutes } from './byok/byok.routes.js';
import { auditRoutes } from './audit/audit.routes.js';
import { appsRoutes } from './apps/apps.routes.js';
import { orgsRoutes } from './orgs/orgs.routes.js';

/**
 * Mount point for identity modules: users, organizations, apps, gateway keys, BYOK keys, audit log.
 * Each module exports a Router factory taking the AppContext, with its routes mounted from its contracts (full
 * `/api/v1/...` paths); they are mounted on `api` (/api/v1) here.
 */
export function mountIdentityModules(api: Router, ctx: AppContext): void {
  api.use(gatewayKeysRoutes(ctx));
  api.use(usersRoutes(ctx));
  api.use(byokRoutes(ctx));
  api.use(auditRoutes(ctx));
  api.use(orgsRoutes(ctx));
  api.use(appsRoutes(ctx));
}
