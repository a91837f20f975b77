import {
  TIERS,
  meanInterval,
  quantileRanks,
  rankFraction,
  wilsonInterval,
  type CreateExperimentBody,
  type Estimate,
  type ExperimentResults,
  type ExperimentView,
  type UpdateExperimentBody,
  type VariantResult,
} from '@switchyard/core';
import type { Experiment as ExperimentRow, Prisma } from '@switchyard/prisma';
import type { AppContext } from '../../context.js';
import { AppError } from '../../lib/errors.js';
import { auditedCreate, auditedUpdate } from '../audited-update.js';
import type { Actor } from '../gateway-keys/gateway-keys.service.js';

interface StoredVariant {
  name: string;
  percent: number;
  target: string;
}

function variantsOf(raw: unknown): StoredVariant[] {
  if (!Array.isArray(raw)) return [];
  return raw.flatMap((v: unknown) => {
    if (!v || typeof v !== 'object') return [];
    const { name, percent, target } = v as Record<string, unknown>;
    return typeof name === 'string' && typeof percent === 'number' && typeof target === 'string'
      ? [{ name, percent, target }]
      : [];
  });
}

const STATUS = new Set(['draft', 'running', 'stopped']);

export function presentExperiment(e: ExperimentRow, now: number): ExperimentView {
  const status = (STATUS.has(e.status) ? e.status : 'draft') as ExperimentView['status'];
  const startsAt = e.startsAt?.getTime() ?? null;
  const endsAt = e.endsAt?.getTime() ?? null;
  const state: ExperimentView['state'] =
    status !== 'running'
      ? status
      : endsAt !== null && endsAt <= now
        ? 'ended'
        : startsAt !== null && startsAt > now
          ? 'scheduled'
          : 'running';
  return {
    id: e.id,
    name: e.name,
    description: e.description,
    alias: e.alias,
    status,
    state,
    stickiness: (['user', 'key', 'request'].includes(e.stickiness)
      ? e.stickiness
      : 'user') as ExperimentView['stickiness'],
    variants: variantsOf(e.variants),
    startsAt: e.startsAt?.toISOString() ?? null,
    endsAt: e.endsAt?.toISOString() ?? null,
    createdAt: e.createdAt.toISOString(),
    updatedAt: e.updatedAt.toISOString(),
  };
}

const toDate = (v: string | null | undefined) =>
  v === undefined ? undefined : v === null ? null : new Date(v);
const num = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v));
const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

/** Advisory-lock class of the experiment starts and reopenings on one alias (the key is the alias's hash). */
const ALIAS_LOCK_CLASS = 0x45787031;

/**
 * Within a transaction: waits for any other start or reopening on `alias` to commit, then refuses (409) when another
 * experiment runs on it (started, not ended: one running experiment per alias, so each one's results are the traffic
 * it was started for). Starts sent at once are taken one after another; only the first runs.
 */
async function assertAliasFree(
  tx: Prisma.TransactionClient,
  alias: string,
  id: string,
  now: Date,
): Promise<void> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(${ALIAS_LOCK_CLASS}::int4, hashtext(${alias}))`;
  const other = await tx.experiment.findFirst({
    where: { alias, status: 'running', id: { not: id }, OR: [{ endsAt: null }, { endsAt: { gt: now } }] },
    select: { name: true },
  });
  if (other)
    throw AppError.conflict(`Experiment "${other.name}" already runs on alias "${alias}"; stop it first.`);
}

function estimateOf(m: { mean: number; low: number | null; high: number | null } | null): Estimate | null {
  return m ? { value: m.mean, low: m.low, high: m.high } : null;
}

/**
 * A/B experiments: CRUD and start / stop (audited; the routing snapshot reloads, so the proxy routes by them at
 * once), and the results per variant from the usage records the proxy tagged and the feedback apps sent.
 */
export class ExperimentsService {
  constructor(private readonly ctx: AppContext) {}

  #now(): number {
    return this.ctx.now();
  }

  async list(): Promise<ExperimentView[]> {
    const rows = await this.ctx.prisma.experiment.findMany({ orderBy: { createdAt: 'desc' } });
    const now = this.#now();
    return rows.map((r) => presentExperiment(r, now));
  }

  async #row(id: string): Promise<ExperimentRow> {
    const row = await this.ctx.prisma.experiment.findUnique({ where: { id } });
    if (!row) throw AppError.notFound('Experiment');
    return row;
  }

  async get(id: string): Promise<ExperimentView> {
    return presentExperiment(await this.#row(id), this.#now());
  }

  /** The alias must exist; each variant's target must name an alias, a power level or a registered model. */
  async #checkRouting(alias: string, variants: readonly StoredVariant[] | undefined): Promise<void> {
    const p = this.ctx.prisma;
    if ((await p.alias.count({ where: { name: alias } })) === 0)
      throw AppError.validation(`alias: no alias is named "${alias}"`);
    for (const [i, v] of (variants ?? []).entries()) {
      const t = v.target;
      if (t === 'auto' || (TIERS as readonly string[]).includes(t)) continue;
      if ((await p.alias.count({ where: { name: t } })) > 0) continue;
      const slash = t.indexOf('/');
      const found =
        slash > 0
          ? await p.model.count({
              where: { modelId: t.slice(slash + 1), provider: { slug: t.slice(0, slash) } },
            })
          : await p.model.count({ where: { modelId: t } });
      if (found === 0)
        throw AppError.validation(
          `variants.${i}.target: "${t}" is not an alias, a power level or a registered model`,
        );
    }
  }

  async create(actor: Actor, b: CreateExperimentBody): Promise<ExperimentView> {
    await this.#checkRouting(b.alias, b.variants);
    const row = await auditedCreate(this.ctx, {
      actor,
      action: 'experiment.create',
      entityType: 'Experiment',
      write: (tx) =>
        tx.experiment.create({
          data: {
            name: b.name,
            description: b.description,
            alias: b.alias,
            stickiness: b.stickiness,
            variants: b.variants as unknown as Prisma.InputJsonValue,
            startsAt: toDate(b.startsAt) ?? null,
            endsAt: toDate(b.endsAt) ?? null,
          },
        }),
      present: (r) => presentExperiment(r, this.#now()),
      changed: 'experiments',
    });
    return presentExperiment(row, this.#now());
  }

  async update(actor: Actor, id: string, b: UpdateExperimentBody): Promise<ExperimentView> {
    const before = await this.#row(id);
    const started = before.status !== 'draft';
    if (
      started &&
      (b.alias !== undefined ||
        b.variants !== undefined ||
        b.stickiness !== undefined ||
        b.startsAt !== undefined)
    )
      throw AppError.conflict(
        'This experiment has been started: its alias, variants, stickiness and start stay as they were (create a new one to change them).',
      );
    const startsAt = b.startsAt === undefined ? before.startsAt : toDate(b.startsAt);
    const endsAt = b.endsAt === undefined ? before.endsAt : toDate(b.endsAt);
    if (startsAt && endsAt && startsAt >= endsAt) throw AppError.validation('endsAt: must be after startsAt');
    if (b.alias !== undefined || b.variants !== undefined)
      await this.#checkRouting(b.alias ?? before.alias, b.variants ?? variantsOf(before.variants));
    const now = new Date(this.#now());
    // A running experiment whose end moves to null or ahead routes (again): only while no other runs on its alias.
    const opens =
      before.status === 'running' &&
      b.endsAt !== undefined &&
      (b.endsAt === null || new Date(b.endsAt) > now);
    const row = await auditedUpdate(this.ctx, {
      actor,
      action: 'experiment.update',
      entityType: 'Experiment',
      entityId: id,
      before: presentExperiment(before, this.#now()),
      write: async (tx) => {
        if (opens) await assertAliasFree(tx, before.alias, id, now);
        return tx.experiment.update({
          where: { id },
          data: {
            ...(b.name !== undefined ? { name: b.name } : {}),
            ...(b.description !== undefined ? { description: b.description } : {}),
            ...(b.alias !== undefined ? { alias: b.alias } : {}),
            ...(b.stickiness !== undefined ? { stickiness: b.stickiness } : {}),
            ...(b.variants !== undefined ? { variants: b.variants as unknown as Prisma.InputJsonValue } : {}),
            ...(b.startsAt !== undefined ? { startsAt: toDate(b.startsAt) } : {}),
            ...(b.endsAt !== undefined ? { endsAt: toDate(b.endsAt) } : {}),
          },
        });
      },
      present: (r) => presentExperiment(r, this.#now()),
      changed: 'experiments',
    });
    return presentExperiment(row, this.#now());
  }

  async remove(actor: Actor, id: string): Promise<void> {
    await this.ctx.prisma.$transaction(async (tx) => {
      const before = await tx.experiment.findUnique({ where: { id } });
      if (!before) throw AppError.notFound('Experiment');
      await tx.feedback.deleteMany({ where: { experimentId: id } });
      await tx.experiment.delete({ where: { id } });
      await this.ctx.audit.record(
        {
          actor,
          action: 'experiment.delete',
          entityType: 'Experiment',
          entityId: id,
          before: presentExperiment(before, this.#now()),
          ip: actor.ip,
        },
        tx,
      );
    });
    await this.ctx.configChanged('experiments');
  }

  /** Start routing by it: from its startsAt when that is ahead, else now. One running experiment per alias. */
  async start(actor: Actor, id: string): Promise<ExperimentView> {
    const before = await this.#row(id);
    if (before.status === 'running') return presentExperiment(before, this.#now());
    if (before.status === 'stopped')
      throw AppError.conflict('This experiment was stopped; create a new one to run it again.');
    const now = new Date(this.#now());
    if (before.endsAt && before.endsAt <= now)
      throw AppError.conflict('This experiment ends before now: change its endsAt first.');
    await this.#checkRouting(before.alias, variantsOf(before.variants));
    const row = await auditedUpdate(this.ctx, {
      actor,
      action: 'experiment.start',
      entityType: 'Experiment',
      entityId: id,
      before: presentExperiment(before, this.#now()),
      write: async (tx) => {
        await assertAliasFree(tx, before.alias, id, now);
        // Started or stopped meanwhile (the same start sent twice): what the first one did stands.
        const { count } = await tx.experiment.updateMany({
          where: { id, status: 'draft' },
          data: {
            status: 'running',
            startsAt: before.startsAt && before.startsAt > now ? before.startsAt : now,
          },
        });
        const row = await tx.experiment.findUniqueOrThrow({ where: { id } });
        if (count === 0 && row.status !== 'running')
          throw AppError.conflict('This experiment was stopped meanwhile; create a new one to run it again.');
        return row;
      },
      present: (r) => presentExperiment(r, this.#now()),
      changed: 'experiments',
    });
    return presentExperiment(row, this.#now());
  }

  /** Stop routing by it (its endsAt becomes now unless it ended already); the results stay. */
  async stop(actor: Actor, id: string): Promise<ExperimentView> {
    const before = await this.#row(id);
    if (before.status === 'stopped') return presentExperiment(before, this.#now());
    const now = new Date(this.#now());
    const row = await auditedUpdate(this.ctx, {
      actor,
      action: 'experiment.stop',
      entityType: 'Experiment',
      entityId: id,
      before: presentExperiment(before, this.#now()),
      write: (tx) =>
        tx.experiment.update({
          where: { id },
          data: {
            status: 'stopped',
            ...(before.status === 'running' && (!before.endsAt || before.endsAt > now)
              ? { endsAt: now }
              : {}),
          },
        }),
      present: (r) => presentExperiment(r, this.#now()),
      changed: 'experiments',
    });
    return presentExperiment(row, this.#now());
  }

  /**
   * Per variant, from the usage records tagged with this experiment (read through a partial index) and the
   * feedback on them: requests, errors (status ≥ 400) with a Wilson interval, latency mean (t interval), p50 and
   * p95 with distribution-free intervals (order statistics), time to first token, list cost per request (t
   * interval), tokens, and the mean feedback score (t interval). Answers from the response cache are left out: a
   * hit replays an earlier call's answer (about 1 ms, $0), it is not a call the variant served.
   */
  async results(id: string): Promise<ExperimentResults> {
    const row = await this.#row(id);
    const experiment = presentExperiment(row, this.#now());
    const p = this.ctx.prisma;
    const [agg, fb] = await Promise.all([
      p.$queryRaw<
        {
          variant: string;
          n: unknown;
          errors: unknown;
          lat_mean: unknown;
          lat_sd: unknown;
          lat_p: number[] | null;
          ttft_n: unknown;
          ttft_mean: unknown;
          ttft_sd: unknown;
          ttft_p50: unknown;
          cost_sum: unknown;
          cost_sd: unknown;
          tin: unknown;
          tout: unknown;
        }[]
      >`
        SELECT "variant", count(*) AS n, count(*) FILTER (WHERE "status" >= 400) AS errors,
          avg("latencyMs")::float8 AS lat_mean, stddev_samp("latencyMs")::float8 AS lat_sd,
          percentile_cont(ARRAY[0.5, 0.95]::float8[]) WITHIN GROUP (ORDER BY "latencyMs") AS lat_p,
          count("ttftMs") AS ttft_n, avg("ttftMs")::float8 AS ttft_mean, stddev_samp("ttftMs")::float8 AS ttft_sd,
          percentile_cont(0.5) WITHIN GROUP (ORDER BY "ttftMs") AS ttft_p50,
          sum("costUsd" + "savedUsd")::float8 AS cost_sum, stddev_samp("costUsd" + "savedUsd")::float8 AS cost_sd,
          sum("tokensIn")::float8 AS tin, sum("tokensOut")::float8 AS tout
        FROM "UsageRecord" WHERE "experimentId" = ${id} AND "variant" IS NOT NULL AND NOT "cacheHit"
        GROUP BY "variant"`,
      p.$queryRaw<{ variant: string; n: unknown; mean: unknown; sd: unknown }[]>`
        SELECT "variant", count(*) AS n, avg("score")::float8 AS mean, stddev_samp("score")::float8 AS sd
        FROM "Feedback" WHERE "experimentId" = ${id} AND "variant" IS NOT NULL GROUP BY "variant"`,
    ]);
    // Order-statistic intervals for p50 and p95: the ranks that bracket each percentile, read in one query.
    const wanted: { variant: string; key: string; rank: number; n: number }[] = [];
    for (const a of agg) {
      const n = num(a.n);
      for (const [q, key] of [
        [0.5, 'p50'],
        [0.95, 'p95'],
      ] as const) {
        const r = quantileRanks(n, q);
        if (r.lower !== null) wanted.push({ variant: a.variant, key: `${key}:low`, rank: r.lower, n });
        if (r.upper !== null) wanted.push({ variant: a.variant, key: `${key}:high`, rank: r.upper, n });
      }
    }
    const bounds = new Map<string, number>();
    if (wanted.length > 0) {
      const rows = await p.$queryRaw<{ variant: string; key: string; v: unknown }[]>`
        WITH w AS (SELECT * FROM unnest(${wanted.map((w) => w.variant)}::text[], ${wanted.map((w) => w.key)}::text[],
                                       ${wanted.map((w) => rankFraction(w.rank, w.n))}::float8[]) AS w("variant", "key", "f"))
        SELECT w."variant", w."key", percentile_disc(w."f") WITHIN GROUP (ORDER BY u."latencyMs") AS v
        FROM "UsageRecord" u JOIN w ON u."variant" = w."variant"
        WHERE u."experimentId" = ${id} AND NOT u."cacheHit"
        GROUP BY w."variant", w."key", w."f"`;
      for (const r of rows) bounds.set(`${r.variant}|${r.key}`, num(r.v));
    }
    const byVariant = new Map(agg.map((a) => [a.variant, a]));
    const fbByVariant = new Map(fb.map((f) => [f.variant, f]));
    const configured = experiment.variants.map((v) => v.name);
    const names = [
      ...configured,
      ...[...byVariant.keys(), ...fbByVariant.keys()].filter((n) => !configured.includes(n)),
    ];
    const variants: VariantResult[] = [...new Set(names)].map((name) => {
      const conf = experiment.variants.find((v) => v.name === name);
      const a = byVariant.get(name);
      const f = fbByVariant.get(name);
      const n = a ? num(a.n) : 0;
      const errors = a ? num(a.errors) : 0;
      const latP = a?.lat_p ?? null;
      const bound = (k: string) => bounds.get(`${name}|${k}`) ?? null;
      const ttftN = a ? num(a.ttft_n) : 0;
      const costSum = a ? num(a.cost_sum) : 0;
      const fbN = f ? num(f.n) : 0;
      return {
        name,
        percent: conf?.percent ?? 0,
        target: conf?.target ?? '',
        requests: n,
        errors,
        errorRate: (() => {
          const w = wilsonInterval(errors, n);
          return w ? { value: w.rate, low: w.low, high: w.high } : null;
        })(),
        latencyMeanMs: a && n > 0 ? estimateOf(meanInterval(n, num(a.lat_mean), numOrNull(a.lat_sd))) : null,
        latencyP50Ms:
          latP && n > 0 ? { value: Number(latP[0]), low: bound('p50:low'), high: bound('p50:high') } : null,
        latencyP95Ms:
          latP && n > 0 ? { value: Number(latP[1]), low: bound('p95:low'), high: bound('p95:high') } : null,
        ttftCount: ttftN,
        ttftMeanMs:
          a && ttftN > 0 ? estimateOf(meanInterval(ttftN, num(a.ttft_mean), numOrNull(a.ttft_sd))) : null,
        ttftP50Ms: a && ttftN > 0 ? numOrNull(a.ttft_p50) : null,
        costPerRequestUsd: a && n > 0 ? estimateOf(meanInterval(n, costSum / n, numOrNull(a.cost_sd))) : null,
        costUsd: costSum,
        tokensIn: a ? num(a.tin) : 0,
        tokensOut: a ? num(a.tout) : 0,
        tokensInMean: a && n > 0 ? num(a.tin) / n : null,
        tokensOutMean: a && n > 0 ? num(a.tout) / n : null,
        feedbackCount: fbN,
        feedbackMean: f && fbN > 0 ? estimateOf(meanInterval(fbN, num(f.mean), numOrNull(f.sd))) : null,
      };
    });
    return {
      experiment,
      variants,
      totals: {
        requests: variants.reduce((s, v) => s + v.requests, 0),
        feedbackCount: variants.reduce((s, v) => s + v.feedbackCount, 0),
      },
    };
  }
}
