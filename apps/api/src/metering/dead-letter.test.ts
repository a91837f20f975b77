import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProxyUsage } from './types.js';
import { createTestApp, type TestApp } from '../test/app.js';
import { PartialWriteError } from './batch-queue.js';
import { usageRow, writeUsageRowsIsolating, type UsageTarget } from './writer.js';
import { usageRecord } from '../test/usage-record.js';

// Rows that reach the database unsanitised (written here below `usageRow`'s sanitiser), as a future bug or a
// field nobody thought of would: each is refused by PostgreSQL for its own data.
const good = (i: number, over: Partial<ProxyUsage> = {}): string =>
  usageRow(
    usageRecord({
      createdAt: new Date(Date.UTC(2026, 10, 22, 10, 15)),
      requestId: `good-${i}`,
      gatewayKeyId: 'k1',
      userId: 'u1',
      ttftMs: 12,
      trace: { plan: {}, attempts: [] },
      ...over,
    }),
  );

const POISON: Array<[string, string]> = [
  [
    'escaped NUL in the model',
    good(0, { requestId: 'poison-nul' }).replace(
      '"requestedModel":"chat.default"',
      '"requestedModel":"evil\\u0000model"',
    ),
  ],
  [
    'escaped lone surrogate',
    good(0, { requestId: 'poison-surrogate' }).replace(
      '"requestedModel":"chat.default"',
      '"requestedModel":"m\\ud800"',
    ),
  ],
  [
    'raw NUL byte',
    good(0, { requestId: 'poison-raw-nul' }).replace(
      '"requestedModel":"chat.default"',
      '"requestedModel":"a\u0000b"',
    ),
  ],
  [
    'NUL in the trace of a failed request (jsonb)',
    good(0, { requestId: 'poison-trace', status: 502 }).replace(
      '"attempts":[]}',
      '"attempts":[{"outcome":"x\\u0000"}]}',
    ),
  ],
  [
    'integer out of range',
    good(0, { requestId: 'poison-range' }).replace('"tokensIn":10', '"tokensIn":99999999999'),
  ],
  ['not JSON at all', '{"requestId":"poison-broken","createdAt":'],
];

let t: TestApp;
const logs: string[] = [];
beforeAll(async () => {
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      logs.push(chunk.toString());
      cb();
    },
  });
  t = await createTestApp({ logDestination: sink, env: { USAGE_FLUSH_INTERVAL_MS: '20' } });
});
afterAll(async () => {
  await t?.close();
});

async function drain() {
  for (let i = 0; i < 100 && t.app.usage.depth > 0; i++) {
    await t.app.usage.flush();
    if (t.app.usage.depth > 0) await new Promise((r) => setTimeout(r, 50));
  }
}

const deadLetterMetric = async () => {
  const text = (await t.http.get('/metrics').expect(200)).text;
  return Number(/^switchyard_usage_dead_letter_total (\d+)/m.exec(text)?.[1] ?? 'NaN');
};

describe('a row the database refuses never stops metering', () => {
  it('poison rows among 1,000 good ones: every good row lands, each poison row is dead-lettered, counted and logged, and later rows flow', async () => {
    const { prisma } = t.app.ctx;
    for (let i = 1; i <= 1000; i++) {
      t.app.usage.push(good(i));
      // Spread the poison through the batches (batches are 500 rows).
      if (i % 150 === 0) t.app.usage.push(POISON[i / 150 - 1]![1]);
    }
    await drain();
    expect(await prisma.usageRecord.count({ where: { requestId: { startsWith: 'good-' } } })).toBe(1000);
    expect(t.app.usage.depth).toBe(0);

    const dead = await prisma.usageDeadLetter.findMany({ orderBy: { id: 'asc' } });
    expect(dead.map((d) => d.requestId)).toEqual([
      'poison-nul',
      'poison-surrogate',
      'poison-raw-nul',
      'poison-trace',
      'poison-range',
      'poison-broken',
    ]);
    for (const d of dead) expect(d.error).toMatch(/^(22|23|54)[0-9A-Z]{3} /);
    // The payload is the row as sent, stored as ASCII (the raw NUL became an escape).
    expect(dead[2]!.payload).toContain('"requestedModel":"a\\u0000b"');
    expect(JSON.parse(dead[0]!.payload)).toMatchObject({
      requestId: 'poison-nul',
      requestedModel: 'evil\u0000model',
    });
    expect(await prisma.usageRecord.count({ where: { requestId: { startsWith: 'poison-' } } })).toBe(0);
    expect(await deadLetterMetric()).toBe(POISON.length);
    const lines = logs.filter((l) => l.includes('UsageDeadLetter'));
    expect(lines).toHaveLength(POISON.length);
    expect(lines.some((l) => l.includes('poison-nul'))).toBe(true);
    // The log names the request and the error, never the row (it may hold prompt text when body logging is on).
    expect(lines.join('\n')).not.toContain('chat.default');

    // The rollups hold exactly the good rows.
    const hourly = await prisma.usageHourly.findMany();
    expect(hourly.reduce((s, h) => s + h.requests, 0)).toBe(1000);

    for (let i = 1001; i <= 1010; i++) t.app.usage.push(good(i));
    await drain();
    expect(await prisma.usageRecord.count({ where: { requestId: { startsWith: 'good-' } } })).toBe(1010);
    expect(await deadLetterMetric()).toBe(POISON.length);
  }, 60_000);

  it('an outage in the middle of isolating hands back only the rows not yet handled, so none is written twice', async () => {
    const db = t.app.ctx.db;
    const rows = [good(2001), good(2002), POISON[0]![1].replace('poison-nul', 'poison-2003'), good(2004)];
    let calls = 0;
    // The database goes away after the first statement (the whole batch, refused) and the left half (written).
    const flaky: UsageTarget = {
      execute: async (sql, params) => {
        calls++;
        if (calls > 2) throw new Error('Connection terminated unexpectedly');
        await db.execute(sql, params);
      },
    };
    const err = await writeUsageRowsIsolating(flaky, rows).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PartialWriteError);
    expect((err as PartialWriteError<string>).written).toBe(2);
    expect((err as PartialWriteError<string>).unwritten).toEqual(rows.slice(2));
    // Retried once the database is back: the rest lands, the poison row is set aside, nothing twice.
    const letters: string[] = [];
    expect(
      await writeUsageRowsIsolating(db, (err as PartialWriteError<string>).unwritten, (l) =>
        letters.push(l.requestId ?? ''),
      ),
    ).toBe(1);
    expect(letters).toEqual(['poison-2003']);
    const ids = (
      await t.app.ctx.prisma.usageRecord.findMany({
        where: { requestId: { in: ['good-2001', 'good-2002', 'good-2004', 'poison-2003'] } },
      })
    ).map((r) => r.requestId);
    expect(ids.sort()).toEqual(['good-2001', 'good-2002', 'good-2004']);
  });

  it('an outage is not mistaken for bad data: nothing is dead-lettered and the batch is kept', async () => {
    const down: UsageTarget = {
      execute: async () => {
        throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
      },
    };
    const before = await t.app.ctx.prisma.usageDeadLetter.count();
    await expect(writeUsageRowsIsolating(down, [good(3001), POISON[0]![1]])).rejects.toThrow('ECONNREFUSED');
    expect(await t.app.ctx.prisma.usageDeadLetter.count()).toBe(before);
  });
});
