// Issue 15, item 1: budgets survive restarts. The database is the source of truth for spend; the state store
// (in process, or Redis) is a mirror that is rebuilt from the recorded spend when it lost a budget counter: a
// gateway restart, Redis emptied (a restart without persistence), or both. An exhausted budget stays exhausted.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { periodStart } from '@switchyard/core';
import { generateGatewayKey } from '../lib/key-format.js';
import { recordedSpend } from '../metering/spend.js';
import type { RedisStateStore } from '../router/redis-state-store.js';
import { createTestApp } from '../test/app.js';
import { createTestDatabase, type TestDatabase } from '../test/db.js';
import { ANTHROPIC_UPSTREAM_KEY, createProxyEnv, UPSTREAM_KEY, type ProxyEnv } from '../test/proxy-env.js';
import { dropPrefix, REDIS_TEST_URL, testPrefix } from '../test/redis.js';

const BASE_ENV = {
  USAGE_FLUSH_INTERVAL_MS: '50',
  UPSTREAM_FIRST_BYTE_TIMEOUT_MS: '1500',
  UPSTREAM_IDLE_TIMEOUT_MS: '1500',
};

interface Gateway {
  url: string;
  app: Awaited<ReturnType<typeof createTestApp>>['app'];
  logs: string[];
  close: () => Promise<void>;
}

/** Another gateway instance on the same database (a restart): a new app, new state store, new usage queue. */
async function startGateway(db: TestDatabase, env: Record<string, string>): Promise<Gateway> {
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, cb) {
      logs.push(String(chunk));
      cb();
    },
  });
  const t = await createTestApp({ db, env: { ...BASE_ENV, ...env }, logDestination: sink });
  // A test app encrypts with a key of its own: store the providers' keys again under this instance's key (a real
  // restart reads the same SECRETS_KEY).
  const { prisma, secrets } = t.app.ctx;
  for (const [slug, key] of [
    ['up-openai', UPSTREAM_KEY],
    ['up-backup', UPSTREAM_KEY],
    ['up-anthropic', ANTHROPIC_UPSTREAM_KEY],
  ] as const) {
    await prisma.provider.update({ where: { slug }, data: { encryptedApiKey: secrets.encrypt(key) } });
  }
  await t.app.routing.reload();
  const server = createServer(t.app.handle);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    app: t.app,
    logs,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      await t.close();
    },
  };
}

const chat = (url: string, key: string) =>
  fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: JSON.stringify({
      model: 'up-openai/gpt-test',
      max_tokens: 10,
      messages: [{ role: 'user', content: 'hi' }],
    }),
  });

/**
 * Calls until the budget refuses one (402) for good; returns how many were paid. Settling a reservation (the
 * estimate corrected to the real cost) is asynchronous, so a 402 right after a call can be the estimate still
 * held: the refusal counts once it holds after a pause.
 */
async function spendAll(url: string, key: string): Promise<number> {
  let paid = 0;
  for (let i = 0; i < 60; i++) {
    const res = await chat(url, key);
    const text = await res.text();
    if (res.status === 402) {
      await new Promise((r) => setTimeout(r, 150));
      const again = await chat(url, key);
      const againText = await again.text();
      if (again.status === 402) return paid;
      expect(again.status, againText).toBe(200);
    } else expect(res.status, text).toBe(200);
    paid++;
  }
  throw new Error('the budget never ran out');
}

async function newKey(
  env: ProxyEnv,
  data: { budgetUsd?: number; budgetPeriod?: string | null; userId?: string; orgId?: string },
): Promise<string> {
  const k = generateGatewayKey();
  const owner = data.orgId
    ? { ownerType: 'org', orgId: data.orgId }
    : { ownerType: 'user', userId: data.userId ?? env.ids.user };
  await env.t.app.ctx.prisma.gatewayKey.create({
    data: {
      keyHash: k.hash,
      prefix: k.prefix,
      name: 'budget',
      ...owner,
      ...(data.budgetUsd !== undefined
        ? {
            budgetUsd: data.budgetUsd,
            budgetPeriod: data.budgetPeriod === undefined ? 'month' : data.budgetPeriod,
          }
        : {}),
    },
  });
  return k.key;
}

/** The budget scopes of issue 15, each set up so that a few mock calls exhaust it. */
async function scopes(env: ProxyEnv): Promise<{ name: string; key: string }[]> {
  const { prisma } = env.t.app.ctx;
  const capped = await env.t.createUser('user');
  await prisma.user.update({ where: { id: capped.id }, data: { weeklyCapUsd: 0.0003 } });
  const org = await prisma.organization.create({
    data: {
      name: 'capped',
      slug: `capped-${Math.random().toString(36).slice(2, 8)}`,
      spendCapUsd: 0.0002,
      rollover: true,
      rolloverBalanceUsd: 0.0001,
    },
  });
  const out = [
    { name: 'key monthly budget', key: await newKey(env, { budgetUsd: 0.0003, budgetPeriod: 'month' }) },
    { name: 'key lifetime budget', key: await newKey(env, { budgetUsd: 0.0003, budgetPeriod: null }) },
    { name: 'user weekly cap', key: await newKey(env, { userId: capped.id }) },
    { name: 'org monthly cap with rollover', key: await newKey(env, { orgId: org.id }) },
  ];
  await env.t.app.routing.reload();
  return out;
}

describe.each([
  { store: 'in process', redis: false },
  { store: 'Redis', redis: true },
])('budgets are rebuilt from the database ($store)', ({ redis }) => {
  let db: TestDatabase;
  let env: ProxyEnv;
  let gw: Gateway;
  let storeEnv: Record<string, string>;
  let prefix = '';

  /** Stop the running gateway gracefully (SIGTERM: queued usage is written first) and start a new one. */
  async function restart(opts: { flushRedis: boolean }) {
    await gw.close();
    if (opts.flushRedis) await dropPrefix(prefix); // Redis restarted without persistence: its data is gone too.
    gw = await startGateway(db, storeEnv);
  }

  beforeAll(async () => {
    db = await createTestDatabase();
    prefix = testPrefix();
    // The smallest usage buffer (a database outage fills it quickly).
    storeEnv = {
      USAGE_BUFFER_MAX: '100',
      ...(redis ? { REDIS_URL: REDIS_TEST_URL, REDIS_KEY_PREFIX: prefix } : {}),
    };
    env = await createProxyEnv({ db, env: storeEnv });
    // The first instance, as a Gateway (createProxyEnv's own close would also stop the mock upstream).
    gw = {
      url: env.url,
      app: env.t.app,
      logs: [],
      close: async () => {
        env.server.closeAllConnections();
        await new Promise<void>((r) => env.server.close(() => r()));
        await env.t.close();
      },
    };
  });
  afterAll(async () => {
    await gw?.close();
    await env?.up.close();
    await db?.close();
    if (redis) await dropPrefix(prefix);
  });

  it.each(redis ? [{ flushRedis: false }, { flushRedis: true }] : [{ flushRedis: false }])(
    'an exhausted key budget (month, lifetime), user weekly cap and org monthly cap stay exhausted after the gateway restarts (Redis emptied too: $flushRedis)',
    async ({ flushRedis }) => {
      const all = await scopes(env);
      await gw.app.routing.reload();
      for (const s of all) expect(await spendAll(gw.url, s.key), s.name).toBeGreaterThan(0);
      await restart({ flushRedis });
      for (const s of all) {
        const res = await chat(gw.url, s.key);
        expect(res.status, `${s.name} after a restart`).toBe(402);
        expect(((await res.json()) as { error: { code: string } }).error.code).toBe('budget_exhausted');
      }
    },
    120_000,
  );

  if (redis)
    it('an exhausted budget stays exhausted when Redis loses its data while the gateway runs', async () => {
      const all = await scopes(env);
      await gw.app.routing.reload();
      for (const s of all) expect(await spendAll(gw.url, s.key), s.name).toBeGreaterThan(0);
      await dropPrefix(prefix);
      // Let the mirror see that Redis is empty (else the engine's budget filter, not the admission, answers).
      await (gw.app.routing.store as RedisStateStore).sync();
      for (const s of all) {
        const res = await chat(gw.url, s.key);
        expect(res.status, `${s.name} after Redis lost its data`).toBe(402);
      }
    }, 120_000);

  it('the rebuilt counter is exact: what was spent before the restart plus what fits after it is what fits without one', async () => {
    const once = await newKey(env, { budgetUsd: 0.0004, budgetPeriod: 'month' });
    const split = await newKey(env, { budgetUsd: 0.0004, budgetPeriod: 'month' });
    await gw.app.routing.reload();
    const all = await spendAll(gw.url, once);
    expect(all).toBeGreaterThan(1);
    expect((await chat(gw.url, split)).status).toBe(200);
    await restart({ flushRedis: redis });
    const after = await spendAll(gw.url, split);
    expect(1 + after).toBe(all);
  }, 120_000);

  it('spend whose usage records the database refused (dead letters) still counts when the budget is rebuilt', async () => {
    const { prisma } = env.t.app.ctx;
    const key = await newKey(env, { budgetUsd: 0.0003, budgetPeriod: 'month' });
    const row = await prisma.gatewayKey.findFirstOrThrow({ orderBy: { createdAt: 'desc' } });
    // The database refuses every usage record of this key (a data error, as a poisoned row gets): each is set aside.
    await prisma.$executeRawUnsafe(`CREATE OR REPLACE FUNCTION refuse_key_usage() RETURNS trigger AS $$
      BEGIN
        IF NEW."gatewayKeyId" = '${row.id}' THEN RAISE EXCEPTION 'refused by the test' USING ERRCODE = '22000'; END IF;
        RETURN NEW;
      END $$ LANGUAGE plpgsql`);
    await prisma.$executeRawUnsafe(
      `CREATE TRIGGER refuse_key_usage BEFORE INSERT ON "UsageRecord" FOR EACH ROW EXECUTE FUNCTION refuse_key_usage()`,
    );
    try {
      await gw.app.routing.reload();
      expect(await spendAll(gw.url, key)).toBeGreaterThan(0);
      await gw.app.usage.flush();
      expect(await prisma.usageRecord.count({ where: { gatewayKeyId: row.id } })).toBe(0);
      expect(
        await prisma.usageDeadLetter.count({ where: { payload: { contains: row.id } } }),
      ).toBeGreaterThan(0);
      await restart({ flushRedis: redis });
      const res = await chat(gw.url, key);
      expect(res.status, 'the refused records were paid for: the budget stays exhausted').toBe(402);
    } finally {
      await prisma.$executeRawUnsafe('DROP TRIGGER refuse_key_usage ON "UsageRecord"');
      await prisma.$executeRawUnsafe('DROP FUNCTION refuse_key_usage()');
    }
  }, 120_000);

  // A long database outage fills the usage buffer (USAGE_BUFFER_MAX) and the oldest records are dropped. Their spend
  // was kept in this instance's memory only: after a restart the budget was rebuilt without it (here 10 calls), so a
  // caller could spend past the budget by that much for every restart under such an outage.
  it('spend of usage records dropped at the buffer bound during a database outage counts, once, after a restart', async () => {
    const key = await newKey(env, { budgetUsd: 1, budgetPeriod: 'month' });
    const { prisma } = gw.app.ctx;
    const { id } = await prisma.gatewayKey.findFirstOrThrow({ orderBy: { createdAt: 'desc' } });
    await gw.app.routing.reload();
    expect((await chat(gw.url, key)).status).toBe(200);
    await gw.app.usage.flush();
    const each = Number((await prisma.usageRecord.findFirstOrThrow({ where: { gatewayKeyId: id } })).costUsd);
    expect(each).toBeGreaterThan(0);
    // The database refuses every usage batch (the rollup table is away: an outage, not a bad row).
    await prisma.$executeRawUnsafe('ALTER TABLE "UsageHourly" RENAME TO "UsageHourly_offline"');
    try {
      for (let i = 0; i < 110; i++) expect((await chat(gw.url, key)).status).toBe(200);
    } finally {
      await prisma.$executeRawUnsafe('ALTER TABLE "UsageHourly_offline" RENAME TO "UsageHourly"');
    }
    // 101 records were waiting when the buffer overflowed: the oldest 10 were dropped. The database is back: a restart.
    await restart({ flushRedis: redis });
    const db2 = gw.app.ctx.prisma;
    expect(await db2.usageRecord.count({ where: { gatewayKeyId: id } })).toBe(101);
    // What the rebuilt budget reads: all 111 calls, each once.
    const spent = await recordedSpend(db2, { scope: 'key', id, since: periodStart(Date.now(), 'month') });
    expect(spent).toBeCloseTo(111 * each, 9);
    const hourly = await db2.usageHourly.aggregate({ _sum: { requests: true }, where: { gatewayKeyId: id } });
    expect(hourly._sum.requests).toBe(111);
  }, 120_000);

  it('a budget whose recorded spend cannot be read refuses (503, nothing admitted from zero) until it can', async () => {
    const key = await newKey(env, { budgetUsd: 0.0003, budgetPeriod: 'week' });
    await gw.app.routing.reload();
    expect(await spendAll(gw.url, key)).toBeGreaterThan(0);
    await restart({ flushRedis: redis });
    const { prisma } = env.t.app.ctx;
    await prisma.$executeRawUnsafe('ALTER TABLE "UsageHourly" RENAME TO "UsageHourly_offline"');
    try {
      const res = await chat(gw.url, key);
      expect(res.status).toBe(503);
      const body = (await res.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe('budget_unavailable');
      expect(body.error.message).not.toMatch(/UsageHourly|relation|prisma/i);
      expect(res.headers.get('retry-after')).toBe('5');
    } finally {
      await prisma.$executeRawUnsafe('ALTER TABLE "UsageHourly_offline" RENAME TO "UsageHourly"');
    }
    expect((await chat(gw.url, key)).status).toBe(402);
  }, 60_000);

  it('concurrent first uses of a budget read the database once on an instance', async () => {
    const fresh = await newKey(env, { budgetUsd: 0.0003, budgetPeriod: 'day' });
    await restart({ flushRedis: redis });
    const rebuilt = () =>
      gw.logs.filter((l) => l.includes('budget rebuilt from recorded spend') && l.includes('"scope":"key"'))
        .length;
    const answers = await Promise.all(Array.from({ length: 6 }, () => chat(gw.url, fresh)));
    for (const a of answers) expect([200, 402]).toContain(a.status);
    expect(answers.some((a) => a.status === 200)).toBe(true);
    expect(rebuilt()).toBe(1);
  }, 60_000);
});
