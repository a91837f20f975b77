import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateGatewayKey } from '../lib/key-format.js';
import { createProxyEnv, type ProxyEnv } from '../test/proxy-env.js';

let env: ProxyEnv;
beforeAll(async () => {
  env = await createProxyEnv();
});
afterAll(async () => {
  await env?.close();
});

async function keyWith(data: {
  rpmLimit?: number;
  budgetUsd?: number;
  budgetPeriod?: string;
  allowedModels?: string[];
}) {
  const k = generateGatewayKey();
  await env.t.app.ctx.prisma.gatewayKey.create({
    data: {
      keyHash: k.hash,
      prefix: k.prefix,
      name: 'limited',
      ownerType: 'user',
      userId: env.ids.user,
      ...data,
    },
  });
  await env.t.app.routing.reload();
  return k.key;
}

const call = (key: string, body: Record<string, unknown> = {}) =>
  fetch(`${env.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: JSON.stringify({
      model: 'up-openai/gpt-test',
      max_tokens: 1000,
      messages: [{ role: 'user', content: 'hi' }],
      ...body,
    }),
  });

describe('limits and budgets enforced by the proxy', () => {
  it('a key RPM limit admits exactly that many requests per minute, then 429 with Retry-After', async () => {
    const key = await keyWith({ rpmLimit: 5 });
    const results = await Promise.all(Array.from({ length: 12 }, () => call(key)));
    const ok = results.filter((r) => r.status === 200).length;
    const limited = results.filter((r) => r.status === 429);
    expect(ok).toBe(5);
    expect(limited).toHaveLength(7);
    expect(Number(limited[0]!.headers.get('retry-after'))).toBeGreaterThan(0);
    const body = (await limited[0]!.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('rate_limited');
  });

  it('budget race: 50 concurrent requests against a budget that allows 10 → at most 10 succeed and spend never exceeds the cap', async () => {
    // The mock upstream always reports 12 prompt / 5 completion tokens: $64e-6 per request at $2/$8 per 1M.
    const actual = (12 * 2 + 5 * 8) / 1e6;
    const cap = actual * 10;
    const key = await keyWith({ budgetUsd: cap, budgetPeriod: 'month' });
    const keyId = (
      await env.t.app.ctx.prisma.gatewayKey.findFirstOrThrow({
        where: { budgetUsd: { not: null } },
        orderBy: { createdAt: 'desc' },
      })
    ).id;
    const results = await Promise.all(Array.from({ length: 50 }, () => call(key, { max_tokens: 5 })));
    const ok = results.filter((r) => r.status === 200).length;
    const refused = results.filter((r) => r.status === 402);
    expect(ok).toBeGreaterThan(0);
    expect(ok).toBeLessThanOrEqual(10);
    expect(ok + refused.length).toBe(50);
    const body = (await refused[0]!.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('budget_exhausted');
    expect(body.error.message).toMatch(/key budget/);
    await env.flushUsage();
    const spent = await env.t.app.ctx.prisma.usageRecord.aggregate({
      _sum: { costUsd: true },
      where: { gatewayKeyId: keyId },
    });
    expect(Number(spent._sum.costUsd)).toBeCloseTo(ok * actual, 9);
    expect(Number(spent._sum.costUsd)).toBeLessThanOrEqual(cap + 1e-9);
  });

  it('a request for several answers (n) reserves the budget for each: one the budget cannot hold is refused before the call', async () => {
    // At $8 per 1M output tokens, 1,000 tokens are $0.008: a budget of $0.05 holds one answer of 1,000 tokens, and
    // not 128 of them ($1.02), which the provider would bill if each choice ran to max_tokens.
    const key = await keyWith({ budgetUsd: 0.05, budgetPeriod: 'month' });
    const before = env.up.requests.length;
    const many = await call(key, { n: 128 });
    expect(many.status).toBe(402);
    expect(((await many.json()) as { error: { code: string } }).error.code).toBe('budget_exhausted');
    expect(env.up.requests.length).toBe(before);
    expect((await call(key, { n: 2 })).status).toBe(200);
  });

  it('an allow-list refuses other models with 403', async () => {
    const key = await keyWith({ allowedModels: ['chat.default'] });
    expect((await call(key)).status).toBe(403);
    expect((await call(key, { model: 'chat.default' })).status).toBe(200);
  });
});
