import { pg, type PrismaClient } from '@switchyard/prisma';
import { Counter, type Registry } from 'prom-client';
import type { Logger } from '../lib/logger.js';

/**
 * Usage retention (USAGE_RETENTION_DAYS): raw UsageRecord rows older than the cutoff are deleted in bounded batches,
 * oldest first, with a pause between statements — never one huge delete that would hold locks, bloat the WAL in one
 * transaction and stall the metering inserts. The hourly and daily rollups are kept (the charts, stat cards, per-user
 * usage and budget rebuilds read them), and so are UsageDeadLetter rows (rare; each waits for an operator), error
 * reports and the data-protection activity (DlpEvent: counts per rule, never a matched value; its "open log" answers
 * `log_pruned` once the raw record is gone). One instance runs it at a time (a PostgreSQL advisory lock held on a connection of its own for the run).
 */

/** The advisory lock key of the retention run (any constant distinct from the migration and seed keys). */
export const RETENTION_LOCK_KEY = 72707370;

const DAY = 86_400_000;

/** The retention cutoff at `nowMs`: raw usage records created before it are deleted (or about to be). */
export function retentionCutoff(days: number, nowMs: number): Date {
  return new Date(nowMs - days * DAY);
}

/**
 * One batch: the next `$2` rows older than the cutoff `$1`, walked on the createdAt index from where the previous batch
 * stopped (`$3`), so each statement reads only its own rows (not the dead index entries of the batches before it). The
 * ids go into an array first (an InitPlan), so the delete itself is a primary-key lookup per row.
 */
const DELETE_BATCH = `
WITH gone AS (
  DELETE FROM "UsageRecord" WHERE "id" = ANY(ARRAY(
    SELECT "id" FROM "UsageRecord"
    WHERE "createdAt" < $1::timestamptz AND "createdAt" >= $3::timestamptz
    ORDER BY "createdAt" LIMIT $2::int))
  RETURNING "createdAt")
SELECT count(*)::int AS n, max("createdAt") AS last FROM gone`;

/** Held by the instance that runs retention; the others skip their run. */
export interface RunLock {
  tryAcquire(): Promise<boolean>;
  release(): Promise<void>;
}

/** In one process only (PGlite: the embedded database belongs to one process anyway). */
export function processLock(): RunLock {
  let held = false;
  return {
    async tryAcquire() {
      if (held) return false;
      held = true;
      return true;
    },
    async release() {
      held = false;
    },
  };
}

/**
 * A session advisory lock on a connection of its own, opened for the run and closed after it: a crashed instance's
 * lock goes with its connection. `pg_try_advisory_lock` never waits, so a second instance skips instead of queueing.
 */
export function postgresAdvisoryLock(url: string, key = RETENTION_LOCK_KEY): RunLock {
  let client: InstanceType<typeof pg.Client> | null = null;
  return {
    async tryAcquire() {
      const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
      c.on('error', () => {}); // a lost lock connection ends the lock; the run's own statements report errors
      await c.connect();
      try {
        const { rows } = await c.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1) AS ok', [key]);
        if (rows[0]?.ok) {
          client = c;
          return true;
        }
      } catch (err) {
        await c.end().catch(() => {});
        throw err;
      }
      await c.end().catch(() => {});
      return false;
    },
    async release() {
      const c = client;
      client = null;
      if (!c) return;
      await c.query('SELECT pg_advisory_unlock($1)', [key]).catch(() => {});
      await c.end().catch(() => {});
    },
  };
}

export interface PurgeOptions {
  /** Rows created before this instant are deleted. */
  cutoff: Date;
  /** Rows per DELETE statement. */
  batchSize: number;
  /** Pause between statements (lets the metering inserts and autovacuum in). */
  pauseMs: number;
  /** Checked between statements: a shutdown stops the run after the current batch. */
  shouldStop?: () => boolean;
}

export interface PurgeResult {
  deleted: number;
  /** DELETE statements run (the last one finds fewer rows than a batch, often none). */
  statements: number;
}

/** Deletes raw usage rows older than `cutoff` in batches of `batchSize` (see DELETE_BATCH). */
export async function purgeUsageRecords(prisma: PrismaClient, o: PurgeOptions): Promise<PurgeResult> {
  let deleted = 0;
  let statements = 0;
  let from = '-infinity';
  for (;;) {
    const [row] = await prisma.$queryRawUnsafe<{ n: number; last: Date | null }[]>(
      DELETE_BATCH,
      o.cutoff.toISOString(),
      o.batchSize,
      from,
    );
    statements++;
    const n = Number(row?.n ?? 0);
    deleted += n;
    if (n < o.batchSize || !row?.last || o.shouldStop?.()) break;
    // `>=`: rows that share the last batch's newest instant and did not fit in it come next.
    from = row.last.toISOString();
    if (o.pauseMs > 0) await new Promise((r) => setTimeout(r, o.pauseMs));
  }
  return { deleted, statements };
}

export interface RetentionOptions {
  prisma: PrismaClient;
  /** USAGE_RETENTION_DAYS: raw rows older than this many days go. */
  days: number;
  batchSize: number;
  pauseMs?: number;
  /** Between runs. */
  intervalMs?: number;
  /** The first run, after start-up settled. */
  firstRunAfterMs?: number;
  lock: RunLock;
  now: () => number;
  logger: Logger;
  registry?: Registry;
}

export type RetentionRun = (PurgeResult & { cutoff: string; ms: number }) | { skipped: 'locked' | 'running' };

/** The background job: `start()` schedules runs; `runOnce()` is one run (tests call it directly). */
export class UsageRetention {
  readonly #o: RetentionOptions;
  readonly #deleted: Counter | null;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<RetentionRun> | null = null;
  #stopped = false;

  constructor(o: RetentionOptions) {
    this.#o = o;
    this.#deleted = o.registry
      ? new Counter({
          name: 'switchyard_usage_retention_deleted_total',
          help: 'Raw usage records deleted by retention (USAGE_RETENTION_DAYS); rollups are kept',
          registers: [o.registry],
        })
      : null;
  }

  start(): void {
    const schedule = (ms: number) => {
      if (this.#stopped) return;
      this.#timer = setTimeout(() => {
        void this.runOnce()
          .catch((err: unknown) =>
            this.#o.logger.error({ err: String(err) }, 'usage retention failed; will retry at the next run'),
          )
          .finally(() => schedule(this.#o.intervalMs ?? 3_600_000));
      }, ms);
      this.#timer.unref();
    };
    schedule(this.#o.firstRunAfterMs ?? 60_000);
  }

  runOnce(): Promise<RetentionRun> {
    if (this.#running) return Promise.resolve({ skipped: 'running' });
    this.#running = this.#run().finally(() => {
      this.#running = null;
    });
    return this.#running;
  }

  async #run(): Promise<RetentionRun> {
    const o = this.#o;
    if (!(await o.lock.tryAcquire())) {
      o.logger.info('usage retention: another instance is running it; skipped');
      return { skipped: 'locked' };
    }
    try {
      const started = performance.now();
      const cutoff = retentionCutoff(o.days, o.now());
      const result = await purgeUsageRecords(o.prisma, {
        cutoff,
        batchSize: o.batchSize,
        pauseMs: o.pauseMs ?? 100,
        shouldStop: () => this.#stopped,
      });
      this.#deleted?.inc(result.deleted);
      const run = { ...result, cutoff: cutoff.toISOString(), ms: Math.round(performance.now() - started) };
      o.logger.info(
        { ...run, retentionDays: o.days },
        `usage retention: deleted ${result.deleted} raw usage records older than ${o.days} days (rollups kept)`,
      );
      return run;
    } finally {
      await o.lock.release();
    }
  }

  /** Stops scheduling and waits for a run in progress (it ends after its current batch). */
  async close(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#running?.catch(() => undefined);
  }
}
