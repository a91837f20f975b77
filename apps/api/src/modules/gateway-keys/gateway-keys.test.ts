import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/app.js';

let t: TestApp;
let admin: string;
beforeAll(async () => {
  t = await createTestApp();
  admin = await t.tokenFor('seed_admin');
});
afterAll(async () => {
  await t?.close();
});

const auth = (token: string) => ({ authorization: `Bearer ${token}` });
const chat = (key: string) =>
  t.http
    .post('/v1/chat/completions')
    .set('authorization', `Bearer ${key}`)
    .send({ model: 'chat.default', messages: [{ role: 'user', content: 'hello' }] });

describe('gateway keys', () => {
  it('an admin creates a key for a user: the full key once, a hash and a prefix stored, usable at once', async () => {
    const user = await t.createUser('user');
    const res = await t.http
      .post('/api/v1/keys')
      .set(auth(admin))
      .send({ name: 'ci', ownerType: 'user', ownerId: user.id, rpmLimit: 100 });
    expect(res.status).toBe(201);
    expect(res.body.key).toMatch(/^sy-/);
    expect(res.body).toMatchObject({
      name: 'ci',
      ownerType: 'user',
      ownerId: user.id,
      status: 'active',
      rpmLimit: 100,
      prefix: res.body.key.slice(0, 10),
    });
    const row = await t.app.ctx.prisma.gatewayKey.findUniqueOrThrow({ where: { id: res.body.id } });
    expect(row.keyHash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(row)).not.toContain(res.body.key);
    const list = await t.http.get('/api/v1/keys').set(auth(admin));
    expect(JSON.stringify(list.body)).not.toContain(res.body.key);
    expect(list.body.data.find((k: { id: string }) => k.id === res.body.id)).toMatchObject({
      prefix: res.body.prefix,
    });
    expect((await chat(res.body.key)).status).toBe(200);
    const audit = await t.app.ctx.prisma.auditLog.findFirst({
      where: { action: 'gateway_key.create', entityId: res.body.id },
    });
    expect(JSON.stringify(audit)).not.toContain(res.body.key);
  });

  it('revoking a key stops it at the proxy immediately', async () => {
    const user = await t.createUser('user');
    const created = await t.http
      .post('/api/v1/keys')
      .set(auth(admin))
      .send({ name: 'x', ownerType: 'user', ownerId: user.id });
    expect((await chat(created.body.key)).status).toBe(200);
    const revoked = await t.http.post(`/api/v1/keys/${created.body.id}/revoke`).set(auth(admin));
    expect(revoked.body.status).toBe('revoked');
    expect((await chat(created.body.key)).status).toBe(401);
  });

  it('users manage only their own keys; others are not found', async () => {
    const alice = await t.tokenFor('user');
    const bob = await t.tokenFor('user');
    const mine = await t.http.post('/api/v1/me/keys').set(auth(alice)).send({ name: 'alice key' });
    expect(mine.status).toBe(201);
    expect((await t.http.get('/api/v1/me/keys').set(auth(alice))).body.data).toHaveLength(1);
    expect((await t.http.get('/api/v1/me/keys').set(auth(bob))).body.data).toHaveLength(0);
    expect((await t.http.post(`/api/v1/me/keys/${mine.body.id}/revoke`).set(auth(bob))).status).toBe(404);
    expect(
      (await t.http.patch(`/api/v1/me/keys/${mine.body.id}`).set(auth(alice)).send({ rpmLimit: 5 })).body
        .rpmLimit,
    ).toBe(5);
    expect((await t.http.get('/api/v1/keys').set(auth(alice))).status).toBe(403);
  });

  it("a key an operator issued keeps the operator's bounds: its user may rename it or revoke it, not lift them", async () => {
    const user = await t.createUser('user');
    const token = (
      await t.http.post('/api/v1/auth/login').send({ email: user.email, password: user.password })
    ).body.token as string;
    const issued = await t.http
      .post('/api/v1/keys')
      .set(auth(admin))
      .send({
        name: 'contractor',
        ownerType: 'user',
        ownerId: user.id,
        rpmLimit: 10,
        budgetUsd: 5,
        budgetPeriod: 'month',
        allowedModels: ['chat.default'],
        expiresAt: new Date(Date.now() + 86_400_000).toISOString(),
      })
      .expect(201);
    const patch = (body: Record<string, unknown>) =>
      t.http.patch(`/api/v1/me/keys/${issued.body.id}`).set(auth(token)).send(body);
    for (const body of [
      { rpmLimit: null },
      { budgetUsd: 500 },
      { budgetPeriod: null },
      { allowedModels: [] },
      { expiresAt: null },
      { ipAllowlist: ['0.0.0.0/0'] },
      { name: 'mine now', rpmLimit: 1000 },
    ]) {
      const res = await patch(body);
      expect(res.status, JSON.stringify(body)).toBe(403);
      expect(res.body.error.code).toBe('key_bounds_locked');
    }
    const row = await t.app.ctx.prisma.gatewayKey.findUniqueOrThrow({ where: { id: issued.body.id } });
    expect([row.name, row.rpmLimit, Number(row.budgetUsd), row.allowedModels]).toEqual([
      'contractor',
      10,
      5,
      ['chat.default'],
    ]);
    // A rename, with the bounds sent back as they are (a form sending the whole key), is fine.
    const renamed = await patch({
      name: 'contractor laptop',
      rpmLimit: 10,
      budgetUsd: 5,
      allowedModels: ['chat.default'],
      expiresAt: issued.body.expiresAt,
    });
    expect(renamed.status, JSON.stringify(renamed.body)).toBe(200);
    expect(renamed.body.name).toBe('contractor laptop');
    // An operator changes them as before; the user's own keys stay theirs to bound.
    await t.http.patch(`/api/v1/keys/${issued.body.id}`).set(auth(admin)).send({ rpmLimit: 20 }).expect(200);
    const own = await t.http.post('/api/v1/me/keys').set(auth(token)).send({ name: 'own', rpmLimit: 5 });
    expect(
      (await t.http.patch(`/api/v1/me/keys/${own.body.id}`).set(auth(token)).send({ rpmLimit: null })).status,
    ).toBe(200);
    await t.http.post(`/api/v1/me/keys/${issued.body.id}/revoke`).set(auth(token)).expect(200);
  });

  it('filters combine: an owner and "active" together list only that owner\'s active keys', async () => {
    const [a, b] = [await t.createUser('user'), await t.createUser('user')];
    const mk = async (ownerId: string, name: string) =>
      (await t.http.post('/api/v1/keys').set(auth(admin)).send({ name, ownerType: 'user', ownerId })).body
        .id as string;
    const a1 = await mk(a.id, 'a-live');
    const a2 = await mk(a.id, 'a-revoked');
    await mk(b.id, 'b-live');
    await t.http.post(`/api/v1/keys/${a2}/revoke`).set(auth(admin));
    const list = await t.http.get('/api/v1/keys').query({ ownerId: a.id, status: 'active' }).set(auth(admin));
    expect(list.body.data.map((k: { id: string }) => k.id)).toEqual([a1]);
    const revoked = await t.http
      .get('/api/v1/keys')
      .query({ ownerId: a.id, status: 'revoked' })
      .set(auth(admin));
    expect(revoked.body.data.map((k: { id: string }) => k.id)).toEqual([a2]);
  });

  it('viewers read but cannot create; bad input names the field', async () => {
    const viewer = await t.tokenFor('viewer');
    expect((await t.http.get('/api/v1/keys').set(auth(viewer))).status).toBe(200);
    expect(
      (
        await t.http
          .post('/api/v1/keys')
          .set(auth(viewer))
          .send({ name: 'v', ownerType: 'user', ownerId: 'x' })
      ).status,
    ).toBe(403);
    const bad = await t.http
      .post('/api/v1/keys')
      .set(auth(admin))
      .send({ name: 'v', ownerType: 'user', ownerId: 'nobody' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/^ownerId:/);
    const badLimit = await t.http
      .post('/api/v1/keys')
      .set(auth(admin))
      .send({ name: 'v', ownerType: 'user', ownerId: 'x', rpmLimit: -1 });
    expect(badLimit.status).toBe(400);
    expect(badLimit.body.error.message).toMatch(/^rpmLimit:/);
    expect((await t.http.post('/api/v1/keys').send({ name: 'anon' })).status).toBe(401);
  });
});

describe('users', () => {
  it('an admin creates a user (generated password returned once) who can sign in', async () => {
    const res = await t.http
      .post('/api/v1/users')
      .set(auth(admin))
      .send({ email: 'new.person@example.com', name: 'New Person' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ email: 'new.person@example.com', role: 'user', status: 'active' });
    const login = await t.http
      .post('/api/v1/auth/login')
      .send({ email: 'new.person@example.com', password: res.body.generatedPassword });
    expect(login.status).toBe(200);
    expect(
      (await t.http.get(`/api/v1/users/${res.body.id}`).set(auth(admin))).body.generatedPassword,
    ).toBeUndefined();
    expect(
      (await t.http.post('/api/v1/users').set(auth(admin)).send({ email: 'new.person@example.com' })).status,
    ).toBe(409);
  });

  it('suspending a user signs them out and stops their gateway keys', async () => {
    const u = await t.createUser('user');
    const key = await t.http
      .post('/api/v1/keys')
      .set(auth(admin))
      .send({ name: 'k', ownerType: 'user', ownerId: u.id });
    const session = (await t.http.post('/api/v1/auth/login').send({ email: u.email, password: u.password }))
      .body.token;
    expect((await chat(key.body.key)).status).toBe(200);
    expect(
      (await t.http.patch(`/api/v1/users/${u.id}`).set(auth(admin)).send({ status: 'suspended' })).status,
    ).toBe(200);
    expect((await t.http.get('/api/v1/auth/me').set(auth(session))).status).toBe(401);
    expect((await chat(key.body.key)).status).toBe(403);
  });

  it('the last active super admin cannot be demoted; admins cannot grant super admin', async () => {
    const me = await t.http.get('/api/v1/auth/me').set(auth(admin));
    const demote = await t.http
      .patch(`/api/v1/users/${me.body.user.id}`)
      .set(auth(admin))
      .send({ role: 'admin' });
    expect(demote.status).toBe(409);
    const plainAdmin = await t.tokenFor('admin');
    const u = await t.createUser('user');
    expect(
      (await t.http.patch(`/api/v1/users/${u.id}`).set(auth(plainAdmin)).send({ role: 'super_admin' }))
        .status,
    ).toBe(403);
    expect((await t.http.get('/api/v1/users').set(auth(await t.tokenFor('user')))).status).toBe(403);
  });
});

describe('revoking a key', () => {
  it('revokes sent at once revoke it once: one audit entry, and its revoke time is the first one, never moved later', async () => {
    const user = await t.createUser('user');
    const created = await t.http
      .post('/api/v1/keys')
      .set(auth(admin))
      .send({ name: 'twice', ownerType: 'user', ownerId: user.id })
      .expect(201);
    const id = created.body.id as string;
    const answers = await Promise.all(
      Array.from({ length: 5 }, () => t.http.post(`/api/v1/keys/${id}/revoke`).set(auth(admin))),
    );
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200]);
    const { prisma } = t.app.ctx;
    const first = (await prisma.gatewayKey.findUniqueOrThrow({ where: { id } })).revokedAt!.getTime();
    expect(new Set(answers.map((a) => a.body.revokedAt))).toEqual(new Set([new Date(first).toISOString()]));
    expect(await prisma.auditLog.count({ where: { entityId: id, action: 'gateway_key.revoke' } })).toBe(1);
    await new Promise((r) => setTimeout(r, 20));
    await t.http.post(`/api/v1/keys/${id}/revoke`).set(auth(admin)).expect(200);
    expect((await prisma.gatewayKey.findUniqueOrThrow({ where: { id } })).revokedAt!.getTime()).toBe(first);
  });
});
