// The cost report (seed 001 phase 2): spend per day, provider, model and user as CSV, from the daily rollup, for
// operators (everyone) and for each user (their own), on the real database after real proxied calls.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateGatewayKey } from '../../lib/key-format.js';
import { createProxyEnv, type ProxyEnv } from '../../test/proxy-env.js';

let env: ProxyEnv;
let admin: string;
let userToken: string;
let otherEmail: string;

const as = (token: string) => ({ authorization: `Bearer ${token}` });

async function chat(key: string, model: string) {
  const res = await fetch(`${env.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: JSON.stringify({ model, messages: [{ role: 'user', content: 'hi' }] }),
  });
  expect(res.status, await res.text()).toBe(200);
}

function parse(csv: string): string[][] {
  return csv
    .trim()
    .split('\r\n')
    .map((l) => l.split(','));
}

beforeAll(async () => {
  env = await createProxyEnv();
  const { t } = env;
  admin = await t.tokenFor('admin');
  const me = await t.http.post('/api/v1/auth/login').send({
    email: (await t.app.ctx.prisma.user.findUniqueOrThrow({ where: { id: env.ids.user } })).email,
    password: env.userPassword,
  });
  userToken = me.body.token as string;
  const other = await t.createUser('user');
  otherEmail = other.email;
  const k = generateGatewayKey();
  await t.app.ctx.prisma.gatewayKey.create({
    data: { keyHash: k.hash, prefix: k.prefix, name: 'other', ownerType: 'user', userId: other.id },
  });
  await t.app.routing.reload();
  await chat(env.userKey, 'up-openai/gpt-test');
  await chat(env.userKey, 'up-openai/gpt-test');
  await chat(env.userKey, 'up-anthropic/claude-test');
  await chat(k.key, 'up-openai/gpt-test');
  await env.flushUsage();
}, 180_000);
afterAll(async () => {
  await env?.close();
});

describe('cost report', () => {
  it('operators get every user, per day, provider and model, with requests, tokens and cost', async () => {
    const res = await env.t.http.get('/api/v1/llm/usage/cost-report?period=7d').set(as(admin)).expect(200);
    expect(res.headers['content-type']).toContain('text/csv');
    expect(res.headers['content-disposition']).toContain('switchyard-cost-report-all-7d.csv');
    const [header, ...rows] = parse(res.text);
    expect(header).toEqual([
      'day',
      'provider',
      'model',
      'user',
      'requests',
      'errors',
      'tokens_in',
      'tokens_out',
      'cost_usd',
      'byok_saved_usd',
    ]);
    const today = new Date().toISOString().slice(0, 10);
    const mine = rows.find((r) => r[1] === 'up-openai' && r[2] === 'gpt-test' && r[3] !== otherEmail)!;
    expect(mine.slice(0, 2)).toEqual([today, 'up-openai']);
    expect(Number(mine[4])).toBe(2);
    expect(Number(mine[6])).toBeGreaterThan(0);
    // 2 calls × (12 in at $2/M + 5 out at $8/M)
    expect(Number(mine[8])).toBeCloseTo(2 * ((12 * 2 + 5 * 8) / 1e6), 6);
    expect(rows.some((r) => r[3] === otherEmail)).toBe(true);
    expect(rows.some((r) => r[1] === 'up-anthropic' && r[2] === 'claude-test')).toBe(true);
  });

  it('a user gets their own report only, without a user column; the operators’ one is refused', async () => {
    const res = await env.t.http
      .get('/api/v1/me/usage/cost-report?period=30d')
      .set(as(userToken))
      .expect(200);
    const [header, ...rows] = parse(res.text);
    expect(header).not.toContain('user');
    expect(rows.reduce((n, r) => n + Number(r[3]), 0)).toBe(3);
    expect(res.text).not.toContain(otherEmail);
    await env.t.http.get('/api/v1/llm/usage/cost-report').set(as(userToken)).expect(403);
    await env.t.http.get('/api/v1/me/usage/cost-report').expect(401);
  });

  it('any period value: a report or a clear 400, never a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.constantFrom('7d', '30d', '90d', 'all', '1d', ''), fc.string()),
        async (p) => {
          const res = await env.t.http
            .get(`/api/v1/llm/usage/cost-report?period=${encodeURIComponent(p)}`)
            .set(as(admin));
          expect(res.status).toBeLessThan(500);
          if (['7d', '30d', '90d', 'all'].includes(p)) expect(res.status).toBe(200);
          else if (p !== '') expect(res.status).toBe(400);
        },
      ),
      { numRuns: 60 },
    );
  });
});
