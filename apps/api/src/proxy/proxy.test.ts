import Anthropic from '@anthropic-ai/sdk';
import { createAnthropic } from '@ai-sdk/anthropic';
import { createOpenAI } from '@ai-sdk/openai';
import { generateText, streamText } from 'ai';
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  ANTHROPIC_UPSTREAM_KEY,
  MASTER_KEY,
  UPSTREAM_KEY,
  createProxyEnv,
  type ProxyEnv,
} from '../test/proxy-env.js';

let env: ProxyEnv;
let openai: OpenAI;
let anthropic: Anthropic;

beforeAll(async () => {
  env = await createProxyEnv();
  openai = new OpenAI({ apiKey: env.userKey, baseURL: `${env.url}/v1`, maxRetries: 0 });
  anthropic = new Anthropic({ apiKey: env.userKey, baseURL: env.url, maxRetries: 0 });
});
afterAll(async () => {
  await env?.close();
});
beforeEach(() => env.up.reset());

const lastUsage = async () => {
  await env.flushUsage();
  return env.t.app.ctx.prisma.usageRecord.findFirst({ orderBy: { id: 'desc' } });
};

describe('OpenAI format', () => {
  it('answers a chat completion through the official SDK, with usage, cost and routing headers', async () => {
    const { data, response } = await openai.chat.completions
      .create({ model: 'up-openai/gpt-test', messages: [{ role: 'user', content: 'hi' }] })
      .withResponse();
    expect(data.choices[0]!.message.content).toBe('Hello from upstream');
    expect(data.usage).toMatchObject({ prompt_tokens: 12, completion_tokens: 5 });
    expect(response.headers.get('x-switchyard-provider')).toBe('up-openai');
    expect(response.headers.get('x-switchyard-model')).toBe('gpt-test');
    // The gateway's own request id is a UUIDv7 of this moment (time-ordered in the usage table's index).
    const requestId = response.headers.get('x-request-id')!;
    expect(requestId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(Math.abs(parseInt(requestId.slice(0, 8) + requestId.slice(9, 13), 16) - Date.now())).toBeLessThan(
      60_000,
    );
    // The client's gateway key never reaches the upstream; the provider key does.
    expect(env.up.requests[0]!.headers.authorization).toBe(`Bearer ${UPSTREAM_KEY}`);
    expect(JSON.stringify(env.up.requests[0]!.headers)).not.toContain(env.userKey);
    const rec = await lastUsage();
    expect(rec).toMatchObject({
      status: 200,
      providerSlug: 'up-openai',
      modelId: 'gpt-test',
      tokensIn: 12,
      tokensOut: 5,
      tokensCached: 2,
      userId: env.ids.user,
      endpoint: 'chat.completions',
      isByok: false,
      requestId,
    });
    // 10 fresh input × $2 + 2 cached × $2 (no cached price) + 5 output × $8, per 1M tokens.
    expect(Number(rec!.costUsd)).toBeCloseTo((12 * 2 + 5 * 8) / 1e6, 10);
  });

  it('streams the same text as the non-stream answer, with usage', async () => {
    const stream = await openai.chat.completions.create({
      model: 'up-openai/gpt-test',
      messages: [{ role: 'user', content: 'hi' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let usage: OpenAI.CompletionUsage | undefined;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta?.content ?? '';
      if (chunk.usage) usage = chunk.usage;
    }
    expect(text).toBe('Hello from upstream');
    expect(usage).toMatchObject({ prompt_tokens: 12, completion_tokens: 5 });
    const rec = await lastUsage();
    expect(rec).toMatchObject({ stream: true, status: 200, tokensOut: 5 });
    expect(rec!.ttftMs).not.toBeNull();
  });

  it('passes tool calls through', async () => {
    const res = await openai.chat.completions.create({
      model: 'up-openai/gpt-test',
      messages: [{ role: 'user', content: "what's the weather in Paris?" }],
      tools: [
        {
          type: 'function',
          function: {
            name: 'get_weather',
            parameters: { type: 'object', properties: { location: { type: 'string' } } },
          },
        },
      ],
    });
    const call = res.choices[0]!.message.tool_calls?.[0];
    expect(call?.type === 'function' && call.function.name).toBe('get_weather');
    expect(res.choices[0]!.finish_reason).toBe('tool_calls');
  });

  it('serves embeddings', async () => {
    const res = await openai.embeddings.create({ model: 'up-openai/embed-test', input: ['a', 'b'] });
    expect(res.data).toHaveLength(2);
    expect(res.data[0]!.embedding.length).toBeGreaterThan(0);
  });

  it('lists aliases, power levels and models the caller may use', async () => {
    const list = await openai.models.list();
    const ids = list.data.map((m) => m.id);
    expect(ids).toEqual(
      expect.arrayContaining([
        'chat.default',
        'auto',
        'eco',
        'balanced',
        'precision',
        'up-openai/gpt-test',
        'mock/mock-small',
      ]),
    );
  });

  it('serves /v1/responses for a provider without it by translating to chat', async () => {
    const res = await openai.responses.create({ model: 'up-anthropic/claude-test', input: 'hi' });
    expect(res.output_text).toBe('Hello from upstream');
    expect(env.up.requests.at(-1)!.path).toBe('/v1/messages');
  });

  it('routes the seeded alias and power levels to the built-in mock provider', async () => {
    const a = await openai.chat.completions.create({
      model: 'chat.default',
      messages: [{ role: 'user', content: 'hello there' }],
    });
    expect(a.choices[0]!.message.content).toContain('mock-small');
    const p = await openai.chat.completions.create({
      model: 'precision',
      messages: [{ role: 'user', content: 'hello there' }],
    });
    expect(p.model).toContain('mock-large');
  });
});

describe('translation between formats', () => {
  it('an Anthropic client reaches an OpenAI-format provider', async () => {
    const msg = await anthropic.messages.create({
      model: 'up-openai/gpt-test',
      max_tokens: 100,
      system: 'be brief',
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(msg.content[0]).toMatchObject({ type: 'text', text: 'Hello from upstream' });
    expect(msg.usage.output_tokens).toBe(5);
    const sent = env.up.requests[0]!;
    expect(sent.path).toBe('/v1/chat/completions');
    expect((sent.body as { messages: { role: string }[] }).messages[0]!.role).toBe('system');
  });

  it('an Anthropic client streams from an OpenAI-format provider', async () => {
    const stream = anthropic.messages.stream({
      model: 'up-openai/gpt-test',
      max_tokens: 100,
      messages: [{ role: 'user', content: 'hi' }],
    });
    const final = await stream.finalMessage();
    expect(final.content[0]).toMatchObject({ type: 'text', text: 'Hello from upstream' });
  });

  it('an OpenAI client reaches an Anthropic-format provider, with x-api-key upstream', async () => {
    const res = await openai.chat.completions.create({
      model: 'up-anthropic/claude-test',
      messages: [
        { role: 'system', content: 's' },
        { role: 'user', content: 'hi' },
      ],
    });
    expect(res.choices[0]!.message.content).toBe('Hello from upstream');
    const sent = env.up.requests[0]!;
    expect(sent.path).toBe('/v1/messages');
    expect(sent.headers['x-api-key']).toBe(ANTHROPIC_UPSTREAM_KEY);
    expect((sent.body as { system: unknown }).system).toBeTruthy();
  });

  it('an Anthropic client to an Anthropic provider is passed through', async () => {
    const msg = await anthropic.messages.create({
      model: 'up-anthropic/claude-test',
      max_tokens: 50,
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(msg.content[0]).toMatchObject({ text: 'Hello from upstream' });
    const rec = await lastUsage();
    expect(rec).toMatchObject({ endpoint: 'messages', providerSlug: 'up-anthropic' });
  });

  it('works with the Vercel AI SDK (OpenAI and Anthropic providers), non-stream and stream', async () => {
    const oa = createOpenAI({ apiKey: env.userKey, baseURL: `${env.url}/v1` });
    const r1 = await generateText({ model: oa.chat('up-openai/gpt-test'), prompt: 'hi' });
    expect(r1.text).toBe('Hello from upstream');
    const s1 = streamText({ model: oa.chat('up-anthropic/claude-test'), prompt: 'hi' });
    expect(await s1.text).toBe('Hello from upstream');
    const an = createAnthropic({ apiKey: env.userKey, baseURL: `${env.url}/v1` });
    const r2 = await generateText({ model: an('up-openai/gpt-test'), prompt: 'hi' });
    expect(r2.text).toBe('Hello from upstream');
    expect((await r2.usage).outputTokens).toBe(5);
  });
});

describe('auth and bad input', () => {
  const post = (path: string, body: string | object, headers: Record<string, string> = {}) =>
    fetch(`${env.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${env.userKey}`, ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });

  it.each([
    ['no key', '/v1/chat/completions', { model: 'x', messages: [] }, { authorization: '' }, 401, 'openai'],
    [
      'a wrong key',
      '/v1/chat/completions',
      { model: 'x' },
      { authorization: 'Bearer sy-nope' },
      401,
      'openai',
    ],
    ['malformed JSON', '/v1/chat/completions', '{"model": ', {}, 400, 'openai'],
    ['wrong types', '/v1/chat/completions', { model: 42, messages: 'hi' }, {}, 400, 'openai'],
    [
      'an unknown model',
      '/v1/chat/completions',
      { model: 'no-such-model', messages: [{ role: 'user', content: 'x' }] },
      {},
      404,
      'openai',
    ],
    [
      'an Anthropic client without a key',
      '/v1/messages',
      { model: 'x' },
      { authorization: '' },
      401,
      'anthropic',
    ],
    ['an Anthropic client with bad JSON', '/anthropic/v1/messages', 'nope', {}, 400, 'anthropic'],
  ] as const)('%s → %i in the client format', async (_n, path, body, headers, status, format) => {
    const res = await post(path, body, headers);
    expect(res.status).toBe(status);
    const json = (await res.json()) as Record<string, unknown>;
    if (format === 'openai')
      expect(json.error).toMatchObject({ message: expect.any(String), type: expect.any(String) });
    else
      expect(json).toMatchObject({
        type: 'error',
        error: { type: expect.any(String), message: expect.any(String) },
      });
    // The server stays healthy.
    const ok = await post('/v1/chat/completions', {
      model: 'up-openai/gpt-test',
      messages: [{ role: 'user', content: 'x' }],
    });
    expect(ok.status).toBe(200);
  });

  it('an oversize body (past the 32 MiB default) → 413', async () => {
    const res = await post('/v1/chat/completions', {
      model: 'up-openai/gpt-test',
      messages: [{ role: 'user', content: 'x'.repeat(33 * 1024 * 1024) }],
    });
    expect(res.status).toBe(413);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('request_too_large');
  });

  it('the master key works for operators', async () => {
    const res = await post(
      '/openai/v1/chat/completions',
      { model: 'up-openai/gpt-test', messages: [{ role: 'user', content: 'x' }] },
      { authorization: `Bearer ${MASTER_KEY}` },
    );
    expect(res.status).toBe(200);
  });

  it('a key one character off the master key, or as long in characters but not in bytes, is refused', async () => {
    const body = { model: 'up-openai/gpt-test', messages: [{ role: 'user', content: 'x' }] };
    const offByOne = MASTER_KEY.slice(0, -1) + (MASTER_KEY.endsWith('a') ? 'b' : 'a');
    const multiByte = 'é'.repeat(MASTER_KEY.length);
    for (const key of [offByOne, multiByte, MASTER_KEY + 'x']) {
      const res = await post('/v1/chat/completions', body, { authorization: `Bearer ${key}` });
      expect(res.status).toBe(401);
    }
  });

  it('records failed requests too', async () => {
    await post('/v1/chat/completions', {
      model: 'no-such-model-2',
      messages: [{ role: 'user', content: 'x' }],
    });
    const rec = await lastUsage();
    expect(rec).toMatchObject({ status: 404, requestedModel: 'no-such-model-2', errorCode: 'unknown_model' });
  });
});
