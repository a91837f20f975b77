import type { PrismaClient } from '@switchyard/prisma';
import { sqlState, storable, writeUsageRows } from './writer.js';

/** Letters tried per replay call (oldest first): one call is bounded work; `next` goes on. */
export const REPLAY_BATCH = 200;

export interface ReplayResult {
  /** Letters whose record is now written (usage record, rollups, error report …) and that left the dead letter. */
  replayed: number;
  /** Letters the database refused again: kept, each with its new error. */
  refused: number;
  /** The last letter id tried when more letters follow it (send it back as `after`), else null. */
  next: string | null;
}

/**
 * The SQLSTATE of a failed statement: as the writer reads it, or as Prisma wraps a driver's error inside a transaction
 * (meta.driverAdapterError.cause.code).
 */
function stateOf(err: unknown): string | null {
  // Prisma's own code (P2010, "raw query failed") comes first on its error: the database's is in the cause.
  const code = (err as { meta?: { driverAdapterError?: { cause?: { code?: unknown } } } } | null)?.meta
    ?.driverAdapterError?.cause?.code;
  if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return code;
  return sqlState(err);
}

/** The database refused the rows for their data (as the writer sets a row aside), not an outage. */
function refusedForData(err: unknown): boolean {
  const code = stateOf(err);
  return code !== null && /^(22|23|54)/.test(code);
}

/** The database's message: the driver's own when Prisma wraps it. */
function messageOf(err: unknown): string {
  const cause = (err as { meta?: { driverAdapterError?: { cause?: { message?: unknown } } } } | null)?.meta
    ?.driverAdapterError?.cause?.message;
  if (typeof cause === 'string') return cause;
  return err instanceof Error ? err.message : String(err);
}

interface Letter {
  id: bigint | number | string;
  payload: string;
}

/**
 * Takes letters out of the dead letter, locked (a letter another replay holds is skipped: that one handles it), and
 * writes their rows with the writer's own statement, in one transaction: either a letter's record is written and the
 * letter is gone, or neither. A letter is taken once: a second replay (another instance) finds it gone or locked, so a
 * record is never written twice, and it is never both a record and a letter (budgets, rollups and the usage pages count
 * each exactly once).
 */
const TAKE = `DELETE FROM "UsageDeadLetter" WHERE "id" IN (
  SELECT "id" FROM "UsageDeadLetter" WHERE "id" = ANY($1::bigint[]) ORDER BY "id" FOR UPDATE SKIP LOCKED
) RETURNING "id", "payload"`;

async function take(prisma: PrismaClient, ids: readonly string[]): Promise<number> {
  return prisma.$transaction(
    async (tx) => {
      const letters = await tx.$queryRawUnsafe<Letter[]>(TAKE, ids);
      // The kept text is the row with every character outside printable ASCII escaped: the same JSON.
      await writeUsageRows(
        tx,
        letters.map((l) => l.payload),
      );
      return letters.length;
    },
    { timeout: 60_000, maxWait: 60_000 },
  );
}

/**
 * Retries writing the usage records the database refused, up to `limit` letters after `after` (ids, oldest first). All
 * of them are tried in one statement first (the cause is usually gone for all or for none); if the database refuses
 * that for its data, each letter is tried alone: one that goes in leaves the dead letter, one refused again stays with
 * its new error. An outage (any other error) is thrown: whatever was not written stays as it was.
 */
export async function replayDeadLetters(
  prisma: PrismaClient,
  opts: { after?: string; limit?: number } = {},
): Promise<ReplayResult> {
  const limit = opts.limit ?? REPLAY_BATCH;
  const rows = await prisma.$queryRawUnsafe<{ id: bigint | number | string }[]>(
    `SELECT "id" FROM "UsageDeadLetter" WHERE "id" > $1::bigint ORDER BY "id" LIMIT ${limit + 1}`,
    opts.after ?? '0',
  );
  const ids = rows.slice(0, limit).map((r) => String(r.id));
  const next = rows.length > limit ? ids[ids.length - 1]! : null;
  if (ids.length === 0) return { replayed: 0, refused: 0, next: null };
  try {
    return { replayed: await take(prisma, ids), refused: 0, next };
  } catch (err) {
    if (!refusedForData(err)) throw err;
  }
  let replayed = 0;
  let refused = 0;
  for (const id of ids) {
    try {
      replayed += await take(prisma, [id]);
    } catch (err) {
      if (!refusedForData(err)) throw err;
      refused++;
      const error = storable(`${stateOf(err) ?? '?????'} ${messageOf(err)}`).slice(0, 1000);
      await prisma.$executeRawUnsafe(
        'UPDATE "UsageDeadLetter" SET "error" = $2 WHERE "id" = $1::bigint',
        id,
        error,
      );
    }
  }
  return { replayed, refused, next };
}
