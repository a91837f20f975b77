import { request } from 'undici';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startMockUpstream } from './mock-upstream.js';
import type { MockUpstream } from './mock-upstream.js';

let up: MockUpstream;
beforeAll(async () => {
  up = await startMockUpstream();
});
afterAll(async () => {
  await up.close();
});
beforeEach(() => up.reset());

const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  request(`${up.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });

describe('mock upstream', () => {
  it('records requests and answers OpenAI chat', async () => {
    const r = await post(
      '/v1/chat/completions',
      { model: 'gpt', messages: [{ role: 'user', content: 'hi' }] },
      { authorization: 'Bearer k' },
    );
    expect(r.statusCode).toBe(200);
    expect(
      ((await r.body.json()) as { choices: Array<{ message: { content: string } }> }).choices[0]!.message
        .content,
    ).toBe('Hello from upstream');
    expect(up.requests[0]).toMatchObject({
      method: 'POST',
      path: '/v1/chat/completions',
      body: { model: 'gpt' },
      headers: { authorization: 'Bearer k' },
    });
  });

  it('plays scripted faults in order, honouring path filters', async () => {
    up.script([
      {
        path: '/messages',
        status: 529,
        body: { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } },
      },
      { status: 429, headers: { 'retry-after': '2' } },
    ]);
    const a = await post('/v1/chat/completions', { model: 'x', messages: [] });
    expect(a.statusCode).toBe(429);
    expect(a.headers['retry-after']).toBe('2');
    await a.body.dump();
    const b = await post('/v1/messages', { model: 'x', messages: [] });
    expect(b.statusCode).toBe(529);
    await b.body.dump();
    const c = await post('/v1/chat/completions', { model: 'x', messages: [] });
    expect(c.statusCode).toBe(200);
    await c.body.dump();
  });

  it('delays headers, spaces chunks, injects malformed SSE and cuts streams', async () => {
    up.script({ delayMs: 80, chunkDelayMs: 20, malformed: true });
    const t0 = Date.now();
    const r = await post('/v1/chat/completions', { model: 'x', stream: true, messages: [] });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(70);
    const text = await r.body.text();
    expect(text).toContain('data: {this is not json');
    expect(text.trim().endsWith('data: [DONE]')).toBe(true);
    up.script({ cutAfterChunks: 1 });
    const cut = await post('/v1/chat/completions', { model: 'x', stream: true, messages: [] });
    await expect(cut.body.text()).rejects.toThrow();
  });

  it('rejects Bedrock calls without SigV4 and Azure calls without api-version; hang never answers', async () => {
    const b = await post('/model/m/converse', { messages: [] });
    expect(b.statusCode).toBe(403);
    await b.body.dump();
    const a = await post('/openai/deployments/d/chat/completions', { messages: [] });
    expect(a.statusCode).toBe(400);
    await a.body.dump();
    up.script({ hang: true });
    await expect(
      request(`${up.url}/v1/chat/completions`, { method: 'POST', body: '{}', headersTimeout: 150 }),
    ).rejects.toThrow(/timeout/i);
  });
});
