import { whatIfContracts } from '@switchyard/core';
import { Router, type Response } from 'express';
import type { AppContext } from '../../context.js';
import type { RoutingRuntime } from '../../router/runtime.js';
import { currentAuth } from '../auth/auth.middleware.js';
import { mountContracts } from '../mount-contract.js';
import { WhatIfService } from './whatif.service.js';

/**
 * /api/v1/llm/whatif and /api/v1/llm/savings: recorded traffic replayed under a candidate configuration. Operators
 * see everyone's; an organization's owners and admins their organization's only (the service decides).
 */
export function whatIfRoutes(ctx: AppContext, routing: RoutingRuntime): Router {
  const svc = new WhatIfService(ctx, routing);
  const viewer = (res: Response) => {
    const { id, role } = currentAuth(res).user;
    return { id, role };
  };
  return mountContracts(Router(), whatIfContracts, {
    run: ({ body, res }) => svc.run(viewer(res), body),
    aliases: async ({ query, res }) => ({ data: await svc.aliases(viewer(res), query) }),
    savings: ({ query, res }) => svc.savings(viewer(res), query),
  });
}
