import type { BudgetWindow } from '@switchyard/core';
import type { PrismaClient } from '@switchyard/prisma';

/**
 * The spend recorded for a budget since its period start (USD): what a lost budget counter is rebuilt from.
 * Read from the hourly rollup, which the usage writer fills in the same statement as the usage records, so it
 * is exact (every budget period starts on a UTC hour). What BYOK keys paid (savings) never counts against a platform
 * budget; it is what a user's BYOK budget counts. Records the database refused (set aside in "UsageDeadLetter", see
 * writer.ts) were paid for all the same: their spend is added from the rows kept there.
 */
export async function recordedSpend(
  prisma: PrismaClient,
  w: BudgetWindow,
  /** The end of the span (exclusive, ms epoch): a past period's spend. Unset = up to now. */
  until?: number,
): Promise<number> {
  const hour =
    w.since > 0 || until !== undefined
      ? {
          hour: {
            ...(w.since > 0 ? { gte: new Date(w.since) } : {}),
            ...(until !== undefined ? { lt: new Date(until) } : {}),
          },
        }
      : {};
  const refused = deadLetteredSpend(prisma, w, until);
  if (w.scope === 'byok-calls') {
    // A user's monthly BYOK call count: the calls their own keys made (one usage record each).
    const r = await prisma.usageHourly.aggregate({
      _sum: { requests: true },
      where: { userId: w.id, isByok: true, ...hour },
    });
    return (r._sum.requests ?? 0) + (await refused);
  }
  if (w.scope === 'byok') {
    // A user's BYOK budget: the list price of the calls their own keys paid (recorded as savings).
    const r = await prisma.usageHourly.aggregate({
      _sum: { savedUsd: true },
      where: { userId: w.id, isByok: true, ...hour },
    });
    return Number(r._sum.savedUsd ?? 0) + (await refused);
  }
  const dims =
    w.scope === 'key' ? { gatewayKeyId: w.id } : w.scope === 'user' ? { userId: w.id } : { orgId: w.id };
  // What the platform paid, on any record: a BYOK-flagged one carries a platform cost when a platform key's billed
  // failure came before the caller's own key answered (a BYOK call's own cost is savings, never costUsd).
  const r = await prisma.usageHourly.aggregate({
    _sum: { costUsd: true },
    where: { ...dims, ...hour },
  });
  return Number(r._sum.costUsd ?? 0) + (await refused);
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
}

/**
 * The usage rows the database refused whose time is in [since, until) (ms epoch; `owner`: only its rows). A dead
 * letter is written after its record's time, so the letters since `since` hold every such record (its own time is then
 * checked); an owner is looked for in the kept text first (ids are plain ASCII, kept as they are), so only its own
 * letters are read.
 */
export async function refusedUsage(
  prisma: PrismaClient,
  span: { since: number; until?: number },
  owner?: RefusedOwner,
): Promise<RefusedUsage> {
  const letters = await prisma.usageDeadLetter.findMany({
    where: {
      ...(span.since > 0 ? { createdAt: { gte: new Date(span.since) } } : {}),
      ...(owner ? { payload: { contains: `"${owner.field}":${JSON.stringify(owner.id)}` } } : {}),
    },
    select: { payload: true, createdAt: true },
  });
  const out: RefusedUsage = { records: 0, byokRecords: 0, costUsd: 0, savedUsd: 0, unreadable: 0 };
  const within = (at: number) =>
    Number.isFinite(at) && at >= span.since && (span.until === undefined || at < span.until);
  for (const { payload, createdAt } of letters) {
    let row: RefusedRow | null = null;
    try {
      row = JSON.parse(payload) as RefusedRow;
    } catch {
      row = null;
    }
    if (row === null || typeof row !== 'object') {
      if (!owner && within(createdAt.getTime())) {
        out.records++;
        out.unreadable++;
      }
      continue;
    }
    if (owner && row[owner.field] !== owner.id) continue;
    if (!within(typeof row.createdAt === 'string' ? Date.parse(row.createdAt) : NaN)) continue;
    out.records++;
    out.costUsd += amount(row.costUsd);
    if (row.isByok === true) {
      out.byokRecords++;
      out.savedUsd += amount(row.savedUsd);
    }
  }
  return out;
}

/** What the budget `w` counts of the usage rows the database refused, in its window (a row that cannot be read adds nothing). */
async function deadLetteredSpend(prisma: PrismaClient, w: BudgetWindow, until?: number): Promise<number> {
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
