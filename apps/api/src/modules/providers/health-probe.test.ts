// The admin's "Test model" and a provider's chat health check call the provider as traffic does. Before, they built
// their own request with `max_tokens: 1` and without the model's config: an OpenAI reasoning model (o3-mini, gpt-5,
// an Azure deployment whose config names o3-mini as its baseModel) answered 400 "Use 'max_completion_tokens'
// instead", so a model that served traffic showed as failed and its provider as down.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProxyEnv, type ProxyEnv } from '../../test/proxy-env.js';

let env: ProxyEnv;
let admin: string;
const as = (token: string) => ({ authorization: `Bearer ${token}` });
const sent = () => env.up.requests.at(-1)!;

async function addModel(providerId: string, modelId: string, config: object = {}): Promise<string> {
  const m = await env.t.app.ctx.prisma.model.create({
    data: { providerId, modelId, displayName: modelId, capabilities: ['chat'], config },
  });
  await env.t.app.routing.reload();
  return m.id;
}
const testModel = (id: string) => env.t.http.post(`/api/v1/llm/models/${id}/test`).set(as(admin));

beforeAll(async () => {
  env = await createProxyEnv();
  admin = await env.t.tokenFor('admin');
}, 180_000);
afterAll(async () => {
  await env?.close();
});

describe('"Test model" on an OpenAI reasoning model', () => {
  it('passes, its cap sent as max_completion_tokens, though the answer had no text (all spent reasoning)', async () => {
    const id = await addModel(env.ids.openai, 'o3-mini');
    const res = await testModel(id);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ ok: true, status: null, error: null });
    expect(sent().path).toBe('/v1/chat/completions');
    expect(sent().body).toMatchObject({ model: 'o3-mini', max_completion_tokens: 1 });
    expect(sent().body).not.toHaveProperty('max_tokens');
    // What that call answers: HTTP 200, no text, cut at the cap (as OpenAI's reasoning models answer a tiny cap).
    const same = await fetch(`${env.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${env.userKey}` },
      body: JSON.stringify({
        model: 'up-openai/o3-mini',
        messages: [{ role: 'user', content: 'ping' }],
        max_completion_tokens: 1,
      }),
    });
    expect(same.status).toBe(200);
    const answer = (await same.json()) as {
      choices: { message: { content: string }; finish_reason: string }[];
    };
    expect(answer.choices[0]).toMatchObject({ message: { content: '' }, finish_reason: 'length' });
    // The dashboard's list shows the model's last test as passed.
    const shown = await env.t.http.get(`/api/v1/llm/models/${id}`).set(as(admin));
    expect(shown.body.health).toMatchObject({ ok: true, status: null });
  });

  it("takes the model's defaults as traffic does: a reasoning model's default temperature is not sent", async () => {
    const id = await addModel(env.ids.openai, 'gpt-5', { temperature: 0.3, seed: 7 });
    const res = await testModel(id);
    expect(res.body, JSON.stringify(sent().body)).toMatchObject({ ok: true });
    expect(sent().body).toMatchObject({ model: 'gpt-5', max_completion_tokens: 1, seed: 7 });
    expect(sent().body).not.toHaveProperty('max_tokens');
    expect(sent().body).not.toHaveProperty('temperature');
  });

  it('an Azure deployment whose config names o3-mini as its baseModel', async () => {
    const { prisma, secrets } = env.t.app.ctx;
    const azure = await prisma.provider.create({
      data: {
        slug: 'up-azure',
        name: 'up-azure',
        type: 'azure-openai',
        priority: 60,
        baseUrl: env.up.url,
        status: 'active',
        encryptedApiKey: secrets.encrypt('azure-key-0000'),
        apiKeyLast4: '0000',
      },
    });
    env.up.serves['prod-reasoner'] = 'o3-mini';
    const id = await addModel(azure.id, 'prod-reasoner', { baseModel: 'o3-mini', max_tokens: 4000 });
    const res = await testModel(id);
    expect(res.body, JSON.stringify(sent().body)).toMatchObject({ ok: true, status: null });
    expect(sent().path).toBe('/openai/deployments/prod-reasoner/chat/completions');
    // The test's own cap, not the model's default of 4000; the baseModel is never sent.
    expect(sent().body).toMatchObject({ max_completion_tokens: 1 });
    expect(sent().body).not.toHaveProperty('max_tokens');
    expect(sent().body).not.toHaveProperty('baseModel');
  });

  it("a model that is not a reasoning model gets max_tokens and the model's default temperature", async () => {
    const id = await addModel(env.ids.openai, 'gpt-4o', { temperature: 0.3 });
    const res = await testModel(id);
    expect(res.body).toMatchObject({ ok: true });
    expect(sent().body).toMatchObject({ model: 'gpt-4o', max_tokens: 1, temperature: 0.3 });
    expect(sent().body).not.toHaveProperty('max_completion_tokens');
  });

  it('a provider that answers 200 with something that is not a chat answer fails, saying so', async () => {
    const id = await addModel(env.ids.openai, 'o4-mini');
    env.up.script([{ path: '/chat/completions', status: 200, body: '<html>Sign in to the proxy</html>' }]);
    const res = await testModel(id);
    expect(res.body).toMatchObject({ ok: false, status: 200 });
    expect(res.body.error).toMatch(/answered 200/);
    expect(res.body.error).not.toMatch(/Could not reach/);
  });
});

describe("a provider's chat health check on an OpenAI reasoning model", () => {
  it('is healthy, the check sending max_completion_tokens', async () => {
    const { prisma, secrets } = env.t.app.ctx;
    const corp = await prisma.provider.create({
      data: {
        slug: 'up-corp',
        name: 'up-corp',
        type: 'custom',
        priority: 50,
        baseUrl: `${env.up.url}/v1`,
        status: 'active',
        encryptedApiKey: secrets.encrypt('sk-corp-proxy-0000'),
        apiKeyLast4: '0000',
      },
    });
    await addModel(corp.id, 'corp-reasoner', { baseModel: 'openai/o3', temperature: 0.2 });
    const on = await env.t.http
      .put(`/api/v1/llm/providers/${corp.id}`)
      .set(as(admin))
      .send({
        config: { healthCheck: { enabled: true, intervalSec: 60, probe: 'chat', model: 'corp-reasoner' } },
      });
    expect(on.status, on.text).toBe(200);
    // The corporate proxy serves o3 under that name: refused what o3 refuses, as OpenAI would.
    env.up.serves['corp-reasoner'] = 'o3';
    const res = await env.t.http.post(`/api/v1/llm/providers/${corp.id}/health/check`).set(as(admin));
    expect(res.status).toBe(200);
    expect(sent().body).toMatchObject({ model: 'corp-reasoner', max_completion_tokens: 1 });
    expect(sent().body).not.toHaveProperty('max_tokens');
    expect(sent().body).not.toHaveProperty('temperature');
    expect(res.body).toMatchObject({ status: 'healthy', lastCheckOk: true, lastError: null });
    const listed = await env.t.http.get('/api/v1/llm/providers').set(as(admin));
    const shown = (listed.body.data as { id: string; health: { status: string } }[]).find(
      (p) => p.id === corp.id,
    );
    expect(shown?.health.status).toBe('healthy');
  });

  it('on a model id that names the reasoning model, with no registry entry config', async () => {
    await env.t.http
      .put(`/api/v1/llm/providers/${env.ids.backup}`)
      .set(as(admin))
      .send({
        config: { healthCheck: { enabled: true, intervalSec: 60, probe: 'chat', model: 'gpt-5-mini' } },
      });
    const res = await env.t.http.post(`/api/v1/llm/providers/${env.ids.backup}/health/check`).set(as(admin));
    expect(res.body, JSON.stringify(sent().body)).toMatchObject({ status: 'healthy', lastCheckOk: true });
    expect(sent().body).toMatchObject({ model: 'gpt-5-mini', max_completion_tokens: 1 });
    expect(sent().body).not.toHaveProperty('max_tokens');
  });
});
