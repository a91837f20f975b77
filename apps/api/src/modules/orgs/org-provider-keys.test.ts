// An organization's own provider key can be turned off and on (a disabled key is kept but never routed), and its
// connection test records when it ran and what it found; only those who manage the key (super admins) do either.
// Checked through the proxy against a real mock upstream: the Authorization header the upstream receives says which
// key paid.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UPSTREAM_KEY, createProxyEnv, type ProxyEnv } from '../../test/proxy-env.js';

let env: ProxyEnv;
let superAdmin: string;
let orgId: string;
const ORG_KEY = 'sk-org-routing-secret-7q3z';

beforeAll(async () => {
  env = await createProxyEnv();
  superAdmin = await env.t.tokenFor('seed_admin');
  const org = await env.t.app.ctx.prisma.organization.create({ data: { name: 'Keyed', slug: 'keyed-org' } });
  orgId = org.id;
  await env.t.app.ctx.prisma.organizationMember.create({ data: { orgId, userId: env.ids.user } });
  const put = await env.t.http
    .put(`/api/v1/orgs/${orgId}/provider-keys/${env.ids.openai}`)
    .set(as(superAdmin))
    .send({ apiKey: ORG_KEY, label: 'team key' });
  expect(put.status).toBe(200);
});
afterAll(async () => {
  await env?.close();
});

const as = (token: string) => ({ authorization: `Bearer ${token}` });
const keyPath = () => `/api/v1/orgs/${orgId}/provider-keys/${env.ids.openai}`;
/** The key the upstream received for one chat request of the org's member. */
async function paidWith(): Promise<string | undefined> {
  env.up.reset();
  const res = await fetch(`${env.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${env.userKey}` },
    body: JSON.stringify({ model: 'up-openai/gpt-test', messages: [{ role: 'user', content: 'hi' }] }),
  });
  expect(res.status).toBe(200);
  await res.text();
  return env.up.requests.find((r) => r.path.endsWith('/chat/completions'))?.headers.authorization as
    string | undefined;
}
const orgKeys = async () =>
  (await env.t.http.get(`/api/v1/orgs/${orgId}`).set(as(superAdmin))).body.providerKeys as Record<
    string,
    unknown
  >[];

describe("an organization's provider key", () => {
  it('is listed with its provider, status and last test (never tested yet)', async () => {
    expect(await orgKeys()).toEqual([
      {
        providerId: env.ids.openai,
        provider: { slug: 'up-openai', name: expect.any(String), type: 'openai' },
        last4: '7q3z',
        label: 'team key',
        status: 'active',
        lastTestedAt: null,
        lastError: null,
      },
    ]);
    expect(await paidWith()).toBe(`Bearer ${ORG_KEY}`);
  });

  it('only a super admin turns it off or tests it (admins, viewers and members get a 403)', async () => {
    const member = await env.t.http.post('/api/v1/auth/login').send({
      email: (await env.t.app.ctx.prisma.user.findUniqueOrThrow({ where: { id: env.ids.user } })).email,
      password: env.userPassword,
    });
    for (const token of [
      await env.t.tokenFor('admin'),
      await env.t.tokenFor('viewer'),
      member.body.token as string,
    ]) {
      expect((await env.t.http.patch(keyPath()).set(as(token)).send({ status: 'disabled' })).status).toBe(
        403,
      );
      expect((await env.t.http.post(`${keyPath()}/test`).set(as(token))).status).toBe(403);
    }
    expect((await orgKeys())[0]).toMatchObject({ status: 'active', lastTestedAt: null });
  });

  it('disabled, it is kept but not routed: the members are served with the provider key; enabled, it pays again', async () => {
    const off = await env.t.http.patch(keyPath()).set(as(superAdmin)).send({ status: 'disabled' });
    expect(off.status).toBe(200);
    expect(off.body).toMatchObject({ providerId: env.ids.openai, last4: '7q3z', status: 'disabled' });
    expect(off.text).not.toContain(ORG_KEY);
    expect((await orgKeys())[0]).toMatchObject({ status: 'disabled' });
    expect(await paidWith()).toBe(`Bearer ${UPSTREAM_KEY}`);

    const on = await env.t.http.patch(keyPath()).set(as(superAdmin)).send({ status: 'active' });
    expect(on.body).toMatchObject({ status: 'active' });
    expect(await paidWith()).toBe(`Bearer ${ORG_KEY}`);

    const audit = await env.t.http.get('/api/v1/audit').query({ entityId: orgId }).set(as(superAdmin));
    expect(audit.body.data.map((e: { action: string }) => e.action)).toEqual(
      expect.arrayContaining(['org.provider_key.disable', 'org.provider_key.enable']),
    );
  });

  it('a test records when it ran; a key the provider refuses is marked invalid and not routed until it passes', async () => {
    const ok = await env.t.http.post(`${keyPath()}/test`).set(as(superAdmin));
    expect(ok.status).toBe(200);
    expect(ok.body.success).toBe(true);
    expect(env.up.requests.at(-1)?.headers.authorization).toBe(`Bearer ${ORG_KEY}`);
    const tested = (await orgKeys())[0]!;
    expect(tested).toMatchObject({ status: 'active', lastError: null });
    expect(Date.parse(tested.lastTestedAt as string)).not.toBeNaN();

    env.up.reset();
    env.up.script({
      path: '/models',
      status: 401,
      body: { error: { message: 'Incorrect API key provided' } },
    });
    const refused = await env.t.http.post(`${keyPath()}/test`).set(as(superAdmin));
    expect(refused.body.success).toBe(false);
    const invalid = (await orgKeys())[0]!;
    expect(invalid).toMatchObject({ status: 'invalid', lastError: expect.any(String) });
    expect(Date.parse(invalid.lastTestedAt as string)).toBeGreaterThanOrEqual(
      Date.parse(tested.lastTestedAt as string),
    );
    expect(await paidWith()).toBe(`Bearer ${UPSTREAM_KEY}`);

    await env.t.http.post(`${keyPath()}/test`).set(as(superAdmin));
    expect((await orgKeys())[0]).toMatchObject({ status: 'active', lastError: null });
    expect(await paidWith()).toBe(`Bearer ${ORG_KEY}`);
  });

  it('a disabled key stays disabled whatever its test finds; an unknown key is a 404', async () => {
    await env.t.http.patch(keyPath()).set(as(superAdmin)).send({ status: 'disabled' });
    const res = await env.t.http.post(`${keyPath()}/test`).set(as(superAdmin));
    expect(res.body.success).toBe(true);
    expect((await orgKeys())[0]).toMatchObject({ status: 'disabled' });
    expect(await paidWith()).toBe(`Bearer ${UPSTREAM_KEY}`);

    const none = `/api/v1/orgs/${orgId}/provider-keys/${env.ids.anthropic}`;
    expect((await env.t.http.patch(none).set(as(superAdmin)).send({ status: 'disabled' })).status).toBe(404);
    expect((await env.t.http.post(`${none}/test`).set(as(superAdmin))).status).toBe(404);
    expect((await env.t.http.patch(keyPath()).set(as(superAdmin)).send({ status: 'invalid' })).status).toBe(
      400,
    );
  });

  it('replacing the key makes it active and untested again', async () => {
    const put = await env.t.http
      .put(keyPath())
      .set(as(superAdmin))
      .send({ apiKey: `${ORG_KEY}-new1` });
    expect(put.body).toMatchObject({ status: 'active', lastTestedAt: null, lastError: null, last4: 'new1' });
    expect(await paidWith()).toBe(`Bearer ${ORG_KEY}-new1`);
  });
});

describe("a user's own (BYOK) key", () => {
  it("its owner turns it off (the next key, the organization's, pays) and back on; no one else can", async () => {
    const login = await env.t.http.post('/api/v1/auth/login').send({
      email: (await env.t.app.ctx.prisma.user.findUniqueOrThrow({ where: { id: env.ids.user } })).email,
      password: env.userPassword,
    });
    const me = as(login.body.token as string);
    const own = 'sk-user-own-byok-key-5k8w';
    expect(
      (await env.t.http.put(`/api/v1/me/byok/${env.ids.openai}`).set(me).send({ apiKey: own })).status,
    ).toBe(200);
    expect(await paidWith()).toBe(`Bearer ${own}`);

    const off = await env.t.http
      .patch(`/api/v1/me/byok/${env.ids.openai}`)
      .set(me)
      .send({ status: 'disabled' });
    expect(off.status).toBe(200);
    expect(off.body).toMatchObject({ status: 'disabled', last4: '5k8w' });
    // The org's key (replaced above, enabled) pays next, as for any member without a key of their own.
    expect(await paidWith()).toBe(`Bearer ${ORG_KEY}-new1`);
    // A test leaves it off.
    await env.t.http.post(`/api/v1/me/byok/${env.ids.openai}/test`).set(me);
    expect((await env.t.http.get('/api/v1/me/byok').set(me)).body.data[0]).toMatchObject({
      status: 'disabled',
    });

    const on = await env.t.http.patch(`/api/v1/me/byok/${env.ids.openai}`).set(me).send({ status: 'active' });
    expect(on.body).toMatchObject({ status: 'active' });
    expect(await paidWith()).toBe(`Bearer ${own}`);

    // Another user has no such key: a 404, and the owner's key is untouched.
    const other = await env.t.tokenFor('user');
    expect(
      (
        await env.t.http
          .patch(`/api/v1/me/byok/${env.ids.openai}`)
          .set(as(other))
          .send({ status: 'disabled' })
      ).status,
    ).toBe(404);
    expect(await paidWith()).toBe(`Bearer ${own}`);
  });
});
