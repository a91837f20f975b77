import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UPSTREAM_KEY, createProxyEnv, type ProxyEnv } from '../../test/proxy-env.js';

let env: ProxyEnv;
let userToken: string;
const logs: string[] = [];
const logStream = new PassThrough();
logStream.on('data', (c: Buffer) => logs.push(c.toString()));
const BYOK = 'sk-byok-users-own-secret-7q9z';

beforeAll(async () => {
  env = await createProxyEnv({ logDestination: logStream });
  const email = (await env.t.app.ctx.prisma.user.findUniqueOrThrow({ where: { id: env.ids.user } })).email;
  userToken = (await env.t.http.post('/api/v1/auth/login').send({ email, password: env.userPassword })).body
    .token;
});
afterAll(async () => {
  await env?.close();
});

const chat = () =>
  fetch(`${env.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${env.userKey}` },
    body: JSON.stringify({ model: 'up-openai/gpt-test', messages: [{ role: 'user', content: 'hi' }] }),
  });

describe('BYOK', () => {
  const bodies: string[] = [];
  const auth = () => ({ authorization: `Bearer ${userToken}` });

  it('lists the providers a user may bring a key for: active, paid ones, and whether they have one', async () => {
    const res = await env.t.http.get('/api/v1/me/byok/providers').set(auth());
    expect(res.status).toBe(200);
    const slugs = res.body.data.map((p: { slug: string }) => p.slug);
    expect(slugs).toEqual(expect.arrayContaining(['up-openai', 'up-backup', 'up-anthropic']));
    expect(slugs).not.toContain('mock');
    expect(res.body.data.find((p: { slug: string }) => p.slug === 'up-openai')).toMatchObject({
      hasKey: false,
      type: 'openai',
    });
    expect(JSON.stringify(res.body)).not.toMatch(/encrypted|apiKey/i);
  });

  it('a user adds a key (masked in every answer) and their next request is paid by it', async () => {
    const put = await env.t.http
      .put(`/api/v1/me/byok/${env.ids.openai}`)
      .set(auth())
      .send({ apiKey: BYOK, label: 'mine' });
    bodies.push(put.text);
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({
      providerId: env.ids.openai,
      last4: '7q9z',
      label: 'mine',
      status: 'active',
    });
    const list = await env.t.http.get('/api/v1/me/byok').set(auth());
    bodies.push(list.text);
    expect(list.body.data).toHaveLength(1);

    env.up.reset();
    expect((await chat()).status).toBe(200);
    expect(env.up.requests[0]!.headers.authorization).toBe(`Bearer ${BYOK}`);
    await env.flushUsage();
    const rec = await env.t.app.ctx.prisma.usageRecord.findFirst({ orderBy: { id: 'desc' } });
    expect(rec).toMatchObject({ isByok: true });
    expect(Number(rec!.costUsd)).toBe(0);
    expect(Number(rec!.savedUsd)).toBeCloseTo((12 * 2 + 5 * 8) / 1e6, 10);
  });

  it('tests the key with a real call, and the admin sees the users with BYOK and what they saved', async () => {
    const test = await env.t.http.post(`/api/v1/me/byok/${env.ids.openai}/test`).set(auth());
    bodies.push(test.text);
    expect(test.body).toMatchObject({
      success: true,
      modelsAvailable: expect.arrayContaining(['gpt-4o-mini']),
    });
    expect(env.up.requests.at(-1)!.headers.authorization).toBe(`Bearer ${BYOK}`);
    const admin = await env.t.tokenFor('seed_admin');
    const overview = await env.t.http.get('/api/v1/byok').set({ authorization: `Bearer ${admin}` });
    bodies.push(overview.text);
    expect(overview.body.totalUsers).toBe(1);
    expect(overview.body.users[0]).toMatchObject({
      userId: env.ids.user,
      providers: ['up-openai'],
      byokRequests: 1,
    });
    expect(overview.body.totalSavedUsd).toBeGreaterThan(0);
    expect((await env.t.http.get('/api/v1/byok').set(auth())).status).toBe(403);
  });

  it('the clear key is in no response, no log line, no audit row and no database column', async () => {
    for (const b of bodies) expect(b).not.toContain(BYOK);
    expect(logs.join('')).not.toContain(BYOK);
    const rows = await env.t.app.ctx.prisma.$queryRawUnsafe<unknown[]>('SELECT * FROM "ByokKey"');
    const audit = await env.t.app.ctx.prisma.$queryRawUnsafe<unknown[]>('SELECT * FROM "AuditLog"');
    expect(JSON.stringify(rows)).not.toContain(BYOK);
    expect(JSON.stringify(audit)).not.toContain(BYOK);
    expect(JSON.stringify(audit)).toContain('byok.create');
  });

  it('removing the key sends the next request back to the provider key; others cannot touch it', async () => {
    const other = await env.t.tokenFor('user');
    expect(
      (await env.t.http.delete(`/api/v1/me/byok/${env.ids.openai}`).set({ authorization: `Bearer ${other}` }))
        .status,
    ).toBe(404);
    const admin = await env.t.tokenFor('seed_admin');
    const overview = async () =>
      (await env.t.http.get('/api/v1/byok').set({ authorization: `Bearer ${admin}` })).body as {
        totalUsers: number;
        totalSavedUsd: number;
      };
    const savedBefore = (await overview()).totalSavedUsd;
    expect(savedBefore).toBeGreaterThan(0);
    expect((await env.t.http.delete(`/api/v1/me/byok/${env.ids.openai}`).set(auth())).status).toBe(204);
    // What the key saved stays saved: the user no longer has a key, the platform still did not pay for those calls.
    expect(await overview()).toMatchObject({ totalUsers: 0, totalSavedUsd: savedBefore });
    env.up.reset();
    expect((await chat()).status).toBe(200);
    expect(env.up.requests[0]!.headers.authorization).toBe(`Bearer ${UPSTREAM_KEY}`);
  });

  it('bad input is a 4xx naming the field', async () => {
    const short = await env.t.http.put(`/api/v1/me/byok/${env.ids.openai}`).set(auth()).send({ apiKey: 'x' });
    expect(short.status).toBe(400);
    expect(short.body.error.message).toMatch(/^apiKey:/);
    expect(
      (await env.t.http.put('/api/v1/me/byok/nope').set(auth()).send({ apiKey: 'long-enough-key' })).status,
    ).toBe(404);
  });

  it("a user names the provider by its public name (slug, type or name) when that is unambiguous; it was 'No provider with this id'", async () => {
    const put = await env.t.http
      .put('/api/v1/me/byok/up-anthropic')
      .set(auth())
      .send({ apiKey: 'sk-ant-mine-by-slug-1111' });
    expect(put.status, put.text).toBe(200);
    expect(put.body).toMatchObject({ providerId: env.ids.anthropic, last4: '1111' });
    // By its slug, case aside; testing and removing take the same name.
    expect((await env.t.http.post('/api/v1/me/byok/UP-ANTHROPIC/test').set(auth())).status).toBe(200);
    expect((await env.t.http.delete('/api/v1/me/byok/up-anthropic').set(auth())).status).toBe(204);
    // The seeded OpenAI provider, by the name a user would type.
    const seeded = await env.t.app.ctx.prisma.provider.findUniqueOrThrow({ where: { slug: 'openai' } });
    const byName = await env.t.http
      .put('/api/v1/me/byok/openai')
      .set(auth())
      .send({ apiKey: 'sk-openai-mine-2222' });
    expect(byName.status, byName.text).toBe(200);
    expect(byName.body.providerId).toBe(seeded.id);
    expect((await env.t.http.delete('/api/v1/me/byok/openai').set(auth())).status).toBe(204);
  });

  it('a name that fits several providers is a 400 listing their slugs, and stores nothing', async () => {
    const { prisma } = env.t.app.ctx;
    for (const slug of ['team-a', 'team-b'])
      await prisma.provider.create({
        data: { slug, name: 'Team', type: 'custom', baseUrl: `${env.up.url}/v1`, status: 'active' },
      });
    const res = await env.t.http.put('/api/v1/me/byok/team').set(auth()).send({ apiKey: 'sk-team-key-3333' });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/team-a, team-b/);
    expect(await prisma.byokKey.count({ where: { userId: env.ids.user, last4: '3333' } })).toBe(0);
  });

  it("a BYOK key's test calls the provider as routing does: with the provider's auth settings (an Azure api-version)", async () => {
    const superAdmin = await env.t.tokenFor('seed_admin');
    const created = await env.t.http
      .post('/api/v1/llm/providers')
      .set({ authorization: `Bearer ${superAdmin}` })
      .send({
        type: 'azure-openai',
        name: 'Azure BYOK',
        slug: 'azure-byok',
        baseUrl: env.up.url,
        auth: { apiVersion: '2099-01-01-test' },
      });
    expect(created.status, created.text).toBe(201);
    expect(
      (
        await env.t.http
          .put(`/api/v1/me/byok/${created.body.id}`)
          .set(auth())
          .send({ apiKey: 'az-user-key-1234' })
      ).status,
    ).toBe(200);
    env.up.reset();
    await env.t.http.post(`/api/v1/me/byok/${created.body.id}/test`).set(auth()).expect(200);
    const sent = env.up.requests.at(-1)!;
    expect(sent.headers['api-key']).toBe('az-user-key-1234');
    expect(sent.url).toContain('api-version=2099-01-01-test');
  });

  it('a key its provider refused in a test is not routed to until it is replaced or passes a test', async () => {
    const key = 'sk-byok-revoked-at-provider-5555';
    expect(
      (await env.t.http.put(`/api/v1/me/byok/${env.ids.openai}`).set(auth()).send({ apiKey: key })).status,
    ).toBe(200);
    env.up.script({
      path: '/models',
      status: 401,
      body: { error: { message: 'Incorrect API key provided' } },
    });
    const tested = await env.t.http.post(`/api/v1/me/byok/${env.ids.openai}/test`).set(auth()).expect(200);
    expect(tested.body.success).toBe(false);
    const mine = await env.t.http.get('/api/v1/me/byok').set(auth());
    expect(mine.body.data.find((k: { providerId: string }) => k.providerId === env.ids.openai).status).toBe(
      'invalid',
    );
    await env.t.app.routing.reload();
    // The next call goes straight to the provider's own key: no failed attempt with the refused one first.
    env.up.reset();
    expect((await chat()).status).toBe(200);
    expect(env.up.requests.map((r) => r.headers.authorization)).toEqual([`Bearer ${UPSTREAM_KEY}`]);
    // A test that passes makes it the user's key again.
    await env.t.http.post(`/api/v1/me/byok/${env.ids.openai}/test`).set(auth()).expect(200);
    await env.t.app.routing.reload();
    env.up.reset();
    expect((await chat()).status).toBe(200);
    expect(env.up.requests.map((r) => r.headers.authorization)).toEqual([`Bearer ${key}`]);
    await env.t.http.delete(`/api/v1/me/byok/${env.ids.openai}`).set(auth()).expect(204);
  });
});
