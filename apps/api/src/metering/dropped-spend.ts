import type { CommitTracker } from './commit-tracker.js';
import type { SpendLedger, SpendMark } from './spend-ledger.js';
import { rollupSums, type UsageTarget } from './writer.js';

/**
 * Usage records dropped at the usage queue's bound (USAGE_BUFFER_MAX, a long database outage) are never written, but
 * what they spent must still count: a budget rebuilt after a restart reads the hourly rollup (spend.ts). So each
 * dropped record is folded into a rollup row of its hour and owners (requests, errors, tokens, cost, savings, cache
 * hits; no latency), held in memory — a few per hour, owner and model, not one per record — and written into
 * "UsageHourly" and "UsageDaily" before the queue's next batch, exactly once: a write that fails keeps the rows for
 * the next. Until then the ledger keeps their spend outstanding (SpendLedger.dropped); after, like a written record's.
 *
 * Held rows are bounded: past `DROPPED_ROWS_MAX` of them (a long outage over many hours, owners and models), a drop
 * that would open another row is folded into a coarser one instead — its day (the hour it starts) and its owners
 * (user, org, key, whether a BYOK key paid, and its status class), without provider, model or app. Budgets read only
 * those (a day, week or month period starts at midnight UTC), so no spend is lost; the charts show that part of it
 * under no provider and model. Coarse rows are at most one per day and owner set.
 */

/** Rollup rows held in full detail (hour, provider, model, app, owners) before drops are folded coarser. */
export const DROPPED_ROWS_MAX = 10_000;

/** The dimensions of a rollup row and its sums (amounts in units of 1e-10 USD, exact). */
interface Folded {
  hour: string;
  providerId: string;
  modelId: string;
  userId: string;
  orgId: string;
  appId: string;
  gatewayKeyId: string;
  statusClass: string;
  isByok: boolean;
  requests: number;
  errors: number;
  tokensIn: number;
  tokensOut: number;
  tokensCached: number;
  costUsd: bigint;
  savedUsd: bigint;
  cacheHits: number;
  cacheSavedUsd: bigint;
}

/** The fields of a usage row (writer.ts's `usageRow`) a rollup reads. */
interface Row {
  createdAt?: unknown;
  providerId?: unknown;
  modelId?: unknown;
  userId?: unknown;
  orgId?: unknown;
  appId?: unknown;
  gatewayKeyId?: unknown;
  status?: unknown;
  isByok?: unknown;
  tokensIn?: unknown;
  tokensOut?: unknown;
  tokensCached?: unknown;
  costUsd?: unknown;
  savedUsd?: unknown;
  cacheHit?: unknown;
  cacheSavedUsd?: unknown;
}

const SCALE = 10_000_000_000n;
const DECIMAL = /^(\d+)(?:\.(\d{1,10}))?$/;

/** A row's USD amount (usageRow writes an exact decimal string with 10 places) in units of 1e-10; 0 for none. */
function units(v: unknown): bigint {
  if (typeof v === 'string') {
    const m = DECIMAL.exec(v);
    if (m) return BigInt(m[1]!) * SCALE + BigInt((m[2] ?? '').padEnd(10, '0'));
  }
  const x = typeof v === 'string' ? Number(v) : typeof v === 'number' ? v : 0;
  return Number.isFinite(x) && x > 0 ? BigInt(Math.round(x * 1e10)) : 0n;
}

/** Units of 1e-10 USD as an exact decimal string. */
function decimal(u: bigint): string {
  const s = u.toString().padStart(11, '0');
  return `${s.slice(0, -10)}.${s.slice(-10)}`;
}

const id = (v: unknown): string => (typeof v === 'string' ? v : '');
const count = (v: unknown): number =>
  typeof v === 'number' && Number.isFinite(v) && v > 0 ? Math.round(v) : 0;

/** The start of the UTC hour of an ISO time, as ISO; null when it is not a time. */
function hourOf(v: unknown): string | null {
  const t = typeof v === 'string' ? Date.parse(v) : NaN;
  return Number.isFinite(t) ? new Date(t - (t % 3_600_000)).toISOString() : null;
}

/** An error that blames the data (SQLSTATE class 22, 23 or 54, as writer.ts reads it), not the database being away. */
function isDataError(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const e = err as {
    code?: unknown;
    meta?: { code?: unknown };
    cause?: { originalCode?: unknown; code?: unknown };
  };
  const code = [e.code, e.meta?.code, e.cause?.originalCode, e.cause?.code].find(
    (c): c is string => typeof c === 'string' && /^[0-9A-Z]{5}$/.test(c),
  );
  return code !== undefined && /^(22|23|54)/.test(code);
}

const SQL = `
WITH f AS (SELECT * FROM json_to_recordset($1::json) AS f("hour" timestamptz, "providerId" text, "modelId" text,
  "userId" text, "orgId" text, "appId" text, "gatewayKeyId" text, "statusClass" text, "isByok" boolean, "requests" int,
  "errors" int, "tokensIn" bigint, "tokensOut" bigint, "tokensCached" bigint, "costUsd" numeric, "savedUsd" numeric,
  "cacheHits" int, "cacheSavedUsd" numeric)),
daily AS (INSERT INTO "UsageDaily" ("day","providerId","modelId","userId","statusClass","isByok",
  "requests","errors","tokensIn","tokensOut","tokensCached","costUsd","savedUsd","latencySumMs","latencyCount","ttftSumMs","ttftCount","cacheHits","cacheSavedUsd")
  SELECT date_trunc('day', "hour" AT TIME ZONE 'UTC') AT TIME ZONE 'UTC', "providerId", "modelId", "userId", "statusClass",
    "isByok", sum("requests"), sum("errors"), sum("tokensIn"), sum("tokensOut"), sum("tokensCached"), sum("costUsd"),
    sum("savedUsd"), 0, 0, 0, 0, sum("cacheHits"), sum("cacheSavedUsd")
  FROM f GROUP BY 1, 2, 3, 4, 5, 6
  ON CONFLICT ("day","providerId","modelId","userId","statusClass","isByok") DO UPDATE SET
    ${rollupSums('UsageDaily')})
INSERT INTO "UsageHourly" ("hour","providerId","modelId","userId","orgId","appId","gatewayKeyId","statusClass","isByok",
  "requests","errors","tokensIn","tokensOut","tokensCached","costUsd","savedUsd","latencySumMs","latencyCount","ttftSumMs","ttftCount","cacheHits","cacheSavedUsd")
SELECT "hour", "providerId", "modelId", "userId", "orgId", "appId", "gatewayKeyId", "statusClass", "isByok", "requests",
  "errors", "tokensIn", "tokensOut", "tokensCached", "costUsd", "savedUsd", 0, 0, 0, 0, "cacheHits", "cacheSavedUsd"
FROM f
ON CONFLICT ("hour","providerId","modelId","userId","orgId","appId","gatewayKeyId","statusClass","isByok") DO UPDATE SET
  ${rollupSums('UsageHourly')}`;

export class DroppedSpend {
  #rows = new Map<string, Folded>();
  /** The ledger's marks of the drops folded into `#rows`. */
  #marks: SpendMark[] = [];

  constructor(
    private readonly ledger: Pick<SpendLedger, 'foldWritten'>,
    private readonly onRefused?: (err: unknown) => void,
    /** The transaction ids of the writes (see CommitTracker), when they go through one. */
    private readonly commits?: Pick<CommitTracker, 'lastXid'>,
    private readonly maxRows = DROPPED_ROWS_MAX,
  ) {}

  /** Rollup rows waiting to be written. */
  get pending(): number {
    return this.#rows.size;
  }

  /** Records the queue dropped (usage rows), whose spend the ledger holds as `mark` (SpendLedger.dropped). */
  fold(rows: readonly string[], mark: SpendMark): void {
    for (const text of rows) {
      let r: Row;
      try {
        r = JSON.parse(text) as Row;
      } catch {
        continue;
      }
      const hour = r && typeof r === 'object' ? hourOf(r.createdAt) : null;
      if (hour === null) continue;
      const status = count(r.status);
      const statusClass = status >= 500 ? '5xx' : status >= 400 ? '4xx' : '2xx';
      let dims = {
        hour,
        providerId: id(r.providerId),
        modelId: id(r.modelId),
        userId: id(r.userId),
        orgId: id(r.orgId),
        appId: id(r.appId),
        gatewayKeyId: id(r.gatewayKeyId),
        statusClass,
        isByok: r.isByok === true,
      };
      let key = Object.values(dims).join('\u0000');
      let f = this.#rows.get(key);
      if (!f && this.#rows.size >= this.maxRows) {
        // Past the bound: the day's row of its owners (what budgets read), without provider, model or app.
        dims = {
          ...dims,
          hour: `${hour.slice(0, 10)}T00:00:00.000Z`,
          providerId: '',
          modelId: '',
          appId: '',
        };
        key = Object.values(dims).join('\u0000');
        f = this.#rows.get(key);
      }
      if (!f) {
        const zero = { requests: 0, errors: 0, tokensIn: 0, tokensOut: 0, tokensCached: 0, cacheHits: 0 };
        f = { ...dims, ...zero, costUsd: 0n, savedUsd: 0n, cacheSavedUsd: 0n };
        this.#rows.set(key, f);
      }
      f.requests++;
      if (status >= 400) f.errors++;
      f.tokensIn += count(r.tokensIn);
      f.tokensOut += count(r.tokensOut);
      f.tokensCached += count(r.tokensCached);
      f.costUsd += units(r.costUsd);
      f.savedUsd += units(r.savedUsd);
      if (r.cacheHit === true) {
        f.cacheHits++;
        f.cacheSavedUsd += units(r.cacheSavedUsd);
      }
    }
    this.#marks.push(mark);
  }

  /**
   * Writes the rollup rows folded so far (one statement) and tells the ledger. An outage is thrown and the rows are
   * kept for the next write; rows the database refuses for their data (it never should: they are sums of written
   * figures) are set aside with a log, their spend left outstanding in this instance's ledger as before.
   */
  async write(target: UsageTarget): Promise<void> {
    if (this.#rows.size === 0 && this.#marks.length === 0) return;
    const rows = this.#rows;
    const marks = this.#marks;
    this.#rows = new Map();
    this.#marks = [];
    if (rows.size > 0) {
      const batch = JSON.stringify(
        [...rows.values()].map((f) => ({
          ...f,
          costUsd: decimal(f.costUsd),
          savedUsd: decimal(f.savedUsd),
          cacheSavedUsd: decimal(f.cacheSavedUsd),
        })),
      );
      try {
        if ('$executeRawUnsafe' in target) await target.$executeRawUnsafe(SQL, batch);
        else await target.execute(SQL, [batch]);
      } catch (err) {
        if (isDataError(err)) {
          this.onRefused?.(err);
          return;
        }
        // Kept for the next write, with what was folded meanwhile.
        for (const [k, f] of rows) {
          const now = this.#rows.get(k);
          if (now) mergeInto(f, now);
          this.#rows.set(k, f);
        }
        this.#marks = [...marks, ...this.#marks];
        throw err;
      }
    }
    this.ledger.foldWritten(marks, this.commits?.lastXid ?? null);
  }
}

/** Adds `from`'s sums into `to`, then leaves `to` as the sum (`from` is discarded). */
function mergeInto(to: Folded, from: Folded): void {
  to.requests += from.requests;
  to.errors += from.errors;
  to.tokensIn += from.tokensIn;
  to.tokensOut += from.tokensOut;
  to.tokensCached += from.tokensCached;
  to.costUsd += from.costUsd;
  to.savedUsd += from.savedUsd;
  to.cacheHits += from.cacheHits;
  to.cacheSavedUsd += from.cacheSavedUsd;
}
