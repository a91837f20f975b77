// Scale-out acceptance: two Switchyard instances (two createApp()s, each with its own HTTP server, routing
// snapshot, state store and config bus) on one database and one real Redis, traffic through the mock upstream.
//
// The database is the suite's backend: on PostgreSQL the second instance opens its own connection pool to the
// same database; on PGlite (one embedded database per process) both instances share the one database object;
// everything they share besides the database goes through Redis either way. Redis is reached through a TCP
// proxy this test controls, so "Redis goes down" cuts the connections without touching the real server.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bucketCounters, budgetKey, modelTarget, type BucketConfig } from '@switchyard/core';
import type { App } from './app.js';
import { generateGatewayKey } from './lib/key-format.js';
import { createLogger } from './lib/logger.js';
import { endpointTarget } from './router/endpoint-cooldowns.js';
import { RedisStateStore } from './router/redis-state-store.js';
import type { StateStore } from './router/state-store.js';
import { redisOf, startInstance, type Instance } from './test/instance.js';
import { createTestDatabase, type TestDatabase } from './test/db.js';
import { startMockUpstream } from './test/mock-upstream.js';
import { MASTER_KEY, chatFor, createProxyEnv, type ProxyEnv } from './test/proxy-env.js';
import {
  REDIS_TEST_URL,
  dropPrefix,
  eventually,
  startRedisProxy,
  testPrefix,
  type TcpProxy,
} from './test/redis.js';

async function chat(base: string, key: string, model: string, extra: Record<string, unknown> = {}) {
  const res = await fetch(`${base}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      model,
      messages: [{ role: 'user', content: 'Hello there' }],
      max_tokens: 20,
      ...extra,
    }),
  });
  const body = (await res.json()) as Record<string, unknown>;
  return {
    status: res.status,
    provider: res.headers.get('x-switchyard-provider'),
    attempts: res.headers.get('x-switchyard-attempts'),
    body,
  };
}

async function metric(app: App, name: string): Promise<number> {
  const text = await app.metrics.registry.metrics();
  let sum = 0;
  for (const line of text.split('\n'))
    if (line.startsWith(name) && !line.startsWith('#')) sum += Number(line.split(' ').at(-1));
  return sum;
}

describe('scale-out: two instances on one database and one Redis', () => {
  let proxy: TcpProxy;
  let prefix: string;
  let a: ProxyEnv;
  let b: Instance;
  let direct: RedisStateStore;
  let adminToken: string;
  // Both instances share one clock (set 2 s past a minute boundary); counts are read over a bucket's whole sliding window.
  const offset = 60_000 - (Date.now() % 60_000) + 2000;
  const now = () => Date.now() + offset;

  /** What a provider bucket counts now in Redis: its sliding window's slots together. */
  const windowCount = async (bucket: BucketConfig, providerId: string) => {
    const c = bucketCounters('provider', providerId, bucket, now());
    return (await direct.read([c.key, ...c.earlier])).reduce((s, v) => s + v, 0);
  };

  const admin = (method: 'post' | 'put', path: string, body: Record<string, unknown>) =>
    a.t.http[method](`/api/v1${path}`).set('authorization', `Bearer ${adminToken}`).send(body);

  /** Change a provider on A through the admin API, and wait until B's snapshot has it. */
  const updateProvider = async (
    id: string,
    body: Record<string, unknown>,
    seen: (p: App['routing']['config']['providers'][number]) => boolean,
  ) => {
    const res = await admin('put', `/llm/providers/${id}`, body);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return eventually(
      () => expect(seen(b.app.routing.config.providers.find((p) => p.id === id)!)).toBe(true),
      1000,
    );
  };

  beforeAll(async () => {
    proxy = await startRedisProxy();
    prefix = testPrefix();
    // A generous command timeout: on a loaded CI machine a slow Redis reply must not look like an outage (the
    // outage test cuts the connection instead), or the exact-count checks would see fail-open admissions.
    const env = { REDIS_URL: proxy.url, REDIS_KEY_PREFIX: prefix, REDIS_COMMAND_TIMEOUT_MS: '5000' };
    a = await createProxyEnv({ env, now });
    b = await startInstance(
      a,
      {
        GATEWAY_MASTER_KEY: MASTER_KEY,
        USAGE_FLUSH_INTERVAL_MS: '50',
        UPSTREAM_FIRST_BYTE_TIMEOUT_MS: '1500',
        UPSTREAM_IDLE_TIMEOUT_MS: '1500',
        ...env,
      },
      now,
    );
    direct = new RedisStateStore({ url: REDIS_TEST_URL, prefix, logger: createLogger('silent'), now });
    await direct.start();
    adminToken = await a.t.tokenFor('seed_admin');
    expect(redisOf(a.t.app).shared).toBe(true);
    expect(redisOf(b.app).shared).toBe(true);
  });

  afterAll(async () => {
    await b?.close();
    await a?.close();
    await direct?.close();
    await proxy?.close();
    if (prefix) await dropPrefix(prefix);
  });

  it('a bucket of 100 requests/minute admits exactly 100 across both instances', async () => {
    const bucket: BucketConfig = {
      name: 'shared-rpm',
      unit: 'requests',
      limit: 100,
      window: { unit: 'minute', size: 1 },
      models: 'all',
    };
    // big-test is served by up-openai only: nothing to fall back to.
    await updateProvider(
      a.ids.openai,
      { rateLimitBuckets: [bucket] },
      (p) => p.rateLimitBuckets.length === 1,
    );
    const before = a.up.requests.length;

    const results = await Promise.all(
      Array.from({ length: 160 }, (_, i) => chat(i % 2 ? b.url : a.url, MASTER_KEY, 'up-openai/big-test')),
    );
    const by = (s: number) => results.filter((r) => r.status === s).length;
    expect(by(200)).toBe(100);
    expect(by(429)).toBe(60);
    for (const r of results.filter((x) => x.status === 429))
      expect(JSON.stringify(r.body)).toContain('shared-rpm');
    // Both instances admitted some of the hundred.
    expect(results.filter((r, i) => r.status === 200 && i % 2 === 0).length).toBeGreaterThan(0);
    expect(results.filter((r, i) => r.status === 200 && i % 2 === 1).length).toBeGreaterThan(0);
    expect(a.up.requests.length - before).toBe(100);
    expect(await windowCount(bucket, a.ids.openai)).toBe(100);

    await updateProvider(a.ids.openai, { rateLimitBuckets: [] }, (p) => p.rateLimitBuckets.length === 0);
  });

  it('a key budget is not overspent beyond what is reserved by in-flight requests', async () => {
    const limitUsd = 0.002;
    const key = await a.t.app.ctx.prisma.gatewayKey.findFirstOrThrow({ where: { userId: a.ids.user } });
    await a.t.app.ctx.prisma.gatewayKey.update({
      where: { id: key.id },
      data: { budgetUsd: limitUsd, budgetPeriod: 'month' },
    });
    await a.t.app.ctx.configChanged('keys');
    await eventually(
      () => expect(b.app.routing.config.keysByHash.get(key.keyHash)?.budgetUsd).toBe(limitUsd),
      1000,
    );

    const statuses: number[] = [];
    // Waves of 10 concurrent requests (5 per instance) until a whole wave is refused.
    for (let wave = 0; wave < 20; wave++) {
      const r = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          chat(i % 2 ? b.url : a.url, a.userKey, 'up-anthropic/claude-test'),
        ),
      );
      statuses.push(...r.map((x) => x.status));
      expect(
        r.every((x) => x.status === 200 || x.status === 402),
        JSON.stringify(r.filter((x) => x.status !== 200 && x.status !== 402)),
      ).toBe(true);
      if (r.every((x) => x.status === 402)) break;
    }
    const ok = statuses.filter((s) => s === 200).length;
    expect(statuses.filter((s) => s === 402).length).toBeGreaterThanOrEqual(10);
    // Every admitted request was settled with its real cost (settlement runs just after the response): the
    // shared counter ends at what the successful requests cost, as recorded in the database.
    let spent = Infinity;
    await eventually(async () => {
      await a.flushUsage();
      for (let i = 0; i < 50 && b.app.usage.depth > 0; i++) await b.app.usage.flush();
      const rows = await a.t.app.ctx.prisma.usageRecord.findMany({
        where: { gatewayKeyId: key.id, status: 200 },
      });
      expect(rows).toHaveLength(ok);
      const recorded = rows.reduce((s, r) => s + Number(r.costUsd), 0);
      spent = (await direct.read([budgetKey({ scope: 'key', id: key.id, period: 'month' }, now())]))[0]!;
      expect(spent).toBeCloseTo(recorded, 6);
    });
    expect(spent).toBeLessThanOrEqual(limitUsd + 1e-12);
    // … and the budget was really used, not starved: what is left is less than one wave's reservations.
    const perRequest = spent / ok;
    expect(ok).toBeGreaterThan(3);
    expect(limitUsd - spent).toBeLessThan(10 * 4 * perRequest);
  });

  it('an endpoint that failed over on instance A is tried last on instance B', async () => {
    const second = await startMockUpstream();
    try {
      await updateProvider(
        a.ids.openai,
        { baseUrlWeight: 1, endpoints: [{ baseUrl: `${second.url}/v1`, weight: 0, enabled: true }] },
        (p) => p.endpoints.length === 2,
      );
      const target = endpointTarget(a.ids.openai, `${a.up.url}/v1`);
      // A: the weighted endpoint answers 503; the same provider's other endpoint answers.
      a.up.script({ status: 503, path: '/chat/completions' });
      const first = await chat(a.url, MASTER_KEY, 'up-openai/gpt-test');
      expect([first.status, first.provider]).toEqual([200, 'up-openai']);
      expect(second.requests).toHaveLength(1);
      await eventually(
        () => expect(b.app.routing.store.view().cooldownUntil(target)).toBeGreaterThan(now()),
        1000,
      );
      // B sends its calls straight to the other endpoint: no failed call first.
      const before = a.up.requests.length;
      for (let i = 0; i < 3; i++) {
        const r = await chat(b.url, MASTER_KEY, 'up-openai/gpt-test');
        expect([r.status, r.provider, r.attempts]).toEqual([200, 'up-openai', '1']);
      }
      expect(a.up.requests.length - before).toBe(0);
      expect(second.requests).toHaveLength(4);
    } finally {
      await updateProvider(a.ids.openai, { endpoints: [] }, (p) => p.endpoints.length === 1);
      await second.close();
    }
  });

  it('a provider put in cooldown by instance A is skipped by instance B', async () => {
    const openai = a.t.app.routing.config.providers.find((p) => p.id === a.ids.openai)!;
    const model = a.t.app.routing.config.models.find(
      (m) => m.providerId === a.ids.openai && m.modelId === 'gpt-test',
    )!;
    const targets = [openai.id, openai.key.id, modelTarget(openai.id, model.id)];
    const cooling = (s: StateStore) => targets.some((t) => s.view().cooldownUntil(t) > now());
    expect(cooling(b.app.routing.store)).toBe(false);

    // A: up-openai answers 429 → A cools it down and falls back to up-backup.
    a.up.script({ status: 429, headers: { 'retry-after': '30' }, path: '/chat/completions' });
    const first = await chat(a.url, MASTER_KEY, 'gpt-test');
    expect(first.status).toBe(200);
    expect(first.provider).toBe('up-backup');
    expect(first.attempts).toBe('2');

    const ms = await eventually(() => expect(cooling(b.app.routing.store)).toBe(true), 1000);
    expect(ms).toBeLessThan(1000);
    // B never tries up-openai: one attempt, straight to up-backup.
    const before = a.up.requests.length;
    for (let i = 0; i < 5; i++) {
      const r = await chat(b.url, MASTER_KEY, 'gpt-test');
      expect(r.status).toBe(200);
      expect(r.provider).toBe('up-backup');
      expect(r.attempts).toBe('1');
    }
    expect(a.up.requests.length - before).toBe(5);
  });

  it("a provider's failures on both instances add up: its circuit opens at the threshold between them", async () => {
    const model = a.t.app.routing.config.models.find(
      (m) => m.providerId === a.ids.openai && m.modelId === 'big-test',
    )!;
    const target = modelTarget(a.ids.openai, model.id);
    const rules = (
      await a.t.http.get('/api/v1/llm/routing/rules').set('authorization', `Bearer ${adminToken}`)
    ).body as Record<string, unknown>;
    const setRules = async (threshold: number, maxRetries: number) => {
      const res = await admin('put', '/llm/routing/rules', {
        strategy: rules.strategy,
        maxRetries,
        circuitFailureThreshold: threshold,
        circuitOpenMs: 60_000,
      });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      await eventually(
        () => expect(b.app.routing.routingConfig.circuit.failureThreshold).toBe(threshold),
        1000,
      );
    };
    try {
      await setRules(4, 0);
      // big-test is served by up-openai only: each failed call is one failure of its circuit. Two calls on each
      // instance at once, so neither instance's view holds the other's failures when it counts its own.
      a.up.script(Array.from({ length: 4 }, () => ({ status: 500, path: '/chat/completions' })));
      const before = a.up.requests.length;
      const failed = await Promise.all(
        [a.url, b.url, a.url, b.url].map((u) => chat(u, MASTER_KEY, 'up-openai/big-test')),
      );
      expect(failed.map((r) => r.status >= 500)).toEqual([true, true, true, true]);
      expect(a.up.requests.length - before).toBe(4);
      await eventually(() => {
        for (const s of [a.t.app.routing.store, b.app.routing.store])
          expect(s.view().circuit(target)).toMatchObject({ phase: 'open', failures: 4 });
      }, 1000);
      // Open on both: neither sends the next calls to up-openai.
      for (const u of [a.url, b.url])
        expect((await chat(u, MASTER_KEY, 'up-openai/big-test')).status).not.toBe(200);
      expect(a.up.requests.length - before).toBe(4);
    } finally {
      await setRules(Number(rules.circuitFailureThreshold), Number(rules.maxRetries));
      expect((await admin('post', `/llm/providers/${a.ids.openai}/reset`, {})).status).toBe(200);
      a.up.reset();
    }
  });

  it('an alias created on A through the admin API routes on B within a second', async () => {
    expect((await chat(b.url, MASTER_KEY, 'team-chat')).status).toBe(404);
    const res = await admin('post', '/llm/routing/aliases', {
      name: 'team-chat',
      strategy: 'ordered',
      targets: [{ ref: 'up-anthropic/claude-test', weight: 1 }],
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const created = Date.now();
    let last = { status: 0, provider: null as string | null };
    await eventually(
      async () => {
        last = await chat(b.url, MASTER_KEY, 'team-chat');
        expect(last.status).toBe(200);
      },
      1000,
      10,
    );
    expect(Date.now() - created).toBeLessThan(1000);
    expect(last.provider).toBe('up-anthropic');
  });

  it('failed sign-ins are counted across instances: the account is locked on both after ten in total', async () => {
    const login = (base: string, password: string) =>
      fetch(`${base}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'admin@localhost', password }),
      });
    for (let i = 0; i < 10; i++) expect((await login(i % 2 ? a.url : b.url, `wrong-${i}`)).status).toBe(401);
    const locked = await login(a.url, 'wrong-again');
    expect(locked.status).toBe(429);
    expect((await login(b.url, 'wrong-again')).status).toBe(429);
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('Redis down: requests keep succeeding on local limits (metric and log line), and shared counting resumes when it returns', async () => {
    const bucket: BucketConfig = {
      name: 'outage-rpm',
      unit: 'requests',
      limit: 1000,
      window: { unit: 'minute', size: 1 },
      models: 'all',
    };
    await updateProvider(
      a.ids.anthropic,
      { rateLimitBuckets: [bucket] },
      (p) => p.rateLimitBuckets.length === 1,
    );
    const counted = () => windowCount(bucket, a.ids.anthropic);
    const send = async (n: number) => {
      const r = await Promise.all(
        Array.from({ length: n }, (_, i) =>
          chat(i % 2 ? b.url : a.url, MASTER_KEY, 'up-anthropic/claude-test'),
        ),
      );
      expect(r.map((x) => x.status)).toEqual(Array.from({ length: n }, () => 200));
    };

    await send(10);
    expect(await counted()).toBe(10);
    expect(await metric(b.app, 'switchyard_state_store_fail_open_total')).toBe(0);

    await proxy.cut();
    await send(20);
    expect(redisOf(a.t.app).shared).toBe(false);
    expect(redisOf(b.app).shared).toBe(false);
    expect(await metric(a.t.app, 'switchyard_state_store_fail_open_total')).toBeGreaterThan(0);
    expect(await metric(b.app, 'switchyard_state_store_fail_open_total')).toBeGreaterThan(0);
    expect(await metric(b.app, 'switchyard_state_store_shared')).toBe(0);
    expect(b.logs.some((l) => l.includes('Redis unavailable: failing open onto local limits'))).toBe(true);
    // Redis itself saw none of them.
    expect(await counted()).toBe(10);

    await proxy.restore();
    await eventually(() => {
      expect(redisOf(a.t.app).shared).toBe(true);
      expect(redisOf(b.app).shared).toBe(true);
    }, 5000);
    expect(await metric(b.app, 'switchyard_state_store_shared')).toBe(1);
    expect(b.logs.some((l) => l.includes('shared counting resumed'))).toBe(true);
    // What each instance counted locally was written back, and counting goes on from there.
    expect(await counted()).toBe(30);
    await send(10);
    expect(await counted()).toBe(40);
  });

  // No fault at all: a budget counter one instance created, used by the other. The second instance's first call on
  // it joined the counter with its outstanding spend, which held that call's own reservation: counted twice.
  it('a key budget used on A, then on B, ends at what the calls cost', async () => {
    const { prisma } = a.t.app.ctx;
    const k = generateGatewayKey();
    const row = await prisma.gatewayKey.create({
      data: {
        keyHash: k.hash,
        prefix: k.prefix,
        name: 'both instances',
        ownerType: 'user',
        userId: a.ids.user,
        budgetUsd: 1,
        budgetPeriod: 'month',
      },
    });
    await a.t.app.ctx.configChanged('keys');
    await eventually(
      () => expect([...b.app.routing.config.keysByHash.values()].some((x) => x.id === row.id)).toBe(true),
      2000,
    );
    expect((await chat(a.url, k.key, 'up-anthropic/claude-test')).status).toBe(200);
    expect((await chat(b.url, k.key, 'up-anthropic/claude-test')).status).toBe(200);
    await a.flushUsage();
    await b.app.usage.flush();
    const rows = await prisma.usageRecord.findMany({ where: { gatewayKeyId: row.id } });
    expect(rows).toHaveLength(2);
    const spent = rows.reduce((s, r) => s + Number(r.costUsd), 0);
    const counter = budgetKey({ scope: 'key', id: row.id, period: 'month' }, now());
    await eventually(async () => expect((await direct.read([counter]))[0]).toBeCloseTo(spent, 9), 2000);
  });

  // Redis loses its data (a restart without persistence) while instance C has calls in flight and answered calls
  // whose records are still in its queue; A is the first to use the budget again and rebuilds it from the
  // database, which holds none of C's. The counter must still end at every dollar spent: C adds what the database
  // cannot know yet (its reservations, its unwritten records) to the rebuilt counter, whether it learns of the
  // rebuild when a call settles or from its periodic sync.
  it('a budget rebuilt after Redis lost its data holds what other instances had in flight and not yet written', async () => {
    const { prisma } = a.t.app.ctx;
    const keys = await Promise.all(
      ['in flight', 'written later'].map(async (name) => {
        const k = generateGatewayKey();
        const row = await prisma.gatewayKey.create({
          data: {
            keyHash: k.hash,
            prefix: k.prefix,
            name,
            ownerType: 'user',
            userId: a.ids.user,
            budgetUsd: 5,
            budgetPeriod: 'month',
          },
        });
        return {
          id: row.id,
          key: k.key,
          counter: budgetKey({ scope: 'key', id: row.id, period: 'month' }, now()),
        };
      }),
    );
    const [inFlight] = keys as [(typeof keys)[0], (typeof keys)[0]];
    await a.t.app.ctx.configChanged('keys');
    // C writes its usage records only when told to (or when it closes).
    const c = await startInstance(
      a,
      {
        GATEWAY_MASTER_KEY: MASTER_KEY,
        USAGE_FLUSH_INTERVAL_MS: '600000',
        UPSTREAM_FIRST_BYTE_TIMEOUT_MS: '5000',
        REDIS_URL: proxy.url,
        REDIS_KEY_PREFIX: prefix,
        REDIS_COMMAND_TIMEOUT_MS: '5000',
      },
      now,
    );
    try {
      await eventually(() => {
        const known = [...c.app.routing.config.keysByHash.values()].map((k) => k.id);
        for (const k of keys) expect(known).toContain(k.id);
      }, 2000);
      const model = 'up-anthropic/claude-test';
      // Both budgets' first uses on C at once (C rebuilds each from the empty database, writing its queue first:
      // nothing in it yet), then three answered calls each, whose records stay in C's queue.
      for (let i = 0; i < 3; i++)
        expect((await Promise.all(keys.map((k) => chat(c.url, k.key, model)))).map((r) => r.status)).toEqual([
          200, 200,
        ]);
      expect(c.app.usage.depth).toBe(6);
      // Two calls on C held upstream while Redis loses its data and A rebuilds the budget.
      a.up.script([{ delayMs: 1500 }, { delayMs: 1500 }]);
      const before = a.up.requests.length;
      const held = [chat(c.url, inFlight.key, model), chat(c.url, inFlight.key, model)];
      await eventually(() => expect(a.up.requests.length - before).toBe(2), 1000);
      await dropPrefix(prefix);
      await redisOf(a.t.app).sync();
      for (const k of keys) expect((await chat(a.url, k.key, model)).status).toBe(200);
      expect((await Promise.all(held)).map((r) => r.status)).toEqual([200, 200]);

      // Every call's record in the database: what was really spent on each key.
      await c.app.usage.flush();
      await a.flushUsage();
      for (const k of keys) {
        const rows = await prisma.usageRecord.findMany({ where: { gatewayKeyId: k.id } });
        expect(rows.length).toBe(k === inFlight ? 6 : 4);
        const spent = rows.reduce((s, r) => s + Number(r.costUsd), 0);
        expect(spent).toBeGreaterThan(0);
        await eventually(async () => {
          const [counted] = await direct.read([k.counter]);
          expect(counted).toBeCloseTo(spent, 9);
        }, 3000);
      }
    } finally {
      await c.close();
    }
  }, 60_000);
});

describe('config propagation over PostgreSQL LISTEN/NOTIFY (no Redis)', () => {
  // This bus exists only on a real PostgreSQL, so this part uses one whatever the suite's backend.
  let db: TestDatabase;
  let a: ProxyEnv;
  let b: Instance;
  let c: Instance;

  beforeAll(async () => {
    db = await createTestDatabase({ kind: 'postgres' });
    a = await createProxyEnv({ db, env: { DATABASE_URL: db.url! } });
    b = await startInstance(a, { GATEWAY_MASTER_KEY: MASTER_KEY, DATABASE_URL: db.url! }, Date.now);
    // No bus at all (no REDIS_URL, no DATABASE_URL): only the periodic full reload brings changes in.
    c = await startInstance(
      a,
      { GATEWAY_MASTER_KEY: MASTER_KEY, CONFIG_RELOAD_INTERVAL_MS: '300' },
      Date.now,
    );
  });

  afterAll(async () => {
    await c?.close();
    await b?.close();
    await a?.close();
    await db?.close();
  });

  it('an alias created on A reaches B within a second, and the periodic reload is the safety net', async () => {
    expect(a.t.app.routing.store.kind).toBe('memory');
    const token = await a.t.tokenFor('seed_admin');
    expect((await chat(b.url, MASTER_KEY, 'pg-chat')).status).toBe(404);
    const res = await a.t.http
      .post('/api/v1/llm/routing/aliases')
      .set('authorization', `Bearer ${token}`)
      .send({ name: 'pg-chat', strategy: 'ordered', targets: [{ ref: 'up-openai/gpt-test', weight: 1 }] });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const ms = await eventually(
      async () => expect((await chat(b.url, MASTER_KEY, 'pg-chat')).status).toBe(200),
      1000,
      10,
    );
    expect(ms).toBeLessThan(1000);
    // The instance without a bus catches up on its next periodic reload.
    await eventually(
      async () => expect((await chat(c.url, MASTER_KEY, 'pg-chat')).status).toBe(200),
      1500,
      50,
    );
  });
});

describe('feedback across instances', () => {
  // Instance A writes its usage queue every 800 ms: a score sent to B right after A answered finds no record yet.
  let a: ProxyEnv;
  let b: Instance;

  beforeAll(async () => {
    a = await createProxyEnv({ env: { USAGE_FLUSH_INTERVAL_MS: '800' } });
    b = await startInstance(a, { GATEWAY_MASTER_KEY: MASTER_KEY, USAGE_FLUSH_INTERVAL_MS: '800' }, Date.now);
  });

  afterAll(async () => {
    await b?.close();
    await a?.close();
  });

  const score = (base: string, requestId: string) =>
    fetch(`${base}/v1/feedback`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${a.userKey}` },
      body: JSON.stringify({ request_id: requestId, score: 1 }),
    });

  it('a score sent to B for a request A answered a moment ago lands once A has written it', async () => {
    const requestId = await chatFor(a, a.userKey);
    const fb = await score(b.url, requestId);
    expect(fb.status, await fb.clone().text()).toBe(200);
    expect(await fb.json()).toMatchObject({ request_id: requestId, model: 'up-openai/gpt-test' });
  });

  it('an unknown id is a 404 without waiting when it carries no time, or a time long past', async () => {
    for (const id of ['client-chosen-id', '00000000-0001-7000-8000-000000000000']) {
      const t0 = Date.now();
      const fb = await score(b.url, id);
      expect(fb.status, id).toBe(404);
      expect(Date.now() - t0, id).toBeLessThan(700);
    }
  });
});
