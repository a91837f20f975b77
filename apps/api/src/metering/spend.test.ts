// A budget rebuilt from the database counts the records the database refused too: their rows are kept in
// "UsageDeadLetter" (writer.ts), and recordedSpend adds what each budget's owner spent on them, in its window.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BudgetWindow } from '@switchyard/core';
import { createTestDatabase, type TestDatabase } from '../test/db.js';
import { usageRecord } from '../test/usage-record.js';
import type { ProxyUsage } from './types.js';
import { recordedSpend } from './spend.js';
import { usageRow, writeUsageRows } from './writer.js';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
}, 120_000);
afterAll(async () => {
  await db?.close();
});

const MONTH = Date.UTC(2026, 11, 1);
const at = (day: number) => new Date(Date.UTC(2026, 11, day, 10));

/** A refused record, kept as the writer keeps it (every character outside printable ASCII escaped). */
async function refused(over: Partial<ProxyUsage>, payload?: string) {
  const row = payload ?? usageRow(usageRecord({ requestId: `r-${Math.random()}`, ...over }));
  await db.prisma.usageDeadLetter.create({
    data: {
      error: '22000 refused by the test',
      payload: row.replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`),
    },
  });
}

const w = (scope: BudgetWindow['scope'], id: string, since = MONTH): BudgetWindow =>
  ({ scope, id, since }) as BudgetWindow;

describe('recordedSpend with dead letters', () => {
  beforeAll(async () => {
    // Written: one record of each owner (the rollup holds it).
    await writeUsageRows(db, [
      usageRow(
        usageRecord({
          requestId: 'written-1',
          createdAt: at(2),
          gatewayKeyId: 'k-dl',
          userId: 'u-dl',
          orgId: 'o-dl',
          costUsd: 0.003,
        }),
      ),
    ]);
    await refused({
      createdAt: at(3),
      gatewayKeyId: 'k-dl',
      userId: 'u-dl',
      orgId: 'o-dl',
      costUsd: 0.5,
      requestedModel: 'modèle 😀',
    });
    // The user's other key (no org): it counts on the user's budget alone.
    await refused({ createdAt: at(3), gatewayKeyId: 'k-other', userId: 'u-dl', costUsd: 0.25 });
    // A call the user's own key paid: its list price counts on their BYOK budget, not on a platform one.
    await refused({
      createdAt: at(4),
      gatewayKeyId: 'k-byok',
      userId: 'u-dl',
      isByok: true,
      costUsd: 0,
      savedUsd: 0.04,
    });
    // Before the window, another owner, a cost the row could not give, a row that cannot be read.
    await refused({
      createdAt: new Date(Date.UTC(2026, 10, 30, 23)),
      gatewayKeyId: 'k-dl',
      userId: 'u-dl',
      orgId: 'o-dl',
      costUsd: 7,
    });
    await refused({
      createdAt: at(3),
      gatewayKeyId: 'k-dl-2',
      userId: 'u-dl-2',
      orgId: 'o-dl-2',
      costUsd: 9,
    });
    await refused({
      createdAt: at(3),
      gatewayKeyId: 'k-dl',
      userId: 'u-dl',
      orgId: 'o-dl',
      costUsd: Number.NaN,
    });
    await refused({}, '{"gatewayKeyId":"k-dl","userId":"u-dl","orgId":"o-dl","costUsd":"3", truncated');
  });

  it.each([
    ['key', 'k-dl', 0.003 + 0.5],
    ['user', 'u-dl', 0.003 + 0.5 + 0.25],
    ['org', 'o-dl', 0.003 + 0.5],
    ['byok', 'u-dl', 0.04],
    ['byok-calls', 'u-dl', 1],
  ] as const)(
    '%s budget: the written records plus its own refused ones in its window',
    async (scope, id, want) => {
      expect(await recordedSpend(db.prisma, w(scope, id))).toBeCloseTo(want, 10);
    },
  );

  it('a past period counts only the refused records before its end', async () => {
    expect(await recordedSpend(db.prisma, w('key', 'k-dl', Date.UTC(2026, 10, 1)), MONTH)).toBeCloseTo(7, 10);
  });

  it('counts every refused record of its owner, however many (read a page at a time)', async () => {
    const n = 2_345;
    await db.prisma.usageDeadLetter.createMany({
      data: Array.from({ length: n }, (_, i) => ({
        error: '23514 refused by the test',
        payload: usageRow(
          usageRecord({ requestId: `many-${i}`, createdAt: at(5), gatewayKeyId: 'k-many', costUsd: 0.001 }),
        ),
      })),
    });
    expect(await recordedSpend(db.prisma, w('key', 'k-many'))).toBeCloseTo(n * 0.001, 8);
  });
});
