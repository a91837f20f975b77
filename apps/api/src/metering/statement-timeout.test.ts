// PostgreSQL cancels a statement that runs past `statement_timeout` with SQLSTATE 57014 (query_canceled). When the
// batch itself is what takes too long (too many rows at once, or one row too heavy to write in time), retrying the
// same batch forever would stop metering: it is split like a batch the database refuses for its data. The other
// class-57 errors (57P01 admin_shutdown, 57P03 cannot_connect_now, …) and a lost connection are the database being
// away: the batch waits. Here the database itself raises 57014 from a trigger on the usage table.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../test/app.js';
import { usageRecord } from '../test/usage-record.js';
import { PartialWriteError } from './batch-queue.js';
import { usageRow, writeUsageRowsIsolating, type UsageTarget } from './writer.js';

const row = (requestId: string): string =>
  usageRow(
    usageRecord({
      createdAt: new Date(Date.UTC(2026, 10, 23, 9, 5)),
      requestId,
      gatewayKeyId: 'k1',
      userId: 'u1',
      ttftMs: 12,
      trace: { plan: {}, attempts: [] },
    }),
  );

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ env: { USAGE_FLUSH_INTERVAL_MS: '20' } });
});
afterAll(async () => {
  await t?.close();
});

const sql = (text: string) => t.app.ctx.prisma.$executeRawUnsafe(text);
const TIMEOUT = `RAISE EXCEPTION 'canceling statement due to statement timeout' USING ERRCODE = 'query_canceled'`;

/** Statements inserting more than `max` usage rows run past the statement timeout. */
async function batchesOverTimeOut(max: number) {
  await sql(`CREATE FUNCTION usage_slow_batch() RETURNS trigger AS $$
    BEGIN IF (SELECT count(*) FROM new_rows) > ${max} THEN ${TIMEOUT}; END IF; RETURN NULL; END $$ LANGUAGE plpgsql`);
  await sql(`CREATE TRIGGER usage_slow_batch AFTER INSERT ON "UsageRecord" REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION usage_slow_batch()`);
}

/** Any statement inserting a row whose request id starts with `slow-` runs past the statement timeout. */
async function slowRowsTimeOut() {
  await sql(`CREATE FUNCTION usage_slow_row() RETURNS trigger AS $$
    BEGIN IF NEW."requestId" LIKE 'slow-%' THEN ${TIMEOUT}; END IF; RETURN NEW; END $$ LANGUAGE plpgsql`);
  await sql(
    `CREATE TRIGGER usage_slow_row BEFORE INSERT ON "UsageRecord" FOR EACH ROW EXECUTE FUNCTION usage_slow_row()`,
  );
}

afterEach(async () => {
  await sql(`DROP TRIGGER IF EXISTS usage_slow_batch ON "UsageRecord"`);
  await sql(`DROP FUNCTION IF EXISTS usage_slow_batch()`);
  await sql(`DROP TRIGGER IF EXISTS usage_slow_row ON "UsageRecord"`);
  await sql(`DROP FUNCTION IF EXISTS usage_slow_row()`);
});

async function drain() {
  for (let i = 0; i < 100 && t.app.usage.depth > 0; i++) {
    await t.app.usage.flush();
    if (t.app.usage.depth > 0) await new Promise((r) => setTimeout(r, 50));
  }
}

const recorded = (prefix: string) =>
  t.app.ctx.prisma.usageRecord.count({ where: { requestId: { startsWith: prefix } } });

describe('a batch the database cancels for running too long (57014) does not stop metering', () => {
  it('a batch too heavy to finish in time is split until its parts go in: every row lands, none is set aside', async () => {
    await batchesOverTimeOut(10);
    for (let i = 0; i < 45; i++) t.app.usage.push(row(`heavy-${i}`));
    await drain();
    expect(t.app.usage.depth).toBe(0);
    expect(await recorded('heavy-')).toBe(45);
    expect(await t.app.ctx.prisma.usageDeadLetter.count()).toBe(0);
    // The rollups hold every row once.
    const hourly = await t.app.ctx.prisma.usageHourly.findMany({
      where: { hour: new Date(Date.UTC(2026, 10, 23, 9)) },
    });
    expect(hourly.reduce((s, h) => s + h.requests, 0)).toBe(45);
  });

  it('a row that cannot be written in time even alone is set aside; the rows around it and after it land', async () => {
    await slowRowsTimeOut();
    // The worst place for it: first in the batch, before anything has been written.
    t.app.usage.push(row('slow-first'));
    for (let i = 0; i < 30; i++) {
      t.app.usage.push(row(`around-${i}`));
      if (i === 17) t.app.usage.push(row('slow-middle'));
    }
    await drain();
    expect(t.app.usage.depth).toBe(0);
    expect(await recorded('around-')).toBe(30);
    expect(await recorded('slow-')).toBe(0);
    const dead = await t.app.ctx.prisma.usageDeadLetter.findMany({ orderBy: { id: 'asc' } });
    expect(dead.map((d) => d.requestId)).toEqual(['slow-first', 'slow-middle']);
    for (const d of dead) expect(d.error).toMatch(/^57014 .*statement timeout/);

    for (let i = 0; i < 5; i++) t.app.usage.push(row(`after-${i}`));
    await drain();
    expect(await recorded('after-')).toBe(5);
    await t.app.ctx.prisma.usageDeadLetter.deleteMany();
  });
});

describe('a row set aside for taking too long is never written twice, nor are the rows after it', () => {
  it('the database goes away between the part that went in and setting the row aside: exactly the rest is handed back', async () => {
    const db = t.app.ctx.db;
    await slowRowsTimeOut();
    const target: UsageTarget = {
      execute: async (text, params) => {
        if (text.includes('"UsageDeadLetter"')) throw new Error('Connection terminated unexpectedly');
        await db.execute(text, params);
      },
    };
    const rows = [row('slow-lost'), row('twice-1'), row('twice-2'), row('twice-3')];
    const err = await writeUsageRowsIsolating(target, rows).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PartialWriteError);
    const partial = err as PartialWriteError<string>;
    // [slow-lost] cancelled alone, [twice-1] went in (the proof), then setting slow-lost aside failed.
    expect(partial.written).toBe(1);
    expect(partial.unwritten).toEqual([rows[0], rows[2], rows[3]]);
    // Retried once the database is back: the rest lands once, the slow row is set aside.
    const letters: string[] = [];
    expect(await writeUsageRowsIsolating(db, partial.unwritten, (l) => letters.push(l.requestId ?? ''))).toBe(
      2,
    );
    expect(letters).toEqual(['slow-lost']);
    expect(await recorded('twice-')).toBe(3);
    await t.app.ctx.prisma.usageDeadLetter.deleteMany();
  });
});

describe('a row set aside is kept', () => {
  it.each([
    ['refused for its data', () => row('unheard').replace('"tokensIn":10', '"tokensIn":99999999999')],
    ['cancelled even alone', () => row('slow-unheard')],
  ])('in "UsageDeadLetter" even when nobody listens for it: %s', async (name, bad) => {
    await slowRowsTimeOut();
    const poison = bad();
    const rows = [row(`kept-${name}-1`), poison, row(`kept-${name}-2`)];
    expect(await writeUsageRowsIsolating(t.app.ctx.db, rows)).toBe(2);
    const dead = await t.app.ctx.prisma.usageDeadLetter.findMany();
    expect(dead.map((d) => d.payload)).toEqual([poison]);
    await t.app.ctx.prisma.usageDeadLetter.deleteMany();
  });
});

describe('the database being away still only waits', () => {
  const failing = (make: () => Error) => {
    let calls = 0;
    const target: UsageTarget = {
      execute: async () => {
        calls++;
        throw make();
      },
    };
    return { target, calls: () => calls };
  };
  const pgError = (code: string, message: string) => Object.assign(new Error(message), { code });

  it.each([
    ['57P01 admin_shutdown', () => pgError('57P01', 'terminating connection due to administrator command')],
    ['57P03 cannot_connect_now', () => pgError('57P03', 'the database system is starting up')],
    [
      '57P02 crash_shutdown',
      () => pgError('57P02', 'terminating connection because of crash of another server process'),
    ],
    ['connection refused', () => pgError('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:5432')],
    ['a lost connection', () => new Error('Connection terminated unexpectedly')],
  ])('%s: the batch is kept whole, in one try, and nothing is set aside', async (_name, make) => {
    const { target, calls } = failing(make);
    const rows = Array.from({ length: 64 }, (_, i) => row(`away-${i}`));
    const err = await writeUsageRowsIsolating(target, rows).catch((e: unknown) => e);
    expect(err).not.toBeInstanceOf(PartialWriteError);
    expect(err).toBeInstanceOf(Error);
    expect(calls()).toBe(1);
    expect(await t.app.ctx.prisma.usageDeadLetter.count()).toBe(0);
  });

  it('a database that cancels every statement (slow or locked as a whole) is waited for after a few tries, never set aside row by row', async () => {
    const { target, calls } = failing(() => pgError('57014', 'canceling statement due to statement timeout'));
    const rows = Array.from({ length: 500 }, (_, i) => row(`locked-${i}`));
    const letters: string[] = [];
    const err = await writeUsageRowsIsolating(target, rows, (l) => letters.push(l.requestId ?? '')).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(Error);
    expect(err).not.toBeInstanceOf(PartialWriteError);
    expect(letters).toEqual([]);
    // A descent to one row (log2 500 ≈ 9 halvings) and a little more: each try waits a whole statement timeout.
    expect(calls()).toBeLessThanOrEqual(14);
  });

  it('a database that starts cancelling every statement part-way hands back exactly the rows not written, none set aside', async () => {
    const db = t.app.ctx.db;
    await batchesOverTimeOut(8);
    let locked = false;
    const target: UsageTarget = {
      execute: async (text, params) => {
        if (locked) throw pgError('57014', 'canceling statement due to statement timeout');
        await db.execute(text, params);
        // The table is locked (a long migration) right after the first part went in.
        if (text.includes('"UsageRecord"')) locked = true;
      },
    };
    const rows = Array.from({ length: 32 }, (_, i) => row(`part-${i}`));
    const letters: string[] = [];
    const err = await writeUsageRowsIsolating(target, rows, (l) => letters.push(l.requestId ?? '')).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(PartialWriteError);
    const written = (err as PartialWriteError<string>).written;
    expect(written).toBeGreaterThan(0);
    expect((err as PartialWriteError<string>).unwritten).toEqual(rows.slice(written));
    expect(await recorded('part-')).toBe(written);
    expect(letters).toEqual([]);
    expect(await t.app.ctx.prisma.usageDeadLetter.count()).toBe(0);
  });
});
