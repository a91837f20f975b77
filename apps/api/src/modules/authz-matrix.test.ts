import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createTestApp, type TestApp } from '../test/app.js';
import { openSse } from '../test/sse.js';
import { mountedRoutes } from '../test/routes.js';
import { ALL_CONTRACTS, expressPath, whatIfContracts, type Contract } from '@switchyard/core';
import { can, ROLES, type Role } from './auth/permissions.js';

let t: TestApp;
let server: Server;
let base: string;
const tokens = {} as Record<Role, string>;
beforeAll(async () => {
  t = await createTestApp();
  for (const r of ROLES) tokens[r] = await t.tokenFor(r);
  // An event stream stays open: its status is read over a real connection that is then closed.
  server = createServer(t.app.handle);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server?.closeAllConnections();
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  await t?.close();
});

/** The status of an event stream's answer (the stream is closed once the headers arrived). */
async function streamStatus(path: string, token?: string): Promise<{ status: number; code?: string }> {
  const s = await openSse(`${base}${path}`, token ? { authorization: `Bearer ${token}` } : {});
  let code: string | undefined;
  if (s.status >= 400) {
    await new Promise((r) => setTimeout(r, 50));
    code = (JSON.parse(s.raw() || '{}') as { error?: { code?: string } }).error?.code;
  }
  s.close();
  return { status: s.status, code };
}

/**
 * Routes every signed-in user passes by role whose service then admits only operators (`usage:read-any`) and an
 * organization's owners and admins (for their organization): the what-if simulator, the aliases it may name and
 * savings advice. The
 * matrix's users administer no organization, so a role without `usage:read-any` gets 403 there; they are sent a
 * valid body, so that the answer is about who asks, not about the body. (Organization admins: whatif-org.test.ts.)
 */
const OPERATORS_OR_ORG_ADMINS: readonly Contract[] = [
  whatIfContracts.run,
  whatIfContracts.aliases,
  whatIfContracts.savings,
];
const VALID_BODY: ReadonlyMap<Contract, object> = new Map([
  [whatIfContracts.run, { from: '2026-01-01T00:00:00Z', to: '2026-01-02T00:00:00Z' }],
]);

/**
 * Every admin route with the permission it needs, generated from the contracts (a new endpoint is a contract, so it
 * is in the matrix). A role without the permission must get 403; a role with it must get past authorization (any
 * status but 401/403). Path parameters are an id that does not exist; a contract with a body sends `{}`.
 */
const MATRIX = ALL_CONTRACTS.filter((c) => c.path.startsWith('/api/v1/') && c.permission !== null).map(
  (c) => ({
    method: c.method,
    path: c.path.replace(/\{\w+\}/g, 'none'),
    perm: OPERATORS_OR_ORG_ADMINS.includes(c) ? ('usage:read-any' as const) : c.permission!,
    sse: 'contentType' in c.response && c.response.contentType === 'text/event-stream',
    ...(c.body ? { body: VALID_BODY.get(c) ?? {} } : {}),
  }),
);

/** Routes anyone may call (sign-in, sign-out, the OpenAPI document, the connect-a-tool guide, health checks). */
const PUBLIC = ALL_CONTRACTS.filter((c) => c.permission === null).map((c) => `${c.method} ${c.path}`);

describe('authorization matrix', () => {
  it('covers every admin route: every mounted route is a contract and every contract is mounted', () => {
    const mounted = mountedRoutes(t.app).map((r) => `${r.method} ${r.path}`);
    const declared = ALL_CONTRACTS.map((c) => `${c.method} ${expressPath(c.path)}`);
    expect(mounted.filter((r) => !declared.includes(r))).toEqual([]);
    expect(declared.filter((r) => !mounted.includes(r))).toEqual([]);
    expect(new Set(declared).size).toBe(declared.length);
    expect(MATRIX.length).toBeGreaterThan(75);
  });

  it('leaves only sign-in, sign-out, the guide, the OpenAPI document and the system routes public', () => {
    expect(PUBLIC.sort()).toEqual(
      [
        'post /api/v1/auth/login',
        'post /api/v1/auth/logout',
        'get /api/v1/openapi.json',
        'get /api/v1/guide',
        'get /health',
        'get /ready',
        'get /metrics',
      ].sort(),
    );
  });

  const cases = MATRIX.flatMap((row) => ROLES.map((role) => ({ ...row, role })));
  it.each(cases)('$method $path as $role', async ({ method, path, perm, body, role, sse }) => {
    if (sse) {
      const r = await streamStatus(path, tokens[role]);
      if (can(role, perm)) expect([401, 403]).not.toContain(r.status);
      else expect(r).toEqual({ status: 403, code: 'forbidden' });
      return;
    }
    let req = t.http[method](path).set('authorization', `Bearer ${tokens[role]}`);
    if (body) req = req.send(body);
    const res = await req;
    if (can(role, perm)) expect([401, 403]).not.toContain(res.status);
    else {
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe('forbidden');
    }
  });

  it.each(MATRIX)('$method $path anonymously → 401', async ({ method, path, body, sse }) => {
    if (sse) return expect((await streamStatus(path)).status).toBe(401);
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
