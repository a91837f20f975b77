import { dateField, isDateInRange, isSafeText, safeString } from '@switchyard/core';
import { Router } from 'express';
import { z } from 'zod';
import type { Prisma } from '@switchyard/prisma';
import type { AppContext } from '../../context.js';
import { parseBody, route } from '../../http/async.js';
import { AppError } from '../../lib/errors.js';
import { openapi } from '../../openapi/registry.js';
import { requirePermission } from '../auth/auth.middleware.js';

export const auditQuery = z.object({
  entityType: safeString().max(100).optional(),
  entityId: safeString().max(200).optional(),
  actor: safeString().max(254).optional(),
  action: safeString().max(100).optional(),
  from: dateField().optional(),
  to: dateField().optional(),
  cursor: safeString().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

function decodeCursor(c: string): { t: Date; id: string } {
  try {
    const [t, id] = Buffer.from(c, 'base64url').toString('utf8').split('|');
    const d = new Date(Number(t));
    if (!id || !isSafeText(id) || Number.isNaN(d.getTime()) || !isDateInRange(d)) throw new Error('bad');
    return { t: d, id };
  } catch {
    throw AppError.validation('cursor: is not a cursor this API returned');
  }
}

/** The audit log, newest first, with filters and keyset pagination (stable under concurrent writes). */
export function auditRoutes(ctx: AppContext): Router {
  const r = Router();
  r.get(
    '/',
    requirePermission('audit:read'),
    route(async (req, res) => {
      const q = parseBody(auditQuery, req.query);
      const where: Prisma.AuditLogWhereInput = {};
      if (q.entityType) where.entityType = q.entityType;
      if (q.entityId) where.entityId = q.entityId;
      if (q.action) where.action = q.action;
      if (q.actor) where.OR = [{ actorEmail: q.actor.toLowerCase() }, { actorUserId: q.actor }];
      if (q.from || q.to)
        where.createdAt = { ...(q.from ? { gte: q.from } : {}), ...(q.to ? { lt: q.to } : {}) };
      if (q.cursor) {
        const c = decodeCursor(q.cursor);
        where.AND = [{ OR: [{ createdAt: { lt: c.t } }, { createdAt: c.t, id: { lt: c.id } }] }];
      }
      const rows = await ctx.prisma.auditLog.findMany({
        where,
        orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
        take: q.limit + 1,
      });
      const page = rows.slice(0, q.limit);
      const last = page.at(-1);
      res.json({
        data: page.map((a) => ({ ...a, createdAt: a.createdAt.toISOString() })),
        nextCursor:
          rows.length > q.limit && last
            ? Buffer.from(`${last.createdAt.getTime()}|${last.id}`).toString('base64url')
            : null,
      });
    }),
  );
  openapi.registerPath({
    method: 'get',
    path: '/api/v1/audit',
    tags: ['Audit'],
    summary: 'Audit log: who changed what, when, before/after with secrets masked',
    request: { query: auditQuery },
    responses: { 200: { description: '{data, nextCursor}' } },
  });
  return r;
}
