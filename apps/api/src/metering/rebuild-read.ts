import { parseSnapshot, type BudgetWindow, type DbSnapshot } from '@switchyard/core';
import { Prisma, type PrismaClient } from '@switchyard/prisma';
import { recordedSpend } from './spend.js';

/**
 * A budget's recorded spend (spend.ts) and the database snapshot it was read in: one repeatable-read transaction whose
 * first statement takes the snapshot, so the spend holds exactly the usage writes the snapshot saw committed. Every
 * instance then adds what it spent that the snapshot did not see (SpendLedger.outstanding): no record is counted
 * twice or missed, however close to the read it was written. `snapshot` is null when the database does not give one.
 */
export async function spendWithSnapshot(
  prisma: PrismaClient,
  w: BudgetWindow,
): Promise<{ spent: number; snapshot: DbSnapshot | null }> {
  return prisma.$transaction(
    async (tx) => {
      const [row] = await tx.$queryRawUnsafe<{ s: string }[]>('SELECT pg_current_snapshot()::text AS "s"');
      // recordedSpend may open a transaction of its own: in this one, it runs in this one.
      const inTx = new Proxy(tx, {
        get: (t, p, r): unknown =>
          p === '$transaction' ? (fn: (c: typeof t) => unknown) => fn(t) : Reflect.get(t, p, r),
      }) as unknown as PrismaClient;
      const spent = await recordedSpend(inTx, w);
      return { spent, snapshot: row ? parseSnapshot(row.s) : null };
    },
    { isolationLevel: Prisma.TransactionIsolationLevel.RepeatableRead, timeout: 60_000, maxWait: 60_000 },
  );
}
