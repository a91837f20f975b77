// After the first byte a stream can no longer fail with a status code: an upstream that is cut, stalls, or sends
// invalid SSE must end the client's stream with an error in the client's format (which the official SDKs raise),
// never with a clean end that passes truncated text off as a whole answer.
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createProxyEnv, type ProxyEnv } from '../test/proxy-env.js';

let env: ProxyEnv;
beforeAll(async () => {
  env = await createProxyEnv({ env: { UPSTREAM_IDLE_TIMEOUT_MS: '400' } });
});
afterAll(async () => {
  await env?.close();
});
beforeEach(() => env.up.reset());

async function raw(path: string, body: unknown) {
  const res = await fetch(`${env.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${env.userKey}` },
    body: JSON.stringify(body),
  });
  return { status: res.status, text: await res.text() };
}
const lastRecord = async () => {
  await env.flushUsage();
  return env.t.app.ctx.prisma.usageRecord.findFirst({ orderBy: { id: 'desc' } });
};
const chat = { model: 'up-openai/gpt-test', stream: true, messages: [{ role: 'user', content: 'hi' }] };

describe('a stream that cannot finish after its first byte', () => {
  it('OpenAI chat, upstream cut: an error chunk and no [DONE]; the OpenAI SDK raises instead of returning truncated text', async () => {
    env.up.script({ path: '/chat/completions', cutAfterChunks: 2 });
    const r = await raw('/v1/chat/completions', chat);
    expect(r.status).toBe(200);
    expect(r.text).toContain('Hello');
    expect(r.text).not.toContain('[DONE]');
    const last = r.text.trim().split('\n\n').at(-1)!;
    expect(JSON.parse(last.slice(5))).toMatchObject({
      error: { code: 'stream_interrupted', type: 'server_error' },
    });
    expect(await lastRecord()).toMatchObject({ errorCode: 'stream_interrupted' });

    env.up.script({ path: '/chat/completions', cutAfterChunks: 2 });
    const openai = new OpenAI({ apiKey: env.userKey, baseURL: `${env.url}/v1`, maxRetries: 0 });
    const stream = await openai.chat.completions.create({
      ...chat,
      stream: true,
    } as OpenAI.ChatCompletionCreateParamsStreaming);
    let text = '';
    await expect(
      (async () => {
        for await (const c of stream) text += c.choices[0]?.delta?.content ?? '';
      })(),
    ).rejects.toThrow(/interrupted/);
    expect(text).toContain('Hello');
  });

  it('OpenAI chat, upstream stalls past the idle limit: an error chunk naming the timeout', async () => {
    env.up.script({ path: '/chat/completions', chunkDelayMs: 1500 });
    const r = await raw('/v1/chat/completions', chat);
    expect(r.status).toBe(200);
    expect(r.text).not.toContain('[DONE]');
    expect(r.text).toContain('"code":"upstream_timeout"');
  });

  it('OpenAI-format upstream sends invalid SSE: the client never receives it (fallback before the first byte, an error after)', async () => {
    env.up.script({ path: '/chat/completions', malformed: true });
    const r = await raw('/v1/chat/completions', chat);
    expect(r.status).toBe(200);
    expect(r.text).not.toContain('this is not json');
    if (r.text.includes('[DONE]')) expect(env.up.requests.length).toBeGreaterThanOrEqual(2);
    else expect(r.text).toContain('"code":"stream_interrupted"');
  });

  it('Anthropic client on an OpenAI upstream, cut: event: error, and the Anthropic SDK raises', async () => {
    env.up.script({ path: '/chat/completions', cutAfterChunks: 2 });
    const r = await raw('/v1/messages', {
      model: 'up-openai/gpt-test',
      max_tokens: 20,
      stream: true,
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(r.text).toContain('event: error');
    expect(r.text).not.toContain('message_stop');

    env.up.script({ path: '/chat/completions', cutAfterChunks: 2 });
    const anthropic = new Anthropic({ apiKey: env.userKey, baseURL: env.url, maxRetries: 0 });
    const s = anthropic.messages.stream({
      model: 'up-openai/gpt-test',
      max_tokens: 20,
      messages: [{ role: 'user', content: 'hi' }],
    });
    await expect(s.finalMessage()).rejects.toThrow();
  });

  it("Anthropic passthrough cut, and a Responses client cut: each ends with its format's error event", async () => {
    env.up.script({ path: '/messages', cutAfterChunks: 3 });
    const a = await raw('/v1/messages', {
      model: 'up-anthropic/claude-test',
      max_tokens: 20,
      stream: true,
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(a.text).toMatch(/event: error\ndata: \{"type":"error","error":\{"type":"api_error"/);

    env.up.script({ path: '/messages', cutAfterChunks: 3 });
    const r = await raw('/v1/responses', { model: 'up-anthropic/claude-test', stream: true, input: 'hi' });
    expect(r.text).toContain('event: error');
    expect(r.text).not.toContain('response.completed');
  });

  // With n > 1 every choice finishes on its own: an upstream that ends (no [DONE]) after one choice finished and
  // while another was still being written sent a truncated answer, not a whole one.
  it('n: 2, the upstream ends after one choice finished and before the other did: an error chunk, not a clean end', async () => {
    const chunk = { id: 'chatcmpl-n', object: 'chat.completion.chunk', created: 1, model: 'gpt-test' };
    const delta = (index: number, content: string, finish: string | null = null) =>
      `data: ${JSON.stringify({ ...chunk, choices: [{ index, delta: { content }, finish_reason: finish }] })}\n\n`;
    const answer = (ends: string[]) => {
      env.up.script({
        path: '/chat/completions',
        events: [delta(0, 'One'), delta(1, 'Two'), delta(0, ' done', 'stop'), delta(1, ' and'), ...ends],
        chunkDelayMs: 5,
      });
      return raw('/v1/chat/completions', { ...chat, n: 2 });
    };
    const cut = await answer([]);
    expect(cut.status).toBe(200);
    expect(cut.text).toContain(' and');
    const last = cut.text.trim().split('\n\n').at(-1)!;
    expect(JSON.parse(last.slice(5))).toMatchObject({ error: { code: 'stream_interrupted' } });
    expect(await lastRecord()).toMatchObject({ errorCode: 'stream_interrupted' });
    // Both choices finished: a whole answer, even without [DONE].
    const whole = await answer([delta(1, '.', 'length')]);
    expect(whole.text).not.toContain('"error"');
    expect(await lastRecord()).toMatchObject({ status: 200, errorCode: null });
  });

  it('a stream that finishes properly still ends cleanly', async () => {
    const r = await raw('/v1/chat/completions', chat);
    expect(r.text.trim().endsWith('data: [DONE]')).toBe(true);
    expect(r.text).not.toContain('"error"');
  });
});

describe('"stream": true where the API has no stream', () => {
  it('count_tokens and embeddings answer their JSON, and six such requests open no circuit', async () => {
    for (let i = 0; i < 6; i++) {
      const c = await fetch(`${env.url}/v1/messages/count_tokens`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${env.userKey}` },
        body: JSON.stringify({
          model: 'up-anthropic/claude-test',
          stream: true,
          messages: [{ role: 'user', content: 'hi' }],
        }),
      });
      expect(c.status).toBe(200);
      expect(c.headers.get('content-type')).toMatch(/^application\/json/);
      expect(await c.json()).toEqual({ input_tokens: expect.any(Number) });
      const e = await raw('/v1/embeddings', { model: 'up-openai/embed-test', stream: true, input: 'hi' });
      expect(e.status).toBe(200);
      expect((JSON.parse(e.text) as { data: unknown[] }).data).toHaveLength(1);
    }
    // The model still answers: nothing counted those requests as its failures.
    const after = await raw('/v1/messages', {
      model: 'up-anthropic/claude-test',
      max_tokens: 20,
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(after.status).toBe(200);
  });
});
