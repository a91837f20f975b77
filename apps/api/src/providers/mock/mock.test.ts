import { describe, expect, it } from 'vitest';
import { SseParser } from '../../translate/sse.js';
import { getAdapter } from '../index.js';
import type { CallContext, ClientEndpoint } from '../index.js';
import { runCall } from '../../test/run-call.js';

const provider = { id: 'm', slug: 'mock', type: 'mock', baseUrl: null, config: {} };
function ctx(endpoint: ClientEndpoint, body: Record<string, unknown>, model = 'mock-small'): CallContext {
  return {
    endpoint,
    provider,
    upstreamModel: model,
    apiKey: null,
    rawBody: Buffer.from(JSON.stringify(body)),
    body,
    stream: body.stream === true,
    now: 1_700_000_000_000,
  };
}
const run = async (endpoint: ClientEndpoint, body: Record<string, unknown>) =>
  runCall(await getAdapter('mock').prepare(ctx(endpoint, body)), { stream: body.stream === true });
const events = (s: string) => {
  const p = new SseParser();
  return [...p.push(s), ...p.end()];
};

describe('mock provider', () => {
  it('answers deterministically with tokenizer usage', async () => {
    const body = {
      model: 'x',
      messages: [{ role: 'user', content: 'What is the capital of France, and why is it Paris?' }],
    };
    const a = await run('chat', body);
    const b = await run('chat', body);
    expect(a.body).toBe(b.body);
    const j = JSON.parse(a.body);
    expect(j.choices[0].message.content).toBe(
      'Mock answer from mock-small to: What is the capital of France, and why i',
    );
    expect(a.usage!.inputTokens).toBeGreaterThan(10);
    expect(a.usage!.outputTokens).toBeGreaterThan(5);
    expect(a.usage!.estimated).toBeUndefined();
  });

  it('streams several deltas in OpenAI and Anthropic formats', async () => {
    const oa = await run('chat', {
      model: 'x',
      stream: true,
      messages: [{ role: 'user', content: 'hello there' }],
    });
    const chunks = events(oa.body)
      .filter((e) => e.data !== '[DONE]')
      .map((e) => JSON.parse(e.data));
    expect(chunks.filter((c) => c.choices[0]?.delta?.content).length).toBeGreaterThan(3);
    expect(chunks.map((c) => c.choices[0]?.delta?.content ?? '').join('')).toBe(
      'Mock answer from mock-small to: hello there',
    );
    expect(oa.translator?.usage.outputTokens).toBeGreaterThan(0);
    const an = await run('messages', {
      model: 'x',
      max_tokens: 50,
      stream: true,
      messages: [{ role: 'user', content: 'hello there' }],
    });
    expect(events(an.body).at(-1)!.event).toBe('message_stop');
  });

  it('returns a tool call when tools are offered and the user asks about the weather', async () => {
    const r = await run('chat', {
      model: 'x',
      messages: [{ role: 'user', content: 'What is the weather in Oslo?' }],
      tools: [
        {
          type: 'function',
          function: {
            name: 'get_weather',
            parameters: { type: 'object', properties: { city: { type: 'string' } } },
          },
        },
      ],
    });
    const c = JSON.parse(r.body).choices[0];
    expect(c.finish_reason).toBe('tool_calls');
    expect(c.message.tool_calls[0].function).toEqual({ name: 'get_weather', arguments: '{"city":"Oslo"}' });
  });

  it('produces scripted upstream errors the classifier understands', async () => {
    const r429 = await run('chat', { model: 'x', messages: [{ role: 'user', content: 'hi [[fail:429]]' }] });
    expect(r429.error).toMatchObject({ status: 429, kind: 'rate_limit', retryAfterMs: 1000 });
    const r500 = await run('messages', {
      model: 'x',
      max_tokens: 5,
      messages: [{ role: 'user', content: '[[fail:500]]' }],
    });
    expect(r500.error).toMatchObject({ status: 500, kind: 'server', retryable: true });
    const ctxErr = await run('chat', {
      model: 'x',
      messages: [{ role: 'user', content: '[[fail:context]]' }],
    });
    expect(ctxErr.error?.kind).toBe('context_window');
  });

  it('produces deterministic unit embeddings', async () => {
    const r = await run('embeddings', { model: 'x', input: ['a', 'b', 'a'], dimensions: 8 });
    const d = JSON.parse(r.body).data;
    expect(d[0].embedding).toHaveLength(8);
    expect(d[0].embedding).toEqual(d[2].embedding);
    expect(d[0].embedding).not.toEqual(d[1].embedding);
    expect(Math.abs(Math.hypot(...d[0].embedding) - 1)).toBeLessThan(1e-4);
  });

  it('counts tokens locally and lists its models', async () => {
    const r = await run('count_tokens', { model: 'x', messages: [{ role: 'user', content: 'hello world' }] });
    expect(JSON.parse(r.body).input_tokens).toBeGreaterThan(2);
    expect(
      getAdapter('mock')
        .parseModels(null, { provider, apiKey: null })
        .map((m) => m.id),
    ).toEqual(['mock-small', 'mock-large', 'mock-embed']);
  });
});

describe('model-scoped faults', () => {
  it('[[fail:500@mock-small]] fails only on mock-small', async () => {
    const { mockFault } = await import('./engine.js');
    expect(mockFault('hi [[fail:500@mock-small]]', 'mock-small')?.status).toBe(500);
    expect(mockFault('hi [[fail:500@mock-small]]', 'mock-large')).toBeNull();
    expect(mockFault('hi [[fail:429]]', 'anything')?.status).toBe(429);
  });
});
