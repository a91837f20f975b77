/**
 * `POST /v1/route`: one endpoint for an OpenAI chat body or an Anthropic messages body, told apart by shape (the
 * `x-switchyard-format` header overrides) and answered in the format it came in, whole and streamed.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProxyEnv, type ProxyEnv } from '../test/proxy-env.js';
import { shapeFormat } from './unified.js';

let env: ProxyEnv;
beforeAll(async () => {
  env = await createProxyEnv();
});
afterAll(async () => {
  await env?.close();
});

const route = (body: unknown, headers: Record<string, string> = {}, path = '/v1/route') =>
  fetch(`${env.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${env.userKey}`, ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

const OPENAI = {
  model: 'up-openai/gpt-test',
  messages: [
    { role: 'system', content: 'be brief' },
    { role: 'user', content: 'hi' },
  ],
};
const ANTHROPIC = {
  model: 'up-anthropic/claude-test',
  max_tokens: 50,
  system: 'be brief',
  messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }],
};

describe('the detection rule', () => {
  it.each([
    ['top-level system', { system: 'x', messages: [] }, 'anthropic'],
    ['stop_sequences', { stop_sequences: ['x'] }, 'anthropic'],
    [
      'a tool_result block',
      { messages: [{ role: 'user', content: [{ type: 'tool_result' }] }] },
      'anthropic',
    ],
    [
      'an image with a source',
      { messages: [{ role: 'user', content: [{ type: 'image', source: {} }] }] },
      'anthropic',
    ],
    ['a tool with input_schema', { tools: [{ name: 'f', input_schema: {} }] }, 'anthropic'],
    ['a system role', { messages: [{ role: 'system', content: 'x' }] }, 'openai'],
    ['a tool role', { messages: [{ role: 'tool', content: 'x' }] }, 'openai'],
    ['an image_url part', { messages: [{ role: 'user', content: [{ type: 'image_url' }] }] }, 'openai'],
    ['max_completion_tokens', { max_completion_tokens: 5 }, 'openai'],
    ['a function tool', { tools: [{ type: 'function', function: { name: 'f' } }] }, 'openai'],
    ['plain user text (both)', { max_tokens: 5, messages: [{ role: 'user', content: 'hi' }] }, null],
    ['not an object', [1, 2], null],
  ])('%s → %s', (_l, body, format) => {
    expect(shapeFormat(body)).toBe(format);
  });
});

describe('POST /v1/route', () => {
  it('an OpenAI body gets an OpenAI answer; an Anthropic body an Anthropic answer', async () => {
    const o = await route(OPENAI);
    expect(o.status).toBe(200);
    expect(await o.json()).toMatchObject({
      object: 'chat.completion',
      choices: [{ message: { role: 'assistant' } }],
    });
    const a = await route(ANTHROPIC);
    expect(a.status).toBe(200);
    expect(await a.json()).toMatchObject({ type: 'message', role: 'assistant', content: [{ type: 'text' }] });
  });

  it('streams in the format it was given', async () => {
    const o = await route({ ...OPENAI, stream: true });
    expect(o.headers.get('content-type')).toMatch(/text\/event-stream/);
    const ot = await o.text();
    expect(ot).toContain('"object":"chat.completion.chunk"');
    expect(ot).toContain('data: [DONE]');
    const a = await route({ ...ANTHROPIC, stream: true });
    const at = await a.text();
    expect(at).toContain('event: message_start');
    expect(at).toContain('event: message_stop');
    expect(at).not.toContain('[DONE]');
  });

  it('a body valid in both: OpenAI by default, Anthropic with anthropic-version or under /anthropic/v1', async () => {
    const both = { model: 'up-openai/gpt-test', max_tokens: 20, messages: [{ role: 'user', content: 'hi' }] };
    expect(await (await route(both)).json()).toMatchObject({ object: 'chat.completion' });
    expect(await (await route(both, { 'anthropic-version': '2023-06-01' })).json()).toMatchObject({
      type: 'message',
    });
    expect(await (await route(both, {}, '/anthropic/v1/route')).json()).toMatchObject({ type: 'message' });
  });

  it('x-switchyard-format overrides the shape; a bad value is a 400', async () => {
    const forced = await route(
      { model: 'up-openai/gpt-test', max_tokens: 20, messages: [{ role: 'user', content: 'hi' }], top_k: 5 },
      { 'x-switchyard-format': 'openai' },
    );
    expect(await forced.json()).toMatchObject({ object: 'chat.completion' });
    const bad = await route(OPENAI, { 'x-switchyard-format': 'gemini' });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toMatch(
      /x-switchyard-format/,
    );
  });

  it('errors come in the detected format: an Anthropic body without max_tokens, a bad key', async () => {
    const noMax = await route({ ...ANTHROPIC, max_tokens: 'x' });
    expect(noMax.status).toBe(400);
    expect(await noMax.json()).toMatchObject({ type: 'error', error: { type: 'invalid_request_error' } });
    const badKey = await fetch(`${env.url}/v1/route`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: 'Bearer nope',
        'x-switchyard-format': 'anthropic',
      },
      body: JSON.stringify(ANTHROPIC),
    });
    expect(badKey.status).toBe(401);
    expect(await badKey.json()).toMatchObject({ type: 'error' });
  });

  it('fuzz: any mix of both shapes and any header value never gets a 5xx', async () => {
    const fields = fc.record(
      {
        model: fc.constantFrom('up-openai/gpt-test', 'up-anthropic/claude-test', '', 'nope'),
        max_tokens: fc.oneof(fc.integer({ min: -1, max: 100 }), fc.constant('x')),
        system: fc.oneof(fc.string({ maxLength: 10 }), fc.constant([{ type: 'text', text: 'x' }])),
        stream: fc.boolean(),
        messages: fc.array(
          fc.record(
            {
              role: fc.constantFrom('user', 'assistant', 'system', 'tool', 'developer', 'x'),
              content: fc.oneof(
                fc.string({ maxLength: 10 }),
                fc.constant([{ type: 'text', text: 'hi' }]),
                fc.constant([{ type: 'tool_result', tool_use_id: 't' }]),
                fc.constant([{ type: 'image_url', image_url: { url: 'data:,' } }]),
                fc.constant(null),
              ),
            },
            { requiredKeys: [] },
          ),
          { maxLength: 3 },
        ),
        stop_sequences: fc.constant(['x']),
        n: fc.integer({ min: 0, max: 3 }),
      },
      { requiredKeys: [] },
    );
    const header = fc.option(fc.constantFrom('openai', 'anthropic', 'OpenAI', '', 'x'), { nil: undefined });
    await fc.assert(
      fc.asyncProperty(fields, header, async (body, h) => {
        const res = await route(body, h === undefined ? {} : { 'x-switchyard-format': h });
        await res.arrayBuffer();
        expect(res.status).toBeLessThan(500);
      }),
      { numRuns: 40 },
    );
  });
});
