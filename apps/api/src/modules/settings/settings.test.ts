import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cachedChat, createProxyEnv, type ProxyEnv } from '../../test/proxy-env.js';

let e: ProxyEnv;
let admin: string;
let viewer: string;
const as = (token: string) => ({ authorization: `Bearer ${token}` });
const chat = () =>
  fetch(`${e.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${e.userKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'gpt-test', messages: [{ role: 'user', content: 'hi' }] }),
  });

beforeAll(async () => {
  e = await createProxyEnv();
  admin = await e.t.tokenFor('admin');
  viewer = await e.t.tokenFor('viewer');
});
afterAll(async () => {
  await e?.close();
});

describe('settings', () => {
  it('defaults: body logging and debug headers off', async () => {
    const res = await e.t.http.get('/api/v1/llm/settings').set(as(viewer));
    expect(res.body).toMatchObject({ bodyLogging: false, debugHeaders: false });
  });

  it('routing debug headers switch on and off for the next proxy response', async () => {
    expect((await chat()).headers.get('x-switchyard-skipped')).toBeNull();
    const on = await e.t.http.put('/api/v1/llm/settings').set(as(admin)).send({ debugHeaders: true });
    expect(on.body.debugHeaders).toBe(true);
    expect((await chat()).headers.get('x-switchyard-skipped')).not.toBeNull();
    // On every answer: a failed one (where it helps most) and one from the response cache.
    e.up.script({ path: '/chat/completions', status: 400 });
    const failed = await chat();
    expect(failed.status).toBe(400);
    expect(failed.headers.get('x-switchyard-skipped')).not.toBeNull();
    const cached = () =>
      cachedChat(e, { model: 'gpt-test', messages: [{ role: 'user', content: 'cache me, debug' }] });
    await (await cached()).text();
    await expect.poll(async () => (await cached()).headers.get('x-switchyard-cache')).toBe('hit');
    expect((await cached()).headers.get('x-switchyard-skipped')).not.toBeNull();
    await e.t.http.put('/api/v1/llm/settings').set(as(admin)).send({ debugHeaders: false });
    expect((await chat()).headers.get('x-switchyard-skipped')).toBeNull();
    const audit = await e.t.app.ctx.prisma.auditLog.findFirst({
      where: { action: 'settings.update' },
      orderBy: { createdAt: 'desc' },
    });
    expect(audit?.after).toMatchObject({ debugHeaders: false });
  });

  it('body logging: off by default; on, the log record keeps what the client sent and received (streams too)', async () => {
    const send = (stream: boolean) =>
      fetch(`${e.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${e.userKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          model: 'gpt-test',
          stream,
          messages: [{ role: 'user', content: 'secret-sauce question' }],
        }),
      }).then((r) => r.text());
    const latest = async () => {
      await e.flushUsage();
      const [row] = (await e.t.http.get('/api/v1/llm/logs').query({ limit: '1' }).set(as(viewer))).body.data;
      return (await e.t.http.get(`/api/v1/llm/logs/${row.id}`).set(as(viewer))).body.trace;
    };
    await send(false);
    expect((await latest()).bodies).toBeUndefined();
    await e.t.http.put('/api/v1/llm/settings').set(as(admin)).send({ bodyLogging: true });
    const answer = await send(false);
    const logged = (await latest()).bodies;
    expect(logged.request).toContain('secret-sauce question');
    expect(logged.response).toBe(answer);
    expect(logged).toMatchObject({ truncated: false, responseBytes: Buffer.byteLength(answer) });
    const streamed = await send(true);
    const s = (await latest()).bodies;
    expect(s.response).toBe(streamed);
    expect(s.response).toContain('data: ');
    // An error the gateway answers itself (no route) is logged as the client received it.
    const unknown = await fetch(`${e.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${e.userKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'no-such-model', messages: [{ role: 'user', content: 'x' }] }),
    }).then((r) => r.text());
    expect((await latest()).bodies.response).toBe(unknown);
    expect(unknown).toContain('no-such-model');
    await e.t.http.put('/api/v1/llm/settings').set(as(admin)).send({ bodyLogging: false });
    await send(false);
    expect((await latest()).bodies).toBeUndefined();
  });

  it('tests an Ollama server, saves it (the Ollama provider follows), and adds the models it discovered', async () => {
    const test = await e.t.http
      .post('/api/v1/llm/settings/ollama/test')
      .set(as(admin))
      .send({ baseUrl: e.up.url });
    expect(test.body).toMatchObject({ success: true, models: ['llama3.2:latest', 'qwen2.5:7b'] });
    expect(e.up.requests.at(-1)!.path).toBe('/api/tags');
    const down = await e.t.http
      .post('/api/v1/llm/settings/ollama/test')
      .set(as(admin))
      .send({ baseUrl: 'http://127.0.0.1:1' });
    expect(down.body).toMatchObject({ success: false, error: { code: 'unreachable' } });
    const saved = await e.t.http.put('/api/v1/llm/settings').set(as(admin)).send({ ollamaBaseUrl: e.up.url });
    expect(saved.body).toMatchObject({
      ollamaBaseUrl: e.up.url,
      ollamaProvider: { slug: 'ollama', status: 'active' },
    });
    const provider = await e.t.app.ctx.prisma.provider.findFirstOrThrow({ where: { type: 'ollama' } });
    expect(provider.baseUrl).toBe(`${e.up.url}/v1`);
    const sync = await e.t.http.post('/api/v1/llm/settings/ollama/sync').set(as(admin));
    expect(sync.body).toMatchObject({ discovered: ['llama3.2:latest', 'qwen2.5:7b'] });
    const again = await e.t.http.post('/api/v1/llm/settings/ollama/sync').set(as(admin));
    expect(again.body.added).toEqual([]);
    // A discovered model routes at once through the proxy.
    const r = await fetch(`${e.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${e.userKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'ollama/qwen2.5:7b', messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect([r.status, r.headers.get('x-switchyard-provider')]).toEqual([200, 'ollama']);
    const cleared = await e.t.http.put('/api/v1/llm/settings').set(as(admin)).send({ ollamaBaseUrl: null });
    expect(cleared.body).toMatchObject({ ollamaBaseUrl: null, ollamaProvider: { status: 'disabled' } });
  });

  it('bad input is a 400 naming the field; viewers cannot change settings', async () => {
    expect(
      (await e.t.http.put('/api/v1/llm/settings').set(as(admin)).send({ ollamaBaseUrl: 'not a url' })).body
        .error.message,
    ).toMatch(/^ollamaBaseUrl:/);
    expect((await e.t.http.put('/api/v1/llm/settings').set(as(admin)).send({})).status).toBe(400);
    expect(
      (await e.t.http.put('/api/v1/llm/settings').set(as(viewer)).send({ bodyLogging: true })).status,
    ).toBe(403);
    expect((await e.t.http.post('/api/v1/llm/settings/ollama/sync').set(as(admin))).status).toBe(400);
  });
});
