import {
  TIERS,
  applyChange,
  checkChange,
  createSimulation,
  can,
  indexConfig,
  isEmptyChange,
  orgChangeRefusals,
  refOf,
  ruleInputsOf,
  visibleToOrg,
  type AliasListItem,
  type Caller,
  type Capability,
  type Endpoint,
  type ModelConfig,
  type RecordFacts,
  type RequestParam,
  type Role,
  type RoutingConfig,
  type SavingsAdvice,
  type SavingsQuery,
  type SimulationResult,
  type WhatIfAliasesQuery,
  type WhatIfBody,
  type WhatIfChange,
  type WhatIfResult,
} from '@switchyard/core';
import type { Prisma } from '@switchyard/prisma';
import type { AppContext } from '../../context.js';
import { AppError } from '../../lib/errors.js';
import { administeredOrgs } from '../orgs/org-admins.js';
import { presentAlias } from '../routing-config/routing.service.js';
import type { RoutingRuntime } from '../../router/runtime.js';
import type { ProxyCaller } from '../../router/types.js';
import {
  readHeaderAgent,
  readReplayFacts,
  readRuleInputs,
  type ReplayAgent,
} from '../../metering/replay-facts.js';

/** Rows read per keyset batch. */
const BATCH = 10_000;
/** A run stops after this long and says so (figures cover the rows replayed). */
const TIME_CAP_MS = 60_000;
/** Savings advice replays at most this many rows per suggestion (a sample, scaled up, beyond). */
const SAVINGS_MAX_ROWS = 100_000;
/** Used models looked at for savings advice (by cost), and suggestions kept per model. */
const SAVINGS_MODELS = 8;
const SAVINGS_PER_MODEL = 2;
const DAY_MS = 86_400_000;

const ENDPOINTS: Readonly<Record<string, Endpoint>> = {
  'chat.completions': 'chat',
  chat: 'chat',
  messages: 'messages',
  responses: 'responses',
  embeddings: 'embeddings',
  count_tokens: 'count_tokens',
};

/**
 * The replay facts the proxy stores first in a record's trace (`{"facts":{…},…}`), cut from the stored text
 * without parsing the rest of it. Old rows (and plain chat requests) have none: chat only, no max tokens.
 */
const FACTS_SQL = `CASE WHEN left("trace"::text, 9) = '{"facts":' THEN substring("trace"::text from '^\\{"facts":(\\{[^}]*\\})') END`;

/**
 * The header and metadata values routing rules looked at (kept in the trace's `inputs`), and an agent named by the
 * x-switchyard-agent header (the plan's `agent`): the trace is parsed only for a row whose text holds them.
 */
const INPUTS_SQL = `CASE WHEN strpos("trace"::text, '"inputs":{') > 0 THEN ("trace"->'inputs')::text END`;
const AGENT_SQL = `CASE WHEN strpos("trace"::text, '"via":"header"') > 0 THEN ("trace"->'plan'->'agent')::text END`;

interface Row {
  id: number;
  at: number;
  endpoint: string;
  requestedModel: string;
  tokensIn: number;
  tokensOut: number;
  tokensCached: number;
  costUsd: number;
  providerId: string | null;
  providerSlug: string | null;
  modelId: string | null;
  orgId: string | null;
  gatewayKeyId: string | null;
  userId: string | null;
  appId: string | null;
  stream: boolean;
  facts: string | null;
  /** The trace's `inputs` (only read when some rule looks at headers or metadata). */
  inputs?: string | null;
  /** The plan's agent (only read when an agent configuration exists). */
  agent?: string | null;
}

interface ReplayScope {
  from: Date;
  to: Date;
  orgId?: string | undefined;
  /** Only the rows this model answered. */
  answeredBy?: { providerId: string; modelId: string } | undefined;
  maxRows?: number | undefined;
}

/**
 * The statement giving the smallest and largest record id of the replay's range (the keyset scan's bounds).
 *
 * One organization's run reads nothing of any other, not even the range's bounds. Its bounds come from its rows of the
 * range through the ("orgId", "createdAt") index: as a plain min/max PostgreSQL would walk the primary key from either
 * end, filtering every organization's rows until one of its own (all the rows before the range when it sent nothing
 * lately; 155 ms at 1M rows). OFFSET 0 keeps the subquery a scan of its own.
 *
 * Everyone's run (operators) had the same trouble: a range that starts after the table's first record or ends before
 * its last made PostgreSQL walk the primary key from an end through every record outside the range (EXPLAIN on 2M
 * records over 90 days, one day 60 days back: 1.98M rows removed by the filter, 70k pages read, where the range holds
 * 22k rows in 760 pages). Each bound is now read the cheaper way: from the range's rows through the createdAt index,
 * or the plain walk from its end of the primary key when fewer records lie beyond the range on that side than in it
 * (a range up to now, or holding nearly the whole table). The counts are estimated from ids (dense, in insertion
 * order) found by four probes of the two indexes; either way the bound is exact.
 */
export async function replayBoundsQuery(
  db: Pick<AppContext['db'], 'query'>,
  scope: Pick<ReplayScope, 'from' | 'to' | 'orgId'>,
): Promise<[string, unknown[]]> {
  if (scope.orgId)
    return [
      `SELECT min("id")::float8 AS lo, max("id")::float8 AS hi FROM (SELECT "id" FROM "UsageRecord"
         WHERE "orgId" = $3 AND "createdAt" >= $1 AND "createdAt" < $2 OFFSET 0) AS r`,
      [scope.from, scope.to, scope.orgId],
    ];
  const [ids] = await db.query<{
    first: number | null;
    last: number | null;
    start: number | null;
    end: number | null;
  }>(
    `SELECT (SELECT min("id") FROM "UsageRecord")::float8 AS first,
       (SELECT max("id") FROM "UsageRecord")::float8 AS last,
       (SELECT "id" FROM "UsageRecord" WHERE "createdAt" >= $1 ORDER BY "createdAt" LIMIT 1)::float8 AS start,
       (SELECT "id" FROM "UsageRecord" WHERE "createdAt" < $2 ORDER BY "createdAt" DESC LIMIT 1)::float8 AS end`,
    [scope.from, scope.to],
  );
  const inRange = RANGE_ROWS;
  const rows =
    ids?.start != null && ids.end != null ? Math.max(0, ids.end - ids.start) : Number.POSITIVE_INFINITY;
  // Walking the primary key from an end skips the records beyond the range on that side.
  const walkLo = ids?.first != null && ids.start != null && ids.start - ids.first <= rows;
  const walkHi = ids?.last != null && ids.end != null && ids.last - ids.end <= rows;
  const plain = (agg: 'min' | 'max') =>
    `(SELECT ${agg}("id") FROM "UsageRecord" WHERE "createdAt" >= $1 AND "createdAt" < $2)::float8`;
  const ranged = (agg: 'min' | 'max') => `(SELECT ${agg}("id") FROM ${inRange})::float8`;
  return [
    walkLo || walkHi
      ? `SELECT ${walkLo ? plain('min') : ranged('min')} AS lo, ${walkHi ? plain('max') : ranged('max')} AS hi`
      : `SELECT min("id")::float8 AS lo, max("id")::float8 AS hi FROM ${inRange}`,
    [scope.from, scope.to],
  ];
}

/** The range's records through the createdAt index (OFFSET 0 keeps it a scan of its own). */
const RANGE_ROWS = `(SELECT "id" FROM "UsageRecord" WHERE "createdAt" >= $1 AND "createdAt" < $2 OFFSET 0) AS r`;

/** Who asks (the signed-in user). */
export interface WhatIfViewer {
  id: string;
  role: Role;
}

/**
 * Whose traffic a run reads: everyone's (`orgId` undefined, operators only) or one organization's; `limited`: the
 * caller is one of its owners or admins, not an operator (their changes are checked by `orgChangeRefusals`).
 */
interface Audience {
  orgId: string | undefined;
  limited: boolean;
}

interface ParsedFacts {
  needs: readonly Capability[];
  maxTokens: number | null;
  params: readonly RequestParam[] | undefined;
  choices: number | undefined;
}

/**
 * The what-if simulator over recorded traffic (POST /llm/whatif) and savings advice (GET /llm/savings). Reads
 * answered requests (status below 400) in id order, in keyset batches of raw rows, and replays them through
 * core's simulator against the routing snapshot in force.
 */
export class WhatIfService {
  constructor(
    private readonly ctx: AppContext,
    private readonly routing: RoutingRuntime,
  ) {}

  /**
   * Whose traffic `viewer` may replay: operators and viewers (`usage:read-any`) everyone's or the organization
   * they name; an organization's owners and admins one organization of theirs, which they must name (400 without
   * it, 403 for any other, existing or not: nothing is learnt about it); anyone else nothing (403).
   */
  async audience(viewer: WhatIfViewer, orgId: string | undefined): Promise<Audience> {
    if (can(viewer.role, 'usage:read-any')) return { orgId, limited: false };
    const mine = await administeredOrgs(this.ctx.prisma, viewer.id);
    if (mine.length === 0)
      throw AppError.forbidden(
        'The what-if simulator and savings advice are for operators and for the owners and admins of an organization.',
      );
    if (orgId === undefined)
      throw AppError.validation(
        'orgId: name the organization whose traffic to replay (one you own or administer).',
      );
    if (!mine.some((o) => o.id === orgId))
      throw AppError.forbidden('You may replay only the traffic of an organization you own or administer.');
    return { orgId, limited: true };
  }

  async run(viewer: WhatIfViewer, body: WhatIfBody): Promise<WhatIfResult> {
    const who = await this.audience(viewer, body.orgId);
    const current = this.routing.routingConfig;
    if (who.limited && who.orgId) {
      const refused = orgChangeRefusals(body.change, who.orgId);
      if (refused.length > 0) throw new AppError(403, 'forbidden', refused.join(' '), { problems: refused });
    }
    const problems = checkChange(
      current,
      body.change,
      who.limited && who.orgId ? visibleToOrg(who.orgId) : undefined,
    );
    if (problems.length > 0) throw AppError.badRequest(problems.join(' '), { problems });
    const started = performance.now();
    // No change: one replay serves both sides.
    const candidate = isEmptyChange(body.change) ? current : applyChange(current, body.change);
    const { result, truncated } = await this.replay(current, candidate, { ...body, orgId: who.orgId });
    return this.present(result, body, truncated, performance.now() - started);
  }

  /**
   * The aliases a what-if over `query.orgId`'s requests may name: the organization's own (enabled or not: its admins
   * may change them in a what-if) and the enabled global ones (they route its requests; operators change them), in
   * the routing list's order. A target or fallback naming only a model the organization does not see (another
   * organization's, a user's) is left out, like the model itself. Without an organization (operators): every alias.
   */
  async aliases(viewer: WhatIfViewer, query: WhatIfAliasesQuery): Promise<AliasListItem[]> {
    const { orgId } = await this.audience(viewer, query.orgId);
    const { prisma } = this.ctx;
    const scope = orgId === undefined ? undefined : `org:${orgId}`;
    const rows = await prisma.alias.findMany({
      where: scope === undefined ? {} : { OR: [{ scope: 'global', enabled: true }, { scope }] },
      orderBy: [{ scope: 'asc' }, { name: 'asc' }],
    });
    const orgIds = [...new Set(rows.map((a) => a.orgId).filter((x): x is string => x !== null))];
    const orgName = new Map(
      (
        await prisma.organization.findMany({
          where: { id: { in: orgIds } },
          select: { id: true, name: true },
        })
      ).map((o) => [o.id, o.name]),
    );
    const listed = rows.map((a) => ({
      ...presentAlias(a),
      orgName: a.orgId ? (orgName.get(a.orgId) ?? null) : null,
    }));
    if (scope === undefined) return listed;
    // The names (reference, bare id, registry id) of the models the organization sees and of those it does not.
    const names = async (where: Prisma.ModelWhereInput) =>
      new Set(
        (
          await prisma.model.findMany({
            where,
            select: { id: true, modelId: true, provider: { select: { slug: true } } },
          })
        ).flatMap((m) => [`${m.provider.slug}/${m.modelId}`, m.modelId, m.id]),
      );
    const seen = await names({ scope: { in: ['global', scope] } });
    const unseen = await names({ scope: { notIn: ['global', scope] } });
    const shown = (ref: string) => seen.has(ref) || !unseen.has(ref);
    return listed.map((a) => ({
      ...a,
      targets: a.targets.filter((t) => shown(t.ref)),
      fallbacks: a.fallbacks.filter(shown),
    }));
  }

  async savings(viewer: WhatIfViewer, query: SavingsQuery): Promise<SavingsAdvice> {
    const { orgId } = await this.audience(viewer, query.orgId);
    const now = this.ctx.now();
    const from = new Date(now - 30 * DAY_MS);
    const to = new Date(now);
    const current = this.routing.routingConfig;
    const index = indexConfig(current);
    const used = await this.ctx.db.query<{
      providerId: string;
      modelId: string;
      n: number;
      cost: number;
      tokensIn: number;
      tokensOut: number;
      maxPrompt: number;
      endpoints: string[];
      needs: (string | null)[];
    }>(
      `SELECT "providerId", "modelId", count(*)::float8 AS n, sum("costUsd")::float8 AS cost,
         sum("tokensIn")::float8 AS "tokensIn", sum("tokensOut")::float8 AS "tokensOut",
         max("tokensIn")::float8 AS "maxPrompt", array_agg(DISTINCT "endpoint") AS endpoints,
         array_agg(DISTINCT substring("trace"::text from '^\\{"facts":\\{"needs":(\\[[^]]*\\])')) AS needs
       FROM "UsageRecord"
       WHERE "createdAt" >= $1 AND "createdAt" < $2 AND "status" < 400 AND "providerId" IS NOT NULL
         AND "modelId" IS NOT NULL${orgId === undefined ? '' : ' AND "orgId" = $3'}
       GROUP BY 1, 2 ORDER BY cost DESC LIMIT ${SAVINGS_MODELS}`,
      orgId === undefined ? [from, to] : [from, to, orgId],
    );
    const suggestions: SavingsAdvice['suggestions'] = [];
    for (const u of used) {
      if (!(u.cost > 0)) continue;
      const model = current.models.find(
        (m) => m.scope === 'global' && m.providerId === u.providerId && m.modelId === u.modelId,
      );
      if (!model) continue;
      const needs = new Set<string>();
      for (const e of u.endpoints) needs.add(e === 'embeddings' ? 'embeddings' : 'chat');
      for (const n of u.needs) if (n) for (const x of safeJsonArray(n)) needs.add(x);
      const mixCost = (m: ModelConfig) => u.tokensIn * m.priceIn + u.tokensOut * m.priceOut;
      const candidates = current.models
        .filter(
          (m) =>
            m !== model &&
            m.scope === 'global' &&
            m.enabled &&
            m.priced !== false &&
            m.tier === model.tier &&
            current.providers.find((p) => p.id === m.providerId)?.status === 'active' &&
            [...needs].every((n) => m.capabilities.includes(n)) &&
            (m.contextWindow === null || m.contextWindow >= u.maxPrompt) &&
            mixCost(m) < mixCost(model),
        )
        .sort((a, b) => mixCost(a) - mixCost(b))
        .slice(0, SAVINGS_PER_MODEL);
      for (const c of candidates) {
        const change: WhatIfChange = {
          replaceModels: [{ from: refOf(index, model), to: refOf(index, c) }],
        };
        const { result, rows } = await this.replay(current, applyChange(current, change), {
          from,
          to,
          orgId,
          answeredBy: { providerId: u.providerId, modelId: u.modelId },
          maxRows: SAVINGS_MAX_ROWS,
        });
        if (rows === 0) continue;
        const sampled = Math.min(1, rows / u.n);
        const scale = 1 / sampled;
        const actualUsd = result.actual.costUsd * scale;
        const projectedUsd = result.projected.costUsd * scale;
        if (!(actualUsd - projectedUsd > 0)) continue;
        suggestions.push({
          from: refOf(index, model),
          to: refOf(index, c),
          fromName: model.modelId,
          toName: c.modelId,
          tier: TIERS.includes(model.tier) ? model.tier : 'balanced',
          requests: u.n,
          actualUsd: round(actualUsd),
          projectedUsd: round(projectedUsd),
          monthlySavingUsd: round(actualUsd - projectedUsd),
          unroutable: Math.round(result.unroutable.count * scale),
          maxPromptTokens: u.maxPrompt,
          sampled: round(sampled),
        });
      }
    }
    suggestions.sort((a, b) => b.monthlySavingUsd - a.monthlySavingUsd);
    return { from: from.toISOString(), to: to.toISOString(), suggestions };
  }

  /** Streams the scope's rows from the database through a simulation (keyset batches, in id order). */
  private async replay(
    current: RoutingConfig,
    candidate: RoutingConfig,
    scope: ReplayScope,
  ): Promise<{ result: SimulationResult; truncated: boolean; rows: number }> {
    const sim = createSimulation({ current, candidate });
    const callers = new Map<string, Caller>();
    const facts = new Map<string, ParsedFacts>();
    const inputs = new Map<string, ReturnType<typeof inputsOf>>();
    const agents = new Map<string, ReturnType<typeof agentOf>>();
    // Read only what a configuration could route by: rules on headers or metadata, agent configurations.
    const lookedAt = (c: RoutingConfig) => {
      const i = ruleInputsOf(c.rules ?? []);
      return i.headers.length > 0 || i.metadata.length > 0;
    };
    const readInputs = lookedAt(current) || lookedAt(candidate);
    const readAgent = (current.agents?.length ?? 0) > 0 || (candidate.agents?.length ?? 0) > 0;
    const started = performance.now();
    const bounds = await this.ctx.db.query<{ lo: number | null; hi: number | null }>(
      ...(await replayBoundsQuery(this.ctx.db, scope)),
    );
    const lo = bounds[0]?.lo;
    const hi = bounds[0]?.hi;
    let truncated = false;
    if (lo != null && hi != null) {
      const params: unknown[] = [scope.from, scope.to, lo - 1, hi];
      // Bounds as bigint (a float8 bound would compare "id" as float8 and lose the primary key).
      let where = `"id" > $3::bigint AND "id" <= $4::bigint AND "createdAt" >= $1 AND "createdAt" < $2 AND "status" < 400`;
      if (scope.orgId) {
        params.push(scope.orgId);
        where += ` AND "orgId" = $${params.length}`;
      }
      if (scope.answeredBy) {
        params.push(scope.answeredBy.providerId, scope.answeredBy.modelId);
        where += ` AND "providerId" = $${params.length - 1} AND "modelId" = $${params.length}`;
      }
      const sql = `SELECT "id"::float8 AS id, (extract(epoch from "createdAt") * 1000)::float8 AS at, "endpoint",
          "requestedModel", "tokensIn", "tokensOut", "tokensCached", "costUsd"::float8 AS "costUsd", "providerId",
          "providerSlug", "modelId", "orgId", "gatewayKeyId", "userId", "appId", "stream", ${FACTS_SQL} AS facts
          ${readInputs ? `, ${INPUTS_SQL} AS inputs` : ''}${readAgent ? `, ${AGENT_SQL} AS agent` : ''}
        FROM "UsageRecord" WHERE ${where} ORDER BY "UsageRecord"."id" LIMIT ${BATCH}`;
      const max = scope.maxRows ?? Number.POSITIVE_INFINITY;
      const fetch = (after: number) =>
        this.ctx.db.query<Row>(sql, [...params.slice(0, 2), after, ...params.slice(3)]);
      let next: Promise<Row[]> | null = fetch(lo - 1);
      while (next) {
        const rows: Row[] = await next;
        // The next batch is read while this one is replayed.
        next =
          rows.length === BATCH && sim.count + rows.length < max && performance.now() - started <= TIME_CAP_MS
            ? fetch(rows[rows.length - 1]!.id)
            : null;
        if (!next && rows.length === BATCH && sim.count + rows.length < max) truncated = true;
        for (const r of rows) {
          if (sim.count >= max) break;
          const endpoint = ENDPOINTS[r.endpoint];
          if (!endpoint) continue;
          const f = factsOf(r.facts, endpoint, facts);
          const kept = r.inputs ? cachedBy(r.inputs, inputs, inputsOf) : null;
          const agent = r.agent ? cachedBy(r.agent, agents, agentOf) : null;
          sim.add({
            id: r.id,
            at: r.at,
            endpoint,
            model: r.requestedModel,
            tokensIn: r.tokensIn,
            tokensOut: r.tokensOut,
            tokensCached: r.tokensCached,
            maxTokens: f.maxTokens,
            choices: f.choices,
            needs: f.needs,
            params: f.params,
            stream: r.stream,
            ...(kept ? { headers: kept.headers, metadata: kept.metadata } : {}),
            ...(agent ? { agent } : {}),
            costUsd: r.costUsd,
            providerId: r.providerId,
            providerSlug: r.providerSlug,
            modelId: r.modelId,
            orgId: r.orgId,
            caller: this.callerOf(r, callers),
          } satisfies RecordFacts);
        }
      }
    }
    return { result: sim.result(), truncated, rows: sim.count };
  }

  /**
   * The caller as it stands now (its key's allowed models, its user's power level, default model and BYOK keys,
   * its org's keys), once per distinct key × user × org × app. Limits and budgets are live state: left out.
   */
  private callerOf(r: Row, cache: Map<string, Caller>): Caller {
    const k = `${r.gatewayKeyId ?? ''}|${r.userId ?? ''}|${r.orgId ?? ''}|${r.appId ?? ''}`;
    const hit = cache.get(k);
    if (hit) return hit;
    const cfg = this.routing.config;
    const key = r.gatewayKeyId ? keyById(cfg).get(r.gatewayKeyId) : undefined;
    const user = r.userId ? cfg.users.get(r.userId) : undefined;
    const proxyCaller: ProxyCaller = {
      kind: r.gatewayKeyId ? 'key' : 'master',
      keyId: r.gatewayKeyId,
      keyName: key?.name ?? null,
      keyPrefix: key?.prefix ?? null,
      userId: r.userId,
      orgId: r.orgId,
      appId: r.appId,
      powerLevel: user?.powerLevel ?? null,
      allowedModels: key?.allowedModels ?? [],
      key: null,
    };
    const c: Caller = { ...this.routing.callerFor(proxyCaller), buckets: [], budgets: [] };
    cache.set(k, c);
    return c;
  }

  private async present(
    r: SimulationResult,
    body: WhatIfBody,
    truncated: boolean,
    elapsedMs: number,
  ): Promise<WhatIfResult> {
    const orgIds = r.byOrg.map((o) => o.orgId).filter((id): id is string => id !== null);
    const orgs =
      orgIds.length > 0
        ? await this.ctx.prisma.organization.findMany({
            where: { id: { in: orgIds } },
            select: { id: true, name: true },
          })
        : [];
    const name = new Map(orgs.map((o) => [o.id, o.name]));
    return {
      from: body.from.toISOString(),
      to: body.to.toISOString(),
      orgId: body.orgId ?? null,
      requests: r.requests,
      truncated,
      elapsedMs: Math.round(elapsedMs),
      actual: r.actual,
      current: r.current,
      projected: r.projected,
      changed: r.changed,
      unroutable: r.unroutable,
      byOrg: r.byOrg.map((o) => ({
        ...o,
        name: o.orgId ? (name.get(o.orgId) ?? 'Deleted organization') : 'No organization',
      })),
      samples: r.samples,
    };
  }
}

const keyMaps = new WeakMap<object, Map<string, { name: string; prefix: string; allowedModels: string[] }>>();

/** Gateway keys by id (the snapshot holds them by hash), built once per snapshot. */
function keyById(cfg: RoutingRuntime['config']) {
  let m = keyMaps.get(cfg);
  if (!m) {
    m = new Map([...cfg.keysByHash.values()].map((k) => [k.id, k]));
    keyMaps.set(cfg, m);
  }
  return m;
}

/** The stored replay facts (cached by their text: few distinct values). */
function factsOf(raw: string | null, endpoint: Endpoint, cache: Map<string, ParsedFacts>): ParsedFacts {
  const key = `${endpoint}|${raw ?? ''}`;
  const hit = cache.get(key);
  if (hit) return hit;
  let stored: unknown = null;
  if (raw) {
    try {
      stored = JSON.parse(raw);
    } catch {
      // A cut that is not JSON: treated as an old row.
    }
  }
  const f = readReplayFacts(stored, endpoint);
  cache.set(key, f);
  return f;
}

/** A parsed value cached by its text (few distinct values: the same headers, the same agents). */
function cachedBy<T>(text: string, cache: Map<string, T>, parse: (text: string) => T): T {
  let v = cache.get(text);
  if (v === undefined && !cache.has(text)) {
    v = parse(text);
    cache.set(text, v);
  }
  return v as T;
}

function parsed(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/** A trace's kept rule inputs; null when none were kept. */
function inputsOf(
  text: string,
): { headers: Record<string, string>; metadata: Record<string, string> } | null {
  const r = readRuleInputs(parsed(text));
  return r.kept === 'kept' ? { headers: r.headers, metadata: r.metadata } : null;
}

/** The plan's agent when the x-switchyard-agent header named it; null otherwise. */
function agentOf(text: string): ReplayAgent | null {
  return readHeaderAgent(parsed(text));
}

function safeJsonArray(s: string): string[] {
  try {
    const v: unknown = JSON.parse(s);
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
  } catch {
    return [];
  }
}

function round(n: number): number {
  return Math.round(n * 1e10) / 1e10;
}
