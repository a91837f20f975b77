import { auditContracts } from '@switchyard/core';
import { Router } from 'express';
import type { AppContext } from '../../context.js';
import { mountContracts } from '../mount-contract.js';
import { AuditService } from './audit.service.js';

/** The audit log (GET /audit). */
export function auditRoutes(ctx: AppContext): Router {
  const audit = new AuditService(ctx.prisma);
  return mountContracts(Router(), auditContracts, {
    list: ({ query }) => audit.list(query),
  });
}
