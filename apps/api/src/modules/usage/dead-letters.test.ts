// Usage records the database refuses are set aside in "UsageDeadLetter": their spend counts in budgets
// (metering/spend.ts), but they are in no rollup, so the usage charts and totals leave them out. The usage API says so
// apart (how many requests, what they cost), so an operator does not read the charts as all the spend.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProxyEnv, chatFor, otherUser, type ProxyEnv } from '../../test/proxy-env.js';
import { usageRecord } from '../../test/usage-record.js';
import { usageRow } from '../../metering/writer.js';

let env: ProxyEnv;
beforeAll(async () => {
  env = await createProxyEnv();
});
afterAll(async () => {
  await env?.close();
});

interface Usage {
  totals: { requests: number; costUsd: number };
  deadLetters: { records: number; costUsd: number; savedUsd: number; unreadable: number; truncated: boolean };
}

async function usageAs(token: string, path: string): Promise<Usage> {
  const res = await env.t.http.get(path).set('authorization', `Bearer ${token}`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body as Usage;
}

describe('spend whose usage records the database refused', () => {
  it('is shown apart from the charts (how many requests, what they cost), to operators and to its own user', async () => {
    const { prisma } = env.t.app.ctx;
    const refused = await otherUser(env, 'refused');
    const bystander = await otherUser(env, 'bystander');
    const admin = await env.t.tokenFor('admin');

    // Recorded normally: one call each (the charts' baseline).
    await chatFor(env, refused.key);
    await chatFor(env, bystander.key);
    await env.flushUsage();
    const before = await usageAs(admin, '/api/v1/llm/usage?period=7d');
    expect(before.deadLetters).toEqual({
      records: 0,
      costUsd: 0,
      savedUsd: 0,
      unreadable: 0,
      truncated: false,
    });

    // The database refuses every usage record of `refused` from now on (a data error, as a poisoned row gets).
    await prisma.$executeRawUnsafe(`CREATE OR REPLACE FUNCTION refuse_user_usage() RETURNS trigger AS $$
      BEGIN
        IF NEW."userId" = '${refused.id}' THEN RAISE EXCEPTION 'refused by the test' USING ERRCODE = '22000'; END IF;
        RETURN NEW;
      END $$ LANGUAGE plpgsql`);
    await prisma.$executeRawUnsafe(
      `CREATE TRIGGER refuse_user_usage BEFORE INSERT ON "UsageRecord" FOR EACH ROW EXECUTE FUNCTION refuse_user_usage()`,
    );
    try {
      for (let i = 0; i < 3; i++) await chatFor(env, refused.key);
      await env.flushUsage();
    } finally {
      await prisma.$executeRawUnsafe('DROP TRIGGER refuse_user_usage ON "UsageRecord"');
      await prisma.$executeRawUnsafe('DROP FUNCTION refuse_user_usage()');
    }
    expect(await prisma.usageDeadLetter.count()).toBe(3);
    const letters = await prisma.usageDeadLetter.findMany({ select: { payload: true } });
    const paid = letters.reduce(
      (s, l) => s + Number((JSON.parse(l.payload) as { costUsd: string }).costUsd),
      0,
    );
    expect(paid).toBeGreaterThan(0);

    // The charts did not change: the refused records are in no rollup.
    const after = await usageAs(admin, '/api/v1/llm/usage?period=7d');
    expect(after.totals).toEqual(before.totals);
    // They are said apart: three requests and what they cost.
    expect(after.deadLetters.records).toBe(3);
    expect(after.deadLetters.unreadable).toBe(0);
    expect(after.deadLetters.costUsd).toBeCloseTo(paid, 6);
    // The same on the longer periods (read from the daily rollup).
    expect((await usageAs(admin, '/api/v1/llm/usage?period=30d')).deadLetters.records).toBe(3);

    // Their user sees their own; another user sees none of them.
    expect((await usageAs(refused.token, '/api/v1/me/usage?period=7d')).deadLetters.records).toBe(3);
    expect((await usageAs(bystander.token, '/api/v1/me/usage?period=7d')).deadLetters).toEqual({
      records: 0,
      costUsd: 0,
      savedUsd: 0,
      unreadable: 0,
      truncated: false,
    });
  });

  it('a page view reads a bounded number of them and says when there were more (the figures then a lower bound)', async () => {
    const { prisma } = env.t.app.ctx;
    const admin = await env.t.tokenFor('admin');
    const many = await otherUser(env, 'many-refused');
    // How many letters a page reads at most (metering/spend.ts REFUSED_READ_LIMIT).
    const REFUSED_READ_LIMIT = 1000;
    await prisma.usageDeadLetter.deleteMany();
    // As a bad constraint leaves them: every record of the user refused, one letter each (a trace too, never read).
    const letters = (n: number, from: number) =>
      Array.from({ length: n }, (_, i) => ({
        error: '23514 refused by the test',
        payload: usageRow(
          usageRecord({
            requestId: `many-${from + i}`,
            createdAt: new Date(Date.now() - 3_600_000),
            userId: many.id,
            costUsd: 0.002,
            trace: { attempts: [{ outcome: 'ok', costUsd: 99 }] },
          }),
        ),
      }));
    await prisma.usageDeadLetter.createMany({ data: letters(REFUSED_READ_LIMIT, 0) });

    // Up to the limit: the exact figures, all of them read.
    for (const [token, path] of [
      [admin, '/api/v1/llm/usage?period=all'],
      [many.token, '/api/v1/me/usage?period=7d'],
    ] as const) {
      const exact = (await usageAs(token, path)).deadLetters;
      expect(exact.records).toBe(REFUSED_READ_LIMIT);
      expect(exact.costUsd).toBeCloseTo(REFUSED_READ_LIMIT * 0.002, 6);
      expect(exact).toMatchObject({ unreadable: 0, truncated: false });
    }

    // More than a page reads: the newest REFUSED_READ_LIMIT are read, and the answer says the figures are partial.
    await prisma.usageDeadLetter.createMany({ data: letters(250, REFUSED_READ_LIMIT) });
    for (const [token, path] of [
      [admin, '/api/v1/llm/usage?period=all'],
      [admin, '/api/v1/llm/usage?period=7d'],
      [many.token, '/api/v1/me/usage?period=7d'],
    ] as const) {
      const partial = (await usageAs(token, path)).deadLetters;
      expect(partial.records).toBe(REFUSED_READ_LIMIT);
      expect(partial.costUsd).toBeCloseTo(REFUSED_READ_LIMIT * 0.002, 6);
      expect(partial.truncated).toBe(true);
    }
    await prisma.usageDeadLetter.deleteMany();
  });
});
