import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { budgetKey, spentBy } from '../test/budgets.js';
import { createProxyEnv, postAs, resetProxyEnv, type ProxyEnv } from '../test/proxy-env.js';

// Anthropic and Google bill a long prompt at higher prices, all of it and its answer: above 200,000 prompt tokens
// Claude Sonnet 4.5 costs $6 / $22.50 per 1M rather than $3 / $15 (Gemini 2.5 and 3 Pro likewise). A coding agent on
// the 1M context window crosses it in long sessions; such calls were billed at the base prices, half their cost.

let env: ProxyEnv;
beforeAll(async () => {
  env = await createProxyEnv();
  await env.t.app.ctx.prisma.model.create({
    data: {
      providerId: env.ids.anthropic,
      modelId: 'claude-sonnet-4-5',
      displayName: 'Claude Sonnet 4.5',
      priceInputPer1M: 3,
      priceOutputPer1M: 15,
      priceCachedInputPer1M: 0.3,
      contextWindow: 1_000_000,
      capabilities: ['chat', 'tools', 'streaming'],
    },
  });
  // The same prices and window on a model the catalogue gives one price (Claude 3.7 Sonnet): the reference.
  await env.t.app.ctx.prisma.model.create({
    data: {
      providerId: env.ids.anthropic,
      modelId: 'claude-3-7-sonnet-20250219',
      displayName: 'Claude 3.7 Sonnet',
      priceInputPer1M: 3,
      priceOutputPer1M: 15,
      priceCachedInputPer1M: 0.3,
      contextWindow: 1_000_000,
      capabilities: ['chat', 'tools', 'streaming'],
    },
  });
  await env.t.app.routing.reload();
});
afterAll(async () => {
  await env?.close();
});
beforeEach(() => resetProxyEnv(env));

const answer = (input: number, cached: number) => ({
  id: 'msg_lc',
  type: 'message',
  role: 'assistant',
  model: 'claude-sonnet-4-5',
  content: [{ type: 'text', text: 'ok' }],
  stop_reason: 'end_turn',
  stop_sequence: null,
  usage: { input_tokens: input, cache_read_input_tokens: cached, output_tokens: 1_000 },
});
const ask = (key: string, body: object = {}) =>
  postAs(
    env,
    '/v1/messages',
    {
      model: 'up-anthropic/claude-sonnet-4-5',
      max_tokens: 2_000,
      messages: [{ role: 'user', content: 'hi' }],
      ...body,
    },
    { key },
  );

describe('a prompt above the long-context threshold is billed at the long-context prices', () => {
  it('at 200,000 prompt tokens the base prices, above them twice the input and 1.5 times the output', async () => {
    const at = await budgetKey(env, 100);
    env.up.script({ path: '/messages', status: 200, body: answer(100_000, 100_000) });
    const r = await ask(at.key);
    expect(r.status, await r.text()).toBe(200);
    expect(await spentBy(env, at.id)).toBeCloseTo((100_000 * 3 + 100_000 * 0.3 + 1_000 * 15) / 1e6, 10);

    const above = await budgetKey(env, 100);
    env.up.script({ path: '/messages', status: 200, body: answer(150_000, 100_000) });
    const s = await ask(above.key);
    expect(s.status, await s.text()).toBe(200);
    expect(await spentBy(env, above.id)).toBeCloseTo((150_000 * 6 + 100_000 * 0.6 + 1_000 * 22.5) / 1e6, 10);
  });

  it('a request whose prompt is that long is reserved at those prices', async () => {
    const { key } = await budgetKey(env, 0.0001);
    const reserved = async (model: string) => {
      const r = await ask(key, { model, max_tokens: 1, system: 'x '.repeat(500_000) });
      const text = await r.text();
      expect(r.status, text).toBe(402);
      return Number(/may cost up to \$([0-9.]+)/.exec(text)?.[1]);
    };
    const base = await reserved('up-anthropic/claude-3-7-sonnet-20250219');
    expect(base).toBeGreaterThan(0.6);
    expect(await reserved('up-anthropic/claude-sonnet-4-5')).toBeCloseTo(base * 2, 3);
  });
});
