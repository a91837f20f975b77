// Gemini's native API was sent a thinkingConfig for a client's reasoning effort (OpenAI format) or thinking
// (Anthropic format) whatever the model, and the models that do not think refuse it: Gemini 2.0 and 1.5, Gemma (400
// "thinking is not supported by this model" / "thinking_config is not supported").
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reasoningAsks } from '../test/reasoning.js';
import { createProxyEnv, lastSent, type ProxyEnv } from '../test/proxy-env.js';

type Obj = Record<string, unknown>;

let e: ProxyEnv;

beforeAll(async () => {
  e = await createProxyEnv();
  const { prisma, secrets } = e.t.app.ctx;
  const native = await prisma.provider.create({
    data: {
      slug: 'up-gnative',
      name: 'up-gnative',
      type: 'google',
      priority: 50,
      baseUrl: e.up.url,
      status: 'active',
      encryptedApiKey: secrets.encrypt('key-gnative-0000'),
      apiKeyLast4: '0000',
    },
  });
  const caps = ['chat', 'tools', 'streaming', 'json'];
  for (const modelId of [
    'gemini-2.0-flash',
    'gemini-2.0-flash-lite',
    'gemini-1.5-pro',
    'gemma-3-27b-it',
    'gemini-2.5-flash',
    'gemini-3-pro-preview',
    'gemini-3-flash-preview',
  ])
    await prisma.model.create({
      data: { providerId: native.id, modelId, displayName: modelId, capabilities: caps },
    });
  await e.t.app.routing.reload();
}, 180_000);
afterAll(async () => {
  await e?.close();
});

const sent = () => lastSent(e);
const { chat, thinking } = reasoningAsks(() => e);

describe('reasoning to Gemini’s native API', () => {
  const config = () => (sent().generationConfig as Obj | undefined)?.thinkingConfig;

  it.each(['gemini-2.0-flash', 'gemini-2.0-flash-lite', 'gemini-1.5-pro', 'gemma-3-27b-it'])(
    '%s (does not think) gets no thinkingConfig',
    async (model) => {
      await chat(`up-gnative/${model}`, 'high');
      expect(config()).toBeUndefined();
      await thinking(`up-gnative/${model}`, 4000);
      expect(config()).toBeUndefined();
    },
  );

  it('Gemini 2.5 and 3 still do', async () => {
    await chat('up-gnative/gemini-2.5-flash', 'high');
    expect(config()).toEqual({ thinkingBudget: 24576, includeThoughts: true });
    await thinking('up-gnative/gemini-2.5-flash', 4000);
    expect(config()).toEqual({ thinkingBudget: 4000, includeThoughts: true });
    await chat('up-gnative/gemini-3-pro-preview', 'low');
    expect(config()).toEqual({ thinkingLevel: 'low', includeThoughts: true });
  });

  // Gemini 3 Pro takes the levels low and high; Gemini 3 Flash minimal, low, medium and high. Sent only low or high,
  // Flash lost the client's medium (to high, thinking far more) and minimal (to low).
  it('Gemini 3 Flash gets the level asked where it takes it, Pro the nearest of low and high', async () => {
    for (const [effort, level] of [
      ['minimal', 'minimal'],
      ['low', 'low'],
      ['medium', 'medium'],
      ['high', 'high'],
      ['xhigh', 'high'],
    ] as const) {
      await chat('up-gnative/gemini-3-flash-preview', effort);
      expect(config(), effort).toMatchObject({ thinkingLevel: level });
    }
    await chat('up-gnative/gemini-3-pro-preview', 'medium');
    expect(config()).toEqual({ thinkingLevel: 'high', includeThoughts: true });
    await chat('up-gnative/gemini-3-pro-preview', 'minimal');
    expect(config()).toEqual({ thinkingLevel: 'low' });
  });
});
