/**
 * Several endpoints per provider: the first call goes to an endpoint drawn by weight, a retryable failure (connection
 * error, 5xx, 429) moves the same target to the provider's next endpoint before the next candidate, and each
 * endpoint's outcome shows in the logged attempts. An endpoint that failed is tried last for ENDPOINT_COOLDOWN_MS.
 * Two real HTTP upstreams: the env's mock and a second one. The app's clock is the test's: each test starts an hour
 * after the last, so no cooldown carries over.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startMockUpstream, type MockUpstream } from '../test/mock-upstream.js';
import { createProxyEnv, type ProxyEnv } from '../test/proxy-env.js';

let env: ProxyEnv;
let second: MockUpstream;
let clock = Date.parse('2026-12-06T08:00:00Z');
let superAdmin: string;
let admin: string;
const as = (token: string) => ({ authorization: `Bearer ${token}` });

beforeAll(async () => {
  env = await createProxyEnv({ now: () => clock, env: { ENDPOINT_COOLDOWN_MS: '30000' } });
  second = await startMockUpstream();
  superAdmin = await env.t.tokenFor('seed_admin');
  admin = await env.t.tokenFor('admin');
});
afterAll(async () => {
  await env?.close();
  await second?.close();
});
beforeEach(async () => {
  clock += 3_600_000;
  env.up.reset();
  second.reset();
  await env.t.app.routing.reload();
});

const chat = (model = 'up-openai/gpt-test', stream = false) =>
  fetch(`${env.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${env.userKey}` },
    body: JSON.stringify({ model, stream, messages: [{ role: 'user', content: 'hi' }] }),
  });

/** Points up-openai at the env's upstream (weight `w1`) with the second upstream as its extra endpoint. */
async function twoEndpoints(w1: number, w2: number) {
  const res = await env.t.http
    .put(`/api/v1/llm/providers/${env.ids.openai}`)
    .set(as(superAdmin))
    .send({
      baseUrl: `${env.up.url}/v1`,
      baseUrlWeight: w1,
      endpoints: [{ baseUrl: `${second.url}/v1`, weight: w2, enabled: true }],
    });
  expect(res.status).toBe(200);
  return res;
}

async function lastAttempts(): Promise<{ provider: string; outcome: string; endpoint?: string }[]> {
  await env.flushUsage();
  const row = await env.t.app.ctx.prisma.usageRecord.findFirstOrThrow({ orderBy: { createdAt: 'desc' } });
  return (row.trace as { attempts: { provider: string; outcome: string; endpoint?: string }[] }).attempts;
}

describe('several endpoints per provider', () => {
  it('the admin API stores them and shows them back; the outbound policy and the credentials rule apply', async () => {
    const res = await twoEndpoints(1, 1);
    expect(res.body).toMatchObject({
      baseUrlWeight: 1,
      endpoints: [{ baseUrl: `${second.url}/v1`, weight: 1, enabled: true }],
    });
    // A cloud metadata address is refused like a base URL, naming the field.
    const bad = await env.t.http
      .put(`/api/v1/llm/providers/${env.ids.openai}`)
      .set(as(superAdmin))
      .send({ endpoints: [{ baseUrl: 'http://169.254.169.254/v1', weight: 1 }] });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/^endpoints\.0\.baseUrl:/);
    // An admin (not super admin) may not add a new destination for a provider holding a key…
    const moved = await env.t.http
      .put(`/api/v1/llm/providers/${env.ids.openai}`)
      .set(as(admin))
      .send({
        endpoints: [
          { baseUrl: `${second.url}/v1`, weight: 1, enabled: true },
          { baseUrl: 'https://elsewhere.example.com/v1', weight: 1, enabled: true },
        ],
      });
    expect(moved.status).toBe(403);
    expect(moved.body.error.message).toMatch(/^endpoints\.1\.baseUrl:/);
    // …but may reweight or disable the ones already there.
    const reweighted = await env.t.http
      .put(`/api/v1/llm/providers/${env.ids.openai}`)
      .set(as(admin))
      .send({ endpoints: [{ baseUrl: `${second.url}/v1`, weight: 3, enabled: false }] });
    expect(reweighted.status).toBe(200);
    const dup = await env.t.http
      .put(`/api/v1/llm/providers/${env.ids.openai}`)
      .set(as(superAdmin))
      .send({
        endpoints: [
          { baseUrl: `${second.url}/v1`, weight: 1 },
          { baseUrl: `${second.url}/v1`, weight: 2 },
        ],
      });
    expect(dup.status).toBe(400);
  });

  it('weights: a weight-0 base URL gets no first call; every request goes to the weighted endpoint', async () => {
    await twoEndpoints(0, 1);
    for (let i = 0; i < 4; i++) expect((await chat()).status).toBe(200);
    expect(env.up.requests).toHaveLength(0);
    expect(second.requests).toHaveLength(4);
    expect((await lastAttempts()).map((a) => a.endpoint)).toEqual([`${new URL(second.url).host}/v1`]);
  });

  it('weights: both endpoints share the first calls in proportion', async () => {
    await twoEndpoints(1, 1);
    for (let i = 0; i < 40; i++) expect((await chat()).status).toBe(200);
    expect(env.up.requests.length + second.requests.length).toBe(40);
    // 1:1 over 40 draws: each gets some (the chance of fewer than 5 is below one in a million).
    expect(env.up.requests.length).toBeGreaterThanOrEqual(5);
    expect(second.requests.length).toBeGreaterThanOrEqual(5);
  });

  it.each([
    ['a 503', { status: 503 }],
    ['a 429', { status: 429, headers: { 'retry-after': '30' } }],
    ['a connection reset', { reset: true }],
  ])(
    'failover on %s: the next endpoint of the same provider answers, before any other candidate',
    async (_l, fault) => {
      await twoEndpoints(1, 0);
      env.up.script(fault);
      const res = await chat('gpt-test');
      expect(res.status).toBe(200);
      expect(res.headers.get('x-switchyard-provider')).toBe('up-openai');
      expect(env.up.requests).toHaveLength(1);
      expect(second.requests).toHaveLength(1);
      const attempts = await lastAttempts();
      expect(
        attempts.map((a) => [a.provider, a.endpoint, a.outcome.endsWith(':next-endpoint') || a.outcome]),
      ).toEqual([
        ['up-openai', `${new URL(env.up.url).host}/v1`, true],
        ['up-openai', `${new URL(second.url).host}/v1`, 'ok'],
      ]);
    },
  );

  it('streams fail over too, and a 401 does not (the account says no on every endpoint)', async () => {
    await twoEndpoints(1, 0);
    env.up.script({ status: 500 });
    const streamed = await chat('up-openai/gpt-test', true);
    expect(streamed.status).toBe(200);
    expect(await streamed.text()).toContain('[DONE]');
    expect(second.requests).toHaveLength(1);
    env.up.reset();
    second.reset();
    clock += 3_600_000; // past the first endpoint's cooldown
    env.up.script({
      status: 401,
      body: { error: { message: 'Incorrect API key', code: 'invalid_api_key' } },
    });
    const res = await chat('gpt-test');
    expect(res.headers.get('x-switchyard-provider')).toBe('up-backup');
    expect(second.requests).toHaveLength(0);
  });

  it('an endpoint that failed over is tried last for the cooldown, not again on every request', async () => {
    await twoEndpoints(1, 0);
    env.up.script({ status: 503 });
    expect((await chat('gpt-test')).status).toBe(200);
    expect([env.up.requests.length, second.requests.length]).toEqual([1, 1]);
    // The next requests go straight to the other endpoint: no failed call first.
    for (let i = 0; i < 3; i++) {
      clock += 5_000;
      expect((await chat('gpt-test')).status).toBe(200);
    }
    expect([env.up.requests.length, second.requests.length]).toEqual([1, 4]);
    expect((await lastAttempts()).map((a) => [a.endpoint, a.outcome])).toEqual([
      [`${new URL(second.url).host}/v1`, 'ok'],
    ]);
    // After the cooldown (30 s from the failure), the weighted endpoint gets its calls back.
    clock += 16_000;
    expect((await chat('gpt-test')).status).toBe(200);
    expect([env.up.requests.length, second.requests.length]).toEqual([2, 4]);
  });

  it('a cooling endpoint is still called when the others fail, and an answer from it ends its cooldown', async () => {
    await twoEndpoints(1, 0);
    env.up.script({ reset: true });
    expect((await chat('gpt-test')).status).toBe(200);
    // Now the second endpoint fails while the first is cooling: the first is tried after it, and answers.
    second.script({ status: 500 });
    clock += 1_000;
    expect((await chat('gpt-test')).status).toBe(200);
    expect((await lastAttempts()).map((a) => [a.endpoint, a.outcome.split(':').pop()])).toEqual([
      [`${new URL(second.url).host}/v1`, 'next-endpoint'],
      [`${new URL(env.up.url).host}/v1`, 'ok'],
    ]);
    // The first answered, so it is no longer cooling; the second is: the next call goes to the first.
    clock += 1_000;
    expect((await chat('gpt-test')).status).toBe(200);
    expect([env.up.requests.length, second.requests.length]).toEqual([3, 2]);
  });

  it("an admin's reset of the provider ends its endpoints' cooldowns: the weighted endpoint is called first again", async () => {
    await twoEndpoints(1, 0);
    env.up.script({ status: 503 });
    expect((await chat('gpt-test')).status).toBe(200);
    expect([env.up.requests.length, second.requests.length]).toEqual([1, 1]);
    const reset = await env.t.http
      .post(`/api/v1/llm/providers/${env.ids.openai}/reset`)
      .set(as(admin))
      .send({});
    expect(reset.status).toBe(200);
    clock += 1_000; // well within the cooldown
    expect((await chat('gpt-test')).status).toBe(200);
    expect([env.up.requests.length, second.requests.length]).toEqual([2, 1]);
  });

  it('a Retry-After longer than the cooldown keeps the endpoint last that long', async () => {
    await twoEndpoints(1, 0);
    env.up.script({ status: 429, headers: { 'retry-after': '120' } });
    expect((await chat('gpt-test')).status).toBe(200);
    clock += 90_000; // past ENDPOINT_COOLDOWN_MS, within Retry-After
    expect((await chat('gpt-test')).status).toBe(200);
    expect([env.up.requests.length, second.requests.length]).toEqual([1, 2]);
    clock += 31_000;
    expect((await chat('gpt-test')).status).toBe(200);
    expect([env.up.requests.length, second.requests.length]).toEqual([2, 2]);
  });

  it('a caller who hangs up mid-call does not make the endpoint go last for everyone', async () => {
    await twoEndpoints(1, 0);
    env.up.script({ delayMs: 2_000 });
    const ac = new AbortController();
    const gone = fetch(`${env.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${env.userKey}` },
      body: JSON.stringify({ model: 'gpt-test', messages: [{ role: 'user', content: 'hi' }] }),
      signal: ac.signal,
    }).catch(() => null);
    await new Promise((r) => setTimeout(r, 200));
    ac.abort();
    await gone;
    await env.flushUsage();
    env.up.reset();
    second.reset();
    // The weighted endpoint still gets the next call first.
    clock += 1_000;
    expect((await chat('gpt-test')).status).toBe(200);
    expect([env.up.requests.length, second.requests.length]).toEqual([1, 0]);
  });

  it('disabled endpoints are never called', async () => {
    await env.t.http
      .put(`/api/v1/llm/providers/${env.ids.openai}`)
      .set(as(superAdmin))
      .send({ baseUrlWeight: 1, endpoints: [{ baseUrl: `${second.url}/v1`, weight: 1000, enabled: false }] });
    for (let i = 0; i < 5; i++) await chat();
    expect(second.requests).toHaveLength(0);
    expect(env.up.requests).toHaveLength(5);
  });
});
