// A user switching their own key off and on in a loop used to make every other instance reload its routing once per
// switch (each change is a note on the config bus). Notes that arrive close together now share one load; the last
// change is never lost. Two instances on one database and one real Redis; reloads counted by the instances' own
// `switchyard_routing_reloads_total`.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../app.js';
import { startInstance, type Instance } from '../test/instance.js';
import { MASTER_KEY, createProxyEnv, type ProxyEnv } from '../test/proxy-env.js';
import { dropPrefix, eventually, testPrefix } from '../test/redis.js';
import { REDIS_TEST_URL } from '../test/redis.js';

async function reloads(app: App): Promise<number> {
  const text = await app.metrics.registry.metrics();
  const line = text.split('\n').find((l) => l.startsWith('switchyard_routing_reloads_total '));
  return Number(line?.split(' ').at(-1) ?? 0);
}

describe('routing reloads for changes made on another instance coalesce', () => {
  let prefix: string;
  let a: ProxyEnv;
  let b: Instance;
  let token: string;

  beforeAll(async () => {
    prefix = testPrefix();
    const env = {
      REDIS_URL: REDIS_TEST_URL,
      REDIS_KEY_PREFIX: prefix,
      REDIS_COMMAND_TIMEOUT_MS: '5000',
      CONFIG_RELOAD_COALESCE_MS: '5000',
      ADMIN_WRITE_RATE_LIMIT_PER_MINUTE: '0',
    };
    a = await createProxyEnv({ env });
    b = await startInstance(a, { GATEWAY_MASTER_KEY: MASTER_KEY, ...env });
    const user = await a.t.app.ctx.prisma.user.findUniqueOrThrow({ where: { id: a.ids.user } });
    const login = await a.t.http
      .post('/api/v1/auth/login')
      .send({ email: user.email, password: a.userPassword });
    expect(login.status, login.text).toBe(200);
    token = login.body.token as string;
  });

  afterAll(async () => {
    await b?.close();
    await a?.close();
    await dropPrefix(prefix);
  });

  const byokOnB = () => b.app.routing.config.byok.get(a.ids.user)?.has(a.ids.openai) ?? false;

  it('20 switches of a BYOK key in a row: the other instance reloads a few times, and ends with the key off', async () => {
    const put = await a.t.http
      .put(`/api/v1/me/byok/${a.ids.openai}`)
      .set('authorization', `Bearer ${token}`)
      .send({ apiKey: 'sk-user-own-key-0123456789' });
    expect(put.status, put.text).toBe(200);
    await eventually(() => expect(byokOnB()).toBe(true), 15_000);
    const before = await reloads(b.app);
    const N = 20;
    for (let i = 0; i < N; i++) {
      const status = i % 2 === 0 ? 'disabled' : 'active';
      const res = await a.t.http
        .patch(`/api/v1/me/byok/${a.ids.openai}`)
        .set('authorization', `Bearer ${token}`)
        .send({ status: i === N - 1 ? 'disabled' : status });
      expect(res.status, res.text).toBe(200);
    }
    // The last switch turned the key off: the instance that made it routes without it at once...
    expect(a.t.app.routing.config.byok.get(a.ids.user)?.has(a.ids.openai) ?? false).toBe(false);
    // ...and the other one once its coalesced load has run.
    await eventually(() => expect(byokOnB()).toBe(false), 15_000);
    const loads = (await reloads(b.app)) - before;
    expect(loads).toBeGreaterThanOrEqual(1);
    expect(loads).toBeLessThanOrEqual(N / 4);
  });
});
