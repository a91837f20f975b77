// A user makes their own keys (/me/keys) up to USER_KEY_LIMIT live ones: every key is held in each instance's
// routing snapshot, so without a bound one user could mint keys until the gateway's memory and reloads gave out.
// Revoked and expired keys do not count; an operator may still issue keys to a user beyond it. Real database.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/app.js';

let t: TestApp;
let admin: string;
const as = (token: string) => ({ authorization: `Bearer ${token}` });

beforeAll(async () => {
  t = await createTestApp({ env: { USER_KEY_LIMIT: '3' } });
  admin = await t.tokenFor('admin');
}, 180_000);
afterAll(async () => {
  await t?.close();
});

const make = (token: string, name: string) => t.http.post('/api/v1/me/keys').set(as(token)).send({ name });

describe('USER_KEY_LIMIT: the live keys a user may make themselves', () => {
  it('the next key past the limit is a 409 key_limit_reached that says what to do; a revoked or expired key frees a place', async () => {
    const user = await t.tokenFor('user');
    const ids: string[] = [];
    for (const name of ['a', 'b', 'c'])
      ids.push(((await make(user, name).expect(201)).body as { id: string }).id);
    const over = await make(user, 'd');
    expect(over.status).toBe(409);
    expect(over.body.error.code).toBe('key_limit_reached');
    expect(over.body.error.message).toMatch(/3 live keys.*revoke one/i);
    const me = await t.app.ctx.prisma.user.findFirstOrThrow({
      where: { gatewayKeys: { some: { id: ids[0] } } },
    });
    expect(await t.app.ctx.prisma.gatewayKey.count({ where: { userId: me.id } })).toBe(3);

    await t.http.post(`/api/v1/me/keys/${ids[0]}/revoke`).set(as(user)).expect(200);
    await make(user, 'd').expect(201);
    await make(user, 'e').expect(409);
    // An expired key does not count either.
    await t.app.ctx.prisma.gatewayKey.update({
      where: { id: ids[1] },
      data: { expiresAt: new Date(Date.now() - 1000) },
    });
    await make(user, 'e').expect(201);

    // An operator may still issue this user a key (the limit bounds what a user makes alone); it counts toward theirs.
    await t.http
      .post('/api/v1/keys')
      .set(as(admin))
      .send({ name: 'issued', ownerType: 'user', ownerId: me.id })
      .expect(201);
    await make(user, 'f').expect(409);
  });

  it('keys asked for at once never go past the limit', async () => {
    const user = await t.tokenFor('user');
    await make(user, 'first').expect(201);
    const answers = await Promise.all(Array.from({ length: 6 }, (_, i) => make(user, `race-${i}`)));
    expect(answers.map((a) => a.status).sort()).toEqual([201, 201, 409, 409, 409, 409]);
    const owner = await t.app.ctx.prisma.gatewayKey.findFirstOrThrow({
      where: { name: 'first' },
      orderBy: { createdAt: 'desc' },
    });
    expect(await t.app.ctx.prisma.gatewayKey.count({ where: { userId: owner.userId } })).toBe(3);
  });
});
