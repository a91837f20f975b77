// An organization's what-if replay reads its rows of the range through the ("orgId", "createdAt") index (migration
// 0035), not by walking every organization's rows: each query the replay sends is run again under EXPLAIN ANALYZE on
// the real database, which counts the rows it read and threw away.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTestApp, type TestApp } from '../../test/app.js';

const NOW = Date.parse('2026-12-06T12:00:00Z');
let t: TestApp;
let superAdmin: string;

beforeAll(async () => {
  t = await createTestApp({ now: () => NOW });
  superAdmin = await t.tokenFor('super_admin');
  // 6,000 answered requests, one a minute up to NOW (ids in time order, as the gateway writes them), over 100
  // organizations; ANALYZE after, as autovacuum would.
  await t.app.ctx.prisma.$executeRawUnsafe(
    `INSERT INTO "UsageRecord" ("createdAt","requestId","orgId","endpoint","requestedModel","status","providerSlug","modelId")
     SELECT $1::timestamptz - ((6001 - g) || ' minutes')::interval, 'plan-' || g, 'org-' || (g % 100),
       'chat.completions', 'mock/mock-large', 200, 'mock', 'mock-large'
     FROM generate_series(1, 6000) AS g`,
    new Date(NOW),
  );
  // An organization that started sending requests lately: its 300 are the newest rows, in the same hours.
  await t.app.ctx.prisma.$executeRawUnsafe(
    `INSERT INTO "UsageRecord" ("createdAt","requestId","orgId","endpoint","requestedModel","status","providerSlug","modelId")
     SELECT $1::timestamptz - ((301 - g) || ' minutes')::interval - interval '1 second', 'plan-new-' || g, 'org-new',
       'chat.completions', 'mock/mock-large', 200, 'mock', 'mock-large'
     FROM generate_series(1, 300) AS g`,
    new Date(NOW),
  );
  await t.app.ctx.prisma.$executeRawUnsafe('ANALYZE "UsageRecord"');
}, 120_000);
afterAll(async () => {
  await t?.close();
});

describe("an organization's what-if replay on a large table", () => {
  it.each([
    ['one of many organizations, over the last 6 hours', 'org-7', '2026-12-06T06:00:00Z', 3],
    [
      'an organization whose requests are all recent, over the 4 days',
      'org-new',
      '2026-12-02T12:00:00Z',
      300,
    ],
  ])(
    'reads the bounds and the batches of its rows through the organization index: %s',
    async (_, orgId, from, n) => {
      const spy = vi.spyOn(t.app.ctx.db, 'query');
      let reads: [string, unknown[]][];
      try {
        const res = await t.http
          .post('/api/v1/llm/whatif')
          .set({ authorization: `Bearer ${superAdmin}` })
          .send({ from, to: '2026-12-06T12:00:00Z', orgId })
          .expect(200);
        expect(res.body.requests).toBe(n);
        reads = spy.mock.calls
          .filter(([sql]) => /FROM "UsageRecord"/.test(String(sql)))
          .map(([sql, params]) => [String(sql), (params ?? []) as unknown[]]);
      } finally {
        spy.mockRestore();
      }
      expect(reads.length).toBeGreaterThanOrEqual(2);
      for (const [sql, params] of reads) {
        const plan = await t.app.ctx.prisma.$transaction(async (tx) => {
          await tx.$executeRawUnsafe('SET LOCAL enable_seqscan = off');
          return tx.$queryRawUnsafe<{ 'QUERY PLAN': string }[]>(`EXPLAIN ANALYZE ${sql}`, ...params);
        });
        const text = plan.map((r) => r['QUERY PLAN']).join('\n');
        // The rows of other organizations or other hours it read and threw away: a handful at most, never a walk
        // over every organization's rows.
        const wasted = [...text.matchAll(/Rows Removed by (?:Filter|Index Recheck): (\d+)/g)].reduce(
          (sum, m) => sum + Number(m[1]),
          0,
        );
        expect(wasted, `${sql}\n${text}`).toBeLessThan(20);
      }
    },
  );
});
