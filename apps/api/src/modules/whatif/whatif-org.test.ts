// The what-if simulator and savings advice for an organization's owners and admins (users, not operators), on the
// real database: they replay their organization's recorded requests only, under the changes that make sense for
// one organization; nothing of another organization (its figures, its name, its aliases, its models) reaches them.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ProxyUsage } from '../../metering/types.js';
import { writeUsageBatch } from '../../metering/writer.js';
import { createTestApp, type TestApp } from '../../test/app.js';
import { usageRecord } from '../../test/usage-record.js';

const NOW = Date.parse('2026-12-06T12:00:00Z');
const RANGE = { from: '2026-12-01T00:00:00Z', to: '2026-12-06T00:00:00Z' };
let t: TestApp;
let superAdmin: string;
let lead: string;
let member: string;
let outsider: string;
let acme: { id: string };
let globex: { id: string };
let alpha: { id: string };
let beta: { id: string };
let globexModel: { id: string };

const as = (token: string) => ({ authorization: `Bearer ${token}` });
const whatIf = (token: string, body: object) => t.http.post('/api/v1/llm/whatif').set(as(token)).send(body);

// Every request: 1,000 tokens in, 500 out. wo-alpha/wo-big costs 10 + 30 per 1M → $0.025; wo-beta/wo-big 5 + 15 →
// $0.0125; wo-beta/wo-mini 1 + 2 → $0.002.
let n = 0;
const rec = (over: Partial<ProxyUsage>): ProxyUsage => {
  n++;
  return usageRecord({
    createdAt: new Date(`2026-12-0${1 + (n % 4)}T10:00:0${n % 10}Z`),
    requestId: `wo-${n}`,
    requestedModel: 'wo-alpha/wo-big',
    providerId: alpha.id,
    providerSlug: 'wo-alpha',
    modelId: 'wo-big',
    tokensIn: 1000,
    tokensOut: 500,
    costUsd: 0.025,
    ...over,
  });
};
const onBetaBig = {
  requestedModel: 'wo-beta/wo-big',
  providerId: '',
  providerSlug: 'wo-beta',
  costUsd: 0.0125,
};

beforeAll(async () => {
  t = await createTestApp({ now: () => NOW });
  superAdmin = await t.tokenFor('super_admin');
  const p = t.app.ctx.prisma;
  acme = await p.organization.create({ data: { name: 'Acme', slug: 'acme-whatif-org' } });
  globex = await p.organization.create({ data: { name: 'Globex', slug: 'globex-whatif-org' } });
  const login = async (role: 'user', orgRole: 'admin' | 'member' | null) => {
    const u = await t.createUser(role);
    if (orgRole) await p.organizationMember.create({ data: { orgId: acme.id, userId: u.id, role: orgRole } });
    const res = await t.http.post('/api/v1/auth/login').send({ email: u.email, password: u.password });
    return res.body.token as string;
  };
  lead = await login('user', 'admin');
  member = await login('user', 'member');
  outsider = await login('user', null);
  alpha = await p.provider.create({
    data: { slug: 'wo-alpha', name: 'Alpha', type: 'mock', autoFallback: false, config: { keyless: true } },
  });
  beta = await p.provider.create({
    data: { slug: 'wo-beta', name: 'Beta', type: 'mock', autoFallback: false, config: { keyless: true } },
  });
  const model = (providerId: string, modelId: string, priceIn: number, priceOut: number, scope = 'global') =>
    p.model.create({
      data: {
        providerId,
        modelId,
        displayName: modelId,
        priceInputPer1M: priceIn,
        priceOutputPer1M: priceOut,
        contextWindow: 128_000,
        qualityTier: 'balanced',
        capabilities: ['chat', 'tools'],
        scope,
      },
    });
  await model(alpha.id, 'wo-big', 10, 30);
  await model(beta.id, 'wo-big', 5, 15);
  await model(beta.id, 'wo-mini', 1, 2);
  // Globex's own model (its scope only): no one outside Globex may name it, even by its registry id.
  globexModel = await model(beta.id, 'wo-globex-secret', 0.1, 0.1, `org:${globex.id}`);
  await p.alias.create({
    data: {
      name: 'team-chat',
      scope: `org:${acme.id}`,
      orgId: acme.id,
      targets: [{ ref: 'wo-alpha/wo-big', weight: 1 }],
    },
  });
  await p.alias.create({
    data: {
      name: 'globex-chat',
      scope: `org:${globex.id}`,
      orgId: globex.id,
      targets: [{ ref: 'wo-alpha/wo-big', weight: 1 }],
    },
  });
  await p.alias.create({
    data: { name: 'wo-global', scope: 'global', targets: [{ ref: 'wo-alpha/wo-big', weight: 1 }] },
  });
  await t.app.ctx.configChanged('test');
  const betaBig = { ...onBetaBig, providerId: beta.id };
  await writeUsageBatch(t.app.ctx.db, [
    // Acme: four requests answered by wo-alpha/wo-big, one of them through its own alias ($0.1).
    rec({ orgId: acme.id }),
    rec({ orgId: acme.id }),
    rec({ orgId: acme.id }),
    rec({ orgId: acme.id, requestedModel: 'team-chat' }),
    // Globex: five on wo-alpha/wo-big and two on wo-beta/wo-big ($0.15).
    ...Array.from({ length: 5 }, () => rec({ orgId: globex.id })),
    rec({ orgId: globex.id, ...betaBig }),
    rec({ orgId: globex.id, ...betaBig }),
    // No organization: two on wo-alpha/wo-big.
    rec({}),
    rec({}),
  ]);
}, 120_000);
afterAll(async () => {
  await t?.close();
});

/** Nothing of Globex in an answer: not its id, its name, its alias or its model. */
function expectNoGlobex(body: unknown) {
  const text = JSON.stringify(body);
  for (const s of [globex.id, 'Globex', 'globex-chat', 'wo-globex-secret', globexModel.id])
    expect(text).not.toContain(s);
}

describe('what-if for an organization admin', () => {
  it("replays their organization's requests only: figures, mixes and the per-organization breakdown", async () => {
    const res = await whatIf(lead, { ...RANGE, orgId: acme.id }).expect(200);
    const r = res.body;
    expect(r).toMatchObject({ orgId: acme.id, requests: 4, changed: 0, unroutable: { count: 0 } });
    expect(r.actual.costUsd).toBeCloseTo(0.1, 10);
    expect(r.projected.costUsd).toBeCloseTo(0.1, 10);
    expect(r.actual.providers).toMatchObject([{ slug: 'wo-alpha', requests: 4 }]);
    expect(r.actual.models).toMatchObject([{ ref: 'wo-alpha/wo-big', requests: 4 }]);
    expect(r.byOrg).toMatchObject([{ orgId: acme.id, name: 'Acme', requests: 4 }]);
    expectNoGlobex(r);
  });

  it("reads only their organization's rows from the database (the filter is in the query)", async () => {
    const spy = vi.spyOn(t.app.ctx.db, 'query');
    try {
      await whatIf(lead, { ...RANGE, orgId: acme.id, change: { strategy: 'cost' } }).expect(200);
      await t.http.get(`/api/v1/llm/savings?orgId=${acme.id}`).set(as(lead)).expect(200);
      const reads = spy.mock.calls.filter(([sql]) => /FROM "UsageRecord"/.test(String(sql)));
      expect(reads.length).toBeGreaterThan(0);
      for (const [sql, params] of reads) {
        expect(String(sql)).toMatch(/"orgId" = \$\d+/);
        expect(params).toContain(acme.id);
      }
    } finally {
      spy.mockRestore();
    }
  });

  it('tries the changes an organization can make: strategy, models, power levels, its own aliases', async () => {
    const replaced = await whatIf(lead, {
      ...RANGE,
      orgId: acme.id,
      change: { replaceModels: [{ from: 'wo-alpha/wo-big', to: 'wo-beta/wo-mini' }] },
    }).expect(200);
    expect(replaced.body.changed).toBe(4);
    expect(replaced.body.projected.costUsd).toBeCloseTo(4 * 0.002, 10);
    expectNoGlobex(replaced.body);

    const alias = await whatIf(lead, {
      ...RANGE,
      orgId: acme.id,
      change: {
        aliases: [{ name: 'team-chat', orgId: acme.id, targets: [{ ref: 'wo-beta/wo-mini', weight: 1 }] }],
      },
    }).expect(200);
    expect(alias.body.changed).toBe(1);
    expect(alias.body.projected.costUsd).toBeCloseTo(3 * 0.025 + 0.002, 10);

    const disabled = await whatIf(lead, {
      ...RANGE,
      orgId: acme.id,
      change: {
        disableModels: ['wo-alpha/wo-big'],
        strategy: 'cost',
        powerLevels: [{ slug: 'eco', tier: 'eco' }],
      },
    }).expect(200);
    expect(disabled.body.requests).toBe(4);
    expectNoGlobex(disabled.body);
  });

  it('refuses with a 403 what an organization cannot change: providers, routing rules, global or other aliases', async () => {
    const refused = async (change: object) => {
      const res = await whatIf(lead, { ...RANGE, orgId: acme.id, change }).expect(403);
      expect(res.body.error.code).toBe('forbidden');
      return res.body.error.message as string;
    };
    expect(await refused({ disableProviders: ['wo-alpha'] })).toMatch(/provider/i);
    expect(
      await refused({
        rules: [
          { name: 'x', when: { time: { tz: 'UTC', days: ['wed'] } }, then: { route: 'wo-beta/wo-mini' } },
        ],
      }),
    ).toMatch(/rule/i);
    expect(await refused({ aliases: [{ name: 'wo-global', strategy: 'weighted' }] })).toMatch(/alias/i);
    // Another organization's alias, the same name where no such alias or organization exists: the same answer.
    const other = await refused({
      aliases: [{ name: 'globex-chat', orgId: globex.id, strategy: 'weighted' }],
    });
    const none = await refused({
      aliases: [{ name: 'globex-chat', orgId: acme.id.slice(0, -1), strategy: 'weighted' }],
    });
    expect(other).toBe(none);
    expect(other).not.toContain(globex.id);
  });

  it("another organization's model is not there for them, even by its registry id", async () => {
    const res = await whatIf(lead, {
      ...RANGE,
      orgId: acme.id,
      change: { replaceModels: [{ from: 'wo-alpha/wo-big', to: globexModel.id }] },
    }).expect(400);
    expect(res.body.error.message).toBe(`No model "${globexModel.id}".`);
    // An operator may.
    await whatIf(superAdmin, {
      ...RANGE,
      change: { replaceModels: [{ from: 'wo-alpha/wo-big', to: globexModel.id }] },
    }).expect(200);
  });

  it('names the organization: none is a 400, one they do not administer a 403 (existing or not, alike)', async () => {
    expect((await whatIf(lead, RANGE).expect(400)).body.error.message).toMatch(/orgId/);
    const theirs = await whatIf(lead, { ...RANGE, orgId: globex.id }).expect(403);
    const nowhere = await whatIf(lead, { ...RANGE, orgId: 'no-such-org' }).expect(403);
    expect(theirs.body.error.message).toBe(nowhere.body.error.message);
    expectNoGlobex(theirs.body);
  });

  it('a plain member and a user of no organization may not run it or read savings advice (403)', async () => {
    for (const token of [member, outsider]) {
      await whatIf(token, { ...RANGE, orgId: acme.id }).expect(403);
      await whatIf(token, RANGE).expect(403);
      await t.http.get(`/api/v1/llm/savings?orgId=${acme.id}`).set(as(token)).expect(403);
      await t.http.get('/api/v1/llm/savings').set(as(token)).expect(403);
    }
  });

  it('an operator keeps the full view, every organization side by side', async () => {
    const res = await whatIf(superAdmin, RANGE).expect(200);
    expect(res.body.requests).toBe(13);
    expect(res.body.byOrg.map((o: { name: string }) => o.name).sort()).toEqual([
      'Acme',
      'Globex',
      'No organization',
    ]);
  });
});

describe("the aliases an organization admin's what-if offers", () => {
  /** The aliases this file made (the seed has global ones of its own). */
  const mine = (name: string) => /^(wo-|team-|globex-)/.test(name);
  const aliases = (token: string, orgId?: string) =>
    t.http.get(`/api/v1/llm/whatif/aliases${orgId ? `?orgId=${orgId}` : ''}`).set(as(token));

  it("lists their organization's own aliases and the enabled global ones, nothing of another organization", async () => {
    const res = await aliases(lead, acme.id).expect(200);
    const rows = res.body.data as {
      name: string;
      scope: string;
      orgId: string | null;
      orgName: string | null;
    }[];
    // (The seed's global aliases are there too.)
    expect(rows.every((a) => a.scope === 'global' || a.scope === `org:${acme.id}`)).toBe(true);
    expect(rows.filter((a) => mine(a.name)).map((a) => [a.scope, a.name])).toEqual([
      ['global', 'wo-global'],
      [`org:${acme.id}`, 'team-chat'],
    ]);
    expect(rows.at(-1)).toMatchObject({
      orgId: acme.id,
      orgName: 'Acme',
      targets: [{ ref: 'wo-alpha/wo-big' }],
    });
    expectNoGlobex(res.body);
    // What it lists is what their what-if accepts: their own alias changes the replay.
    const own = rows.find((a) => a.scope === `org:${acme.id}`)!;
    const run = await whatIf(lead, {
      ...RANGE,
      orgId: acme.id,
      change: {
        aliases: [{ name: own.name, orgId: own.orgId!, targets: [{ ref: 'wo-beta/wo-mini', weight: 1 }] }],
      },
    }).expect(200);
    expect(run.body.changed).toBe(1);
  });

  it('leaves out a disabled global alias, and target models of another organization', async () => {
    const p = t.app.ctx.prisma;
    const off = await p.alias.create({
      data: {
        name: 'wo-global-off',
        scope: 'global',
        enabled: false,
        targets: [{ ref: 'wo-alpha/wo-big', weight: 1 }],
      },
    });
    const mixed = await p.alias.create({
      data: {
        name: 'wo-mixed',
        scope: 'global',
        targets: [
          { ref: 'wo-beta/wo-globex-secret', weight: 1 },
          { ref: 'wo-alpha/wo-big', weight: 2 },
        ],
        fallbacks: ['wo-beta/wo-globex-secret', 'wo-beta/wo-mini'],
      },
    });
    try {
      const res = await aliases(lead, acme.id).expect(200);
      const names = res.body.data.map((a: { name: string }) => a.name);
      expect(names).not.toContain('wo-global-off');
      expect(res.body.data.find((a: { name: string }) => a.name === 'wo-mixed')).toMatchObject({
        targets: [{ ref: 'wo-alpha/wo-big', weight: 2 }],
        fallbacks: ['wo-beta/wo-mini'],
      });
      expectNoGlobex(res.body);
    } finally {
      await p.alias.deleteMany({ where: { id: { in: [off.id, mixed.id] } } });
    }
  });

  it('needs the organization named and theirs; members and outsiders get a 403; operators may read any', async () => {
    expect((await aliases(lead).expect(400)).body.error.message).toMatch(/orgId/);
    const theirs = await aliases(lead, globex.id).expect(403);
    const nowhere = await aliases(lead, 'no-such-org').expect(403);
    expect(theirs.body.error.message).toBe(nowhere.body.error.message);
    expectNoGlobex(theirs.body);
    for (const token of [member, outsider]) {
      await aliases(token, acme.id).expect(403);
      await aliases(token).expect(403);
    }
    const one = await aliases(superAdmin, globex.id).expect(200);
    expect(one.body.data.map((a: { name: string }) => a.name).filter(mine)).toEqual([
      'wo-global',
      'globex-chat',
    ]);
    const all = await aliases(superAdmin).expect(200);
    expect(
      all.body.data
        .map((a: { name: string }) => a.name)
        .filter(mine)
        .sort(),
    ).toEqual(['globex-chat', 'team-chat', 'wo-global']);
  });
});

describe('savings advice for an organization admin', () => {
  it("is worked out from their organization's traffic only", async () => {
    const res = await t.http.get(`/api/v1/llm/savings?orgId=${acme.id}`).set(as(lead)).expect(200);
    const s = res.body.suggestions;
    // Only Globex used wo-beta/wo-big: no advice about it for Acme.
    expect(s.map((x: { from: string; to: string }) => [x.from, x.to])).toEqual([
      ['wo-alpha/wo-big', 'wo-beta/wo-mini'],
      ['wo-alpha/wo-big', 'wo-beta/wo-big'],
    ]);
    expect(s[0]).toMatchObject({ requests: 4, sampled: 1 });
    expect(s[0].actualUsd).toBeCloseTo(0.1, 10);
    expect(s[0].monthlySavingUsd).toBeCloseTo(0.1 - 4 * 0.002, 10);
    expectNoGlobex(res.body);
  });

  it('needs the organization named; an operator may read everyone or one organization', async () => {
    expect((await t.http.get('/api/v1/llm/savings').set(as(lead)).expect(400)).body.error.message).toMatch(
      /orgId/,
    );
    await t.http.get(`/api/v1/llm/savings?orgId=${globex.id}`).set(as(lead)).expect(403);
    const all = await t.http.get('/api/v1/llm/savings').set(as(superAdmin)).expect(200);
    expect(all.body.suggestions[0]).toMatchObject({ from: 'wo-alpha/wo-big', requests: 11 });
    const one = await t.http.get(`/api/v1/llm/savings?orgId=${acme.id}`).set(as(superAdmin)).expect(200);
    expect(one.body.suggestions[0]).toMatchObject({ from: 'wo-alpha/wo-big', requests: 4 });
  });
});
