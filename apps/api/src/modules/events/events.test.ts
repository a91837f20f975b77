// The live event stream (GET /api/v1/llm/events) end to end: two gateway instances on one database and one real
// Redis, real proxy calls through the mock upstream, real SSE clients over HTTP. Scoping by role, no bodies or keys
// in events, exactly-once delivery on both instances, provider changes, 401, and no listener left behind.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { callEventSchema, type CallEvent } from '@switchyard/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../app.js';
import { loadEnv } from '../../config/env.js';
import { createDatabase, IN_MEMORY, type Database } from '../../db/client.js';
import { generateGatewayKey } from '../../lib/key-format.js';
import { createLogger } from '../../lib/logger.js';
import { MASTER_KEY, UPSTREAM_KEY, createProxyEnv, type ProxyEnv } from '../../test/proxy-env.js';
import { dropPrefix, eventually, testPrefix, REDIS_TEST_URL } from '../../test/redis.js';
import { openSse, type SseClient } from '../../test/sse.js';

interface Instance {
  app: App;
  url: string;
  close: () => Promise<void>;
}

/** A second gateway on the same database (its own pool on PostgreSQL) and the same Redis. */
async function startInstance(a: ProxyEnv, env: Record<string, string>): Promise<Instance> {
  const shared = a.t.db;
  const db: Database = shared.url
    ? await createDatabase({ databaseUrl: shared.url, dataDir: IN_MEMORY, poolSize: 3 })
    : shared;
  const app = await createApp({
    env: loadEnv({ LOG_LEVEL: 'silent', SERVE_WEB: 'false', ...env }),
    db,
    logger: createLogger('silent'),
    secrets: a.t.app.ctx.secrets,
    processEnv: {},
  });
  const server: Server = createServer(app.handle);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    app,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      await app.close();
      if (db !== shared) await db.close();
    },
  };
}

const PROMPT = 'the-secret-prompt-text-4711';

async function chat(base: string, key: string): Promise<string> {
  const res = await fetch(`${base}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      model: 'up-openai/gpt-test',
      messages: [{ role: 'user', content: PROMPT }],
      max_tokens: 20,
    }),
  });
  const body = (await res.json()) as { choices?: { message?: { content?: string } }[] };
  expect(res.status).toBe(200);
  expect(body.choices?.[0]?.message?.content).toBeTruthy();
  return res.headers.get('x-request-id')!;
}

const calls = (s: SseClient) =>
  s.frames.filter((f) => f.event === 'call').map((f) => callEventSchema.parse(JSON.parse(f.data)));

describe('live events: GET /api/v1/llm/events across two instances', () => {
  let a: ProxyEnv;
  let b: Instance;
  let prefix: string;
  let adminToken: string;
  let userAToken: string;
  let userBToken: string;
  let userB: { id: string; key: string };
  const streams: SseClient[] = [];
  const open = async (base: string, token: string) => {
    const s = await openSse(`${base}/api/v1/llm/events`, { authorization: `Bearer ${token}` });
    streams.push(s);
    return s;
  };

  beforeAll(async () => {
    prefix = testPrefix();
    const env = { REDIS_URL: REDIS_TEST_URL, REDIS_KEY_PREFIX: prefix };
    a = await createProxyEnv({ env: { ...env, LIVE_EVENTS_HEARTBEAT_MS: '200' } });
    b = await startInstance(a, { GATEWAY_MASTER_KEY: MASTER_KEY, USAGE_FLUSH_INTERVAL_MS: '50', ...env });
    adminToken = await a.t.tokenFor('seed_admin');
    const emailA = (await a.t.db.prisma.user.findUniqueOrThrow({ where: { id: a.ids.user } })).email;
    const login = await a.t.http.post('/api/v1/auth/login').send({ email: emailA, password: a.userPassword });
    userAToken = login.body.token as string;
    const ub = await a.t.createUser('user');
    const key = generateGatewayKey();
    await a.t.db.prisma.gatewayKey.create({
      data: { keyHash: key.hash, prefix: key.prefix, name: 'b key', ownerType: 'user', userId: ub.id },
    });
    userB = { id: ub.id, key: key.key };
    userBToken = (await a.t.http.post('/api/v1/auth/login').send({ email: ub.email, password: ub.password }))
      .body.token as string;
    await a.t.app.ctx.configChanged('keys');
    await eventually(() => expect(b.app.routing.config.keysByHash.has(key.hash)).toBe(true), 2000);
  }, 60_000);

  afterAll(async () => {
    for (const s of streams) s.close();
    await b?.close();
    await a?.close();
    if (prefix) await dropPrefix(prefix);
  });

  it('refuses a caller without a session (401) and opens a stream for a signed-in one', async () => {
    const anon = await openSse(`${a.url}/api/v1/llm/events`);
    expect(anon.status).toBe(401);
    anon.close();
    const s = await open(a.url, userAToken);
    expect(s.status).toBe(200);
    expect(s.contentType).toMatch(/^text\/event-stream/);
    await eventually(() => expect(s.raw()).toMatch(/^retry: \d+\n/), 2000);
  });

  it("shows an admin another user's call on both instances, once, without the prompt, the answer or a key", async () => {
    const onA = await open(a.url, adminToken);
    const onB = await open(b.url, adminToken);
    const ownA = await open(a.url, userAToken);
    expect(await a.t.app.metrics.registry.getSingleMetricAsString('switchyard_live_event_streams')).toMatch(
      /switchyard_live_event_streams 3$/m,
    );
    const requestId = await chat(a.url, userB.key);
    const mine = (f: { event: string; data: string }) => f.event === 'call' && f.data.includes(requestId);
    const [fa, fb] = await Promise.all([onA.waitFor(mine), onB.waitFor(mine)]);
    const e: CallEvent = callEventSchema.parse(JSON.parse(fb.data));
    expect(e).toMatchObject({
      userId: userB.id,
      provider: 'up-openai',
      model: 'gpt-test',
      requestedModel: 'up-openai/gpt-test',
      status: 200,
      byok: false,
    });
    expect(e.tokensIn).toBeGreaterThan(0);
    expect(e.costUsd).toBeGreaterThan(0);
    expect(JSON.parse(fa.data)).toEqual(e);
    // The row is in the database when the event arrives: a dashboard that refetches on it sees the call.
    expect(await a.t.db.prisma.usageRecord.count({ where: { requestId } })).toBe(1);
    // Delivered once per stream: locally on A, through Redis on B (A's own message is not delivered twice).
    await new Promise((r) => setTimeout(r, 300));
    expect(calls(onA).filter((c) => c.requestId === requestId)).toHaveLength(1);
    expect(calls(onB).filter((c) => c.requestId === requestId)).toHaveLength(1);
    for (const s of [onA, onB]) {
      expect(s.raw()).not.toContain(PROMPT);
      expect(s.raw()).not.toContain(userB.key);
      expect(s.raw()).not.toContain(UPSTREAM_KEY);
      expect(s.raw()).not.toMatch(/"(messages|choices|content|trace)"/);
    }
    // User A saw nothing of user B's call.
    expect(calls(ownA)).toEqual([]);
  });

  it("shows a user their own calls (from either instance) and never another user's, a provider or a model change", async () => {
    const ownA = await open(b.url, userAToken);
    const ownB = await open(a.url, userBToken);
    const admin = await open(a.url, adminToken);
    const idA = await chat(b.url, a.userKey);
    const idB = await chat(a.url, userB.key);
    const put = await a.t.http
      .put(`/api/v1/llm/providers/${a.ids.backup}`)
      .set('authorization', `Bearer ${adminToken}`)
      .send({ status: 'disabled' });
    expect(put.status).toBe(200);
    await ownA.waitFor((f) => f.data.includes(idA));
    await ownB.waitFor((f) => f.data.includes(idB));
    const prov = await admin.waitFor((f) => f.event === 'provider');
    expect(JSON.parse(prov.data)).toEqual({
      type: 'provider',
      action: 'updated',
      id: a.ids.backup,
      slug: 'up-backup',
      status: 'disabled',
    });
    const embed = await a.t.db.prisma.model.findFirstOrThrow({ where: { modelId: 'embed-test' } });
    const bulk = await a.t.http
      .post('/api/v1/llm/models/bulk')
      .set('authorization', `Bearer ${adminToken}`)
      .send({ action: 'disable', ids: [embed.id] });
    expect(bulk.status).toBe(200);
    const model = await admin.waitFor((f) => f.event === 'model');
    expect(JSON.parse(model.data)).toEqual({ type: 'model', action: 'disabled', ids: [embed.id] });
    await admin.waitFor((f) => f.data.includes(idA));
    await admin.waitFor((f) => f.data.includes(idB));
    expect(calls(ownA).map((c) => c.requestId)).toEqual([idA]);
    expect(calls(ownB).map((c) => c.requestId)).toEqual([idB]);
    for (const s of [ownA, ownB]) expect(s.frames.filter((f) => f.event !== 'call')).toEqual([]);
  });

  it('sends heartbeats and ends the stream once its session is signed out', async () => {
    const ub = await a.t.createUser('user');
    const token = (await a.t.http.post('/api/v1/auth/login').send({ email: ub.email, password: ub.password }))
      .body.token as string;
    const s = await open(a.url, token);
    await eventually(() => expect(s.raw()).toContain(': ping\n\n'), 2000);
    await a.t.http.post('/api/v1/auth/logout').set('authorization', `Bearer ${token}`).expect(204);
    let done = false;
    void s.ended.then(() => (done = true));
    await eventually(() => expect(done).toBe(true), 2000);
  });

  it('leaves no listener behind after many connects and disconnects', async () => {
    for (const s of streams) s.close();
    await eventually(() => expect(a.t.app.events.listeners + b.app.events.listeners).toBe(0), 3000);
    for (let i = 0; i < 20; i++) {
      const s = await openSse(`${a.url}/api/v1/llm/events`, { authorization: `Bearer ${adminToken}` });
      expect(s.status).toBe(200);
      s.close();
    }
    await eventually(() => expect(a.t.app.events.listeners).toBe(0), 3000);
    expect(await a.t.app.metrics.registry.getSingleMetricAsString('switchyard_live_event_streams')).toMatch(
      /switchyard_live_event_streams 0$/m,
    );
  });
});
