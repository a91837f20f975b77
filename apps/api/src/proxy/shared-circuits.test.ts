// A provider × model circuit breaker shared by two gateway instances on one database and one real Redis, traffic
// through the mock upstream. Each instance decides on its mirror of the shared state, which lags the others' by up
// to a sync: here the syncs are made by hand (the interval is an hour), so "B has not seen A's failures yet" is a
// state the test sets up, not a race it hopes for.
import { bucketCounters, modelTarget, type BucketConfig } from '@switchyard/core';
import { createLogger } from '../lib/logger.js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { RedisStateStore } from '../router/redis-state-store.js';
import { startInstance, redisOf, type Instance } from '../test/instance.js';
import { MASTER_KEY, createProxyEnv, type ProxyEnv } from '../test/proxy-env.js';
import { REDIS_TEST_URL, dropPrefix, eventually, testPrefix } from '../test/redis.js';

async function chat(base: string, model: string, signal?: AbortSignal) {
  const res = await fetch(`${base}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${MASTER_KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model, messages: [{ role: 'user', content: 'Hello there' }], max_tokens: 20 }),
    ...(signal ? { signal } : {}),
  });
  await res.arrayBuffer();
  return { status: res.status, provider: res.headers.get('x-switchyard-provider') };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** An instance's switchyard_circuit_open for up-openai's `model`, as /metrics shows it (null: no such series). */
async function circuitGauge(app: { metrics: { registry: { metrics(): Promise<string> } } }, model: string) {
  const prefix = `switchyard_circuit_open{provider="up-openai",model="${model}"} `;
  const line = (await app.metrics.registry.metrics()).split('\n').find((l) => l.startsWith(prefix));
  return line === undefined ? null : Number(line.slice(prefix.length));
}

describe('a circuit breaker shared by two instances over Redis', () => {
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
  /** Both instances' mirrors read the shared state now. */
  const syncBoth = async () => {
    await redisOf(a.t.app).sync();
    await redisOf(b.app).sync();
  };

  beforeAll(async () => {
    prefix = testPrefix();
    const env = {
      REDIS_URL: REDIS_TEST_URL,
      REDIS_KEY_PREFIX: prefix,
      REDIS_COMMAND_TIMEOUT_MS: '5000',
      STATE_SYNC_INTERVAL_MS: '3600000',
    };
    a = await createProxyEnv({ env });
    b = await startInstance(a, {
      GATEWAY_MASTER_KEY: MASTER_KEY,
      USAGE_FLUSH_INTERVAL_MS: '50',
      UPSTREAM_FIRST_BYTE_TIMEOUT_MS: '1500',
      UPSTREAM_IDLE_TIMEOUT_MS: '1500',
      ...env,
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
    const res = await a.t.http
      .post(`/api/v1/llm/providers/${a.ids.openai}/reset`)
      .set('authorization', `Bearer ${adminToken}`)
      .send({});
    expect(res.status).toBe(200);
    await syncBoth();
    a.up.reset();
  });

  afterAll(async () => {
    await b?.close();
    await a?.close();
    await direct?.close();
    if (prefix) await dropPrefix(prefix);
  });

  it("a success on an instance that has not seen another's failures ends their run: one more failure does not open the circuit", async () => {
    await setRules(3, 60_000);
    const target = targetOf('big-test');
    // A: two failed calls of big-test (only up-openai serves it): two of the three failures that open the circuit.
    a.up.script([
      { status: 500, path: '/chat/completions' },
      { status: 500, path: '/chat/completions' },
    ]);
    for (let i = 0; i < 2; i++)
      expect((await chat(a.url, 'up-openai/big-test')).status).toBeGreaterThanOrEqual(500);
    await eventually(async () =>
      expect(await shared(target)).toMatchObject({ phase: 'closed', failures: 2 }),
    );
    // B has not synced since: its view of the circuit is empty. Its call succeeds; the run of failures is over.
    expect(b.app.routing.store.view().circuit(target)).toBeUndefined();
    expect(await chat(b.url, 'up-openai/big-test')).toEqual({ status: 200, provider: 'up-openai' });
    await eventually(async () => expect((await shared(target))?.failures ?? 0).toBe(0));

    // One more failure on A is the first of a new run, not the third in a row.
    a.up.script({ status: 500, path: '/chat/completions' });
    expect((await chat(a.url, 'up-openai/big-test')).status).toBeGreaterThanOrEqual(500);
    await eventually(async () =>
      expect(await shared(target)).toEqual({ phase: 'closed', failures: 1, openedAt: 0 }),
    );
    // A counted it on its own view (two failures): open there until its mirror reads the shared circuit back.
    await eventually(async () => {
      await syncBoth();
      for (const app of [a.t.app, b.app])
        expect(app.routing.store.view().circuit(target)).toEqual({
          phase: 'closed',
          failures: 1,
          openedAt: 0,
        });
    });
    for (const url of [a.url, b.url])
      expect(await chat(url, 'up-openai/big-test')).toEqual({ status: 200, provider: 'up-openai' });
  });

  it("a success on an instance that has not seen another's open circuit closes it, and the closed event is published once", async () => {
    await setRules(1, 60_000);
    const target = targetOf('big-test');
    // Every circuit event on the live bus, whichever instance published it (A's listeners get B's through Redis).
    const seen: unknown[] = [];
    const stop = a.t.app.events.subscribe((e) => {
      if (e.type === 'circuit' && e.model === 'big-test') seen.push(e);
    });
    try {
      a.up.script({ status: 500, path: '/chat/completions' });
      expect((await chat(a.url, 'up-openai/big-test')).status).toBeGreaterThanOrEqual(500);
      await eventually(async () => expect(await shared(target)).toMatchObject({ phase: 'open' }));
      await eventually(() =>
        expect(seen).toEqual([{ type: 'circuit', provider: 'up-openai', model: 'big-test', open: true }]),
      );
      expect(await circuitGauge(a.t.app, 'big-test')).toBe(1);
      // B has not synced: on its view the circuit is closed, so its call goes, succeeds, and closes it for all.
      expect(b.app.routing.store.view().circuit(target)).toBeUndefined();
      expect(await chat(b.url, 'up-openai/big-test')).toEqual({ status: 200, provider: 'up-openai' });
      await eventually(async () => expect((await shared(target))?.phase).toBe('closed'));
      await eventually(() => expect(seen).toHaveLength(2));
      // Both instances catch up and answer again: nothing more is published.
      await syncBoth();
      // Each instance's /metrics shows the shared circuit closed, the one that opened it too (B never saw it open:
      // no series).
      expect(await circuitGauge(a.t.app, 'big-test')).toBe(0);
      expect((await circuitGauge(b.app, 'big-test')) ?? 0).toBe(0);
      for (const url of [a.url, b.url])
        expect(await chat(url, 'up-openai/big-test')).toEqual({ status: 200, provider: 'up-openai' });
      expect(seen).toEqual([
        { type: 'circuit', provider: 'up-openai', model: 'big-test', open: true },
        { type: 'circuit', provider: 'up-openai', model: 'big-test', open: false },
      ]);
    } finally {
      stop();
    }
  });

  /**
   * Opens up-openai's gpt-test circuit (one failure, the threshold), lets both instances see it open and waits out
   * the open time: the next call to it is the half-open probe. Every later call to the upstream takes 400 ms, so the
   * probe is still in flight while the other requests are routed.
   */
  const openAndWaitOut = async () => {
    await setRules(1, 1000);
    const target = targetOf('gpt-test');
    a.up.script({ status: 500, path: '/chat/completions' });
    // up-openai fails, up-backup answers: the request is served, the circuit opens.
    expect(await chat(a.url, 'gpt-test')).toEqual({ status: 200, provider: 'up-backup' });
    await eventually(async () => expect(await shared(target)).toMatchObject({ phase: 'open', failures: 1 }));
    await syncBoth();
    for (const app of [a.t.app, b.app]) {
      expect(app.routing.store.view().circuit(target)).toMatchObject({ phase: 'open' });
      // B's /metrics shows the circuit A opened.
      expect(await circuitGauge(app, 'gpt-test')).toBe(1);
    }
    await sleep(1100);
    a.up.reset();
    a.up.script(Array.from({ length: 20 }, () => ({ delayMs: 400, path: '/chat/completions' })));
    return target;
  };

  it('when the open time ends, one probe goes to the target across both instances; the other requests fall back', async () => {
    const target = await openAndWaitOut();
    const results = await Promise.all(
      [a.url, b.url, a.url, b.url, a.url, b.url].map((u) => chat(u, 'gpt-test')),
    );
    expect(results.map((r) => r.status)).toEqual([200, 200, 200, 200, 200, 200]);
    expect(results.filter((r) => r.provider === 'up-openai')).toHaveLength(1);
    expect(results.filter((r) => r.provider === 'up-backup')).toHaveLength(5);
    // The probe answered: closed everywhere, and both instances send the next calls to up-openai again.
    await eventually(async () => expect((await shared(target))?.phase).toBe('closed'));
    await syncBoth();
    for (const url of [a.url, b.url]) expect((await chat(url, 'gpt-test')).provider).toBe('up-openai');
  });

  it("a probe whose client hangs up gives its claim back: the other instance's next request is the probe", async () => {
    const target = await openAndWaitOut();
    a.up.reset();
    a.up.script({ delayMs: 5000, path: '/chat/completions' });
    // A's request is the probe; its client leaves once up-openai has it, before any answer.
    const abort = new AbortController();
    const probe = chat(a.url, 'gpt-test', abort.signal).catch((err: Error) => err.name);
    await eventually(() => expect(a.up.requests).toHaveLength(1));
    expect(await shared(target)).toMatchObject({ phase: 'half-open' });
    abort.abort();
    expect(await probe).toBe('AbortError');
    // The claim is given back in Redis: open, its open time over (it was held until the claim expired).
    await eventually(async () => expect(await shared(target)).toMatchObject({ phase: 'open' }));
    await syncBoth();
    a.up.reset();
    // B's next request is the probe, answered: the circuit closes for both.
    expect(await chat(b.url, 'gpt-test')).toEqual({ status: 200, provider: 'up-openai' });
    await eventually(async () => expect((await shared(target))?.phase ?? 'closed').toBe('closed'));
  });

  it('one probe within one instance under concurrent requests', async () => {
    await openAndWaitOut();
    const results = await Promise.all(Array.from({ length: 6 }, () => chat(b.url, 'gpt-test')));
    expect(results.map((r) => r.status)).toEqual([200, 200, 200, 200, 200, 200]);
    expect(results.filter((r) => r.provider === 'up-openai')).toHaveLength(1);
  });

  it('a target with nothing to fall back to: the requests that are not the probe get the circuit-open answer, and take back what they reserved', async () => {
    await setRules(1, 1000);
    const target = targetOf('big-test');
    // A bucket on up-openai: a request refused for the probe must not count in it (it was never sent).
    const bucket: BucketConfig = {
      name: 'probe-day',
      unit: 'requests',
      limit: 1000,
      window: { unit: 'day', size: 1 },
      models: 'all',
    };
    await setBuckets([bucket]);
    try {
      a.up.script({ status: 500, path: '/chat/completions' });
      expect((await chat(a.url, 'up-openai/big-test')).status).toBeGreaterThanOrEqual(500);
      await eventually(async () => expect(await shared(target)).toMatchObject({ phase: 'open' }));
      await syncBoth();
      await sleep(1100);
      a.up.reset();
      a.up.script(Array.from({ length: 6 }, () => ({ delayMs: 400, path: '/chat/completions' })));
      // The bucket's sliding window, its slots together.
      const c = bucketCounters('provider', a.ids.openai, bucket, Date.now());
      const counted = async () => (await direct.read([c.key, ...c.earlier])).reduce((s, v) => s + v, 0);
      const before = await counted();
      const results = await Promise.all(
        [a.url, b.url, a.url, b.url].map((u) => chat(u, 'up-openai/big-test')),
      );
      expect(a.up.requests).toHaveLength(1);
      expect(results.map((r) => r.status).sort()).toEqual([200, 503, 503, 503]);
      await eventually(async () => expect((await counted()) - before).toBe(1));
    } finally {
      await setBuckets([]);
    }
  });
});
