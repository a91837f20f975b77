// Circuit changes and an admin's reset made on an instance cut off from Redis, while another instance still reaches
// it: once Redis is back for the first, what it changed meanwhile reaches the shared state (and so the other
// instance), and what the other changed meanwhile is not overwritten. Instance A reaches Redis through a TCP proxy
// the test cuts and restores (or slows); instance B through one the test only slows; the test's own reader reaches it
// directly.
import { bucketCounters, keyModelTarget, modelTarget, type BucketConfig } from '@switchyard/core';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../lib/logger.js';
import { RedisStateStore } from '../router/redis-state-store.js';
import { redisOf, startInstance, type Instance } from '../test/instance.js';
import { MASTER_KEY, createProxyEnv, type ProxyEnv } from '../test/proxy-env.js';
import {
  REDIS_TEST_URL,
  dropPrefix,
  eventually,
  startRedisProxy,
  testPrefix,
  type TcpProxy,
} from '../test/redis.js';

async function chat(base: string, model: string, signal?: AbortSignal, key = MASTER_KEY) {
  const res = await fetch(`${base}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model, messages: [{ role: 'user', content: 'Hello there' }], max_tokens: 20 }),
    ...(signal ? { signal } : {}),
  });
  await res.arrayBuffer();
  return { status: res.status, provider: res.headers.get('x-switchyard-provider') };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('circuit changes made by an instance cut off from Redis', () => {
  let proxy: TcpProxy;
  let proxyB: TcpProxy;
  let prefix: string;
  let a: ProxyEnv;
  let b: Instance;
  let direct: RedisStateStore;
  let adminToken: string;
  let rules: Record<string, unknown>;

  const setRules = async (threshold: number, openMs: number) => {
    const res = await a.t.http
      .put('/api/v1/llm/routing/rules')
      .set('authorization', `Bearer ${adminToken}`)
      .send({
        strategy: rules.strategy,
        maxRetries: 0,
        circuitFailureThreshold: threshold,
        circuitOpenMs: openMs,
      });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    await eventually(() => {
      for (const app of [a.t.app, b.app])
        expect(app.routing.routingConfig.circuit).toMatchObject({ failureThreshold: threshold, openMs });
    }, 2000);
  };
  /** up-openai's rate-limit buckets, on both instances. */
  const setBuckets = async (buckets: BucketConfig[]) => {
    const res = await a.t.http
      .put(`/api/v1/llm/providers/${a.ids.openai}`)
      .set('authorization', `Bearer ${adminToken}`)
      .send({ rateLimitBuckets: buckets });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    await eventually(() => {
      for (const app of [a.t.app, b.app])
        expect(
          app.routing.config.providers.find((p) => p.id === a.ids.openai)!.rateLimitBuckets,
        ).toHaveLength(buckets.length);
    }, 2000);
  };
  /** The provider × model circuit of up-openai's `modelId`. */
  const targetOf = (modelId: string) =>
    modelTarget(
      a.ids.openai,
      a.t.app.routing.config.models.find((m) => m.providerId === a.ids.openai && m.modelId === modelId)!.id,
    );
  /** What Redis holds of a circuit now. */
  const shared = async (target: string) => {
    await direct.sync();
    return direct.view().circuit(target);
  };
  const phaseOf = (app: ProxyEnv['t']['app']) => (target: string) =>
    app.routing.store.view().circuit(target)?.phase ?? 'closed';
  const reset = async () => {
    const res = await a.t.http
      .post(`/api/v1/llm/providers/${a.ids.openai}/reset`)
      .set('authorization', `Bearer ${adminToken}`)
      .send({});
    expect(res.status, JSON.stringify(res.body)).toBe(200);
  };
  /** Cut A off from Redis, and wait until it knows. */
  const cutA = async () => {
    await proxy.cut();
    await eventually(() => expect(redisOf(a.t.app).shared).toBe(false), 10_000);
  };
  /** Give A Redis back, and wait until it counts on it again. */
  const restoreA = async () => {
    await proxy.restore();
    await eventually(() => expect(redisOf(a.t.app).shared).toBe(true), 15_000);
  };
  /** up-openai's big-test circuit opened by one failed call on `base` (threshold 1), as Redis holds it. */
  const openOn = async (base: string, target: string) => {
    a.up.script({ status: 500, path: '/chat/completions' });
    expect((await chat(base, 'up-openai/big-test')).status).toBeGreaterThanOrEqual(500);
    if (base === b.url)
      await eventually(async () => expect(await shared(target)).toMatchObject({ phase: 'open' }));
  };

  beforeAll(async () => {
    proxy = await startRedisProxy();
    proxyB = await startRedisProxy();
    prefix = testPrefix();
    const common = {
      REDIS_KEY_PREFIX: prefix,
      REDIS_COMMAND_TIMEOUT_MS: '2000',
      STATE_SYNC_INTERVAL_MS: '100',
    };
    // A's upstream calls may wait long for a first byte: a probe stays in flight while Redis comes back slowly.
    a = await createProxyEnv({
      env: { REDIS_URL: proxy.url, UPSTREAM_FIRST_BYTE_TIMEOUT_MS: '10000', ...common },
    });
    b = await startInstance(a, {
      GATEWAY_MASTER_KEY: MASTER_KEY,
      USAGE_FLUSH_INTERVAL_MS: '50',
      UPSTREAM_FIRST_BYTE_TIMEOUT_MS: '10000',
      UPSTREAM_IDLE_TIMEOUT_MS: '1500',
      REDIS_URL: proxyB.url,
      ...common,
    });
    direct = new RedisStateStore({
      url: REDIS_TEST_URL,
      prefix,
      logger: createLogger('silent'),
      syncIntervalMs: 3_600_000,
    });
    await direct.start();
    adminToken = await a.t.tokenFor('seed_admin');
    rules = (await a.t.http.get('/api/v1/llm/routing/rules').set('authorization', `Bearer ${adminToken}`))
      .body as Record<string, unknown>;
  });

  afterEach(async () => {
    proxy.setDelay(0);
    proxyB.setDelay(0, 'requests');
    await proxy.restore().catch(() => undefined);
    await eventually(() => expect(redisOf(a.t.app).shared).toBe(true), 15_000);
    await reset();
    const target = targetOf('big-test');
    await eventually(async () => {
      expect((await shared(target))?.phase ?? 'closed').toBe('closed');
      expect(phaseOf(b.app)(target)).toBe('closed');
    }, 5000);
    a.up.reset();
  });

  afterAll(async () => {
    await b?.close();
    await a?.close();
    await direct?.close();
    await proxy?.close();
    await proxyB?.close();
    if (prefix) await dropPrefix(prefix);
  });

  it('a circuit A opens while cut off is open on B once A reaches Redis again', async () => {
    await setRules(1, 60_000);
    const target = targetOf('big-test');
    await cutA();
    await openOn(a.url, target);
    expect(phaseOf(a.t.app)(target)).toBe('open');
    await restoreA();
    await eventually(() => expect(phaseOf(b.app)(target)).toBe('open'), 5000);
    expect(await shared(target)).toMatchObject({ phase: 'open' });
  });

  it("an admin's reset on A while it is cut off closes the circuit for B once A reaches Redis again", async () => {
    await setRules(1, 60_000);
    const target = targetOf('big-test');
    await openOn(b.url, target);
    await eventually(() => expect(phaseOf(a.t.app)(target)).toBe('open'), 5000);
    await cutA();
    await reset();
    expect(phaseOf(a.t.app)(target)).toBe('closed');
    await restoreA();
    await eventually(async () => {
      expect((await shared(target))?.phase ?? 'closed').toBe('closed');
      expect(phaseOf(b.app)(target)).toBe('closed');
      expect(phaseOf(a.t.app)(target)).toBe('closed');
    }, 5000);
    // Served again on both.
    for (const url of [a.url, b.url])
      expect(await chat(url, 'up-openai/big-test')).toEqual({ status: 200, provider: 'up-openai' });
  });

  it('a circuit B opens after that reset is not cleared by it when A reaches Redis again', async () => {
    await setRules(1, 60_000);
    const target = targetOf('big-test');
    await cutA();
    await reset();
    // B opens the circuit after the reset A could not write yet.
    await sleep(20);
    await openOn(b.url, target);
    await restoreA();
    // A reads the shared circuit back: the newer change stands on every instance.
    await eventually(() => expect(phaseOf(a.t.app)(target)).toBe('open'), 5000);
    expect(await shared(target)).toMatchObject({ phase: 'open' });
    expect(phaseOf(b.app)(target)).toBe('open');
  });

  it('a reset made on B while A is cut off is not undone by the circuit A opened before it, once A is back', async () => {
    await setRules(1, 60_000);
    const target = targetOf('big-test');
    await cutA();
    // A opens the circuit on its own state (written once Redis is back)...
    await openOn(a.url, target);
    expect(phaseOf(a.t.app)(target)).toBe('open');
    await sleep(20);
    // ...then an admin resets the provider on B, which reaches Redis.
    const res = await fetch(`${b.url}/api/v1/llm/providers/${a.ids.openai}/reset`, {
      method: 'POST',
      headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(res.status).toBe(200);
    await restoreA();
    // The reset is the newer change: closed for both, A's own mirror included.
    await eventually(async () => {
      expect((await shared(target))?.phase ?? 'closed').toBe('closed');
      expect(phaseOf(a.t.app)(target)).toBe('closed');
      expect(phaseOf(b.app)(target)).toBe('closed');
    }, 5000);
    for (const url of [a.url, b.url])
      expect(await chat(url, 'up-openai/big-test')).toEqual({ status: 200, provider: 'up-openai' });
  });

  it('a probe A claimed while cut off and whose client leaves after Redis is back gives its claim back in Redis', async () => {
    await setRules(1, 1500);
    const target = targetOf('big-test');
    await openOn(b.url, target);
    await eventually(() => expect(phaseOf(a.t.app)(target)).toBe('open'), 5000);
    await cutA();
    // The open time passes; A's next request is the probe, claimed on A's own state.
    await sleep(1600);
    a.up.reset();
    a.up.script({ delayMs: 30_000, path: '/chat/completions' });
    const abort = new AbortController();
    const probe = chat(a.url, 'up-openai/big-test', abort.signal).catch((err: Error) => err.name);
    await eventually(() => expect(a.up.requests).toHaveLength(1));
    expect(phaseOf(a.t.app)(target)).toBe('half-open');
    // Redis comes back while the probe is in flight: A writes its claim, so B does not probe as well.
    await restoreA();
    await eventually(async () => expect(await shared(target)).toMatchObject({ phase: 'half-open' }), 5000);
    // The probe's client leaves: its claim is given back in Redis (open, its open time over), not held until it expires.
    abort.abort();
    expect(await probe).toBe('AbortError');
    await eventually(async () => expect(await shared(target)).toMatchObject({ phase: 'open' }), 5000);
    a.up.reset();
    await eventually(() => expect(phaseOf(b.app)(target)).toBe('open'), 5000);
    // B's next request is the probe, answered: the circuit closes for both.
    expect(await chat(b.url, 'up-openai/big-test')).toEqual({ status: 200, provider: 'up-openai' });
    await eventually(async () => expect((await shared(target))?.phase ?? 'closed').toBe('closed'));
  });
  it("an admin's reset on A while it is cut off clears up-openai's rate-limit windows in Redis once A is back", async () => {
    const bucket: BucketConfig = {
      name: 'outage-minute',
      unit: 'requests',
      limit: 2,
      window: { unit: 'minute', size: 1 },
      models: 'all',
    };
    await setBuckets([bucket]);
    try {
      // What Redis counts in the bucket's sliding window, its slots together.
      const counted = async () => {
        const c = bucketCounters('provider', a.ids.openai, bucket, Date.now());
        return (await direct.read([c.key, ...c.earlier])).reduce((s, v) => s + v, 0);
      };
      // B fills the bucket: up-openai takes no more requests.
      for (let i = 0; i < 2; i++)
        expect(await chat(b.url, 'up-openai/big-test')).toEqual({ status: 200, provider: 'up-openai' });
      expect(await counted()).toBe(2);
      expect((await chat(b.url, 'up-openai/big-test')).status).not.toBe(200);
      await cutA();
      await reset();
      await restoreA();
      // The reset reaches Redis: the window is empty, as a reset made while connected leaves it, and B serves again.
      await eventually(async () => expect(await counted()).toBe(0), 5000);
      await eventually(
        async () =>
          expect(await chat(b.url, 'up-openai/big-test')).toEqual({ status: 200, provider: 'up-openai' }),
        5000,
      );
    } finally {
      await setBuckets([]);
    }
  });

  it("the circuit-closed event of A's reset made while cut off reaches B's live events once A is back", async () => {
    await setRules(1, 60_000);
    const target = targetOf('big-test');
    await openOn(b.url, target);
    await eventually(() => expect(phaseOf(a.t.app)(target)).toBe('open'), 5000);
    const seen: unknown[] = [];
    const stop = b.app.events.subscribe((e) => {
      if (e.type === 'circuit' && e.model === 'big-test') seen.push(e);
    });
    try {
      await cutA();
      await reset();
      // The outage goes on a while after the reset.
      await sleep(2500);
      expect(seen).toEqual([]);
      await restoreA();
      await eventually(async () => expect((await shared(target))?.phase ?? 'closed').toBe('closed'), 5000);
      // B's dashboards are told the circuit closed, once.
      await eventually(
        () =>
          expect(seen).toEqual([{ type: 'circuit', provider: 'up-openai', model: 'big-test', open: false }]),
        5000,
      );
    } finally {
      stop();
    }
  });

  it('a probe A claimed while cut off, whose client leaves while its write-back is in flight, is given back in Redis', async () => {
    await setRules(1, 1500);
    const target = targetOf('big-test');
    await openOn(b.url, target);
    await eventually(() => expect(phaseOf(a.t.app)(target)).toBe('open'), 5000);
    await cutA();
    await sleep(1600);
    a.up.reset();
    a.up.script({ delayMs: 30_000, path: '/chat/completions' });
    const abort = new AbortController();
    const probe = chat(a.url, 'up-openai/big-test', abort.signal).catch((err: Error) => err.name);
    await eventually(() => expect(a.up.requests).toHaveLength(1));
    expect(phaseOf(a.t.app)(target)).toBe('half-open');
    // Redis comes back for A, its answers slow: A's write of the claim reaches Redis, the answer is still on its way.
    proxy.setDelay(1200);
    await proxy.restore();
    await eventually(async () => expect(await shared(target)).toMatchObject({ phase: 'half-open' }), 5000);
    expect(redisOf(a.t.app).shared).toBe(false);
    // The probe's client leaves then.
    abort.abort();
    expect(await probe).toBe('AbortError');
    proxy.setDelay(0);
    await eventually(() => expect(redisOf(a.t.app).shared).toBe(true), 15_000);
    // Given back in Redis (open, its open time over), not held until the claim expires.
    await eventually(async () => expect(await shared(target)).toMatchObject({ phase: 'open' }), 5000);
    a.up.reset();
    await eventually(() => expect(phaseOf(b.app)(target)).toBe('open'), 5000);
    expect(await chat(b.url, 'up-openai/big-test')).toEqual({ status: 200, provider: 'up-openai' });
  });

  it("a shorter cooldown B sets after A's reset made while cut off outlives the reset, though B held a longer one from before it", async () => {
    await cutA();
    // Two calls on B: the first is answered once the reset is made (within B's first-byte timeout) with a 30 s
    // cooldown, the second at once with 600 s.
    let answerLate!: () => void;
    const held = new Promise<void>((r) => (answerLate = r));
    a.up.script({ path: '/chat/completions', status: 429, headers: { 'retry-after': '30' }, until: held });
    const late = chat(b.url, 'up-openai/big-test').then((r) => ({ ...r, at: Date.now() }));
    await eventually(() => expect(a.up.requests).toHaveLength(1));
    a.up.script({ path: '/chat/completions', status: 429, headers: { 'retry-after': '600' } });
    expect((await chat(b.url, 'up-openai/big-test')).status).toBe(429);
    // The 600 s cooldown reaches Redis; then an admin resets up-openai on A, which cannot write it yet.
    await eventually(async () => {
      await direct.sync();
      expect(direct.view().cooldownUntil(targetOf('big-test'))).toBeGreaterThan(Date.now() + 500_000);
    });
    await reset();
    const resetDone = Date.now();
    // The 30 s cooldown is set on B after the reset (shorter than the one Redis holds), and reaches Redis.
    answerLate();
    const answer = await late;
    expect(answer.status).toBe(429);
    expect(answer.at).toBeGreaterThan(resetDone);
    await sleep(300);
    await restoreA();
    // The reset reaches Redis...
    const redis = new Redis(REDIS_TEST_URL);
    try {
      await eventually(
        async () => expect(await redis.hget(`${prefix}rst`, `provider:${a.ids.openai}`)).not.toBeNull(),
        5000,
      );
    } finally {
      redis.disconnect();
    }
    // ...and every instance syncs after it: the cooldown set after the reset still holds, up-openai is not called.
    await sleep(500);
    a.up.reset();
    for (const url of [b.url, a.url]) expect((await chat(url, 'up-openai/big-test')).status).not.toBe(200);
    expect(a.up.requests).toHaveLength(0);
  });

  it("a caller's own key cooled on B just before A's reset made while cut off is cleared, though B's write of it reached Redis after the reset", async () => {
    const { prisma, secrets } = a.t.app.ctx;
    const BYOK = 'sk-user-own-outage-race-7777';
    const key = await prisma.byokKey.create({
      data: {
        userId: a.ids.user,
        providerId: a.ids.openai,
        encryptedKey: secrets.encrypt(BYOK),
        last4: '7777',
      },
    });
    try {
      await Promise.all([a.t.app.routing.reload(), b.app.routing.reload()]);
      const model = a.t.app.routing.config.models.find(
        (m) => m.providerId === a.ids.openai && m.modelId === 'big-test',
      )!;
      /** The caller's key's cooldown (on the provider, or on big-test) as `view` holds it. */
      const cooling = (view: { cooldownUntil(t: string): number }) =>
        Math.max(view.cooldownUntil(key.id), view.cooldownUntil(keyModelTarget(key.id, model.id)));
      await cutA();
      // B's writes take 800 ms to reach Redis from now on.
      proxyB.setDelay(800, 'requests');
      a.up.script({ path: '/chat/completions', status: 429, headers: { 'retry-after': '600' } });
      const call = chat(b.url, 'up-openai/big-test', undefined, a.userKey);
      // The caller's key is cooled on B...
      await eventually(() => expect(cooling(b.app.routing.store.view())).toBeGreaterThan(Date.now()), 5000);
      expect(a.up.requests[0]?.headers.authorization).toBe(`Bearer ${BYOK}`);
      // ...then an admin resets up-openai on A, which cannot write it yet.
      await reset();
      // B's write of the cooldown reaches Redis after the reset.
      await eventually(async () => {
        await direct.sync();
        expect(cooling(direct.view())).toBeGreaterThan(Date.now());
      }, 5000);
      await call;
      proxyB.setDelay(0, 'requests');
      await restoreA();
      // The reset came after the cooldown was set: cleared in Redis and on B, and the caller's key is called again.
      await eventually(async () => {
        await direct.sync();
        expect(cooling(direct.view())).toBe(0);
        expect(cooling(b.app.routing.store.view())).toBe(0);
      }, 5000);
      a.up.reset();
      expect((await chat(b.url, 'up-openai/big-test', undefined, a.userKey)).status).toBe(200);
      expect(a.up.requests[0]?.headers.authorization).toBe(`Bearer ${BYOK}`);
    } finally {
      await prisma.byokKey.delete({ where: { id: key.id } });
      await Promise.all([a.t.app.routing.reload(), b.app.routing.reload()]);
    }
  });
});
