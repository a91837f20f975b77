// The what-if simulator and savings advice (issue 21 parts 4 and 5a) on the real database: recorded requests are
// replayed through routing under a candidate change; the figures below are worked out by hand from the prices.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProxyUsage } from '../../metering/types.js';
import { writeUsageBatch } from '../../metering/writer.js';
import { createTestApp, type TestApp } from '../../test/app.js';
import { usageRecord } from '../../test/usage-record.js';

const NOW = Date.parse('2026-12-06T12:00:00Z');
const RANGE = { from: '2026-12-01T00:00:00Z', to: '2026-12-06T00:00:00Z' };
let t: TestApp;
let admin: string;
let viewer: string;
let user: string;
let acme: { id: string };
let alpha: { id: string };
let beta: { id: string };

const as = (token: string) => ({ authorization: `Bearer ${token}` });

// Every request: 1,000 tokens in, 500 out. wi-alpha/wi-big costs 10 + 30 per 1M → $0.025; wi-beta/wi-big 5 + 15 →
// $0.0125; wi-beta/wi-mini 1 + 2 → $0.002.
const rec = (n: number, over: Partial<ProxyUsage>): ProxyUsage =>
  usageRecord({
    createdAt: new Date(`2026-12-0${1 + (n % 4)}T10:00:0${n % 10}Z`),
    requestId: `wi-${n}`,
    requestedModel: 'wi-alpha/wi-big',
    providerId: alpha.id,
    providerSlug: 'wi-alpha',
    modelId: 'wi-big',
    tokensIn: 1000,
    tokensOut: 500,
    costUsd: 0.025,
    ...over,
  });

beforeAll(async () => {
  t = await createTestApp({ now: () => NOW });
  admin = await t.tokenFor('admin');
  viewer = await t.tokenFor('viewer');
  user = await t.tokenFor('user');
  const p = t.app.ctx.prisma;
  acme = await p.organization.create({ data: { name: 'Acme', slug: 'acme-whatif' } });
  alpha = await p.provider.create({
    data: { slug: 'wi-alpha', name: 'Alpha', type: 'mock', autoFallback: false, config: { keyless: true } },
  });
  beta = await p.provider.create({
    data: { slug: 'wi-beta', name: 'Beta', type: 'mock', autoFallback: false, config: { keyless: true } },
  });
  const model = (
    providerId: string,
    modelId: string,
    priceIn: number,
    priceOut: number,
    caps: string[],
    cw: number,
  ) =>
    p.model.create({
      data: {
        providerId,
        modelId,
        displayName: modelId,
        priceInputPer1M: priceIn,
        priceOutputPer1M: priceOut,
        contextWindow: cw,
        qualityTier: 'balanced',
        capabilities: caps,
      },
    });
  await model(alpha.id, 'wi-big', 10, 30, ['chat', 'tools', 'vision', 'json'], 128_000);
  await model(beta.id, 'wi-big', 5, 15, ['chat', 'tools'], 128_000);
  await model(beta.id, 'wi-mini', 1, 2, ['chat', 'tools', 'vision'], 2_000);
  await t.app.ctx.configChanged('test');
  await writeUsageBatch(t.app.ctx.db, [
    rec(1, { orgId: acme.id }),
    rec(2, { orgId: acme.id }),
    rec(3, { orgId: acme.id }),
    // Needed vision, with max_tokens 500 (stored in the trace by the proxy).
    rec(4, { trace: { facts: { needs: ['vision'], maxTokens: 500 }, plan: null, attempts: [] } }),
    rec(5, {
      orgId: acme.id,
      requestedModel: 'wi-beta/wi-big',
      providerId: beta.id,
      providerSlug: 'wi-beta',
      costUsd: 0.0125,
    }),
    // Not replayed: a failed request, and one outside the range (and the savings window).
    rec(6, { status: 502, costUsd: 0, providerId: null, modelId: null }),
    rec(7, { createdAt: new Date('2026-10-20T10:00:00Z') }),
  ]);
}, 120_000);
afterAll(async () => {
  await t?.close();
});

describe('what-if simulator', () => {
  it('no change: the current configuration replayed costs what was recorded', async () => {
    const res = await t.http.post('/api/v1/llm/whatif').set(as(admin)).send(RANGE).expect(200);
    expect(res.body).toMatchObject({ requests: 5, changed: 0, truncated: false, unroutable: { count: 0 } });
    expect(res.body.actual.costUsd).toBeCloseTo(0.1125, 10);
    expect(res.body.projected.costUsd).toBeCloseTo(0.1125, 10);
    expect(res.body.current.costUsd).toBeCloseTo(0.1125, 10);
  });

  it('a disabled provider: its direct requests become unroutable, with the reason, per org', async () => {
    const res = await t.http
      .post('/api/v1/llm/whatif')
      .set(as(viewer))
      .send({ ...RANGE, change: { disableProviders: ['wi-alpha'] } })
      .expect(200);
    const r = res.body;
    expect(r.unroutable.count).toBe(4);
    expect(r.unroutable.reasons).toMatchObject([{ code: 'no_candidates', count: 4 }]);
    expect(r.unroutable.reasons[0].example).toContain('provider-disabled');
    expect(r.projected.costUsd).toBeCloseTo(0.0125, 10);
    expect(r.actual.providers.map((p: { slug: string; requests: number }) => [p.slug, p.requests])).toEqual([
      ['wi-alpha', 4],
      ['wi-beta', 1],
    ]);
    expect(r.byOrg).toMatchObject([
      { orgId: acme.id, name: 'Acme', requests: 4, unroutable: 3, changed: 0 },
      { orgId: null, name: 'No organization', requests: 1, unroutable: 1 },
    ]);
    expect(r.byOrg[0].actualUsd).toBeCloseTo(0.0875, 10);
    expect(r.byOrg[0].projectedUsd).toBeCloseTo(0.0125, 10);
  });

  it('a replaced model: its requests land on the new one at its prices (the vision request too)', async () => {
    const res = await t.http
      .post('/api/v1/llm/whatif')
      .set(as(admin))
      .send({ ...RANGE, change: { replaceModels: [{ from: 'wi-alpha/wi-big', to: 'wi-beta/wi-mini' }] } })
      .expect(200);
    const r = res.body;
    expect(r.changed).toBe(4);
    expect(r.unroutable.count).toBe(0);
    expect(r.projected.costUsd).toBeCloseTo(4 * 0.002 + 0.0125, 10);
    expect(r.projected.models.map((m: { ref: string; requests: number }) => [m.ref, m.requests])).toEqual([
      ['wi-beta/wi-big', 1],
      ['wi-beta/wi-mini', 4],
    ]);
    expect(r.samples).toHaveLength(4);
    expect(r.samples[0]).toMatchObject({
      actual: 'wi-alpha/wi-big',
      projected: 'wi-beta/wi-mini',
      reason: null,
    });
  });

  it("a request's recorded needs are honoured: the vision request has no place on a model without vision", async () => {
    const res = await t.http
      .post('/api/v1/llm/whatif')
      .set(as(admin))
      .send({ ...RANGE, change: { replaceModels: [{ from: 'wi-alpha/wi-big', to: 'wi-beta/wi-big' }] } })
      .expect(200);
    expect(res.body.changed).toBe(3);
    expect(res.body.unroutable.count).toBe(1);
    expect(res.body.byOrg.find((o: { orgId: string | null }) => o.orgId === null).unroutable).toBe(1);
  });

  it('a candidate rule: requests made inside its window, at their own time, move to its route', async () => {
    const rules = [
      {
        name: 'Wednesday mornings to the mini',
        when: { time: { tz: 'UTC', days: ['wed'], from: '09:00', to: '11:00' } },
        then: { route: 'wi-beta/wi-mini' },
      },
    ];
    const res = await t.http
      .post('/api/v1/llm/whatif')
      .set(as(admin))
      .send({ ...RANGE, change: { rules } })
      .expect(200);
    // Wednesday 2 December: requests 1 (wi-alpha/wi-big) and 5 (wi-beta/wi-big) move; the others keep their target.
    expect(res.body.changed).toBe(2);
    expect(res.body.projected.costUsd).toBeCloseTo(2 * 0.002 + 3 * 0.025, 10);
    const off = await t.http
      .post('/api/v1/llm/whatif')
      .set(as(admin))
      .send({ ...RANGE, change: { rules: [{ ...rules[0], enabled: false }] } })
      .expect(200);
    expect(off.body.changed).toBe(0);
    const bad = await t.http
      .post('/api/v1/llm/whatif')
      .set(as(admin))
      .send({ ...RANGE, change: { rules: [{ ...rules[0], when: { time: { tz: 'Mars/Olympus' } } }] } })
      .expect(400);
    expect(JSON.stringify(bad.body)).toMatch(/tz|time zone/i);
  });

  it("one organization's traffic only", async () => {
    const res = await t.http
      .post('/api/v1/llm/whatif')
      .set(as(admin))
      .send({ ...RANGE, orgId: acme.id, change: { strategy: 'cost' } })
      .expect(200);
    expect(res.body.requests).toBe(4);
    expect(res.body.byOrg.map((o: { name: string }) => o.name)).toEqual(['Acme']);
  });

  it('refuses bad input with a 400 that says why; users may not run it', async () => {
    const bad = async (body: unknown) =>
      (
        await t.http
          .post('/api/v1/llm/whatif')
          .set(as(admin))
          .send(body as object)
          .expect(400)
      ).body.error;
    expect((await bad({ from: RANGE.to, to: RANGE.from })).message).toMatch(/before/);
    expect((await bad({ from: '2026-01-01', to: '2026-12-01' })).message).toMatch(/92 days/);
    expect((await bad({ ...RANGE, change: { disableProviders: ['nope'] } })).message).toBe(
      'No provider "nope".',
    );
    expect((await bad({ ...RANGE, change: { strategy: 'cheapest' } })).message).toMatch(/strategy/);
    await t.http.post('/api/v1/llm/whatif').set(as(user)).send(RANGE).expect(403);
    await t.http.get('/api/v1/llm/savings').set(as(user)).expect(403);
  });
});

describe('what-if body fuzz', () => {
  it('no body, change or range gets a 5xx or hangs', async () => {
    const ref = fc.oneof(
      fc.constantFrom(
        'wi-alpha/wi-big',
        'wi-beta/wi-mini',
        'wi-big',
        'mock/mock-small',
        '',
        'x\u0000',
        '\ud800',
      ),
      fc.string({ maxLength: 40 }),
    );
    const change = fc.oneof(
      fc.jsonValue({ maxDepth: 3 }),
      fc.record(
        {
          strategy: fc.oneof(fc.constantFrom('cost', 'balanced', 'quality'), fc.jsonValue({ maxDepth: 1 })),
          disableProviders: fc.array(ref, { maxLength: 4 }),
          disableModels: fc.array(ref, { maxLength: 4 }),
          replaceModels: fc.array(fc.record({ from: ref, to: ref }), { maxLength: 3 }),
          aliases: fc.array(
            fc.record({
              name: fc.oneof(fc.constant('chat.default'), ref),
              strategy: fc.constantFrom('ordered', 'weighted', 'quota-aware', 'nope'),
              targets: fc.array(
                fc.record({ ref, weight: fc.oneof(fc.integer(), fc.double(), fc.constant(0)) }),
                { maxLength: 3 },
              ),
            }),
            { maxLength: 2 },
          ),
          powerLevels: fc.array(
            fc.record({
              slug: fc.constantFrom('eco', 'balanced', 'precision', 'x'),
              modelRefs: fc.array(ref),
            }),
            { maxLength: 3 },
          ),
        },
        { requiredKeys: [] },
      ),
    );
    const date = fc.oneof(
      fc.constantFrom(RANGE.from, RANGE.to, '2026-11-30', '0000-00-00', '', 'x'),
      fc.integer(),
      fc.jsonValue({ maxDepth: 1 }),
    );
    await fc.assert(
      fc.asyncProperty(date, date, change, fc.option(ref), async (from, to, ch, orgId) => {
        const res = await t.http
          .post('/api/v1/llm/whatif')
          .set(as(admin))
          .send({ from, to, change: ch, ...(orgId === null ? {} : { orgId }) })
          .timeout(20_000);
        expect(res.status, JSON.stringify(res.body)).toBeLessThan(500);
        if (res.status >= 400) expect(res.body.error.code).toBeTypeOf('string');
      }),
      { numRuns: 80 },
    );
  }, 120_000);
});

describe('savings advice', () => {
  it('suggests cheaper models of the same tier with the capabilities used, with the projected monthly saving', async () => {
    const res = await t.http.get('/api/v1/llm/savings').set(as(viewer)).expect(200);
    const s = res.body.suggestions;
    // wi-alpha/wi-big served a vision request: only wi-mini (vision, 2,000-token window ≥ the 1,000-token
    // prompts) qualifies; wi-beta/wi-big (no vision) does not. wi-beta/wi-big itself: wi-mini too.
    expect(s.map((x: { from: string; to: string }) => [x.from, x.to])).toEqual([
      ['wi-alpha/wi-big', 'wi-beta/wi-mini'],
      ['wi-beta/wi-big', 'wi-beta/wi-mini'],
    ]);
    expect(s[0]).toMatchObject({
      requests: 4,
      unroutable: 0,
      maxPromptTokens: 1000,
      sampled: 1,
      tier: 'balanced',
    });
    expect(s[0].actualUsd).toBeCloseTo(0.1, 10);
    expect(s[0].projectedUsd).toBeCloseTo(0.008, 10);
    expect(s[0].monthlySavingUsd).toBeCloseTo(0.092, 10);
    expect(s[1].monthlySavingUsd).toBeCloseTo(0.0105, 10);
  });
});
