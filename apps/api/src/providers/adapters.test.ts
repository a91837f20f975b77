import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startMockUpstream } from '../test/mock-upstream.js';
import type { MockUpstream } from '../test/mock-upstream.js';
import { SseParser } from '../translate/sse.js';
import { PROVIDER_CATALOGUE, getAdapter, listModels } from './index.js';
import type { CallContext, ClientEndpoint, ProviderRuntime } from './index.js';
import { runCall } from '../test/run-call.js';
import { request } from 'undici';

let up: MockUpstream;
beforeAll(async () => {
  up = await startMockUpstream();
});
afterAll(async () => {
  await up.close();
});
beforeEach(() => up.reset());

function provider(
  type: string,
  baseUrl: string | null,
  config: ProviderRuntime['config'] = {},
): ProviderRuntime {
  return { id: `p-${type}`, slug: type, type, baseUrl, config };
}

function ctx(
  p: ProviderRuntime,
  endpoint: ClientEndpoint,
  body: Record<string, unknown>,
  model: string,
  apiKey: string | null = 'sk-test',
): CallContext {
  const raw = Buffer.from(JSON.stringify(body));
  return {
    endpoint,
    provider: p,
    upstreamModel: model,
    apiKey,
    rawBody: raw,
    body,
    stream: body.stream === true,
    now: 1_700_000_000_000,
  };
}

const chatBody = (extra: Record<string, unknown> = {}) => ({
  model: 'alias',
  messages: [
    { role: 'system', content: 'sys' },
    { role: 'user', content: 'Say hi' },
  ],
  ...extra,
});
const messagesBody = (extra: Record<string, unknown> = {}) => ({
  model: 'alias',
  max_tokens: 100,
  system: 'sys',
  messages: [{ role: 'user', content: 'Say hi' }],
  ...extra,
});
const weatherTools = {
  tools: [
    {
      type: 'function',
      function: {
        name: 'get_weather',
        parameters: { type: 'object', properties: { location: { type: 'string' } } },
      },
    },
  ],
};

function events(sse: string) {
  const p = new SseParser();
  return [...p.push(sse), ...p.end()];
}
function chatText(sse: string) {
  return events(sse)
    .filter((e) => e.data !== '[DONE]')
    .map((e) => JSON.parse(e.data).choices?.[0]?.delta?.content ?? '')
    .join('');
}

const getJson = async (url: string, headers: Record<string, string>) => {
  const r = await request(url, { method: 'GET', headers });
  return { status: r.statusCode, headers: r.headers, body: Buffer.from(await r.body.arrayBuffer()) };
};

describe('catalogue and registry', () => {
  it('covers every provider type with an adapter', () => {
    expect(Object.keys(PROVIDER_CATALOGUE).sort()).toEqual(
      [
        'anthropic',
        'azure-openai',
        'bedrock',
        'cohere',
        'custom',
        'deepseek',
        'fireworks',
        'google',
        'groq',
        'huggingface',
        'mistral',
        'mock',
        'ollama',
        'openai',
        'openrouter',
        'together',
      ].sort(),
    );
    expect(getAdapter('groq').id).toBe('openai-compatible');
    expect(getAdapter('google').id).toBe('gemini');
    expect(getAdapter('something-new').id).toBe('openai-compatible');
  });
});

describe('OpenAI-compatible adapter', () => {
  it('builds a Bearer request with only the model rewritten and stream usage requested', async () => {
    const p = provider('openai', `${up.url}/v1`);
    const c = ctx(p, 'chat', chatBody({ stream: true }), 'gpt-4o-mini');
    const call = await getAdapter('openai').prepare(c);
    expect(call.passthrough).toBe(true);
    if (call.transport.kind !== 'http') throw new Error('expected http');
    const r = call.transport.request;
    expect(r.url).toBe(`${up.url}/v1/chat/completions`);
    expect(r.headers.authorization).toBe('Bearer sk-test');
    expect(JSON.parse(String(r.body))).toEqual({
      ...chatBody({ stream: true }),
      model: 'gpt-4o-mini',
      stream_options: { include_usage: true },
    });
    // Mistral does not get stream_options
    const m = await getAdapter('mistral').prepare(
      ctx(provider('mistral', `${up.url}/v1`), 'chat', chatBody({ stream: true }), 'mistral-small'),
    );
    if (m.transport.kind !== 'http') throw new Error('expected http');
    expect(JSON.parse(String(m.transport.request.body)).stream_options).toBeUndefined();
    expect(m.transport.request.url).toBe(`${up.url}/v1/chat/completions`);
  });

  it('round-trips chat non-stream and stream against a real upstream', async () => {
    const p = provider('openai', `${up.url}/v1`);
    const plain = await runCall(
      await getAdapter('openai').prepare(ctx(p, 'chat', chatBody(), 'gpt-4o-mini')),
      { stream: false },
    );
    expect(JSON.parse(plain.body).choices[0].message.content).toBe('Hello from upstream');
    expect(plain.usage).toEqual({ inputTokens: 12, outputTokens: 5, cachedTokens: 2 });
    const streamed = await runCall(
      await getAdapter('openai').prepare(ctx(p, 'chat', chatBody({ stream: true }), 'gpt-4o-mini')),
      { stream: true },
    );
    expect(chatText(streamed.body)).toBe('Hello from upstream');
    expect(streamed.usage).toEqual({ inputTokens: 12, outputTokens: 5, cachedTokens: 2 });
    // the usage chunk the gateway asked for is not shown to a client that did not ask
    expect(events(streamed.body).some((e) => e.data.includes('"choices":[]'))).toBe(false);
    expect(up.requests[1]!.body).toMatchObject({
      model: 'gpt-4o-mini',
      stream_options: { include_usage: true },
    });
  });

  it('serves an Anthropic client (stream) from an OpenAI upstream', async () => {
    const p = provider('groq', `${up.url}/v1`);
    const res = await runCall(
      await getAdapter('groq').prepare(ctx(p, 'messages', messagesBody({ stream: true }), 'llama-3.1-8b')),
      { stream: true },
    );
    const ev = events(res.body);
    expect(ev[0]!.event).toBe('message_start');
    expect(ev.at(-1)!.event).toBe('message_stop');
    expect(
      ev
        .filter((e) => e.event === 'content_block_delta')
        .map((e) => JSON.parse(e.data).delta.text)
        .join(''),
    ).toBe('Hello from upstream');
    expect(up.requests[0]!.body).toMatchObject({
      model: 'llama-3.1-8b',
      max_tokens: 100,
      stream: true,
      messages: [
        { role: 'system', content: 'sys' },
        { role: 'user', content: 'Say hi' },
      ],
    });
    expect(res.usage).toEqual({ inputTokens: 12, outputTokens: 5, cachedTokens: 2 });
  });

  it('passes /responses through to OpenAI and translates it to chat for others', async () => {
    const body = { model: 'alias', input: 'Say hi', instructions: 'be nice' };
    const viaOpenai = await runCall(
      await getAdapter('openai').prepare(
        ctx(provider('openai', `${up.url}/v1`), 'responses', body, 'gpt-4o'),
      ),
      { stream: false },
    );
    expect(up.requests[0]!.path).toBe('/v1/responses');
    expect(JSON.parse(viaOpenai.body).output[0].content[0].text).toBe('Hello from upstream');
    const viaChat = await runCall(
      await getAdapter('together').prepare(
        ctx(provider('together', `${up.url}/v1`), 'responses', { ...body, stream: true }, 'llama'),
      ),
      { stream: true },
    );
    expect(up.requests[1]!.path).toBe('/v1/chat/completions');
    expect(up.requests[1]!.body).toMatchObject({
      messages: [
        { role: 'system', content: 'be nice' },
        { role: 'user', content: 'Say hi' },
      ],
    });
    const done = events(viaChat.body).find((e) => e.event === 'response.completed');
    expect(JSON.parse(done!.data).response.output[0].content[0].text).toBe('Hello from upstream');
  });

  it('forwards embeddings and reports usage', async () => {
    const res = await runCall(
      await getAdapter('openai').prepare(
        ctx(
          provider('openai', `${up.url}/v1`),
          'embeddings',
          { model: 'e', input: ['a', 'b'] },
          'text-embedding-3-small',
        ),
      ),
      { stream: false },
    );
    expect(JSON.parse(res.body).data).toHaveLength(2);
    expect(res.usage).toMatchObject({ inputTokens: 4, outputTokens: 0 });
  });

  it('normalizes a scripted 429 with Retry-After and a connection reset', async () => {
    up.script([
      {
        status: 429,
        headers: { 'retry-after': '3' },
        body: { error: { message: 'Rate limit reached', type: 'requests', code: 'rate_limit_exceeded' } },
      },
      { reset: true },
    ]);
    const p = provider('openai', `${up.url}/v1`);
    const a = await runCall(await getAdapter('openai').prepare(ctx(p, 'chat', chatBody(), 'gpt')), {
      stream: false,
    });
    expect(a.error).toMatchObject({ status: 429, kind: 'rate_limit', retryAfterMs: 3000, retryable: true });
    const b = await runCall(await getAdapter('openai').prepare(ctx(p, 'chat', chatBody(), 'gpt')), {
      stream: false,
    });
    expect(b.error).toMatchObject({ status: 0, kind: 'network', retryable: true });
  });

  it('flags a stream cut after two chunks as truncated', async () => {
    up.script({ cutAfterChunks: 2 });
    const res = await runCall(
      await getAdapter('openai').prepare(
        ctx(provider('openai', `${up.url}/v1`), 'chat', chatBody({ stream: true }), 'gpt'),
      ),
      { stream: true },
    );
    expect(res.translator?.finished).toBe(false);
    expect(res.error?.kind === 'network' || res.translator?.fault?.kind === 'truncated').toBe(true);
    expect(res.translator?.contentEmitted).toBe(true);
  });

  it('lists models from /models and Ollama from /api/tags', async () => {
    const send = (r: { url: string; headers: Record<string, string> }) => getJson(r.url, r.headers);
    expect(await listModels({ provider: provider('openai', `${up.url}/v1`), apiKey: 'k' }, send)).toEqual([
      { id: 'gpt-4o-mini', ownedBy: 'openai' },
      { id: 'text-embedding-3-small', ownedBy: 'openai' },
    ]);
    const ollama = await listModels({ provider: provider('ollama', `${up.url}/v1`), apiKey: null }, send);
    expect(up.requests.at(-1)!.path).toBe('/api/tags');
    expect(ollama.map((m) => m.id)).toEqual(['llama3.2:latest', 'qwen2.5:7b']);
    expect(ollama.every((m) => m.free)).toBe(true);
  });
});

describe('Anthropic adapter', () => {
  it('sends x-api-key + anthropic-version, and passes messages through with the model rewritten', async () => {
    const p = provider('anthropic', up.url);
    const call = await getAdapter('anthropic').prepare(
      ctx(p, 'messages', messagesBody(), 'claude-sonnet-4-5', 'sk-ant'),
    );
    if (call.transport.kind !== 'http') throw new Error('expected http');
    expect(call.transport.request.url).toBe(`${up.url}/v1/messages`);
    expect(call.transport.request.headers).toMatchObject({
      'x-api-key': 'sk-ant',
      'anthropic-version': '2023-06-01',
    });
    expect(call.transport.request.headers.authorization).toBeUndefined();
    const res = await runCall(call, { stream: false });
    expect(JSON.parse(res.body).content[0].text).toBe('Hello from upstream');
    expect(res.usage).toEqual({ inputTokens: 12, outputTokens: 5, cachedTokens: 2 });
    expect(up.requests[0]!.body).toEqual({ ...messagesBody(), model: 'claude-sonnet-4-5' });
  });

  it('serves an OpenAI chat client (stream, with tools) from Anthropic', async () => {
    const p = provider('anthropic', `${up.url}/v1`);
    const body = chatBody({
      stream: true,
      stream_options: { include_usage: true },
      messages: [{ role: 'user', content: 'weather in Paris?' }],
      ...weatherTools,
    });
    const res = await runCall(await getAdapter('anthropic').prepare(ctx(p, 'chat', body, 'claude')), {
      stream: true,
    });
    const chunks = events(res.body)
      .filter((e) => e.data !== '[DONE]')
      .map((e) => JSON.parse(e.data));
    const calls = chunks.flatMap((c) => c.choices[0]?.delta?.tool_calls ?? []);
    expect(calls[0]).toMatchObject({ id: 'toolu_up1', function: { name: 'get_weather' } });
    expect(calls.map((c: { function: { arguments: string } }) => c.function.arguments).join('')).toBe(
      '{"location":"Paris"}',
    );
    expect(chunks.at(-1).usage).toEqual({
      prompt_tokens: 12,
      completion_tokens: 5,
      total_tokens: 17,
      prompt_tokens_details: { cached_tokens: 2 },
    });
    expect(up.requests[0]!.body).toMatchObject({
      model: 'claude',
      max_tokens: 4096,
      stream: true,
      tools: [{ name: 'get_weather' }],
    });
  });

  it('uses the upstream count_tokens endpoint and lists models', async () => {
    const p = provider('anthropic', up.url);
    const r = await runCall(
      await getAdapter('anthropic').prepare(ctx(p, 'count_tokens', messagesBody(), 'claude')),
      { stream: false },
    );
    expect(JSON.parse(r.body)).toEqual({ input_tokens: 12 });
    expect(up.requests[0]!.path).toBe('/v1/messages/count_tokens');
    const models = await listModels({ provider: p, apiKey: 'k' }, (q) => getJson(q.url, q.headers));
    expect(models).toEqual([
      { id: 'claude-sonnet-4-5', displayName: 'Claude Sonnet 4.5', ownedBy: 'anthropic' },
    ]);
  });
});

describe('Gemini adapter', () => {
  it('builds generateContent / streamGenerateContent?alt=sse URLs with x-goog-api-key', async () => {
    const p = provider('google', up.url);
    const call = await getAdapter('google').prepare(
      ctx(p, 'chat', chatBody(), 'gemini-2.0-flash', 'AIza-test'),
    );
    if (call.transport.kind !== 'http') throw new Error('expected http');
    expect(call.transport.request.url).toBe(`${up.url}/v1beta/models/gemini-2.0-flash:generateContent`);
    expect(call.transport.request.headers['x-goog-api-key']).toBe('AIza-test');
    expect(JSON.parse(String(call.transport.request.body))).toEqual({
      contents: [{ role: 'user', parts: [{ text: 'Say hi' }] }],
      systemInstruction: { parts: [{ text: 'sys' }] },
    });
    const res = await runCall(call, { stream: false });
    expect(JSON.parse(res.body).choices[0].message.content).toBe('Hello from upstream');
    expect(res.usage).toEqual({ inputTokens: 12, outputTokens: 5, cachedTokens: 2 });
  });

  it('streams to an Anthropic client and maps tool calls', async () => {
    const p = provider('google', up.url);
    const s = await runCall(
      await getAdapter('google').prepare(
        ctx(p, 'messages', messagesBody({ stream: true }), 'gemini-2.0-flash'),
      ),
      { stream: true },
    );
    expect(up.requests[0]!.url).toBe('/v1beta/models/gemini-2.0-flash:streamGenerateContent?alt=sse');
    const ev = events(s.body);
    expect(
      ev
        .filter((e) => e.event === 'content_block_delta')
        .map((e) => JSON.parse(e.data).delta.text)
        .join(''),
    ).toBe('Hello from upstream');
    expect(ev.at(-1)!.event).toBe('message_stop');
    const t = await runCall(
      await getAdapter('google').prepare(
        ctx(
          p,
          'chat',
          chatBody({ messages: [{ role: 'user', content: 'weather?' }], ...weatherTools }),
          'gemini-2.0-flash',
        ),
      ),
      { stream: false },
    );
    const msg = JSON.parse(t.body).choices[0];
    expect(msg.finish_reason).toBe('tool_calls');
    expect(msg.message.tool_calls[0].function).toEqual({
      name: 'get_weather',
      arguments: '{"location":"Paris"}',
    });
    expect(up.requests[1]!.body).toMatchObject({
      tools: [{ functionDeclarations: [{ name: 'get_weather' }] }],
    });
  });

  it('lists generateContent models only', async () => {
    const models = await listModels({ provider: provider('google', up.url), apiKey: 'k' }, (q) =>
      getJson(q.url, q.headers),
    );
    expect(models).toEqual([
      {
        id: 'gemini-2.0-flash',
        displayName: 'Gemini 2.0 Flash',
        ownedBy: 'google',
        contextWindow: 1048576,
        maxOutputTokens: 8192,
      },
    ]);
  });
});

describe('Azure OpenAI adapter', () => {
  it('targets the deployment URL with api-version and the api-key header', async () => {
    const p = provider('azure-openai', up.url, {
      apiVersion: '2024-10-21',
      deployments: { 'gpt-4o': 'prod-gpt4o' },
    });
    const call = await getAdapter('azure-openai').prepare(
      ctx(p, 'chat', chatBody({ stream: true }), 'gpt-4o', 'az-key'),
    );
    if (call.transport.kind !== 'http') throw new Error('expected http');
    expect(call.transport.request.url).toBe(
      `${up.url}/openai/deployments/prod-gpt4o/chat/completions?api-version=2024-10-21`,
    );
    expect(call.transport.request.headers['api-key']).toBe('az-key');
    expect(call.transport.request.headers.authorization).toBeUndefined();
    const res = await runCall(call, { stream: true });
    expect(chatText(res.body)).toBe('Hello from upstream');
    expect(res.usage).toEqual({ inputTokens: 12, outputTokens: 5, cachedTokens: 2 });
    expect(up.requests[0]!.query['api-version']).toBe('2024-10-21');
  });

  it('with config.responsesApi, /responses goes to the v1 Responses API with the deployment as the model; without, it is translated to chat', async () => {
    const config = { apiVersion: '2024-10-21', deployments: { 'gpt-4o': 'prod-gpt4o' } };
    const body = { model: 'alias', input: 'Say hi', instructions: 'be nice' };
    const native = await getAdapter('azure-openai').prepare(
      ctx(
        provider('azure-openai', `${up.url}/openai`, { ...config, responsesApi: true }),
        'responses',
        body,
        'gpt-4o',
        'az-key',
      ),
    );
    if (native.transport.kind !== 'http') throw new Error('expected http');
    expect(native.transport.request.url).toBe(`${up.url}/openai/v1/responses`);
    expect(native.transport.request.headers['api-key']).toBe('az-key');
    const res = await runCall(native, { stream: false });
    expect(up.requests[0]!.path).toBe('/openai/v1/responses');
    expect(up.requests[0]!.body).toMatchObject({
      model: 'prod-gpt4o',
      input: 'Say hi',
      instructions: 'be nice',
    });
    expect(JSON.parse(res.body).output[0].content[0].text).toBe('Hello from upstream');
    expect(res.usage).toMatchObject({ inputTokens: 12, outputTokens: 5 });

    const streamed = await runCall(
      await getAdapter('azure-openai').prepare(
        ctx(
          provider('azure-openai', up.url, { ...config, responsesApi: true }),
          'responses',
          { ...body, stream: true },
          'gpt-4o',
          'az-key',
        ),
      ),
      { stream: true },
    );
    expect(up.requests[1]!.path).toBe('/openai/v1/responses');
    const done = events(streamed.body).find((e) => e.event === 'response.completed');
    expect(JSON.parse(done!.data).response.output[0].content[0].text).toBe('Hello from upstream');

    await runCall(
      await getAdapter('azure-openai').prepare(
        ctx(provider('azure-openai', up.url, config), 'responses', body, 'gpt-4o', 'az-key'),
      ),
      { stream: false },
    );
    expect(up.requests[2]!.path).toBe('/openai/deployments/prod-gpt4o/chat/completions');
  });
});

describe('Bedrock adapter', () => {
  it('signs Converse requests with SigV4 and translates the answer', async () => {
    const p = provider('bedrock', up.url, { region: 'eu-west-1' });
    const call = await getAdapter('bedrock').prepare(
      ctx(p, 'chat', chatBody(), 'anthropic.claude-3-haiku-20240307-v1:0', 'AKIDEXAMPLE:secret:token123'),
    );
    if (call.transport.kind !== 'http') throw new Error('expected http');
    const r = call.transport.request;
    expect(r.url).toBe(`${up.url}/model/anthropic.claude-3-haiku-20240307-v1%3A0/converse`);
    expect(r.headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/20231114\/eu-west-1\/bedrock\/aws4_request, SignedHeaders=[^,]*host[^,]*, Signature=[0-9a-f]{64}$/,
    );
    expect(r.headers['x-amz-date']).toBe('20231114T221320Z');
    expect(r.headers['x-amz-security-token']).toBe('token123');
    expect(JSON.parse(String(r.body))).toEqual({
      messages: [{ role: 'user', content: [{ text: 'Say hi' }] }],
      system: [{ text: 'sys' }],
    });
    const res = await runCall(call, { stream: false });
    expect(JSON.parse(res.body).choices[0].message.content).toBe('Hello from upstream');
    expect(res.usage).toEqual({ inputTokens: 12, outputTokens: 5, cachedTokens: 0 });
  });

  it('streams ConverseStream event-stream frames to the client as they arrive', async () => {
    const p = provider('bedrock', up.url, { region: 'us-east-1', accessKeyId: 'AK', secretAccessKey: 'SK' });
    const pieces: string[] = [];
    up.script({ path: 'converse-stream', chunkDelayMs: 15 });
    const res = await runCall(
      await getAdapter('bedrock').prepare(
        ctx(p, 'messages', messagesBody({ stream: true }), 'amazon.nova-lite-v1:0', null),
      ),
      { stream: true, onData: (x) => pieces.push(String(x)) },
    );
    expect(up.requests.at(-1)!.path).toBe('/model/amazon.nova-lite-v1%3A0/converse-stream');
    const ev = events(res.body);
    expect(ev[0]!.event).toBe('message_start');
    expect(ev.filter((e) => e.event === 'content_block_delta')).toHaveLength(3);
    expect(ev.at(-1)!.event).toBe('message_stop');
    expect(res.body).toContain('upstream');
    // Several writes, not one replay at the end.
    expect(pieces.length).toBeGreaterThan(3);
    expect(res.translator?.usage).toEqual({ inputTokens: 12, outputTokens: 5, cachedTokens: 0 });
    expect(res.translator?.finished).toBe(true);
    const models = await listModels({ provider: p, apiKey: null }, (q) => getJson(q.url, q.headers));
    expect(models[0]).toMatchObject({ id: 'anthropic.claude-3-haiku-20240307-v1:0', ownedBy: 'Anthropic' });
  });

  it('streams tool calls, and reports a cut event stream as truncated', async () => {
    const p = provider('bedrock', up.url, { region: 'us-east-1', accessKeyId: 'AK', secretAccessKey: 'SK' });
    const tools = chatBody({
      stream: true,
      messages: [{ role: 'user', content: 'weather in Paris?' }],
      tools: [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object' } } }],
    });
    const res = await runCall(await getAdapter('bedrock').prepare(ctx(p, 'chat', tools, 'm', null)), {
      stream: true,
    });
    expect(res.body).toContain('"name":"get_weather"');
    expect(res.body).toContain('"finish_reason":"tool_calls"');
    up.script({ path: 'converse-stream', cutAfterChunks: 3 });
    const cut = await runCall(
      await getAdapter('bedrock').prepare(ctx(p, 'chat', chatBody({ stream: true }), 'm', null)),
      { stream: true },
    );
    expect(cut.translator?.fault?.kind).toBe('truncated');
  });

  it('refuses to build a request without credentials', async () => {
    await expect(
      getAdapter('bedrock').prepare(ctx(provider('bedrock', up.url), 'chat', chatBody(), 'm', null)),
    ).rejects.toMatchObject({ status: 400, code: 'provider_misconfigured' });
  });
});
