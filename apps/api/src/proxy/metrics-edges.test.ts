import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateGatewayKey } from '../lib/key-format.js';
import { createProxyEnv, type ProxyEnv } from '../test/proxy-env.js';

const METRICS_TOKEN = 'metrics-token-0123456789abcdef';
const SECRET_MODEL = 'ft:acme-secret-project-v2';

let env: ProxyEnv;
let orgKey: string;
beforeAll(async () => {
  env = await createProxyEnv({ env: { METRICS_TOKEN } });
  const { prisma } = env.t.app.ctx;
  // An organization with its own fine-tuned model in the registry (scope org:<id>) and a member with a key.
  const org = await prisma.organization.create({ data: { name: 'Acme', slug: 'acme' } });
  const member = await env.t.createUser('user');
  await prisma.organizationMember.create({ data: { orgId: org.id, userId: member.id } });
  await prisma.model.create({
    data: {
      providerId: env.ids.openai,
      modelId: SECRET_MODEL,
      displayName: 'Acme FT',
      priceInputPer1M: 2,
      priceOutputPer1M: 8,
      contextWindow: 8000,
      capabilities: ['chat', 'streaming'],
      scope: `org:${org.id}`,
    },
  });
  const k = generateGatewayKey();
  await prisma.gatewayKey.create({
    data: { keyHash: k.hash, prefix: k.prefix, name: 'acme', ownerType: 'user', userId: member.id },
  });
  orgKey = k.key;
  await env.t.app.routing.reload();
});
afterAll(async () => {
  await env?.close();
});

const chat = (key: string, model: string) =>
  fetch(`${env.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: JSON.stringify({ model, messages: [{ role: 'user', content: 'hi' }] }),
  });

const scrape = (authorization?: string) =>
  fetch(`${env.url}/metrics`, authorization ? { headers: { authorization } } : {});

describe('/metrics with METRICS_TOKEN', () => {
  it('answers 401 without the token or with a wrong one, 200 with it', async () => {
    const none = await scrape();
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe('Bearer');
    expect(((await none.json()) as { error: { code: string } }).error.code).toBe('unauthorized');
    expect((await scrape(`Bearer ${METRICS_TOKEN}x`)).status).toBe(401);
    expect((await scrape(`Bearer ${METRICS_TOKEN.slice(0, -1)}`)).status).toBe(401);
    expect((await scrape(`Basic ${METRICS_TOKEN}`)).status).toBe(401);
    const ok = await scrape(`Bearer ${METRICS_TOKEN}`);
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain('switchyard_proxy_requests_total');
  });
});

describe('metric labels never carry org-scoped model names', () => {
  it('a request answered by an org model is counted under a neutral model label', async () => {
    const res = await chat(orgKey, SECRET_MODEL);
    expect(res.status).toBe(200);
    expect(res.headers.get('x-switchyard-model')).toBe(SECRET_MODEL);
    // A global model keeps its name.
    expect((await chat(env.userKey, 'up-openai/gpt-test')).status).toBe(200);
    const text = await (await scrape(`Bearer ${METRICS_TOKEN}`)).text();
    expect(text).not.toContain('acme-secret');
    expect(text).toMatch(
      /switchyard_proxy_requests_total\{endpoint="chat.completions",provider="up-openai",model="org-model",status="200"\} 1/,
    );
    expect(text).toMatch(
      /switchyard_tokens_total\{provider="up-openai",model="org-model",direction="out"\} [1-9]/,
    );
    expect(text).toMatch(/switchyard_cost_usd_total\{provider="up-openai",model="org-model"\} \d/);
    expect(text).toMatch(
      /switchyard_proxy_requests_total\{endpoint="chat.completions",provider="up-openai",model="gpt-test",status="200"\} 1/,
    );
  });

  it('a failed request on an org model is counted under the neutral label too', async () => {
    env.up.script({ status: 400, body: { error: { message: 'bad input', type: 'invalid_request_error' } } });
    const res = await chat(orgKey, SECRET_MODEL);
    expect(res.status).toBe(400);
    const text = await (await scrape(`Bearer ${METRICS_TOKEN}`)).text();
    expect(text).not.toContain('acme-secret');
    expect(text).toMatch(
      /switchyard_proxy_requests_total\{endpoint="chat.completions",provider="up-openai",model="org-model",status="400"\} 1/,
    );
  });

  it("an org model's circuit opening shows as a count under the neutral label", async () => {
    const { prisma } = env.t.app.ctx;
    await prisma.provider.update({
      where: { id: env.ids.openai },
      data: { baseUrl: `${env.up.url}/primary/v1` },
    });
    await env.t.app.routing.reload();
    env.up.reset();
    // Five requests that fail for good on the org model (three tries each; no fallback target serves it).
    env.up.script(Array.from({ length: 15 }, () => ({ path: '/primary/', status: 500 })));
    for (let i = 0; i < 5; i++) await chat(orgKey, SECRET_MODEL);
    env.up.reset();
    await prisma.provider.update({ where: { id: env.ids.openai }, data: { baseUrl: `${env.up.url}/v1` } });
    await env.t.app.routing.reload();
    const text = await (await scrape(`Bearer ${METRICS_TOKEN}`)).text();
    expect(text).not.toContain('acme-secret');
    expect(text).toMatch(/switchyard_circuit_open\{provider="up-openai",model="org-model"\} 1/);
  }, 30_000);
});
