// POST /v1/feedback is counted per caller (FEEDBACK_RATE_LIMIT_PER_MINUTE): a user (all of its keys together; an org
// key or the master key on its own) sending scores without end (each made-up request id costs the database three
// lookups) gets a 429 with Retry-After past the limit, and nobody else does. With Redis the count is shared by
// every instance.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProxyEnv, otherUser, otherUserKey, type ProxyEnv } from '../test/proxy-env.js';
import { REDIS_TEST_URL, dropPrefix, testPrefix } from '../test/redis.js';

describe.each([
  { store: 'in process', redis: false },
  { store: 'Redis', redis: true },
])('feedback rate limit ($store)', ({ redis }) => {
  let env: ProxyEnv;
  const prefix = testPrefix();
  // 2 s past a minute boundary.
  const offset = 60_000 - (Date.now() % 60_000) + 2000;
  const now = () => Date.now() + offset;
  beforeAll(async () => {
    env = await createProxyEnv({
      now,
      env: {
        FEEDBACK_RATE_LIMIT_PER_MINUTE: '5',
        ...(redis ? { REDIS_URL: REDIS_TEST_URL, REDIS_KEY_PREFIX: prefix } : {}),
      },
    });
  });
  afterAll(async () => {
    await env?.close();
    if (redis) await dropPrefix(prefix);
  });

  const score = async (key: string, path = '/v1/feedback') => {
    const res = await fetch(`${env.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: JSON.stringify({ request_id: `made-up-${Math.random()}`, score: 1 }),
    });
    return { status: res.status, retryAfter: res.headers.get('retry-after'), body: await res.text() };
  };

  it('answers 429 with Retry-After past the limit in a minute, for that caller only', async () => {
    const answers = [];
    for (let i = 0; i < 5; i++) answers.push(await score(env.userKey));
    expect(answers.map((a) => a.status)).toEqual([404, 404, 404, 404, 404]);
    // Under any proxy prefix, in the client's format.
    const over = await score(env.userKey, '/anthropic/v1/feedback');
    expect(over.status).toBe(429);
    expect(JSON.parse(over.body)).toMatchObject({ type: 'error', error: { type: 'rate_limit_error' } });
    expect(over.body).toContain('FEEDBACK_RATE_LIMIT_PER_MINUTE');
    const retry = Number(over.retryAfter);
    expect(retry).toBeGreaterThanOrEqual(1);
    // The minute slides: the five leave it with their slot (a tenth of a minute), at most 66 s from now.
    expect(retry).toBeLessThanOrEqual(66);
    const openai = await score(env.userKey);
    expect(openai.status).toBe(429);
    expect(JSON.parse(openai.body)).toMatchObject({ error: { code: 'rate_limited' } });
    // Another caller is not held back.
    expect((await score(await otherUserKey(env, 'other feedback'))).status).toBe(404);
  });

  it("counts a user's keys together: minting more keys does not buy more feedback calls", async () => {
    const u = await otherUser(env, `feedback minter ${redis ? 'r' : 'm'}`);
    const keys = [u.key];
    for (let i = 0; i < 2; i++) {
      const r = await env.t.http
        .post('/api/v1/me/keys')
        .set('authorization', `Bearer ${u.token}`)
        .send({ name: `minted ${i}` });
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      keys.push(r.body.key as string);
    }
    await env.t.app.routing.reload();
    const statuses: number[] = [];
    for (const k of keys) for (let i = 0; i < 3; i++) statuses.push((await score(k)).status);
    expect(statuses.filter((s) => s === 404)).toHaveLength(5);
    expect(statuses.filter((s) => s === 429)).toHaveLength(4);
  });
});
