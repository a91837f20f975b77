import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateGatewayKey } from '../../lib/key-format.js';
import { UPSTREAM_KEY, createProxyEnv, type ProxyEnv } from '../../test/proxy-env.js';

let env: ProxyEnv;
let admin: string;
let orgId: string;
let outsiderKey: string;
const ORG_KEY = 'sk-org-shared-secret-4m2p';

beforeAll(async () => {
  env = await createProxyEnv();
  admin = await env.t.tokenFor('seed_admin');
  const outsider = await env.t.createUser('user');
  const k = generateGatewayKey();
  await env.t.app.ctx.prisma.gatewayKey.create({
    data: { keyHash: k.hash, prefix: k.prefix, name: 'outsider', ownerType: 'user', userId: outsider.id },
  });
  outsiderKey = k.key;
  await env.t.app.routing.reload();
});
afterAll(async () => {
  await env?.close();
});

const auth = () => ({ authorization: `Bearer ${admin}` });
const chat = (key: string, model: string) =>
  fetch(`${env.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: JSON.stringify({ model, messages: [{ role: 'user', content: 'hi' }] }),
  });

describe('organizations', () => {
  it('creates an org and adds a member; bad input names the field; a taken slug is 409', async () => {
    const res = await env.t.http
      .post('/api/v1/orgs')
      .set(auth())
      .send({ name: 'Team A', slug: 'team-a', spendCapUsd: 100, rollover: true });
    expect(res.status).toBe(201);
    orgId = res.body.id;
    expect(res.body).toMatchObject({ slug: 'team-a', spendCapUsd: 100, rollover: true, status: 'active' });
    expect(
      (await env.t.http.post('/api/v1/orgs').set(auth()).send({ name: 'x', slug: 'team-a' })).status,
    ).toBe(409);
    const bad = await env.t.http.post('/api/v1/orgs').set(auth()).send({ name: 'x', slug: 'Not A Slug' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/^slug:/);
    const added = await env.t.http
      .post(`/api/v1/orgs/${orgId}/members`)
      .set(auth())
      .send({ userId: env.ids.user });
    expect(added.body.memberList).toEqual([
      expect.objectContaining({ userId: env.ids.user, role: 'member' }),
    ]);
  });

  it("the lists show an org's owner and creation date, and each user's organizations", async () => {
    const owner = await env.t.app.ctx.prisma.user.findUniqueOrThrow({ where: { id: env.ids.user } });
    const created = await env.t.http
      .post('/api/v1/orgs')
      .set(auth())
      .send({ name: 'Owned', slug: 'owned', ownerId: owner.id });
    expect(created.status).toBe(201);
    const orgs = (await env.t.http.get('/api/v1/orgs').set(auth())).body.data as {
      slug: string;
      owner: unknown;
      createdAt: string;
    }[];
    const owned = orgs.find((o) => o.slug === 'owned')!;
    expect(owned.owner).toEqual({ id: owner.id, email: owner.email, name: owner.name });
    expect(Date.parse(owned.createdAt)).toBeGreaterThan(Date.now() - 60_000);
    expect(orgs.find((o) => o.slug === 'team-a')!.owner).toBeNull();
    const users = (await env.t.http.get('/api/v1/users').set(auth())).body.data as {
      id: string;
      orgs: { name: string; role: string }[];
    }[];
    const member = users.find((u) => u.id === owner.id)!;
    expect(member.orgs.map((o) => o.name)).toContain('Team A');
    expect(users.find((u) => u.id !== owner.id)!.orgs).toEqual([]);
  });

  it("moving an organization's ownership moves its administration: the previous owner keeps a plain membership", async () => {
    const { prisma } = env.t.app.ctx;
    const a = await env.t.createUser('user');
    const b = await env.t.createUser('user');
    const login = async (u: { email: string; password: string }) =>
      (await env.t.http.post('/api/v1/auth/login').send({ email: u.email, password: u.password })).body
        .token as string;
    const [aToken, bToken] = [await login(a), await login(b)];
    const org = (
      await env.t.http
        .post('/api/v1/orgs')
        .set(auth())
        .send({ name: 'Handover', slug: 'handover', ownerId: a.id })
        .expect(201)
    ).body as { id: string };
    expect(
      (await env.t.http.get('/api/v1/me/orgs').set({ authorization: `Bearer ${aToken}` })).body.data,
    ).toEqual([expect.objectContaining({ id: org.id, role: 'owner' })]);
    await env.t.http.patch(`/api/v1/orgs/${org.id}`).set(auth()).send({ ownerId: b.id }).expect(200);
    // A administers it no more (its usage, its data protection): a member now.
    expect(
      (await env.t.http.get('/api/v1/me/orgs').set({ authorization: `Bearer ${aToken}` })).body.data,
    ).toEqual([]);
    await env.t.http
      .get(`/api/v1/me/orgs/${org.id}/usage?period=7d`)
      .set({ authorization: `Bearer ${aToken}` })
      .expect(404);
    expect(
      (await env.t.http.get('/api/v1/me/orgs').set({ authorization: `Bearer ${bToken}` })).body.data,
    ).toEqual([expect.objectContaining({ id: org.id, role: 'owner' })]);
    const detail = await env.t.http.get(`/api/v1/orgs/${org.id}`).set(auth()).expect(200);
    expect(
      new Map((detail.body.memberList as { userId: string; role: string }[]).map((m) => [m.userId, m.role])),
    ).toEqual(
      new Map([
        [a.id, 'member'],
        [b.id, 'owner'],
      ]),
    );
    // No owner at all: B keeps a plain membership too.
    await env.t.http.patch(`/api/v1/orgs/${org.id}`).set(auth()).send({ ownerId: null }).expect(200);
    expect(
      (
        await prisma.organizationMember.findMany({ where: { orgId: org.id }, orderBy: { userId: 'asc' } })
      ).map((m) => m.role),
    ).toEqual(['member', 'member']);
  });

  it("an org's alias applies to its members only; a global alias of the same name serves everyone else", async () => {
    const { prisma } = env.t.app.ctx;
    await prisma.alias.create({
      data: { name: 'team-chat', scope: 'global', targets: [{ ref: 'up-openai/gpt-test', weight: 1 }] },
    });
    await prisma.alias.create({
      data: {
        name: 'team-chat',
        scope: `org:${orgId}`,
        orgId,
        targets: [{ ref: 'up-anthropic/claude-test', weight: 1 }],
      },
    });
    await env.t.app.routing.reload();
    expect((await chat(env.userKey, 'team-chat')).headers.get('x-switchyard-provider')).toBe('up-anthropic');
    expect((await chat(outsiderKey, 'team-chat')).headers.get('x-switchyard-provider')).toBe('up-openai');
  });

  it("the org's provider key pays for members before the provider's key (super admin sets it; admin may not)", async () => {
    const plainAdmin = await env.t.tokenFor('admin');
    expect(
      (
        await env.t.http
          .put(`/api/v1/orgs/${orgId}/provider-keys/${env.ids.openai}`)
          .set({ authorization: `Bearer ${plainAdmin}` })
          .send({ apiKey: ORG_KEY })
      ).status,
    ).toBe(403);
    const put = await env.t.http
      .put(`/api/v1/orgs/${orgId}/provider-keys/${env.ids.openai}`)
      .set(auth())
      .send({ apiKey: ORG_KEY });
    expect(put.body).toEqual({
      providerId: env.ids.openai,
      provider: { slug: 'up-openai', name: expect.any(String), type: 'openai' },
      last4: '4m2p',
      label: null,
      status: 'active',
      lastTestedAt: null,
      lastError: null,
    });
    expect(put.text).not.toContain(ORG_KEY);
    env.up.reset();
    await chat(env.userKey, 'up-openai/gpt-test');
    await chat(outsiderKey, 'up-openai/gpt-test');
    expect(env.up.requests.map((r) => r.headers.authorization)).toEqual([
      `Bearer ${ORG_KEY}`,
      `Bearer ${UPSTREAM_KEY}`,
    ]);
    const detail = await env.t.http.get(`/api/v1/orgs/${orgId}`).set(auth());
    expect(detail.text).not.toContain(ORG_KEY);
  });

  it("the org's spend cap stops its members with a budget error and says which limit", async () => {
    await env.t.http
      .patch(`/api/v1/orgs/${orgId}`)
      .set(auth())
      .send({ spendCapUsd: 0.0000001, rollover: false });
    const res = await chat(env.userKey, 'up-openai/gpt-test');
    expect(res.status).toBe(402);
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('budget_exhausted');
    expect(body.error.message).toMatch(/org budget/);
    expect((await chat(outsiderKey, 'up-openai/gpt-test')).status).toBe(200);
  });

  it('suspending the org stops its members’ keys', async () => {
    await env.t.http
      .patch(`/api/v1/orgs/${orgId}`)
      .set(auth())
      .send({ status: 'suspended', spendCapUsd: null });
    expect((await chat(env.userKey, 'up-openai/gpt-test')).status).toBe(403);
    await env.t.http.patch(`/api/v1/orgs/${orgId}`).set(auth()).send({ status: 'active' });
    expect((await chat(env.userKey, 'up-openai/gpt-test')).status).toBe(200);
  });
});

describe('apps', () => {
  it('an app gets its own key; deactivating the app stops it', async () => {
    const app = await env.t.http
      .post('/api/v1/apps')
      .set(auth())
      .send({ name: 'Support bot', slug: 'support-bot', contactEmail: 'ops@example.com' });
    expect(app.status).toBe(201);
    const key = await env.t.http
      .post('/api/v1/keys')
      .set(auth())
      .send({ name: 'bot', ownerType: 'app', ownerId: app.body.id });
    expect((await chat(key.body.key, 'chat.default')).status).toBe(200);
    await env.t.http.patch(`/api/v1/apps/${app.body.id}`).set(auth()).send({ active: false });
    expect((await chat(key.body.key, 'chat.default')).status).toBe(403);
    const viewer = await env.t.tokenFor('viewer');
    expect(
      (await env.t.http.get('/api/v1/apps').set({ authorization: `Bearer ${viewer}` })).body.data,
    ).toHaveLength(1);
    expect(
      (
        await env.t.http
          .post('/api/v1/apps')
          .set({ authorization: `Bearer ${viewer}` })
          .send({ name: 'x', slug: 'x' })
      ).status,
    ).toBe(403);
  });
});
