import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../db/client.js';
import type { ProxyUsage } from './types.js';
import { createTestDatabase } from '../test/db.js';
import { writeUsageBatch } from './writer.js';
import { usageRecord } from '../test/usage-record.js';

let db: Database;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db?.close();
});

const at = new Date(Date.UTC(2026, 10, 22, 10, 15));

const rec = (over: Partial<ProxyUsage>): ProxyUsage =>
  usageRecord({
    createdAt: at,
    requestId: 'r',
    gatewayKeyId: 'k-1',
    userId: 'u-1',
    orgId: 'org-1',
    costUsd: 0.0001,
    ...over,
  });

const events = (requestId: string) =>
  db.prisma.dlpEvent.findMany({ where: { requestId }, orderBy: { id: 'asc' } });

describe('data-protection activity rows, written by the usage batch statement', () => {
  it("writes one row per protected request, its rules' counts in order, of the policy that applied", async () => {
    await writeUsageBatch(db, [
      rec({
        requestId: 'req-1',
        dlp: [
          { kind: 'email', rule: 'email', action: 'mask', count: 2 },
          { kind: 'custom', rule: 'Employee ID', action: 'block', count: 1 },
        ],
        dlpPolicy: { scope: 'org', scopeId: 'org-1', requestBytes: 2048 },
      }),
    ]);
    expect(await db.prisma.usageRecord.count({ where: { requestId: 'req-1' } })).toBe(1);
    const back = await events('req-1');
    expect(back.map(({ id: _id, ...r }) => r)).toEqual([
      {
        createdAt: at,
        requestId: 'req-1',
        scope: 'org',
        scopeId: 'org-1',
        orgId: 'org-1',
        appId: null,
        userId: 'u-1',
        gatewayKeyId: 'k-1',
        findings: [
          { kind: 'email', rule: 'email', action: 'mask', count: 2 },
          { kind: 'custom', rule: 'Employee ID', action: 'block', count: 1 },
        ],
        sizeBytes: 2048,
      },
    ]);
  });

  it('writes none for a request no policy covered or where nothing was found', async () => {
    await writeUsageBatch(db, [
      rec({ requestId: 'req-none' }),
      rec({
        requestId: 'req-clean',
        dlp: [],
        dlpPolicy: { scope: 'global', scopeId: null, requestBytes: 9 },
      }),
    ]);
    expect(
      await db.prisma.usageRecord.count({ where: { requestId: { in: ['req-none', 'req-clean'] } } }),
    ).toBe(2);
    expect(await db.prisma.dlpEvent.count({ where: { requestId: { in: ['req-none', 'req-clean'] } } })).toBe(
      0,
    );
  });

  it('stores text PostgreSQL refuses and numbers out of range cleaned, without losing the usage record', async () => {
    await writeUsageBatch(db, [
      rec({
        requestId: 'req-\u0000-\ud800',
        dlp: [{ kind: 'custom', rule: `R\u0000${'x'.repeat(500)}`, action: 'detect', count: 1e12 }],
        dlpPolicy: { scope: 'global', scopeId: null, requestBytes: Number.NaN },
      }),
    ]);
    const [back] = await events('req-\ufffd-\ufffd');
    expect(back).toMatchObject({ sizeBytes: 0, scope: 'global' });
    const [f] = back!.findings as { kind: string; rule: string; action: string; count: number }[];
    expect(f).toMatchObject({ count: 2_147_483_647, kind: 'custom', action: 'detect' });
    expect(f!.rule).toHaveLength(100);
    expect(f!.rule.startsWith('R\ufffd')).toBe(true);
    expect(await db.prisma.usageRecord.count({ where: { requestId: 'req-\ufffd-\ufffd' } })).toBe(1);
  });
});
