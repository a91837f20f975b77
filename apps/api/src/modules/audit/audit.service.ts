import { isDateInRange, isSafeText, type AuditQuery } from '@switchyard/core';
import type { Prisma, PrismaClient } from '@switchyard/prisma';
import type { AuditEntry, AuditRecorder } from '../../context.js';
import { AppError } from '../../lib/errors.js';

const SECRET_FIELD = /(key|secret|token|password|hash|credential)/i;
const ALLOWED_SECRETISH = new Set([
  'apiKeyLast4',
  'last4',
  'prefix',
  'keyPrefix',
  'gatewayKeyId',
  'tokensIn',
  'tokensOut',
  'tokensCached',
  'maxTokens',
]);

/** A copy safe to store or show: any secret-looking field becomes "[redacted]" (last-4 fields are kept). */
export function maskSecrets(value: unknown, depth = 0): unknown {
  if (value === null || value === undefined || depth > 8) return value ?? null;
  if (Array.isArray(value)) return value.map((v) => maskSecrets(v, depth + 1));
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'object') {
    if (
      'toFixed' in value &&
      typeof (value as { toString: () => string }).toString === 'function' &&
      value.constructor?.name === 'Decimal'
    ) {
      return (value as { toString: () => string }).toString();
    }
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      if (
        SECRET_FIELD.test(k) &&
        !ALLOWED_SECRETISH.has(k) &&
        typeof v !== 'boolean' &&
        typeof v !== 'number'
      ) {
        out[k] = v === null || v === undefined ? null : '[redacted]';
      } else out[k] = maskSecrets(v, depth + 1);
    }
    return out;
  }
  return value;
}

/** Every mutation through the admin API is recorded here: who, when, what, before/after with secrets masked. */
export class AuditService implements AuditRecorder {
  constructor(private readonly prisma: PrismaClient) {}

  async record(entry: AuditEntry, tx?: Prisma.TransactionClient): Promise<void> {
    const client = tx ?? this.prisma;
    await client.auditLog.create({
      data: {
        actorUserId: entry.actor?.id ?? null,
        actorEmail: entry.actor?.email ?? null,
        action: entry.action,
        entityType: entry.entityType,
        entityId: entry.entityId ?? null,
        before:
          (entry.before === undefined ? undefined : (maskSecrets(entry.before) as Prisma.InputJsonValue)) ??
          undefined,
        after:
          (entry.after === undefined ? undefined : (maskSecrets(entry.after) as Prisma.InputJsonValue)) ??
          undefined,
        ip: entry.ip ?? null,
      },
    });
  }

  /** The audit log, newest first, with filters and keyset pagination (stable under concurrent writes). */
  async list(q: AuditQuery) {
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
    const rows = await this.prisma.auditLog.findMany({
      where,
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: q.limit + 1,
    });
    const page = rows.slice(0, q.limit);
    const last = page.at(-1);
    return {
      data: page.map((a) => ({ ...a, createdAt: a.createdAt.toISOString() })),
      nextCursor:
        rows.length > q.limit && last
          ? Buffer.from(`${last.createdAt.getTime()}|${last.id}`).toString('base64url')
          : null,
    };
  }
}

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
