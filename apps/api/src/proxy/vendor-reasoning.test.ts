// A client's reasoning effort (OpenAI format) or thinking (Anthropic format) reaches xAI's Grok and Gemini only in a
// form they take. Before: an OpenAI-format client's `reasoning_effort` went to Grok 4 as it came (xAI refuses the
// field there: 400), and to Gemini's OpenAI compatibility as it came (`xhigh` and `minimal` refused, `none` refused by
// 2.5 Pro, which cannot turn thinking off); and an Anthropic client's thinking never reached Gemini through that
// endpoint.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withReasoningFor, withVendorEffort } from '../providers/openai-compatible/adapter.js';
import { expectOk, HI, reasoningAsks } from '../test/reasoning.js';
import { createProxyEnv, lastSent, postAs, type ProxyEnv } from '../test/proxy-env.js';

type Obj = Record<string, unknown>;

let e: ProxyEnv;

const XAI = [
  'grok-4-0709',
  'grok-4-fast-reasoning',
  'grok-4-1-fast-reasoning',
  'grok-code-fast-1',
  'grok-3-mini',
];
const COMPAT = ['gemini-2.5-pro', 'gemini-2.5-flash', 'gemini-3-pro-preview', 'gemini-2.0-flash'];

beforeAll(async () => {
  e = await createProxyEnv();
  const { prisma, secrets } = e.t.app.ctx;
  const provider = (slug: string, type: string, baseUrl: string) =>
    prisma.provider.create({
      data: {
        slug,
        name: slug,
        type,
        priority: 50,
        baseUrl,
        status: 'active',
        encryptedApiKey: secrets.encrypt(`key-${slug}-0000`),
        apiKeyLast4: '0000',
      },
    });
  const xai = await provider('up-xai', 'custom', `${e.up.url}/v1`);
  const compat = await provider('up-gcompat', 'custom', `${e.up.url}/v1beta/openai`);
  const caps = ['chat', 'tools', 'streaming', 'json'];
  for (const [providerId, ids] of [
    [xai.id, XAI],
    [compat.id, COMPAT],
  ] as const)
    for (const modelId of ids)
      await prisma.model.create({ data: { providerId, modelId, displayName: modelId, capabilities: caps } });
  await e.t.app.routing.reload();
}, 180_000);
afterAll(async () => {
  await e?.close();
});

const post = (path: string, body: object) => postAs(e, path, body);
const sent = () => lastSent(e);
const { chat, thinking } = reasoningAsks(() => e);
const hi = HI;
const ok = expectOk;

describe('an OpenAI-format client’s reasoning_effort to xAI', () => {
  it.each(['grok-4-0709', 'grok-4-fast-reasoning', 'grok-4-1-fast-reasoning', 'grok-code-fast-1'])(
    '%s (refuses the field) is not sent it',
    async (model) => {
      await chat(`up-xai/${model}`, 'high');
      expect(sent()).toMatchObject({ model });
      expect(sent()).not.toHaveProperty('reasoning_effort');
    },
  );

  it('through OpenRouter the body goes as it came (OpenRouter maps efforts itself)', () => {
    const body = { model: 'x-ai/grok-4', messages: [], reasoning_effort: 'high' };
    expect(withVendorEffort(body, { modelId: 'x-ai/grok-4' }, 'openrouter')).toBeNull();
    expect(withVendorEffort(body, { modelId: 'x-ai/grok-4' }, 'custom')).not.toHaveProperty(
      'reasoning_effort',
    );
  });

  it('Grok 3 Mini gets the nearest of low and high', async () => {
    await chat('up-xai/grok-3-mini', 'low');
    expect(sent()).toMatchObject({ reasoning_effort: 'low' });
    await chat('up-xai/grok-3-mini', 'medium');
    expect(sent()).toMatchObject({ reasoning_effort: 'high' });
    await chat('up-xai/grok-3-mini', 'none');
    expect(sent()).not.toHaveProperty('reasoning_effort');
  });

  it('an Anthropic client’s thinking: Grok 4 is not sent it, Grok 3 Mini its nearest', async () => {
    await thinking('up-xai/grok-4-0709', 2000);
    expect(sent()).not.toHaveProperty('reasoning_effort');
    await thinking('up-xai/grok-3-mini', 2000);
    expect(sent()).toMatchObject({ reasoning_effort: 'low' });
  });
});

describe('a changed reasoning_effort is said in the answer', () => {
  const CHANGED = 'x-switchyard-changed-params';
  const ask = (model: string, reasoning_effort: string, stream = false) =>
    post('/v1/chat/completions', { model, messages: hi, reasoning_effort, stream });

  it('left out or mapped: x-switchyard-changed-params names what was sent, whole and streamed', async () => {
    const dropped = await ask('up-xai/grok-4-0709', 'high');
    await dropped.text();
    expect(dropped.headers.get(CHANGED)).toBe('reasoning_effort: left out');
    const mapped = await ask('up-gcompat/gemini-2.5-flash', 'xhigh', true);
    await mapped.text();
    expect(mapped.status).toBe(200);
    expect(mapped.headers.get(CHANGED)).toBe('reasoning_effort: high');
  });

  it('not when it goes as it came', async () => {
    const res = await ask('up-gcompat/gemini-2.5-flash', 'medium');
    await res.text();
    expect(res.headers.get(CHANGED)).toBeNull();
  });
});

describe('reasoning to Gemini’s OpenAI compatibility', () => {
  it.each([
    ['gemini-2.5-flash', 'xhigh', 'high'],
    ['gemini-2.5-flash', 'minimal', 'low'],
    ['gemini-2.5-flash', 'none', 'none'],
    ['gemini-2.5-flash', 'medium', 'medium'],
    ['gemini-2.5-pro', 'high', 'high'],
    ['gemini-2.5-pro', 'none', undefined],
    ['gemini-3-pro-preview', 'none', 'low'],
    ['gemini-3-pro-preview', 'xhigh', 'high'],
    ['gemini-2.0-flash', 'high', undefined],
  ])('%s, an OpenAI-format effort %s: sent %s', async (model, effort, expected) => {
    await chat(`up-gcompat/${model}`, effort);
    expect(sent()).toMatchObject({ model });
    expect(sent().reasoning_effort).toBe(expected);
  });

  it('an Anthropic client’s thinking budget as the nearest effort', async () => {
    await thinking('up-gcompat/gemini-2.5-flash', 10000);
    expect(sent()).toMatchObject({ model: 'gemini-2.5-flash', reasoning_effort: 'medium' });
    await thinking('up-gcompat/gemini-2.5-pro', 2000);
    expect(sent()).toMatchObject({ model: 'gemini-2.5-pro', reasoning_effort: 'low' });
    await thinking('up-gcompat/gemini-2.0-flash', 2000);
    expect(sent()).not.toHaveProperty('reasoning_effort');
  });

  it('a Responses client’s effort alike', async () => {
    await ok(
      await post('/v1/responses', {
        model: 'up-gcompat/gemini-2.5-flash',
        input: 'hi',
        reasoning: { effort: 'xhigh' },
      }),
    );
    expect(sent()).toMatchObject({ reasoning_effort: 'high' });
  });
});

/** What each model takes as reasoning_effort through an OpenAI-compatible API (undefined: not the field at all). */
const TAKES: Record<string, ReadonlyArray<string | undefined>> = {
  'grok-4-0709': [undefined],
  'grok-code-fast-1': [undefined],
  'grok-3-mini': [undefined, 'low', 'high'],
  'gemini-2.5-pro': [undefined, 'low', 'medium', 'high'],
  'gemini-2.5-flash': [undefined, 'none', 'low', 'medium', 'high'],
  'gemini-3-pro-preview': [undefined, 'low', 'medium', 'high'],
  'gemini-2.0-flash': [undefined],
};
const effortValue = fc.oneof(
  fc.constantFrom('none', 'minimal', 'low', 'medium', 'high', 'xhigh', 'max', '', 'HIGH'),
  fc.string({ maxLength: 8 }),
  fc.jsonValue({ maxDepth: 2 }),
);

describe('any reasoning effort', () => {
  it('is sent only as one the model takes (both paths), or not at all', () => {
    fc.assert(
      fc.property(fc.constantFrom(...Object.keys(TAKES)), effortValue, (model, effort) => {
        const req = { model, messages: [], reasoning_effort: effort } as never;
        const viaChat = withVendorEffort({ model, reasoning_effort: effort } as Obj, {
          modelId: model,
        });
        const sentChat = (viaChat ?? { reasoning_effort: effort }).reasoning_effort;
        if (typeof effort === 'string') expect(TAKES[model]).toContain(sentChat);
        const translated = withReasoningFor(req, null, 'custom') as { reasoning_effort?: unknown };
        if (typeof effort === 'string') expect(TAKES[model]).toContain(translated.reasoning_effort);
      }),
      { numRuns: 2_000 },
    );
  });

  it('through the proxy: never a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('up-xai/grok-4-0709', 'up-xai/grok-3-mini', 'up-gcompat/gemini-2.5-pro'),
        effortValue,
        async (model, effort) => {
          const res = await post('/v1/chat/completions', { model, messages: hi, reasoning_effort: effort });
          await res.text();
          expect(res.status).toBeLessThan(500);
        },
      ),
      { numRuns: 40 },
    );
  });
});
