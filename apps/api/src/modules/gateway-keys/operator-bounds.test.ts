// Bounds an operator set on a key are the operator's, whoever made the key: a user who made a key themselves may
// not lift the expiry, rate limit or budget an operator later put on it (an expired key stays expired until an
// operator says otherwise). Real database, real HTTP mock upstream.
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

describe('bounds an operator set on a key the user made', () => {
  it('stay the operator’s: the user may rename or revoke the key, not lift them', async () => {
    const user = await env.t.tokenFor('user');
    const own = await env.t.http.post('/api/v1/me/keys').set(as(user)).send({ name: 'laptop' }).expect(201);
    const key = own.body.key as string;
    const id = own.body.id as string;
    // The user's own bounds on their own key are theirs (before any operator touches it).
    await env.t.http.patch(`/api/v1/me/keys/${id}`).set(as(user)).send({ rpmLimit: 50 }).expect(200);
    await env.t.http.patch(`/api/v1/me/keys/${id}`).set(as(user)).send({ rpmLimit: null }).expect(200);
    // An operator renaming the key leaves its bounds the user's.
    await env.t.http.patch(`/api/v1/keys/${id}`).set(as(admin)).send({ name: 'laptop (seen)' }).expect(200);
    await env.t.http.patch(`/api/v1/me/keys/${id}`).set(as(user)).send({ rpmLimit: 40 }).expect(200);
    expect(await chat(key)).toBe(200);

    // An operator stops it (expired now) and limits it.
    await env.t.http
      .patch(`/api/v1/keys/${id}`)
      .set(as(admin))
      .send({ expiresAt: new Date(Date.now() - 1000).toISOString(), rpmLimit: 1, budgetUsd: 1 })
      .expect(200);
    expect(await chat(key)).toBe(401);
    for (const body of [{ expiresAt: null }, { rpmLimit: null }, { budgetUsd: 100 }, { rpmLimit: 40 }]) {
      const res = await env.t.http.patch(`/api/v1/me/keys/${id}`).set(as(user)).send(body);
      expect(res.status, JSON.stringify(body)).toBe(403);
      expect(res.body.error.code).toBe('key_bounds_locked');
    }
    expect(await chat(key)).toBe(401);
    const row = await env.t.app.ctx.prisma.gatewayKey.findUniqueOrThrow({ where: { id } });
    expect([row.rpmLimit, Number(row.budgetUsd), row.expiresAt!.getTime() < Date.now()]).toEqual([
      1,
      1,
      true,
    ]);
    // Still theirs to rename and to revoke; the operator may lift the bounds.
    await env.t.http.patch(`/api/v1/me/keys/${id}`).set(as(user)).send({ name: 'old laptop' }).expect(200);
    await env.t.http
      .patch(`/api/v1/keys/${id}`)
      .set(as(admin))
      .send({ expiresAt: null, rpmLimit: null })
      .expect(200);
    expect(await chat(key)).toBe(200);
    await env.t.http.post(`/api/v1/me/keys/${id}/revoke`).set(as(user)).expect(200);
    expect(await chat(key)).toBe(401);
    // The user's other keys stay theirs to bound.
    const other = await env.t.http.post('/api/v1/me/keys').set(as(user)).send({ name: 'desk' }).expect(201);
    await env.t.http
      .patch(`/api/v1/me/keys/${other.body.id}`)
      .set(as(user))
      .send({ rpmLimit: 5 })
      .expect(200);
  });
});
