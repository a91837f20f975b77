// The gateway changes a client's reasoning request when the model it goes to would refuse it as sent, and says so in
// the answer's `x-switchyard-changed-params` (`<client's parameter>: <what was sent>` or `left out`). Before: only an
// OpenAI-format chat client's own `reasoning_effort` was reported; a translated request's (an Anthropic client's
// `thinking`, a Responses client's `reasoning.effort`) and an Anthropic client's thinking rewritten for Claude were
// changed silently. And a browser client (CORS_ORIGINS) could read neither this header nor x-switchyard-dropped-tools
// nor x-switchyard-cache: they were not in Access-Control-Expose-Headers.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addBedrockProvider, BEDROCK_MODEL } from '../test/bedrock.js';
import { createProxyEnv, type ProxyEnv } from '../test/proxy-env.js';

const CHANGED = 'x-switchyard-changed-params';
const ORIGIN = 'https://app.example.com';

let e: ProxyEnv;

beforeAll(async () => {
  e = await createProxyEnv({ env: { CORS_ORIGINS: ORIGIN } });
  const { prisma, secrets } = e.t.app.ctx;
  const provider = (slug: string, baseUrl: string, type = 'custom') =>
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
  const xai = await provider('up-xai', `${e.up.url}/v1`);
  const compat = await provider('up-gcompat', `${e.up.url}/v1beta/openai`);
  const gemini = await provider('up-gemini', e.up.url, 'google');
  const caps = ['chat', 'tools', 'streaming', 'json'];
  const models: Array<[string, string]> = [
    [xai.id, 'grok-4-0709'],
    [compat.id, 'gemini-2.5-flash'],
    [e.ids.anthropic, 'claude-opus-4-7'],
    [e.ids.anthropic, 'claude-opus-4-6'],
    [e.ids.anthropic, 'claude-sonnet-4-5'],
    [gemini.id, 'gemini-2.0-flash'],
    [gemini.id, 'gemini-2.5-flash'],
  ];
  for (const [providerId, modelId] of models)
    await prisma.model.create({
      data: { providerId, modelId, displayName: modelId, contextWindow: 200_000, capabilities: caps },
    });
  await addBedrockProvider(e);
}, 180_000);
afterAll(async () => {
  await e?.close();
});

const post = (path: string, body: object, headers: Record<string, string> = {}) =>
  fetch(`${e.url}${path}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${e.userKey}`,
      'anthropic-version': '2023-06-01',
      ...headers,
    },
    body: JSON.stringify(body),
  });
const sent = () => e.up.requests.at(-1)!.body as Record<string, unknown>;
const hi = [{ role: 'user', content: 'hi' }];

async function changed(res: Response): Promise<string | null> {
  const text = await res.text();
  expect(res.status, text).toBe(200);
  return res.headers.get(CHANGED);
}

describe('a translated request whose reasoning the gateway changed says so', () => {
  it("an Anthropic client's thinking to Grok 4 (which refuses reasoning_effort): left out, whole and streamed", async () => {
    for (const stream of [false, true]) {
      const res = await post('/v1/messages', {
        model: 'up-xai/grok-4-0709',
        max_tokens: 32_000,
        thinking: { type: 'enabled', budget_tokens: 24_000 },
        messages: hi,
        stream,
      });
      expect(await changed(res)).toBe('thinking: left out');
      expect(sent()).not.toHaveProperty('reasoning_effort');
    }
  });

  it("a Responses client's xhigh to Gemini's OpenAI compatibility: high", async () => {
    const res = await post('/v1/responses', {
      model: 'up-gcompat/gemini-2.5-flash',
      input: 'hi',
      reasoning: { effort: 'xhigh' },
    });
    expect(await changed(res)).toBe('reasoning.effort: high');
    expect(sent().reasoning_effort).toBe('high');
  });

  it("an Anthropic client's budget to Opus 4.7 (which takes only adaptive thinking): adaptive at an effort", async () => {
    const res = await post('/v1/messages', {
      model: 'up-anthropic/claude-opus-4-7',
      max_tokens: 32_000,
      thinking: { type: 'enabled', budget_tokens: 24_000 },
      messages: hi,
    });
    expect(await changed(res)).toBe('thinking: adaptive at effort high');
    expect(sent().thinking).toEqual({ type: 'adaptive', display: 'summarized' });
  });

  it("an Anthropic client's adaptive thinking to Sonnet 4.5: a budget, or left out when the cap holds none", async () => {
    const budget = await post('/v1/messages', {
      model: 'up-anthropic/claude-sonnet-4-5',
      max_tokens: 30_000,
      thinking: { type: 'adaptive' },
      output_config: { effort: 'high' },
      messages: hi,
    });
    expect(await changed(budget)).toBe('thinking: budget_tokens 24576');
    const none = await post('/v1/messages', {
      model: 'up-anthropic/claude-sonnet-4-5',
      max_tokens: 1_000,
      thinking: { type: 'adaptive' },
      output_config: { effort: 'high' },
      messages: hi,
    });
    expect(await changed(none)).toBe('thinking: left out');
    expect(sent()).not.toHaveProperty('thinking');
  });

  it("an Anthropic client's thinking to a Gemini model that cannot think: left out", async () => {
    const res = await post('/v1/messages', {
      model: 'up-gemini/gemini-2.0-flash',
      max_tokens: 32_000,
      thinking: { type: 'enabled', budget_tokens: 24_000 },
      messages: hi,
    });
    expect(await changed(res)).toBe('thinking: left out');
    expect(JSON.stringify(sent())).not.toContain('thinkingConfig');
  });

  it("a chat client's effort to Claude with a forced tool (Claude refuses thinking then): left out", async () => {
    const res = await post('/v1/chat/completions', {
      model: 'up-anthropic/claude-sonnet-4-5',
      messages: hi,
      reasoning_effort: 'high',
      tools: [{ type: 'function', function: { name: 'f', parameters: { type: 'object' } } }],
      tool_choice: { type: 'function', function: { name: 'f' } },
    });
    expect(await changed(res)).toBe('reasoning_effort: left out');
    expect(sent()).not.toHaveProperty('thinking');
  });

  it("an Anthropic client's budget to Claude on Bedrock with a cap that holds none: left out; one it holds: no header", async () => {
    const none = await post('/v1/messages', {
      model: `up-bedrock/${BEDROCK_MODEL}`,
      max_tokens: 1_000,
      thinking: { type: 'enabled', budget_tokens: 5_000 },
      messages: hi,
    });
    expect(await changed(none)).toBe('thinking: left out');
    expect(sent()).not.toHaveProperty('additionalModelRequestFields');
    const kept = await post('/v1/messages', {
      model: `up-bedrock/${BEDROCK_MODEL}`,
      max_tokens: 16_000,
      thinking: { type: 'enabled', budget_tokens: 5_000 },
      messages: hi,
    });
    expect(await changed(kept)).toBeNull();
  });

  it('no header when the reasoning goes as it came (or only in the target’s form)', async () => {
    expect(
      await changed(
        await post('/v1/messages', {
          model: 'up-anthropic/claude-opus-4-6',
          max_tokens: 32_000,
          thinking: { type: 'enabled', budget_tokens: 24_000 },
          messages: hi,
        }),
      ),
    ).toBeNull();
    expect(
      await changed(
        await post('/v1/responses', {
          model: 'up-gcompat/gemini-2.5-flash',
          input: 'hi',
          reasoning: { effort: 'medium' },
        }),
      ),
    ).toBeNull();
    expect(
      await changed(
        await post('/v1/messages', {
          model: 'up-gemini/gemini-2.5-flash',
          max_tokens: 32_000,
          thinking: { type: 'enabled', budget_tokens: 8_000 },
          messages: hi,
        }),
      ),
    ).toBeNull();
    expect(
      await changed(
        await post('/v1/chat/completions', {
          model: 'up-anthropic/claude-sonnet-4-5',
          messages: hi,
          reasoning_effort: 'high',
        }),
      ),
    ).toBeNull();
    expect(
      await changed(
        await post('/v1/messages', { model: 'up-xai/grok-4-0709', max_tokens: 100, messages: hi }),
      ),
    ).toBeNull();
  });

  it('any thinking an Anthropic client sends: never a 5xx, and the header never echoes its own values', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(
          'up-xai/grok-4-0709',
          'up-gcompat/gemini-2.5-flash',
          'up-anthropic/claude-opus-4-7',
          'up-anthropic/claude-sonnet-4-5',
        ),
        fc.oneof(
          fc.record({ type: fc.constant('enabled'), budget_tokens: fc.oneof(fc.integer(), fc.string()) }),
          fc.record({ type: fc.constant('adaptive') }),
          fc.anything(),
        ),
        fc.option(
          fc.record({ effort: fc.oneof(fc.constantFrom('low', 'medium', 'high', 'max'), fc.string()) }),
          {
            nil: undefined,
          },
        ),
        async (model, thinking, output_config) => {
          const res = await post('/v1/messages', {
            model,
            max_tokens: 2_000,
            thinking,
            ...(output_config ? { output_config } : {}),
            messages: hi,
          });
          await res.text();
          expect(res.status).toBeLessThan(500);
          const h = res.headers.get(CHANGED);
          if (h !== null)
            expect(h).toMatch(
              /^thinking: (left out|adaptive(?: at effort [a-z]+)?|budget_tokens \d+|reasoning_effort [a-z]+)$/,
            );
        },
      ),
      { numRuns: 25 },
    );
  });
});

describe('a browser client may read the answer headers meant for it', () => {
  it('Access-Control-Expose-Headers names x-switchyard-changed-params, -dropped-tools and -cache', async () => {
    const res = await post(
      '/v1/chat/completions',
      { model: 'up-xai/grok-4-0709', messages: hi, reasoning_effort: 'high' },
      { origin: ORIGIN },
    );
    expect(await changed(res)).toBe('reasoning_effort: left out');
    expect(res.headers.get('access-control-allow-origin')).toBe(ORIGIN);
    const exposed = String(res.headers.get('access-control-expose-headers')).split(/,\s*/);
    for (const h of [
      'x-request-id',
      'x-switchyard-provider',
      'x-switchyard-model',
      'x-switchyard-attempts',
      'x-switchyard-skipped',
      'x-switchyard-changed-params',
      'x-switchyard-dropped-tools',
      'x-switchyard-cache',
    ])
      expect(exposed).toContain(h);
  });
});
