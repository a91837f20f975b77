// Admin API changes are limited per user (ADMIN_WRITE_RATE_LIMIT_PER_MINUTE): a user switching their key on and off
// without end (each switch reloads routing on every instance) is told to wait with 429 and Retry-After, while reading
// goes on and other users are not held up. Counted in the state store: with Redis the limit holds across instances.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EnvError, loadEnv } from '../../config/env.js';
import { startInstance, type Instance } from '../../test/instance.js';
import { MASTER_KEY, createProxyEnv, type ProxyEnv } from '../../test/proxy-env.js';
import { REDIS_TEST_URL, dropPrefix, testPrefix } from '../../test/redis.js';

const LIMIT = 5;

describe('admin API changes are limited per user', () => {
  let prefix: string;
  let a: ProxyEnv;
  let b: Instance;

  beforeAll(async () => {
    prefix = testPrefix();
    const env = {
      REDIS_URL: REDIS_TEST_URL,
      REDIS_KEY_PREFIX: prefix,
      REDIS_COMMAND_TIMEOUT_MS: '5000',
      ADMIN_WRITE_RATE_LIMIT_PER_MINUTE: String(LIMIT),
    };
    a = await createProxyEnv({ env });
    b = await startInstance(a, { GATEWAY_MASTER_KEY: MASTER_KEY, ...env });
  });

  afterAll(async () => {
    await b?.close();
    await a?.close();
    await dropPrefix(prefix);
  });

  /** A new user with a stored BYOK key, signed in: its token. */
  async function userWithKey(): Promise<string> {
    const token = await a.t.tokenFor('user');
    const put = await a.t.http
      .put(`/api/v1/me/byok/${a.ids.openai}`)
      .set('authorization', `Bearer ${token}`)
      .send({ apiKey: 'sk-user-own-key-0123456789' });
    expect(put.status, put.text).toBe(200);
    return token;
  }

  const toggle = (base: 'a' | 'b', token: string, status: 'active' | 'disabled') => {
    const path = `/api/v1/me/byok/${a.ids.openai}`;
    const body = JSON.stringify({ status });
    if (base === 'a')
      return a.t.http
        .patch(path)
        .set('authorization', `Bearer ${token}`)
        .send({ status })
        .then((r) => ({ status: r.status, headers: r.headers as Record<string, string>, body: r.body }));
    return fetch(`${b.url}${path}`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body,
    }).then(async (r) => ({
      status: r.status,
      headers: Object.fromEntries(r.headers) as Record<string, string>,
      body: (await r.json()) as unknown,
    }));
  };

  it('a user switching a key in a loop gets 429 with Retry-After and a clear JSON error past the limit', async () => {
    const token = await userWithKey();
    // The key was stored (1 change); the switches take the rest of the minute's allowance.
    const results = [];
    for (let i = 0; i < LIMIT + 2; i++) results.push(await toggle('a', token, i % 2 ? 'active' : 'disabled'));
    expect(results.slice(0, LIMIT - 1).map((r) => r.status)).toEqual(Array(LIMIT - 1).fill(200));
    const refused = results.slice(LIMIT - 1);
    for (const r of refused) {
      expect(r.status).toBe(429);
      expect(Number(r.headers['retry-after'])).toBeGreaterThan(0);
      // The minute slides in ten slots: room comes back at most a slot (6 s) later than an exact log would give it.
      expect(Number(r.headers['retry-after'])).toBeLessThanOrEqual(66);
      expect(r.body).toMatchObject({
        error: {
          code: 'rate_limited',
          message: expect.stringContaining(`at most ${LIMIT} a minute per user`),
          details: { retryAfterSeconds: Number(r.headers['retry-after']), limit: LIMIT, window: 'minute' },
        },
      });
    }
    // Reading goes on, and another user's changes are not held up.
    const list = await a.t.http.get('/api/v1/me/byok').set('authorization', `Bearer ${token}`);
    expect(list.status).toBe(200);
    const other = await userWithKey();
    expect((await toggle('a', other, 'disabled')).status).toBe(200);
    // A refused change was not made: the key is as the last admitted switch left it.
    expect(list.body.data.find((k: { providerId: string }) => k.providerId === a.ids.openai).status).toBe(
      (LIMIT - 2) % 2 ? 'active' : 'disabled',
    );
  });

  it('one limit across instances (Redis): changes on A and B count together', async () => {
    const token = await userWithKey();
    for (let i = 0; i < LIMIT - 1; i++)
      expect((await toggle(i % 2 ? 'b' : 'a', token, i % 2 ? 'active' : 'disabled')).status).toBe(200);
    expect((await toggle('b', token, 'active')).status).toBe(429);
    expect((await toggle('a', token, 'active')).status).toBe(429);
  });

  it('signing in and out is not counted', async () => {
    const user = await a.t.createUser('user');
    for (let i = 0; i < LIMIT + 2; i++) {
      const login = await a.t.http
        .post('/api/v1/auth/login')
        .send({ email: user.email, password: user.password });
      expect(login.status, login.text).toBe(200);
      const out = await a.t.http
        .post('/api/v1/auth/logout')
        .set('authorization', `Bearer ${login.body.token}`);
      expect(out.status).toBeLessThan(300);
    }
  });

  it('ADMIN_WRITE_RATE_LIMIT_PER_MINUTE: 300 by default, 0 turns it off, anything else but 0..1000000 stops start-up', () => {
    expect(loadEnv({}).ADMIN_WRITE_RATE_LIMIT_PER_MINUTE).toBe(300);
    expect(loadEnv({ ADMIN_WRITE_RATE_LIMIT_PER_MINUTE: '0' }).ADMIN_WRITE_RATE_LIMIT_PER_MINUTE).toBe(0);
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.integer().map(String), fc.double().map(String)), (raw) => {
        let value: number;
        try {
          value = loadEnv({ ADMIN_WRITE_RATE_LIMIT_PER_MINUTE: raw }).ADMIN_WRITE_RATE_LIMIT_PER_MINUTE;
        } catch (err) {
          expect(err).toBeInstanceOf(EnvError);
          expect(String((err as Error).message)).toContain('ADMIN_WRITE_RATE_LIMIT_PER_MINUTE');
          return;
        }
        expect(Number.isInteger(value) && value >= 0 && value <= 1_000_000).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});
