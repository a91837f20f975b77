import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/app.js';
import { startMockUpstream, type MockUpstream } from '../../test/mock-upstream.js';

let t: TestApp;
let up: MockUpstream;
let superAdmin: string;
let admin: string;
const KEY = 'sk-provider-clear-secret-z8x1';
const logs: string[] = [];
const bodies: string[] = [];

beforeAll(async () => {
  up = await startMockUpstream();
  const stream = new PassThrough();
  stream.on('data', (c: Buffer) => logs.push(c.toString()));
  t = await createTestApp({ logDestination: stream, processEnv: { TEAM_KEY: 'from-env-1234' } });
  superAdmin = await t.tokenFor('seed_admin');
  admin = await t.tokenFor('admin');
});
afterAll(async () => {
  await t?.close();
  await up?.close();
});

const as = (token: string) => ({ authorization: `Bearer ${token}` });

describe('providers API', () => {
  let id: string;

  it('a super admin adds a Custom provider with a key; the key never comes back', async () => {
    const res = await t.http
      .post('/api/v1/llm/providers')
      .set(as(superAdmin))
      .send({ type: 'custom', name: 'Lab', slug: 'lab', baseUrl: `${up.url}/v1`, apiKey: KEY, priority: 5 });
    bodies.push(res.text);
    expect(res.status).toBe(201);
    id = res.body.id;
    expect(res.body).toMatchObject({
      slug: 'lab',
      hasApiKey: true,
      apiKeyLast4: 'z8x1',
      priority: 5,
      modelCount: 0,
      avgCostPer1M: null,
    });
    const list = await t.http.get('/api/v1/llm/providers').set(as(admin));
    bodies.push(list.text);
    expect(list.body.data.find((p: { id: string }) => p.id === id)).toMatchObject({ hasApiKey: true });
  });

  it('secrets in a provider config (AWS secret keys, credential headers) never come back; saving the shown config keeps them', async () => {
    const AWS_SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYSECRETKEY';
    const HEADER_KEY = 'hdr-secret-value-7788';
    const created = await t.http
      .post('/api/v1/llm/providers')
      .set(as(superAdmin))
      .send({
        type: 'bedrock',
        name: 'AWS',
        slug: 'aws-secrets',
        config: {
          region: 'us-east-1',
          accessKeyId: 'AKIAEXAMPLE',
          secretAccessKey: AWS_SECRET,
          headers: { 'x-api-key': HEADER_KEY, 'x-team': 'blue' },
        },
      });
    expect(created.status).toBe(201);
    const list = await t.http.get('/api/v1/llm/providers').set(as(admin));
    const shown = list.body.data.find((p: { id: string }) => p.id === created.body.id) as {
      config: Record<string, unknown>;
    };
    for (const text of [created.text, list.text]) {
      expect(text).not.toContain(AWS_SECRET);
      expect(text).not.toContain(HEADER_KEY);
    }
    expect(shown.config).toMatchObject({
      region: 'us-east-1',
      secretAccessKey: '••••TKEY',
      headers: { 'x-api-key': '••••7788', 'x-team': 'blue' },
    });
    // The dashboard sends back what it was shown, plus a change (time limits are not a connection change).
    const saved = await t.http
      .put(`/api/v1/llm/providers/${created.body.id}`)
      .set(as(admin))
      .send({ config: { ...shown.config, timeouts: { firstByteMs: 20_000 } } });
    expect(saved.status).toBe(200);
    const row = await t.app.ctx.prisma.provider.findUniqueOrThrow({ where: { id: created.body.id } });
    expect(row.config).toMatchObject({
      secretAccessKey: AWS_SECRET,
      headers: { 'x-api-key': HEADER_KEY },
      timeouts: { firstByteMs: 20_000 },
    });
    const audit = await t.app.ctx.prisma.auditLog.findMany({ where: { entityId: created.body.id } });
    expect(JSON.stringify(audit)).not.toContain(AWS_SECRET);
    await t.http.delete(`/api/v1/llm/providers/${created.body.id}`).set(as(superAdmin));
  });

  it('lists model count and the average cost per 1M tokens computed from the models', async () => {
    const { prisma } = t.app.ctx;
    await prisma.model.create({
      data: { providerId: id, modelId: 'a', displayName: 'A', priceInputPer1M: 1, priceOutputPer1M: 3 },
    });
    await prisma.model.create({
      data: { providerId: id, modelId: 'b', displayName: 'B', priceInputPer1M: 2, priceOutputPer1M: 6 },
    });
    // A model whose price is unknown (stored as 0) is no free model: it stays out of the average.
    await prisma.model.create({
      data: {
        provider: { connect: { id } },
        modelId: 'c',
        displayName: 'C',
        priceInputPer1M: 0,
        priceOutputPer1M: 0,
        priced: false,
      },
    });
    const list = await t.http.get('/api/v1/llm/providers').set(as(admin));
    // ((1+3)/2 + (2+6)/2) / 2 = 3
    expect(list.body.data.find((p: { id: string }) => p.id === id)).toMatchObject({
      modelCount: 3,
      avgCostPer1M: 3,
    });
  });

  it("the card's model figure counts what routing offers everyone: enabled global models of its global ones, scoped ones apart", async () => {
    const { prisma } = t.app.ctx;
    // Beside a, b and c (global, enabled): one disabled, one for one user only.
    await prisma.model.create({
      data: {
        providerId: id,
        modelId: 'off',
        displayName: 'Off',
        enabled: false,
        priceInputPer1M: 1,
        priceOutputPer1M: 1,
      },
    });
    const owner = await t.createUser('user');
    await prisma.model.create({
      data: {
        providerId: id,
        modelId: 'mine',
        displayName: 'Mine',
        scope: `user:${owner.id}`,
        ownerUserId: owner.id,
        priceInputPer1M: 1,
        priceOutputPer1M: 1,
      },
    });
    const list = await t.http.get('/api/v1/llm/providers').set(as(admin));
    const p = list.body.data.find((x: { id: string }) => x.id === id);
    expect(p).toMatchObject({ modelCount: 5, modelCounts: { global: 4, enabled: 3, scoped: 1 } });
    await prisma.model.deleteMany({ where: { providerId: id, modelId: { in: ['off', 'mine'] } } });
  });

  it('tests the stored key with a real call, and a key before saving it', async () => {
    const test = await t.http.post(`/api/v1/llm/providers/${id}/test`).set(as(admin));
    bodies.push(test.text);
    expect(test.body).toMatchObject({
      success: true,
      modelsAvailable: ['gpt-4o-mini', 'text-embedding-3-small'],
    });
    expect(up.requests.at(-1)!.headers.authorization).toBe(`Bearer ${KEY}`);
    up.script({
      path: '/models',
      status: 401,
      body: { error: { message: 'Incorrect API key provided', code: 'invalid_api_key' } },
    });
    const bad = await t.http
      .post('/api/v1/llm/test')
      .set(as(admin))
      .send({ type: 'openai', baseUrl: `${up.url}/v1`, apiKey: 'sk-wrong-key-0000' });
    expect(bad.body).toMatchObject({ success: false, error: { code: 'invalid_key' } });
    const unreachable = await t.http
      .post('/api/v1/llm/test')
      .set(as(admin))
      .send({ type: 'openai', baseUrl: 'http://127.0.0.1:1/v1', apiKey: 'sk-x' });
    expect(unreachable.body).toMatchObject({ success: false, error: { code: 'unreachable' } });
  });

  it('an admin changes everything but credentials; `_env` references show whether they resolve, never the value', async () => {
    expect(
      (await t.http.put(`/api/v1/llm/providers/${id}`).set(as(admin)).send({ apiKey: 'sk-new' })).status,
    ).toBe(403);
    expect(
      (await t.http.put(`/api/v1/llm/providers/${id}`).set(as(admin)).send({ priority: 9 })).body.priority,
    ).toBe(9);
    const env = await t.http
      .put(`/api/v1/llm/providers/${id}`)
      .set(as(superAdmin))
      .send({ apiKey: null, apiKeyEnv: 'TEAM_KEY' });
    bodies.push(env.text);
    expect(env.body).toMatchObject({ hasApiKey: false, apiKeyEnv: 'TEAM_KEY', envResolved: true });
    expect(env.text).not.toContain('from-env-1234');
  });

  it('bad input names the field; viewers cannot write; delete removes it', async () => {
    const bad = await t.http
      .post('/api/v1/llm/providers')
      .set(as(superAdmin))
      .send({ type: 'nope', name: 'x', slug: 'x' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/^type:/);
    const prio = await t.http
      .post('/api/v1/llm/providers')
      .set(as(superAdmin))
      .send({ type: 'custom', name: 'x', slug: 'x2', baseUrl: 'http://x', priority: 500 });
    expect(prio.body.error.message).toMatch(/^priority:/);
    expect(
      (
        await t.http
          .post('/api/v1/llm/providers')
          .set(as(superAdmin))
          .send({ type: 'custom', name: 'x', slug: 'lab', baseUrl: 'http://x' })
      ).status,
    ).toBe(409);
    const viewer = await t.tokenFor('viewer');
    expect((await t.http.get('/api/v1/llm/providers').set(as(viewer))).status).toBe(200);
    expect((await t.http.delete(`/api/v1/llm/providers/${id}`).set(as(viewer))).status).toBe(403);
    expect((await t.http.delete(`/api/v1/llm/providers/${id}`).set(as(admin))).status).toBe(204);
    expect(
      (await t.http.get('/api/v1/llm/providers').set(as(admin))).body.data.find(
        (p: { id: string }) => p.id === id,
      ),
    ).toBeUndefined();
    const types = (await t.http.get('/api/v1/llm/provider-types').set(as(viewer))).body.data as {
      type: string;
      catalogueModels: { modelId: string; priceInputPer1M: number | null }[];
      nativeResponses: boolean | null;
    }[];
    expect(types.length).toBe(16);
    // Which types have a Responses API of their own (the dialog's switch) and its default.
    const native = (type: string) => types.find((x) => x.type === type)!.nativeResponses;
    expect([native('openai'), native('azure-openai'), native('custom'), native('anthropic')]).toEqual([
      true,
      false,
      false,
      null,
    ]);
    // The catalogue's models of each type, for the checklist when the provider's listing is unavailable.
    const anthropic = types.find((x) => x.type === 'anthropic')!.catalogueModels;
    expect(anthropic.length).toBeGreaterThan(0);
    expect(anthropic.every((m) => m.modelId.startsWith('claude'))).toBe(true);
    expect(anthropic.some((m) => (m.priceInputPer1M ?? 0) > 0)).toBe(true);
    expect(types.find((x) => x.type === 'custom')!.catalogueModels).toEqual([]);
  });

  it('a failed test puts the provider in "error" (routing skips it) until a test passes again; disabled providers say why', async () => {
    const p = await t.http
      .post('/api/v1/llm/providers')
      .set(as(superAdmin))
      .send({
        type: 'openai',
        name: 'Flaky',
        slug: 'flaky',
        baseUrl: `${up.url}/v1`,
        apiKey: 'sk-flaky-0001',
      });
    up.script({
      path: '/models',
      status: 401,
      body: { error: { message: 'Incorrect API key provided', code: 'invalid_api_key' } },
    });
    expect((await t.http.post(`/api/v1/llm/providers/${p.body.id}/test`).set(as(admin))).body.success).toBe(
      false,
    );
    const listed = (await t.http.get('/api/v1/llm/providers').set(as(admin))).body.data.find(
      (x: { id: string }) => x.id === p.body.id,
    );
    expect(listed).toMatchObject({ status: 'error', lastError: expect.stringContaining('') });
    // The provider-keys list shows the last test and its result.
    expect(p.body.lastTest).toBeNull();
    expect(listed.lastTest).toMatchObject({ ok: false, error: expect.stringMatching(/.+/) });
    expect(Date.parse(listed.lastTest.at)).toBeGreaterThan(Date.now() - 60_000);
    expect(t.app.routing.config.providers.find((x) => x.id === p.body.id)?.status).toBe('error');
    expect((await t.http.post(`/api/v1/llm/providers/${p.body.id}/test`).set(as(admin))).body.success).toBe(
      true,
    );
    const passed = (await t.http.get('/api/v1/llm/providers').set(as(admin))).body.data.find(
      (x: { id: string }) => x.id === p.body.id,
    );
    expect(passed.lastTest).toMatchObject({ ok: true, error: null });
    expect(t.app.routing.config.providers.find((x) => x.id === p.body.id)?.status).toBe('active');
    // Seeded catalogue providers whose env var is missing are disabled with the reason shown.
    const seeded = (await t.http.get('/api/v1/llm/providers').set(as(admin))).body.data.find(
      (x: { slug: string }) => x.slug === 'openai',
    );
    expect(seeded).toMatchObject({
      status: 'disabled',
      disabledReason: expect.stringMatching(/OPENAI_API_KEY|environment/i),
    });
  });

  it('a custom endpoint without a key is called without one, not skipped for a missing key', async () => {
    const p = await t.http
      .post('/api/v1/llm/providers')
      .set(as(superAdmin))
      .send({ type: 'custom', name: 'Open lab', slug: 'open-lab', baseUrl: `${up.url}/v1` });
    await t.app.ctx.prisma.model.create({
      data: { providerId: p.body.id, modelId: 'lab-model', displayName: 'Lab' },
    });
    await t.app.routing.reload();
    expect(t.app.routing.config.providers.find((x) => x.id === p.body.id)?.key.secret).toEqual({
      ok: true,
      value: '',
    });
    const trace = await t.http
      .post('/api/v1/llm/routing/trace')
      .set(as(admin))
      .send({ model: 'open-lab/lab-model' });
    expect(trace.body).toMatchObject({ ok: true, chosen: { ref: 'open-lab/lab-model' } });
    // Without a key no Authorization header goes out; a user's own (BYOK) key for it is still used first.
    const user = await t.createUser('user');
    const token = (
      await t.http.post('/api/v1/auth/login').send({ email: user.email, password: user.password })
    ).body.token as string;
    const key = (await t.http.post('/api/v1/me/keys').set(as(token)).send({ name: 'lab' })).body
      .key as string;
    const call = () =>
      t.http
        .post('/v1/chat/completions')
        .set('authorization', `Bearer ${key}`)
        .send({ model: 'open-lab/lab-model', messages: [{ role: 'user', content: 'hi' }] });
    expect((await call()).status).toBe(200);
    expect(up.requests.at(-1)!.headers.authorization).toBeUndefined();
    expect(
      (await t.http.put(`/api/v1/me/byok/${p.body.id}`).set(as(token)).send({ apiKey: 'sk-lab-byok-9876' }))
        .status,
    ).toBe(200);
    expect((await call()).status).toBe(200);
    expect(up.requests.at(-1)!.headers.authorization).toBe('Bearer sk-lab-byok-9876');
  });

  describe('credentials follow their URL', () => {
    let listener: MockUpstream;
    beforeAll(async () => {
      listener = await startMockUpstream();
    });
    afterAll(async () => {
      await listener?.close();
    });
    const STORED = 'sk-stored-follow-url-7q2w';
    const create = async (slug: string, extra: object = {}) =>
      (
        await t.http
          .post('/api/v1/llm/providers')
          .set(as(superAdmin))
          .send({ type: 'openai', name: slug, slug, baseUrl: `${up.url}/v1`, ...extra })
      ).body.id as string;

    it('an admin cannot point a provider with a stored key at another URL (403), so the provider test never sends it there', async () => {
      const pid = await create('follow-own-key', { apiKey: STORED });
      const moved = await t.http
        .put(`/api/v1/llm/providers/${pid}`)
        .set(as(admin))
        .send({ baseUrl: `${listener.url}/v1` });
      expect(moved.status).toBe(403);
      expect(moved.body.error).toMatchObject({
        code: 'forbidden',
        message: expect.stringMatching(/super admin/i),
        details: expect.anything(),
      });
      expect((await t.app.ctx.prisma.provider.findUniqueOrThrow({ where: { id: pid } })).baseUrl).toBe(
        `${up.url}/v1`,
      );
      // The admin runs the provider test: it goes to the saved URL, never to the admin's listener.
      expect((await t.http.post(`/api/v1/llm/providers/${pid}/test`).set(as(admin))).body.success).toBe(true);
      // Testing an unsaved URL never borrows a stored key: only a key given in the same call goes out.
      const unsaved = await t.http
        .post('/api/v1/llm/test')
        .set(as(admin))
        .send({ type: 'openai', baseUrl: `${listener.url}/v1` });
      expect(unsaved.status).toBe(200);
      expect(listener.requests.every((r) => !JSON.stringify(r.headers).includes(STORED))).toBe(true);
      expect(listener.requests.at(-1)?.headers.authorization).toBeUndefined();
      // Extra headers and AWS settings are auth settings too; harmless settings stay an admin's.
      expect(
        (
          await t.http
            .put(`/api/v1/llm/providers/${pid}`)
            .set(as(admin))
            .send({ config: { headers: { 'x-forward-to': listener.url } } })
        ).status,
      ).toBe(403);
      expect(
        (
          await t.http
            .put(`/api/v1/llm/providers/${pid}`)
            .set(as(admin))
            .send({ config: { streamUsage: false } })
        ).status,
      ).toBe(200);
      expect(
        (
          await t.http
            .put(`/api/v1/llm/providers/${pid}`)
            .set(as(admin))
            .send({ baseUrl: `${up.url}/v1`, priority: 7 })
        ).status,
      ).toBe(200);
    });

    it("users' BYOK keys and org keys count as stored credentials", async () => {
      const byokOnly = await create('follow-byok');
      const user = await t.createUser('user');
      const token = (
        await t.http.post('/api/v1/auth/login').send({ email: user.email, password: user.password })
      ).body.token as string;
      expect(
        (await t.http.put(`/api/v1/me/byok/${byokOnly}`).set(as(token)).send({ apiKey: 'sk-user-byok-5555' }))
          .status,
      ).toBe(200);
      expect(
        (
          await t.http
            .put(`/api/v1/llm/providers/${byokOnly}`)
            .set(as(admin))
            .send({ baseUrl: `${listener.url}/v1` })
        ).status,
      ).toBe(403);

      const orgOnly = await create('follow-org');
      const org = (
        await t.http.post('/api/v1/orgs').set(as(superAdmin)).send({ name: 'Follow', slug: 'follow-org' })
      ).body.id as string;
      expect(
        (
          await t.http
            .put(`/api/v1/orgs/${org}/provider-keys/${orgOnly}`)
            .set(as(superAdmin))
            .send({ apiKey: 'sk-org-key-6666' })
        ).status,
      ).toBe(200);
      expect(
        (
          await t.http
            .put(`/api/v1/llm/providers/${orgOnly}`)
            .set(as(admin))
            .send({ baseUrl: `${listener.url}/v1` })
        ).status,
      ).toBe(403);
      expect(listener.requests.some((r) => JSON.stringify(r.headers).match(/sk-(user-byok|org-key)/))).toBe(
        false,
      );

      // A provider with no credential anywhere is an admin's to move; a super admin may move any.
      const bare = await create('follow-bare');
      expect(
        (
          await t.http
            .put(`/api/v1/llm/providers/${bare}`)
            .set(as(admin))
            .send({ baseUrl: `${listener.url}/v1` })
        ).status,
      ).toBe(200);
      expect(
        (
          await t.http
            .put(`/api/v1/llm/providers/${orgOnly}`)
            .set(as(superAdmin))
            .send({ baseUrl: `${listener.url}/v1` })
        ).status,
      ).toBe(200);
    });

    it("the Ollama URL in settings moves the Ollama provider: with a stored key there, that is a super admin's too", async () => {
      expect(
        (await t.http.put('/api/v1/llm/settings').set(as(admin)).send({ ollamaBaseUrl: up.url })).status,
      ).toBe(200);
      const ollama = (await t.http.get('/api/v1/llm/providers').set(as(admin))).body.data.find(
        (p: { type: string }) => p.type === 'ollama',
      ) as { id: string };
      expect(
        (
          await t.http
            .put(`/api/v1/llm/providers/${ollama.id}`)
            .set(as(superAdmin))
            .send({ apiKey: 'sk-ollama-proxy-4321' })
        ).status,
      ).toBe(200);
      const moved = await t.http
        .put('/api/v1/llm/settings')
        .set(as(admin))
        .send({ ollamaBaseUrl: listener.url });
      expect(moved.status).toBe(403);
      expect(moved.body.error).toMatchObject({
        code: 'forbidden',
        message: expect.stringMatching(/^ollamaBaseUrl: /),
      });
      expect(
        (await t.app.ctx.prisma.provider.findUniqueOrThrow({ where: { id: ollama.id } })).baseUrl,
      ).toContain(up.url);
      expect(
        (await t.http.put('/api/v1/llm/settings').set(as(superAdmin)).send({ ollamaBaseUrl: listener.url }))
          .status,
      ).toBe(200);
    });

    it('a super admin may move a provider with its key, and the test then uses the new URL', async () => {
      const pid = await create('follow-super', { apiKey: STORED });
      expect(
        (
          await t.http
            .put(`/api/v1/llm/providers/${pid}`)
            .set(as(superAdmin))
            .send({ baseUrl: `${listener.url}/v1` })
        ).status,
      ).toBe(200);
      expect((await t.http.post(`/api/v1/llm/providers/${pid}/test`).set(as(superAdmin))).body.success).toBe(
        true,
      );
      expect(listener.requests.at(-1)!.headers.authorization).toBe(`Bearer ${STORED}`);
    });
  });

  it('the clear key is in no response, log line, audit row or database column', async () => {
    for (const b of bodies) expect(b).not.toContain(KEY);
    expect(logs.join('')).not.toContain(KEY);
    const audit = await t.app.ctx.prisma.$queryRawUnsafe<unknown[]>('SELECT * FROM "AuditLog"');
    expect(JSON.stringify(audit)).not.toContain(KEY);
    expect(JSON.stringify(audit)).toContain('provider.create');
    const rows = await t.app.ctx.prisma.$queryRawUnsafe<unknown[]>('SELECT * FROM "Provider"');
    expect(JSON.stringify(rows)).not.toContain(KEY);
  });
});
