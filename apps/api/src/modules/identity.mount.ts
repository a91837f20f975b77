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
 * Each module exports a Router factory taking the AppContext; mount them on `api` (/api/v1) here.
 */
export function mountIdentityModules(api: Router, ctx: AppContext): void {
  const keys = gatewayKeysRoutes(ctx);
  api.use('/keys', keys.admin);
  api.use('/me/keys', keys.self);
  api.use('/users', usersRoutes(ctx));
  const byok = byokRoutes(ctx);
  api.use('/me/byok', byok.self);
  api.use('/byok', byok.admin);
  api.use('/audit', auditRoutes(ctx));
  api.use('/orgs', orgsRoutes(ctx));
  api.use('/apps', appsRoutes(ctx));
}
