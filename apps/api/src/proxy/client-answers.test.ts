// What the official SDKs (and the coding agents built on them) see when an answer ends unusually: a prompt too long
// for every target, a tool call without arguments, an error event mid-stream (also right after an event split
// across network reads), an OpenAI stream that finished without its [DONE] line.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createProxyEnv, type ProxyEnv } from '../test/proxy-env.js';

/** A byte-exact upstream: each request is answered by the next scripted handler (404 when none is left). */
type Script = (req: IncomingMessage, res: ServerResponse) => Promise<void> | void;
let scripts: Script[] = [];
let rawHits = 0;
let raw: Server;
let env: ProxyEnv;
const rawIds: string[] = [];

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const sse = (event: string | undefined, data: unknown) =>
  (event ? `event: ${event}\n` : '') + `data: ${JSON.stringify(data)}\n\n`;

beforeAll(async () => {
  raw = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      rawHits++;
      const s = scripts.shift();
      if (!s) {
        res.writeHead(404).end();
        return;
      }
      void s(req, res);
    });
  });
  await new Promise<void>((r) => raw.listen(0, '127.0.0.1', r));
  const rawUrl = `http://127.0.0.1:${(raw.address() as AddressInfo).port}`;
  env = await createProxyEnv();
  const { prisma, secrets } = env.t.app.ctx;
  for (const [slug, type, baseUrl] of [
    ['raw-anthropic', 'anthropic', rawUrl],
    ['raw-openai', 'openai', `${rawUrl}/v1`],
  ] as const) {
    const p = await prisma.provider.create({
      data: {
        slug,
        name: slug,
        type,
        priority: 90,
        baseUrl,
        status: 'active',
        encryptedApiKey: secrets.encrypt('sk-raw-upstream-key'),
        apiKeyLast4: 'ykey',
        autoFallback: false,
      },
    });
    rawIds.push(p.id);
    await prisma.model.create({
      data: {
        providerId: p.id,
        modelId: 'raw-model',
        displayName: 'raw',
        priceInputPer1M: 1,
        priceOutputPer1M: 1,
        contextWindow: 200_000,
        capabilities: ['chat', 'tools', 'streaming'],
      },
    });
  }
  await env.t.app.routing.reload();
});
afterAll(async () => {
  raw?.closeAllConnections();
  await new Promise<void>((r) => raw?.close(() => r()));
  await env?.close();
});
beforeEach(async () => {
  env.up.reset();
  scripts = [];
  rawHits = 0;
  // Failed streams count toward circuits: each case starts with them cleared.
  for (const id of [env.ids.openai, env.ids.backup, env.ids.anthropic, ...rawIds])
    await env.t.app.routing.resetState(id, null);
});

const eventStream = (res: ServerResponse) => {
  res.writeHead(200, { 'content-type': 'text/event-stream' });
  res.flushHeaders();
};
const messageStart = sse('message_start', {
  type: 'message_start',
  message: {
    id: 'msg_raw1',
    type: 'message',
    role: 'assistant',
    model: 'raw-model',
    content: [],
    stop_reason: null,
    stop_sequence: null,
    usage: { input_tokens: 10, output_tokens: 1 },
  },
});
const textStart = sse('content_block_start', {
  type: 'content_block_start',
  index: 0,
  content_block: { type: 'text', text: '' },
});
const textDelta = (text: string) =>
  sse('content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text } });
const overloaded = sse('error', {
  type: 'error',
  error: { type: 'overloaded_error', message: 'Overloaded' },
});

describe('a prompt too long for every target', () => {
  it('is a 400 invalid_request_error the Anthropic SDK does not retry, not a 502', async () => {
    env.up.script(
      Array.from({ length: 3 }, () => ({
        path: '/messages',
        status: 400,
        body: {
          type: 'error',
          error: {
            type: 'invalid_request_error',
            message: 'prompt is too long: 210345 tokens > 200000 maximum',
          },
        },
      })),
    );
    const client = new Anthropic({ apiKey: env.userKey, baseURL: env.url, maxRetries: 2 });
    const err = await client.messages
      .create({
        model: 'up-anthropic/claude-test',
        max_tokens: 20,
        messages: [{ role: 'user', content: 'hi' }],
      })
      .then(
        () => null,
        (e: unknown) => e,
      );
    expect(err).toBeInstanceOf(Anthropic.BadRequestError);
    const e = err as InstanceType<typeof Anthropic.BadRequestError>;
    expect(e.status).toBe(400);
    expect(e.error).toMatchObject({ error: { type: 'invalid_request_error' } });
    expect(e.message).toMatch(/prompt is too long/);
    expect(env.up.requests.filter((r) => r.path.endsWith('/messages'))).toHaveLength(1);
  });

  it('is a 400 with code context_length_exceeded for an OpenAI client', async () => {
    env.up.script(
      Array.from({ length: 3 }, () => ({
        path: '/chat/completions',
        status: 400,
        body: {
          error: {
            message: "This model's maximum context length is 8192 tokens",
            type: 'invalid_request_error',
            code: 'context_length_exceeded',
          },
        },
      })),
    );
    const res = await fetch(`${env.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${env.userKey}` },
      body: JSON.stringify({ model: 'up-openai/gpt-test', messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({
      error: { type: 'invalid_request_error', code: 'context_length_exceeded' },
    });
  });
});

describe('a tool call without arguments', () => {
  const toolStream = (_req: IncomingMessage, res: ServerResponse) => {
    eventStream(res);
    res.end(
      messageStart +
        sse('content_block_start', {
          type: 'content_block_start',
          index: 0,
          content_block: { type: 'tool_use', id: 'toolu_raw1', name: 'get_time', input: {} },
        }) +
        sse('content_block_delta', {
          type: 'content_block_delta',
          index: 0,
          delta: { type: 'input_json_delta', partial_json: '' },
        }) +
        sse('content_block_stop', { type: 'content_block_stop', index: 0 }) +
        sse('message_delta', {
          type: 'message_delta',
          delta: { stop_reason: 'tool_use', stop_sequence: null },
          usage: { output_tokens: 3 },
        }) +
        sse('message_stop', { type: 'message_stop' }),
    );
  };
  const tools = [
    { type: 'function' as const, function: { name: 'get_time', parameters: { type: 'object' } } },
  ];

  it('streams "{}" as its arguments to an OpenAI chat client (from an Anthropic upstream)', async () => {
    scripts.push(toolStream);
    const client = new OpenAI({ apiKey: env.userKey, baseURL: `${env.url}/v1`, maxRetries: 0 });
    const final = await client.chat.completions
      .stream({ model: 'raw-anthropic/raw-model', messages: [{ role: 'user', content: 'time?' }], tools })
      .finalChatCompletion();
    expect(final.choices[0]!.message.tool_calls?.[0]).toMatchObject({
      id: 'toolu_raw1',
      function: { name: 'get_time', arguments: '{}' },
    });
  });

  it('streams "{}" as its arguments to a Responses client (from an Anthropic upstream)', async () => {
    scripts.push(toolStream);
    const client = new OpenAI({ apiKey: env.userKey, baseURL: `${env.url}/v1`, maxRetries: 0 });
    const final = await client.responses
      .stream({
        model: 'raw-anthropic/raw-model',
        input: 'time?',
        tools: [{ type: 'function', name: 'get_time', parameters: { type: 'object' }, strict: false }],
      })
      .finalResponse();
    expect(final.output.find((o) => o.type === 'function_call')).toMatchObject({
      name: 'get_time',
      arguments: '{}',
    });
  });
});

describe('an error event in the middle of a stream', () => {
  const anthropicStream = () =>
    new Anthropic({ apiKey: env.userKey, baseURL: env.url, maxRetries: 0 }).messages.stream({
      model: 'raw-anthropic/raw-model',
      max_tokens: 20,
      messages: [{ role: 'user', content: 'hi' }],
    });

  it("reaches the Anthropic client as the upstream's own error (type and message)", async () => {
    scripts.push(async (_req, res) => {
      eventStream(res);
      res.write(messageStart + textStart + textDelta('Hel') + textDelta('lo'));
      await sleep(50);
      res.end(overloaded);
    });
    const err = await anthropicStream()
      .finalMessage()
      .then(
        () => null,
        (e: unknown) => e,
      );
    expect(err).toBeInstanceOf(Anthropic.APIError);
    expect((err as InstanceType<typeof Anthropic.APIError>).error).toMatchObject({
      error: { type: 'overloaded_error', message: expect.stringContaining('Overloaded') },
    });
    expect(String((err as Error).message)).not.toMatch(/relay stopped/);
  });

  it('right after an event split across two reads: no byte is sent twice, and the SDK raises the API error', async () => {
    const split = textDelta('world');
    let body = '';
    // An event cut in two reads, its rest followed by an error event.
    const splitThenOverloaded = async (_req: IncomingMessage, res: ServerResponse) => {
      eventStream(res);
      res.write(messageStart + textStart + textDelta('Hello ') + split.slice(0, 40));
      await sleep(100);
      res.end(split.slice(40) + overloaded);
    };
    scripts.push(splitThenOverloaded);
    const r = await fetch(`${env.url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': env.userKey },
      body: JSON.stringify({
        model: 'raw-anthropic/raw-model',
        max_tokens: 20,
        stream: true,
        messages: [{ role: 'user', content: 'hi' }],
      }),
    });
    body = await r.text();
    // Every event the client got is whole (the first half of the split one is not repeated before its rest).
    for (const ev of body.trim().split('\n\n')) {
      const data = ev.split('\n').find((l) => l.startsWith('data: '));
      expect(() => JSON.parse(data!.slice(6)) as unknown, ev).not.toThrow();
    }
    expect(body.split(split).length - 1).toBe(1);
    expect(body).toMatch(/event: error\ndata: \{"type":"error","error":\{"type":"overloaded_error"/);

    scripts.push(splitThenOverloaded);
    const err = await anthropicStream()
      .finalMessage()
      .then(
        () => null,
        (e: unknown) => e,
      );
    expect(err).toBeInstanceOf(Anthropic.APIError);
    expect((err as InstanceType<typeof Anthropic.APIError>).error).toMatchObject({
      error: { type: 'overloaded_error' },
    });
  });
});

describe('an OpenAI stream relayed as it is', () => {
  it('that finished (finish_reason, then usage) without data: [DONE] is a complete answer', async () => {
    const base = { id: 'chatcmpl-raw', object: 'chat.completion.chunk', created: 1, model: 'raw-model' };
    scripts.push((_req, res) => {
      eventStream(res);
      res.end(
        sse(undefined, { ...base, choices: [{ index: 0, delta: { role: 'assistant', content: 'Hi' } }] }) +
          sse(undefined, { ...base, choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] }) +
          sse(undefined, {
            ...base,
            choices: [],
            usage: { prompt_tokens: 3, completion_tokens: 1, total_tokens: 4 },
          }),
      );
    });
    const client = new OpenAI({ apiKey: env.userKey, baseURL: `${env.url}/v1`, maxRetries: 0 });
    const stream = await client.chat.completions.create({
      model: 'raw-openai/raw-model',
      stream: true,
      stream_options: { include_usage: true },
      messages: [{ role: 'user', content: 'hi' }],
    });
    let text = '';
    let usage: OpenAI.CompletionUsage | null | undefined;
    for await (const c of stream) {
      text += c.choices[0]?.delta?.content ?? '';
      if (c.usage) usage = c.usage;
    }
    expect(text).toBe('Hi');
    expect(usage).toMatchObject({ prompt_tokens: 3, completion_tokens: 1 });
    expect(rawHits).toBe(1);
    await env.flushUsage();
    const rec = await env.t.app.ctx.prisma.usageRecord.findFirst({ orderBy: { id: 'desc' } });
    expect(rec).toMatchObject({ errorCode: null, tokensIn: 3, tokensOut: 1 });
  });
});
