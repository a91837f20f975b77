import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../db/client.js';
import type { ProxyUsage } from './types.js';
import { createTestDatabase } from '../test/db.js';
import { writeUsageBatch } from './writer.js';

let db: Database;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db?.close();
});

const at = new Date(Date.UTC(2026, 10, 22, 10, 15));

const rec = (over: Partial<ProxyUsage>): ProxyUsage => ({
  createdAt: at,
  requestId: 'r',
  gatewayKeyId: 'k-1',
  userId: 'u-1',
  orgId: 'org-1',
  appId: null,
  endpoint: 'chat.completions',
  requestedModel: 'chat.default',
  providerId: 'p1',
  providerSlug: 'mock',
  modelId: 'mock-small',
  tokensIn: 10,
  tokensOut: 5,
  tokensCached: 0,
  costUsd: 0.0001,
  savedUsd: 0,
  latencyMs: 40,
  ttftMs: null,
  status: 200,
  errorCode: null,
  isByok: false,
  stream: false,
  attempts: 1,
  trace: null,
  ...over,
});

const events = (requestId: string) =>
  db.prisma.dlpEvent.findMany({ where: { requestId }, orderBy: { id: 'asc' } });

describe('data-protection activity rows, written by the usage batch statement', () => {
  it('writes one row per rule that fired, of the policy that applied, beside the usage record', async () => {
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
        action: 'mask',
        kind: 'email',
        rule: 'email',
        matches: 2,
        sizeBytes: 2048,
      },
      {
        createdAt: at,
        requestId: 'req-1',
        scope: 'org',
        scopeId: 'org-1',
        orgId: 'org-1',
        appId: null,
        userId: 'u-1',
        gatewayKeyId: 'k-1',
        action: 'block',
        kind: 'custom',
        rule: 'Employee ID',
        matches: 1,
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
    expect(back).toMatchObject({ matches: 2_147_483_647, sizeBytes: 0, scope: 'global', kind: 'custom' });
    expect(back!.rule).toHaveLength(100);
    expect(back!.rule.startsWith('R\ufffd')).toBe(true);
    expect(await db.prisma.usageRecord.count({ where: { requestId: 'req-\ufffd-\ufffd' } })).toBe(1);
  });
});
