// Conditional routing rules: the admin API (CRUD, reorder, validation, audit, roles), the proxy honouring a rule
// against a real HTTP mock upstream, and the tester (a described request, a logged one, a draft list).
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MASTER_KEY, createProxyEnv, type ProxyEnv } from '../../test/proxy-env.js';

const BASE = '/api/v1/llm/rules';

let env: ProxyEnv;
let admin: string;
let viewer: string;
const as = (token: string) => ({ authorization: `Bearer ${token}` });

beforeAll(async () => {
  env = await createProxyEnv();
  admin = await env.t.tokenFor('admin');
  viewer = await env.t.tokenFor('viewer');
}, 180_000);
afterAll(async () => {
  await env?.close();
});

async function call(
  body: Record<string, unknown>,
  headers: Record<string, string> = {},
  path = '/v1/chat/completions',
) {
  const res = await fetch(`${env.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${env.userKey}`, ...headers },
    body: JSON.stringify(body),
  });
  return { res, json: (await res.json()) as Record<string, unknown> };
}

const hi = { model: 'up-openai/gpt-test', messages: [{ role: 'user', content: 'Hi' }] };

/** A window of two hours around now, in UTC ('HH:MM'). */
function windowAroundNow(): { from: string; to: string } {
  const hhmm = (ms: number) => new Date(ms).toISOString().slice(11, 16);
  return { from: hhmm(Date.now() - 3_600_000), to: hhmm(Date.now() + 3_600_000) };
}

describe('routing rules API', () => {
  it('creates, lists, changes, reorders and deletes rules (audited); viewers read only', async () => {
    await env.t.app.ctx.prisma.routingRule.deleteMany();
    const a = await env.t.http
      .post(BASE)
      .set(as(admin))
      .send({
        name: 'Nights',
        when: { time: { tz: 'Europe/Paris', days: ['mon', 'fri', 0], from: '22:00', to: '06:00' } },
        then: { route: 'eco' },
      })
      .expect(201);
    expect(a.body).toMatchObject({
      name: 'Nights',
      enabled: true,
      order: 0,
      when: { time: { tz: 'Europe/Paris', days: [0, 1, 5], from: '22:00', to: '06:00' } },
      then: { route: 'eco' },
    });
    const b = await env.t.http
      .post(BASE)
      .set(as(admin))
      .send({ name: 'Big prompts', when: { request: { minPromptTokens: 5000 } }, then: { strategy: 'cost' } })
      .expect(201);
    expect(b.body.order).toBe(1);
    await env.t.http
      .post(BASE)
      .set(as(viewer))
      .send({ name: 'x', then: { route: 'eco' } })
      .expect(403);
    const list = await env.t.http.get(BASE).set(as(viewer)).expect(200);
    expect(list.body.data.map((r: { name: string }) => r.name)).toEqual(['Nights', 'Big prompts']);

    const off = await env.t.http
      .patch(`${BASE}/${a.body.id}`)
      .set(as(admin))
      .send({ enabled: false })
      .expect(200);
    expect(off.body).toMatchObject({ enabled: false, then: { route: 'eco' } });
    await env.t.http.patch(`${BASE}/${a.body.id}`).set(as(viewer)).send({ enabled: true }).expect(403);
    await env.t.http.patch(`${BASE}/nope`).set(as(admin)).send({ enabled: true }).expect(404);

    const re = await env.t.http
      .post(`${BASE}/reorder`)
      .set(as(admin))
      .send({ ids: [b.body.id, a.body.id] })
      .expect(200);
    expect(re.body.data.map((r: { name: string; order: number }) => [r.name, r.order])).toEqual([
      ['Big prompts', 0],
      ['Nights', 1],
    ]);
    // Every rule exactly once.
    await env.t.http
      .post(`${BASE}/reorder`)
      .set(as(admin))
      .send({ ids: [b.body.id] })
      .expect(400);
    await env.t.http
      .post(`${BASE}/reorder`)
      .set(as(admin))
      .send({ ids: [b.body.id, b.body.id] })
      .expect(400);

    await env.t.http.delete(`${BASE}/${b.body.id}`).set(as(admin)).expect(204);
    await env.t.http.delete(`${BASE}/${b.body.id}`).set(as(admin)).expect(404);
    const audit = await env.t.app.ctx.prisma.auditLog.findMany({ where: { entityType: 'RoutingRule' } });
    expect(audit.map((x) => x.action).sort()).toEqual([
      'rule.create',
      'rule.create',
      'rule.delete',
      'rule.reorder',
      'rule.update',
    ]);
  });

  it.each([
    ['an unknown time zone', { when: { time: { tz: 'Mars/Olympus' } } }, 'time zone'],
    ['a bad time', { when: { time: { tz: 'UTC', from: '25:00' } } }, 'HH:MM'],
    ['a bad day', { when: { time: { tz: 'UTC', days: ['someday'] } } }, 'mon..sun'],
    [
      'an unsafe regular expression',
      { when: { headers: [{ name: 'x-team', matches: '(a+)+$' }] } },
      'repeat',
    ],
    ['an invalid regular expression', { when: { headers: [{ name: 'x-team', matches: '([' }] } }, 'regular'],
    ['a credential header', { when: { headers: [{ name: 'Authorization', equals: 'x' }] } }, 'credential'],
    ['equals and matches', { when: { headers: [{ name: 'x-a', equals: 'x', matches: 'x' }] } }, 'not both'],
    ['no action', { then: {} }, 'at least one'],
    ['a bad strategy', { then: { strategy: 'fastest' } }, 'strategy'],
    ['min above max', { when: { request: { minPromptTokens: 10, maxPromptTokens: 5 } } }, 'minPromptTokens'],
    ['an unknown condition', { when: { weather: 'rain' } }, 'weather'],
    ['a NUL in the name', { name: 'a\u0000b' }, 'NUL'],
  ])('refuses %s with a 400 saying what is wrong', async (_what, over, word) => {
    const r = await env.t.http
      .post(BASE)
      .set(as(admin))
      .send({ name: 'Bad', then: { route: 'eco' }, ...over })
      .expect(400);
    expect(JSON.stringify(r.body)).toContain(word);
  });
});

describe('the proxy with rules', () => {
  it('routes by a header rule, a time window and metadata; the log’s trace names the rule; disabled does nothing', async () => {
    const { prisma } = env.t.app.ctx;
    await prisma.routingRule.deleteMany();
    const team = await env.t.http
      .post(BASE)
      .set(as(admin))
      .send({
        name: 'Search team to Claude',
        when: { headers: [{ name: 'X-Team', matches: '^sea' }], request: { formats: ['openai'] } },
        then: { route: 'up-anthropic/claude-test' },
      })
      .expect(201);
    await env.t.http
      .post(BASE)
      .set(as(admin))
      .send({
        name: 'Night',
        when: { time: { tz: 'UTC', ...windowAroundNow() }, metadata: [{ key: 'lane', equals: 'batch' }] },
        then: { route: 'up-backup/gpt-test' },
      })
      .expect(201);

    env.up.reset();
    const plain = await call(hi);
    expect(plain.res.status).toBe(200);
    expect(plain.res.headers.get('x-switchyard-provider')).toBe('up-openai');

    const routed = await call(hi, { 'x-team': 'search' });
    expect(routed.res.status).toBe(200);
    expect(routed.res.headers.get('x-switchyard-provider')).toBe('up-anthropic');
    // The upstream received the rule's model.
    expect(JSON.stringify(env.up.requests.at(-1)?.body)).toContain('claude-test');

    const night = await call({ ...hi, metadata: { lane: 'batch' } });
    expect(night.res.headers.get('x-switchyard-provider')).toBe('up-backup');
    const notNight = await call({ ...hi, metadata: { lane: 'live' } });
    expect(notNight.res.headers.get('x-switchyard-provider')).toBe('up-openai');

    await env.flushUsage();
    const rec = await prisma.usageRecord.findFirstOrThrow({
      where: { requestId: routed.res.headers.get('x-request-id')! },
    });
    const log = await env.t.http.get(`/api/v1/llm/logs/${rec.id}`).set(as(admin)).expect(200);
    expect(log.body.trace.plan.rule).toEqual({
      id: team.body.id,
      name: 'Search team to Claude',
      route: 'up-anthropic/claude-test',
    });
    expect(log.body.requestedModel).toBe('up-openai/gpt-test');
    const plainRec = await prisma.usageRecord.findFirstOrThrow({
      where: { requestId: plain.res.headers.get('x-request-id')! },
    });
    expect((plainRec.trace as { plan: { rule?: unknown } }).plan.rule).toBeUndefined();

    // Switched off, the same request goes where it named.
    await env.t.http.patch(`${BASE}/${team.body.id}`).set(as(admin)).send({ enabled: false }).expect(200);
    const after = await call(hi, { 'x-team': 'search' });
    expect(after.res.headers.get('x-switchyard-provider')).toBe('up-openai');
  });

  it('random header values and metadata never make the proxy answer a 5xx while rules read them', async () => {
    const { prisma } = env.t.app.ctx;
    await prisma.routingRule.deleteMany();
    await env.t.http
      .post(BASE)
      .set(as(admin))
      .send({
        name: 'Fuzz',
        when: { headers: [{ name: 'x-team', matches: '^a.*z$' }], metadata: [{ key: 'lane', equals: 'x' }] },
        then: { route: 'up-backup/gpt-test' },
      })
      .expect(201);
    await env.t.app.routing.reload();
    const printable = fc.string({ maxLength: 300 }).map((s) => s.replace(/[^\x20-\x7e]/g, 'a').trim());
    // Any metadata, or one whose looked-at value is any text (NUL, lone surrogates, 5,000 characters).
    const metadata = fc.oneof(
      fc.jsonValue({ maxDepth: 2 }),
      fc.record({ lane: fc.string({ unit: 'binary', maxLength: 5000 }) }),
    );
    const ids: string[] = [];
    await fc.assert(
      fc.asyncProperty(printable, metadata, async (team, md) => {
        const r = await call({ ...hi, metadata: md }, { 'x-team': team });
        expect(r.res.status).toBeLessThan(500);
        ids.push(r.res.headers.get('x-request-id')!);
      }),
      { numRuns: 40 },
    );
    // Every request is metered, whatever values its record keeps for the rules.
    await env.flushUsage();
    const rows = await prisma.usageRecord.findMany({
      where: { requestId: { in: ids } },
      select: { trace: true },
    });
    expect(rows).toHaveLength(ids.length);
    for (const row of rows) {
      const inputs = (row.trace as { inputs?: { headers?: Record<string, string> } }).inputs;
      expect(inputs?.headers).toBeDefined();
    }
    await prisma.routingRule.deleteMany();
    await env.t.app.routing.reload();
  });

  it('an admin assigns regions to keys, apps and providers (a bad one is a 400)', async () => {
    const key = await env.t.app.ctx.prisma.gatewayKey.findFirstOrThrow();
    const k = await env.t.http
      .patch(`/api/v1/keys/${key.id}`)
      .set(as(admin))
      .send({ region: 'EU-West' })
      .expect(200);
    expect(k.body.region).toBe('eu-west');
    await env.t.http.patch(`/api/v1/keys/${key.id}`).set(as(admin)).send({ region: 'eu west!' }).expect(400);
    await env.t.http.patch(`/api/v1/keys/${key.id}`).set(as(admin)).send({ region: null }).expect(200);
    const p = await env.t.http
      .put(`/api/v1/llm/providers/${env.ids.backup}`)
      .set(as(admin))
      .send({ region: 'eu' })
      .expect(200);
    expect(p.body.region).toBe('eu');
    await env.t.http
      .put(`/api/v1/llm/providers/${env.ids.backup}`)
      .set(as(admin))
      .send({ region: '' })
      .expect(200);
    const app = await env.t.http
      .post('/api/v1/apps')
      .set(as(admin))
      .send({ name: 'Region app', slug: 'region-app', region: 'us' })
      .expect(201);
    expect(app.body.region).toBe('us');
    expect(
      (await env.t.app.ctx.prisma.provider.findUniqueOrThrow({ where: { id: env.ids.backup } })).region,
    ).toBeNull();
  });

  it('a region rule prefers the providers in that region and keeps the others as fallbacks', async () => {
    const { prisma } = env.t.app.ctx;
    await prisma.routingRule.deleteMany();
    await prisma.provider.update({ where: { id: env.ids.backup }, data: { region: 'eu' } });
    await prisma.gatewayKey.updateMany({ data: { region: 'eu-clients' } });
    await env.t.http
      .post(BASE)
      .set(as(admin))
      .send({
        name: 'EU clients stay in the EU',
        when: { caller: { regions: ['eu-clients'] } },
        then: { region: 'eu' },
      })
      .expect(201);
    env.up.reset();
    const r = await call({ ...hi, model: 'gpt-test' });
    expect(r.res.headers.get('x-switchyard-provider')).toBe('up-backup');
    // The EU provider failing, the request falls back to the others.
    env.up.reset();
    env.up.script([{ status: 500 }, { status: 500 }, { status: 500 }]);
    const fallback = await call({ ...hi, model: 'gpt-test' });
    expect(fallback.res.status).toBe(200);
    expect(fallback.res.headers.get('x-switchyard-provider')).toBe('up-openai');
    await prisma.gatewayKey.updateMany({ data: { region: null } });
    await prisma.provider.update({ where: { id: env.ids.backup }, data: { region: null } });
    await prisma.routingRule.deleteMany();
    await env.t.app.routing.reload();
  });
});

describe('the rules tester', () => {
  it('tests a logged request against the rules (its time, caller and model) with no upstream call', async () => {
    const { prisma } = env.t.app.ctx;
    await prisma.routingRule.deleteMany();
    const r = await call(hi, { 'x-team': 'search' });
    expect(r.res.status).toBe(200);
    await env.flushUsage();
    const requestId = r.res.headers.get('x-request-id')!;
    const rule = await env.t.http
      .post(BASE)
      .set(as(admin))
      .send({
        name: 'Night',
        when: { time: { tz: 'UTC', ...windowAroundNow() }, caller: { roles: ['user'] } },
        then: { route: 'up-backup/gpt-test' },
      })
      .expect(201);
    env.up.reset();
    const t = await env.t.http.post(`${BASE}/test`).set(as(viewer)).send({ requestId }).expect(200);
    expect(env.up.requests).toHaveLength(0);
    expect(t.body.request).toMatchObject({ requestId, model: 'up-openai/gpt-test', endpoint: 'chat' });
    expect(t.body.caller).toMatchObject({ userId: env.ids.user, role: 'user' });
    expect(t.body.match).toEqual({ id: rule.body.id, name: 'Night' });
    expect(t.body.rules[0].checks.map((c: { field: string; ok: boolean }) => [c.field, c.ok])).toEqual([
      ['time', true],
      ['roles', true],
    ]);
    expect(t.body.plan.chosen.ref).toBe('up-backup/gpt-test');
    expect(t.body.plan.trace.rule).toMatchObject({ id: rule.body.id, route: 'up-backup/gpt-test' });
    // The recorded trace is the one the request got (before the rule existed).
    expect(t.body.recorded.order[0]).toBe('up-openai/gpt-test');
    expect(t.body.recorded.rule).toBeUndefined();

    // At another time of day the window does not hold.
    const later = new Date(Date.now() + 6 * 3_600_000).toISOString();
    const t2 = await env.t.http
      .post(`${BASE}/test`)
      .set(as(admin))
      .send({ requestId, at: later })
      .expect(200);
    expect(t2.body.match).toBeNull();
    expect(t2.body.rules[0].checks[0]).toMatchObject({ field: 'time', ok: false });
    expect(t2.body.plan.chosen.ref).toBe('up-openai/gpt-test');

    await env.t.http.post(`${BASE}/test`).set(as(admin)).send({ requestId: 'no-such-request' }).expect(404);
  });

  it('replays a logged request with the header and metadata values rules looked at, and its needs', async () => {
    const { prisma } = env.t.app.ctx;
    await prisma.routingRule.deleteMany();
    // The rule exists when the request is made: the proxy collects only the headers and metadata keys rules name.
    const rule = await env.t.http
      .post(BASE)
      .set(as(admin))
      .send({
        name: 'Search team',
        when: {
          headers: [{ name: 'x-team', equals: 'search' }],
          metadata: [{ key: 'tier', equals: 'gold' }],
        },
        then: { route: 'up-backup/gpt-test' },
      })
      .expect(201);
    await env.t.app.routing.reload();
    const tool = {
      type: 'function',
      function: { name: 'lookup', parameters: { type: 'object', properties: {} } },
    };
    const r = await call(
      { ...hi, tools: [tool], max_tokens: 77, metadata: { tier: 'gold', ticket: 'T-1' } },
      { 'x-team': 'search', 'x-other': 'not looked at' },
    );
    expect(r.res.status).toBe(200);
    expect(r.res.headers.get('x-switchyard-provider')).toBe('up-backup');
    await env.flushUsage();
    const requestId = r.res.headers.get('x-request-id')!;
    // Only what a rule names is kept in the record.
    const rec = await prisma.usageRecord.findFirstOrThrow({ where: { requestId } });
    expect((rec.trace as { inputs?: unknown }).inputs).toEqual({
      headers: { 'x-team': 'search' },
      metadata: { tier: 'gold' },
    });

    const t = await env.t.http.post(`${BASE}/test`).set(as(viewer)).send({ requestId }).expect(200);
    expect(t.body.match).toEqual({ id: rule.body.id, name: 'Search team' });
    expect(t.body.request).toMatchObject({
      requestId,
      hasTools: true,
      hasImages: false,
      needs: ['chat', 'tools'],
      headers: { 'x-team': 'search' },
      metadata: { tier: 'gold' },
      loggedInputs: 'kept',
    });
    expect(t.body.rules[0].checks.map((c: { field: string; ok: boolean }) => [c.field, c.ok])).toEqual([
      ['x-team', true],
      ['tier', true],
    ]);
    expect(t.body.plan.chosen.ref).toBe('up-backup/gpt-test');
    expect(t.body.plan.trace.rule).toMatchObject({ id: rule.body.id });

    // The body's values go on top of the logged ones, key by key; its switches override the logged needs.
    const t2 = await env.t.http
      .post(`${BASE}/test`)
      .set(as(admin))
      .send({ requestId, headers: { 'X-Team': 'ads' }, hasTools: false })
      .expect(200);
    expect(t2.body.match).toBeNull();
    expect(t2.body.request).toMatchObject({
      headers: { 'x-team': 'ads' },
      metadata: { tier: 'gold' },
      hasTools: false,
      needs: ['chat'],
    });
    expect(t2.body.plan.chosen.ref).toBe('up-openai/gpt-test');

    // A described request: no logged values.
    const t3 = await env.t.http
      .post(`${BASE}/test`)
      .set(as(admin))
      .send({ model: 'up-openai/gpt-test' })
      .expect(200);
    expect(t3.body.request).toMatchObject({ loggedInputs: null, headers: {}, metadata: {}, needs: ['chat'] });

    // Data protection on: the request's values are not kept, and the tester says so.
    await env.t.http
      .patch('/api/v1/llm/data-protection/status/global')
      .set(as(admin))
      .send({ enabled: true })
      .expect(200);
    await env.t.app.routing.reload();
    try {
      // The global policy covers the operator's calls (a user key outside any org has none to apply).
      const p = await call(
        { ...hi, metadata: { tier: 'gold' } },
        { 'x-team': 'search', authorization: `Bearer ${MASTER_KEY}` },
      );
      expect(p.res.status).toBe(200);
      expect(p.res.headers.get('x-switchyard-provider')).toBe('up-backup');
      await env.flushUsage();
      const pid = p.res.headers.get('x-request-id')!;
      const prec = await prisma.usageRecord.findFirstOrThrow({ where: { requestId: pid } });
      expect(JSON.stringify(prec.trace)).not.toContain('search');
      const tp = await env.t.http.post(`${BASE}/test`).set(as(admin)).send({ requestId: pid }).expect(200);
      expect(tp.body.request).toMatchObject({ loggedInputs: 'protected', headers: {}, metadata: {} });
      expect(tp.body.match).toBeNull();
    } finally {
      await env.t.http
        .patch('/api/v1/llm/data-protection/status/global')
        .set(as(admin))
        .send({ enabled: false })
        .expect(200);
      await prisma.routingRule.deleteMany();
      await env.t.app.routing.reload();
    }
  });

  it('replays a logged request that named its agent by header: the plan is the agent’s model, as routed', async () => {
    const agent = await env.t.http
      .post('/api/v1/llm/agents')
      .set(as(admin))
      .send({
        agentId: 'replayer',
        name: 'Replayer',
        role: 'Replays',
        normalModel: 'up-openai/gpt-test',
        heavyModel: 'up-backup/gpt-test',
        maxModel: 'up-anthropic/claude-test',
      })
      .expect(201);
    try {
      const r = await call(hi, { 'x-switchyard-agent': 'replayer', 'x-switchyard-effort': 'max' });
      expect(r.res.status).toBe(200);
      expect(r.res.headers.get('x-switchyard-provider')).toBe('up-anthropic');
      await env.flushUsage();
      const requestId = r.res.headers.get('x-request-id')!;
      const t = await env.t.http.post(`${BASE}/test`).set(as(admin)).send({ requestId }).expect(200);
      expect(t.body.recorded.agent).toMatchObject({ id: 'replayer', via: 'header', effort: 'max' });
      expect(t.body.plan.trace.agent).toMatchObject({ id: 'replayer', via: 'header', effort: 'max' });
      expect(t.body.plan.chosen.ref).toBe('up-anthropic/claude-test');
    } finally {
      await env.t.http.delete(`/api/v1/llm/agents/${agent.body.id}`).set(as(admin)).expect(204);
    }
  });

  it('tests a described request against a draft list (nothing saved)', async () => {
    const before = await env.t.app.ctx.prisma.routingRule.count();
    const t = await env.t.http
      .post(`${BASE}/test`)
      .set(as(admin))
      .send({
        model: 'gpt-test',
        endpoint: 'messages',
        headers: { 'X-Team': 'search' },
        hasTools: true,
        rules: [
          { name: 'Tools', when: { request: { hasTools: false } }, then: { route: 'eco' } },
          {
            name: 'Anthropic search',
            when: {
              request: { formats: ['anthropic'], hasTools: true },
              headers: [{ name: 'x-team', equals: 'search' }],
            },
            then: { route: 'up-anthropic/claude-test', strategy: 'quality' },
          },
        ],
      })
      .expect(200);
    expect(t.body.match).toEqual({ id: 'draft-2', name: 'Anthropic search' });
    // A saved rule's id is kept.
    const kept = await env.t.http
      .post(`${BASE}/test`)
      .set(as(admin))
      .send({ model: 'gpt-test', rules: [{ id: 'r-1', name: 'All', then: { strategy: 'cost' } }] })
      .expect(200);
    expect(kept.body.match).toEqual({ id: 'r-1', name: 'All' });
    expect(t.body.rules.map((r: { matched: boolean }) => r.matched)).toEqual([false, true]);
    expect(t.body.plan.trace).toMatchObject({ strategy: 'quality', rule: { id: 'draft-2' } });
    expect(t.body.plan.chosen.ref).toBe('up-anthropic/claude-test');
    expect(await env.t.app.ctx.prisma.routingRule.count()).toBe(before);
    await env.t.http.post(`${BASE}/test`).set(as(admin)).send({}).expect(400);
    await env.t.http.post(`${BASE}/test`).set(as(admin)).send({ model: 'x', keyId: 'nope' }).expect(400);
    await env.t.http.post(`${BASE}/test`).set(as(admin)).send({ model: 'x', at: 'yesterday' }).expect(400);
  });

  it('never answers a create, change or test body with a 5xx', async () => {
    const id = (
      await env.t.http
        .post(BASE)
        .set(as(admin))
        .send({ name: 'fuzz', then: { route: 'eco' } })
        .expect(201)
    ).body.id as string;
    const condition = fc.record(
      {
        time: fc.record(
          {
            tz: fc.oneof(fc.constant('UTC'), fc.string()),
            from: fc.string(),
            days: fc.array(fc.jsonValue()),
          },
          { requiredKeys: [] },
        ),
        caller: fc.dictionary(
          fc.constantFrom('roles', 'orgIds', 'regions', 'powerLevels'),
          fc.array(fc.string()),
        ),
        request: fc.dictionary(fc.constantFrom('endpoints', 'minPromptTokens', 'stream'), fc.jsonValue()),
        headers: fc.array(fc.record({ name: fc.string(), matches: fc.string() }, { requiredKeys: [] })),
        metadata: fc.jsonValue(),
      },
      { requiredKeys: [] },
    );
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.jsonValue({ maxDepth: 3 }),
          fc.record({ name: fc.string(), when: condition, then: fc.jsonValue() }),
        ),
        fc.oneof(
          fc.jsonValue({ maxDepth: 3 }),
          fc.record(
            { model: fc.string(), headers: fc.jsonValue(), at: fc.string(), rules: fc.array(fc.jsonValue()) },
            { requiredKeys: [] },
          ),
        ),
        async (body, test) => {
          const c = await env.t.http
            .post(BASE)
            .set(as(admin))
            .set('content-type', 'application/json')
            .send(JSON.stringify(body));
          expect(c.status).toBeLessThan(500);
          const u = await env.t.http
            .patch(`${BASE}/${id}`)
            .set(as(admin))
            .set('content-type', 'application/json')
            .send(JSON.stringify(body));
          expect(u.status).toBeLessThan(500);
          const t = await env.t.http
            .post(`${BASE}/test`)
            .set(as(admin))
            .set('content-type', 'application/json')
            .send(JSON.stringify(test));
          expect(t.status).toBeLessThan(500);
          const o = await env.t.http
            .post(`${BASE}/reorder`)
            .set(as(admin))
            .set('content-type', 'application/json')
            .send(JSON.stringify(test));
          expect(o.status).toBeLessThan(500);
        },
      ),
      { numRuns: 60 },
    );
  });
});
