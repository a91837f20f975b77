import { Writable } from 'node:stream';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ProxyUsage } from './types.js';
import { createTestApp, type TestApp } from '../test/app.js';
import { createTestDatabase, type TestDatabase } from '../test/db.js';
import { createLogger } from '../lib/logger.js';
import {
  postgresAdvisoryLock,
  processLock,
  purgeUsageRecords,
  UsageRetention,
  type RunLock,
} from './retention.js';
import { writeUsageBatch } from './writer.js';
import { usageRecord } from '../test/usage-record.js';

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 11, 5, 12, 0);

const rec = (daysAgo: number, i: number, over: Partial<ProxyUsage> = {}): ProxyUsage =>
  usageRecord({
    // Spread over the day so the old rows fall in several hourly and daily buckets.
    createdAt: new Date(NOW - daysAgo * DAY - i * 3_600_000),
    requestId: `r-${daysAgo}-${i}`,
    requestedModel: 'gpt-test',
    providerSlug: 'up',
    modelId: 'gpt-test',
    tokensIn: 100,
    tokensOut: 50,
    costUsd: 0.25,
    latencyMs: 100,
    ...over,
  });

const rollups = async (db: TestDatabase) => ({
  hourly: await db.prisma.usageHourly.findMany({ orderBy: { id: 'asc' } }),
  daily: await db.prisma.usageDaily.findMany({ orderBy: { id: 'asc' } }),
});

describe('purgeUsageRecords', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db?.close();
  });
  afterEach(async () => {
    await db.prisma.$executeRawUnsafe(
      'TRUNCATE "UsageRecord", "UsageHourly", "UsageDaily", "UsageDeadLetter", "ErrorReport"',
    );
  });

  it('deletes the rows older than the cutoff in batches, keeps the newer ones, the rollups and the dead letters', async () => {
    // 25 rows 40 days old, 5 rows 31 days old (all past a 30-day cutoff), 6 rows 29 days old and 4 from today.
    await writeUsageBatch(db, [
      ...Array.from({ length: 25 }, (_, i) => rec(40, i)),
      ...Array.from({ length: 5 }, (_, i) => rec(31, i, { status: 502, errorCode: 'upstream_error' })),
      ...Array.from({ length: 6 }, (_, i) => rec(29, i)),
      ...Array.from({ length: 4 }, (_, i) => rec(0, i)),
    ]);
    await db.prisma.usageDeadLetter.create({
      data: { createdAt: new Date(NOW - 60 * DAY), requestId: 'bad', error: '22P05 x', payload: '{}' },
    });
    const before = await rollups(db);
    const errorReports = await db.prisma.errorReport.count();

    const result = await purgeUsageRecords(db.prisma, {
      cutoff: new Date(NOW - 30 * DAY),
      batchSize: 7,
      pauseMs: 0,
    });

    // 30 rows at 7 per statement: 7 + 7 + 7 + 7 + 2.
    expect(result).toEqual({ deleted: 30, statements: 5 });
    const left = await db.prisma.usageRecord.findMany({ select: { requestId: true } });
    expect(left.map((r) => r.requestId).sort()).toEqual(
      [
        ...Array.from({ length: 6 }, (_, i) => `r-29-${i}`),
        ...Array.from({ length: 4 }, (_, i) => `r-0-${i}`),
      ].sort(),
    );
    expect(await rollups(db)).toEqual(before);
    expect(before.daily.reduce((s, d) => s + d.requests, 0)).toBe(40);
    expect(await db.prisma.usageDeadLetter.count()).toBe(1);
    expect(await db.prisma.errorReport.count()).toBe(errorReports);
  });

  it('ends with an empty statement when the old rows fill the last batch exactly, and does nothing when none are old', async () => {
    await writeUsageBatch(db, [
      ...Array.from({ length: 20 }, (_, i) => rec(100, i)),
      ...Array.from({ length: 3 }, (_, i) => rec(1, i)),
    ]);
    const cutoff = new Date(NOW - 30 * DAY);
    expect(await purgeUsageRecords(db.prisma, { cutoff, batchSize: 10, pauseMs: 0 })).toEqual({
      deleted: 20,
      statements: 3,
    });
    expect(await purgeUsageRecords(db.prisma, { cutoff, batchSize: 10, pauseMs: 0 })).toEqual({
      deleted: 0,
      statements: 1,
    });
    expect(await db.prisma.usageRecord.count()).toBe(3);
  });

  it('deletes rows that share one instant across batch boundaries', async () => {
    // 12 rows at the very same millisecond: the next batch starts at that instant again (>=), so none is left over.
    await writeUsageBatch(
      db,
      Array.from({ length: 12 }, (_, i) => rec(45, 0, { requestId: `same-${i}` })),
    );
    const r = await purgeUsageRecords(db.prisma, {
      cutoff: new Date(NOW - 30 * DAY),
      batchSize: 5,
      pauseMs: 0,
    });
    expect(r).toEqual({ deleted: 12, statements: 3 });
    expect(await db.prisma.usageRecord.count()).toBe(0);
  });

  it('stops after the current batch when asked to (shutdown)', async () => {
    await writeUsageBatch(
      db,
      Array.from({ length: 30 }, (_, i) => rec(50, i)),
    );
    const r = await purgeUsageRecords(db.prisma, {
      cutoff: new Date(NOW - 30 * DAY),
      batchSize: 10,
      pauseMs: 0,
      shouldStop: () => true,
    });
    expect(r).toEqual({ deleted: 10, statements: 1 });
    expect(await db.prisma.usageRecord.count()).toBe(20);
  });

  it('runs once at a time: a run while the lock is held elsewhere is skipped and deletes nothing', async () => {
    await writeUsageBatch(
      db,
      Array.from({ length: 4 }, (_, i) => rec(50, i)),
    );
    // What another instance holds: the same PostgreSQL advisory lock on PostgreSQL, the process lock on PGlite.
    const makeLock = (): RunLock => (db.url ? postgresAdvisoryLock(db.url) : shared);
    const shared = processLock();
    const other = makeLock();
    const mine = makeLock();
    const job = new UsageRetention({
      prisma: db.prisma,
      days: 30,
      batchSize: 100,
      lock: mine,
      now: () => NOW,
      logger: createLogger('silent'),
    });
    expect(await other.tryAcquire()).toBe(true);
    try {
      expect(await job.runOnce()).toEqual({ skipped: 'locked' });
      expect(await db.prisma.usageRecord.count()).toBe(4);
    } finally {
      await other.release();
    }
    expect(await job.runOnce()).toMatchObject({ deleted: 4, statements: 1 });
    // The run released the lock: the other instance can take it again.
    expect(await other.tryAcquire()).toBe(true);
    await other.release();
    await job.close();
  });
});

describe('usage retention in the running app (USAGE_RETENTION_DAYS=30)', () => {
  let t: TestApp;
  let admin: string;
  const logs: string[] = [];
  const as = () => ({ authorization: `Bearer ${admin}` });

  beforeAll(async () => {
    const sink = new Writable({
      write(chunk, _enc, cb) {
        logs.push(String(chunk));
        cb();
      },
    });
    t = await createTestApp({
      env: { USAGE_RETENTION_DAYS: '30', USAGE_RETENTION_BATCH_SIZE: '100' },
      now: () => NOW,
      logDestination: sink,
    });
    admin = await t.tokenFor('admin');
  });
  afterAll(async () => {
    await t?.close();
  });

  it('deletes old raw records while the dashboard totals (rollups) stay the same; counts and logs the run', async () => {
    // 250 records 45 days ago (the previous 30-day window of the stat cards), 30 from 10 days ago.
    await writeUsageBatch(t.db, [
      ...Array.from({ length: 250 }, (_, i) => rec(45, i % 20, { requestId: `old-${i}` })),
      ...Array.from({ length: 30 }, (_, i) => rec(10, i % 5, { requestId: `new-${i}` })),
    ]);
    const read = async () => ({
      usage: (await t.http.get('/api/v1/llm/usage?period=90d').set(as())).body,
      stats: (await t.http.get('/api/v1/llm/stats').set(as())).body,
      logs: (await t.http.get('/api/v1/llm/logs?limit=200').set(as())).body,
    });
    const before = await read();
    expect(before.usage.totals.requests).toBe(280);
    expect(before.stats.apiCalls30d).toMatchObject({ value: 30, previous: 250 });
    expect(before.logs.data).toHaveLength(200);

    const run = await t.app.retention!.runOnce();
    // 250 old rows at 100 per statement: 100 + 100 + 50.
    expect(run).toMatchObject({
      deleted: 250,
      statements: 3,
      cutoff: new Date(NOW - 30 * DAY).toISOString(),
    });

    const after = await read();
    expect(after.usage.totals).toEqual(before.usage.totals);
    expect(after.usage.series).toEqual(before.usage.series);
    expect(after.stats.apiCalls30d).toEqual(before.stats.apiCalls30d);
    expect(after.stats.cost30d).toEqual(before.stats.cost30d);
    // The logs list the raw records: only the 30 recent ones are left.
    expect(after.logs.data.map((r: { requestId: string }) => r.requestId).sort()).toEqual(
      Array.from({ length: 30 }, (_, i) => `new-${i}`).sort(),
    );

    const metrics = await t.http.get('/metrics');
    expect(metrics.text).toMatch(/^switchyard_usage_retention_deleted_total 250$/m);
    const line = logs.map((l) => JSON.parse(l)).find((l) => String(l.msg).startsWith('usage retention:'));
    expect(line).toMatchObject({
      msg: 'usage retention: deleted 250 raw usage records older than 30 days (rollups kept)',
      deleted: 250,
      statements: 3,
      retentionDays: 30,
    });
  });

  it('is off when USAGE_RETENTION_DAYS is unset', async () => {
    const plain = await createTestApp();
    try {
      expect(plain.app.retention).toBeNull();
      expect((await plain.http.get('/metrics')).text).not.toContain(
        'switchyard_usage_retention_deleted_total',
      );
    } finally {
      await plain.close();
    }
  });
});
