// An operator replays the usage records the database refused (the dead letter) once the cause is gone: a record that
// now goes in is in the usage records and rollups and leaves the dead letter (counted once: in budgets, in the charts,
// never twice); one still refused stays with its new error. Two replays at once (two instances) write each record once.
import fc from 'fast-check';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { recordedSpend } from '../../metering/spend.js';
import { usageRow } from '../../metering/writer.js';
import { createProxyEnv, chatFor, otherUser, type ProxyEnv } from '../../test/proxy-env.js';
import { startInstance } from '../../test/instance.js';
import { usageRecord } from '../../test/usage-record.js';

let env: ProxyEnv;
beforeAll(async () => {
  env = await createProxyEnv();
});
afterAll(async () => {
  await env?.close();
});

interface Usage {
  totals: { requests: number; costUsd: number };
  deadLetters: { records: number; costUsd: number; truncated: boolean };
}
interface Replay {
  replayed: number;
  refused: number;
  next: string | null;
}

const REPLAY = '/api/v1/llm/usage/dead-letters/replay';

async function usage(token: string): Promise<Usage> {
  const res = await env.t.http.get('/api/v1/llm/usage?period=7d').set('authorization', `Bearer ${token}`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body as Usage;
}

async function replay(token: string, body: object = {}): Promise<Replay> {
  const res = await env.t.http.post(REPLAY).set('authorization', `Bearer ${token}`).send(body);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body as Replay;
}

/** The database refuses every usage record whose request id starts with `prefix` (a data error, as a bad constraint). */
async function refuse(prefix: string, message = 'refused by the test') {
  await env.t.app.ctx.prisma
    .$executeRawUnsafe(`CREATE OR REPLACE FUNCTION refuse_usage() RETURNS trigger AS $$
    BEGIN
      IF NEW."requestId" LIKE '${prefix}%' THEN RAISE EXCEPTION '${message}' USING ERRCODE = '23514'; END IF;
      RETURN NEW;
    END $$ LANGUAGE plpgsql`);
  await env.t.app.ctx.prisma.$executeRawUnsafe(
    `CREATE OR REPLACE TRIGGER refuse_usage BEFORE INSERT ON "UsageRecord" FOR EACH ROW EXECUTE FUNCTION refuse_usage()`,
  );
}
async function accept() {
  await env.t.app.ctx.prisma.$executeRawUnsafe('DROP TRIGGER IF EXISTS refuse_usage ON "UsageRecord"');
  await env.t.app.ctx.prisma.$executeRawUnsafe('DROP FUNCTION IF EXISTS refuse_usage()');
}

/** `n` refused records of `userId` (request ids `<prefix>-<i>`), kept as the writer keeps them. */
async function letters(userId: string, prefix: string, n: number, costUsd = 0.01) {
  await env.t.app.ctx.prisma.usageDeadLetter.createMany({
    data: Array.from({ length: n }, (_, i) => ({
      requestId: `${prefix}-${i}`,
      error: '23514 refused before',
      payload: usageRow(
        usageRecord({
          requestId: `${prefix}-${i}`,
          createdAt: new Date(Date.now() - 60_000),
          userId,
          costUsd,
          providerId: env.ids.openai,
          modelId: 'gpt-test',
        }),
      ),
    })),
  });
}

beforeEach(async () => {
  await accept();
  await env.t.app.ctx.prisma.usageDeadLetter.deleteMany();
});

describe('replaying the dead letter', () => {
  it('writes the records the database now takes, once: in the charts and rollups, out of the dead letter, budgets unchanged', async () => {
    const { prisma } = env.t.app.ctx;
    const admin = await env.t.tokenFor('admin');
    const user = await otherUser(env, 'replayed');
    const budget = { scope: 'user', id: user.id, since: Date.now() - 86_400_000 } as const;

    await chatFor(env, user.key);
    await env.flushUsage();
    await refuse('');
    try {
      for (let i = 0; i < 3; i++) await chatFor(env, user.key);
      await env.flushUsage();
    } finally {
      await accept();
    }
    expect(await prisma.usageDeadLetter.count()).toBe(3);
    const before = await usage(admin);
    expect(before.deadLetters.records).toBe(3);
    const spent = await recordedSpend(prisma, budget);
    expect(spent).toBeGreaterThan(0);

    // Still refused: every letter stays, with the database's new error.
    await refuse('', 'still refused by the test');
    expect(await replay(admin)).toEqual({ replayed: 0, refused: 3, next: null });
    await accept();
    const kept = await prisma.usageDeadLetter.findMany();
    expect(kept).toHaveLength(3);
    for (const l of kept) expect(l.error).toMatch(/^23514 .*still refused by the test/);
    const still = await usage(admin);
    expect(still.totals).toEqual(before.totals);
    expect(still.deadLetters).toEqual(before.deadLetters);

    // The cause is gone: every record goes in and leaves the dead letter.
    expect(await replay(admin)).toEqual({ replayed: 3, refused: 0, next: null });
    expect(await prisma.usageDeadLetter.count()).toBe(0);
    const after = await usage(admin);
    expect(after.deadLetters).toMatchObject({ records: 0, costUsd: 0, truncated: false });
    expect(after.totals.requests).toBe(before.totals.requests + 3);
    expect(after.totals.costUsd).toBeCloseTo(before.totals.costUsd + before.deadLetters.costUsd, 6);
    expect(
      await prisma.usageRecord.count({ where: { requestId: { in: kept.map((l) => l.requestId!) } } }),
    ).toBe(3);
    // A budget rebuilt from the database counts them once (from the rollup now, no longer from the letters).
    expect(await recordedSpend(prisma, budget)).toBeCloseTo(spent, 10);

    // Nothing left: a second replay changes nothing.
    expect(await replay(admin)).toEqual({ replayed: 0, refused: 0, next: null });
    const again = await usage(admin);
    expect(again.totals).toEqual(after.totals);
    expect(again.deadLetters).toEqual(after.deadLetters);
  });

  it('writes the letters it can and keeps the others with their error', async () => {
    const { prisma } = env.t.app.ctx;
    const admin = await env.t.tokenFor('admin');
    const user = await otherUser(env, 'mixed');
    await letters(user.id, 'good', 4);
    await letters(user.id, 'bad', 2);
    await refuse('bad', 'bad rows stay refused');
    try {
      expect(await replay(admin)).toEqual({ replayed: 4, refused: 2, next: null });
    } finally {
      await accept();
    }
    const kept = await prisma.usageDeadLetter.findMany({ orderBy: { id: 'asc' } });
    expect(kept.map((l) => l.requestId)).toEqual(['bad-0', 'bad-1']);
    for (const l of kept) expect(l.error).toMatch(/bad rows stay refused/);
    expect(await prisma.usageRecord.count({ where: { requestId: { startsWith: 'good-' } } })).toBe(4);
    expect(await prisma.usageRecord.count({ where: { requestId: { startsWith: 'bad-' } } })).toBe(0);
    const h = await prisma.usageHourly.aggregate({ _sum: { requests: true }, where: { userId: user.id } });
    expect(h._sum.requests).toBe(4);
  });

  it('goes on from where a call stopped (a bounded number of letters a call)', async () => {
    const admin = await env.t.tokenFor('admin');
    const user = await otherUser(env, 'paged');
    await letters(user.id, 'paged', 205, 0.001);
    const first = await replay(admin);
    expect(first.replayed).toBe(200);
    expect(first.next).not.toBeNull();
    expect(await replay(admin, { after: first.next })).toEqual({ replayed: 5, refused: 0, next: null });
    expect(await env.t.app.ctx.prisma.usageDeadLetter.count()).toBe(0);
    expect(await env.t.app.ctx.prisma.usageRecord.count({ where: { userId: user.id } })).toBe(205);
  });

  it('two replays at once (two instances) write each record once', async () => {
    const { prisma } = env.t.app.ctx;
    const admin = await env.t.tokenFor('admin');
    const user = await otherUser(env, 'twice');
    await letters(user.id, 'twice', 150, 0.002);
    const other = await startInstance(env, {});
    try {
      const viaOther = async (): Promise<Replay> => {
        const res = await fetch(`${other.url}${REPLAY}`, {
          method: 'POST',
          headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
          body: '{}',
        });
        expect(res.status).toBe(200);
        return (await res.json()) as Replay;
      };
      const [a, b] = await Promise.all([replay(admin), viaOther()]);
      expect(a.refused + b.refused).toBe(0);
      expect(a.replayed + b.replayed).toBe(150);
    } finally {
      await other.close();
    }
    expect(await prisma.usageDeadLetter.count()).toBe(0);
    expect(await prisma.usageRecord.count({ where: { userId: user.id } })).toBe(150);
    const h = await prisma.usageHourly.aggregate({
      _sum: { requests: true, costUsd: true },
      where: { userId: user.id },
    });
    expect(h._sum.requests).toBe(150);
    expect(Number(h._sum.costUsd)).toBeCloseTo(0.3, 10);
  });

  it('is an operator action: users and viewers may not replay', async () => {
    await letters('nobody', 'rbac', 1);
    for (const role of ['user', 'viewer'] as const) {
      const res = await env.t.http
        .post(REPLAY)
        .set('authorization', `Bearer ${await env.t.tokenFor(role)}`)
        .send({});
      expect(res.status).toBe(403);
    }
    expect(await env.t.app.ctx.prisma.usageDeadLetter.count()).toBe(1);
  });

  it('refuses a cursor that is not a letter id with a 400', async () => {
    const admin = await env.t.tokenFor('admin');
    for (const after of ['-1', 'abc', '99999999999999999999', '1.5', 7]) {
      const res = await env.t.http.post(REPLAY).set('authorization', `Bearer ${admin}`).send({ after });
      expect(res.status, String(after)).toBe(400);
    }
  });

  it('any body: never a 5xx, and no letter is ever lost or written twice (fuzz)', async () => {
    const { prisma } = env.t.app.ctx;
    const admin = await env.t.tokenFor('admin');
    const user = await otherUser(env, 'fuzzed');
    await letters(user.id, 'fuzz', 30, 0.001);
    const ids = (await prisma.usageDeadLetter.findMany({ select: { id: true } })).map((l) => String(l.id));
    const after = fc.oneof(
      fc.constantFrom(
        ...ids,
        '0',
        '9223372036854775807',
        '9223372036854775808',
        '-1',
        '',
        ' 1',
        '1e3',
        '0x1f',
      ),
      fc.string({ maxLength: 30 }),
      fc.integer(),
      fc.jsonValue({ maxDepth: 2 }),
    );
    const body = fc.oneof(
      fc.record({ after }, { requiredKeys: [] }),
      fc.record({ after, extra: fc.jsonValue({ maxDepth: 1 }) }),
      fc.jsonValue({ maxDepth: 2 }),
    );
    await fc.assert(
      fc.asyncProperty(body, async (b) => {
        const res = await env.t.http
          .post(REPLAY)
          .set('authorization', `Bearer ${admin}`)
          .set('content-type', 'application/json')
          .send(JSON.stringify(b) ?? 'null')
          .timeout(20_000);
        expect(res.status, JSON.stringify(res.body)).toBeLessThan(500);
        if (res.status >= 400) expect(res.body.error.code).toBeTypeOf('string');
        // Every letter is either still a letter or exactly one usage record.
        const written = await prisma.usageRecord.count({ where: { userId: user.id } });
        expect(written + (await prisma.usageDeadLetter.count())).toBe(30);
      }),
      { numRuns: 60 },
    );
    const h = await prisma.usageHourly.aggregate({ _sum: { requests: true }, where: { userId: user.id } });
    expect(h._sum.requests ?? 0).toBe(await prisma.usageRecord.count({ where: { userId: user.id } }));
  }, 120_000);
});
