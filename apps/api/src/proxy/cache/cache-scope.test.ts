// Who a cached answer is served to, and what a refused write leaves behind, through a real HTTP mock upstream on the
// database store and on Redis. An answer produced with a caller's own provider key (BYOK) is served only to callers
// of that key: a colleague would otherwise learn what was asked and get a Responses id their own key cannot fetch.
// An organization may narrow who shares its answers (cacheScope: organization, the default, then user or key). An
// answer larger than the store keeps is neither counted as stored nor kept in this instance's front.
import fc from 'fast-check';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { generateGatewayKey } from '../../lib/key-format.js';
import { createProxyEnv, UPSTREAM_KEY, type ProxyEnv } from '../../test/proxy-env.js';
import { dropPrefix, REDIS_TEST_URL, testPrefix } from '../../test/redis.js';

type Obj = Record<string, unknown>;

describe.each([
  ['database', false],
  ['redis', true],
])('response cache scope on the %s store', (_name, redis) => {
  let env: ProxyEnv;
  let clock = Date.UTC(2026, 11, 7, 1, 0, 0);
  const prefix = testPrefix();
  const keys = { u1: '', u1b: '', u2: '', orgKey: '', c1: '', c1b: '', c2: '' };
  let orgC = '';
  let superAdmin = '';

  beforeAll(async () => {
    env = await createProxyEnv({
      now: () => clock,
      env: {
        CACHE_MAX_BYTES: '16kb',
        ...(redis
          ? { REDIS_URL: REDIS_TEST_URL, REDIS_KEY_PREFIX: prefix, REDIS_COMMAND_TIMEOUT_MS: '5000' }
          : {}),
      },
    });
    const { prisma, secrets } = env.t.app.ctx;
    const tag = prefix.slice(8, 13);
    const orgA = await prisma.organization.create({ data: { name: 'A', slug: `scope-a-${tag}` } });
    const orgCRow = await prisma.organization.create({ data: { name: 'C', slug: `scope-c-${tag}` } });
    orgC = orgCRow.id;
    const member = async (orgId: string) => {
      const u = await env.t.createUser('user');
      await prisma.organizationMember.create({ data: { orgId, userId: u.id } });
      return u.id;
    };
    const mkKey = async (
      name: string,
      data: { ownerType: string; userId: string | null; orgId?: string },
    ) => {
      const k = generateGatewayKey();
      await prisma.gatewayKey.create({ data: { keyHash: k.hash, prefix: k.prefix, name, ...data } });
      return k.key;
    };
    const u1 = await member(orgA.id);
    const u2 = await member(orgA.id);
    // U1 pays with its own key for the provider; U2 and the organization's key use the provider's.
    await prisma.byokKey.create({
      data: {
        userId: u1,
        providerId: env.ids.openai,
        encryptedKey: secrets.encrypt('sk-u1-own-key-0001'),
        last4: '0001',
        status: 'active',
      },
    });
    keys.u1 = await mkKey('u1', { ownerType: 'user', userId: u1 });
    keys.u1b = await mkKey('u1b', { ownerType: 'user', userId: u1 });
    keys.u2 = await mkKey('u2', { ownerType: 'user', userId: u2 });
    keys.orgKey = await mkKey('org', { ownerType: 'org', orgId: orgA.id, userId: null });
    const c1 = await member(orgC);
    const c2 = await member(orgC);
    keys.c1 = await mkKey('c1', { ownerType: 'user', userId: c1 });
    keys.c1b = await mkKey('c1b', { ownerType: 'user', userId: c1 });
    keys.c2 = await mkKey('c2', { ownerType: 'user', userId: c2 });
    await env.t.app.routing.reload();
    superAdmin = await env.t.tokenFor('seed_admin');
  }, 180_000);
  afterAll(async () => {
    await env?.close();
    if (redis) await dropPrefix(prefix);
  });
  beforeEach(() => {
    env.up.reset();
    env.t.app.responseCache.runtime.front?.clear();
    clock += 3_600_000;
  });

  let n = 0;
  const fresh = () => `scope question ${++n} ${Math.random()}`;
  async function ask(key: string, q: string, requestId?: string) {
    const res = await fetch(`${env.url}/v1/chat/completions`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${key}`,
        'x-switchyard-cache': '600',
        ...(requestId ? { 'x-request-id': requestId } : {}),
      },
      body: JSON.stringify({ model: 'up-openai/gpt-test', messages: [{ role: 'user', content: q }] }),
    });
    await res.text();
    expect(res.status).toBe(200);
    await Promise.all([...env.t.app.responseCache.runtime.writes]);
    return res.headers.get('x-switchyard-cache');
  }
  const upstreamAuth = () =>
    env.up.requests.filter((r) => r.method === 'POST').map((r) => r.headers.authorization);
  const setScope = (cacheScope: unknown) =>
    env.t.http
      .patch(`/api/v1/orgs/${orgC}`)
      .set({ authorization: `Bearer ${superAdmin}` })
      .send({ cacheScope });

  it("an answer paid with a user's own key is served to that user only, never to a colleague", async () => {
    const q = fresh();
    expect(await ask(keys.u1, q)).toBe('miss');
    expect(upstreamAuth()).toEqual(['Bearer sk-u1-own-key-0001']);
    // The same user (another of its keys, the same BYOK key upstream) is served from the cache.
    expect(await ask(keys.u1b, q)).toBe('hit');
    // A colleague in the same organization, on the provider's key: asked upstream with that key.
    expect(await ask(keys.u2, q)).toBe('miss');
    expect(upstreamAuth()).toEqual(['Bearer sk-u1-own-key-0001', `Bearer ${UPSTREAM_KEY}`]);
    // By default the organization shares answers paid with its provider keys: its own key is served U2's.
    expect(await ask(keys.orgKey, q)).toBe('hit');
    expect(upstreamAuth()).toHaveLength(2);
  });

  it("an organization's cacheScope: user, then key, then back to organization; anything else is a 400", async () => {
    const get = await env.t.http.get(`/api/v1/orgs/${orgC}`).set({ authorization: `Bearer ${superAdmin}` });
    expect(get.body.cacheScope).toBe('organization');
    let q = fresh();
    expect(await ask(keys.c1, q)).toBe('miss');
    expect(await ask(keys.c2, q)).toBe('hit');

    expect((await setScope('user')).status).toBe(200);
    q = fresh();
    expect(await ask(keys.c1, q)).toBe('miss');
    expect(await ask(keys.c2, q)).toBe('miss');
    expect(await ask(keys.c1b, q)).toBe('hit');

    expect((await setScope('key')).body.cacheScope).toBe('key');
    q = fresh();
    expect(await ask(keys.c1, q)).toBe('miss');
    expect(await ask(keys.c1b, q)).toBe('miss');
    expect(await ask(keys.c1, q)).toBe('hit');

    expect((await setScope('organization')).status).toBe(200);
    q = fresh();
    expect(await ask(keys.c1, q)).toBe('miss');
    expect(await ask(keys.c2, q)).toBe('hit');

    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.string(), fc.integer(), fc.constant(null), fc.boolean()), async (v) => {
        fc.pre(v !== 'organization' && v !== 'user' && v !== 'key');
        const res = await setScope(v);
        expect(res.status).toBe(400);
        expect(JSON.stringify(res.body)).toMatch(/cacheScope/);
      }),
      { numRuns: 25 },
    );
    const after = await env.t.http.get(`/api/v1/orgs/${orgC}`).set({ authorization: `Bearer ${superAdmin}` });
    expect(after.body.cacheScope).toBe('organization');
  });

  it('an answer larger than the store keeps is not counted as stored, nor kept by this instance', async () => {
    const storesBefore = await storeCount();
    const q = fresh();
    // About 20 KB: above the whole 16 KB bound (and the organization's share of it).
    env.up.script([{ text: 'y'.repeat(20_000) }, { text: 'y'.repeat(20_000) }]);
    expect(await ask(keys.orgKey, q, `big1-${q}`)).toBe('miss');
    expect(await ask(keys.orgKey, q, `big2-${q}`)).toBe('miss');
    expect(upstreamAuth()).toHaveLength(2);
    expect(await storeCount()).toBe(storesBefore);
    await env.flushUsage();
    const row = await env.t.app.ctx.prisma.usageRecord.findFirst({ where: { requestId: `big1-${q}` } });
    const trace = (row!.trace as Obj).cache as Obj;
    expect(trace.status).toBe('miss');
    expect(String(trace.summary)).toMatch(/not stored/);
  });

  async function storeCount() {
    const metrics = await fetch(`${env.url}/metrics`).then((r) => r.text());
    const m = /switchyard_response_cache_total\{outcome="store"\} (\d+)/.exec(metrics);
    return Number(m?.[1] ?? 0);
  }
});
