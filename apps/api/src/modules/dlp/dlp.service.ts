import {
  DEFAULT_DLP_POLICY,
  DLP_KINDS,
  compilePolicy,
  createDlpContext,
  dlpScopeKey,
  dlpDetail,
  parseDlpScopeKey,
  protectText,
  scanText,
  type DlpAction,
  type DlpActivityPage,
  type DlpActivityQuery,
  type DlpMatchKind,
  type DlpPolicy,
  type DlpPolicyResponse,
  type DlpScopeName,
  type DlpStatus,
  type DlpStatusRow,
  type DlpTesterResponse,
  type PutDlpPolicyBody,
} from '@switchyard/core';
import { Prisma } from '@switchyard/prisma';
import type { AppContext } from '../../context.js';
import { AppError } from '../../lib/errors.js';
import { retentionCutoff } from '../../metering/retention.js';
import { storedPolicy } from '../../router/dlp-snapshot.js';
import type { Actor } from '../gateway-keys/gateway-keys.service.js';
import { administeredOrgs } from '../orgs/org-admins.js';

/**
 * What a signed-in user may see and change here. Operators (super admin, admin) everything; viewers read everything;
 * a user who is an owner or admin of organizations ("org admin") reads and changes those orgs and their apps only
 * (never the global policy); any other user sees nothing.
 */
export interface DlpAccess {
  all: boolean;
  write: boolean;
  /** Orgs a limited caller administers. */
  orgIds: ReadonlySet<string>;
}

/** One activity entry: a stored row (one protected request) with one of its findings. */
interface ActivityEntryRow {
  id: bigint;
  createdAt: Date;
  requestId: string;
  scope: string;
  scopeId: string | null;
  orgId: string | null;
  appId: string | null;
  userId: string | null;
  sizeBytes: number;
  /** The finding's place in the row's list, from 1. */
  entry: number;
  kind: string | null;
  rule: string | null;
  action: string | null;
  matches: number;
}

interface ScopeTarget {
  scope: DlpScopeName;
  id: string | null;
  name: string;
  orgId: string | null;
  enabled: boolean;
}

/** Built-in detectors on plus custom rules on. */
export function rulesEnabled(p: DlpPolicy): number {
  return (
    DLP_KINDS.filter((k) => p.detectors[k].enabled).length +
    p.customRules.filter((r) => r.enabled !== false).length
  );
}

/** Data protection: policies per scope, the org/app/global switches, the live tester, the activity log. */
export class DlpService {
  constructor(private readonly ctx: AppContext) {}

  async access(actor: Actor): Promise<DlpAccess> {
    if (actor.role === 'super_admin' || actor.role === 'admin')
      return { all: true, write: true, orgIds: new Set() };
    if (actor.role === 'viewer') return { all: true, write: false, orgIds: new Set() };
    const orgIds = new Set((await administeredOrgs(this.ctx.prisma, actor.id)).map((o) => o.id));
    return { all: false, write: orgIds.size > 0, orgIds };
  }

  /** The scope a path key names, as this caller may see it: 400 for a malformed key, 404 for one out of sight. */
  async #target(key: string, access: DlpAccess): Promise<ScopeTarget> {
    const parsed = parseDlpScopeKey(key);
    if (!parsed)
      throw AppError.validation('scope: must be "global", "org:<id>" or "app:<id>"', {
        issues: [{ field: 'scope', message: 'must be "global", "org:<id>" or "app:<id>"' }],
      });
    if (parsed.scope === 'global') {
      if (!access.all) throw AppError.forbidden('Only operators see and change the global policy.');
      const row = await this.ctx.prisma.dlpPolicy.findFirst({
        where: { scope: 'global', scopeId: null },
        select: { enabled: true },
      });
      return {
        scope: 'global',
        id: null,
        name: 'Global (master key)',
        orgId: null,
        enabled: row?.enabled ?? false,
      };
    }
    const id = parsed.id!;
    if (parsed.scope === 'org') {
      const o = await this.ctx.prisma.organization.findUnique({
        where: { id },
        select: { id: true, name: true, piiProtection: true },
      });
      if (!o || (!access.all && !access.orgIds.has(o.id))) throw AppError.notFound('Organization');
      return { scope: 'org', id: o.id, name: o.name, orgId: null, enabled: o.piiProtection };
    }
    const a = await this.ctx.prisma.app.findUnique({
      where: { id },
      select: { id: true, name: true, orgId: true, piiProtection: true },
    });
    if (!a || (!access.all && (a.orgId === null || !access.orgIds.has(a.orgId))))
      throw AppError.notFound('App');
    return { scope: 'app', id: a.id, name: a.name, orgId: a.orgId, enabled: a.piiProtection };
  }

  #assertWrite(access: DlpAccess): void {
    if (!access.write) throw AppError.forbidden();
  }

  async #stored(scope: DlpScopeName, id: string | null) {
    return this.ctx.prisma.dlpPolicy.findFirst({ where: { scope, scopeId: id } });
  }

  /** Every scope the caller may see with its switch, rule count and last activity. */
  async status(actor: Actor): Promise<DlpStatus> {
    const access = await this.access(actor);
    const orgWhere: Prisma.OrganizationWhereInput = access.all ? {} : { id: { in: [...access.orgIds] } };
    const appWhere: Prisma.AppWhereInput = access.all ? {} : { orgId: { in: [...access.orgIds] } };
    const [orgs, apps, policies] = await Promise.all([
      this.ctx.prisma.organization.findMany({
        where: orgWhere,
        select: { id: true, name: true, piiProtection: true },
        orderBy: { name: 'asc' },
      }),
      this.ctx.prisma.app.findMany({
        where: appWhere,
        select: { id: true, name: true, orgId: true, piiProtection: true },
        orderBy: { name: 'asc' },
      }),
      this.ctx.prisma.dlpPolicy.findMany({
        select: { scope: true, scopeId: true, enabled: true, rules: true },
      }),
    ]);
    const byKey = new Map(policies.map((p) => [dlpScopeKey(p.scope as DlpScopeName, p.scopeId), p]));
    const [orgLast, appLast, globalLast] = await Promise.all([
      this.#lastActivity(
        'org',
        orgs.map((o) => o.id),
      ),
      this.#lastActivity(
        'app',
        apps.map((a) => a.id),
      ),
      access.all
        ? this.ctx.prisma.dlpEvent.findFirst({
            where: { orgId: null, scope: 'global' },
            orderBy: { createdAt: 'desc' },
            select: { createdAt: true },
          })
        : null,
    ]);
    const row = (
      scope: DlpScopeName,
      id: string | null,
      name: string,
      orgId: string | null,
      enabled: boolean,
      last: Date | null | undefined,
    ): DlpStatusRow => {
      const key = dlpScopeKey(scope, id);
      const stored = byKey.get(key);
      const sp = stored ? storedPolicy(stored.rules) : null;
      return {
        key,
        scope,
        id,
        name,
        orgId,
        enabled,
        rulesEnabled: rulesEnabled(sp ? sp.policy : DEFAULT_DLP_POLICY),
        isDefault: !stored,
        notInForce: sp?.problem ?? null,
        lastActivityAt: last ? last.toISOString() : null,
      };
    };
    const data: DlpStatusRow[] = [];
    if (access.all) {
      const g = byKey.get('global');
      data.push(row('global', null, 'Global (master key)', null, g?.enabled ?? false, globalLast?.createdAt));
    }
    for (const o of orgs) data.push(row('org', o.id, o.name, null, o.piiProtection, orgLast.get(o.id)));
    for (const a of apps) data.push(row('app', a.id, a.name, a.orgId, a.piiProtection, appLast.get(a.id)));
    return { data, canEdit: access.write, limited: !access.all };
  }

  /** The newest event per org (scope org) or app: one index probe each ((orgId|appId, createdAt) indexes). */
  async #lastActivity(scope: 'org' | 'app', ids: string[]): Promise<Map<string, Date>> {
    if (ids.length === 0) return new Map();
    const rows =
      scope === 'org'
        ? await this.ctx.prisma.$queryRaw<{ id: string; at: Date | null }[]>`
            SELECT k.id, (SELECT e."createdAt" FROM "DlpEvent" e WHERE e."orgId" = k.id AND e."scope" = 'org'
              ORDER BY e."createdAt" DESC LIMIT 1) AS at
            FROM unnest(${ids}::text[]) AS k(id)`
        : await this.ctx.prisma.$queryRaw<{ id: string; at: Date | null }[]>`
            SELECT k.id, (SELECT e."createdAt" FROM "DlpEvent" e WHERE e."appId" = k.id AND e."scope" = 'app'
              ORDER BY e."createdAt" DESC LIMIT 1) AS at
            FROM unnest(${ids}::text[]) AS k(id)`;
    const out = new Map<string, Date>();
    for (const r of rows) if (r.at) out.set(r.id, new Date(r.at));
    return out;
  }

  async getPolicy(actor: Actor, key: string): Promise<DlpPolicyResponse> {
    const access = await this.access(actor);
    const t = await this.#target(key, access);
    return this.#present(t, await this.#stored(t.scope, t.id));
  }

  #present(
    t: ScopeTarget,
    stored: { rules: unknown; updatedAt: Date; enabled: boolean } | null,
  ): DlpPolicyResponse {
    const sp = stored ? storedPolicy(stored.rules) : null;
    return {
      key: dlpScopeKey(t.scope, t.id),
      scope: t.scope,
      id: t.id,
      name: t.name,
      enabled: t.scope === 'global' ? (stored?.enabled ?? false) : t.enabled,
      isDefault: !stored,
      policy: sp ? sp.editable : DEFAULT_DLP_POLICY,
      notInForce: sp?.problem ? { reason: sp.problem, rules: sp.refused } : null,
      updatedAt: stored ? stored.updatedAt.toISOString() : null,
    };
  }

  async putPolicy(actor: Actor, key: string, body: PutDlpPolicyBody): Promise<DlpPolicyResponse> {
    const access = await this.access(actor);
    const t = await this.#target(key, access);
    this.#assertWrite(access);
    // The schema checked every pattern; compiling once more here refuses anything the scanner would not run.
    try {
      compilePolicy(body);
    } catch (err) {
      throw AppError.validation(err instanceof Error ? err.message : String(err));
    }
    const rules = body as unknown as Prisma.InputJsonValue;
    const saved = await this.ctx.prisma.$transaction(async (tx) => {
      const before = await tx.dlpPolicy.findFirst({ where: { scope: t.scope, scopeId: t.id } });
      const row = before
        ? await tx.dlpPolicy.update({ where: { id: before.id }, data: { rules } })
        : await tx.dlpPolicy.create({
            data: {
              scope: t.scope,
              scopeId: t.id,
              orgId: t.scope === 'org' ? t.id : null,
              appId: t.scope === 'app' ? t.id : null,
              rules,
            },
          });
      await this.ctx.audit.record(
        {
          actor,
          action: 'dlp.policy.update',
          entityType: 'DlpPolicy',
          entityId: dlpScopeKey(t.scope, t.id),
          before: before ? { policy: before.rules } : { policy: 'default' },
          after: { policy: body },
          ip: actor.ip ?? null,
        },
        tx,
      );
      return row;
    });
    await this.ctx.configChanged('dlp');
    return this.#present(t, saved);
  }

  async setStatus(actor: Actor, key: string, enabled: boolean): Promise<DlpPolicyResponse> {
    const access = await this.access(actor);
    const t = await this.#target(key, access);
    this.#assertWrite(access);
    const stored = await this.ctx.prisma.$transaction(async (tx) => {
      if (t.scope === 'org')
        await tx.organization.update({ where: { id: t.id! }, data: { piiProtection: enabled } });
      else if (t.scope === 'app')
        await tx.app.update({ where: { id: t.id! }, data: { piiProtection: enabled } });
      else {
        const g = await tx.dlpPolicy.findFirst({ where: { scope: 'global', scopeId: null } });
        if (g) await tx.dlpPolicy.update({ where: { id: g.id }, data: { enabled } });
        else
          await tx.dlpPolicy.create({
            data: {
              scope: 'global',
              scopeId: null,
              enabled,
              rules: DEFAULT_DLP_POLICY as unknown as Prisma.InputJsonValue,
            },
          });
      }
      await this.ctx.audit.record(
        {
          actor,
          action: enabled ? 'dlp.enable' : 'dlp.disable',
          entityType: t.scope === 'org' ? 'Organization' : t.scope === 'app' ? 'App' : 'DlpPolicy',
          entityId: t.id ?? 'global',
          before: { enabled: t.enabled },
          after: { enabled },
          ip: actor.ip ?? null,
        },
        tx,
      );
      return tx.dlpPolicy.findFirst({ where: { scope: t.scope, scopeId: t.id } });
    });
    await this.ctx.configChanged('dlp');
    return this.#present({ ...t, enabled }, stored);
  }

  /** The live tester: what the policy catches in a text and the text as it would be sent. Stores nothing. */
  test(text: string, policy: DlpPolicy | undefined): DlpTesterResponse {
    let compiled;
    try {
      compiled = compilePolicy(policy ?? DEFAULT_DLP_POLICY);
    } catch (err) {
      throw AppError.validation(err instanceof Error ? err.message : String(err));
    }
    const ctx = createDlpContext(compiled);
    const out = protectText(text, ctx);
    const spans = compiled.active
      ? scanText(text, compiled).map((m) => ({
          start: m.start,
          end: m.end,
          kind: m.kind,
          rule: m.rule,
          action: m.action,
        }))
      : [];
    return {
      text: out,
      findings: ctx.findings,
      spans,
      blocked: ctx.blocked ? { kind: ctx.blocked.kind, rule: ctx.blocked.rule } : null,
    };
  }

  /**
   * Activity, newest first: an entry per rule that fired on a request (a request's rules in the order they first
   * fired). Each request is one stored row whose findings are expanded here. Keyset: cursor
   * "<createdAt ISO>|<id>|<entry>" of the last entry ("<createdAt ISO>|<id>" continues after that whole row).
   */
  async activity(actor: Actor, q: DlpActivityQuery): Promise<DlpActivityPage> {
    const access = await this.access(actor);
    const w: Prisma.Sql[] = [];
    if (!access.all) {
      const orgIds = [...access.orgIds];
      const appIds = orgIds.length
        ? (
            await this.ctx.prisma.app.findMany({ where: { orgId: { in: orgIds } }, select: { id: true } })
          ).map((a) => a.id)
        : [];
      w.push(Prisma.sql`(e."orgId" = ANY(${orgIds}::text[]) OR e."appId" = ANY(${appIds}::text[]))`);
    }
    if (q.scope) w.push(Prisma.sql`e."scope" = ${q.scope}`);
    if (q.org) w.push(Prisma.sql`e."orgId" = ${q.org}`);
    if (q.app) w.push(Prisma.sql`e."appId" = ${q.app}`);
    if (q.action) w.push(Prisma.sql`f.v->>'action' = ${q.action}`);
    if (q.kind) w.push(Prisma.sql`f.v->>'kind' = ${q.kind}`);
    if (q.cursor) {
      const [at, id, entry] = q.cursor.split('|') as [string, string, string | undefined];
      const when = new Date(at);
      if (Number.isNaN(when.getTime()))
        throw AppError.validation('cursor: must be a cursor from a previous page');
      const eventId = BigInt(id);
      w.push(
        entry === undefined
          ? Prisma.sql`(e."createdAt", e."id") < (${when}, ${eventId})`
          : Prisma.sql`((e."createdAt", e."id") < (${when}, ${eventId})
              OR (e."createdAt" = ${when} AND e."id" = ${eventId} AND f.n > ${Number(entry)}))`,
      );
    }
    const rows = await this.ctx.prisma.$queryRaw<ActivityEntryRow[]>`
      SELECT e."id", e."createdAt", e."requestId", e."scope", e."scopeId", e."orgId", e."appId", e."userId",
        e."sizeBytes", f.n::int AS "entry", f.v->>'kind' AS "kind", f.v->>'rule' AS "rule",
        f.v->>'action' AS "action",
        CASE WHEN jsonb_typeof(f.v->'count') = 'number'
          THEN least(greatest(floor((f.v->>'count')::numeric), 0), 2147483647)::int ELSE 0 END AS "matches"
      FROM "DlpEvent" e
        CROSS JOIN LATERAL jsonb_array_elements(
          CASE WHEN jsonb_typeof(e."findings") = 'array' THEN e."findings" ELSE '[]'::jsonb END
        ) WITH ORDINALITY AS f(v, n)
      ${w.length > 0 ? Prisma.sql`WHERE ${Prisma.join(w, ' AND ')}` : Prisma.empty}
      ORDER BY e."createdAt" DESC, e."id" DESC, f.n ASC
      LIMIT ${q.limit + 1}`;
    const page = rows.slice(0, q.limit);
    const orgIds = [...new Set(page.filter((r) => r.scope === 'org' && r.scopeId).map((r) => r.scopeId!))];
    const appIds = [...new Set(page.filter((r) => r.scope === 'app' && r.scopeId).map((r) => r.scopeId!))];
    const [orgs, apps] = await Promise.all([
      orgIds.length
        ? this.ctx.prisma.organization.findMany({
            where: { id: { in: orgIds } },
            select: { id: true, name: true },
          })
        : [],
      appIds.length
        ? this.ctx.prisma.app.findMany({ where: { id: { in: appIds } }, select: { id: true, name: true } })
        : [],
    ]);
    const names = new Map<string, string>([
      ...orgs.map((o) => [`org:${o.id}`, o.name] as const),
      ...apps.map((a) => [`app:${a.id}`, a.name] as const),
    ]);
    const last = rows.length > q.limit ? page.at(-1) : undefined;
    return {
      data: page.map((r) => {
        const kind = r.kind as DlpMatchKind;
        const action = r.action as DlpAction;
        const matches = Number(r.matches);
        return {
          id: `${r.id.toString()}-${r.entry}`,
          createdAt: new Date(r.createdAt).toISOString(),
          requestId: r.requestId,
          scope: r.scope as DlpScopeName,
          scopeId: r.scopeId,
          scopeName:
            r.scope === 'global'
              ? 'Global (master key)'
              : (names.get(`${r.scope}:${r.scopeId ?? ''}`) ?? `${r.scope} (deleted)`),
          orgId: r.orgId,
          appId: r.appId,
          userId: r.userId,
          action,
          kind,
          rule: r.rule ?? '',
          matches,
          sizeBytes: r.sizeBytes,
          detail: dlpDetail({ kind, rule: r.rule ?? '', action, count: matches }),
        };
      }),
      nextCursor: last
        ? `${new Date(last.createdAt).toISOString()}|${last.id.toString()}|${last.entry}`
        : null,
    };
  }

  /**
   * The log entry of an activity row's request. UsageRecord has no index on requestId, so the lookup is bounded to
   * the request's time window (createdAt index): the record is written for the same request, within its deadline.
   */
  async eventLog(actor: Actor, entryId: string): Promise<{ logId: string }> {
    // An activity entry is "<row id>-<entry>" (an entry per rule of the request's row); a bare row id also works.
    const id = /^(\d{1,19})(?:-\d{1,6})?$/.exec(entryId)?.[1];
    if (id === undefined) throw AppError.notFound('Activity');
    const access = await this.access(actor);
    const e = await this.ctx.prisma.dlpEvent.findUnique({ where: { id: BigInt(id) } }).catch(() => null);
    if (!e) throw AppError.notFound('Activity');
    if (!access.all) {
      const appOrg = e.appId
        ? (await this.ctx.prisma.app.findUnique({ where: { id: e.appId }, select: { orgId: true } }))?.orgId
        : null;
      const visible = (e.orgId && access.orgIds.has(e.orgId)) || (appOrg && access.orgIds.has(appOrg));
      if (!visible) throw AppError.notFound('Activity');
    }
    const slack = this.ctx.env.REQUEST_DEADLINE_MS + 60_000;
    const at = e.createdAt.getTime();
    // The request's own record: the same caller (a client may choose its own request id, so another caller's
    // request can carry the same one), written in the same statement as the activity row.
    const u = await this.ctx.prisma.usageRecord.findFirst({
      where: {
        requestId: e.requestId,
        createdAt: { gte: new Date(at - slack), lte: new Date(at + slack) },
        userId: e.userId,
        orgId: e.orgId,
        appId: e.appId,
        gatewayKeyId: e.gatewayKeyId,
      },
      orderBy: { id: 'desc' },
      select: { id: true },
    });
    if (!u) {
      // Retention (USAGE_RETENTION_DAYS) deletes raw records and keeps the activity, as it keeps error reports:
      // past its cutoff the log is gone for good, which is not the same answer as "not written yet".
      const days = this.ctx.env.USAGE_RETENTION_DAYS;
      if (days !== undefined && at < retentionCutoff(days, this.ctx.now()).getTime())
        throw new AppError(
          404,
          'log_pruned',
          `This request's log is gone: raw records older than ${days} days are deleted (USAGE_RETENTION_DAYS). Its activity entry is kept.`,
        );
      throw new AppError(
        404,
        'not_found',
        'This request has no log entry (yet): records are written a moment after the request ends.',
      );
    }
    return { logId: u.id.toString() };
  }
}
