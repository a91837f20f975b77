import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, TEST_ADMIN, type TestApp } from '../../test/app.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t?.close();
});

function cookieOf(res: { headers: Record<string, unknown> }): string {
  const raw = res.headers['set-cookie'] as string[] | string;
  const first = Array.isArray(raw) ? raw[0]! : raw;
  return first.split(';')[0]!;
}

describe('sign-in', () => {
  it('signs the seeded admin in with a bearer token and an httpOnly SameSite cookie', async () => {
    const res = await t.http.post('/api/v1/auth/login').send(TEST_ADMIN);
    expect(res.status).toBe(200);
    expect(res.body.user).toMatchObject({ email: TEST_ADMIN.email, role: 'super_admin' });
    expect(res.body.token).toEqual(expect.any(String));
    expect(res.body.permissions).toContain('providers:credentials');
    const setCookie = String(res.headers['set-cookie']);
    expect(setCookie).toMatch(/sy_session=/);
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Lax/i);

    const me = await t.http.get('/api/v1/auth/me').set('authorization', `Bearer ${res.body.token}`);
    expect(me.status).toBe(200);
    expect(me.body.user.email).toBe(TEST_ADMIN.email);
  });

  it('rejects a wrong password with 401 and a malformed body with a 400 naming the field', async () => {
    const wrong = await t.http.post('/api/v1/auth/login').send({ email: TEST_ADMIN.email, password: 'nope' });
    expect(wrong.status).toBe(401);
    expect(wrong.body.error.code).toBe('invalid_credentials');
    const bad = await t.http.post('/api/v1/auth/login').send({ email: 'not-an-email', password: 'x' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/^email:/);
    const notJson = await t.http
      .post('/api/v1/auth/login')
      .set('content-type', 'application/json')
      .send('{oops');
    expect(notJson.status).toBe(400);
    expect(notJson.body.error.code).toBe('invalid_json');
  });

  it('rate-limits failed sign-ins per account and says when to retry', async () => {
    const victim = await t.createUser('user');
    let last;
    for (let i = 0; i < 11; i++) {
      last = await t.http.post('/api/v1/auth/login').send({ email: victim.email, password: 'wrong' });
    }
    expect(last!.status).toBe(429);
    expect(Number(last!.headers['retry-after'])).toBeGreaterThan(0);
    // Even the right password is refused while blocked.
    const right = await t.http
      .post('/api/v1/auth/login')
      .send({ email: victim.email, password: victim.password });
    expect(right.status).toBe(429);
  });

  it('requires the CSRF header for cookie-authenticated mutations, not for bearer tokens', async () => {
    const u = await t.createUser('user');
    const login = await t.http.post('/api/v1/auth/login').send({ email: u.email, password: u.password });
    const cookie = cookieOf(login);
    const body = { currentPassword: u.password, newPassword: 'a-brand-new-password' };
    const noCsrf = await t.http.post('/api/v1/auth/password').set('cookie', cookie).send(body);
    expect(noCsrf.status).toBe(403);
    expect(noCsrf.body.error.code).toBe('csrf_failed');
    const withCsrf = await t.http
      .post('/api/v1/auth/password')
      .set('cookie', cookie)
      .set('x-csrf-token', login.body.csrfToken)
      .send(body);
    expect(withCsrf.status).toBe(204);
    // The new password works, the old one does not.
    expect(
      (await t.http.post('/api/v1/auth/login').send({ email: u.email, password: u.password })).status,
    ).toBe(401);
    expect(
      (await t.http.post('/api/v1/auth/login').send({ email: u.email, password: body.newPassword })).status,
    ).toBe(200);
  });

  it('ends the session on logout and ends other sessions on a password change', async () => {
    const u = await t.createUser('viewer');
    const a = (await t.http.post('/api/v1/auth/login').send({ email: u.email, password: u.password })).body
      .token;
    const b = (await t.http.post('/api/v1/auth/login').send({ email: u.email, password: u.password })).body
      .token;
    await t.http
      .post('/api/v1/auth/password')
      .set('authorization', `Bearer ${a}`)
      .send({ currentPassword: u.password, newPassword: 'another-long-password' })
      .expect(204);
    expect((await t.http.get('/api/v1/auth/me').set('authorization', `Bearer ${b}`)).status).toBe(401);
    expect((await t.http.get('/api/v1/auth/me').set('authorization', `Bearer ${a}`)).status).toBe(200);
    await t.http.post('/api/v1/auth/logout').set('authorization', `Bearer ${a}`).expect(204);
    expect((await t.http.get('/api/v1/auth/me').set('authorization', `Bearer ${a}`)).status).toBe(401);
  });

  it('refuses suspended accounts and expired sessions', async () => {
    const u = await t.createUser('user');
    const token = (await t.http.post('/api/v1/auth/login').send({ email: u.email, password: u.password }))
      .body.token;
    await t.app.ctx.prisma.session.updateMany({
      where: { userId: u.id },
      data: { expiresAt: new Date(Date.now() - 1000) },
    });
    expect((await t.http.get('/api/v1/auth/me').set('authorization', `Bearer ${token}`)).status).toBe(401);
    await t.app.ctx.prisma.user.update({ where: { id: u.id }, data: { status: 'suspended' } });
    const again = await t.http.post('/api/v1/auth/login').send({ email: u.email, password: u.password });
    expect(again.status).toBe(403);
    expect(again.body.error.code).toBe('account_suspended');
  });
});

describe('system endpoints', () => {
  it('answers /health, /ready and /metrics', async () => {
    expect((await t.http.get('/health')).body).toEqual({ status: 'ok' });
    expect((await t.http.get('/ready')).status).toBe(200);
    const metrics = await t.http.get('/metrics');
    expect(metrics.text).toContain('switchyard_usage_queue_depth');
  });

  it('answers unknown API routes with a JSON 404', async () => {
    const res = await t.http.get('/api/v1/nope');
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('not_found');
  });
});
