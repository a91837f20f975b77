// A client's reasoning settings reach a provider of another format. Before, an OpenAI-format client's
// `reasoning_effort` (chat) or `reasoning.effort` (Responses) sent to Claude was dropped (Claude answered without
// thinking), and an Anthropic client's `thinking` budget never reached an OpenAI reasoning model or Gemini.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addBedrockProvider, BEDROCK_MODEL } from '../test/bedrock.js';
import { addDeepSeekProvider } from '../test/deepseek.js';
import { createProxyEnv, type ProxyEnv } from '../test/proxy-env.js';

type Obj = Record<string, unknown>;

let e: ProxyEnv;

beforeAll(async () => {
  e = await createProxyEnv();
  const { prisma, secrets } = e.t.app.ctx;
  const corp = await prisma.provider.create({
    data: {
      slug: 'up-corp',
      name: 'up-corp',
      type: 'custom',
      priority: 50,
      baseUrl: `${e.up.url}/v1`,
      status: 'active',
      encryptedApiKey: secrets.encrypt('sk-corp-proxy-0000'),
      apiKeyLast4: '0000',
    },
  });
  const gemini = await prisma.provider.create({
    data: {
      slug: 'up-gemini',
      name: 'up-gemini',
      type: 'google',
      priority: 60,
      baseUrl: e.up.url,
      status: 'active',
      encryptedApiKey: secrets.encrypt('gemini-key-0000'),
      apiKeyLast4: '0000',
    },
  });
  const caps = ['chat', 'tools', 'streaming', 'json'];
  for (const [providerId, modelId] of [
    [corp.id, 'o3-mini'],
    [corp.id, 'gpt-4o'],
    [corp.id, 'grok-3-mini'],
    [corp.id, 'grok-4.3'],
    [corp.id, 'grok-4-0709'],
    [corp.id, 'grok-4-1-fast-reasoning'],
    [gemini.id, 'gemini-2.5-flash'],
    [gemini.id, 'gemini-2.5-pro'],
    [gemini.id, 'gemini-3-pro-preview'],
  ] as const)
    await prisma.model.create({ data: { providerId, modelId, displayName: modelId, capabilities: caps } });
  await addDeepSeekProvider(e, { priority: 70, capabilities: caps });
  // Claude models that take adaptive thinking (Opus 4.7 on only that; 4.6 with a budget deprecated).
  for (const modelId of ['claude-opus-4-7', 'claude-sonnet-4-6'])
    await prisma.model.create({
      data: { providerId: e.ids.anthropic, modelId, displayName: modelId, capabilities: caps },
    });
  const bedrockId = await addBedrockProvider(e);
  await prisma.model.create({
    data: {
      providerId: bedrockId,
      modelId: 'us.anthropic.claude-opus-4-7',
      displayName: 'Opus 4.7 on Bedrock',
      capabilities: caps,
    },
  });
  await e.t.app.routing.reload();
}, 180_000);
afterAll(async () => {
  await e?.close();
});

const post = (path: string, body: object) =>
  fetch(`${e.url}${path}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${e.userKey}`,
      'anthropic-version': '2023-06-01',
    },
    body: JSON.stringify(body),
  });
const sent = () => e.up.requests.at(-1)!.body as Obj;
const hi = [{ role: 'user', content: 'hi' }];

async function ok(res: Response): Promise<Obj> {
  const text = await res.text();
  expect(res.status, text).toBe(200);
  return text.startsWith('{') ? (JSON.parse(text) as Obj) : {};
}

describe('an OpenAI-format reasoning effort to Claude (Anthropic API)', () => {
  const claude = 'up-anthropic/claude-test';

  it('becomes thinking with the effort’s budget; the temperature Claude refuses beside it is left out', async () => {
    await ok(
      await post('/v1/chat/completions', {
        model: claude,
        messages: hi,
        reasoning_effort: 'high',
        max_tokens: 40000,
        temperature: 0.5,
      }),
    );
    expect(sent()).toMatchObject({ thinking: { type: 'enabled', budget_tokens: 24576 }, max_tokens: 40000 });
    expect(sent()).not.toHaveProperty('temperature');

    // Streamed alike; a top_p under 0.95 (refused with thinking) is left out too.
    const streamed = await post('/v1/chat/completions', {
      model: claude,
      messages: hi,
      reasoning_effort: 'low',
      max_tokens: 8000,
      top_p: 0.5,
      stream: true,
    });
    expect(streamed.status).toBe(200);
    expect(await streamed.text()).toContain('[DONE]');
    expect(sent()).toMatchObject({ thinking: { type: 'enabled', budget_tokens: 2048 }, stream: true });
    expect(sent()).not.toHaveProperty('top_p');
  });

  it('a Responses client’s reasoning.effort alike', async () => {
    const r = await ok(
      await post('/v1/responses', {
        model: claude,
        input: 'hi',
        reasoning: { effort: 'medium' },
        max_output_tokens: 20000,
      }),
    );
    expect(r.status).toBe('completed');
    expect(sent()).toMatchObject({ thinking: { type: 'enabled', budget_tokens: 8192 }, max_tokens: 20000 });
  });

  it('the budget fits in the client’s cap (or the default cap), which is never raised; too small a cap: no thinking', async () => {
    await ok(
      await post('/v1/chat/completions', {
        model: claude,
        messages: hi,
        reasoning_effort: 'high',
        max_completion_tokens: 3000,
      }),
    );
    expect(sent()).toMatchObject({ thinking: { type: 'enabled', budget_tokens: 1976 }, max_tokens: 3000 });

    await ok(await post('/v1/chat/completions', { model: claude, messages: hi, reasoning_effort: 'medium' }));
    expect(sent()).toMatchObject({ thinking: { type: 'enabled', budget_tokens: 3072 }, max_tokens: 4096 });

    await ok(
      await post('/v1/chat/completions', {
        model: claude,
        messages: hi,
        reasoning_effort: 'high',
        max_tokens: 1000,
      }),
    );
    expect(sent()).toMatchObject({ max_tokens: 1000 });
    expect(sent()).not.toHaveProperty('thinking');
  });

  it('effort "none" or "minimal" asks for no thinking, and the temperature goes', async () => {
    for (const effort of ['none', 'minimal']) {
      await ok(
        await post('/v1/chat/completions', {
          model: claude,
          messages: hi,
          reasoning_effort: effort,
          temperature: 0.4,
        }),
      );
      expect(sent()).not.toHaveProperty('thinking');
      expect(sent()).toMatchObject({ temperature: 0.4 });
    }
  });

  it('no thinking where Claude would refuse it: a forced tool (JSON format) or a turn continuing a tool call', async () => {
    await ok(
      await post('/v1/chat/completions', {
        model: claude,
        messages: hi,
        reasoning_effort: 'high',
        max_tokens: 40000,
        response_format: { type: 'json_object' },
      }),
    );
    expect(sent()).toMatchObject({ tool_choice: { type: 'tool' } });
    expect(sent()).not.toHaveProperty('thinking');

    const tools = [
      { type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: {} } } },
    ];
    await ok(
      await post('/v1/chat/completions', {
        model: claude,
        reasoning_effort: 'high',
        max_tokens: 40000,
        tools,
        messages: [
          { role: 'user', content: 'weather?' },
          {
            role: 'assistant',
            content: null,
            tool_calls: [{ id: 'c1', type: 'function', function: { name: 'get_weather', arguments: '{}' } }],
          },
          { role: 'tool', tool_call_id: 'c1', content: 'sunny' },
        ],
      }),
    );
    expect(sent()).not.toHaveProperty('thinking');
  });
});

// Claude Opus 4.7 on take only adaptive thinking (Anthropic refuses a budget with a 400: "thinking.type.enabled is not
// supported for this model"), and a budget is deprecated on Opus and Sonnet 4.6: a translated effort went to each as
// a budget, so an OpenAI-format client's reasoning request to Opus 4.7 failed.
describe('a translated reasoning effort to Claude that takes adaptive thinking', () => {
  it('Opus 4.7 (Anthropic API): adaptive thinking, summarized, with the effort as output_config.effort', async () => {
    const r = await ok(
      await post('/v1/chat/completions', {
        model: 'up-anthropic/claude-opus-4-7',
        messages: hi,
        reasoning_effort: 'high',
        max_tokens: 2000,
        temperature: 0.5,
      }),
    );
    expect((r.choices as Obj[])[0]).toMatchObject({ message: { content: 'Hello from upstream' } });
    expect(sent()).toMatchObject({
      model: 'claude-opus-4-7',
      thinking: { type: 'adaptive', display: 'summarized' },
      output_config: { effort: 'high' },
      max_tokens: 2000,
    });
    expect(sent()).not.toHaveProperty('temperature');
    expect(sent().thinking).not.toHaveProperty('budget_tokens');

    // An Anthropic-format effort the model takes goes as it is; xhigh too (Opus 4.7 takes it).
    await ok(
      await post('/v1/responses', {
        model: 'up-anthropic/claude-opus-4-7',
        input: 'hi',
        reasoning: { effort: 'xhigh' },
      }),
    );
    expect(sent()).toMatchObject({ thinking: { type: 'adaptive' }, output_config: { effort: 'xhigh' } });

    // No thinking asked: none sent.
    await ok(
      await post('/v1/chat/completions', {
        model: 'up-anthropic/claude-opus-4-7',
        messages: hi,
        reasoning_effort: 'none',
      }),
    );
    expect(sent()).not.toHaveProperty('thinking');
    expect(sent()).not.toHaveProperty('output_config');
  });

  it('Sonnet 4.6: adaptive too; xhigh, which it does not take, as high', async () => {
    await ok(
      await post('/v1/responses', {
        model: 'up-anthropic/claude-sonnet-4-6',
        input: 'hi',
        reasoning: { effort: 'xhigh' },
      }),
    );
    expect(sent()).toMatchObject({ thinking: { type: 'adaptive' }, output_config: { effort: 'high' } });
  });

  it('Opus 4.7 on Bedrock: adaptive thinking in additionalModelRequestFields, an Anthropic client’s budget as its effort', async () => {
    const r = await ok(
      await post('/v1/messages', {
        model: 'up-bedrock/us.anthropic.claude-opus-4-7',
        max_tokens: 16000,
        messages: hi,
        thinking: { type: 'enabled', budget_tokens: 2000 },
      }),
    );
    expect(r).toMatchObject({ type: 'message', stop_reason: 'end_turn' });
    expect(sent()).toMatchObject({
      additionalModelRequestFields: {
        thinking: { type: 'adaptive', display: 'summarized' },
        output_config: { effort: 'low' },
      },
      inferenceConfig: { maxTokens: 16000 },
    });
  });
});

describe('an OpenAI-format reasoning effort to Claude on Bedrock', () => {
  it('becomes thinking in additionalModelRequestFields, its cap sent, no temperature', async () => {
    await ok(
      await post('/v1/chat/completions', {
        model: `up-bedrock/${BEDROCK_MODEL}`,
        messages: hi,
        reasoning_effort: 'high',
        max_tokens: 30000,
        temperature: 0.5,
      }),
    );
    expect(sent()).toMatchObject({
      additionalModelRequestFields: { thinking: { type: 'enabled', budget_tokens: 24576 } },
      inferenceConfig: { maxTokens: 30000 },
    });
    expect((sent().inferenceConfig as Obj).temperature).toBeUndefined();

    // An Anthropic client's own budget goes as it asked.
    await ok(
      await post('/v1/messages', {
        model: `up-bedrock/${BEDROCK_MODEL}`,
        max_tokens: 16000,
        messages: hi,
        thinking: { type: 'enabled', budget_tokens: 5000 },
      }),
    );
    expect(sent()).toMatchObject({
      additionalModelRequestFields: { thinking: { type: 'enabled', budget_tokens: 5000 } },
      inferenceConfig: { maxTokens: 16000 },
    });
  });
});

describe('an Anthropic client’s thinking to an OpenAI model', () => {
  it.each([
    [2000, 'low'],
    [10000, 'medium'],
    [30000, 'high'],
  ])('a budget of %i goes to a reasoning model as reasoning_effort %s', async (budget, effort) => {
    await ok(
      await post('/v1/messages', {
        model: 'up-corp/o3-mini',
        max_tokens: 40000,
        messages: hi,
        thinking: { type: 'enabled', budget_tokens: budget },
      }),
    );
    expect(sent()).toMatchObject({ model: 'o3-mini', reasoning_effort: effort });
  });

  it('not to a model that is not a reasoning model (it refuses the field), nor without thinking', async () => {
    await ok(
      await post('/v1/messages', {
        model: 'up-corp/gpt-4o',
        max_tokens: 4000,
        messages: hi,
        thinking: { type: 'enabled', budget_tokens: 2000 },
      }),
    );
    expect(sent()).not.toHaveProperty('reasoning_effort');
    await ok(
      await post('/v1/messages', {
        model: 'up-corp/o3-mini',
        max_tokens: 4000,
        messages: hi,
        thinking: { type: 'disabled' },
      }),
    );
    expect(sent()).not.toHaveProperty('reasoning_effort');
  });

  it('a Responses client’s reasoning.effort reaches a reasoning model through chat', async () => {
    await ok(
      await post('/v1/responses', { model: 'up-corp/o3-mini', input: 'hi', reasoning: { effort: 'high' } }),
    );
    expect(sent()).toMatchObject({ model: 'o3-mini', reasoning_effort: 'high' });
  });
});

// Anthropic's adaptive thinking (`thinking: {type: "adaptive"}`: Claude decides whether and how much to think, guided by
// `output_config.effort`) reached no upstream of another format: only a budget was read.
describe('an Anthropic client’s adaptive thinking', () => {
  it.each([
    [undefined, 'medium'],
    ['low', 'low'],
    ['high', 'high'],
    ['max', 'high'],
  ])('to an OpenAI reasoning model: effort %s as reasoning_effort %s', async (effort, expected) => {
    await ok(
      await post('/v1/messages', {
        model: 'up-corp/o3-mini',
        max_tokens: 40000,
        messages: hi,
        thinking: { type: 'adaptive' },
        ...(effort ? { output_config: { effort } } : {}),
      }),
    );
    expect(sent()).toMatchObject({ model: 'o3-mini', reasoning_effort: expected });
  });

  it('to the upstreams that take a budget: the effort’s (Claude on Bedrock, Gemini 2.5)', async () => {
    await ok(
      await post('/v1/messages', {
        model: `up-bedrock/${BEDROCK_MODEL}`,
        max_tokens: 16000,
        messages: hi,
        thinking: { type: 'adaptive' },
      }),
    );
    expect(sent()).toMatchObject({
      additionalModelRequestFields: { thinking: { type: 'enabled', budget_tokens: 8192 } },
    });
    await ok(
      await post('/v1/messages', {
        model: 'up-gemini/gemini-2.5-flash',
        max_tokens: 16000,
        messages: hi,
        thinking: { type: 'adaptive' },
        output_config: { effort: 'low' },
      }),
    );
    expect((sent().generationConfig as Obj).thinkingConfig).toEqual({
      thinkingBudget: 2048,
      includeThoughts: true,
    });
  });

  it('to Anthropic: as it was sent', async () => {
    await ok(
      await post('/v1/messages', {
        model: 'up-anthropic/claude-test',
        max_tokens: 16000,
        messages: hi,
        thinking: { type: 'adaptive' },
      }),
    );
    expect(sent().thinking).toEqual({ type: 'adaptive' });
  });
});

// A translated reasoning effort went only to OpenAI's reasoning models: DeepSeek's API, which documents
// `reasoning_effort` (and `thinking: {type: "disabled"}` to turn thinking off), and xAI's Grok 3 Mini (low or high)
// never got it.
describe('reasoning to the compatible vendors that document an effort', () => {
  it('DeepSeek: an Anthropic client’s thinking as reasoning_effort', async () => {
    await ok(
      await post('/v1/messages', {
        model: 'up-deepseek/deepseek-chat',
        max_tokens: 4000,
        messages: hi,
        thinking: { type: 'enabled', budget_tokens: 2000 },
      }),
    );
    expect(sent()).toMatchObject({ model: 'deepseek-chat', reasoning_effort: 'low' });
  });

  it('DeepSeek: a Responses client’s effort "none" as thinking disabled', async () => {
    await ok(
      await post('/v1/responses', {
        model: 'up-deepseek/deepseek-chat',
        input: 'hi',
        reasoning: { effort: 'none' },
      }),
    );
    expect(sent()).toMatchObject({ thinking: { type: 'disabled' } });
    expect(sent()).not.toHaveProperty('reasoning_effort');
  });

  it('Grok 3 Mini: low or high, the two it takes', async () => {
    await ok(
      await post('/v1/messages', {
        model: 'up-corp/grok-3-mini',
        max_tokens: 40000,
        messages: hi,
        thinking: { type: 'enabled', budget_tokens: 10000 },
      }),
    );
    expect(sent()).toMatchObject({ model: 'grok-3-mini', reasoning_effort: 'high' });
  });
});

// xAI documents reasoning_effort on Grok 4.3 and later (low, medium, high; no "none"), which got no effort at all: only
// Grok 3 Mini did. Grok 4 to 4.2 refuse the field and still get none.
describe('reasoning to Grok 4.3 and later', () => {
  it.each([
    ['low', 'low'],
    ['medium', 'medium'],
    ['high', 'high'],
    ['xhigh', 'high'],
    ['minimal', 'low'],
  ])('a Responses client’s effort %s as reasoning_effort %s', async (effort, expected) => {
    await ok(await post('/v1/responses', { model: 'up-corp/grok-4.3', input: 'hi', reasoning: { effort } }));
    expect(sent()).toMatchObject({ model: 'grok-4.3', reasoning_effort: expected });
  });

  it('an Anthropic client’s thinking as its effort; none left out; Grok 4 and 4.1 not sent it', async () => {
    await ok(
      await post('/v1/messages', {
        model: 'up-corp/grok-4.3',
        max_tokens: 40000,
        messages: hi,
        thinking: { type: 'enabled', budget_tokens: 10000 },
      }),
    );
    expect(sent()).toMatchObject({ model: 'grok-4.3', reasoning_effort: 'medium' });
    await ok(
      await post('/v1/responses', { model: 'up-corp/grok-4.3', input: 'hi', reasoning: { effort: 'none' } }),
    );
    expect(sent()).not.toHaveProperty('reasoning_effort');
    for (const model of ['grok-4-0709', 'grok-4-1-fast-reasoning']) {
      await ok(
        await post('/v1/responses', {
          model: `up-corp/${model}`,
          input: 'hi',
          reasoning: { effort: 'high' },
        }),
      );
      expect(sent()).toMatchObject({ model });
      expect(sent()).not.toHaveProperty('reasoning_effort');
    }
  });
});

describe('reasoning to Gemini', () => {
  const config = () => (sent().generationConfig as Obj | undefined)?.thinkingConfig;

  it('an Anthropic client’s thinking budget as thinkingBudget', async () => {
    await ok(
      await post('/v1/messages', {
        model: 'up-gemini/gemini-2.5-flash',
        max_tokens: 16000,
        messages: hi,
        thinking: { type: 'enabled', budget_tokens: 6000 },
      }),
    );
    expect(config()).toEqual({ thinkingBudget: 6000, includeThoughts: true });
  });

  it('an OpenAI-format effort as the effort’s budget; "none" turns thinking off where the model can', async () => {
    await ok(
      await post('/v1/chat/completions', {
        model: 'up-gemini/gemini-2.5-flash',
        messages: hi,
        reasoning_effort: 'low',
      }),
    );
    expect(config()).toEqual({ thinkingBudget: 2048, includeThoughts: true });
    await ok(
      await post('/v1/chat/completions', {
        model: 'up-gemini/gemini-2.5-flash',
        messages: hi,
        reasoning_effort: 'none',
      }),
    );
    expect(config()).toEqual({ thinkingBudget: 0 });
    // 2.5 Pro cannot turn thinking off ("Budget 0 is invalid"): it keeps its default.
    await ok(
      await post('/v1/chat/completions', {
        model: 'up-gemini/gemini-2.5-pro',
        messages: hi,
        reasoning_effort: 'none',
      }),
    );
    expect(config()).toBeUndefined();
  });

  it('Gemini 3 gets a thinking level', async () => {
    await ok(
      await post('/v1/responses', {
        model: 'up-gemini/gemini-3-pro-preview',
        input: 'hi',
        reasoning: { effort: 'high' },
      }),
    );
    expect(config()).toEqual({ thinkingLevel: 'high', includeThoughts: true });
  });
});

// Gemini 3 refuses a model turn whose first function call has no thought signature, and the signatures it gives never
// reach an OpenAI- or Anthropic-format client: the second turn of every tool loop failed with a 400.
describe('a tool loop on Gemini 3 from an OpenAI-format client', () => {
  const tools = [
    { type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: {} } } },
  ];
  const loop = [
    { role: 'user', content: 'weather?' },
    {
      role: 'assistant',
      content: null,
      tool_calls: [
        { id: 'c1', type: 'function', function: { name: 'get_weather', arguments: '{}' } },
        { id: 'c2', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Oslo"}' } },
      ],
    },
    { role: 'tool', tool_call_id: 'c1', content: 'sunny' },
    { role: 'tool', tool_call_id: 'c2', content: 'rain' },
  ];

  it('goes on: the turn’s first call carries the signature Gemini documents for a call without its own', async () => {
    for (const stream of [false, true]) {
      const res = await post('/v1/chat/completions', {
        model: 'up-gemini/gemini-3-pro-preview',
        messages: loop,
        tools,
        stream,
      });
      expect(res.status, await res.clone().text()).toBe(200);
      const parts = ((sent().contents as Obj[])[1]!.parts as Obj[]).map((p) => p.thoughtSignature);
      expect(parts).toEqual(['skip_thought_signature_validator', undefined]);
    }
  });

  it('Gemini 2.5 gets no signature (it takes none)', async () => {
    await ok(
      await post('/v1/chat/completions', { model: 'up-gemini/gemini-2.5-flash', messages: loop, tools }),
    );
    expect(JSON.stringify(sent())).not.toContain('thoughtSignature');
  });
});
