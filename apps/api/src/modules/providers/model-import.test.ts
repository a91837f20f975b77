/**
 * Setting a provider up without friction: the models its listing offers come in one import (catalogue prices
 * where known), models registered without capabilities get their protocol's usual ones, unpriced models stay out
 * of power-level tiers until priced, and `/v1/models` lists the bare ids a caller can send.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateGatewayKey } from '../../lib/key-format.js';
import { createProxyEnv, MASTER_KEY, type ProxyEnv } from '../../test/proxy-env.js';

let env: ProxyEnv;
let superAdmin: string;
let admin: string;
let providerId: string;

beforeAll(async () => {
  env = await createProxyEnv();
  superAdmin = await env.t.tokenFor('seed_admin');
  admin = await env.t.tokenFor('admin');
  const created = await env.t.http
    .post('/api/v1/llm/providers')
    .set(as(superAdmin))
    .send({
      type: 'openai',
      name: 'Fresh',
      slug: 'fresh',
      baseUrl: `${env.up.url}/v1`,
      apiKey: 'sk-fresh-key-0001',
    });
  expect(created.status, created.text).toBe(201);
  providerId = created.body.id;
});
afterAll(async () => {
  await env?.close();
});

const as = (token: string) => ({ authorization: `Bearer ${token}` });
const master = { authorization: `Bearer ${MASTER_KEY}` };
const tools = [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object' } } }];
const LISTING = {
  object: 'list',
  data: [
    { id: 'gpt-4o-mini', object: 'model' },
    { id: 'text-embedding-3-small', object: 'model' },
    { id: 'brand-new-x', object: 'model' },
  ],
};

describe('a model registered without capabilities', () => {
  it("gets its protocol's usual ones, so a streamed request with tools is served (it was capability_missing)", async () => {
    const made = await env.t.http.post('/api/v1/llm/models').set(as(admin)).send({
      providerId: env.ids.openai,
      modelId: 'gpt-plain',
      displayName: 'Plain',
      priceInputPer1M: 1,
      priceOutputPer1M: 2,
    });
    expect(made.status, made.text).toBe(201);
    expect(made.body.capabilities).toEqual(expect.arrayContaining(['chat', 'streaming', 'tools', 'json']));
    const res = await env.t.http
      .post('/v1/chat/completions')
      .set(master)
      .send({
        model: 'up-openai/gpt-plain',
        stream: true,
        tools,
        messages: [{ role: 'user', content: 'What is the weather?' }],
      });
    expect(res.status, res.text).toBe(200);
    expect(res.text).toContain('get_weather');
  });

  it('an embedding model id gets embeddings on a protocol that serves them', async () => {
    const made = await env.t.http
      .post('/api/v1/llm/models')
      .set(as(admin))
      .send({ providerId: env.ids.openai, modelId: 'text-embedding-new', displayName: 'Embed new' });
    expect(made.status, made.text).toBe(201);
    expect(made.body.capabilities).toEqual(['embeddings']);
    // No price given: unknown, so unpriced.
    expect(made.body).toMatchObject({ priced: false, priceInputPer1M: 0 });
  });
});

describe('discover and import the models a provider lists', () => {
  it('discover lists them with catalogue prices where known and whether each is registered', async () => {
    env.up.script([{ path: '/models', status: 200, body: LISTING }]);
    const res = await env.t.http.post(`/api/v1/llm/providers/${providerId}/models/discover`).set(as(admin));
    expect(res.status, res.text).toBe(200);
    expect(res.body.success).toBe(true);
    type Found = {
      modelId: string;
      priceInputPer1M: number | null;
      capabilities: string[];
      inRegistry: boolean;
    };
    const byId = Object.fromEntries((res.body.models as Found[]).map((m) => [m.modelId, m]));
    expect(Object.keys(byId)).toEqual(['gpt-4o-mini', 'text-embedding-3-small', 'brand-new-x']);
    expect(byId['gpt-4o-mini']!.priceInputPer1M).toBeGreaterThan(0);
    expect(byId['gpt-4o-mini']!.inRegistry).toBe(false);
    expect(byId['text-embedding-3-small']!.capabilities).toEqual(['embeddings']);
    expect(byId['brand-new-x']).toMatchObject({ priceInputPer1M: null, priceOutputPer1M: null });
    expect(byId['brand-new-x']!.capabilities).toEqual(['chat', 'streaming', 'tools', 'json']);
  });

  it('a key tested before saving comes back with the catalogue prices of what it lists (the dialog checklist)', async () => {
    const res = await env.t.http
      .post('/api/v1/llm/test')
      .set(as(superAdmin))
      .send({ type: 'openai', baseUrl: `${env.up.url}/v1`, apiKey: 'sk-fresh-key-0001' });
    expect(res.status, res.text).toBe(200);
    const prices = Object.fromEntries(
      (res.body.catalogue as { modelId: string; priceInputPer1M: number | null }[]).map((c) => [
        c.modelId,
        c.priceInputPer1M,
      ]),
    );
    expect(prices['gpt-4o-mini']).toBeGreaterThan(0);
    expect(res.body.modelsAvailable).toEqual(['gpt-4o-mini', 'text-embedding-3-small']);
  });

  it('a provider that refuses the key: discover says why, no 5xx', async () => {
    env.up.script([{ path: '/models', status: 401 }]);
    const res = await env.t.http.post(`/api/v1/llm/providers/${providerId}/models/discover`).set(as(admin));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ success: false, error: { code: 'invalid_key' } });
    expect((await env.t.http.post('/api/v1/llm/providers/nope/models/discover').set(as(admin))).status).toBe(
      404,
    );
  });

  it('one import adds them (catalogue prices, else unpriced; prices given win), audited once; a second adds nothing', async () => {
    const auditRows = () =>
      env.t.app.ctx.prisma.auditLog.count({
        where: { action: 'provider.models_import', entityId: providerId },
      });
    const body = {
      models: [
        { modelId: 'gpt-4o-mini' },
        { modelId: 'text-embedding-3-small' },
        { modelId: 'brand-new-x', displayName: 'Brand new X' },
        { modelId: 'admin-priced', priceInputPer1M: 0.2, priceOutputPer1M: 0.6 },
      ],
    };
    const res = await env.t.http
      .post(`/api/v1/llm/providers/${providerId}/models/import`)
      .set(as(admin))
      .send(body);
    expect(res.status, res.text).toBe(200);
    type Added = { modelId: string; priced: boolean; priceInputPer1M: number; capabilities: string[] };
    const added = Object.fromEntries((res.body.added as Added[]).map((m) => [m.modelId, m]));
    expect(Object.keys(added).sort()).toEqual([
      'admin-priced',
      'brand-new-x',
      'gpt-4o-mini',
      'text-embedding-3-small',
    ]);
    expect(added['gpt-4o-mini']).toMatchObject({ priced: true });
    expect(added['gpt-4o-mini']!.priceInputPer1M).toBeGreaterThan(0);
    expect(added['gpt-4o-mini']!.capabilities).toEqual(
      expect.arrayContaining(['chat', 'streaming', 'tools']),
    );
    expect(added['brand-new-x']).toMatchObject({ priced: false, priceInputPer1M: 0 });
    expect(added['admin-priced']).toMatchObject({ priced: true, priceInputPer1M: 0.2 });
    expect(res.body.alreadyPresent).toEqual([]);
    expect(await auditRows()).toBe(1);

    const again = await env.t.http
      .post(`/api/v1/llm/providers/${providerId}/models/import`)
      .set(as(admin))
      .send(body);
    expect(again.status).toBe(200);
    expect(again.body.added).toEqual([]);
    expect(again.body.alreadyPresent.sort()).toEqual([
      'admin-priced',
      'brand-new-x',
      'gpt-4o-mini',
      'text-embedding-3-small',
    ]);
    expect(await auditRows()).toBe(1);

    // The imported model is routable at once, streamed with tools.
    const chat = await env.t.http
      .post('/v1/chat/completions')
      .set(master)
      .send({
        model: 'fresh/gpt-4o-mini',
        stream: true,
        tools,
        messages: [{ role: 'user', content: 'weather?' }],
      });
    expect(chat.status, chat.text).toBe(200);

    env.up.script([{ path: '/models', status: 200, body: LISTING }]);
    const listed = await env.t.http
      .post(`/api/v1/llm/providers/${providerId}/models/discover`)
      .set(as(admin));
    expect((listed.body.models as { inRegistry: boolean }[]).every((m) => m.inRegistry)).toBe(true);
  });

  it('viewers cannot import; bad bodies are a 400 naming the field, never a 5xx', async () => {
    const viewer = await env.t.tokenFor('viewer');
    const denied = await env.t.http
      .post(`/api/v1/llm/providers/${providerId}/models/import`)
      .set(as(viewer))
      .send({ models: [{ modelId: 'x' }] });
    expect(denied.status).toBe(403);
    const bad = await env.t.http
      .post(`/api/v1/llm/providers/${providerId}/models/import`)
      .set(as(admin))
      .send({ models: [{ modelId: 'has space' }] });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain('models.0.modelId');
    await fc.assert(
      fc.asyncProperty(fc.anything(), async (body) => {
        const res = await env.t.http
          .post(`/api/v1/llm/providers/${providerId}/models/import`)
          .set(as(admin))
          .send(JSON.stringify({ models: body }))
          .set('content-type', 'application/json');
        expect(res.status).toBeLessThan(500);
      }),
      { numRuns: 40 },
    );
  });
});

describe('an unpriced model stays out of power-level routing until priced', () => {
  const balancedCandidates = async () => {
    const res = await env.t.http.post('/api/v1/llm/routing/trace').set(as(admin)).send({ model: 'balanced' });
    expect(res.status, res.text).toBe(200);
    return (res.body.trace.candidates as { ref: string }[]).map((c) => c.ref);
  };
  it('is not a candidate of its tier; its direct reference works; pricing it brings it in', async () => {
    expect(await balancedCandidates()).not.toContain('fresh/brand-new-x');
    const direct = await env.t.http
      .post('/v1/chat/completions')
      .set(master)
      .send({ model: 'fresh/brand-new-x', messages: [{ role: 'user', content: 'hi' }] });
    expect(direct.status, direct.text).toBe(200);

    const list = await env.t.http.get('/api/v1/llm/models?search=brand-new-x').set(as(admin));
    const m = list.body.data[0] as { id: string; priced: boolean; qualityTier: string };
    expect(m).toMatchObject({ priced: false, qualityTier: 'balanced' });
    const priced = await env.t.http
      .put(`/api/v1/llm/models/${m.id}`)
      .set(as(admin))
      .send({ priceInputPer1M: 1, priceOutputPer1M: 3 });
    expect(priced.status, priced.text).toBe(200);
    expect(priced.body.priced).toBe(true);
    expect(await balancedCandidates()).toContain('fresh/brand-new-x');
  });
});

describe('GET /v1/models lists bare ids too', () => {
  it('each routable bare id once, beside its provider/model references', async () => {
    const res = await env.t.http.get('/v1/models').set(master);
    expect(res.status).toBe(200);
    const ids = (res.body.data as { id: string; owned_by: string }[]).map((m) => m.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual(
      expect.arrayContaining(['up-openai/gpt-test', 'up-backup/gpt-test', 'gpt-test', 'gpt-4o-mini']),
    );
    // Served by two providers: owned by the gateway; by one: by that provider.
    const owner = (id: string) =>
      (res.body.data as { id: string; owned_by: string }[]).find((m) => m.id === id)?.owned_by;
    expect(owner('gpt-test')).toBe('switchyard');
    expect(owner('claude-test')).toBe('up-anthropic');
    // Every listed bare id routes.
    const sent = await env.t.http
      .post('/v1/chat/completions')
      .set(master)
      .send({ model: 'claude-test', messages: [{ role: 'user', content: 'hi' }] });
    expect(sent.status, sent.text).toBe(200);
  });

  it("respects a key's allowed models: a reference allows its bare id, a bare id allows its references", async () => {
    const { prisma } = env.t.app.ctx;
    const mk = async (allowedModels: string[]) => {
      const key = generateGatewayKey();
      await prisma.gatewayKey.create({
        data: {
          keyHash: key.hash,
          prefix: key.prefix,
          name: 'allowed',
          ownerType: 'user',
          userId: env.ids.user,
          allowedModels,
        },
      });
      return key.key;
    };
    const byRef = await mk(['up-openai/gpt-test']);
    const byBare = await mk(['claude-test']);
    await env.t.app.routing.reload();
    const list = async (k: string) =>
      (
        (await env.t.http.get('/v1/models').set({ authorization: `Bearer ${k}` })).body.data as {
          id: string;
        }[]
      )
        .map((m) => m.id)
        .filter((id) => !['auto', 'eco', 'balanced', 'precision'].includes(id));
    expect((await list(byRef)).sort()).toEqual(['gpt-test', 'up-openai/gpt-test']);
    expect((await list(byBare)).sort()).toEqual(['claude-test', 'up-anthropic/claude-test']);
    const viaBare = await env.t.http
      .post('/v1/chat/completions')
      .set({ authorization: `Bearer ${byRef}` })
      .send({ model: 'gpt-test', messages: [{ role: 'user', content: 'hi' }] });
    expect(viaBare.status, viaBare.text).toBe(200);
    expect(viaBare.headers['x-switchyard-provider']).toBe('up-openai');
  });
});
