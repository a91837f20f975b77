import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../db/client.js';
import { createTestDatabase } from '../test/db.js';
import { usageRecord } from '../test/usage-record.js';
import { DroppedSpend } from './dropped-spend.js';
import { recordedSpend } from './spend.js';
import { SpendLedger } from './spend-ledger.js';
import { usageRow } from './writer.js';

let db: Database;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db?.close();
});

describe('what records dropped at the usage queue bound spent, held in memory until written', () => {
  it('is held in a bounded number of rows over many hours, keys and models, and all of it counts in budgets once written', async () => {
    // A long outage: 3,000 dropped records over 30 hours, 10 keys of 5 users, 100 models; 0.0001234567 USD each.
    const ledger = new SpendLedger(() => Date.UTC(2026, 10, 3));
    const dropped = new DroppedSpend(ledger, undefined, undefined, 200);
    const rows: string[] = [];
    for (let i = 0; i < 3_000; i++)
      rows.push(
        usageRow(
          usageRecord({
            createdAt: new Date(Date.UTC(2026, 10, 1, 0, 0) + (i % 30) * 3_600_000 + i),
            requestId: `dropped-${i}`,
            gatewayKeyId: `drop-key-${i % 10}`,
            userId: `drop-user-${i % 5}`,
            orgId: 'drop-org',
            providerId: 'p1',
            modelId: `model-${i % 100}`,
            costUsd: 0.0001234567,
            status: i % 7 === 0 ? 502 : 200,
          }),
        ),
      );
    for (let i = 0; i < rows.length; i += 100) dropped.fold(rows.slice(i, i + 100), ledger.dropped(i, 100));
    // 200 rows in full detail, then a day's row per key, user and status class: 2 days × 10 keys × 2 classes.
    expect(dropped.pending).toBeLessThanOrEqual(200 + 2 * 10 * 2);

    await dropped.write(db);
    expect(dropped.pending).toBe(0);
    // A budget rebuilt after a restart reads the rollups: every dropped record's spend is there, once.
    const since = Date.UTC(2026, 10, 1);
    for (let k = 0; k < 10; k++)
      expect(await recordedSpend(db.prisma, { scope: 'key', id: `drop-key-${k}`, since })).toBeCloseTo(
        300 * 0.0001234567,
        10,
      );
    expect(await recordedSpend(db.prisma, { scope: 'org', id: 'drop-org', since })).toBeCloseTo(
      3_000 * 0.0001234567,
      10,
    );
    // Each day's spend stays in its day (a day's budget, a month's).
    expect(
      await recordedSpend(db.prisma, { scope: 'org', id: 'drop-org', since }, Date.UTC(2026, 10, 2)),
    ).toBeCloseTo(2_400 * 0.0001234567, 10);
    const daily = await db.prisma.usageDaily.aggregate({
      _sum: { requests: true, errors: true },
      where: { userId: { startsWith: 'drop-user-' } },
    });
    expect(daily._sum.requests).toBe(3_000);
    expect(daily._sum.errors).toBe(Math.ceil(3_000 / 7));
  });
});
