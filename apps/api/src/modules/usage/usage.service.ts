import {
  bucketForPeriod,
  csvField,
  isDateInRange,
  isInt64Id,
  percentChange,
  periodDays,
  type ExportQuery,
  type FeedbackPage,
  type FeedbackQuery,
  GOOD_SCORE,
  type LogDetail,
  type LogFeedback,
  type MyOrgs,
  type Role,
  can,
  type StoredTrace,
  type LogRecord,
  type LogsPage,
  type LogsQuery,
  type UsagePeriod,
  type UserUsageQuery,
  forecastFrom,
  forecastMonthEnd,
  type CostForecast,
  type DailyCost,
} from '@switchyard/core';
import { Prisma } from '@switchyard/prisma';
import type { Writable } from 'node:stream';
import { once } from 'node:events';
import type { AppContext } from '../../context.js';
import { AppError } from '../../lib/errors.js';
import { REFUSED_READ_LIMIT, refusedUsage } from '../../metering/spend.js';
import { isSameParty, sameParty, type Party } from '../experiments/request-owner.js';
import { administeredOrgs } from '../orgs/org-admins.js';

const DAY = 86_400_000;
const HOUR = 3_600_000;
const num = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v));
const money = (v: unknown): number => Math.round(num(v) * 1e6) / 1e6;

/** Start of the UTC bucket (hour, day or ISO week starting Monday) that holds `t`, like date_trunc in SQL. */
/** The start of the UTC hour holding `t`, and of the first hour starting at or after it. */
const floorH = (t: number) => new Date(Math.floor(t / HOUR) * HOUR);
const ceilH = (t: number) => new Date(Math.ceil(t / HOUR) * HOUR);

function truncate(t: number, bucket: 'hour' | 'day' | 'week' | 'minute'): number {
  if (bucket === 'minute') return t - (t % 60_000);
  if (bucket === 'hour') return t - (t % HOUR);
  const day = t - (t % DAY);
  if (bucket === 'day') return day;
  const dow = (new Date(day).getUTCDay() + 6) % 7; // Monday = 0
  return day - dow * DAY;
}
const STEP = { minute: 60_000, hour: HOUR, day: DAY, week: 7 * DAY } as const;

/** Whose usage a query covers: everything (operators), one user's own, or one organization's (its admins). */
export interface UsageScope {
  userId?: string;
  orgId?: string;
}

interface SeriesRow {
  t: Date;
  requests: unknown;
  errors: unknown;
  cost: unknown;
  tokens: unknown;
  saved: unknown;
}

/**
 * The read side: charts, stats, logs, error reports, per-user usage and CSV export. Aggregates come from the rollups
 * (hourly for the 7-day view, daily for longer ones and the stat cards), written in the same statement as the raw
 * rows so they are always complete; lists and the live view read the raw rows through their indexes.
 */
export class UsageService {
  constructor(private readonly ctx: AppContext) {}

  /** The scope's condition (`AND …`), on the columns of `alias` when the query joins other tables. */
  #userFilter(scope: UsageScope, alias?: 'd') {
    const col = (name: 'orgId' | 'userId') => Prisma.raw(alias ? `${alias}."${name}"` : `"${name}"`);
    if (scope.orgId) return Prisma.sql` AND ${col('orgId')} = ${scope.orgId}`;
    return scope.userId ? Prisma.sql` AND ${col('userId')} = ${scope.userId}` : Prisma.empty;
  }

  /**
   * The rollup a bucket reads: hourly for the 7-day view, daily (much smaller) for everything longer. An
   * organization's usage always reads the hourly rollup (the daily one has no organization; the hourly one is
   * indexed by organization and hour, so an organization reads only its own rows).
   */
  #rollup(bucket: 'hour' | 'day' | 'week', scope: UsageScope = {}) {
    return bucket === 'hour' || scope.orgId
      ? { table: Prisma.raw('"UsageHourly"'), time: Prisma.raw('"hour"') }
      : { table: Prisma.raw('"UsageDaily"'), time: Prisma.raw('"day"') };
  }

  async #since(period: UsagePeriod, scope: UsageScope): Promise<number> {
    const now = this.ctx.now();
    const days = periodDays(period);
    const bucket = bucketForPeriod(period);
    if (days !== null) return truncate(now - days * DAY + STEP[bucket], bucket);
    const { table, time } = this.#rollup('day', scope);
    const [row] = await this.ctx.prisma.$queryRaw<
      { first: Date | null }[]
    >`SELECT min(${time}) AS first FROM ${table} WHERE true${this.#userFilter(scope)}`;
    return truncate(row?.first ? row.first.getTime() : now, bucket);
  }

  /** The organizations `userId` owns or administers, whose usage they may read (GET /me/orgs/{id}/usage). */
  administeredOrgs(userId: string): Promise<MyOrgs['data']> {
    return administeredOrgs(this.ctx.prisma, userId);
  }

  /** One organization's usage (as `usage`, its requests only): see `orgScope` for who may read it. */
  async orgUsage(actor: { id: string; role: Role }, orgId: string, period: UsagePeriod) {
    return this.usage(period, await this.orgScope(actor, orgId));
  }

  /**
   * The scope of one organization's usage for `actor`: its owners and admins, and operators; a 404 for anyone else
   * (an organization they do not administer is not shown to exist).
   */
  async orgScope(actor: { id: string; role: Role }, orgId: string): Promise<UsageScope> {
    const visible = can(actor.role, 'usage:read-any')
      ? await this.ctx.prisma.organization.findUnique({ where: { id: orgId }, select: { id: true } })
      : (await this.administeredOrgs(actor.id)).find((o) => o.id === orgId);
    if (!visible) throw AppError.notFound('Organization');
    return { orgId };
  }

  /** Calls and cost over time (continuous buckets), cost and health by provider, popular models, top users. */
  async usage(period: UsagePeriod, scope: UsageScope = {}) {
    const bucket = bucketForPeriod(period);
    const since = await this.#since(period, scope);
    const sinceDate = new Date(since);
    const uf = this.#userFilter(scope);
    const trunc = Prisma.raw(`'${bucket}'`);
    const { table, time } = this.#rollup(bucket, scope);
    const [series, providers, models, users, totals] = await Promise.all([
      this.ctx.prisma.$queryRaw<SeriesRow[]>`
        SELECT date_trunc(${trunc}, ${time} AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' AS t, sum("requests") AS requests, sum("errors") AS errors,
          sum("costUsd") AS cost, sum("tokensIn" + "tokensOut") AS tokens, sum("savedUsd") AS saved
        FROM ${table} WHERE ${time} >= ${sinceDate}${uf} GROUP BY 1 ORDER BY 1`,
      this.ctx.prisma.$queryRaw<
        {
          providerId: string;
          requests: unknown;
          errors: unknown;
          cost: unknown;
          latencySum: unknown;
          latencyCount: unknown;
          ttftSum: unknown;
          ttftCount: unknown;
          hits: unknown;
        }[]
      >`
        SELECT "providerId", sum("requests") AS requests, sum("errors") AS errors, sum("costUsd") AS cost, sum("cacheHits") AS hits,
          sum("latencySumMs") AS "latencySum", sum("latencyCount") AS "latencyCount", sum("ttftSumMs") AS "ttftSum", sum("ttftCount") AS "ttftCount"
        FROM ${table} WHERE ${time} >= ${sinceDate}${uf} GROUP BY 1 ORDER BY cost DESC, requests DESC`,
      this.ctx.prisma.$queryRaw<
        { providerId: string; modelId: string; requests: unknown; cost: unknown; tokens: unknown }[]
      >`
        SELECT "providerId", "modelId", sum("requests") AS requests, sum("costUsd") AS cost, sum("tokensIn" + "tokensOut") AS tokens
        FROM ${table} WHERE ${time} >= ${sinceDate} AND "modelId" <> ''${uf} GROUP BY 1, 2 ORDER BY requests DESC, cost DESC LIMIT 10`,
      scope.userId
        ? Promise.resolve([])
        : this.ctx.prisma.$queryRaw<{ userId: string; requests: unknown; cost: unknown }[]>`
        SELECT "userId", sum("requests") AS requests, sum("costUsd") AS cost
        FROM ${table} WHERE ${time} >= ${sinceDate} AND "userId" <> ''${uf} GROUP BY 1 ORDER BY cost DESC, requests DESC LIMIT 10`,
      this.ctx.prisma.$queryRaw<
        {
          requests: unknown;
          errors: unknown;
          cost: unknown;
          tokens: unknown;
          saved: unknown;
          byok: unknown;
          hits: unknown;
          cachesaved: unknown;
        }[]
      >`
        SELECT sum("requests") AS requests, sum("errors") AS errors, sum("costUsd") AS cost, sum("tokensIn" + "tokensOut") AS tokens,
          sum("savedUsd") AS saved, sum("requests") FILTER (WHERE "isByok") AS byok,
          sum("cacheHits") AS hits, sum("cacheSavedUsd") AS cachesaved
        FROM ${table} WHERE ${time} >= ${sinceDate}${uf}`,
    ]);
    const [names, ratings, refused] = await Promise.all([
      this.#providerNames(providers.map((p) => p.providerId).concat(models.map((m) => m.providerId))),
      this.#ratings(models, sinceDate, scope),
      // Records the database refused are in no rollup: said apart, so the charts are not read as all the spend.
      refusedUsage(
        this.ctx.prisma,
        { since },
        scope.orgId
          ? { field: 'orgId', id: scope.orgId }
          : scope.userId
            ? { field: 'userId', id: scope.userId }
            : undefined,
        // A page view reads a bounded number of letters (the newest) and says when there were more.
        REFUSED_READ_LIMIT,
      ),
    ]);
    const emails = await this.#userNames(users.map((u) => u.userId));
    const byT = new Map(series.map((r) => [r.t.getTime(), r]));
    const points = [];
    const end = truncate(this.ctx.now(), bucket);
    for (let t = since; t <= end; t += STEP[bucket]) {
      const r = byT.get(t);
      points.push({
        t: new Date(t).toISOString(),
        requests: num(r?.requests),
        errors: num(r?.errors),
        costUsd: money(r?.cost),
        tokens: num(r?.tokens),
        savedUsd: money(r?.saved),
      });
    }
    const t0 = totals[0];
    return {
      period,
      bucket,
      from: new Date(since).toISOString(),
      to: new Date(this.ctx.now()).toISOString(),
      totals: {
        requests: num(t0?.requests),
        errors: num(t0?.errors),
        costUsd: money(t0?.cost),
        tokens: num(t0?.tokens),
        savedUsd: money(t0?.saved),
        byokRequests: num(t0?.byok),
        cacheHits: num(t0?.hits),
        cacheSavedUsd: money(t0?.cachesaved),
      },
      deadLetters: {
        records: refused.records,
        costUsd: money(refused.costUsd),
        savedUsd: money(refused.savedUsd),
        unreadable: refused.unreadable,
        truncated: refused.truncated,
      },
      series: points,
      byProvider: providers.map((p) => {
        // What the provider served: a cache hit replays its answer but is not its call.
        const cacheHits = num(p.hits);
        const requests = num(p.requests) - cacheHits;
        return {
          providerId: p.providerId || null,
          provider: p.providerId
            ? (names.get(p.providerId)?.name ?? 'deleted provider')
            : 'no provider (rejected before routing)',
          slug: p.providerId ? (names.get(p.providerId)?.slug ?? null) : null,
          requests,
          cacheHits,
          errors: num(p.errors),
          costUsd: money(p.cost),
          successRate: requests ? Math.round((1 - num(p.errors) / requests) * 10_000) / 10_000 : null,
          avgLatencyMs: num(p.latencyCount) ? Math.round(num(p.latencySum) / num(p.latencyCount)) : null,
          avgTtftMs: num(p.ttftCount) ? Math.round(num(p.ttftSum) / num(p.ttftCount)) : null,
        };
      }),
      byModel: models.map((m) => ({
        ref: `${names.get(m.providerId)?.slug ?? '?'}/${m.modelId}`,
        providerId: m.providerId,
        modelId: m.modelId,
        requests: num(m.requests),
        costUsd: money(m.cost),
        tokens: num(m.tokens),
        feedback: ratings.get(`${m.providerId}/${m.modelId}`) ?? null,
      })),
      topUsers: users.map((u) => ({
        userId: u.userId,
        email: emails.get(u.userId)?.email ?? null,
        name: emails.get(u.userId)?.name ?? null,
        requests: num(u.requests),
        costUsd: money(u.cost),
      })),
    };
  }

  /**
   * The scores given since `since` (POST /v1/feedback; a replaced score counts once, when it was last given) to
   * requests each of `models` answered, by `providerId/modelId`: operators see every score, a user those given with
   * their keys (their own requests), an organization's admins those given to its requests.
   */
  async #ratings(models: { providerId: string; modelId: string }[], since: Date, scope: UsageScope) {
    const out = new Map<string, { ratings: number; meanScore: number }>();
    if (!models.length) return out;
    const rows = await this.ctx.prisma.feedback.groupBy({
      by: ['providerId', 'modelId'],
      where: {
        updatedAt: { gte: since },
        OR: models.map((m) => ({ providerId: m.providerId, modelId: m.modelId })),
        ...(scope.orgId ? { orgId: scope.orgId } : scope.userId ? { userId: scope.userId } : {}),
      },
      _count: { _all: true },
      _avg: { score: true },
    });
    for (const r of rows)
      out.set(`${r.providerId}/${r.modelId}`, {
        ratings: r._count._all,
        meanScore: Math.round((r._avg.score ?? 0) * 10_000) / 10_000,
      });
    return out;
  }

  async #providerNames(ids: string[]) {
    const rows = await this.ctx.prisma.provider.findMany({
      where: { id: { in: [...new Set(ids.filter(Boolean))] } },
      select: { id: true, name: true, slug: true },
    });
    return new Map(rows.map((p) => [p.id, p]));
  }

  async #userNames(ids: string[]) {
    const rows = await this.ctx.prisma.user.findMany({
      where: { id: { in: [...new Set(ids.filter(Boolean))] } },
      select: { id: true, email: true, name: true },
    });
    return new Map(rows.map((u) => [u.id, u]));
  }

  /**
   * Distinct provider × model pairs that answered in the last 24 h and in the 24 h before. The hourly rollup holds
   * every hour up to now (the current one included: each usage batch adds to it), so only the two hours cut by a
   * window's start (now − 48 h and now − 24 h) are read from the raw rows; the cost does not grow with a day's
   * traffic (at 20M rows over 90 days a day is ~220,000 raw rows). Pairs are grouped before they are counted (a
   * hash of two text columns, not a sort of row values).
   */
  async #modelsUsed(now: number): Promise<{ current: unknown; previous: unknown }[]> {
    const dayAgo = now - DAY;
    const twoDaysAgo = now - 2 * DAY;
    return this.ctx.prisma.$queryRaw<{ current: unknown; previous: unknown }[]>`
      WITH pairs AS (
        SELECT "providerId" AS p, "modelId" AS m, "hour" >= ${ceilH(dayAgo)} AS cur FROM "UsageHourly"
        WHERE "statusClass" = '2xx' AND "modelId" <> '' AND "hour" <= ${new Date(now)}
          AND (("hour" >= ${ceilH(twoDaysAgo)} AND "hour" < ${floorH(dayAgo)}) OR "hour" >= ${ceilH(dayAgo)})
        UNION ALL
        SELECT coalesce("providerId", ''), "modelId", "createdAt" >= ${new Date(dayAgo)} FROM "UsageRecord"
        WHERE "status" < 400 AND "modelId" IS NOT NULL
          AND (("createdAt" >= ${new Date(twoDaysAgo)} AND "createdAt" < ${ceilH(twoDaysAgo)})
            OR ("createdAt" >= ${floorH(dayAgo)} AND "createdAt" < ${ceilH(dayAgo)}))
      )
      SELECT count(*) FILTER (WHERE cur) AS current, count(*) FILTER (WHERE prev) AS previous
      FROM (SELECT bool_or(cur) AS cur, bool_or(NOT cur) AS prev FROM pairs GROUP BY p, m) g`;
  }

  /** The four stat cards (30 days versus the 30 before, computed) plus BYOK figures. */
  async stats() {
    const now = this.ctx.now();
    // The last 30 days (30 × 24 h back from the hour after now − 30 days) against the 30 before, the same length.
    // Whole days inside either window come from the daily rollup; the two days a window edge cuts through
    // (30 and 60 days ago) from the hourly one, hour by hour.
    const today = truncate(now, 'day');
    const d29 = new Date(today - 29 * DAY);
    const d30 = new Date(today - 30 * DAY);
    const d59 = new Date(today - 59 * DAY);
    const edgeCur = ceilH(now - 30 * DAY);
    const edgePrev = ceilH(now - 60 * DAY);
    const [providers, activeProviders, activeModels, used, windows, byokUsers] = await Promise.all([
      this.ctx.prisma.provider.count(),
      this.ctx.prisma.provider.count({ where: { status: 'active' } }),
      // The Models page's "Enabled" count (the same definition, so the two figures agree).
      this.ctx.prisma.model.count({ where: { enabled: true } }),
      this.#modelsUsed(now),
      this.ctx.prisma.$queryRaw<
        {
          current: boolean;
          requests: unknown;
          cost: unknown;
          saved: unknown;
          tokens: unknown;
          errors: unknown;
          hits: unknown;
          cachesaved: unknown;
          unpriced: unknown;
        }[]
      >`
        SELECT current, sum("requests") AS requests, sum("costUsd") AS cost, sum("savedUsd") AS saved,
          sum("tokensIn" + "tokensOut") AS tokens, sum("errors") AS errors,
          sum("cacheHits") AS hits, sum("cacheSavedUsd") AS cachesaved,
          -- Answered calls (not from the cache) of models whose price is unknown: their cost reads $0.
          sum("requests" - "errors" - "cacheHits") FILTER (WHERE EXISTS (
            SELECT 1 FROM "Model" m WHERE m."providerId" = w."providerId" AND m."modelId" = w."modelId"
              AND NOT m."priced")) AS unpriced
        FROM (
          SELECT "day" >= ${d29} AS current, "providerId", "modelId", "requests", "costUsd", "savedUsd", "tokensIn",
            "tokensOut", "errors", "cacheHits", "cacheSavedUsd"
          FROM "UsageDaily" WHERE "day" >= ${d59} AND "day" <> ${d30}
          UNION ALL
          SELECT "hour" >= ${edgeCur}, "providerId", "modelId", "requests", "costUsd", "savedUsd", "tokensIn",
            "tokensOut", "errors", "cacheHits", "cacheSavedUsd"
          FROM "UsageHourly"
          WHERE ("hour" >= ${d30} AND "hour" < ${d29}) OR ("hour" >= ${edgePrev} AND "hour" < ${d59})
        ) w GROUP BY 1`,
      this.ctx.prisma.byokKey.findMany({
        where: { status: 'active', user: { status: 'active' } },
        distinct: ['userId'],
        select: { userId: true },
      }),
    ]);
    const c = windows.find((w) => w.current);
    const p = windows.find((w) => !w.current);
    const calls = num(c?.requests);
    const callsPrev = num(p?.requests);
    const cost = money(c?.cost);
    const costPrev = money(p?.cost);
    return {
      totalProviders: providers,
      activeProviders,
      activeModels,
      modelsUsed24h: {
        value: num(used[0]?.current),
        previous: num(used[0]?.previous),
        changePct: percentChange(num(used[0]?.current), num(used[0]?.previous)),
      },
      apiCalls30d: { value: calls, previous: callsPrev, changePct: percentChange(calls, callsPrev) },
      cost30d: {
        valueUsd: cost,
        previousUsd: costPrev,
        changePct: percentChange(cost, costPrev),
        unpricedCalls: num(c?.unpriced),
      },
      tokens30d: num(c?.tokens),
      errorRate30d: calls ? Math.round((num(c?.errors) / calls) * 10_000) / 10_000 : null,
      byok: { users: byokUsers.length, savedUsd30d: money(c?.saved) },
      cache: { hits30d: num(c?.hits), savedUsd30d: money(c?.cachesaved) },
      generatedAt: new Date(now).toISOString(),
    };
  }

  /** The last 60 minutes, minute by minute, from the raw rows: requests, errors, average and p95 latency. */
  async live(scope: UsageScope = {}) {
    const now = this.ctx.now();
    const since = truncate(now, 'minute') - 59 * 60_000;
    const rows = await this.ctx.prisma.$queryRaw<
      { t: Date; requests: unknown; errors: unknown; avg: unknown; p95: unknown; cost: unknown }[]
    >`
      SELECT date_trunc('minute', "createdAt" AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' AS t, count(*) AS requests,
        count(*) FILTER (WHERE "status" >= 400) AS errors, avg("latencyMs") AS avg,
        percentile_cont(0.95) WITHIN GROUP (ORDER BY "latencyMs") AS p95, sum("costUsd") AS cost
      FROM "UsageRecord" WHERE "createdAt" >= ${new Date(since)}${this.#userFilter(scope)} GROUP BY 1 ORDER BY 1`;
    const byT = new Map(rows.map((r) => [r.t.getTime(), r]));
    const points = [];
    for (let t = since; t <= now; t += 60_000) {
      const r = byT.get(t);
      points.push({
        t: new Date(t).toISOString(),
        requests: num(r?.requests),
        errors: num(r?.errors),
        avgLatencyMs: r ? Math.round(num(r.avg)) : null,
        p95LatencyMs: r ? Math.round(num(r.p95)) : null,
        costUsd: money(r?.cost),
      });
    }
    const total = points.reduce((s, p) => s + p.requests, 0);
    const errors = points.reduce((s, p) => s + p.errors, 0);
    // Over the minutes the window covers: 59 whole ones and this one so far (not 60).
    const span = (now - since) / 60_000;
    return {
      from: new Date(since).toISOString(),
      minutes: points,
      totals: { requests: total, errors, requestsPerMinute: Math.round((total / span) * 100) / 100 },
    };
  }

  /** Per-user usage over a period (every user with traffic, plus their name and status). */
  /**
   * Month-end cost forecast (core `forecastMonthEnd`) from the hourly rollup's daily costs since the month's start
   * or a week back: in total, per organization (requests with none under "No organization") and per provider.
   */
  async forecast(): Promise<CostForecast> {
    const now = this.ctx.now();
    const from = new Date(forecastFrom(now));
    const rows = await this.ctx.prisma.$queryRaw<
      { day: Date; orgId: string; providerId: string; cost: unknown }[]
    >`
      SELECT date_trunc('day', "hour" AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' AS day, "orgId", "providerId",
        sum("costUsd") AS cost
      FROM "UsageHourly" WHERE "hour" >= ${from} GROUP BY 1, 2, 3`;
    const total: DailyCost[] = [];
    const byOrg = new Map<string, DailyCost[]>();
    const byProvider = new Map<string, DailyCost[]>();
    for (const r of rows) {
      const d = { day: new Date(r.day).toISOString().slice(0, 10), costUsd: Number(r.cost) || 0 };
      total.push(d);
      (byOrg.get(r.orgId) ?? byOrg.set(r.orgId, []).get(r.orgId)!).push(d);
      if (r.providerId)
        (byProvider.get(r.providerId) ?? byProvider.set(r.providerId, []).get(r.providerId)!).push(d);
    }
    const [orgs, providers] = await Promise.all([
      this.ctx.prisma.organization.findMany({
        where: { id: { in: [...byOrg.keys()].filter(Boolean) } },
        select: { id: true, name: true },
      }),
      this.ctx.prisma.provider.findMany({
        where: { id: { in: [...byProvider.keys()] } },
        select: { id: true, slug: true, name: true },
      }),
    ]);
    const orgName = new Map(orgs.map((o) => [o.id, o.name]));
    const provider = new Map(providers.map((p) => [p.id, p]));
    const byProjected = (a: { projectedUsd: number }, b: { projectedUsd: number }) =>
      b.projectedUsd - a.projectedUsd;
    return {
      total: forecastMonthEnd(total, now),
      byOrg: [...byOrg]
        .map(([orgId, daily]) => ({
          orgId: orgId || null,
          name: orgId ? (orgName.get(orgId) ?? 'Deleted organization') : 'No organization',
          ...forecastMonthEnd(daily, now),
        }))
        .sort(byProjected),
      byProvider: [...byProvider]
        .map(([providerId, daily]) => ({
          providerId,
          slug: provider.get(providerId)?.slug ?? null,
          name: provider.get(providerId)?.name ?? 'Deleted provider',
          ...forecastMonthEnd(daily, now),
        }))
        .sort(byProjected),
    };
  }

  async users(q: UserUsageQuery) {
    // The same window and rollup as the overview's figures for this period (7 days: from the hour, hourly).
    const since = periodDays(q.period) === null ? new Date(0) : new Date(await this.#since(q.period, {}));
    const { table, time } = this.#rollup(bucketForPeriod(q.period));
    const rows = await this.ctx.prisma.$queryRaw<
      {
        userId: string;
        requests: unknown;
        errors: unknown;
        tokensIn: unknown;
        tokensOut: unknown;
        cost: unknown;
        saved: unknown;
        byok: unknown;
        last: Date;
      }[]
    >`
      SELECT "userId", sum("requests") AS requests, sum("errors") AS errors, sum("tokensIn") AS "tokensIn", sum("tokensOut") AS "tokensOut",
        sum("costUsd") AS cost, sum("savedUsd") AS saved, sum("requests") FILTER (WHERE "isByok") AS byok, max(${time}) AS last
      FROM ${table} WHERE ${time} >= ${since} AND "userId" <> '' GROUP BY 1`;
    const users = await this.ctx.prisma.user.findMany({
      where: { id: { in: rows.map((r) => r.userId) } },
      select: { id: true, email: true, name: true, status: true, role: true, weeklyCapUsd: true },
    });
    const byId = new Map(users.map((u) => [u.id, u]));
    const data = rows.map((r) => {
      const u = byId.get(r.userId);
      return {
        userId: r.userId,
        email: u?.email ?? null,
        name: u?.name ?? null,
        status: u?.status ?? 'deleted',
        weeklyCapUsd: u?.weeklyCapUsd == null ? null : Number(u.weeklyCapUsd),
        requests: num(r.requests),
        errors: num(r.errors),
        tokens: num(r.tokensIn) + num(r.tokensOut),
        tokensIn: num(r.tokensIn),
        tokensOut: num(r.tokensOut),
        costUsd: money(r.cost),
        savedUsd: money(r.saved),
        byokRequests: num(r.byok),
        lastActiveDay: r.last.toISOString().slice(0, 10),
      };
    });
    const key = { cost: 'costUsd', requests: 'requests', tokens: 'tokens', saved: 'savedUsd' } as const;
    const dir = q.order === 'asc' ? 1 : -1;
    data.sort((a, b) =>
      q.sort === 'name'
        ? dir * (a.email ?? '').localeCompare(b.email ?? '')
        : dir * (a[key[q.sort]] - b[key[q.sort]]) || (a.email ?? '').localeCompare(b.email ?? ''),
    );
    return { period: q.period, data: data.slice(0, q.limit), total: data.length };
  }

  #logsWhere(q: Omit<LogsQuery, 'cursor' | 'limit'>, scope: UsageScope): Prisma.UsageRecordWhereInput {
    const w: Prisma.UsageRecordWhereInput[] = [];
    if (scope.userId) w.push({ userId: scope.userId });
    if (q.user) w.push({ userId: q.user });
    if (q.key) w.push({ gatewayKeyId: q.key });
    if (q.org) w.push({ orgId: q.org });
    if (q.app) w.push({ appId: q.app });
    if (q.provider) w.push({ OR: [{ providerId: q.provider }, { providerSlug: q.provider }] });
    if (q.model) w.push({ OR: [{ requestedModel: q.model }, { modelId: q.model }] });
    if (q.endpoint) w.push({ endpoint: q.endpoint });
    if (q.status === 'ok') w.push({ status: { lt: 400 } });
    if (q.status === 'error') w.push({ status: { gte: 400 } });
    if (q.status === '4xx') w.push({ status: { gte: 400, lt: 500 } });
    if (q.status === '5xx') w.push({ status: { gte: 500 } });
    if (q.byok !== undefined) w.push({ isByok: q.byok });
    if (q.cache !== undefined) w.push({ cacheHit: q.cache === 'hit' });
    if (q.tool) w.push({ clientTool: q.tool });
    if (q.session) w.push({ sessionId: q.session });
    if (q.from) w.push({ createdAt: { gte: q.from } });
    if (q.to) w.push({ createdAt: { lte: q.to } });
    return { AND: w };
  }

  /** Gateway logs, newest first, keyset-paginated on the record id (the cursor is the last id of the page). */
  async logs(q: LogsQuery, scope: UsageScope = {}): Promise<LogsPage> {
    const where = this.#logsWhere(q, scope);
    // The page's ids first, then its rows: filtered by user, key, tool or session the ids come from an index-only scan
    // of (filter, id), newest first, whatever the planner guesses about how common the value is. Asked for whole rows
    // at once, PostgreSQL walks the primary key backwards when it thinks the value common, which reads millions of
    // rows for a user with much older traffic and little recent.
    const ids = await this.ctx.prisma.usageRecord.findMany({
      where: q.cursor ? { AND: [where, { id: { lt: BigInt(q.cursor) } }] } : where,
      orderBy: { id: 'desc' },
      take: q.limit + 1,
      select: { id: true },
    });
    const pageIds = ids.slice(0, q.limit).map((r) => r.id);
    const page =
      pageIds.length === 0
        ? []
        : await this.ctx.prisma.usageRecord.findMany({
            where: { id: { in: pageIds } },
            orderBy: { id: 'desc' },
            omit: { trace: true },
          });
    const [keys, users] = await Promise.all([
      this.ctx.prisma.gatewayKey.findMany({
        where: {
          id: { in: [...new Set(page.map((r) => r.gatewayKeyId).filter((x): x is string => x !== null))] },
        },
        select: { id: true, name: true, prefix: true },
      }),
      this.#userNames(page.map((r) => r.userId ?? '')),
    ]);
    const k = new Map(keys.map((x) => [x.id, x]));
    return {
      data: page.map((r) => this.#presentLog(r, k.get(r.gatewayKeyId ?? ''), users.get(r.userId ?? ''))),
      nextCursor: ids.length > q.limit ? String(pageIds.at(-1)!) : null,
    };
  }

  #presentLog(
    r: Prisma.UsageRecordGetPayload<{ omit: { trace: true } }>,
    key: { id: string; name: string; prefix: string } | undefined,
    user: { id: string; email: string; name: string | null } | undefined,
  ): LogRecord {
    return {
      id: String(r.id),
      createdAt: r.createdAt.toISOString(),
      requestId: r.requestId,
      key: r.gatewayKeyId
        ? { id: r.gatewayKeyId, name: key?.name ?? null, prefix: key?.prefix ?? null }
        : null,
      user: r.userId ? { id: r.userId, email: user?.email ?? null, name: user?.name ?? null } : null,
      orgId: r.orgId,
      appId: r.appId,
      endpoint: r.endpoint,
      requestedModel: r.requestedModel,
      provider: r.providerSlug,
      actualModel: r.modelId,
      client:
        r.clientTool === null &&
        r.userAgent === null &&
        r.clientApp === null &&
        r.originator === null &&
        r.sessionId === null
          ? null
          : {
              tool: r.clientTool,
              version: r.clientVersion,
              userAgent: r.userAgent,
              app: r.clientApp,
              originator: r.originator,
              sessionId: r.sessionId,
            },
      tokensIn: r.tokensIn,
      tokensOut: r.tokensOut,
      tokensCached: r.tokensCached,
      costUsd: money(r.costUsd),
      savedUsd: money(r.savedUsd),
      latencyMs: r.latencyMs,
      ttftMs: r.ttftMs,
      status: r.status,
      errorCode: r.errorCode,
      isByok: r.isByok,
      stream: r.stream,
      attempts: r.attempts,
      cacheHit: r.cacheHit,
      cacheSavedUsd: money(r.cacheSavedUsd),
      tokensEstimated: r.tokensEstimated,
    };
  }

  /** One record with its resolver trace and attempts timeline. */
  async log(id: string, scope: UsageScope = {}): Promise<LogDetail> {
    // Not a number: no such record. A number beyond BIGINT: bad input (PostgreSQL would refuse the query).
    if (!/^\d+$/.test(id)) throw AppError.notFound('Log record');
    if (!isInt64Id(id))
      throw AppError.validation('id: must be a log id (a whole number up to 9223372036854775807)');
    const r = await this.ctx.prisma.usageRecord.findUnique({ where: { id: BigInt(id) } });
    if (!r || (scope.userId && r.userId !== scope.userId)) throw AppError.notFound('Log record');
    const [key, users, feedback] = await Promise.all([
      r.gatewayKeyId
        ? this.ctx.prisma.gatewayKey.findUnique({
            where: { id: r.gatewayKeyId },
            select: { id: true, name: true, prefix: true },
          })
        : null,
      this.#userNames([r.userId ?? '']),
      this.#feedbackOn(r),
    ]);
    const { trace, ...rest } = r;
    // The trace column holds what the proxy wrote: { plan, attempts, dlp?, bodies? } (see proxy/record.ts).
    return {
      ...this.#presentLog(rest, key ?? undefined, users.get(r.userId ?? '')),
      trace: withDlpFindings(trace as LogDetail['trace'], r.dlp),
      feedback,
    };
  }

  /**
   * The scores given to a logged request (one per rating key, newest first), each with its key's name: only its own
   * caller's (another user's request may carry the same client-chosen id).
   */
  async #feedbackOn(r: { requestId: string } & Party): Promise<LogFeedback[]> {
    const rows = await this.ctx.prisma.feedback.findMany({
      where: { requestId: r.requestId, ...sameParty(r) },
      orderBy: { updatedAt: 'desc' },
      select: { score: true, comment: true, gatewayKeyId: true, rater: true, updatedAt: true },
    });
    const rater = await this.#raters(rows);
    return rows.map((f) => ({
      score: f.score,
      comment: f.comment,
      rater: rater(f),
      at: f.updatedAt.toISOString(),
    }));
  }

  /** How scores name who gave them: the rating key's name, "master key", or "deleted key" when it is gone. */
  async #raters(rows: { gatewayKeyId: string | null }[]) {
    const keyIds = [...new Set(rows.map((f) => f.gatewayKeyId).filter((id): id is string => id !== null))];
    const keys = keyIds.length
      ? await this.ctx.prisma.gatewayKey.findMany({
          where: { id: { in: keyIds } },
          select: { id: true, name: true },
        })
      : [];
    const keyName = new Map(keys.map((k) => [k.id, k.name]));
    return (f: { rater: string; gatewayKeyId: string | null }) =>
      f.rater === 'master' ? 'master key' : (keyName.get(f.gatewayKeyId ?? '') ?? 'deleted key');
  }

  /**
   * Scores given to requests, newest first (`scope.userId`: the user's own; `scope.orgId`: an organization's), each with its comment, who gave it and
   * the rated request's log record (found by the request-id index); the cursor is "<updatedAt ISO>|<id>" of the last.
   */
  async feedback(q: FeedbackQuery, scope: UsageScope = {}): Promise<FeedbackPage> {
    const w: Prisma.FeedbackWhereInput[] = [];
    if (scope.userId) w.push({ userId: scope.userId });
    if (scope.orgId) w.push({ orgId: scope.orgId });
    if (q.user) w.push({ userId: q.user });
    if (q.key) w.push({ gatewayKeyId: q.key });
    if (q.model) w.push({ modelId: q.model });
    if (q.rating === 'bad') w.push({ score: { lt: GOOD_SCORE } });
    if (q.rating === 'good') w.push({ score: { gte: GOOD_SCORE } });
    if (q.commented === true) w.push({ comment: { not: null } });
    if (q.commented === false) w.push({ comment: null });
    if (q.from) w.push({ updatedAt: { gte: q.from } });
    if (q.to) w.push({ updatedAt: { lte: q.to } });
    if (q.cursor) w.push(afterTimeCursor('updatedAt', q.cursor));
    const rows = await this.ctx.prisma.feedback.findMany({
      where: { AND: w },
      orderBy: [{ updatedAt: 'desc' }, { id: 'desc' }],
      take: q.limit + 1,
    });
    const page = rows.slice(0, q.limit);
    const [rater, users, records] = await Promise.all([
      this.#raters(page),
      this.#userNames(page.map((f) => f.userId ?? '')),
      page.length === 0
        ? []
        : this.ctx.prisma.usageRecord.findMany({
            where: { OR: page.map((f) => ({ requestId: f.requestId, ...sameParty(f) })) },
            orderBy: { id: 'desc' },
            select: {
              id: true,
              requestId: true,
              gatewayKeyId: true,
              userId: true,
              providerSlug: true,
              modelId: true,
              requestedModel: true,
            },
          }),
    ]);
    const last = page.at(-1);
    return {
      data: page.map((f) => {
        // The rated request's newest record (a retried request may have several) made by the score's own caller:
        // another user's request may carry the same client-chosen id.
        const r = records.find((x) => x.requestId === f.requestId && isSameParty(f, x));
        return {
          id: f.id,
          at: f.updatedAt.toISOString(),
          requestId: f.requestId,
          score: f.score,
          comment: f.comment,
          rater: rater(f),
          user: f.userId ? { id: f.userId, email: users.get(f.userId)?.email ?? null } : null,
          provider: r?.providerSlug ?? null,
          model: r?.modelId ?? f.modelId,
          requestedModel: r?.requestedModel ?? null,
          logId: r ? String(r.id) : null,
        };
      }),
      nextCursor: rows.length > q.limit && last ? `${last.updatedAt.toISOString()}|${last.id}` : null,
    };
  }

  /**
   * The cost report: spend per day (UTC), provider, model and user over a period, from the daily rollup (small at
   * any traffic), as CSV. A user's own report (`scope.userId`) leaves the user column out; an organization's
   * (`scope.orgId`) reads the hourly rollup, summed per day, for its requests only.
   */
  async costReportCsv(period: UsagePeriod, scope: UsageScope, out: Writable): Promise<number> {
    const days = periodDays(period);
    const since = days === null ? new Date(0) : new Date(truncate(this.ctx.now(), 'day') - (days - 1) * DAY);
    // An organization's report from the hourly rollup (the daily one has no organization), summed per day.
    const { table, time } = this.#rollup('day', scope);
    const day = scope.orgId
      ? Prisma.sql`date_trunc('day', d."hour" AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'`
      : Prisma.sql`d."day"`;
    const rows = await this.ctx.prisma.$queryRaw<
      {
        day: Date;
        provider: string;
        model: string;
        user: string;
        requests: bigint;
        errors: bigint;
        tokensIn: string;
        tokensOut: string;
        costUsd: string;
        savedUsd: string;
      }[]
    >`SELECT ${day} AS "day", coalesce(p."slug", nullif(d."providerId", ''), '(none)') AS provider,
        coalesce(nullif(d."modelId", ''), '(none)') AS model,
        coalesce(u."email", nullif(d."userId", ''), '(no user)') AS "user",
        sum(d."requests") AS requests, sum(d."errors") AS errors,
        sum(d."tokensIn")::text AS "tokensIn", sum(d."tokensOut")::text AS "tokensOut",
        sum(d."costUsd")::text AS "costUsd", sum(d."savedUsd")::text AS "savedUsd"
      FROM ${table} d
      LEFT JOIN "Provider" p ON p."id" = d."providerId"
      LEFT JOIN "User" u ON u."id" = d."userId"
      WHERE d.${time} >= ${since}${this.#userFilter(scope, 'd')}
      GROUP BY 1, 2, 3, 4
      ORDER BY 1, sum(d."costUsd") DESC, 2, 3, 4`;
    const own = scope.userId !== undefined;
    const header = [
      'day',
      'provider',
      'model',
      ...(own ? [] : ['user']),
      'requests',
      'errors',
      'tokens_in',
      'tokens_out',
      'cost_usd',
      'byok_saved_usd',
    ];
    out.write(header.join(',') + '\r\n');
    for (const r of rows)
      out.write(
        [
          r.day.toISOString().slice(0, 10),
          r.provider,
          r.model,
          ...(own ? [] : [r.user]),
          String(r.requests),
          String(r.errors),
          r.tokensIn,
          r.tokensOut,
          money(r.costUsd).toFixed(6),
          money(r.savedUsd).toFixed(6),
        ]
          .map(csvField)
          .join(',') + '\r\n',
      );
    return rows.length;
  }

  /**
   * Stream a CSV of raw usage rows (oldest first) in pages of 2,000 by id, waiting for the client to drain, so a
   * large export never sits in memory.
   */
  async exportCsv(q: ExportQuery, out: Writable, signal: AbortSignal): Promise<number> {
    const header = [
      'time',
      'request_id',
      'user_email',
      'key_prefix',
      'endpoint',
      'requested_model',
      'provider',
      'actual_model',
      'tokens_in',
      'tokens_out',
      'tokens_cached',
      'cost_usd',
      'saved_usd',
      'latency_ms',
      'status',
      'error',
      'byok',
      'stream',
      'attempts',
      'client_tool',
      'client_version',
      'session_id',
      'tokens_estimated',
    ];
    const where = this.#logsWhere({ user: q.user, from: q.from, to: q.to }, {});
    const emails = new Map<string, string>();
    const prefixes = new Map<string, string>();
    let cursor: bigint | null = null;
    let n = 0;
    for (;;) {
      if (signal.aborted) break;
      const rows: Prisma.UsageRecordGetPayload<{ omit: { trace: true } }>[] =
        await this.ctx.prisma.usageRecord.findMany({
          where: cursor === null ? where : { AND: [where, { id: { gt: cursor } }] },
          orderBy: { id: 'asc' },
          take: 2000,
          omit: { trace: true },
        });
      // The header goes out with the first page, so a failing first query is still an error response, not a cut 200.
      if (n === 0 && cursor === null) out.write(`${header.join(',')}\r\n`);
      if (rows.length === 0) break;
      const needUsers = [
        ...new Set(rows.map((r) => r.userId).filter((x): x is string => x !== null && !emails.has(x))),
      ];
      if (needUsers.length)
        for (const u of await this.ctx.prisma.user.findMany({
          where: { id: { in: needUsers } },
          select: { id: true, email: true },
        }))
          emails.set(u.id, u.email);
      const needKeys = [
        ...new Set(
          rows.map((r) => r.gatewayKeyId).filter((x): x is string => x !== null && !prefixes.has(x)),
        ),
      ];
      if (needKeys.length)
        for (const k of await this.ctx.prisma.gatewayKey.findMany({
          where: { id: { in: needKeys } },
          select: { id: true, prefix: true },
        }))
          prefixes.set(k.id, k.prefix);
      let chunk = '';
      for (const r of rows) {
        chunk += `${[
          r.createdAt.toISOString(),
          r.requestId,
          r.userId ? (emails.get(r.userId) ?? r.userId) : '',
          r.gatewayKeyId ? (prefixes.get(r.gatewayKeyId) ?? '') : '',
          r.endpoint,
          r.requestedModel,
          r.providerSlug,
          r.modelId,
          r.tokensIn,
          r.tokensOut,
          r.tokensCached,
          money(r.costUsd),
          money(r.savedUsd),
          r.latencyMs,
          r.status,
          r.errorCode,
          r.isByok,
          r.stream,
          r.attempts,
          r.clientTool,
          r.clientVersion,
          r.sessionId,
          r.tokensEstimated,
        ]
          .map(csvField)
          .join(',')}\r\n`;
      }
      n += rows.length;
      cursor = rows.at(-1)!.id;
      if (!out.write(chunk)) await Promise.race([once(out, 'drain'), once(out, 'close')]);
      if (rows.length < 2000) break;
    }
    return n;
  }
}

/**
 * The trace's data-protection line with its counts per rule: the proxy stores them once, in the record's `dlp`
 * column, and the trace only the line's words (records written before that keep their own copy).
 */
function withDlpFindings(trace: StoredTrace | null, dlp: Prisma.JsonValue): StoredTrace | null {
  const line = trace?.dlp;
  if (!line || Array.isArray(line.findings)) return trace;
  const findings = Array.isArray(dlp) ? (dlp as unknown as NonNullable<StoredTrace['dlp']>['findings']) : [];
  return { ...trace, dlp: { ...line, findings } };
}

/**
 * The rows after a "<time ISO>|<id>" cursor, in (time, id) descending order; a 400 for anything else (never a 500
 * from a date PostgreSQL cannot hold).
 */
function afterTimeCursor<F extends string>(field: F, cursor: string) {
  const [at, id] = cursor.split('|');
  const when = new Date(at ?? '');
  if (!id || Number.isNaN(when.getTime()) || !isDateInRange(when))
    throw AppError.validation('cursor: must be a cursor from a previous page');
  return { OR: [{ [field]: { lt: when } }, { [field]: when, id: { lt: id } }] } as {
    OR: [Record<F, { lt: Date }>, Record<F, Date> & { id: { lt: string } }];
  };
}
