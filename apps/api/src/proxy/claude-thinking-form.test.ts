import fc from 'fast-check';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createProxyEnv, lastSent, postAs, resetProxyEnv, type ProxyEnv } from '../test/proxy-env.js';

// Claude's thinking comes in two forms, and each model takes one or both: a budget (`{type: "enabled",
// budget_tokens}`; every model before 4.6) and adaptive thinking (`{type: "adaptive"}` guided by
// `output_config.effort`; 4.6 on). Opus 4.7 on refuse a budget (400 "thinking.type.enabled is not supported for this
// model"), the models before 4.6 refuse adaptive thinking. An Anthropic-format client (Claude Code, the SDK) writes
// the form of the model it named; routed by an alias, a power level or a fallback to a model that refuses that form,
// its request was relayed as it came and refused.

let env: ProxyEnv;
beforeAll(async () => {
  env = await createProxyEnv();
  const { prisma } = env.t.app.ctx;
  for (const modelId of ['claude-opus-4-7', 'claude-sonnet-4-5', 'claude-opus-4-6'])
    await prisma.model.create({
      data: {
        providerId: env.ids.anthropic,
        modelId,
        displayName: modelId,
        priceInputPer1M: 3,
        priceOutputPer1M: 15,
        contextWindow: 200_000,
        capabilities: ['chat', 'tools', 'streaming'],
      },
    });
  await env.t.app.routing.reload();
});
afterAll(async () => {
  await env?.close();
});
beforeEach(() => resetProxyEnv(env));

const post = (path: string, body: object) => postAs(env, path, body);
const hi = [{ role: 'user', content: 'Think about it.' }];
const sent = () => lastSent(env);

describe("an Anthropic client's thinking goes in the form the model takes", () => {
  it('a budget to Opus 4.7 goes as adaptive thinking at the effort the budget reads as', async () => {
    const r = await post('/v1/messages', {
      model: 'up-anthropic/claude-opus-4-7',
      max_tokens: 32_000,
      thinking: { type: 'enabled', budget_tokens: 24_000 },
      messages: hi,
    });
    expect(r.status, await r.clone().text()).toBe(200);
    expect(sent().thinking).toEqual({ type: 'adaptive', display: 'summarized' });
    expect(sent().output_config).toEqual({ effort: 'high' });
    expect(sent().max_tokens).toBe(32_000);
  });

  it("the client's own effort and other output settings are kept", async () => {
    const r = await post('/v1/messages', {
      model: 'up-anthropic/claude-opus-4-7',
      max_tokens: 8_000,
      thinking: { type: 'enabled', budget_tokens: 2_000 },
      output_config: { effort: 'medium', format: { type: 'json_schema', schema: { type: 'object' } } },
      messages: hi,
    });
    expect(r.status, await r.clone().text()).toBe(200);
    expect(sent().thinking).toEqual({ type: 'adaptive', display: 'summarized' });
    expect(sent().output_config).toEqual({
      effort: 'medium',
      format: { type: 'json_schema', schema: { type: 'object' } },
    });
  });

  it('adaptive thinking to Sonnet 4.5 goes as a budget for its effort, within the output cap', async () => {
    const r = await post('/v1/messages', {
      model: 'up-anthropic/claude-sonnet-4-5',
      max_tokens: 30_000,
      thinking: { type: 'adaptive' },
      output_config: { effort: 'high' },
      messages: hi,
    });
    expect(r.status, await r.clone().text()).toBe(200);
    expect(sent().thinking).toEqual({ type: 'enabled', budget_tokens: 24_576 });
    expect(sent()).not.toHaveProperty('output_config');

    // A cap too small for any budget and an answer: no thinking rather than a refused request.
    await post('/v1/messages', {
      model: 'up-anthropic/claude-sonnet-4-5',
      max_tokens: 1_000,
      thinking: { type: 'adaptive' },
      messages: hi,
    });
    expect(sent()).not.toHaveProperty('thinking');
  });

  it('a form the model takes goes byte for byte as it came', async () => {
    for (const [model, thinking] of [
      ['claude-opus-4-6', { type: 'enabled', budget_tokens: 4_000 }],
      ['claude-opus-4-6', { type: 'adaptive' }],
      ['claude-opus-4-7', { type: 'adaptive' }],
      ['claude-sonnet-4-5', { type: 'enabled', budget_tokens: 4_000 }],
    ] as const) {
      const r = await post('/v1/messages', {
        model: `up-anthropic/${model}`,
        max_tokens: 16_000,
        thinking,
        messages: hi,
      });
      expect(r.status, await r.clone().text()).toBe(200);
      expect(sent().thinking).toEqual(thinking);
    }
  });

  it('count_tokens is asked in the form the model takes too', async () => {
    const r = await post('/v1/messages/count_tokens', {
      model: 'up-anthropic/claude-opus-4-7',
      thinking: { type: 'enabled', budget_tokens: 3_000 },
      messages: hi,
    });
    expect(r.status, await r.clone().text()).toBe(200);
    expect(sent().thinking).toEqual({ type: 'adaptive', display: 'summarized' });
    expect(sent().output_config).toEqual({ effort: 'low' });
  });

  it('fuzzed thinking and output settings: never a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.record(
            {
              type: fc.constantFrom('enabled', 'adaptive', 'disabled', 'other'),
              budget_tokens: fc.oneof(fc.integer(), fc.double(), fc.string()),
              display: fc.string(),
            },
            { requiredKeys: [] },
          ),
          fc.anything(),
        ),
        fc.oneof(
          fc.record({ effort: fc.oneof(fc.string(), fc.integer()) }, { requiredKeys: [] }),
          fc.anything(),
        ),
        fc.constantFrom('claude-opus-4-7', 'claude-sonnet-4-5'),
        fc.integer({ min: 1, max: 64_000 }),
        async (thinking, outputConfig, model, maxTokens) => {
          await resetProxyEnv(env);
          const r = await post('/v1/messages', {
            model: `up-anthropic/${model}`,
            max_tokens: maxTokens,
            thinking,
            output_config: outputConfig,
            messages: hi,
          });
          await r.text();
          expect(r.status).toBeLessThan(500);
        },
      ),
      { numRuns: 40 },
    );
  });
});
