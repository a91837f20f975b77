import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/app.js';
import { mountedRoutes } from '../../test/routes.js';

let t: TestApp;
let admin: string;
beforeAll(async () => {
  t = await createTestApp();
  admin = await t.tokenFor('seed_admin');
});
afterAll(async () => {
  await t?.close();
});

describe('audit log', () => {
  it('records mutations with before/after, filters them, and pages through every entry exactly once', async () => {
    const auth = { authorization: `Bearer ${admin}` };
    const created: string[] = [];
    for (let i = 0; i < 7; i++)
      created.push(
        (
          await t.http
            .post('/api/v1/users')
            .set(auth)
            .send({ email: `audited-${i}@example.com` })
        ).body.id,
      );
    await t.http.patch(`/api/v1/users/${created[0]}`).set(auth).send({ status: 'suspended' });

    const suspend = await t.http.get('/api/v1/audit').query({ action: 'user.suspend' }).set(auth);
    expect(suspend.body.data).toHaveLength(1);
    expect(suspend.body.data[0]).toMatchObject({
      entityType: 'User',
      entityId: created[0],
      actorEmail: 'admin@localhost',
    });
    expect(suspend.body.data[0].before.status).toBe('active');
    expect(suspend.body.data[0].after.status).toBe('suspended');

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { status: number; body: { data: { entityId: string }[]; nextCursor: string | null } } =
        await t.http
          .get('/api/v1/audit')
          .query({ action: 'user.create', limit: 3, ...(cursor ? { cursor } : {}) })
          .set(auth);
      expect(page.status).toBe(200);
      seen.push(...page.body.data.map((a: { entityId: string }) => a.entityId));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toHaveLength(7);
    expect(new Set(seen)).toEqual(new Set(created));
    expect(seen).toEqual([...created].reverse());
  });

  it('is readable by viewers, not by users; a bad cursor is a 400', async () => {
    expect(
      (await t.http.get('/api/v1/audit').set({ authorization: `Bearer ${await t.tokenFor('viewer')}` }))
        .status,
    ).toBe(200);
    expect(
      (await t.http.get('/api/v1/audit').set({ authorization: `Bearer ${await t.tokenFor('user')}` })).status,
    ).toBe(403);
    const bad = await t.http
      .get('/api/v1/audit')
      .query({ cursor: 'garbage' })
      .set({ authorization: `Bearer ${admin}` });
    expect(bad.status).toBe(400);
  });
});

describe('every admin route requires sign-in', () => {
  it('answers 401 to an anonymous request on every mounted /api/v1 route but sign-in, sign-out, the OpenAPI document and the guide', async () => {
    const routes = mountedRoutes(t.app);
    const api = routes.filter((r) => r.path.startsWith('/api/v1/'));
    expect(api.length).toBeGreaterThan(15);
    const open = [
      'post /api/v1/auth/login',
      'post /api/v1/auth/logout',
      'get /api/v1/openapi.json',
      'get /api/v1/guide',
    ];
    for (const r of api) {
      const path = r.path.replace(/:(\w+)/g, 'x');
      const res = await (t.http as unknown as Record<string, (p: string) => Promise<{ status: number }>>)[
        r.method
      ]!(path);
      if (open.includes(`${r.method} ${r.path}`)) continue;
      expect({ route: `${r.method} ${r.path}`, status: res.status }).toEqual({
        route: `${r.method} ${r.path}`,
        status: 401,
      });
    }
  });
});
