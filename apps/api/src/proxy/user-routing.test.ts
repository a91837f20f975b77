/**
 * Seed 003 registry and BYOK user management end to end: a model's own auth (literal secrets and `_env`
 * references, masked everywhere), "test model", a user's default model and preferred providers, and the admin's
 * BYOK view per user with monthly BYOK limits enforced by the proxy.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProxyEnv, MASTER_KEY, type ProxyEnv } from '../test/proxy-env.js';

let env: ProxyEnv;
let superAdmin: string;
let admin: string;
let userToken: string;
let gptOnOpenai: string;
const processEnv: Record<string, string | undefined> = { MODEL_REGION: 'eu-west-1' };
const MODEL_KEY = 'sk-model-own-key-5555';
const BYOK_KEY = 'sk-ant-byok-user-key-7777';
const bearer = (t: string) => ({ authorization: `Bearer ${t}` });

const chat = (model: string, key = env.userKey) =>
  fetch(`${env.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model, messages: [{ role: 'user', content: 'hi' }], max_tokens: 5 }),
  });
const lastAuth = () => env.up.requests.at(-1)?.headers.authorization;
const lastApiKey = () => env.up.requests.at(-1)?.headers['x-api-key'];
const routedProvider = (r: Response) => r.headers.get('x-switchyard-provider');

beforeAll(async () => {
  env = await createProxyEnv({ processEnv });
  const { t } = env;
  superAdmin = await t.tokenFor('seed_admin');
  admin = await t.tokenFor('admin');
  userToken = (
    await t.http.post('/api/v1/auth/login').send({
      email: (await t.app.ctx.prisma.user.findUniqueOrThrow({ where: { id: env.ids.user } })).email,
      password: env.userPassword,
    })
  ).body.token;
  gptOnOpenai = (
    await t.app.ctx.prisma.model.findFirstOrThrow({
      where: { providerId: env.ids.openai, modelId: 'gpt-test' },
    })
  ).id;
  // Debug headers name the provider that answered.
  await t.http.put('/api/v1/llm/settings').set(bearer(superAdmin)).send({ debugHeaders: true });
});
afterAll(async () => {
  await env?.close();
});

describe("a model's own auth", () => {
  it('is write-only: literal secrets come back as their last four, env references with whether they resolve', async () => {
    const res = await env.t.http
      .put(`/api/v1/llm/models/${gptOnOpenai}`)
      .set(bearer(superAdmin))
      .send({
        auth: { apiKey: MODEL_KEY, region: { _env: 'MODEL_REGION' }, apiVersion: { _env: 'NOT_SET_VAR' } },
      });
    expect(res.status).toBe(200);
    expect(res.body.auth).toEqual([
      { name: 'apiKey', kind: 'secret', env: null, last4: '5555', resolved: true },
      { name: 'apiVersion', kind: 'env', env: 'NOT_SET_VAR', last4: null, resolved: false },
      { name: 'region', kind: 'env', env: 'MODEL_REGION', last4: null, resolved: true },
    ]);
    expect(JSON.stringify(res.body)).not.toContain(MODEL_KEY);
    const audit = await env.t.app.ctx.prisma.auditLog.findFirst({
      where: { entityId: gptOnOpenai, action: 'model.update' },
      orderBy: { createdAt: 'desc' },
    });
    expect(JSON.stringify(audit)).not.toContain(MODEL_KEY);
    const stored = await env.t.app.ctx.prisma.model.findUniqueOrThrow({ where: { id: gptOnOpenai } });
    expect(JSON.stringify(stored.auth)).not.toContain(MODEL_KEY);
  });

  it('an unresolved variable makes the model unroutable on the platform key: skipped with the reason, the call falls back', async () => {
    const r = await chat('up-openai/gpt-test');
    expect(r.status).toBe(200);
    expect(routedProvider(r)).toBe('up-backup');
    const trace = await env.t.http
      .post('/api/v1/llm/routing/trace')
      .set(bearer(admin))
      .send({ model: 'up-openai/gpt-test', userId: env.ids.user });
    const first = trace.body.trace.candidates[0];
    expect(first).toMatchObject({ ref: 'up-openai/gpt-test', kept: false, reason: 'no-usable-key' });
    expect(first.detail).toContain('env-unresolved');
  });

  it("once every variable resolves, calls to the model carry the model's key, others the provider's", async () => {
    processEnv.NOT_SET_VAR = '2024-10-21';
    await env.t.app.routing.reload();
    const r = await chat('up-openai/gpt-test');
    expect(r.status).toBe(200);
    expect(lastAuth()).toBe(`Bearer ${MODEL_KEY}`);
    expect((await chat('up-backup/gpt-test')).status).toBe(200);
    expect(lastAuth()).not.toBe(`Bearer ${MODEL_KEY}`);
  });

  it('only a super admin sets it: an admin gets 403 for auth, but may change the rest', async () => {
    const denied = await env.t.http
      .put(`/api/v1/llm/models/${gptOnOpenai}`)
      .set(bearer(admin))
      .send({ auth: { apiKey: null } });
    expect(denied.status).toBe(403);
    const ok = await env.t.http
      .put(`/api/v1/llm/models/${gptOnOpenai}`)
      .set(bearer(admin))
      .send({ priority: 7 });
    expect(ok.status).toBe(200);
    expect(ok.body.auth).toHaveLength(3);
  });

  it('bad auth input is a 400 naming the field', async () => {
    const res = await env.t.http
      .put(`/api/v1/llm/models/${gptOnOpenai}`)
      .set(bearer(superAdmin))
      .send({ auth: { 'bad name': 'x', apiKey: { _env: 'lower-case' } } });
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body.error)).toContain('auth');
  });
});

describe("a provider's auth variables", () => {
  it('take literal secrets and env references (masked), make the key calls carry, and are a super admin change', async () => {
    const id = env.ids.backup;
    const denied = await env.t.http
      .put(`/api/v1/llm/providers/${id}`)
      .set(bearer(admin))
      .send({ auth: { apiKey: 'sk-provider-literal-8888' } });
    expect(denied.status).toBe(403);
    const res = await env.t.http
      .put(`/api/v1/llm/providers/${id}`)
      .set(bearer(superAdmin))
      .send({ apiKey: null, auth: { apiKey: 'sk-provider-literal-8888', region: { _env: 'MODEL_REGION' } } });
    expect(res.status).toBe(200);
    expect(res.body.auth).toEqual([
      { name: 'apiKey', kind: 'secret', env: null, last4: '8888', resolved: true },
      { name: 'region', kind: 'env', env: 'MODEL_REGION', last4: null, resolved: true },
    ]);
    expect(JSON.stringify(res.body)).not.toContain('sk-provider-literal-8888');
    expect((await chat('up-backup/gpt-test')).status).toBe(200);
    expect(lastAuth()).toBe('Bearer sk-provider-literal-8888');
    const listed = await env.t.http.get('/api/v1/llm/providers').set(bearer(admin));
    expect(JSON.stringify(listed.body)).not.toContain('sk-provider-literal-8888');
  });
});

describe('test model', () => {
  it('makes a real one-token call with the model key and records the result on the model', async () => {
    const before = env.up.requests.length;
    const res = await env.t.http.post(`/api/v1/llm/models/${gptOnOpenai}/test`).set(bearer(admin));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ ok: true, keySource: 'model', status: null, error: null });
    expect(env.up.requests.length).toBe(before + 1);
    expect(lastAuth()).toBe(`Bearer ${MODEL_KEY}`);
    const listed = await env.t.http.get(`/api/v1/llm/models/${gptOnOpenai}`).set(bearer(admin));
    expect(listed.body.health).toMatchObject({ ok: true, keySource: 'model' });
  });

  it('a failing upstream is recorded with its status and a scrubbed message', async () => {
    env.up.script([{ status: 401, body: { error: { message: `bad key ${MODEL_KEY}` } } }]);
    const res = await env.t.http.post(`/api/v1/llm/models/${gptOnOpenai}/test`).set(bearer(admin));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ ok: false, status: 401 });
    expect(res.body.error).not.toContain(MODEL_KEY);
  });

  it('viewers may not run it; unknown models are a 404', async () => {
    const viewer = await env.t.tokenFor('viewer');
    expect((await env.t.http.post(`/api/v1/llm/models/${gptOnOpenai}/test`).set(bearer(viewer))).status).toBe(
      403,
    );
    expect((await env.t.http.post('/api/v1/llm/models/nope/test').set(bearer(admin))).status).toBe(404);
  });

  it('removing the auth goes back to the provider key', async () => {
    const res = await env.t.http
      .put(`/api/v1/llm/models/${gptOnOpenai}`)
      .set(bearer(superAdmin))
      .send({ auth: { apiKey: null, region: null, apiVersion: null } });
    expect(res.body.auth).toEqual([]);
    expect((await chat('up-openai/gpt-test')).status).toBe(200);
    expect(lastAuth()).not.toBe(`Bearer ${MODEL_KEY}`);
  });
});

describe("a user's preferences", () => {
  it('preferred providers change the chosen provider; the trace says why', async () => {
    expect(routedProvider(await chat('gpt-test'))).toBe('up-openai');
    const put = await env.t.http
      .put('/api/v1/me/preferences')
      .set(bearer(userToken))
      .send({ preferredProviders: ['up-backup'] });
    expect(put.status).toBe(200);
    expect(put.body).toEqual({ defaultModel: null, preferredProviders: ['up-backup'] });
    expect(routedProvider(await chat('gpt-test'))).toBe('up-backup');
    const trace = await env.t.http
      .post('/api/v1/llm/routing/trace')
      .set(bearer(admin))
      .send({ model: 'gpt-test', userId: env.ids.user });
    expect(trace.status).toBe(200);
    expect(JSON.stringify(trace.body.trace)).toContain('preferred provider #1');
  });

  it('the default model answers `default` for that user; admins set it on the user', async () => {
    const set = await env.t.http
      .patch(`/api/v1/users/${env.ids.user}`)
      .set(bearer(admin))
      .send({ defaultModel: 'big-test', preferredProviders: [] });
    expect(set.status).toBe(200);
    expect(set.body).toMatchObject({ defaultModel: 'big-test', preferredProviders: [] });
    const r = await chat('default');
    expect(r.status).toBe(200);
    expect(((await r.json()) as { model: string }).model).toBe('big-test');
    // A body that names no model at all gets the user's default too; a caller with none still gets the 400.
    const none = (key: string) =>
      fetch(`${env.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify({ messages: [{ role: 'user', content: 'hi' }], max_tokens: 5 }),
      });
    const unnamed = await none(env.userKey);
    expect(unnamed.status).toBe(200);
    expect(((await unnamed.json()) as { model: string }).model).toBe('big-test');
    const master = await none(MASTER_KEY);
    expect(master.status).toBe(400);
    expect(((await master.json()) as { error: { message: string } }).error.message).toContain(
      '"model" is required',
    );
    expect((await env.t.http.get('/api/v1/me/preferences').set(bearer(userToken))).body.defaultModel).toBe(
      'big-test',
    );
  });

  it('an unknown provider slug is a 400 naming it', async () => {
    const res = await env.t.http
      .put('/api/v1/me/preferences')
      .set(bearer(userToken))
      .send({ preferredProviders: ['no-such-provider'] });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain('no-such-provider');
  });
});

describe('BYOK user management', () => {
  it("the admin sees the user's BYOK providers with calls, savings and last use from real usage", async () => {
    expect(
      (
        await env.t.http
          .put(`/api/v1/me/byok/${env.ids.anthropic}`)
          .set(bearer(userToken))
          .send({ apiKey: BYOK_KEY })
      ).status,
    ).toBe(200);
    await env.t.app.routing.reload();
    const r = await chat('claude-test');
    expect(r.status).toBe(200);
    expect(lastApiKey()).toBe(BYOK_KEY);
    await env.flushUsage();
    const view = await env.t.http.get(`/api/v1/users/${env.ids.user}/byok`).set(bearer(admin));
    expect(view.status).toBe(200);
    expect(view.body.providers).toEqual([
      expect.objectContaining({
        slug: 'up-anthropic',
        last4: '7777',
        requests: 1,
        savedUsd: expect.any(Number),
      }),
    ]);
    expect(view.body.providers[0].savedUsd).toBeGreaterThan(0);
    expect(view.body.providers[0].lastUsedAt).not.toBeNull();
    expect(view.body.month).toMatchObject({ requests: 1 });
    expect(view.body.limits).toEqual({ monthlyRequests: null, monthlySpendUsd: null });
    expect(JSON.stringify(view.body)).not.toContain(BYOK_KEY);
  });

  it('a monthly BYOK call limit is enforced with 429 byok_limit_reached in the client format', async () => {
    const set = await env.t.http
      .patch(`/api/v1/users/${env.ids.user}`)
      .set(bearer(admin))
      .send({ byokMonthlyRequestLimit: 1 });
    expect(set.body.byokMonthlyRequestLimit).toBe(1);
    // This month's one recorded BYOK call already counts: the next one is refused.
    const r = await chat('claude-test');
    expect(r.status).toBe(429);
    const body = (await r.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('byok_limit_reached');
    expect(body.error.message).toContain('own provider keys');
    expect(r.headers.get('retry-after')).not.toBeNull();
    // Anthropic format: the same refusal as an Anthropic error.
    const m = await fetch(`${env.url}/v1/messages`, {
      method: 'POST',
      headers: {
        'x-api-key': env.userKey,
        'content-type': 'application/json',
        'anthropic-version': '2023-06-01',
      },
      body: JSON.stringify({
        model: 'claude-test',
        max_tokens: 5,
        messages: [{ role: 'user', content: 'hi' }],
      }),
    });
    expect(m.status).toBe(429);
    expect(await m.json()).toMatchObject({ type: 'error', error: { type: 'rate_limit_error' } });
    // Calls the platform pays are not limited by it.
    expect((await chat('up-openai/gpt-test')).status).toBe(200);
    const view = await env.t.http.get(`/api/v1/users/${env.ids.user}/byok`).set(bearer(admin));
    expect(view.body.limits.monthlyRequests).toBe(1);
  });

  it('a monthly BYOK spend limit counts the list price of the calls the user key paid', async () => {
    await env.t.http
      .patch(`/api/v1/users/${env.ids.user}`)
      .set(bearer(admin))
      .send({ byokMonthlyRequestLimit: null, byokMonthlySpendLimitUsd: 0.00001 });
    const r = await chat('claude-test');
    expect(r.status).toBe(429);
    expect(((await r.json()) as { error: { code: string } }).error.code).toBe('byok_limit_reached');
    const bad = await env.t.http
      .patch(`/api/v1/users/${env.ids.user}`)
      .set(bearer(admin))
      .send({ byokMonthlySpendLimitUsd: -1 });
    expect(bad.status).toBe(400);
  });

  it('users read their own BYOK usage and limits, and may not read the admin view', async () => {
    const mine = await env.t.http.get('/api/v1/me/byok/usage').set(bearer(userToken));
    expect(mine.status).toBe(200);
    expect(mine.body.userId).toBe(env.ids.user);
    expect(mine.body.limits).toEqual({ monthlyRequests: null, monthlySpendUsd: 0.00001 });
    expect(mine.body.providers).toEqual([expect.objectContaining({ slug: 'up-anthropic', last4: '7777' })]);
    expect((await env.t.http.get(`/api/v1/users/${env.ids.user}/byok`).set(bearer(userToken))).status).toBe(
      403,
    );
  });
});
