// A caller refused by a rate limit is told what the limit is and over what window ("5 requests per minute"), not
// "per window": whether the engine's check refused it (plan) or the store's atomic admission did (a burst).
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

async function keyWith(data: { rpmLimit?: number; tpmLimit?: number }) {
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
      max_tokens: 100,
      messages: [{ role: 'user', content: 'hi' }],
      ...body,
    }),
  });

async function refusals(results: Response[]): Promise<string[]> {
  const limited = results.filter((r) => r.status === 429);
  expect(limited.length).toBeGreaterThan(0);
  return Promise.all(
    limited.map(async (r) => ((await r.json()) as { error: { message: string } }).error.message),
  );
}

describe('a rate-limit refusal names its window', () => {
  it('a burst past a key of 5 requests a minute: every 429 says "5 requests per minute"', async () => {
    const key = await keyWith({ rpmLimit: 5 });
    const results = await Promise.all(Array.from({ length: 12 }, () => call(key)));
    expect(results.filter((r) => r.status === 200)).toHaveLength(5);
    for (const message of await refusals(results)) {
      expect(message).toContain('5 requests per minute');
      expect(message).not.toContain('per window');
    }
  });

  it('a burst past a key of 300 tokens a minute: every 429 says "300 tokens per minute"', async () => {
    const key = await keyWith({ tpmLimit: 300 });
    const results = await Promise.all(Array.from({ length: 6 }, () => call(key)));
    for (const message of await refusals(results)) {
      expect(message).toContain('300 tokens per minute');
      expect(message).not.toContain('per window');
    }
  });

  it('a request larger than the whole token limit is told the limit and its window', async () => {
    const key = await keyWith({ tpmLimit: 50 });
    const [message] = await refusals([await call(key, { max_tokens: 500 })]);
    expect(message).toMatch(/more than the 50 tokens per minute it allows/);
  });
});
