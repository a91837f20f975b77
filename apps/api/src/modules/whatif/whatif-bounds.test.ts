// The operators' what-if replay (no orgId) bounds its keyset scan by the smallest and largest record id of the range.
// As a plain min/max PostgreSQL walked the primary key from an end through every record outside the range; the work
// is counted here (the rows the plan reads), never timed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/app.js';
import { replayBoundsQuery } from './whatif.service.js';

let t: TestApp;
const DAY = 86_400_000;
const N = 30_000;
const end = Date.UTC(2026, 10, 30);
const start = end - 90 * DAY;

beforeAll(async () => {
  t = await createTestApp();
  // 30,000 records over 90 days, in time order (as the writer inserts them).
  await t.app.ctx.prisma.$executeRawUnsafe(
    `INSERT INTO "UsageRecord" ("createdAt", "requestId", "endpoint", "requestedModel", "status")
     SELECT to_timestamp(($1::float8 + g * $2::float8) / 1000), 'r' || g, 'chat.completions', 'm', 200
     FROM generate_series(0, $3::int - 1) g`,
    start,
    (90 * DAY) / N,
    N,
  );
  await t.app.ctx.prisma.$executeRawUnsafe('ANALYZE "UsageRecord"');
});
afterAll(async () => {
  await t?.close();
});

interface PlanNode {
  'Node Type': string;
  'Actual Rows'?: number;
  'Actual Loops'?: number;
  'Rows Removed by Filter'?: number;
  'Rows Removed by Index Recheck'?: number;
  Plans?: PlanNode[];
}

/** The table rows the plan's scans read: those they returned plus those they read and filtered out. */
function rowsRead(n: PlanNode): number {
  const own = n['Node Type'].includes('Scan')
    ? ((n['Actual Rows'] ?? 0) +
        (n['Rows Removed by Filter'] ?? 0) +
        (n['Rows Removed by Index Recheck'] ?? 0)) *
      (n['Actual Loops'] ?? 1)
    : 0;
  return own + (n.Plans ?? []).reduce((s, p) => s + rowsRead(p), 0);
}

async function bounds(from: number, to: number) {
  const db = t.app.ctx.db;
  const [sql, params] = await replayBoundsQuery(db, { from: new Date(from), to: new Date(to) });
  const [row] = await db.query<{ lo: number | null; hi: number | null }>(sql, params);
  const plan = await db.query<Record<string, unknown>>(`EXPLAIN (ANALYZE, FORMAT JSON) ${sql}`, params);
  const first = Object.values(plan[0]!)[0];
  const doc = (typeof first === 'string' ? JSON.parse(first) : first) as { Plan: PlanNode }[];
  const [exact] = await db.query<{ lo: number | null; hi: number | null; n: number }>(
    `SELECT min("id")::float8 AS lo, max("id")::float8 AS hi, count(*)::int AS n FROM "UsageRecord"
     WHERE "createdAt" >= $1 AND "createdAt" < $2`,
    params,
  );
  return { lo: row!.lo, hi: row!.hi, read: rowsRead(doc[0]!.Plan), exact: exact! };
}

describe('the bounds of an operators’ what-if replay', () => {
  it('a day in the middle of the records reads that day’s records, not the table from an end', async () => {
    const b = await bounds(start + 60 * DAY, start + 61 * DAY);
    expect(b.exact.n).toBeGreaterThan(300);
    expect({ lo: b.lo, hi: b.hi }).toEqual({ lo: b.exact.lo, hi: b.exact.hi });
    // Before: the primary key walked from its start through 20,000 records before the range, and from its end
    // through 9,700 after it.
    expect(b.read).toBeLessThanOrEqual(b.exact.n + 10);
  });

  it('the last days read those days’ records; the whole span, or nearly, a few', async () => {
    const recent = await bounds(end - 3 * DAY, end + DAY);
    expect({ lo: recent.lo, hi: recent.hi }).toEqual({ lo: recent.exact.lo, hi: recent.exact.hi });
    expect(recent.read).toBeLessThanOrEqual(recent.exact.n + 10);
    const all = await bounds(start - DAY, end + DAY);
    expect(all.exact.n).toBe(N);
    expect({ lo: all.lo, hi: all.hi }).toEqual({ lo: all.exact.lo, hi: all.exact.hi });
    expect(all.read).toBeLessThanOrEqual(10);
    // Nearly the whole span (its first hour left out): the few records before it are walked, not the range's.
    const most = await bounds(start + 3_600_000, end + DAY);
    expect({ lo: most.lo, hi: most.hi }).toEqual({ lo: most.exact.lo, hi: most.exact.hi });
    expect(most.read).toBeLessThanOrEqual(100);
    const none = await bounds(end + 10 * DAY, end + 11 * DAY);
    expect({ lo: none.lo, hi: none.hi }).toEqual({ lo: null, hi: null });
  });
});
