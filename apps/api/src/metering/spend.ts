import type { BudgetWindow } from '@switchyard/core';
import type { PrismaClient } from '@switchyard/prisma';

/**
 * The spend recorded for a budget since its period start (USD): what a lost budget counter is rebuilt from.
 * Read from the hourly rollup, which the usage writer fills in the same statement as the usage records, so it
 * is exact (every budget period starts on a UTC hour). What BYOK keys paid (savings) never counts against a platform
 * budget; it is what a user's BYOK budget counts.
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
  if (w.scope === 'byok-calls') {
    // A user's monthly BYOK call count: the calls their own keys made (one usage record each).
    const r = await prisma.usageHourly.aggregate({
      _sum: { requests: true },
      where: { userId: w.id, isByok: true, ...hour },
    });
    return r._sum.requests ?? 0;
  }
  if (w.scope === 'byok') {
    // A user's BYOK budget: the list price of the calls their own keys paid (recorded as savings).
    const r = await prisma.usageHourly.aggregate({
      _sum: { savedUsd: true },
      where: { userId: w.id, isByok: true, ...hour },
    });
    return Number(r._sum.savedUsd ?? 0);
  }
  const dims =
    w.scope === 'key' ? { gatewayKeyId: w.id } : w.scope === 'user' ? { userId: w.id } : { orgId: w.id };
  // What the platform paid, on any record: a BYOK-flagged one carries a platform cost when a platform key's billed
  // failure came before the caller's own key answered (a BYOK call's own cost is savings, never costUsd).
  const r = await prisma.usageHourly.aggregate({
    _sum: { costUsd: true },
    where: { ...dims, ...hour },
  });
  return Number(r._sum.costUsd ?? 0);
}
