import { auditContracts } from '@switchyard/core';
import { Router } from 'express';
import type { AppContext } from '../../context.js';
import { mountContracts } from '../mount-contract.js';

/** The audit log (GET /audit). */
export function auditRoutes(ctx: AppContext): Router {
  return mountContracts(Router(), auditContracts, {
    list: ({ query }) => ctx.audit.list(query),
  });
}
