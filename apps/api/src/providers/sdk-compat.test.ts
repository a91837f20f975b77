/**
 * The official SDKs parse what the gateway emits: a tiny HTTP server runs the
 * adapters (translating against the real mock upstream) and the SDKs talk to it.
 */
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockUpstream } from '../test/mock-upstream.js';
import type { MockUpstream } from '../test/mock-upstream.js';
import { getAdapter } from './index.js';
import type { ClientEndpoint } from './index.js';
import { runCall } from '../test/run-call.js';

let up: MockUpstream;
let server: Server;
let base: string;

beforeAll(async () => {
  up = await startMockUpstream();
  server = createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on('data', (c: Buffer) => parts.push(c));
    req.on('end', async () => {
      const raw = Buffer.concat(parts);
      const body = JSON.parse(raw.toString()) as Record<string, unknown>;
      const path = req.url ?? '';
      const endpoint: ClientEndpoint = path.endsWith('/messages')
        ? 'messages'
        : path.endsWith('/responses')
          ? 'responses'
          : 'chat';
      // OpenAI-format clients are served by Anthropic upstream; Anthropic clients by an OpenAI upstream.
      const type = endpoint === 'messages' ? 'openai' : 'anthropic';
      const provider = {
        id: 'p',
        slug: type,
        type,
        baseUrl: type === 'openai' ? `${up.url}/v1` : up.url,
        config: {},
      };
      const stream = body.stream === true;
      const call = await getAdapter(type).prepare({
        endpoint,
        provider,
        upstreamModel: 'upstream-model',
        apiKey: 'k',
        rawBody: raw,
        body,
        stream,
      });
      res.writeHead(200, { 'content-type': call.contentType });
      const r = await runCall(call, { stream, onData: (p) => res.write(p) });
      res.end(stream ? undefined : r.body);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((r) => server.close(() => r()));
  await up.close();
});

describe('official SDKs parse translated output', () => {
  it('openai SDK: streamed chat with tool calls and usage (from an Anthropic upstream)', async () => {
    const client = new OpenAI({ apiKey: 'x', baseURL: `${base}/v1`, maxRetries: 0 });
    const stream = client.chat.completions.stream({
      model: 'alias',
      stream_options: { include_usage: true },
      messages: [{ role: 'user', content: 'weather please' }],
      tools: [
        {
          type: 'function',
          function: { name: 'get_weather', parameters: { type: 'object', properties: {} } },
        },
      ],
    });
    const final = await stream.finalChatCompletion();
    expect(final.choices[0]!.finish_reason).toBe('tool_calls');
    expect(final.choices[0]!.message.tool_calls?.[0]).toMatchObject({
      id: 'toolu_up1',
      function: { name: 'get_weather', arguments: '{"location":"Paris"}' },
    });
    expect(final.usage).toMatchObject({ prompt_tokens: 12, completion_tokens: 5 });
    const text = await client.chat.completions.create({
      model: 'alias',
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(text.choices[0]!.message.content).toBe('Hello from upstream');
  });

  it('openai SDK: Responses stream translated from chat', async () => {
    const client = new OpenAI({ apiKey: 'x', baseURL: `${base}/v1`, maxRetries: 0 });
    const stream = client.responses.stream({ model: 'alias', input: 'hi' });
    const final = await stream.finalResponse();
    expect(final.output_text).toBe('Hello from upstream');
    expect(final.usage).toMatchObject({ input_tokens: 12, output_tokens: 5 });
  });

  it('@anthropic-ai/sdk: streamed message (from an OpenAI upstream)', async () => {
    const client = new Anthropic({ apiKey: 'x', baseURL: base, maxRetries: 0 });
    const stream = client.messages.stream({
      model: 'alias',
      max_tokens: 50,
      messages: [{ role: 'user', content: 'hi' }],
    });
    const deltas: string[] = [];
    stream.on('text', (t) => deltas.push(t));
    const final = await stream.finalMessage();
    expect(deltas.join('')).toBe('Hello from upstream');
    expect(final.content[0]).toMatchObject({ type: 'text', text: 'Hello from upstream' });
    expect(final.stop_reason).toBe('end_turn');
    expect(final.usage.output_tokens).toBe(5);
    const tool = await client.messages.create({
      model: 'alias',
      max_tokens: 50,
      messages: [{ role: 'user', content: 'weather?' }],
      tools: [{ name: 'get_weather', input_schema: { type: 'object', properties: {} } }],
    });
    expect(tool.stop_reason).toBe('tool_use');
    expect(tool.content[0]).toMatchObject({
      type: 'tool_use',
      name: 'get_weather',
      input: { location: 'Paris' },
    });
  });
});
