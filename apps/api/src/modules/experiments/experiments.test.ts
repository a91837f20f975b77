// A/B experiments: the admin API (CRUD, validation, roles, audit, start / stop), the proxy splitting an alias's
// traffic between variants through a real HTTP mock upstream, the results per variant, and POST /v1/feedback.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cachedChat, createProxyEnv, otherUserKey, type ProxyEnv } from '../../test/proxy-env.js';

const BASE = '/api/v1/llm/experiments';

let env: ProxyEnv;
let admin: string;
let viewer: string;
let otherKey: string;
const as = (token: string) => ({ authorization: `Bearer ${token}` });

beforeAll(async () => {
  env = await createProxyEnv();
  admin = await env.t.tokenFor('admin');
  viewer = await env.t.tokenFor('viewer');
  const { prisma } = env.t.app.ctx;
  await prisma.alias.create({
    data: { name: 'ab-chat', targets: [{ ref: 'up-openai/gpt-test', weight: 1 }], fallbacks: [] },
  });
  otherKey = await otherUserKey(env);
}, 180_000);
afterAll(async () => {
  await env?.close();
});

const experiment = {
  name: 'OpenAI vs Anthropic',
  alias: 'ab-chat',
  stickiness: 'request',
  variants: [
    { name: 'control', percent: 50, target: 'ab-chat' },
    { name: 'claude', percent: 50, target: 'up-anthropic/claude-test' },
  ],
};

async function chat(key = env.userKey, requestId?: string, stream = false) {
  const res = await fetch(`${env.url}/v1/chat/completions`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${key}`,
      ...(requestId ? { 'x-request-id': requestId } : {}),
    },
    body: JSON.stringify({ model: 'ab-chat', stream, messages: [{ role: 'user', content: 'Hi' }] }),
  });
  await res.text();
  return res;
}

/** What POST /v1/feedback answers: the stored score, or an OpenAI-format error. */
interface FeedbackReply {
  error: { code: string; message: string };
  experiment: { id: string };
  [field: string]: unknown;
}

async function feedback(body: unknown, key = env.userKey) {
  const res = await fetch(`${env.url}/v1/feedback`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as FeedbackReply };
}

describe('experiments API', () => {
  it('creates (a draft), lists, reads, changes and deletes; viewers read only; every change audited', async () => {
    const created = await env.t.http.post(BASE).set(as(admin)).send(experiment).expect(201);
    expect(created.body).toMatchObject({ ...experiment, status: 'draft', state: 'draft', startsAt: null });
    const id = created.body.id as string;
    await env.t.http.post(BASE).set(as(viewer)).send(experiment).expect(403);
    await env.t.http.post(`${BASE}/${id}/start`).set(as(viewer)).expect(403);
    const list = await env.t.http.get(BASE).set(as(viewer)).expect(200);
    expect(list.body.data.map((e: { id: string }) => e.id)).toContain(id);
    await env.t.http.get(`${BASE}/${id}`).set(as(viewer)).expect(200);
    const changed = await env.t.http
      .patch(`${BASE}/${id}`)
      .set(as(admin))
      .send({ description: 'does Claude answer better?', variants: [...experiment.variants].reverse() })
      .expect(200);
    expect(changed.body.variants[0].name).toBe('claude');
    await env.t.http.delete(`${BASE}/${id}`).set(as(admin)).expect(204);
    await env.t.http.get(`${BASE}/${id}`).set(as(admin)).expect(404);
    await env.t.http.delete(`${BASE}/${id}`).set(as(admin)).expect(404);
    const audit = await env.t.app.ctx.prisma.auditLog.findMany({ where: { entityType: 'Experiment' } });
    expect(audit.map((a) => a.action).sort()).toEqual([
      'experiment.create',
      'experiment.delete',
      'experiment.update',
    ]);
  });

  it.each([
    [
      'percents not summing to 100',
      { variants: [{ ...experiment.variants[0], percent: 60 }, experiment.variants[1]] },
      'sum to 100',
    ],
    ['one variant', { variants: [experiment.variants[0]] }, 'at least 2'],
    [
      'a variant named twice',
      { variants: [experiment.variants[0], { ...experiment.variants[1], name: 'Control' }] },
      'twice',
    ],
    [
      'a fractional percent',
      {
        variants: [
          { ...experiment.variants[0], percent: 50.5 },
          { ...experiment.variants[1], percent: 49.5 },
        ],
      },
      'whole percent',
    ],
    ['an unknown alias', { alias: 'nope' }, 'alias'],
    [
      'an unknown target',
      { variants: [experiment.variants[0], { ...experiment.variants[1], target: 'up-openai/ghost' }] },
      'variants.1.target',
    ],
    ['a bad stickiness', { stickiness: 'session' }, 'stickiness'],
    [
      'an end before the start',
      { startsAt: '2030-01-02T00:00:00Z', endsAt: '2030-01-01T00:00:00Z' },
      'endsAt',
    ],
    ['an unknown field', { extra: 1 }, 'extra'],
  ])('refuses %s with a 400 naming it', async (_what, over, text) => {
    const r = await env.t.http
      .post(BASE)
      .set(as(admin))
      .send({ ...experiment, ...over })
      .expect(400);
    expect(JSON.stringify(r.body.error)).toContain(text);
  });

  it('never answers a create or a change with a 5xx', async () => {
    const { body } = await env.t.http.post(BASE).set(as(admin)).send(experiment).expect(201);
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.jsonValue({ maxDepth: 3 }),
          fc.record({
            name: fc.string({ maxLength: 120 }),
            alias: fc.constantFrom('ab-chat', 'x', ''),
            stickiness: fc.constantFrom('user', 'key', 'request', 'other'),
            variants: fc.array(
              fc.record({
                name: fc.string({ maxLength: 50 }),
                percent: fc.integer({ min: -5, max: 120 }),
                target: fc.string(),
              }),
              { maxLength: 4 },
            ),
            startsAt: fc.oneof(
              fc.constant(null),
              fc.string({ maxLength: 30 }),
              fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
            ),
          }),
        ),
        async (b) => {
          const c = await env.t.http
            .post(BASE)
            .set(as(admin))
            .set('content-type', 'application/json')
            .send(JSON.stringify(b));
          expect(c.status).toBeLessThan(500);
          const u = await env.t.http
            .patch(`${BASE}/${body.id}`)
            .set(as(admin))
            .set('content-type', 'application/json')
            .send(JSON.stringify(b));
          expect(u.status).toBeLessThan(500);
        },
      ),
      { numRuns: 60 },
    );
    await env.t.app.ctx.prisma.experiment.deleteMany();
  });
});

describe('an experiment running on an alias', () => {
  let id = '';
  const requestIds: string[] = [];

  it('splits the alias between the variants, tags each usage record and shows the variant in the trace', async () => {
    const created = await env.t.http.post(BASE).set(as(admin)).send(experiment).expect(201);
    id = created.body.id;
    const started = await env.t.http.post(`${BASE}/${id}/start`).set(as(admin)).expect(200);
    expect(started.body).toMatchObject({ status: 'running', state: 'running' });
    expect(started.body.startsAt).not.toBeNull();
    // A started experiment keeps its variants; a second one on the same alias cannot start.
    await env.t.http
      .patch(`${BASE}/${id}`)
      .set(as(admin))
      .send({ variants: experiment.variants })
      .expect(409);
    const second = await env.t.http
      .post(BASE)
      .set(as(admin))
      .send({ ...experiment, name: 'second' })
      .expect(201);
    await env.t.http.post(`${BASE}/${second.body.id}/start`).set(as(admin)).expect(409);
    await env.t.http.delete(`${BASE}/${second.body.id}`).set(as(admin)).expect(204);

    env.up.reset();
    for (let i = 0; i < 24; i++) {
      const res = await chat(env.userKey, `exp-req-${i}`, i % 3 === 0);
      expect(res.status).toBe(200);
      requestIds.push(res.headers.get('x-request-id')!);
    }
    const paths = env.up.requests.map((r) => r.path);
    expect(paths.filter((p) => p === '/v1/chat/completions').length).toBeGreaterThan(2);
    expect(paths.filter((p) => p === '/v1/messages').length).toBeGreaterThan(2);
    await env.flushUsage();
    const rows = await env.t.app.ctx.prisma.usageRecord.findMany({
      where: { requestId: { in: requestIds } },
    });
    expect(rows).toHaveLength(24);
    for (const r of rows) {
      expect(r.experimentId).toBe(id);
      expect(r.providerSlug).toBe(r.variant === 'claude' ? 'up-anthropic' : 'up-openai');
      expect((r.trace as { plan: { experiment: unknown } }).plan.experiment).toMatchObject({
        id,
        variant: r.variant,
        sticky: 'request',
      });
    }
  });

  it('takes feedback on the caller’s own requests only; a later score replaces the earlier', async () => {
    const first = await feedback({ request_id: requestIds[0], score: 0.25, comment: 'meh' });
    expect(first.status).toBe(200);
    expect(first.json).toMatchObject({
      object: 'feedback',
      request_id: requestIds[0],
      score: 0.25,
      replaced: false,
    });
    expect(first.json.experiment.id).toBe(id);
    const again = await feedback({ request_id: requestIds[0], score: 1 });
    expect(again.json).toMatchObject({ score: 1, replaced: true, comment: null });
    for (const rid of requestIds.slice(1, 10))
      expect((await feedback({ request_id: rid, score: 0.5 })).status).toBe(200);
    // Another user's key: as if the request did not exist.
    const stranger = await feedback({ request_id: requestIds[1], score: 0 }, otherKey);
    expect(stranger.status).toBe(404);
    expect(stranger.json.error.code).toBe('request_not_found');
    expect((await feedback({ request_id: 'never-made', score: 1 })).status).toBe(404);
    expect((await feedback({ request_id: requestIds[1], score: 0 }, 'sk-not-a-key')).status).toBe(401);
    const bad = await feedback({ request_id: requestIds[1], score: 3 });
    expect(bad.status).toBe(400);
    expect(bad.json.error.message).toContain('score');
    expect((await feedback('{not json')).status).toBe(400);
    const get = await fetch(`${env.url}/v1/feedback`, {
      headers: { authorization: `Bearer ${env.userKey}` },
    });
    expect(get.status).toBe(405);
    expect(await env.t.app.ctx.prisma.feedback.count()).toBe(10);
  });

  it('a score sent before the usage record is written still finds its request', async () => {
    const res = await chat(env.userKey, 'exp-fresh');
    expect(res.status).toBe(200);
    const r = await feedback({ request_id: 'exp-fresh', score: 0.75 });
    expect(r.status).toBe(200);
    requestIds.push('exp-fresh');
  });

  it('reports per variant figures that add up, with intervals and the feedback', async () => {
    await env.flushUsage();
    const r = await env.t.http.get(`${BASE}/${id}/results`).set(as(viewer)).expect(200);
    const { variants, totals } = r.body;
    expect(variants.map((v: { name: string }) => v.name)).toEqual(['control', 'claude']);
    expect(totals.requests).toBe(25);
    expect(variants[0].requests + variants[1].requests).toBe(25);
    expect(totals.feedbackCount).toBe(11);
    const rows = await env.t.app.ctx.prisma.usageRecord.findMany({ where: { experimentId: id } });
    for (const v of variants) {
      const mine = rows.filter((row) => row.variant === v.name);
      expect(v.requests).toBe(mine.length);
      expect(v.requests).toBeGreaterThan(0);
      expect(v.errors).toBe(0);
      expect(v.errorRate.value).toBe(0);
      expect(v.errorRate.high).toBeGreaterThan(0);
      expect(v.tokensIn).toBe(mine.reduce((s, x) => s + x.tokensIn, 0));
      expect(v.costUsd).toBeCloseTo(
        mine.reduce((s, x) => s + Number(x.costUsd) + Number(x.savedUsd), 0),
        8,
      );
      expect(v.costPerRequestUsd.value).toBeCloseTo(v.costUsd / v.requests, 10);
      expect(v.latencyMeanMs.value).toBeGreaterThanOrEqual(0);
      expect(v.latencyP50Ms.value).toBeLessThanOrEqual(v.latencyP95Ms.value);
      if (v.requests >= 10) {
        // The median's interval: order statistics of the variant's own latencies around its median.
        const lat = mine.map((x) => x.latencyMs).sort((a, b) => a - b);
        expect(lat).toContain(v.latencyP50Ms.low);
        expect(lat).toContain(v.latencyP50Ms.high);
        expect(v.latencyP50Ms.low).toBeLessThanOrEqual(v.latencyP50Ms.value);
        expect(v.latencyP50Ms.high).toBeGreaterThanOrEqual(v.latencyP50Ms.value);
      }
      expect(v.ttftCount).toBe(mine.filter((x) => x.ttftMs !== null).length);
    }
    const claude = variants.find((v: { name: string }) => v.name === 'claude');
    expect(claude.costPerRequestUsd.value).toBeGreaterThan(variants[0].costPerRequestUsd.value);
    const fbRows = await env.t.app.ctx.prisma.feedback.findMany();
    for (const v of variants) {
      const scores = fbRows.filter((f) => f.variant === v.name).map((f) => f.score);
      expect(v.feedbackCount).toBe(scores.length);
      if (scores.length > 0)
        expect(v.feedbackMean.value).toBeCloseTo(scores.reduce((s, x) => s + x, 0) / scores.length, 8);
    }
  });

  it("a response-cache hit is not a variant's call: its ~1 ms and $0 stay out of the comparison", async () => {
    const before = (await env.t.http.get(`${BASE}/${id}/results`).set(as(viewer)).expect(200)).body;
    const cached = async () => {
      const res = await cachedChat(env, {
        model: 'ab-chat',
        messages: [{ role: 'user', content: 'the same, cached' }],
      });
      await res.text();
      return res.headers.get('x-switchyard-cache');
    };
    expect(await cached()).not.toBe('hit');
    await expect.poll(cached).toBe('hit');
    await env.flushUsage();
    const hits = await env.t.app.ctx.prisma.usageRecord.count({
      where: { experimentId: id, cacheHit: true },
    });
    expect(hits).toBeGreaterThan(0);
    const after = (await env.t.http.get(`${BASE}/${id}/results`).set(as(viewer)).expect(200)).body;
    // The misses were calls of their variants (each variant's target has its own cached answer); the hits were not.
    const calls = await env.t.app.ctx.prisma.usageRecord.count({
      where: { experimentId: id, cacheHit: false },
    });
    expect(calls).toBeGreaterThan(before.totals.requests);
    expect(after.totals.requests).toBe(calls);
  });

  it('its alias cannot be deleted or renamed while it runs (409 naming it; nothing changes)', async () => {
    const { prisma } = env.t.app.ctx;
    const alias = await prisma.alias.findFirstOrThrow({ where: { name: 'ab-chat' } });
    const ALIASES = '/api/v1/llm/routing/aliases';
    const del = await env.t.http.delete(`${ALIASES}/${alias.id}`).set(as(admin)).expect(409);
    expect(del.body.error.message).toBe(
      'The experiment "OpenAI vs Anthropic" is running on the alias "ab-chat": stop it before you delete the alias.',
    );
    const renamed = await env.t.http
      .put(`${ALIASES}/${alias.id}`)
      .set(as(admin))
      .send({ name: 'ab-chat-2' })
      .expect(409);
    expect(renamed.body.error.message).toContain('stop it before you rename the alias');
    await env.t.http
      .post(`${ALIASES}/bulk`)
      .set(as(admin))
      .send({ action: 'delete', ids: [alias.id] })
      .expect(409);
    expect(await prisma.alias.findUnique({ where: { id: alias.id } })).toMatchObject({ name: 'ab-chat' });
    // Other changes to it stay allowed.
    await env.t.http.put(`${ALIASES}/${alias.id}`).set(as(admin)).send({ description: 'A/B' }).expect(200);
  });

  it('stopping it routes the alias as configured again; the results stay', async () => {
    const stopped = await env.t.http.post(`${BASE}/${id}/stop`).set(as(admin)).expect(200);
    expect(stopped.body).toMatchObject({ status: 'stopped', state: 'stopped' });
    expect(stopped.body.endsAt).not.toBeNull();
    await env.t.http.post(`${BASE}/${id}/start`).set(as(admin)).expect(409);
    env.up.reset();
    for (let i = 0; i < 6; i++) expect((await chat(env.userKey, `after-${i}`)).status).toBe(200);
    expect(env.up.requests.every((r) => r.path === '/v1/chat/completions')).toBe(true);
    await env.flushUsage();
    const after = await env.t.app.ctx.prisma.usageRecord.findMany({
      where: { requestId: { startsWith: 'after-' } },
    });
    expect(after.every((r) => r.experimentId === null)).toBe(true);
    const r = await env.t.http.get(`${BASE}/${id}/results`).set(as(admin)).expect(200);
    // Its calls (the cache hits not among them).
    expect(r.body.totals.requests).toBe(
      await env.t.app.ctx.prisma.usageRecord.count({ where: { experimentId: id, cacheHit: false } }),
    );
  });

  it('a user-sticky experiment keeps each user on one variant', async () => {
    const created = await env.t.http
      .post(BASE)
      .set(as(admin))
      .send({ ...experiment, name: 'sticky', stickiness: 'user' })
      .expect(201);
    await env.t.http.post(`${BASE}/${created.body.id}/start`).set(as(admin)).expect(200);
    for (let i = 0; i < 6; i++) await chat(env.userKey, `sticky-${i}`);
    await env.flushUsage();
    const rows = await env.t.app.ctx.prisma.usageRecord.findMany({
      where: { requestId: { startsWith: 'sticky-' } },
    });
    expect(rows).toHaveLength(6);
    expect(new Set(rows.map((r) => r.variant)).size).toBe(1);
    await env.t.http.post(`${BASE}/${created.body.id}/stop`).set(as(admin)).expect(200);
  });

  it('never answers a feedback body with a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
          fc.string({ maxLength: 200 }),
          fc
            .record({
              request_id: fc.oneof(fc.constantFrom(...requestIds.slice(0, 3)), fc.string({ maxLength: 120 })),
              score: fc.oneof(fc.double(), fc.integer(), fc.constant(null)),
              comment: fc.option(fc.string({ maxLength: 300 })),
            })
            .map((v) => JSON.stringify(v)),
        ),
        async (text) => {
          const r = await fetch(`${env.url}/v1/feedback`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${env.userKey}` },
            body: text,
          });
          await r.text();
          expect(r.status).toBeLessThan(500);
        },
      ),
      { numRuns: 80 },
    );
  });
});
