import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../db/client.js';
import type { ProxyUsage } from './types.js';
import { createTestDatabase } from '../test/db.js';
import { usageRow, writeUsageBatch } from './writer.js';
import { usageRecord } from '../test/usage-record.js';

let db: Database;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db?.close();
});

const rec = (over: Partial<ProxyUsage>): ProxyUsage =>
  usageRecord({
    createdAt: new Date(Date.UTC(2026, 10, 22, 10, 15)),
    requestId: 'r',
    gatewayKeyId: 'k1',
    userId: 'u1',
    tokensCached: 2,
    costUsd: 0.000123,
    ttftMs: 12,
    trace: { plan: { order: ['mock/mock-small'] }, attempts: [] },
    ...over,
  });

describe('usage batch writer', () => {
  it('serialises a record to exactly the row the statement reads (nulls, quotes, long model names, exact costs)', () => {
    const odd = rec({
      requestId: 'a"b\\c\n',
      gatewayKeyId: null,
      userId: null,
      requestedModel: `m${'x'.repeat(400)}`,
      ttftMs: null,
      errorCode: 'upstream_timeout',
      costUsd: 1 / 3,
      isByok: true,
      stream: true,
      trace: { plan: { note: 'é "quoted"' }, attempts: [{ ms: 1 }] },
    });
    for (const r of [rec({}), odd]) {
      expect(JSON.parse(usageRow(r))).toEqual({
        ...r,
        createdAt: r.createdAt.toISOString(),
        requestedModel: r.requestedModel.slice(0, 300),
        costUsd: r.costUsd.toFixed(10),
        savedUsd: r.savedUsd.toFixed(10),
      });
    }
  });

  it('writes raw rows and accumulates the hourly rollup across batches', async () => {
    await writeUsageBatch(db, [
      rec({ requestId: 'a' }),
      rec({ requestId: 'b', status: 502, ttftMs: null, costUsd: 0 }),
      rec({ requestId: 'c', createdAt: new Date(Date.UTC(2026, 10, 22, 11, 1)) }),
    ]);
    await writeUsageBatch(db, [rec({ requestId: 'd', latencyMs: 60 })]);
    const raw = await db.prisma.usageRecord.findMany({ orderBy: { id: 'asc' } });
    expect(raw.map((r) => r.requestId)).toEqual(['a', 'b', 'c', 'd']);
    expect(raw[0]!.trace).toEqual({ plan: { order: ['mock/mock-small'] }, attempts: [] });
    expect(Number(raw[0]!.costUsd)).toBeCloseTo(0.000123, 10);
    const hourly = await db.prisma.usageHourly.findMany({
      orderBy: [{ hour: 'asc' }, { statusClass: 'asc' }],
    });
    expect(
      hourly.map((h) => [
        h.hour.toISOString(),
        h.statusClass,
        h.requests,
        h.errors,
        Number(h.latencySumMs),
        h.latencyCount,
        Number(h.ttftSumMs),
        h.ttftCount,
      ]),
    ).toEqual([
      ['2026-11-22T10:00:00.000Z', '2xx', 2, 0, 100, 2, 24, 2],
      ['2026-11-22T10:00:00.000Z', '5xx', 1, 1, 40, 1, 0, 0],
      ['2026-11-22T11:00:00.000Z', '2xx', 1, 0, 40, 1, 12, 1],
    ]);
    expect(Number(hourly[0]!.costUsd)).toBeCloseTo(0.000246, 10);
    expect(hourly[0]!).toMatchObject({
      providerId: 'p1',
      modelId: 'mock-small',
      userId: 'u1',
      orgId: '',
      gatewayKeyId: 'k1',
    });
    // The daily rollup folds both hours of the day together.
    const daily = await db.prisma.usageDaily.findMany({ orderBy: { statusClass: 'asc' } });
    expect(
      daily.map((d) => [
        d.day.toISOString(),
        d.statusClass,
        d.requests,
        d.errors,
        Number(d.latencySumMs),
        d.latencyCount,
        d.ttftCount,
      ]),
    ).toEqual([
      ['2026-11-22T00:00:00.000Z', '2xx', 3, 0, 140, 3, 3],
      ['2026-11-22T00:00:00.000Z', '5xx', 1, 1, 40, 1, 0],
    ]);
    expect(Number(daily[0]!.costUsd)).toBeCloseTo(0.000369, 10);
  });

  it("reports every failed request as an error, with the last attempt's outcome", async () => {
    await writeUsageBatch(db.prisma, [
      rec({ requestId: 'ok-1' }),
      rec({
        requestId: 'fail-1',
        status: 503,
        errorCode: 'upstream_unavailable',
        trace: { plan: {}, attempts: [{ provider: 'mock', outcome: 'server' }] },
      }),
      rec({ requestId: 'fail-2', status: 429, errorCode: null, trace: { plan: {}, attempts: [] } }),
    ]);
    const reports = await db.prisma.errorReport.findMany({
      where: { requestId: { in: ['ok-1', 'fail-1', 'fail-2'] } },
      orderBy: { requestId: 'asc' },
    });
    expect(reports.map((r) => [r.requestId, r.source, r.type, r.message])).toEqual([
      ['fail-1', 'proxy', 'upstream_unavailable', 'server'],
      ['fail-2', 'proxy', 'http_429', 'HTTP 429'],
    ]);
  });

  it('sanitises every text of a row so the database always takes it (NUL, lone surrogates, a pair cut by truncation)', async () => {
    const emojiModel = `${'m'.repeat(299)}😀`; // 301 UTF-16 units: the 300-unit cut falls inside the pair
    const bad = rec({
      requestId: 'poison-1',
      requestedModel: 'evil\u0000model',
      errorCode: 'lone\ud800surrogate',
      providerSlug: 'lo\udc00w',
      status: 502,
      trace: {
        plan: { note: 'nul\u0000here', ['k\ud83d']: 'x' },
        attempts: [{ outcome: 'bad\u0000\ud800' }],
      },
    });
    const cut = rec({ requestId: 'poison-2', requestedModel: emojiModel });
    const kept = rec({ requestId: 'poison-3', requestedModel: 'ok 😀 \\u0000 literal' });
    await writeUsageBatch(db, [bad, cut, kept]);
    const rows = await db.prisma.usageRecord.findMany({
      where: { requestId: { in: ['poison-1', 'poison-2', 'poison-3'] } },
      orderBy: { requestId: 'asc' },
    });
    expect(rows.map((r) => r.requestedModel)).toEqual([
      'evil\ufffdmodel',
      'm'.repeat(299),
      'ok 😀 \\u0000 literal',
    ]);
    expect(rows[0]!.errorCode).toBe('lone\ufffdsurrogate');
    expect(rows[0]!.providerSlug).toBe('lo\ufffdw');
    expect(rows[0]!.trace).toEqual({
      plan: { note: 'nul\ufffdhere', 'k\ufffd': 'x' },
      attempts: [{ outcome: 'bad\ufffd\ufffd' }],
    });
    const report = await db.prisma.errorReport.findFirst({ where: { requestId: 'poison-1' } });
    expect(report!.message).toBe('bad\ufffd\ufffd');
  });

  it('truncates the requested model on a code-point boundary and leaves well-formed rows untouched', () => {
    const row = JSON.parse(usageRow(rec({ requestedModel: `${'m'.repeat(299)}😀` }))) as {
      requestedModel: string;
    };
    expect(row.requestedModel).toBe('m'.repeat(299));
    const fine = rec({ requestedModel: `${'m'.repeat(298)}😀` });
    expect(JSON.parse(usageRow(fine))).toMatchObject({ requestedModel: fine.requestedModel });
  });
});

describe('usage batch writer: amounts that are not finite numbers', () => {
  it('never reach the rollups: the row is refused (and dead-lettered by the queue), not summed as NaN', async () => {
    for (const costUsd of [NaN, Infinity]) {
      const bad = rec({
        requestId: `bad-${costUsd}`,
        createdAt: new Date(Date.UTC(2026, 10, 23, 10)),
        costUsd,
      });
      expect(JSON.parse(usageRow(bad))).toMatchObject({ costUsd: null });
      expect(JSON.parse(usageRow(rec({ savedUsd: costUsd })))).toMatchObject({ savedUsd: null });
      await expect(writeUsageBatch(db, [bad])).rejects.toThrow();
    }
    const hourly = await db.prisma.usageHourly.findMany({
      where: { hour: new Date(Date.UTC(2026, 10, 23, 10)) },
    });
    expect(hourly).toEqual([]);
  });
});
