// Client apps: an organization that does not exist is bad input naming the field, and an app's keys follow it (a
// deleted or deactivated app's keys stop at the proxy at once). Real database, real HTTP mock upstream.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chatAs, createProxyEnv, type ProxyEnv } from '../../test/proxy-env.js';

let env: ProxyEnv;
let admin: string;
const as = (token: string) => ({ authorization: `Bearer ${token}` });

beforeAll(async () => {
  env = await createProxyEnv();
  admin = await env.t.tokenFor('admin');
}, 180_000);
afterAll(async () => {
  await env?.close();
});

const chat = async (key: string): Promise<number> => (await chatAs(env, key)).status;

describe('apps', () => {
  it('an unknown organization is a 400 naming orgId, on create and on change, and nothing is written', async () => {
    const created = await env.t.http
      .post('/api/v1/apps')
      .set(as(admin))
      .send({ name: 'Ghost org app', slug: 'ghost-org-app', orgId: 'no-such-org' });
    expect(created.status).toBe(400);
    expect(created.body.error.code).toBe('validation_error');
    expect(created.body.error.message).toMatch(/^orgId: /);
    expect(await env.t.app.ctx.prisma.app.count({ where: { slug: 'ghost-org-app' } })).toBe(0);

    const org = await env.t.http
      .post('/api/v1/orgs')
      .set(as(admin))
      .send({ name: 'Real org', slug: 'real-org' })
      .expect(201);
    const app = await env.t.http
      .post('/api/v1/apps')
      .set(as(admin))
      .send({ name: 'Real app', slug: 'real-app', orgId: org.body.id })
      .expect(201);
    const moved = await env.t.http
      .patch(`/api/v1/apps/${app.body.id}`)
      .set(as(admin))
      .send({ orgId: 'no-such-org' });
    expect(moved.status).toBe(400);
    expect(moved.body.error.message).toMatch(/^orgId: /);
    const still = await env.t.http.get(`/api/v1/apps/${app.body.id}`).set(as(admin)).expect(200);
    expect(still.body.orgId).toBe(org.body.id);
    // Leaving the organization stays possible.
    await env.t.http.patch(`/api/v1/apps/${app.body.id}`).set(as(admin)).send({ orgId: null }).expect(200);
  });

  it("a deactivated or deleted app's keys stop at once", async () => {
    const app = await env.t.http
      .post('/api/v1/apps')
      .set(as(admin))
      .send({ name: 'Bot', slug: 'bot-app' })
      .expect(201);
    const key = await env.t.http
      .post('/api/v1/keys')
      .set(as(admin))
      .send({ name: 'bot', ownerType: 'app', ownerId: app.body.id })
      .expect(201);
    expect(await chat(key.body.key)).toBe(200);
    await env.t.http.patch(`/api/v1/apps/${app.body.id}`).set(as(admin)).send({ active: false }).expect(200);
    expect(await chat(key.body.key)).toBe(403);
    await env.t.http.patch(`/api/v1/apps/${app.body.id}`).set(as(admin)).send({ active: true }).expect(200);
    expect(await chat(key.body.key)).toBe(200);
    await env.t.http.delete(`/api/v1/apps/${app.body.id}`).set(as(admin)).expect(204);
    expect(await chat(key.body.key)).toBe(401);
  });
});
