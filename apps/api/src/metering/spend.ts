import type { BudgetWindow } from '@switchyard/core';
import { Prisma, type PrismaClient } from '@switchyard/prisma';

/** A client or an open transaction: what the reads below run on. */
type Reader = Prisma.TransactionClient;

/**
 * The spend recorded for a budget since its period start (USD): what a lost budget counter is rebuilt from.
 * Read from the hourly rollup, which the usage writer fills in the same statement as the usage records, so it
 * is exact (every budget period starts on a UTC hour). What BYOK keys paid (savings) never counts against a platform
 * budget; it is what a user's BYOK budget counts. Records the database refused (set aside in "UsageDeadLetter", see
 * writer.ts) were paid for all the same: their spend is added from the rows kept there.
 *
 * Both are read in one snapshot (a repeatable-read transaction): a dead letter replayed meanwhile (its record written
 * into the rollup and the letter deleted in one transaction, dead-letter-replay.ts) is counted once, never twice or not
 * at all.
 */
export async function recordedSpend(
  prisma: PrismaClient,
  w: BudgetWindow,
  /** The end of the span (exclusive, ms epoch): a past period's spend. Unset = up to now. */
  until?: number,
): Promise<number> {
  return prisma.$transaction((tx) => spendIn(tx, w, until), {
    isolationLevel: Prisma.TransactionIsolationLevel.RepeatableRead,
    timeout: 60_000,
    maxWait: 60_000,
  });
}

async function spendIn(prisma: Reader, w: BudgetWindow, until?: number): Promise<number> {
  const hour =
    w.since > 0 || until !== undefined
      ? {
          hour: {
            ...(w.since > 0 ? { gte: new Date(w.since) } : {}),
            ...(until !== undefined ? { lt: new Date(until) } : {}),
          },
        }
      : {};
  if (w.scope === 'byok-calls') {
    // A user's monthly BYOK call count: the calls their own keys made (one usage record each).
    const r = await prisma.usageHourly.aggregate({
      _sum: { requests: true },
      where: { userId: w.id, isByok: true, ...hour },
    });
    return (r._sum.requests ?? 0) + (await deadLetteredSpend(prisma, w, until));
  }
  if (w.scope === 'byok') {
    // A user's BYOK budget: the list price of the calls their own keys paid (recorded as savings).
    const r = await prisma.usageHourly.aggregate({
      _sum: { savedUsd: true },
      where: { userId: w.id, isByok: true, ...hour },
    });
    return Number(r._sum.savedUsd ?? 0) + (await deadLetteredSpend(prisma, w, until));
  }
  const dims =
    w.scope === 'key' ? { gatewayKeyId: w.id } : w.scope === 'user' ? { userId: w.id } : { orgId: w.id };
  // What the platform paid, on any record: a BYOK-flagged one carries a platform cost when a platform key's billed
  // failure came before the caller's own key answered (a BYOK call's own cost is savings, never costUsd).
  const r = await prisma.usageHourly.aggregate({
    _sum: { costUsd: true },
    where: { ...dims, ...hour },
  });
  return Number(r._sum.costUsd ?? 0) + (await deadLetteredSpend(prisma, w, until));
}

/** The fields of a usage row (writer.ts's `usageRow`) a budget reads. */
interface RefusedRow {
  createdAt?: unknown;
  gatewayKeyId?: unknown;
  userId?: unknown;
  orgId?: unknown;
  isByok?: unknown;
  costUsd?: unknown;
  savedUsd?: unknown;
}

/** An amount of a row: a decimal string (or a number), else nothing (a cost the row could not give). */
const amount = (v: unknown): number => {
  const x = typeof v === 'string' ? Number(v) : typeof v === 'number' ? v : 0;
  return Number.isFinite(x) && x > 0 ? x : 0;
};

/** Whose refused rows to read: rows whose `field` is `id`. */
interface RefusedOwner {
  field: 'gatewayKeyId' | 'orgId' | 'userId';
  id: string;
}

/** What usage rows the database refused (kept in "UsageDeadLetter") hold. */
export interface RefusedUsage {
  /** Refused rows in the span: each a request not in the usage records, the rollups or the charts. */
  records: number;
  /** Of those, the ones a BYOK key answered. */
  byokRecords: number;
  /** What the platform paid for them (the rows' costUsd). */
  costUsd: number;
  /** What BYOK keys paid for them (the BYOK rows' savedUsd). */
  savedUsd: number;
  /**
   * Rows that cannot be read back (kept text that is not a row): counted in `records` (by the time they were set
   * aside) when no owner is asked for, their amounts unknown. Always 0 for an owner's rows.
   */
  unreadable: number;
  /**
   * More letters than `limit` were in the span: only the newest `limit` were read, so the figures above are what those
   * hold (a lower bound). Always false without a limit.
   */
  truncated: boolean;
}

/**
 * How many dead letters a usage page reads at most (the newest): a database that refused every row (a bad constraint)
 * must not make every page view read them all. Past it the page says its figures are partial.
 */
export const REFUSED_READ_LIMIT = 1000;

/** Letters read per query when all of them are read (a budget): bounded memory per page. */
const PAGE = 1000;

/** Of a payload without the row's trace marker (not a row of ours), at most this many characters are read. */
const ODD_PAYLOAD_MAX = 100_000;

/**
 * A letter's row as far as its trace (every field a figure reads comes before it; the trace may hold bodies when body
 * logging is on, and is never read here): every string of a row is JSON-escaped, so the first `,"trace":` is the
 * trace field itself (as in writer.ts's callEventOfRow).
 */
const HEAD_SQL = `CASE WHEN strpos("payload", ',"trace":') > 0
    THEN left("payload", strpos("payload", ',"trace":') - 1) || '}'
    ELSE left("payload", ${ODD_PAYLOAD_MAX}) END`;

interface LetterHead {
  id: bigint | number | string;
  createdAt: Date;
  head: string;
}

/**
 * The usage rows the database refused whose time is in [since, until) (ms epoch; `owner`: only its rows). A dead
 * letter is written after its record's time, so the letters since `since` hold every such record (its own time is then
 * checked); an owner is looked for in the kept text first (ids are plain ASCII, kept as they are), so only its own
 * letters are read, and of each only the fields before its trace.
 *
 * With `limit` (a usage page), at most that many letters are read, the newest first, and `truncated` says whether
 * there were more. Without it (a budget) every letter is read, a page at a time: the figure is exact.
 */
export async function refusedUsage(
  prisma: Reader,
  span: { since: number; until?: number },
  owner?: RefusedOwner,
  limit?: number,
): Promise<RefusedUsage> {
  const out: RefusedUsage = {
    records: 0,
    byokRecords: 0,
    costUsd: 0,
    savedUsd: 0,
    unreadable: 0,
    truncated: false,
  };
  const within = (at: number) =>
    Number.isFinite(at) && at >= span.since && (span.until === undefined || at < span.until);
  const params: unknown[] = [];
  const where: string[] = [];
  if (span.since > 0) {
    params.push(new Date(span.since));
    where.push(`"createdAt" >= $${params.length}`);
  }
  if (owner) {
    params.push(`"${owner.field}":${JSON.stringify(owner.id)}`);
    where.push(`strpos("payload", $${params.length}) > 0`);
  }
  let left = limit ?? Number.POSITIVE_INFINITY;
  let before: string | null = null;
  while (left > 0) {
    const take = Math.min(PAGE, left);
    const p = [...params];
    const w = [...where];
    if (before !== null) {
      p.push(before);
      w.push(`"id" < $${p.length}::bigint`);
    }
    // One more than asked for when this is the last page a limit allows: whether there were more.
    const ask = limit !== undefined && take === left ? take + 1 : take;
    const letters = await prisma.$queryRawUnsafe<LetterHead[]>(
      `SELECT "id", "createdAt", ${HEAD_SQL} AS head FROM "UsageDeadLetter"
        ${w.length > 0 ? `WHERE ${w.join(' AND ')}` : ''} ORDER BY "id" DESC LIMIT ${ask}`,
      ...p,
    );
    if (letters.length > take) out.truncated = true;
    const read = letters.slice(0, take);
    for (const { head, createdAt } of read) add(out, head, createdAt, owner, within);
    left -= read.length;
    if (read.length < take || out.truncated) break;
    before = String(read[read.length - 1]!.id);
  }
  return out;
}

/** Adds one letter's row (as far as its trace) to `out`. */
function add(
  out: RefusedUsage,
  head: string,
  createdAt: Date,
  owner: RefusedOwner | undefined,
  within: (at: number) => boolean,
): void {
  let row: RefusedRow | null = null;
  try {
    row = JSON.parse(head) as RefusedRow;
  } catch {
    row = null;
  }
  if (row === null || typeof row !== 'object') {
    if (!owner && within(createdAt.getTime())) {
      out.records++;
      out.unreadable++;
    }
    return;
  }
  if (owner && row[owner.field] !== owner.id) return;
  if (!within(typeof row.createdAt === 'string' ? Date.parse(row.createdAt) : NaN)) return;
  out.records++;
  out.costUsd += amount(row.costUsd);
  if (row.isByok === true) {
    out.byokRecords++;
    out.savedUsd += amount(row.savedUsd);
  }
}

/** What the budget `w` counts of the usage rows the database refused, in its window (a row that cannot be read adds nothing). */
async function deadLetteredSpend(prisma: Reader, w: BudgetWindow, until?: number): Promise<number> {
  const field = w.scope === 'key' ? 'gatewayKeyId' : w.scope === 'org' ? 'orgId' : 'userId';
  const r = await refusedUsage(
    prisma,
    { since: w.since, ...(until !== undefined ? { until } : {}) },
    { field, id: w.id },
  );
  if (w.scope === 'byok-calls') return r.byokRecords;
  if (w.scope === 'byok') return r.savedUsd;
  return r.costUsd;
}
