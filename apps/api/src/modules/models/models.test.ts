import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/app.js';

let t: TestApp;
let admin: string;
let viewer: string;
let userToken: string;
let userId: string;
let providerId: string;
let otherProviderId: string;
const as = (token: string) => ({ authorization: `Bearer ${token}` });

beforeAll(async () => {
  t = await createTestApp();
  admin = await t.tokenFor('admin');
  viewer = await t.tokenFor('viewer');
  const u = await t.createUser('user');
  userId = u.id;
  userToken = (await t.http.post('/api/v1/auth/login').send({ email: u.email, password: u.password })).body
    .token;
  const { prisma } = t.app.ctx;
  providerId = (
    await prisma.provider.create({
      data: {
        slug: 'reg-a',
        name: 'Registry A',
        type: 'custom',
        baseUrl: 'http://127.0.0.1:9/v1',
        status: 'active',
      },
    })
  ).id;
  otherProviderId = (
    await prisma.provider.create({
      data: {
        slug: 'reg-b',
        name: 'Registry B',
        type: 'custom',
        baseUrl: 'http://127.0.0.1:9/v1',
        status: 'active',
      },
    })
  ).id;
});
afterAll(async () => {
  await t?.close();
});

const base = (patch: Record<string, unknown> = {}) => ({
  providerId,
  modelId: 'm-x',
  displayName: 'M X',
  ...patch,
});

describe('model registry API', () => {
  const ids: Record<string, string> = {};

  it('creates models with prices, tier and capabilities; a duplicate is a 409', async () => {
    const specs = [
      {
        modelId: 'alpha-mini',
        displayName: 'Alpha Mini',
        description: 'small and fast',
        priceInputPer1M: 0.1,
        priceOutputPer1M: 0.4,
        qualityTier: 'eco',
        capabilities: ['chat', 'streaming'],
        priority: 10,
      },
      {
        modelId: 'alpha-pro',
        displayName: 'Alpha Pro',
        description: 'reasoning model',
        priceInputPer1M: 3,
        priceOutputPer1M: 15,
        qualityTier: 'precision',
        capabilities: ['chat', 'tools', 'vision'],
        priority: 5,
        contextWindow: 200_000,
      },
      {
        modelId: 'beta-embed',
        displayName: 'Beta Embed',
        priceInputPer1M: 0.02,
        priceOutputPer1M: 0,
        capabilities: ['embeddings'],
        priority: 50,
        providerId: otherProviderId,
      },
    ];
    for (const s of specs) {
      const res = await t.http.post('/api/v1/llm/models').set(as(admin)).send(base(s));
      expect(res.status).toBe(201);
      ids[s.modelId] = res.body.id;
    }
    const pro = await t.http.get(`/api/v1/llm/models/${ids['alpha-pro']}`).set(as(viewer));
    expect(pro.body).toMatchObject({
      ref: 'reg-a/alpha-pro',
      priceInputPer1M: 3,
      priceOutputPer1M: 15,
      contextWindow: 200_000,
      qualityTier: 'precision',
      capabilities: ['chat', 'tools', 'vision'],
      provider: { slug: 'reg-a' },
    });
    const dup = await t.http
      .post('/api/v1/llm/models')
      .set(as(admin))
      .send(base({ modelId: 'alpha-mini', displayName: 'again' }));
    expect(dup.status).toBe(409);
    expect(dup.body.error.code).toBe('conflict');
  });

  it('bad input is a 400 naming the field; unknown ids are 404s; nothing is written', async () => {
    const before = await t.app.ctx.prisma.model.count();
    const neg = await t.http
      .post('/api/v1/llm/models')
      .set(as(admin))
      .send(base({ priceOutputPer1M: -2 }));
    expect(neg.status).toBe(400);
    expect(neg.body.error.message).toMatch(/^priceOutputPer1M:/);
    const cfg = await t.http
      .post('/api/v1/llm/models')
      .set(as(admin))
      .send(base({ config: 'not json object' }));
    expect(cfg.body.error.message).toMatch(/^config:/);
    const noProvider = await t.http
      .post('/api/v1/llm/models')
      .set(as(admin))
      .send(base({ providerId: 'nope' }));
    expect([noProvider.status, noProvider.body.error.message]).toEqual([
      400,
      'providerId: no provider with that id',
    ]);
    expect((await t.http.put('/api/v1/llm/models/nope').set(as(admin)).send({ enabled: false })).status).toBe(
      404,
    );
    expect((await t.http.delete('/api/v1/llm/models/nope').set(as(admin))).status).toBe(404);
    expect((await t.http.get('/api/v1/llm/models?sort=random').set(as(admin))).status).toBe(400);
    expect(await t.app.ctx.prisma.model.count()).toBe(before);
  });

  it('searches name, model id and description; filters by provider, enabled, capability; sorts by priority, name, price', async () => {
    const q = async (query: Record<string, string>) =>
      (
        await t.http
          .get('/api/v1/llm/models')
          .query({ provider: 'reg-a', ...query })
          .set(as(viewer))
      ).body;
    expect((await q({ search: 'REASONING' })).data.map((m: { modelId: string }) => m.modelId)).toEqual([
      'alpha-pro',
    ]);
    expect((await q({ search: 'mini' })).data.map((m: { modelId: string }) => m.modelId)).toEqual([
      'alpha-mini',
    ]);
    expect((await q({ capability: 'vision' })).data.map((m: { modelId: string }) => m.modelId)).toEqual([
      'alpha-pro',
    ]);
    expect((await q({})).data.map((m: { modelId: string }) => m.modelId)).toEqual([
      'alpha-pro',
      'alpha-mini',
    ]);
    expect((await q({ sort: 'name' })).data.map((m: { modelId: string }) => m.modelId)).toEqual([
      'alpha-mini',
      'alpha-pro',
    ]);
    expect(
      (await q({ sort: 'price', order: 'desc' })).data.map((m: { modelId: string }) => m.modelId),
    ).toEqual(['alpha-pro', 'alpha-mini']);
    const byId = (await t.http.get('/api/v1/llm/models').query({ provider: otherProviderId }).set(as(viewer)))
      .body;
    expect(byId).toMatchObject({ total: 1, data: [{ modelId: 'beta-embed' }] });
    const paged = (
      await t.http
        .get('/api/v1/llm/models')
        .query({ limit: '1', offset: '1', provider: 'reg-a' })
        .set(as(viewer))
    ).body;
    expect(paged).toMatchObject({ total: 2, limit: 1, offset: 1, data: [{ modelId: 'alpha-mini' }] });
  });

  it('toggles enabled, and routing sees it at once', async () => {
    const off = await t.http
      .put(`/api/v1/llm/models/${ids['alpha-mini']}`)
      .set(as(admin))
      .send({ enabled: false });
    expect(off.body.enabled).toBe(false);
    expect(t.app.routing.config.models.find((m) => m.id === ids['alpha-mini'])?.enabled).toBe(false);
    expect(
      (
        await t.http.get('/api/v1/llm/models').query({ provider: 'reg-a', enabled: 'false' }).set(as(viewer))
      ).body.data.map((m: { modelId: string }) => m.modelId),
    ).toEqual(['alpha-mini']);
    await t.http.put(`/api/v1/llm/models/${ids['alpha-mini']}`).set(as(admin)).send({ enabled: true });
  });

  it('a config stored before configs were checked is named as not applied, and routing applies none of it', async () => {
    const { prisma } = t.app.ctx;
    await prisma.model.update({
      where: { id: ids['alpha-pro']! },
      data: { config: { temperature: 0.3, routing: { fallback: true } } },
    });
    await t.app.routing.reload();
    const got = await t.http.get(`/api/v1/llm/models/${ids['alpha-pro']}`).set(as(viewer));
    expect(got.body.configProblem).toBe('Unrecognized key: "routing"');
    expect(t.app.routing.config.models.find((m) => m.id === ids['alpha-pro'])?.params).toBeNull();
    // Fixed from the dialog: the problem is gone and the parameters apply.
    const fixed = await t.http
      .put(`/api/v1/llm/models/${ids['alpha-pro']}`)
      .set(as(admin))
      .send({ config: { temperature: 0.3 } });
    expect(fixed.body.configProblem).toBeNull();
    expect(t.app.routing.config.models.find((m) => m.id === ids['alpha-pro'])?.params).toEqual({
      temperature: 0.3,
    });
    await t.http.put(`/api/v1/llm/models/${ids['alpha-pro']}`).set(as(admin)).send({ config: {} });
  });

  it('keeps exactly one default per scope: setting one moves the marker, and the database refuses a second', async () => {
    const { prisma } = t.app.ctx;
    const set1 = await t.http.post(`/api/v1/llm/models/${ids['alpha-mini']}/default`).set(as(admin));
    expect(set1.body.isDefault).toBe(true);
    await t.http.put(`/api/v1/llm/models/${ids['alpha-pro']}`).set(as(admin)).send({ isDefault: true });
    const defaults = await prisma.model.findMany({
      where: { scope: 'global', isDefault: true },
      select: { id: true },
    });
    expect(defaults.map((d) => d.id)).toEqual([ids['alpha-pro']]);
    await expect(
      prisma.model.update({ where: { id: ids['alpha-mini'] }, data: { isDefault: true } }),
    ).rejects.toThrow();
    const list = (await t.http.get('/api/v1/llm/models').set(as(viewer))).body.data;
    expect(list[0].id).toBe(ids['alpha-pro']);
  });

  it('bulk-disables two models and reports ids it did not find; bulk delete removes them', async () => {
    const res = await t.http
      .post('/api/v1/llm/models/bulk')
      .set(as(admin))
      .send({ action: 'disable', ids: [ids['alpha-mini'], ids['beta-embed'], 'missing-id'] });
    expect(res.body).toEqual({ action: 'disable', affected: 2, missing: ['missing-id'] });
    const states = await t.app.ctx.prisma.model.findMany({
      where: { id: { in: [ids['alpha-mini']!, ids['beta-embed']!, ids['alpha-pro']!] } },
      select: { id: true, enabled: true },
    });
    expect(Object.fromEntries(states.map((s) => [s.id, s.enabled]))).toEqual({
      [ids['alpha-mini']!]: false,
      [ids['beta-embed']!]: false,
      [ids['alpha-pro']!]: true,
    });
    const audit = await t.app.ctx.prisma.auditLog.findFirst({ where: { action: 'model.bulk_disable' } });
    expect(audit?.after).toMatchObject({ ids: [ids['alpha-mini'], ids['beta-embed']] });
    const del = await t.http
      .post('/api/v1/llm/models/bulk')
      .set(as(admin))
      .send({ action: 'delete', ids: [ids['beta-embed']] });
    expect(del.body.affected).toBe(1);
    expect((await t.http.get(`/api/v1/llm/models/${ids['beta-embed']}`).set(as(admin))).status).toBe(404);
    expect(
      (await t.http.post('/api/v1/llm/models/bulk').set(as(admin)).send({ action: 'disable', ids: [] }))
        .status,
    ).toBe(400);
  });

  it("users read the global registry and their own models, never another user's; viewers and users cannot write", async () => {
    const other = await t.createUser('user');
    const mine = await t.http
      .post('/api/v1/llm/models')
      .set(as(admin))
      .send(base({ modelId: 'private-a', displayName: 'Mine', scope: `user:${userId}` }));
    const theirs = await t.http
      .post('/api/v1/llm/models')
      .set(as(admin))
      .send(base({ modelId: 'private-b', displayName: 'Theirs', scope: `user:${other.id}` }));
    expect([mine.status, theirs.status]).toEqual([201, 201]);
    const seen = (
      await t.http.get('/api/v1/llm/models').query({ provider: 'reg-a', limit: '500' }).set(as(userToken))
    ).body.data.map((m: { modelId: string }) => m.modelId);
    expect(seen).toContain('private-a');
    expect(seen).not.toContain('private-b');
    expect((await t.http.get(`/api/v1/llm/models/${theirs.body.id}`).set(as(userToken))).status).toBe(404);
    expect(
      (
        await t.http
          .post('/api/v1/llm/models')
          .set(as(viewer))
          .send(base({ modelId: 'v' }))
      ).status,
    ).toBe(403);
    expect(
      (
        await t.http
          .post('/api/v1/llm/models/bulk')
          .set(as(userToken))
          .send({ action: 'delete', ids: [mine.body.id] })
      ).status,
    ).toBe(403);
    expect(
      (
        await t.http
          .post('/api/v1/llm/models')
          .set(as(admin))
          .send(base({ modelId: 'p', scope: 'user:ghost' }))
      ).body.error.message,
    ).toBe('scope: no user with that id');
  });
});
