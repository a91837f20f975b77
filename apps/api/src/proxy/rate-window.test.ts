// Rate limits slide: a key allowed N requests a minute gets at most N in any 60 s, not N before a minute boundary and
// N more just after it. Through the proxy, against the real HTTP mock upstream, with the gateway's clock moved by the
// test (no waiting for real windows): on one instance (the in-process store), and on two instances sharing Redis,
// which together admit no more than the limit.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateGatewayKey } from '../lib/key-format.js';
import { startInstance, type Instance } from '../test/instance.js';
import { MASTER_KEY, createProxyEnv, type ProxyEnv } from '../test/proxy-env.js';
import { REDIS_TEST_URL, dropPrefix, testPrefix } from '../test/redis.js';

/**
 * The gateway's clock: real time moved by `shift`, set at the start 10 s before a minute boundary (0:50), so the first
 * burst sits in the window's slot 0:48–0:54, which leaves the sliding minute at 1:54.
 */
function testClock() {
  const real = Date.now();
  const minute = Math.ceil(real / 60_000) * 60_000 + 60_000;
  const offset = minute - 10_000 - real;
  let shift = 0;
  return {
    now: () => Date.now() + offset + shift,
    /** The minute the test starts in: its 0:00 (so 0:50 is `minute + 50 s`). */
    minute: minute - 60_000,
    /** Move the clock so it reads `at` now. */
    set(at: number) {
      shift += at - (Date.now() + offset + shift);
    },
  };
}

const S = 1000;

async function keyWith(env: ProxyEnv, rpmLimit: number): Promise<string> {
  const k = generateGatewayKey();
  await env.t.app.ctx.prisma.gatewayKey.create({
    data: {
      keyHash: k.hash,
      prefix: k.prefix,
      name: 'rpm',
      ownerType: 'user',
      userId: env.ids.user,
      rpmLimit,
    },
  });
  await env.t.app.routing.reload();
  return k.key;
}

async function chat(base: string, key: string) {
  const res = await fetch(`${base}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      model: 'up-openai/gpt-test',
      max_tokens: 5,
      messages: [{ role: 'user', content: 'hi' }],
    }),
  });
  const body = (await res.json()) as { error?: { code?: string } };
  return { status: res.status, retryAfter: res.headers.get('retry-after'), code: body.error?.code };
}

/** `n` requests one after another, alternating between `bases`. */
async function burst(bases: string[], key: string, n: number) {
  const out = [];
  for (let i = 0; i < n; i++) out.push(await chat(bases[i % bases.length]!, key));
  return out;
}

const statuses = (rs: { status: number }[]) => rs.map((r) => r.status);

describe('a key’s requests-per-minute limit holds in any 60 s (one instance)', () => {
  let env: ProxyEnv;
  const clock = testClock();
  beforeAll(async () => {
    env = await createProxyEnv({ now: clock.now });
  });
  afterAll(async () => {
    await env?.close();
  });

  it('10 at 0:50 and 10 more at 1:02 (across the minute boundary): the second ten are refused, Retry-After says when the window has room, and it has then', async () => {
    const key = await keyWith(env, 10);
    const before = env.up.requests.length;
    clock.set(clock.minute + 50 * S);
    expect(statuses(await burst([env.url], key, 10))).toEqual(Array(10).fill(200));

    clock.set(clock.minute + 62 * S);
    const t0 = clock.now();
    const late = await burst([env.url], key, 10);
    const t1 = clock.now();
    expect(statuses(late)).toEqual(Array(10).fill(429));
    expect(late.every((r) => r.code === 'rate_limited')).toBe(true);
    // The first ten leave the sliding minute with their slot (0:48–0:54) at 1:54.
    const freeAt = clock.minute + 114 * S;
    for (const r of late) {
      const wait = Number(r.retryAfter);
      expect(wait).toBeGreaterThanOrEqual(Math.ceil((freeAt - t1) / 1000));
      expect(wait).toBeLessThanOrEqual(Math.ceil((freeAt - t0) / 1000));
    }
    expect(env.up.requests.length - before).toBe(10);

    clock.set(freeAt - 1 * S);
    expect((await chat(env.url, key)).status).toBe(429);
    clock.set(freeAt);
    expect(statuses(await burst([env.url], key, 11))).toEqual([...Array(10).fill(200), 429]);
    expect(env.up.requests.length - before).toBe(20);
  });
});

describe('a key’s requests-per-minute limit holds in any 60 s across two instances on one Redis', () => {
  let a: ProxyEnv;
  let b: Instance;
  let prefix: string;
  const clock = testClock();
  beforeAll(async () => {
    prefix = testPrefix();
    const env = { REDIS_URL: REDIS_TEST_URL, REDIS_KEY_PREFIX: prefix, REDIS_COMMAND_TIMEOUT_MS: '5000' };
    a = await createProxyEnv({ env, now: clock.now });
    b = await startInstance(
      a,
      {
        GATEWAY_MASTER_KEY: MASTER_KEY,
        USAGE_FLUSH_INTERVAL_MS: '50',
        UPSTREAM_FIRST_BYTE_TIMEOUT_MS: '1500',
        UPSTREAM_IDLE_TIMEOUT_MS: '1500',
        ...env,
      },
      clock.now,
    );
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
    if (prefix) await dropPrefix(prefix);
  });

  it('concurrent requests on both at 0:50 admit exactly 10; both refuse at 1:02; at 1:54 the window has room for 10 again', async () => {
    const key = await keyWith(a, 10);
    await b.app.routing.reload();
    const bases = [a.url, b.url];
    const before = a.up.requests.length;

    clock.set(clock.minute + 50 * S);
    const first = await Promise.all(Array.from({ length: 16 }, (_, i) => chat(bases[i % 2]!, key)));
    expect(first.filter((r) => r.status === 200)).toHaveLength(10);
    expect(first.filter((r) => r.status === 429)).toHaveLength(6);

    clock.set(clock.minute + 62 * S);
    const late = await burst(bases, key, 10);
    expect(statuses(late)).toEqual(Array(10).fill(429));
    for (const r of late) expect(Number(r.retryAfter)).toBeGreaterThan(40);
    expect(a.up.requests.length - before).toBe(10);

    clock.set(clock.minute + 113 * S);
    expect(statuses(await burst(bases, key, 2))).toEqual([429, 429]);
    clock.set(clock.minute + 114 * S);
    const again = await Promise.all(Array.from({ length: 14 }, (_, i) => chat(bases[i % 2]!, key)));
    expect(again.filter((r) => r.status === 200)).toHaveLength(10);
    expect(a.up.requests.length - before).toBe(20);
  });
});
