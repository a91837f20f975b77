import { periodEnd, periodStart, rolloverCarry } from '@switchyard/core';
import type { PrismaClient } from '@switchyard/prisma';
import { recordedSpend } from './spend.js';

/** How many past months a settlement walks at most (a gateway stopped for longer starts again from nothing). */
const MAX_MONTHS = 24;

/**
 * Org spend-cap rollover: once a month has started, each org with rollover on and a cap gets what its last month
 * left unspent (cap + what carried into it − its recorded spend, at most one month's cap: core's `rolloverCarry`)
 * as this month's carry, stored with the month it applies to. Months the gateway did not settle (it was stopped
 * over a month's end) are walked in turn from the last settled one, with the cap as it is now. An org that was
 * never settled (rollover turned on before this existed) starts from last month with nothing carried into it.
 * Idempotent and safe on several instances: a row is written only while it still holds the month this instance
 * read (the others' writes, the same figures, win). Returns how many orgs were settled.
 */
export async function settleRollovers(prisma: PrismaClient, now: number): Promise<number> {
  const month = periodStart(now, 'month');
  const due = await prisma.organization.findMany({
    where: {
      rollover: true,
      spendCapUsd: { not: null },
      OR: [{ rolloverPeriod: null }, { rolloverPeriod: { lt: new Date(month) } }],
    },
    select: { id: true, spendCapUsd: true, rolloverBalanceUsd: true, rolloverPeriod: true },
  });
  let settled = 0;
  for (const org of due) {
    const cap = Number(org.spendCapUsd);
    const oldest = monthsBefore(month, MAX_MONTHS);
    let from = org.rolloverPeriod?.getTime() ?? monthsBefore(month, 1);
    let carry = org.rolloverPeriod ? Number(org.rolloverBalanceUsd) : 0;
    if (from < oldest) {
      from = oldest;
      carry = 0;
    }
    while (from < month) {
      const next = periodEnd(from, 'month') ?? month;
      const spent = await recordedSpend(prisma, { scope: 'org', id: org.id, since: from }, next);
      carry = rolloverCarry(cap, carry, spent);
      from = next;
    }
    const written = await prisma.organization.updateMany({
      where: { id: org.id, rolloverPeriod: org.rolloverPeriod },
      data: { rolloverBalanceUsd: carry, rolloverPeriod: new Date(month) },
    });
    settled += written.count;
  }
  return settled;
}

/** The start of the month `n` months before the month starting at `month` (UTC). */
function monthsBefore(month: number, n: number): number {
  let start = month;
  for (let i = 0; i < n; i++) start = periodStart(start - 1, 'month');
  return start;
}

/** What an org's rollover carries this month: its stored carry when it was settled for this month, else nothing. */
export function carryThisMonth(
  org: { rollover: boolean; rolloverBalanceUsd: number; rolloverPeriod: number | null },
  now: number,
): number {
  return org.rollover && org.rolloverPeriod === periodStart(now, 'month') ? org.rolloverBalanceUsd : 0;
}
