// Provider health across two instances on one database and one real Redis: a cooldown one instance caused is
// visible (with its reason) on the other, and a reset made on either clears it on both.
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../app.js';
import { loadEnv } from '../../config/env.js';
import { createDatabase, IN_MEMORY, type Database } from '../../db/client.js';
import { createLogger } from '../../lib/logger.js';
import { createProxyEnv, type ProxyEnv } from '../../test/proxy-env.js';
import { REDIS_TEST_URL, dropPrefix, eventually, testPrefix } from '../../test/redis.js';

const prefix = testPrefix();
const env = { REDIS_URL: REDIS_TEST_URL, REDIS_KEY_PREFIX: prefix, STATE_SYNC_INTERVAL_MS: '50' };
let a: ProxyEnv;
let b: App;
let bDb: Database;
let tokenA: string;
let tokenB: string;
const httpB = () => request(b.handle);

interface Live {
  status: string;
  cooldowns: { scope: string; reason: string | null }[];
}

const healthOn = async (http: ReturnType<typeof request>, token: string, id: string): Promise<Live> => {
  const res = await http.get('/api/v1/llm/providers').set({ authorization: `Bearer ${token}` });
  return (res.body.data as { id: string; health: Live }[]).find((p) => p.id === id)!.health;
};

beforeAll(async () => {
  a = await createProxyEnv({ env });
  const shared = a.t.db;
  bDb = shared.url
    ? await createDatabase({ databaseUrl: shared.url, dataDir: IN_MEMORY, poolSize: 3 })
    : shared;
  b = await createApp({
    env: loadEnv({ LOG_LEVEL: 'silent', SERVE_WEB: 'false', HEALTH_CHECK_TICK_MS: '0', ...env }),
    db: bDb,
    logger: createLogger('silent'),
    secrets: a.t.app.ctx.secrets,
    processEnv: {},
  });
  tokenA = await a.t.tokenFor('admin');
  tokenB = tokenA;
});
afterAll(async () => {
  await b?.close();
  if (bDb && bDb !== a?.t.db) await bDb.close();
  await a?.close();
  await dropPrefix(prefix);
});

describe('provider health with Redis, two instances', () => {
  it('a cooldown caused on one instance shows, with its reason, on the other; a reset on the other clears both', async () => {
    const httpB = request(b.handle);
    a.up.script([{ path: '/chat/completions', status: 401 }]);
    const res = await a.t.http
      .post('/v1/chat/completions')
      .set({ authorization: `Bearer ${a.userKey}` })
      .send({ model: 'up-openai/big-test', messages: [{ role: 'user', content: 'hi' }] });
    expect(res.status).not.toBe(200);

    await eventually(async () => {
      const h = await healthOn(httpB, tokenB, a.ids.openai);
      expect(h.status).toBe('down');
      expect(h.cooldowns).toEqual([
        expect.objectContaining({ scope: 'key', reason: 'credentials rejected: fall back' }),
      ]);
    }, 5000);

    const reset = await httpB
      .post(`/api/v1/llm/providers/${a.ids.openai}/reset`)
      .set({ authorization: `Bearer ${tokenB}` })
      .send({});
    expect(reset.status).toBe(200);
    await eventually(async () => {
      const h = await healthOn(a.t.http, tokenA, a.ids.openai);
      expect(h).toMatchObject({ status: 'healthy', cooldowns: [] });
    }, 5000);
    const again = await a.t.http
      .post('/v1/chat/completions')
      .set({ authorization: `Bearer ${a.userKey}` })
      .send({ model: 'up-openai/big-test', messages: [{ role: 'user', content: 'hi' }] });
    expect(again.status).toBe(200);
  });

  it("a caller's own key cooling down on one instance: a reset on the other lets that caller's key be called again", async () => {
    const { prisma, secrets } = a.t.app.ctx;
    const BYOK = 'sk-user-own-redis-limited-5555';
    await prisma.byokKey.create({
      data: {
        userId: a.ids.user,
        providerId: a.ids.openai,
        encryptedKey: secrets.encrypt(BYOK),
        last4: '5555',
      },
    });
    await Promise.all([a.t.app.routing.reload(), b.routing.reload()]);
    const chat = () =>
      a.t.http
        .post('/v1/chat/completions')
        .set({ authorization: `Bearer ${a.userKey}` })
        .send({ model: 'up-openai/big-test', messages: [{ role: 'user', content: 'hi' }] });
    a.up.reset();
    a.up.script([{ path: '/chat/completions', status: 429, headers: { 'retry-after': '600' } }]);
    expect((await chat()).status).not.toBe(200);
    await eventually(async () => {
      const h = (await healthOn(httpB(), tokenB, a.ids.openai)) as Live & { callerKeyCooldowns: number };
      expect(h).toMatchObject({ status: 'healthy', callerKeyCooldowns: 1 });
    }, 5000);

    const reset = await httpB()
      .post(`/api/v1/llm/providers/${a.ids.openai}/reset`)
      .set({ authorization: `Bearer ${tokenB}` })
      .send({});
    expect(reset.status).toBe(200);
    await eventually(async () => {
      a.up.reset();
      const again = await chat();
      expect(again.status).toBe(200);
      expect(a.up.requests[0]?.headers.authorization).toBe(`Bearer ${BYOK}`);
    }, 5000);
    await prisma.byokKey.deleteMany({ where: { providerId: a.ids.openai } });
  });
});
