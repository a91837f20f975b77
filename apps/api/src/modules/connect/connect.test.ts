import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProxyEnv, type ProxyEnv } from '../../test/proxy-env.js';

let e: ProxyEnv;
let user: string;
let other: string;
const as = (token: string) => ({ authorization: `Bearer ${token}` });

beforeAll(async () => {
  e = await createProxyEnv();
  const u = await e.t.app.ctx.prisma.user.findUniqueOrThrow({ where: { id: e.ids.user } });
  user = (await e.t.http.post('/api/v1/auth/login').send({ email: u.email, password: e.userPassword })).body
    .token;
  other = await e.t.tokenFor('user');
});
afterAll(async () => {
  await e?.close();
});

describe('GET /api/v1/guide', () => {
  it('is Markdown for this server, readable without signing in, with every tool and no key', async () => {
    const res = await fetch(`${e.url}/api/v1/guide`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/markdown/);
    const md = await res.text();
    expect(md).toContain(`\`${e.url}/v1\``);
    expect(md).toContain(`export ANTHROPIC_BASE_URL='${e.url}'`);
    for (const label of [
      'Claude Code',
      'Codex',
      'OpenCode',
      'Cursor',
      'Continue',
      'Vercel AI SDK',
      'OpenAI SDK',
      'Anthropic SDK',
      'curl',
    ])
      expect(md).toContain(`### ${label}`);
    expect(md).not.toContain(e.userKey);
    expect(md).not.toMatch(/sy-[A-Za-z0-9_-]{20,}/);
  });

  it('names the host the client used (behind a proxy: the forwarded one, when trusted)', async () => {
    const res = await e.t.http.get('/api/v1/guide?tool=codex').set('host', 'gateway.example.com:9000');
    expect(res.text).toContain('base_url = "http://gateway.example.com:9000/v1"');
    expect(res.text).toContain('### Codex');
    expect(res.text).not.toContain('### Claude Code');
  });

  it('an unknown tool is a 400 listing the ones there are', async () => {
    const res = await e.t.http.get('/api/v1/guide?tool=vim');
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('validation_error');
    expect(res.body.error.message).toContain('claude-code');
  });

  it('is in the OpenAPI document', async () => {
    const doc = (await e.t.http.get('/api/v1/openapi.json')).body as {
      paths: Record<string, Record<string, unknown>>;
    };
    expect(doc.paths['/api/v1/guide']?.get).toBeTruthy();
    expect(doc.paths['/api/v1/me/keys/{id}/models']?.get).toBeTruthy();
  });

  it('the agent steps work as written: create a key, list its models, probe, find the trace', async () => {
    const created = await e.t.http.post('/api/v1/me/keys').set(as(user)).send({ name: 'claude-code' });
    expect(created.status).toBe(201);
    const key = created.body.key as string;
    const models = (await (
      await fetch(`${e.url}/v1/models`, { headers: { authorization: `Bearer ${key}` } })
    ).json()) as { data: { id: string }[] };
    expect(models.data.map((m) => m.id)).toContain('up-openai/gpt-test');
    const probe = await fetch(`${e.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        model: 'up-openai/gpt-test',
        max_tokens: 16,
        messages: [{ role: 'user', content: 'Say OK' }],
      }),
    });
    expect(probe.status).toBe(200);
    expect(probe.headers.get('x-switchyard-provider')).toBe('up-openai');
    const requestId = probe.headers.get('x-request-id');
    await e.flushUsage();
    const logs = await e.t.http.get('/api/v1/me/logs?limit=20').set(as(user));
    const row = (logs.body.data as { id: string; requestId: string }[]).find(
      (r) => r.requestId === requestId,
    );
    expect(row).toBeTruthy();
    const detail = await e.t.http.get(`/api/v1/me/logs/${row!.id}`).set(as(user));
    expect(detail.body.trace.plan).toBeTruthy();
  });
});

describe('GET /api/v1/me/keys/:id/models', () => {
  it("lists what the proxy's /v1/models answers for that key (allowed models respected)", async () => {
    const created = await e.t.http
      .post('/api/v1/me/keys')
      .set(as(user))
      .send({ name: 'narrow', allowedModels: ['chat.default', 'up-openai/gpt-test'] });
    expect(created.status).toBe(201);
    const viaAdmin = await e.t.http.get(`/api/v1/me/keys/${created.body.id}/models`).set(as(user));
    expect(viaAdmin.status).toBe(200);
    const viaProxy = (await (
      await fetch(`${e.url}/v1/models`, { headers: { authorization: `Bearer ${created.body.key}` } })
    ).json()) as { data: { id: string }[] };
    expect(viaAdmin.body.data.map((m: { id: string }) => m.id)).toEqual(viaProxy.data.map((m) => m.id));
    // The reference allows its bare id too (routed to that provider only).
    expect(viaAdmin.body.data.map((m: { id: string }) => m.id).sort()).toEqual([
      'chat.default',
      'gpt-test',
      'up-openai/gpt-test',
    ]);
  });

  it('lists the agents and `default` as the proxy does, each with its kind, in the shape its contract describes', async () => {
    const admin = await e.t.tokenFor('admin');
    await e.t.http
      .post('/api/v1/llm/agents')
      .set(as(admin))
      .send({
        agentId: 'connect-coder',
        name: 'Coder',
        normalModel: 'up-openai/gpt-test',
        heavyModel: 'up-openai/gpt-test',
        maxModel: 'up-openai/gpt-test',
      })
      .expect(201);
    await e.t.http
      .put('/api/v1/me/preferences')
      .set(as(user))
      .send({ defaultModel: 'up-openai/gpt-test' })
      .expect(200);
    const created = await e.t.http.post('/api/v1/me/keys').set(as(user)).send({ name: 'agents' }).expect(201);
    const res = await e.t.http.get(`/api/v1/me/keys/${created.body.id}/models`).set(as(user));
    expect(res.status, JSON.stringify(res.body).slice(0, 300)).toBe(200);
    const kinds = new Map(
      (res.body.data as { id: string; switchyard_kind: string }[]).map((m) => [m.id, m.switchyard_kind]),
    );
    expect(kinds.get('agent:connect-coder')).toBe('agent');
    expect(kinds.get('agent:connect-coder:max')).toBe('agent');
    expect(kinds.get('default')).toBe('default');
    expect(kinds.get('up-openai/gpt-test')).toBe('model');
    const viaProxy = (await (
      await fetch(`${e.url}/v1/models`, { headers: { authorization: `Bearer ${created.body.key}` } })
    ).json()) as { data: { id: string }[] };
    expect([...kinds.keys()]).toEqual(viaProxy.data.map((m) => m.id));
  });

  it("another user's key and a revoked key are 404s", async () => {
    const created = await e.t.http.post('/api/v1/me/keys').set(as(user)).send({ name: 'mine' });
    expect((await e.t.http.get(`/api/v1/me/keys/${created.body.id}/models`).set(as(other))).status).toBe(404);
    expect((await e.t.http.post(`/api/v1/me/keys/${created.body.id}/revoke`).set(as(user))).status).toBe(200);
    const res = await e.t.http.get(`/api/v1/me/keys/${created.body.id}/models`).set(as(user));
    expect(res.status).toBe(404);
  });
});
