// POST /v1/feedback on any of the caller's own requests (not only those an experiment routed): the score keeps the
// model that answered, the usage view gives each model's ratings and mean score for the period, and the request's
// log shows its scores. Real database, real HTTP mock upstream.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chatFor, createProxyEnv, otherUser, type ProxyEnv } from '../../test/proxy-env.js';
import { feedbackModelLabel } from './feedback.service.js';

let env: ProxyEnv;
let admin: string;
let userToken: string;
let otherKey: string;
let otherToken: string;
const as = (token: string) => ({ authorization: `Bearer ${token}` });

beforeAll(async () => {
  env = await createProxyEnv();
  admin = await env.t.tokenFor('admin');
  const u = await env.t.app.ctx.prisma.user.findUniqueOrThrow({ where: { id: env.ids.user } });
  userToken = (
    await env.t.http.post('/api/v1/auth/login').send({ email: u.email, password: env.userPassword })
  ).body.token as string;
  // A second user, with a key and a sign-in of their own.
  ({ key: otherKey, token: otherToken } = await otherUser(env));
}, 180_000);
afterAll(async () => {
  await env?.close();
});

const chat = (model: string, key = env.userKey) => chatFor(env, key, model);

async function feedback(body: unknown, key = env.userKey) {
  const res = await fetch(`${env.url}/v1/feedback`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

interface ModelRow {
  ref: string;
  feedback: { ratings: number; meanScore: number } | null;
}

describe('feedback outside experiments', () => {
  let openaiIds: string[] = [];
  let anthropicId = '';

  it('takes a score for any request the caller made and says which model answered it', async () => {
    openaiIds = [await chat('up-openai/gpt-test'), await chat('up-openai/gpt-test')];
    anthropicId = await chat('up-anthropic/claude-test');
    // Sent before the usage record is written: the instance writes its queue and looks again.
    const first = await feedback({ request_id: openaiIds[0], score: 1, comment: 'spot on' });
    expect(first.status).toBe(200);
    expect(first.json).toMatchObject({
      object: 'feedback',
      request_id: openaiIds[0],
      score: 1,
      comment: 'spot on',
      experiment: null,
      model: 'up-openai/gpt-test',
      replaced: false,
    });
    expect((await feedback({ request_id: openaiIds[1], score: 0.5 })).json).toMatchObject({
      model: 'up-openai/gpt-test',
    });
    expect((await feedback({ request_id: anthropicId, score: 0 })).json).toMatchObject({
      model: 'up-anthropic/claude-test',
    });
    // Still only the caller's own: another user's key cannot score them.
    const stranger = await feedback({ request_id: anthropicId, score: 1 }, otherKey);
    expect(stranger.status).toBe(404);
    expect(String((stranger.json.error as { message: string }).message)).toContain('No request');
    expect(await env.t.app.ctx.prisma.feedback.count()).toBe(3);
  });

  it("gives each model's ratings and mean score in the usage view (operators: all; a user: their own)", async () => {
    const all = await env.t.http.get('/api/v1/llm/usage?period=7d').set(as(admin)).expect(200);
    const byRef = new Map((all.body.byModel as ModelRow[]).map((m) => [m.ref, m.feedback]));
    expect(byRef.get('up-openai/gpt-test')).toEqual({ ratings: 2, meanScore: 0.75 });
    expect(byRef.get('up-anthropic/claude-test')).toEqual({ ratings: 1, meanScore: 0 });
    const mine = await env.t.http.get('/api/v1/me/usage?period=7d').set(as(userToken)).expect(200);
    expect((mine.body.byModel as ModelRow[]).find((m) => m.ref === 'up-openai/gpt-test')?.feedback).toEqual({
      ratings: 2,
      meanScore: 0.75,
    });
    // Another user's own view: their call to the same model, none of these scores.
    await chat('up-openai/gpt-test', otherKey);
    await env.flushUsage();
    const theirs = await env.t.http.get('/api/v1/me/usage?period=7d').set(as(otherToken)).expect(200);
    expect(theirs.body.byModel).toEqual([
      expect.objectContaining({ ref: 'up-openai/gpt-test', requests: 1, feedback: null }),
    ]);
  });

  it("counts each score in /metrics by the provider and model that answered (the proxy metrics' own labels)", async () => {
    const text = (await env.t.http.get('/metrics').expect(200)).text;
    const line = (name: string, provider: string, model: string) =>
      text.split('\n').find((l) => l.startsWith(`${name}{provider="${provider}",model="${model}"}`));
    expect(line('switchyard_feedback_score_count', 'up-openai', 'gpt-test')).toMatch(/ 2$/);
    expect(line('switchyard_feedback_score_sum', 'up-openai', 'gpt-test')).toMatch(/ 1\.5$/);
    expect(line('switchyard_feedback_score_count', 'up-anthropic', 'claude-test')).toMatch(/ 1$/);
    expect(text).toMatch(
      /switchyard_feedback_score_bucket\{le="0.5",provider="up-openai",model="gpt-test"\} 1\n/,
    );
  });

  it("shows the request's scores in its log (the rater's key named, never its secret)", async () => {
    await env.flushUsage();
    const logs = await env.t.http.get('/api/v1/llm/logs?limit=50').set(as(admin)).expect(200);
    const row = (logs.body.data as { id: string; requestId: string }[]).find(
      (r) => r.requestId === openaiIds[0],
    )!;
    const detail = await env.t.http.get(`/api/v1/llm/logs/${row.id}`).set(as(admin)).expect(200);
    expect(detail.body.feedback).toEqual([
      { score: 1, comment: 'spot on', rater: 'test key', at: expect.any(String) },
    ]);
    expect(JSON.stringify(detail.body)).not.toContain(env.userKey);
    const mine = await env.t.http.get(`/api/v1/me/logs/${row.id}`).set(as(userToken)).expect(200);
    expect(mine.body.feedback).toHaveLength(1);
    const unrated = (logs.body.data as { id: string; requestId: string }[]).find(
      (r) => r.requestId === openaiIds[1],
    )!;
    expect(unrated).toBeTruthy();
  });
});

describe('the feedback list', () => {
  interface Entry {
    id: string;
    at: string;
    requestId: string;
    score: number;
    comment: string | null;
    rater: string;
    user: { id: string; email: string | null } | null;
    provider: string | null;
    model: string | null;
    requestedModel: string | null;
    logId: string | null;
  }
  const list = async (query: string, token = admin, path = '/api/v1/llm/feedback') =>
    (await env.t.http.get(`${path}${query}`).set(as(token)).expect(200)).body as {
      data: Entry[];
      nextCursor: string | null;
    };
  let ids: string[] = [];

  beforeAll(async () => {
    await env.t.app.ctx.prisma.feedback.deleteMany();
    ids = [
      await chat('up-openai/gpt-test'),
      await chat('up-anthropic/claude-test'),
      await chat('up-openai/gpt-test'),
    ];
    await env.flushUsage();
    // One after the other, so each has its own time (the list is newest first).
    for (const [i, body] of [
      { request_id: ids[0], score: 1, comment: 'exactly what I asked for' },
      { request_id: ids[1], score: 0.2, comment: 'made up a function that does not exist' },
      { request_id: ids[2], score: 0 },
    ].entries()) {
      expect((await feedback(body)).status, `score ${i}`).toBe(200);
      await new Promise((r) => setTimeout(r, 5));
    }
  });

  it('lists every score newest first, with its comment, its rater and the request it rates (its log record)', async () => {
    const page = await list('');
    expect(page.nextCursor).toBeNull();
    expect(page.data.map((e) => [e.requestId, e.score, e.comment])).toEqual([
      [ids[2], 0, null],
      [ids[1], 0.2, 'made up a function that does not exist'],
      [ids[0], 1, 'exactly what I asked for'],
    ]);
    const bad = page.data[1]!;
    expect(bad).toMatchObject({
      rater: 'test key',
      user: { id: env.ids.user, email: expect.stringContaining('@') },
      provider: 'up-anthropic',
      model: 'claude-test',
      requestedModel: 'up-anthropic/claude-test',
    });
    // The log record it points at is that request's, and its drawer shows the same score.
    const log = await env.t.http.get(`/api/v1/llm/logs/${bad.logId}`).set(as(admin)).expect(200);
    expect(log.body.requestId).toBe(ids[1]);
    expect(log.body.feedback[0]).toMatchObject({ score: 0.2, rater: 'test key' });
    expect(JSON.stringify(page)).not.toContain(env.userKey);
  });

  it('filters by rating, comment, model and key', async () => {
    const rated = async (q: string) => (await list(q)).data.map((e) => e.requestId);
    expect(await rated('?rating=bad')).toEqual([ids[2], ids[1]]);
    expect(await rated('?rating=good')).toEqual([ids[0]]);
    expect(await rated('?rating=bad&commented=true')).toEqual([ids[1]]);
    expect(await rated('?commented=false')).toEqual([ids[2]]);
    expect(await rated('?model=gpt-test')).toEqual([ids[2], ids[0]]);
    const key = await env.t.app.ctx.prisma.gatewayKey.findFirstOrThrow({
      where: { userId: env.ids.user, name: 'test key' },
    });
    expect(await rated(`?key=${key.id}`)).toHaveLength(3);
    expect(await rated('?key=no-such-key')).toEqual([]);
    expect(await rated(`?from=${new Date(Date.now() + 60_000).toISOString()}`)).toEqual([]);
  });

  it('pages with a cursor: every score once, in order', async () => {
    const seen: string[] = [];
    let cursor: string | null = '';
    while (cursor !== null) {
      const page = await list(`?limit=1${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      expect(page.data.length).toBeLessThanOrEqual(1);
      seen.push(...page.data.map((e) => e.requestId));
      cursor = page.nextCursor;
    }
    expect(seen).toEqual([ids[2], ids[1], ids[0]]);
  });

  it('puts a replaced score back on top', async () => {
    expect((await feedback({ request_id: ids[0], score: 0.1, comment: 'wrong after all' })).status).toBe(200);
    const page = await list('?limit=2');
    expect(page.data[0]).toMatchObject({ requestId: ids[0], score: 0.1, comment: 'wrong after all' });
    expect(page.data).toHaveLength(2);
    expect(page.nextCursor).not.toBeNull();
  });

  it('gives a user their own scores only, and a bad cursor or rating is a 400', async () => {
    const mine = await list('', userToken, '/api/v1/me/feedback');
    expect(mine.data.map((e) => e.requestId).sort()).toEqual([...ids].sort());
    // Another user: none of them, and asking for the first user's does not widen the view.
    expect((await list('', otherToken, '/api/v1/me/feedback')).data).toEqual([]);
    expect((await list(`?user=${env.ids.user}`, otherToken, '/api/v1/me/feedback')).data).toEqual([]);
    // A user may not read the operators' list.
    await env.t.http.get('/api/v1/llm/feedback').set(as(userToken)).expect(403);
    for (const q of ['?cursor=nonsense', '?cursor=99999-01-01T00:00:00Z|x', '?rating=meh', '?limit=0']) {
      const res = await env.t.http.get(`/api/v1/llm/feedback${q}`).set(as(admin));
      expect(res.status, q).toBe(400);
    }
  });
});

describe('a request id two callers chose alike', () => {
  // A client may send its own x-request-id, so two users can have requests with the same id. Each one's score stays
  // with their own request: in their list, in the other's log, and on the operators' page.
  it("keeps a score with the rater's own request, never the other user's", async () => {
    const shared = `shared-${Date.now()}`;
    await chatFor(env, otherKey, 'up-openai/gpt-test', { 'x-request-id': shared });
    await chatFor(env, env.userKey, 'up-anthropic/claude-test', { 'x-request-id': shared });
    await env.flushUsage();
    // Told apart by the model each asked for.
    const records = await env.t.app.ctx.prisma.usageRecord.findMany({ where: { requestId: shared } });
    const theirs = records.find((r) => r.providerSlug === 'up-openai');
    const victims = records.find((r) => r.providerSlug === 'up-anthropic');
    expect(theirs && victims).toBeTruthy();
    const fb = await feedback({ request_id: shared, score: 0, comment: 'planted' }, otherKey);
    expect(fb.status).toBe(200);
    expect(fb.json.model).toBe('up-openai/gpt-test');

    const mine = await env.t.http.get('/api/v1/me/feedback').set(as(otherToken)).expect(200);
    expect(mine.body.data.find((e: { requestId: string }) => e.requestId === shared)).toMatchObject({
      provider: 'up-openai',
      model: 'gpt-test',
      logId: String(theirs!.id),
    });
    const all = await env.t.http.get(`/api/v1/llm/feedback?rating=bad`).set(as(admin)).expect(200);
    expect(all.body.data.find((e: { requestId: string }) => e.requestId === shared)).toMatchObject({
      logId: String(theirs!.id),
    });
    // The other user's request with that id holds no score (theirs holds the planted one).
    const log = await env.t.http.get(`/api/v1/me/logs/${victims!.id}`).set(as(userToken)).expect(200);
    expect(log.body.feedback).toEqual([]);
    const own = await env.t.http.get(`/api/v1/llm/logs/${theirs!.id}`).set(as(admin)).expect(200);
    expect(own.body.feedback).toEqual([expect.objectContaining({ comment: 'planted' })]);
  });
});

describe('feedbackModelLabel', () => {
  const models = [
    { providerId: 'p1', modelId: 'gpt', scope: 'global', metricLabel: 'gpt' },
    { providerId: 'p1', modelId: 'tuned', scope: 'org:o1', metricLabel: 'org-model' },
    { providerId: 'p2', modelId: 'gpt', scope: 'user:u1', metricLabel: 'user-model' },
    { providerId: 'p2', modelId: 'gpt', scope: 'global', metricLabel: 'gpt' },
  ];
  it.each([
    [{ providerId: 'p1', providerSlug: 'a', modelId: 'gpt' }, 'gpt'],
    [{ providerId: 'p2', providerSlug: 'b', modelId: 'gpt' }, 'gpt'],
    [{ providerId: 'p1', providerSlug: 'a', modelId: 'tuned' }, 'org-model'],
    [{ providerId: 'p1', providerSlug: 'a', modelId: 'gone-since' }, 'unlisted-model'],
    [{ providerId: null, providerSlug: null, modelId: null }, 'none'],
  ])('%j → %s', (rated, label) => {
    expect(feedbackModelLabel(models, rated)).toBe(label);
  });
});
