// Feedback counts once per request and user: a user's keys are one rater, so minting keys buys no more say in an
// experiment's results than it buys feedback calls. Real database, real HTTP mock upstream.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProxyEnv, otherUser, type ProxyEnv } from '../../test/proxy-env.js';

const BASE = '/api/v1/llm/experiments';

let env: ProxyEnv;
let admin: string;
let userToken: string;
let experimentId: string;
const as = (token: string) => ({ authorization: `Bearer ${token}` });

beforeAll(async () => {
  env = await createProxyEnv();
  admin = await env.t.tokenFor('admin');
  const email = (await env.t.app.ctx.prisma.user.findUniqueOrThrow({ where: { id: env.ids.user } })).email;
  userToken = (await env.t.http.post('/api/v1/auth/login').send({ email, password: env.userPassword })).body
    .token as string;
  await env.t.app.ctx.prisma.alias.create({
    data: { name: 'ab-votes', targets: [{ ref: 'up-openai/gpt-test', weight: 1 }], fallbacks: [] },
  });
  await env.t.app.routing.reload();
  experimentId = (
    await env.t.http
      .post(BASE)
      .set(as(admin))
      .send({
        name: 'votes',
        alias: 'ab-votes',
        stickiness: 'request',
        variants: [
          { name: 'control', percent: 0, target: 'ab-votes' },
          { name: 'claude', percent: 100, target: 'up-anthropic/claude-test' },
        ],
      })
      .expect(201)
  ).body.id as string;
  await env.t.http.post(`${BASE}/${experimentId}/start`).set(as(admin)).expect(200);
}, 180_000);
afterAll(async () => {
  await env?.close();
});

async function chat(key: string): Promise<string> {
  const res = await fetch(`${env.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: JSON.stringify({ model: 'ab-votes', messages: [{ role: 'user', content: 'Hi' }] }),
  });
  await res.text();
  expect(res.status).toBe(200);
  return res.headers.get('x-request-id')!;
}

async function score(key: string, requestId: string, value: number) {
  const res = await fetch(`${env.url}/v1/feedback`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: JSON.stringify({ request_id: requestId, score: value }),
  });
  return { status: res.status, json: (await res.json()) as { replaced: boolean; score: number } };
}

describe('feedback from several keys of one user', () => {
  it("counts once per request: another of the user's keys replaces the score, it adds none", async () => {
    const requestId = await chat(env.userKey);
    await env.flushUsage();
    const first = await score(env.userKey, requestId, 0);
    expect(first.json).toMatchObject({ replaced: false, score: 0 });
    // The same user mints keys and scores the request with each.
    for (const name of ['vote-1', 'vote-2', 'vote-3']) {
      const k = await env.t.http.post('/api/v1/me/keys').set(as(userToken)).send({ name }).expect(201);
      const again = await score(k.body.key as string, requestId, 1);
      expect(again.status).toBe(200);
      expect(again.json).toMatchObject({ replaced: true, score: 1 });
    }
    // Another user scoring their own request in the experiment is a rater of their own.
    const other = await otherUser(env);
    const theirs = await chat(other.key);
    await env.flushUsage();
    expect((await score(other.key, theirs, 0.5)).json).toMatchObject({ replaced: false });

    const results = await env.t.http.get(`${BASE}/${experimentId}/results`).set(as(admin)).expect(200);
    const claude = results.body.variants.find((v: { name: string }) => v.name === 'claude');
    expect(claude.requests).toBe(2);
    expect(claude.feedbackCount).toBe(2);
    expect(claude.feedbackMean.value).toBeCloseTo(0.75, 10);
    // The request's log shows one score, named by the key that gave it last.
    const rows = await env.t.app.ctx.prisma.feedback.findMany({ where: { requestId } });
    expect(rows).toHaveLength(1);
    const mine = await env.t.http.get('/api/v1/me/feedback').set(as(userToken)).expect(200);
    expect(
      mine.body.data
        .filter((f: { requestId: string }) => f.requestId === requestId)
        .map((f: { rater: string }) => f.rater),
    ).toEqual(['vote-3']);
  });
});
