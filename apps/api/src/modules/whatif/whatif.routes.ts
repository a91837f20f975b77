import { whatIfContracts } from '@switchyard/core';
import { Router } from 'express';
import type { AppContext } from '../../context.js';
import type { RoutingRuntime } from '../../router/runtime.js';
import { mountContracts } from '../mount-contract.js';
import { WhatIfService } from './whatif.service.js';

/** /api/v1/llm/whatif and /api/v1/llm/savings: recorded traffic replayed under a candidate configuration. */
export function whatIfRoutes(ctx: AppContext, routing: RoutingRuntime): Router {
  const svc = new WhatIfService(ctx, routing);
  return mountContracts(Router(), whatIfContracts, {
    run: ({ body }) => svc.run(body),
    savings: () => svc.savings(),
  });
}
