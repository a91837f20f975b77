// Sign-in throttling under concurrency: the attempt is counted before the password is checked, so a burst of
// wrong passwords on one account gets at most the limit of evaluations, and the right password sent in the
// same burst, once the limit is taken, is refused too. In process and on a real Redis shared by two instances.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../lib/logger.js';
import { RedisStateStore } from '../../router/redis-state-store.js';
import { MemoryStateStore } from '../../router/state-store.js';
import { createTestApp, type TestApp } from '../../test/app.js';
import { REDIS_TEST_URL, dropPrefix, testPrefix } from '../../test/redis.js';
import { AuthService } from './auth.service.js';
import { DEFAULT_THROTTLE, LoginThrottle, type ThrottleCounters } from './login-throttle.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t?.close();
});

type Outcome = 'ok' | 'invalid_credentials' | 'rate_limited' | string;

async function burst(svc: AuthService, email: string, passwords: string[]): Promise<Outcome[]> {
  // Every call starts before any finishes (one tick), like 45 requests arriving together.
  return Promise.all(
    passwords.map((password) =>
      svc.login(email, password, { ip: '203.0.113.7' }).then(
        () => 'ok',
        (err: { code?: string }) => err.code ?? 'error',
      ),
    ),
  );
}

function service(counters: ThrottleCounters): AuthService {
  return new AuthService(t.app.ctx.prisma, {
    sessionTtlMs: 60_000,
    throttle: new LoginThrottle(DEFAULT_THROTTLE, Date.now, counters),
  });
}

async function expectAtomic(svcA: AuthService, svcB: AuthService) {
  const victim = await t.createUser('user');
  const wrong = Array.from({ length: 45 }, (_, i) => `wrong-${i}`);
  // 45 wrong passwords at once, split over two services that share one counter store, then the right one last.
  const [a, b] = await Promise.all([
    burst(svcA, victim.email, [...wrong.slice(0, 23)]),
    burst(svcB, victim.email, [...wrong.slice(23), victim.password]),
  ]);
  const all = [...a, ...b];
  const evaluated = all.filter((o) => o === 'invalid_credentials').length;
  expect(evaluated).toBeLessThanOrEqual(DEFAULT_THROTTLE.perAccount);
  expect(all.filter((o) => o === 'rate_limited').length).toBe(
    46 - evaluated - all.filter((o) => o === 'ok').length,
  );
  // The right password came last: the limit was taken, so it did not slip through.
  expect(b.at(-1)).toBe('rate_limited');
  expect(all).not.toContain('ok');
  // And while the account is locked, the right password stays refused.
  await expect(svcA.login(victim.email, victim.password, { ip: '198.51.100.1' })).rejects.toMatchObject({
    status: 429,
  });
}

describe('sign-in throttling is atomic', () => {
  it('in process: 45 concurrent wrong passwords → at most 10 evaluated; the right one in the burst is refused', async () => {
    const store = new MemoryStateStore();
    await expectAtomic(service(store), service(store));
  });

  it('over HTTP: 45 concurrent wrong passwords get at most 10 401s, the rest 429 with Retry-After', async () => {
    const victim = await t.createUser('user');
    const res = await Promise.all(
      Array.from({ length: 45 }, (_, i) =>
        t.http.post('/api/v1/auth/login').send({ email: victim.email, password: `wrong-${i}` }),
      ),
    );
    expect(res.filter((r) => r.status === 401).length).toBeLessThanOrEqual(10);
    const limited = res.filter((r) => r.status === 429);
    expect(limited.length).toBeGreaterThanOrEqual(35);
    expect(Number(limited[0]!.headers['retry-after'])).toBeGreaterThan(0);
    expect(
      (await t.http.post('/api/v1/auth/login').send({ email: victim.email, password: victim.password }))
        .status,
    ).toBe(429);
  });

  it("a right password clears the account's failures: the next burst gets the full allowance again", async () => {
    const store = new MemoryStateStore();
    const svc = service(store);
    const u = await t.createUser('user');
    for (let i = 0; i < 9; i++)
      await expect(svc.login(u.email, 'wrong', { ip: '192.0.2.9' })).rejects.toMatchObject({ status: 401 });
    await svc.login(u.email, u.password, { ip: '192.0.2.9' });
    // After the success the account has its full allowance again.
    const outcomes = await burst(
      svc,
      u.email,
      Array.from({ length: 12 }, (_, i) => `again-${i}`),
    );
    expect(outcomes.filter((o) => o === 'invalid_credentials').length).toBe(10);
  });

  it('on Redis shared by two instances: the same burst gets at most 10 evaluations across both', async () => {
    const prefix = testPrefix();
    const logger = createLogger('silent');
    const a = new RedisStateStore({ url: REDIS_TEST_URL, logger, prefix });
    const b = new RedisStateStore({ url: REDIS_TEST_URL, logger, prefix });
    try {
      expect(await a.start()).toBe(true);
      expect(await b.start()).toBe(true);
      await expectAtomic(service(a), service(b));
    } finally {
      await a.close();
      await b.close();
      await dropPrefix(prefix);
    }
  });
});

// The limit holds over any 15 minutes, not per calendar quarter-hour: failures just before a window boundary still
// count just after it (fixed windows gave an attacker the limit twice across a boundary).
describe('sign-in throttling slides', () => {
  const QUARTER = 15 * 60_000;

  async function acrossBoundary(counters: ThrottleCounters, clock: { t: number }) {
    const throttle = new LoginThrottle(DEFAULT_THROTTLE, () => clock.t, counters);
    const email = `slide-${Math.random().toString(36).slice(2)}@example.com`;
    const boundary = Math.ceil(Date.now() / QUARTER) * QUARTER + 10 * QUARTER;
    const attempt = async () => {
      const r = await throttle.reserve(email, '203.0.113.40');
      if (r.ok) r.reservation.failed();
      return r;
    };
    // The whole allowance, one second before a quarter-hour boundary.
    clock.t = boundary - 1000;
    for (let i = 0; i < DEFAULT_THROTTLE.perAccount; i++) expect((await attempt()).ok).toBe(true);
    // Two seconds later, across the boundary: still refused, and told to come back when the failures have left.
    clock.t = boundary + 1000;
    const after = await attempt();
    expect(after.ok).toBe(false);
    expect(after.ok ? 0 : after.retryAfterSeconds).toBeGreaterThan(14 * 60);
    // Fifteen minutes after the failures (and a slot of the window), the account may try again.
    clock.t = boundary - 1000 + QUARTER + QUARTER / 10;
    expect((await attempt()).ok).toBe(true);
  }

  it('in process: 10 failures before a window boundary still refuse an attempt just after it', async () => {
    const clock = { t: 0 };
    await acrossBoundary(new MemoryStateStore(() => clock.t), clock);
  });

  it('on Redis: 10 failures before a window boundary still refuse an attempt just after it', async () => {
    const clock = { t: 0 };
    const prefix = testPrefix();
    const store = new RedisStateStore({
      url: REDIS_TEST_URL,
      logger: createLogger('silent'),
      prefix,
      now: () => clock.t,
    });
    try {
      expect(await store.start()).toBe(true);
      await acrossBoundary(store, clock);
    } finally {
      await store.close();
      await dropPrefix(prefix);
    }
  });
});
