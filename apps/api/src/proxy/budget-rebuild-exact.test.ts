// A budget counter rebuilt from the database (Redis lost its data) while another instance is writing usage records.
// The rebuild holds the records the database had when it read it; every other instance then adds what it spent that
// the rebuild did not hold. That used to be decided by time: records another instance wrote up to a second before
// the rebuild's read were added again, though the read held them (counted twice: a caller refused early). The read
// now takes the database's snapshot with the spend, and each instance knows the transaction of each of its writes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { budgetKey } from '@switchyard/core';
import { generateGatewayKey } from '../lib/key-format.js';
import { createTestDatabase, type TestDatabase } from '../test/db.js';
import { redisOf, startInstance, type Instance } from '../test/instance.js';
import { MASTER_KEY, createProxyEnv, type ProxyEnv } from '../test/proxy-env.js';
import { REDIS_TEST_URL, dropPrefix, eventually, testPrefix } from '../test/redis.js';

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

describe('a budget rebuilt while another instance writes usage (two instances, one database, one Redis)', () => {
  let db: TestDatabase;
  let prefix: string;
  let a: ProxyEnv;
  let b: Instance;

  beforeAll(async () => {
    db = await createTestDatabase();
    prefix = testPrefix();
    const env = { REDIS_URL: REDIS_TEST_URL, REDIS_KEY_PREFIX: prefix, USAGE_FLUSH_INTERVAL_MS: '50' };
    a = await createProxyEnv({ db, env });
    b = await startInstance(a, {
      GATEWAY_MASTER_KEY: MASTER_KEY,
      ...env,
      ...(db.url ? { DATABASE_URL: db.url } : {}),
    });
  }, 60_000);
  afterAll(async () => {
    await b?.close();
    await a?.close();
    await db?.close();
    await dropPrefix(prefix);
  });

  it('counts a record the other instance wrote just before the rebuild read the database once', async () => {
    const { prisma } = a.t.app.ctx;
    const k = generateGatewayKey();
    const row = await prisma.gatewayKey.create({
      data: {
        keyHash: k.hash,
        prefix: k.prefix,
        name: 'exact',
        ownerType: 'user',
        userId: a.ids.user,
        budgetUsd: 1,
        budgetPeriod: 'month',
      },
    });
    await a.t.app.routing.reload();
    await b.app.routing.reload();
    const counter = budgetKey({ scope: 'key', id: row.id, period: 'month' }, Date.now());

    // B answers a call; its record is written.
    expect((await chat(b.url, k.key)).status).toBe(200);
    await b.app.usage.flush();
    const each = Number(
      (await prisma.usageRecord.findFirstOrThrow({ where: { gatewayKeyId: row.id } })).costUsd,
    );
    expect(each).toBeGreaterThan(0);

    // Redis loses its data. A's next call rebuilds the budget from the database, which holds B's record.
    await dropPrefix(prefix);
    await redisOf(a.t.app).sync();
    await redisOf(b.app).sync();
    expect((await chat(a.url, k.key)).status).toBe(200);
    await a.t.app.usage.flush();
    // B learns of the rebuilt counter and adds what it spent that the rebuild did not hold (nothing).
    await redisOf(b.app).sync();
    await redisOf(b.app).sync();
    await redisOf(a.t.app).sync();

    // Two calls were made on this budget.
    await eventually(async () =>
      expect((await redisOf(a.t.app).read([counter]))[0]).toBeCloseTo(2 * each, 12),
    );
    await redisOf(b.app).sync();
    await redisOf(a.t.app).sync();
    expect((await redisOf(a.t.app).read([counter]))[0]).toBeCloseTo(2 * each, 12);
    expect((await redisOf(b.app).read([counter]))[0]).toBeCloseTo(2 * each, 12);
  }, 60_000);
});
