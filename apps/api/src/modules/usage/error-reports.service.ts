import { isDateInRange, type ErrorsQuery, type ResolveErrorsBody } from '@switchyard/core';
import type { Prisma } from '@switchyard/prisma';
import type { AppContext } from '../../context.js';
import { AppError } from '../../lib/errors.js';
import type { Actor } from '../gateway-keys/gateway-keys.service.js';

/** The agent configuration an error report's details name (written with the usage row), or null. */
function agentOfDetails(details: unknown): string | null {
  if (typeof details !== 'object' || details === null) return null;
  const a = (details as { agent?: unknown }).agent;
  return typeof a === 'string' && a !== '' ? a : null;
}

/** The calling tool and version an error report's details carry (written with the usage row; older reports have none). */
function clientOfDetails(details: unknown): { tool: string; version: string | null } | null {
  if (typeof details !== 'object' || details === null) return null;
  const c = (details as { client?: unknown }).client;
  if (typeof c !== 'object' || c === null) return null;
  const { tool, version } = c as { tool?: unknown; version?: unknown };
  if (typeof tool !== 'string') return null;
  return { tool, version: typeof version === 'string' ? version : null };
}

/** The reports after a "<createdAt ISO>|<id>" cursor, newest first; a 400 for anything else. */
function afterCursor(cursor: string): Prisma.ErrorReportWhereInput {
  const [at, id] = cursor.split('|');
  const when = new Date(at ?? '');
  if (!id || Number.isNaN(when.getTime()) || !isDateInRange(when))
    throw AppError.validation('cursor: must be a cursor from a previous page');
  return { OR: [{ createdAt: { lt: when } }, { createdAt: when, id: { lt: id } }] };
}

/**
 * Error reports for operators: listed newest first with filters, and resolved (marked handled) or opened again. The
 * page says how many open reports match its filters, so the dashboard shows what is left to look at.
 */
export class ErrorReportsService {
  constructor(private readonly ctx: AppContext) {}

  /** Newest first; the cursor is "<createdAt ISO>|<id>" of the last row. `open` counts the filters' open reports. */
  async list(q: ErrorsQuery) {
    const w: Prisma.ErrorReportWhereInput[] = [];
    if (q.source) w.push({ source: q.source });
    if (q.type) w.push({ type: q.type });
    if (q.model) w.push({ model: q.model });
    if (q.user) w.push({ userId: q.user });
    if (q.from) w.push({ createdAt: { gte: q.from } });
    if (q.to) w.push({ createdAt: { lte: q.to } });
    const page: Prisma.ErrorReportWhereInput[] = [...w];
    if (q.state) page.push({ resolved: q.state === 'resolved' });
    if (q.cursor) page.push(afterCursor(q.cursor));
    const [rows, open] = await Promise.all([
      this.ctx.prisma.errorReport.findMany({
        where: { AND: page },
        orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
        take: q.limit + 1,
      }),
      this.ctx.prisma.errorReport.count({ where: { AND: [...w, { resolved: false }] } }),
    ]);
    const shown = rows.slice(0, q.limit);
    const userIds = shown.flatMap((r) => [r.userId, r.resolvedById]).filter((x): x is string => !!x);
    const appIds = shown.map((r) => r.appId).filter((x): x is string => x !== null);
    const [users, apps] = await Promise.all([
      this.ctx.prisma.user.findMany({
        where: { id: { in: [...new Set(userIds)] } },
        select: { id: true, email: true },
      }),
      this.ctx.prisma.app.findMany({ where: { id: { in: appIds } }, select: { id: true, name: true } }),
    ]);
    const emailOf = new Map(users.map((u) => [u.id, u.email]));
    const appName = new Map(apps.map((a) => [a.id, a.name]));
    const person = (id: string | null) => (id ? { id, email: emailOf.get(id) ?? null } : null);
    const last = shown.at(-1);
    return {
      data: shown.map((r) => ({
        id: r.id,
        createdAt: r.createdAt.toISOString(),
        source: r.source,
        type: r.type,
        model: r.model,
        provider: r.provider,
        message: r.message,
        user: person(r.userId),
        app: r.appId ? { id: r.appId, name: appName.get(r.appId) ?? null } : null,
        requestId: r.requestId,
        client: clientOfDetails(r.details),
        agent: agentOfDetails(r.details),
        details: r.details,
        resolved: r.resolved,
        resolvedAt: r.resolvedAt?.toISOString() ?? null,
        resolvedBy: person(r.resolvedById),
      })),
      nextCursor: rows.length > q.limit && last ? `${last.createdAt.toISOString()}|${last.id}` : null,
      open,
    };
  }

  /**
   * Mark the named reports resolved (now, by the actor) or open again; all or nothing: an unknown id is a 404 and
   * nothing changes. Reports already in the asked state keep their resolution (who and when). One audit entry.
   */
  async resolve(actor: Actor, b: ResolveErrorsBody) {
    const ids = [...new Set(b.ids)];
    const updated = await this.ctx.prisma.$transaction(async (tx) => {
      const found = await tx.errorReport.findMany({
        where: { id: { in: ids } },
        select: { id: true, resolved: true },
      });
      if (found.length !== ids.length) {
        const known = new Set(found.map((r) => r.id));
        const missing = ids.filter((id) => !known.has(id));
        throw AppError.notFound(`Error report ${missing.slice(0, 5).join(', ')}`);
      }
      const change = found.filter((r) => r.resolved !== b.resolved).map((r) => r.id);
      if (!change.length) return 0;
      await tx.errorReport.updateMany({
        where: { id: { in: change } },
        data: b.resolved
          ? { resolved: true, resolvedAt: new Date(this.ctx.now()), resolvedById: actor.id }
          : { resolved: false, resolvedAt: null, resolvedById: null },
      });
      await this.ctx.audit.record(
        {
          actor,
          action: b.resolved ? 'error_report.resolve' : 'error_report.reopen',
          entityType: 'ErrorReport',
          entityId: change.length === 1 ? change[0]! : `${change.length} reports`,
          after: { ids: change, resolved: b.resolved },
          ip: actor.ip,
        },
        tx,
      );
      return change.length;
    });
    const open = await this.ctx.prisma.errorReport.count({ where: { resolved: false } });
    return { updated, open };
  }
}
