import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../lib/logger.js';
import { createTestDatabase, type TestDatabase } from '../test/db.js';
import { usageRow, writeUsageRows } from '../metering/writer.js';
import { createDlpActivityWriter, dlpActivityRows, dlpDetail, type DlpActivityRow } from './activity.js';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db?.close();
});

const at = new Date(Date.UTC(2026, 10, 22, 10, 15));

describe('data-protection activity writer', () => {
  it('writes pushed rows in a batch on flush and reads them back', async () => {
    const w = createDlpActivityWriter({ db, logger: createLogger('silent'), intervalMs: 60_000 });
    const rows = dlpActivityRows({
      createdAt: at,
      requestId: 'req-1',
      scope: 'org',
      scopeId: 'org-1',
      orgId: 'org-1',
      appId: null,
      userId: 'u-1',
      gatewayKeyId: 'k-1',
      sizeBytes: 2048,
      findings: [
        { kind: 'email', rule: 'email', action: 'mask', count: 2 },
        { kind: 'custom', rule: 'Employee ID', action: 'block', count: 1 },
      ],
    });
    w.push(rows);
    // Nothing is written until the flush (the timer is a minute away).
    expect(await db.prisma.dlpEvent.count({ where: { requestId: 'req-1' } })).toBe(0);
    await w.flush();
    const back = await db.prisma.dlpEvent.findMany({ where: { requestId: 'req-1' }, orderBy: { id: 'asc' } });
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
        detail: '2 emails masked',
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
        detail: '1 match of Employee ID blocked',
      },
    ]);
    await w.close();
  });

  it('stores rows with text PostgreSQL refuses and numbers out of range (cleaned, not lost)', async () => {
    const w = createDlpActivityWriter({ db, logger: createLogger('silent'), intervalMs: 60_000 });
    const bad: DlpActivityRow = {
      createdAt: at,
      requestId: 'req-\u0000-\ud800',
      scope: 'global',
      scopeId: null,
      orgId: null,
      appId: null,
      userId: null,
      gatewayKeyId: null,
      action: 'detect',
      kind: 'ip',
      rule: 'ip',
      matches: 1e12,
      sizeBytes: Number.NaN,
      detail: 'x'.repeat(5000),
    };
    w.push([bad]);
    await w.close();
    const back = await db.prisma.dlpEvent.findFirst({ where: { requestId: 'req-\ufffd-\ufffd' } });
    expect(back).toMatchObject({ matches: 2_147_483_647, sizeBytes: 0, scope: 'global' });
    expect(back!.detail).toHaveLength(300);
  });

  it('says what happened in words', () => {
    expect(dlpDetail({ kind: 'email', rule: 'email', action: 'mask', count: 1 })).toBe('1 email masked');
    expect(dlpDetail({ kind: 'card', rule: 'card', action: 'block', count: 3 })).toBe(
      '3 card numbers blocked',
    );
    expect(dlpDetail({ kind: 'ip', rule: 'ip', action: 'detect', count: 2 })).toBe('2 IP addresses detected');
    expect(dlpDetail({ kind: 'custom', rule: 'Badge', action: 'redact', count: 2 })).toBe(
      '2 matches of Badge redacted',
    );
  });

  it('keeps rows queued through a database outage and writes them once it is back', async () => {
    let down = true;
    const target = {
      execute: (sql: string, params: unknown[]) =>
        down ? Promise.reject(new Error('connection refused')) : db.execute(sql, params),
    };
    const w = createDlpActivityWriter({ db: target, logger: createLogger('silent'), intervalMs: 60_000 });
    w.push(
      dlpActivityRows({
        createdAt: at,
        requestId: 'req-outage',
        scope: 'app',
        scopeId: 'a-1',
        orgId: null,
        appId: 'a-1',
        userId: null,
        gatewayKeyId: null,
        sizeBytes: 10,
        findings: [{ kind: 'phone', rule: 'phone', action: 'redact', count: 1 }],
      }),
    );
    await w.flush();
    expect(await db.prisma.dlpEvent.count({ where: { requestId: 'req-outage' } })).toBe(0);
    down = false;
    await w.close();
    expect(await db.prisma.dlpEvent.count({ where: { requestId: 'req-outage' } })).toBe(1);
  });
});

describe('usage record findings', () => {
  it('stores the findings of a request with its usage row (counts per rule, nothing else)', async () => {
    const base = {
      createdAt: at,
      gatewayKeyId: null,
      userId: null,
      orgId: null,
      appId: null,
      endpoint: 'chat.completions',
      requestedModel: 'm',
      providerId: null,
      providerSlug: null,
      modelId: null,
      tokensIn: 0,
      tokensOut: 0,
      tokensCached: 0,
      costUsd: 0,
      savedUsd: 0,
      latencyMs: 1,
      ttftMs: null,
      status: 200,
      errorCode: null,
      isByok: false,
      stream: false,
      attempts: 1,
      trace: null,
    };
    await writeUsageRows(db, [
      usageRow({
        ...base,
        requestId: 'u-dlp',
        dlp: [{ kind: 'email', rule: 'email', action: 'mask', count: 2 }],
      }),
      usageRow({ ...base, requestId: 'u-none' }),
    ]);
    const rows = await db.prisma.usageRecord.findMany({
      where: { requestId: { in: ['u-dlp', 'u-none'] } },
      orderBy: { requestId: 'asc' },
      select: { requestId: true, dlp: true },
    });
    expect(rows).toEqual([
      { requestId: 'u-dlp', dlp: [{ kind: 'email', rule: 'email', action: 'mask', count: 2 }] },
      { requestId: 'u-none', dlp: null },
    ]);
  });
});
