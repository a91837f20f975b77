import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../test/app.js';
import { mountedRoutes } from '../test/routes.js';
import { can, ROLES, type Permission, type Role } from './auth/permissions.js';

let t: TestApp;
const tokens = {} as Record<Role, string>;
beforeAll(async () => {
  t = await createTestApp();
  for (const r of ROLES) tokens[r] = await t.tokenFor(r);
});
afterAll(async () => {
  await t?.close();
});

/**
 * Every admin route with the permission it needs. A role without the permission must get 403; a role with it
 * must get past authorization (any status but 401/403). Add a row with every new route.
 */
const MATRIX: {
  method: 'get' | 'post' | 'patch' | 'put' | 'delete';
  path: string;
  perm: Permission;
  body?: object;
}[] = [
  { method: 'get', path: '/api/v1/auth/me', perm: 'self:read' },
  { method: 'get', path: '/api/v1/users', perm: 'users:read' },
  { method: 'post', path: '/api/v1/users', perm: 'users:write', body: {} },
  { method: 'get', path: '/api/v1/users/none', perm: 'users:read' },
  { method: 'patch', path: '/api/v1/users/none', perm: 'users:write', body: {} },
  { method: 'get', path: '/api/v1/keys', perm: 'keys:read-any' },
  { method: 'post', path: '/api/v1/keys', perm: 'keys:write-any', body: {} },
  { method: 'patch', path: '/api/v1/keys/none', perm: 'keys:write-any', body: {} },
  { method: 'post', path: '/api/v1/keys/none/revoke', perm: 'keys:write-any' },
  { method: 'get', path: '/api/v1/me/keys', perm: 'keys:own' },
  { method: 'post', path: '/api/v1/me/keys', perm: 'keys:own', body: {} },
  { method: 'post', path: '/api/v1/me/keys/none/revoke', perm: 'keys:own' },
  { method: 'patch', path: '/api/v1/me/keys/none', perm: 'keys:own', body: {} },
  { method: 'get', path: '/api/v1/me/keys/none/models', perm: 'keys:own' },
  { method: 'get', path: '/api/v1/me/byok', perm: 'byok:own' },
  { method: 'get', path: '/api/v1/me/byok/providers', perm: 'byok:own' },
  { method: 'put', path: '/api/v1/me/byok/none', perm: 'byok:own', body: {} },
  { method: 'delete', path: '/api/v1/me/byok/none', perm: 'byok:own' },
  { method: 'post', path: '/api/v1/me/byok/none/test', perm: 'byok:own' },
  { method: 'get', path: '/api/v1/byok', perm: 'usage:read-any' },
  { method: 'get', path: '/api/v1/audit', perm: 'audit:read' },
  { method: 'get', path: '/api/v1/orgs', perm: 'orgs:read' },
  { method: 'post', path: '/api/v1/orgs', perm: 'orgs:write', body: {} },
  { method: 'get', path: '/api/v1/orgs/none', perm: 'orgs:read' },
  { method: 'patch', path: '/api/v1/orgs/none', perm: 'orgs:write', body: {} },
  { method: 'delete', path: '/api/v1/orgs/none', perm: 'orgs:write' },
  { method: 'post', path: '/api/v1/orgs/none/members', perm: 'orgs:write', body: {} },
  { method: 'delete', path: '/api/v1/orgs/none/members/none', perm: 'orgs:write' },
  { method: 'put', path: '/api/v1/orgs/none/provider-keys/none', perm: 'providers:credentials', body: {} },
  { method: 'delete', path: '/api/v1/orgs/none/provider-keys/none', perm: 'providers:credentials' },
  { method: 'get', path: '/api/v1/apps', perm: 'apps:read' },
  { method: 'post', path: '/api/v1/apps', perm: 'apps:write', body: {} },
  { method: 'get', path: '/api/v1/apps/none', perm: 'apps:read' },
  { method: 'patch', path: '/api/v1/apps/none', perm: 'apps:write', body: {} },
  { method: 'delete', path: '/api/v1/apps/none', perm: 'apps:write' },
  { method: 'get', path: '/api/v1/llm/provider-types', perm: 'providers:read' },
  { method: 'get', path: '/api/v1/llm/providers', perm: 'providers:read' },
  { method: 'post', path: '/api/v1/llm/providers', perm: 'providers:write', body: {} },
  { method: 'put', path: '/api/v1/llm/providers/none', perm: 'providers:write', body: {} },
  { method: 'delete', path: '/api/v1/llm/providers/none', perm: 'providers:write' },
  { method: 'post', path: '/api/v1/llm/providers/none/test', perm: 'providers:write' },
  { method: 'post', path: '/api/v1/llm/test', perm: 'providers:write', body: {} },
  { method: 'get', path: '/api/v1/llm/models', perm: 'models:read' },
  { method: 'post', path: '/api/v1/llm/models', perm: 'models:write', body: {} },
  { method: 'post', path: '/api/v1/llm/models/bulk', perm: 'models:write', body: {} },
  { method: 'get', path: '/api/v1/llm/models/none', perm: 'models:read' },
  { method: 'put', path: '/api/v1/llm/models/none', perm: 'models:write', body: {} },
  { method: 'post', path: '/api/v1/llm/models/none/default', perm: 'models:write' },
  { method: 'delete', path: '/api/v1/llm/models/none', perm: 'models:write' },
  { method: 'get', path: '/api/v1/llm/routing/rules', perm: 'routing:read' },
  { method: 'put', path: '/api/v1/llm/routing/rules', perm: 'routing:write', body: {} },
  { method: 'get', path: '/api/v1/llm/routing/power-levels', perm: 'routing:read' },
  { method: 'put', path: '/api/v1/llm/routing/power-levels/none', perm: 'routing:write', body: {} },
  { method: 'get', path: '/api/v1/llm/routing/aliases', perm: 'routing:read' },
  { method: 'post', path: '/api/v1/llm/routing/aliases', perm: 'routing:write', body: {} },
  { method: 'put', path: '/api/v1/llm/routing/aliases/none', perm: 'routing:write', body: {} },
  { method: 'delete', path: '/api/v1/llm/routing/aliases/none', perm: 'routing:write' },
  { method: 'get', path: '/api/v1/llm/routing/chains', perm: 'routing:read' },
  { method: 'post', path: '/api/v1/llm/routing/chains', perm: 'routing:write', body: {} },
  { method: 'put', path: '/api/v1/llm/routing/chains/none', perm: 'routing:write', body: {} },
  { method: 'delete', path: '/api/v1/llm/routing/chains/none', perm: 'routing:write' },
  { method: 'post', path: '/api/v1/llm/routing/trace', perm: 'routing:trace', body: {} },
  { method: 'get', path: '/api/v1/llm/settings', perm: 'settings:read' },
  { method: 'put', path: '/api/v1/llm/settings', perm: 'settings:write', body: {} },
  { method: 'post', path: '/api/v1/llm/settings/ollama/test', perm: 'settings:write', body: {} },
  { method: 'post', path: '/api/v1/llm/settings/ollama/sync', perm: 'settings:write' },
  { method: 'get', path: '/api/v1/llm/usage', perm: 'usage:read-any' },
  { method: 'get', path: '/api/v1/llm/stats', perm: 'usage:read-any' },
  { method: 'get', path: '/api/v1/llm/live', perm: 'usage:read-any' },
  { method: 'get', path: '/api/v1/llm/usage/users', perm: 'usage:read-any' },
  { method: 'get', path: '/api/v1/llm/logs', perm: 'logs:read' },
  { method: 'get', path: '/api/v1/llm/logs/none', perm: 'logs:read' },
  { method: 'get', path: '/api/v1/llm/errors', perm: 'errors:read' },
  { method: 'get', path: '/api/v1/llm/export', perm: 'usage:own' },
  { method: 'get', path: '/api/v1/me/usage', perm: 'usage:own' },
  { method: 'get', path: '/api/v1/me/live', perm: 'usage:own' },
  { method: 'get', path: '/api/v1/me/logs', perm: 'usage:own' },
  { method: 'get', path: '/api/v1/me/logs/none', perm: 'usage:own' },
  { method: 'get', path: '/api/v1/me/export', perm: 'usage:own' },
  { method: 'post', path: '/api/v1/auth/password', perm: 'self:write', body: {} },
];

/** Routes anyone may call: sign-in, sign-out, the OpenAPI document and the connect-a-tool guide (no secrets). */
const PUBLIC = [
  'post /api/v1/auth/login',
  'post /api/v1/auth/logout',
  'get /api/v1/openapi.json',
  'get /api/v1/guide',
];

describe('authorization matrix', () => {
  it('has a row for every mounted /api/v1 route', () => {
    const missing = mountedRoutes(t.app)
      .filter((r) => r.path.startsWith('/api/v1/') && !PUBLIC.includes(`${r.method} ${r.path}`))
      .filter((r) => {
        const re = new RegExp(`^${r.path.replace(/:\w+/g, '[^/]+')}$`);
        return !MATRIX.some((m) => m.method === r.method && re.test(m.path));
      })
      .map((r) => `${r.method} ${r.path}`);
    expect(missing).toEqual([]);
  });

  const cases = MATRIX.flatMap((row) => ROLES.map((role) => ({ ...row, role })));
  it.each(cases)('$method $path as $role', async ({ method, path, perm, body, role }) => {
    let req = t.http[method](path).set('authorization', `Bearer ${tokens[role]}`);
    if (body) req = req.send(body);
    const res = await req;
    if (can(role, perm)) expect([401, 403]).not.toContain(res.status);
    else {
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe('forbidden');
    }
  });

  it.each(MATRIX)('$method $path anonymously → 401', async ({ method, path, body }) => {
    const res = await (body ? t.http[method](path).send(body) : t.http[method](path));
    expect(res.status).toBe(401);
  });
});

/**
 * Admins act on super admins only through a super admin: every route that targets a user answers an admin 403
 * when the target is a super admin (and still works on other users, and for a super admin).
 */
describe('admin versus super admin targets', () => {
  const as = (role: Role) => ({ authorization: `Bearer ${tokens[role]}` });
  let target: { id: string; email: string; password: string };
  let plain: { id: string };
  let orgId: string;
  let superKeyId: string;

  beforeAll(async () => {
    target = await t.createUser('super_admin');
    plain = await t.createUser('user');
    orgId = (
      await t.http
        .post('/api/v1/orgs')
        .set(as('super_admin'))
        .send({ name: 'Matrix org', slug: 'matrix-org' })
    ).body.id;
    await t.http
      .post(`/api/v1/orgs/${orgId}/members`)
      .set(as('super_admin'))
      .send({ userId: target.id })
      .expect(200);
    superKeyId = (
      await t.http
        .post('/api/v1/keys')
        .set(as('super_admin'))
        .send({ ownerType: 'user', ownerId: target.id, name: 'super key' })
    ).body.id;
  });

  const refusedForAdmin = (): { name: string; call: (role: Role) => ReturnType<typeof t.http.get> }[] => [
    {
      name: 'suspend',
      call: (r) => t.http.patch(`/api/v1/users/${target.id}`).set(as(r)).send({ status: 'suspended' }),
    },
    {
      name: 'rename',
      call: (r) => t.http.patch(`/api/v1/users/${target.id}`).set(as(r)).send({ name: 'Renamed' }),
    },
    {
      name: 'change the weekly cap',
      call: (r) => t.http.patch(`/api/v1/users/${target.id}`).set(as(r)).send({ weeklyCapUsd: 1 }),
    },
    {
      name: 'change the power level',
      call: (r) => t.http.patch(`/api/v1/users/${target.id}`).set(as(r)).send({ powerLevel: 'eco' }),
    },
    {
      name: 'demote',
      call: (r) => t.http.patch(`/api/v1/users/${target.id}`).set(as(r)).send({ role: 'user' }),
    },
    {
      name: 'mint a gateway key for',
      call: (r) =>
        t.http
          .post('/api/v1/keys')
          .set(as(r))
          .send({ ownerType: 'user', ownerId: target.id, name: 'impersonate' }),
    },
    {
      name: "change a gateway key's limits of",
      call: (r) => t.http.patch(`/api/v1/keys/${superKeyId}`).set(as(r)).send({ rpmLimit: 1 }),
    },
    {
      name: 'revoke a gateway key of',
      call: (r) => t.http.post(`/api/v1/keys/${superKeyId}/revoke`).set(as(r)),
    },
    {
      name: 'change the org membership of',
      call: (r) =>
        t.http.post(`/api/v1/orgs/${orgId}/members`).set(as(r)).send({ userId: target.id, role: 'member' }),
    },
    {
      name: 'remove from an org',
      call: (r) => t.http.delete(`/api/v1/orgs/${orgId}/members/${target.id}`).set(as(r)),
    },
    {
      name: 'make org owner',
      call: (r) => t.http.patch(`/api/v1/orgs/${orgId}`).set(as(r)).send({ ownerId: target.id }),
    },
  ];

  it.each(refusedForAdmin().map((c) => c.name))(
    'an admin cannot %s a super admin (403, nothing changes)',
    async (name) => {
      const c = refusedForAdmin().find((x) => x.name === name)!;
      const before = await t.app.ctx.prisma.user.findUniqueOrThrow({
        where: { id: target.id },
        include: { memberships: true, gatewayKeys: true, ownedOrgs: true },
      });
      const res = await c.call('admin');
      expect(res.status).toBe(403);
      expect(res.body.error).toMatchObject({
        code: 'forbidden',
        message: expect.stringMatching(/super admin/i),
      });
      const after = await t.app.ctx.prisma.user.findUniqueOrThrow({
        where: { id: target.id },
        include: { memberships: true, gatewayKeys: true, ownedOrgs: true },
      });
      expect(after).toEqual(before);
    },
  );

  it("an admin's refused suspension leaves the super admin signed in", async () => {
    const session = (
      await t.http.post('/api/v1/auth/login').send({ email: target.email, password: target.password })
    ).body.token as string;
    expect(
      (await t.http.patch(`/api/v1/users/${target.id}`).set(as('admin')).send({ status: 'suspended' }))
        .status,
    ).toBe(403);
    expect((await t.http.get('/api/v1/auth/me').set('authorization', `Bearer ${session}`)).status).toBe(200);
  });

  it("the same changes on an ordinary user are an admin's, and on a super admin a super admin's", async () => {
    expect(
      (
        await t.http
          .patch(`/api/v1/users/${plain.id}`)
          .set(as('admin'))
          .send({ name: 'Plain', weeklyCapUsd: 5 })
      ).status,
    ).toBe(200);
    expect(
      (await t.http.post(`/api/v1/orgs/${orgId}/members`).set(as('admin')).send({ userId: plain.id })).status,
    ).toBe(200);
    expect(
      (
        await t.http
          .patch(`/api/v1/users/${target.id}`)
          .set(as('super_admin'))
          .send({ name: 'Renamed by a peer', weeklyCapUsd: 7 })
      ).body,
    ).toMatchObject({ name: 'Renamed by a peer', weeklyCapUsd: 7 });
    expect(
      (await t.http.patch(`/api/v1/keys/${superKeyId}`).set(as('super_admin')).send({ rpmLimit: 5 })).status,
    ).toBe(200);
  });

  it("changing where a provider with stored credentials connects is a super admin's (the URL-change path)", async () => {
    const pid = (
      await t.http.post('/api/v1/llm/providers').set(as('super_admin')).send({
        type: 'custom',
        name: 'Keyed',
        slug: 'matrix-keyed',
        baseUrl: 'http://127.0.0.1:9/v1',
        apiKey: 'sk-matrix-keyed-0001',
      })
    ).body.id as string;
    for (const role of ROLES) {
      const res = await t.http
        .put(`/api/v1/llm/providers/${pid}`)
        .set(as(role))
        .send({ baseUrl: `http://127.0.0.1:9/${role}/v1` });
      expect(res.status, role).toBe(role === 'super_admin' ? 200 : 403);
      if (role !== 'super_admin') expect(res.body.error.code).toBe('forbidden');
    }
    // The same admin may still change what does not move the credentials.
    expect(
      (await t.http.put(`/api/v1/llm/providers/${pid}`).set(as('admin')).send({ priority: 3 })).status,
    ).toBe(200);
  });
});
