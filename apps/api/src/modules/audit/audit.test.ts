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

describe('audit log', () => {
  it('records mutations with before/after, filters them, and pages through every entry exactly once', async () => {
    const auth = { authorization: `Bearer ${admin}` };
    const created: string[] = [];
    for (let i = 0; i < 7; i++) created.push((await t.http.post('/api/v1/users').set(auth).send({ email: `audited-${i}@example.com` })).body.id);
    await t.http.patch(`/api/v1/users/${created[0]}`).set(auth).send({ status: 'suspended' });

    const suspend = await t.http.get('/api/v1/audit').query({ action: 'user.suspend' }).set(auth);
    expect(suspend.body.data).toHaveLength(1);
    expect(suspend.body.data[0]).toMatchObject({ entityType: 'User', entityId: created[0], actorEmail: 'admin@localhost' });
    expect(suspend.body.data[0].before.status).toBe('active');
    expect(suspend.body.data[0].after.status).toBe('suspended');

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { status: number; body: { data: { entityId: string }[]; nextCursor: string | null } } = await t.http.get('/api/v1/audit').query({ action: 'user.create', limit: 3, ...(cursor ? { cursor } : {}) }).set(auth);
      expect(page.status).toBe(200);
      seen.push(...page.body.data.map((a: { entityId: string }) => a.entityId));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toHaveLength(7);
    expect(new Set(seen)).toEqual(new Set(created));
    expect(seen).toEqual([...created].reverse());
  });

  it('is readable by viewers, not by users; a bad cursor is a 400', async () => {
    expect((await t.http.get('/api/v1/audit').set({ authorization: `Bearer ${await t.tokenFor('viewer')}` })).status).toBe(200);
    expect((await t.http.get('/api/v1/audit').set({ authorization: `Bearer ${await t.tokenFor('user')}` })).status).toBe(403);
    const bad = await t.http.get('/api/v1/audit').query({ cursor: 'garbage' }).set({ authorization: `Bearer ${admin}` });
    expect(bad.status).toBe(400);
  });
});

describe('every admin route requires sign-in', () => {
  it('answers 401 to an anonymous request on every mounted /api/v1 route but sign-in and sign-out', async () => {
    // Express 5 layers: a mounted router's path is `rawPath`; a route's is `route.path`.
    type Layer = { route?: { path: string; methods: Record<string, boolean> }; handle?: { stack?: Layer[] }; rawPath?: unknown };
    const routes: { method: string; path: string }[] = [];
    const walk = (stack: Layer[], prefix: string) => {
      for (const l of stack) {
        if (l.route) for (const m of Object.keys(l.route.methods)) routes.push({ method: m, path: prefix + l.route.path });
        else if (l.handle?.stack) {
          const mount = typeof l.rawPath === 'string' && l.rawPath !== '/' ? l.rawPath : '';
          walk(l.handle.stack, prefix + mount);
        }
      }
    };
    walk((t.app.express as unknown as { router: { stack: Layer[] } }).router.stack, '');
    const api = routes.filter((r) => r.path.startsWith('/api/v1/'));
    expect(api.length).toBeGreaterThan(15);
    const open = ['post /api/v1/auth/login', 'post /api/v1/auth/logout'];
    for (const r of api) {
      const path = r.path.replace(/:(\w+)/g, 'x');
      const res = await (t.http as unknown as Record<string, (p: string) => Promise<{ status: number }>>)[r.method]!(path);
      if (open.includes(`${r.method} ${r.path}`)) continue;
      expect({ route: `${r.method} ${r.path}`, status: res.status }).toEqual({ route: `${r.method} ${r.path}`, status: 401 });
    }
  });
});
