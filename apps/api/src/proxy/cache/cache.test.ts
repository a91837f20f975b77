// The response cache end to end, through a real HTTP mock upstream, on the database store and on Redis: a miss
// then a hit (the upstream sees one call), never shared across organizations or org-less keys, expiry (an injected
// clock), no-store, a request TTL that reads only younger entries, streams replayed as SSE the real OpenAI and
// Anthropic SDKs parse, failures never cached, a hit still counted on the key's RPM, data protection (the store
// holds placeholders, the client gets its values back on the hit too), the usage rows (cost 0, the saving) and the
// database store's size sweep.
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import fc from 'fast-check';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { generateGatewayKey } from '../../lib/key-format.js';
import { createTestApp, type TestApp } from '../../test/app.js';
import { createProxyEnv, type ProxyEnv } from '../../test/proxy-env.js';
import { dropPrefix, REDIS_TEST_URL, testPrefix } from '../../test/redis.js';
import { CacheSweep, DbResponseCache } from './store.js';

type Obj = Record<string, unknown>;
const EMAIL = 'jane.doe@example.com';

describe.each([
  ['database', false],
  ['redis', true],
])('response cache on the %s store', (_name, redis) => {
  let env: ProxyEnv;
  let clock = Date.UTC(2026, 11, 6, 1, 0, 0);
  const prefix = testPrefix();
  /** A key in organization A, a second key in A, a key in organization B, an org-less key with an RPM limit. */
  const keys = { a1: '', a2: '', b: '', limited: '', dlp: '', dlp2: '' };

  const mkKey = async (name: string, data: Obj) => {
    const k = generateGatewayKey();
    await env.t.app.ctx.prisma.gatewayKey.create({
      data: { keyHash: k.hash, prefix: k.prefix, name, ownerType: 'user', userId: env.ids.user, ...data },
    });
    return k.key;
  };

  beforeAll(async () => {
    env = await createProxyEnv({
      now: () => clock,
      env: redis
        ? { REDIS_URL: REDIS_TEST_URL, REDIS_KEY_PREFIX: prefix, REDIS_COMMAND_TIMEOUT_MS: '5000' }
        : {},
    });
    const p = env.t.app.ctx.prisma;
    const orgA = await p.organization.create({ data: { name: 'A', slug: `cache-a-${prefix.slice(8, 13)}` } });
    const orgB = await p.organization.create({ data: { name: 'B', slug: `cache-b-${prefix.slice(8, 13)}` } });
    const orgD = await p.organization.create({ data: { name: 'D', slug: `cache-d-${prefix.slice(8, 13)}` } });
    keys.a1 = await mkKey('a1', { ownerType: 'org', orgId: orgA.id, userId: null });
    keys.a2 = await mkKey('a2', { ownerType: 'org', orgId: orgA.id, userId: null });
    keys.b = await mkKey('b', { ownerType: 'org', orgId: orgB.id, userId: null });
    keys.limited = await mkKey('limited', { rpmLimit: 3, cacheTtlSeconds: 60 });
    keys.dlp = await mkKey('dlp', { ownerType: 'org', orgId: orgD.id, userId: null });
    keys.dlp2 = await mkKey('dlp2', { ownerType: 'org', orgId: orgD.id, userId: null });
    await p.alias.create({
      data: { name: 'cached-chat', targets: [{ ref: 'up-openai/gpt-test' }], cacheTtlSeconds: 60 },
    });
    await p.alias.create({
      data: { name: 'cached-claude', targets: [{ ref: 'up-anthropic/claude-test' }], cacheTtlSeconds: 60 },
    });
    await p.alias.create({ data: { name: 'plain-chat', targets: [{ ref: 'up-openai/gpt-test' }] } });
    await env.t.app.routing.reload();
    const admin = await env.t.tokenFor('admin');
    await env.t.http
      .patch(`/api/v1/llm/data-protection/status/org:${orgD.id}`)
      .set({ authorization: `Bearer ${admin}` })
      .send({ enabled: true })
      .expect(200);
    await env.t.app.routing.reload();
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
  /** A question no other test asks (entries from one test never answer another). */
  const fresh = () => `question ${++n} ${Math.random()}`;

  async function call(path: string, body: Obj, key: string, headers: Record<string, string> = {}) {
    const res = await fetch(`${env.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}`, ...headers },
      body: JSON.stringify(body),
    });
    return { res, text: await res.text(), cache: res.headers.get('x-switchyard-cache') };
  }
  const chat = (q: string, extra: Obj = {}) => ({
    model: 'cached-chat',
    messages: [{ role: 'user', content: q }],
    ...extra,
  });
  const upstreamCalls = () => env.up.requests.filter((r) => r.method === 'POST').length;

  async function rowsFor(requestIds: string[]) {
    await env.flushUsage();
    return env.t.app.ctx.prisma.usageRecord.findMany({
      where: { requestId: { in: requestIds } },
      orderBy: { id: 'asc' },
    });
  }

  it('answers the second identical request from the cache: one upstream call, cost 0, the saving recorded', async () => {
    const q = fresh();
    const first = await call('/v1/chat/completions', chat(q), keys.a1, { 'x-request-id': `c1-${q}` });
    expect(first.res.status).toBe(200);
    expect(first.cache).toBe('miss');
    // Key order, `user` and `stream_options` absent do not change the key.
    const second = await call(
      '/v1/chat/completions',
      { messages: [{ content: q, role: 'user' }], user: 'someone', model: 'cached-chat' },
      keys.a1,
      { 'x-request-id': `c2-${q}` },
    );
    expect(second.res.status).toBe(200);
    expect(second.cache).toBe('hit');
    expect(second.res.headers.get('x-switchyard-provider')).toBe('up-openai');
    expect(JSON.parse(second.text)).toEqual(JSON.parse(first.text));
    expect(upstreamCalls()).toBe(1);
    // Another key of the same organization shares the entry.
    const third = await call('/v1/chat/completions', chat(q), keys.a2);
    expect(third.cache).toBe('hit');
    expect(upstreamCalls()).toBe(1);

    const [r1, r2] = await rowsFor([`c1-${q}`, `c2-${q}`]);
    expect(r1!.cacheHit).toBe(false);
    expect(Number(r1!.costUsd)).toBeGreaterThan(0);
    expect(r2!.cacheHit).toBe(true);
    expect(Number(r2!.costUsd)).toBe(0);
    expect(Number(r2!.cacheSavedUsd)).toBeCloseTo(Number(r1!.costUsd), 9);
    expect(r2!.status).toBe(200);
    expect(r2!.providerSlug).toBe('up-openai');
    expect((r1!.trace as Obj).cache).toMatchObject({ status: 'store', source: 'alias', ttlSeconds: 60 });
    expect((r2!.trace as Obj).cache).toMatchObject({ status: 'hit', source: 'alias' });
    expect(String(((r2!.trace as Obj).cache as Obj).summary)).toMatch(/^cache: hit/);
    // The hit records no provider tokens; its trace says the served answer's, as the first request recorded them.
    expect([r2!.tokensIn, r2!.tokensOut]).toEqual([0, 0]);
    expect(r1!.tokensIn).toBeGreaterThan(0);
    expect(String(((r2!.trace as Obj).cache as Obj).summary)).toContain(
      `an answer of ${r1!.tokensIn} tokens in and ${r1!.tokensOut} out`,
    );
    // The rollups carry the hit and the saving apart from BYOK savings.
    const hourly = await env.t.app.ctx.prisma.usageHourly.aggregate({
      _sum: { cacheHits: true, cacheSavedUsd: true, savedUsd: true },
    });
    expect(hourly._sum.cacheHits).toBeGreaterThanOrEqual(2);
    expect(Number(hourly._sum.cacheSavedUsd)).toBeGreaterThan(0);
    expect(Number(hourly._sum.savedUsd)).toBe(0);
    // The logs show it and filter on it; the stat cards and usage totals count it.
    const admin = { authorization: `Bearer ${await env.t.tokenFor('admin')}` };
    const hits = await env.t.http.get('/api/v1/llm/logs?cache=hit&limit=200').set(admin).expect(200);
    const listed = hits.body.data as { requestId: string; cacheHit: boolean; cacheSavedUsd: number }[];
    expect(listed.every((r) => r.cacheHit)).toBe(true);
    expect(listed.find((r) => r.requestId === `c2-${q}`)?.cacheSavedUsd).toBeGreaterThan(0);
    const misses = await env.t.http.get('/api/v1/llm/logs?cache=miss&limit=200').set(admin).expect(200);
    expect((misses.body.data as { requestId: string }[]).map((r) => r.requestId)).toContain(`c1-${q}`);
    await env.t.http.get('/api/v1/llm/logs?cache=maybe').set(admin).expect(400);
    const stats = await env.t.http.get('/api/v1/llm/stats').set(admin).expect(200);
    expect(stats.body.cache.hits30d).toBeGreaterThanOrEqual(2);
    expect(stats.body.cache.savedUsd30d).toBeGreaterThan(0);
    const usage = await env.t.http.get('/api/v1/llm/usage?period=7d').set(admin).expect(200);
    expect(usage.body.totals.cacheHits).toBeGreaterThanOrEqual(2);
  });

  it('never shares an answer across organizations, nor with an org-less key', async () => {
    const q = fresh();
    expect((await call('/v1/chat/completions', chat(q), keys.a1)).cache).toBe('miss');
    expect((await call('/v1/chat/completions', chat(q), keys.b)).cache).toBe('miss');
    expect((await call('/v1/chat/completions', chat(q), env.userKey)).cache).toBe('miss');
    expect(upstreamCalls()).toBe(3);
    expect((await call('/v1/chat/completions', chat(q), keys.b)).cache).toBe('hit');
    expect(upstreamCalls()).toBe(3);
  });

  it('expires after the TTL, and a shorter request TTL reads only younger entries', async () => {
    const q = fresh();
    await call('/v1/chat/completions', chat(q), keys.a1);
    clock += 30_000;
    expect((await call('/v1/chat/completions', chat(q), keys.a1)).cache).toBe('hit');
    // The entry is 30 s old: a request that accepts 10 s misses (and stores a new answer).
    expect((await call('/v1/chat/completions', chat(q), keys.a1, { 'x-switchyard-cache': '10' })).cache).toBe(
      'miss',
    );
    expect(upstreamCalls()).toBe(2);
    clock += 61_000;
    await Promise.all([...env.t.app.responseCache.runtime.writes]);
    env.t.app.responseCache.runtime.front?.clear();
    expect((await call('/v1/chat/completions', chat(q), keys.a1)).cache).toBe('miss');
    expect(upstreamCalls()).toBe(3);
  });

  it('no-store bypasses the cache; a request header alone turns it on; bad values are a 400', async () => {
    const q = fresh();
    // The same target and content under another name would share the entry: the plain alias asks its own question.
    const plain = { model: 'plain-chat', messages: [{ role: 'user', content: fresh() }] };
    const none = await call('/v1/chat/completions', plain, keys.a1);
    expect(none.cache).toBeNull();
    await call('/v1/chat/completions', chat(q), keys.a1);
    const bypass = await call('/v1/chat/completions', chat(q), keys.a1, { 'x-switchyard-cache': 'no-store' });
    expect(bypass.res.status).toBe(200);
    expect(bypass.cache).toBe('bypass');
    expect(upstreamCalls()).toBe(3);
    // On an alias without caching, the header turns it on for the request.
    expect((await call('/v1/chat/completions', plain, keys.a1, { 'x-switchyard-cache': '30' })).cache).toBe(
      'miss',
    );
    expect((await call('/v1/chat/completions', plain, keys.a1, { 'x-switchyard-cache': '30' })).cache).toBe(
      'hit',
    );
    expect(upstreamCalls()).toBe(4);
    for (const bad of ['0', '-1', 'forever', '1.5', '123456789']) {
      const r = await call('/v1/chat/completions', plain, keys.a1, { 'x-switchyard-cache': bad });
      expect(r.res.status, bad).toBe(400);
      expect(JSON.parse(r.text).error.message).toMatch(/x-switchyard-cache/);
    }
    expect(upstreamCalls()).toBe(4);
  });

  it('never caches a failure', async () => {
    const q = fresh();
    env.up.script({ status: 400, body: { error: { message: 'bad', type: 'invalid_request_error' } } });
    const failed = await call('/v1/chat/completions', chat(q), keys.a1);
    expect(failed.res.status).toBe(400);
    const ok = await call('/v1/chat/completions', chat(q), keys.a1);
    expect(ok.res.status).toBe(200);
    expect(ok.cache).toBe('miss');
    // A stream cut midway is not stored either.
    const q2 = fresh();
    env.up.script({ cutAfterChunks: 1 });
    await call('/v1/chat/completions', chat(q2, { stream: true }), keys.a1);
    expect((await call('/v1/chat/completions', chat(q2, { stream: true }), keys.a1)).cache).toBe('miss');
  });

  it('never caches an error or a failed response the provider answered with a 200', async () => {
    // Some OpenAI-compatible services answer an overload with 200 and an error object. That is a failed attempt
    // (retried): the answer that follows is what the client gets and what is stored, never the error.
    const q = fresh();
    env.up.script({
      path: '/chat/completions',
      status: 200,
      body: { error: { message: 'Overloaded', code: 502 } },
    });
    const first = await call('/v1/chat/completions', chat(q), keys.a1);
    expect(first.cache).toBe('miss');
    expect(JSON.parse(first.text).choices[0].message.content).toBe('Hello from upstream');
    // A Responses answer whose status says it failed.
    const r = { model: 'cached-chat', input: fresh() };
    env.up.script({
      path: '/responses',
      status: 200,
      body: {
        id: 'resp_failed',
        object: 'response',
        created_at: 1,
        status: 'failed',
        model: 'gpt-test',
        error: { code: 'server_error', message: 'The model failed' },
        output: [],
      },
    });
    const firstR = await call('/v1/responses', r, keys.a1);
    expect(firstR.cache).toBe('miss');
    expect(JSON.parse(firstR.text).status).toBe('completed');
    expect(upstreamCalls()).toBe(4);
    // What is replayed is the answer.
    const hit = await call('/v1/chat/completions', chat(q), keys.a1);
    expect(hit.cache).toBe('hit');
    expect(JSON.parse(hit.text).choices[0].message.content).toBe('Hello from upstream');
    const hitR = await call('/v1/responses', r, keys.a1);
    expect(hitR.cache).toBe('hit');
    expect(JSON.parse(hitR.text).status).toBe('completed');
    expect(upstreamCalls()).toBe(4);
  });

  it('never caches a 200 answer that carries no answer (no choices, empty content), in either format', async () => {
    const chatAnswer = (choices: unknown[]) => ({
      id: 'chatcmpl-empty',
      object: 'chat.completion',
      created: 1,
      model: 'gpt-test',
      choices,
      usage: { prompt_tokens: 5, completion_tokens: 0, total_tokens: 5 },
    });
    const message = (content: unknown[], stop_reason: string | null) => ({
      id: 'msg_empty',
      type: 'message',
      role: 'assistant',
      model: 'claude-test',
      content,
      stop_reason,
      stop_sequence: null,
      usage: { input_tokens: 5, output_tokens: 0 },
    });
    const claude = (q: string) => ({
      model: 'cached-claude',
      max_tokens: 100,
      messages: [{ role: 'user', content: q }],
    });
    const empties: { path: string; client: string; body: Obj; answer: Obj }[] = [
      {
        path: '/chat/completions',
        client: '/v1/chat/completions',
        body: chat(fresh()),
        answer: chatAnswer([]),
      },
      {
        path: '/chat/completions',
        client: '/v1/chat/completions',
        body: chat(fresh()),
        answer: chatAnswer([
          { index: 0, message: { role: 'assistant', content: '' }, finish_reason: 'stop', logprobs: null },
        ]),
      },
      { path: '/messages', client: '/v1/messages', body: claude(fresh()), answer: message([], null) },
      { path: '/messages', client: '/v1/messages', body: claude(fresh()), answer: message([], 'end_turn') },
      {
        path: '/messages',
        client: '/v1/messages',
        body: claude(fresh()),
        answer: message([{ type: 'text', text: '' }], 'end_turn'),
      },
      // An OpenAI client of an Anthropic target: the empty message in the client's format.
      {
        path: '/messages',
        client: '/v1/chat/completions',
        body: { ...chat(fresh()), model: 'cached-claude' },
        answer: message([], null),
      },
    ];
    for (const e of empties) {
      const label = `${e.client} ← ${JSON.stringify(e.answer)}`;
      env.up.reset();
      env.up.script({ path: e.path, status: 200, body: e.answer });
      const first = await call(e.client, e.body, keys.a1);
      expect(first.res.status, label).toBe(200);
      expect(first.cache, label).toBe('miss');
      await Promise.all([...env.t.app.responseCache.runtime.writes]);
      env.t.app.responseCache.runtime.front?.clear();
      // Asked again: not the empty answer from the cache, but the provider's real one.
      const again = await call(e.client, e.body, keys.a1);
      expect(again.cache, label).toBe('miss');
      expect(again.text, label).toContain('Hello from upstream');
      expect(upstreamCalls(), label).toBe(2);
    }
    // A refusal is an answer, empty or not: stored and replayed.
    env.up.reset();
    const refused = claude(fresh());
    env.up.script({ path: '/messages', status: 200, body: message([], 'refusal') });
    expect((await call('/v1/messages', refused, keys.a1)).cache).toBe('miss');
    const replayed = await call('/v1/messages', refused, keys.a1);
    expect(replayed.cache).toBe('hit');
    expect(JSON.parse(replayed.text)).toMatchObject({ content: [], stop_reason: 'refusal' });
    expect(upstreamCalls()).toBe(1);
  });

  it('never caches a finished stream that carried no answer, nor an empty Responses answer or embedding', async () => {
    const q = fresh();
    const chunk = (delta: Obj, finish: string | null) =>
      `data: ${JSON.stringify({ id: 'c', object: 'chat.completion.chunk', created: 1, model: 'gpt-test', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
    env.up.script({
      path: '/chat/completions',
      events: [chunk({ role: 'assistant', content: '' }, null), chunk({}, 'stop'), 'data: [DONE]\n\n'],
    });
    const body = chat(q, { stream: true });
    expect((await call('/v1/chat/completions', body, keys.a1)).cache).toBe('miss');
    await Promise.all([...env.t.app.responseCache.runtime.writes]);
    const again = await call('/v1/chat/completions', body, keys.a1);
    expect(again.cache).toBe('miss');
    expect(again.text).toContain('upstream');
    const claude = {
      model: 'cached-claude',
      max_tokens: 100,
      stream: true,
      messages: [{ role: 'user', content: q }],
    };
    env.up.script({
      path: '/messages',
      events: [
        'event: message_start\ndata: {"type":"message_start","message":{"id":"msg_e","type":"message","role":"assistant","model":"claude-test","content":[],"stop_reason":null,"usage":{"input_tokens":5,"output_tokens":1}}}\n\n',
        'event: message_delta\ndata: {"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":2}}\n\n',
        'event: message_stop\ndata: {"type":"message_stop"}\n\n',
      ],
    });
    expect((await call('/v1/messages', claude, keys.a1)).cache).toBe('miss');
    await Promise.all([...env.t.app.responseCache.runtime.writes]);
    const claudeAgain = await call('/v1/messages', claude, keys.a1);
    expect(claudeAgain.cache).toBe('miss');
    expect(claudeAgain.text).toContain('upstream');
    // A Responses answer with no output, embeddings with no vectors.
    const r = { model: 'cached-chat', input: fresh() };
    env.up.script({
      path: '/responses',
      status: 200,
      body: {
        id: 'resp_e',
        object: 'response',
        created_at: 1,
        status: 'completed',
        model: 'gpt-test',
        output: [],
      },
    });
    expect((await call('/v1/responses', r, keys.a1)).cache).toBe('miss');
    await Promise.all([...env.t.app.responseCache.runtime.writes]);
    expect((await call('/v1/responses', r, keys.a1)).cache).toBe('miss');
    const emb = { model: 'up-openai/embed-test', input: fresh() };
    env.up.script({
      path: '/embeddings',
      status: 200,
      body: { object: 'list', data: [], model: 'embed-test', usage: { prompt_tokens: 3, total_tokens: 3 } },
    });
    const e1 = await call('/v1/embeddings', emb, keys.a1, { 'x-switchyard-cache': '60' });
    expect(e1.res.status).toBe(200);
    expect(e1.cache).toBe('miss');
    await Promise.all([...env.t.app.responseCache.runtime.writes]);
    const e2 = await call('/v1/embeddings', emb, keys.a1, { 'x-switchyard-cache': '60' });
    expect(e2.cache).toBe('miss');
    expect(JSON.parse(e2.text).data.length).toBeGreaterThan(0);
    expect(upstreamCalls()).toBe(8);
    // The real answers that followed are stored.
    expect((await call('/v1/chat/completions', body, keys.a1)).cache).toBe('hit');
    expect((await call('/v1/messages', claude, keys.a1)).cache).toBe('hit');
    expect((await call('/v1/responses', r, keys.a1)).cache).toBe('hit');
    expect((await call('/v1/embeddings', emb, keys.a1, { 'x-switchyard-cache': '60' })).cache).toBe('hit');
    expect(upstreamCalls()).toBe(8);
  });

  it('an admin pointing the model at another upstream model, or changing its defaults, gets no answer stored before', async () => {
    const p = env.t.app.ctx.prisma;
    const suffix = Math.random().toString(36).slice(2, 8);
    const model = await p.model.create({
      data: {
        providerId: env.ids.openai,
        modelId: `inv-a-${suffix}`,
        displayName: 'Invalidation test',
        priceInputPer1M: 2,
        priceOutputPer1M: 8,
        capabilities: ['chat', 'streaming'],
      },
    });
    await env.t.app.routing.reload();
    const admin = { authorization: `Bearer ${await env.t.tokenFor('admin')}` };
    const change = async (body: Obj) => {
      await env.t.http.put(`/api/v1/llm/models/${model.id}`).set(admin).send(body).expect(200);
      await env.t.app.routing.reload();
    };
    const q = fresh();
    const ask = (modelId: string) =>
      call(
        '/v1/chat/completions',
        { model: `up-openai/${modelId}`, messages: [{ role: 'user', content: q }] },
        keys.a1,
        { 'x-switchyard-cache': '600' },
      );
    expect((await ask(`inv-a-${suffix}`)).cache).toBe('miss');
    expect((await ask(`inv-a-${suffix}`)).cache).toBe('hit');
    // New default parameters: the provider now gets them, and the answer made without them is not served.
    await change({ config: { temperature: 0.25 } });
    const withDefaults = await ask(`inv-a-${suffix}`);
    expect(withDefaults.cache).toBe('miss');
    expect(JSON.parse(env.up.requests.at(-1)!.raw.toString('utf8')).temperature).toBe(0.25);
    expect((await ask(`inv-a-${suffix}`)).cache).toBe('hit');
    // Another upstream model behind the same entry: its answer, not the old model's.
    await change({ modelId: `inv-b-${suffix}` });
    const renamed = await ask(`inv-b-${suffix}`);
    expect(renamed.cache).toBe('miss');
    expect(renamed.res.headers.get('x-switchyard-model')).toBe(`inv-b-${suffix}`);
    expect(JSON.parse(env.up.requests.at(-1)!.raw.toString('utf8')).model).toBe(`inv-b-${suffix}`);
    expect(upstreamCalls()).toBe(3);
  });

  it('keeps a Responses answer the provider stored apart from one it did not (store)', async () => {
    const r = { model: 'cached-chat', input: fresh() };
    expect((await call('/v1/responses', { ...r, store: false }, keys.a1)).cache).toBe('miss');
    // The id of an answer the provider did not keep cannot be named by a later previous_response_id.
    expect((await call('/v1/responses', { ...r, store: true }, keys.a1)).cache).toBe('miss');
    expect((await call('/v1/responses', { ...r, store: true }, keys.a1)).cache).toBe('hit');
    expect((await call('/v1/responses', { ...r, store: false }, keys.a1)).cache).toBe('hit');
  });

  it("shares a Responses answer between store: true and no store (the API's default), never with store: false", async () => {
    // Filled by store: true, a store: false caller still reaches the upstream (its answer must not be kept there).
    const r = { model: 'cached-chat', input: fresh() };
    expect((await call('/v1/responses', { ...r, store: true }, keys.a1)).cache).toBe('miss');
    expect(upstreamCalls()).toBe(1);
    expect((await call('/v1/responses', { ...r, store: false }, keys.a1)).cache).toBe('miss');
    expect(upstreamCalls()).toBe(2);
    // No store is store: true at the provider: the same answer, from the cache.
    expect((await call('/v1/responses', r, keys.a1)).cache).toBe('hit');
    const s = { model: 'cached-chat', input: fresh() };
    expect((await call('/v1/responses', s, keys.a1)).cache).toBe('miss');
    expect((await call('/v1/responses', { ...s, store: true }, keys.a1)).cache).toBe('hit');
    expect((await call('/v1/responses', { ...s, store: false }, keys.a1)).cache).toBe('miss');
    expect(upstreamCalls()).toBe(4);
  });

  it('never caches a stream that ended without an answer (no stop reason)', async () => {
    const q = fresh();
    env.up.script({ path: '/chat/completions', events: ['data: [DONE]\n\n'] });
    expect((await call('/v1/chat/completions', chat(q, { stream: true }), keys.a1)).cache).toBe('miss');
    const again = await call('/v1/chat/completions', chat(q, { stream: true }), keys.a1);
    expect(again.cache).toBe('miss');
    expect(again.text).toContain('upstream');
    const body = {
      model: 'cached-claude',
      max_tokens: 100,
      stream: true,
      messages: [{ role: 'user', content: q }],
    };
    env.up.script({
      path: '/messages',
      events: [
        'event: message_start\ndata: {"type":"message_start","message":{"id":"msg_e","type":"message","role":"assistant","model":"claude-test","content":[],"stop_reason":null,"usage":{"input_tokens":5,"output_tokens":1}}}\n\n',
        'event: message_stop\ndata: {"type":"message_stop"}\n\n',
      ],
    });
    expect((await call('/v1/messages', body, keys.a1)).cache).toBe('miss');
    const claude = await call('/v1/messages', body, keys.a1);
    expect(claude.cache).toBe('miss');
    expect(claude.text).toContain('upstream');
    expect(upstreamCalls()).toBe(4);
    // The real answers that followed are stored.
    expect((await call('/v1/chat/completions', chat(q, { stream: true }), keys.a1)).cache).toBe('hit');
    expect((await call('/v1/messages', body, keys.a1)).cache).toBe('hit');
    expect(upstreamCalls()).toBe(4);
  });

  it('replays streams as SSE the real OpenAI and Anthropic SDKs parse', async () => {
    const q = fresh();
    const openai = new OpenAI({ apiKey: keys.a1, baseURL: `${env.url}/v1`, maxRetries: 0 });
    const texts: string[] = [];
    for (let i = 0; i < 2; i++) {
      const stream = await openai.chat.completions.create({
        model: 'cached-chat',
        messages: [{ role: 'user', content: q }],
        stream: true,
      });
      let text = '';
      for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? '';
      texts.push(text);
    }
    expect(texts[0]).toBe('Hello from upstream');
    expect(texts[1]).toBe(texts[0]);
    expect(upstreamCalls()).toBe(1);
    // A whole request for the same content is a separate entry (stream and whole answers are stored apart).
    expect((await call('/v1/chat/completions', chat(q), keys.a1)).cache).toBe('miss');

    const anthropic = new Anthropic({ apiKey: keys.a1, baseURL: env.url, maxRetries: 0 });
    const claude: string[] = [];
    for (let i = 0; i < 2; i++) {
      const stream = anthropic.messages.stream({
        model: 'cached-claude',
        max_tokens: 100,
        messages: [{ role: 'user', content: q }],
      });
      const msg = await stream.finalMessage();
      claude.push(msg.content.map((b) => (b.type === 'text' ? b.text : '')).join(''));
      expect(msg.stop_reason).toBe('end_turn');
    }
    expect(claude[0]).toBe('Hello from upstream');
    expect(claude[1]).toBe(claude[0]);
    expect(upstreamCalls()).toBe(3);
  });

  it('a stream is replayed with the usage chunk only to a client that asked for it (stream_options.include_usage)', async () => {
    const q = fresh();
    const usageChunk = (text: string) =>
      text
        .split('\n')
        .filter((l) => l.startsWith('data: {'))
        .map((l) => JSON.parse(l.slice(6)) as { choices: unknown[]; usage: { total_tokens: number } | null })
        .find((c) => c.choices.length === 0 && c.usage !== null);
    const plain = await call('/v1/chat/completions', chat(q, { stream: true }), keys.a1);
    expect(plain.cache).toBe('miss');
    expect(usageChunk(plain.text)).toBeUndefined();
    // The client counting its tokens gets them, not the stream stored for a client that did not ask.
    const counted = chat(q, { stream: true, stream_options: { include_usage: true } });
    const withUsage = await call('/v1/chat/completions', counted, keys.a1);
    expect(withUsage.res.status).toBe(200);
    expect(usageChunk(withUsage.text)?.usage?.total_tokens).toBeGreaterThan(0);
    expect(upstreamCalls()).toBe(2);
    // Each is then answered from its own entry.
    const again = await call('/v1/chat/completions', counted, keys.a1);
    expect(again.cache).toBe('hit');
    expect(usageChunk(again.text)?.usage?.total_tokens).toBeGreaterThan(0);
    const plainAgain = await call('/v1/chat/completions', chat(q, { stream: true }), keys.a1);
    expect(plainAgain.cache).toBe('hit');
    expect(usageChunk(plainAgain.text)).toBeUndefined();
    expect(upstreamCalls()).toBe(2);
  });

  it('an Anthropic client’s beta header is part of the key: the answer stored without it is not served with it', async () => {
    const q = fresh();
    const body = { model: 'cached-claude', max_tokens: 100, messages: [{ role: 'user', content: q }] };
    const v = { 'anthropic-version': '2023-06-01' };
    const beta = { ...v, 'anthropic-beta': 'output-128k-2025-02-19' };
    expect((await call('/v1/messages', body, keys.a1, v)).cache).toBe('miss');
    const withBeta = await call('/v1/messages', body, keys.a1, beta);
    expect(withBeta.res.status).toBe(200);
    expect(withBeta.cache).toBe('miss');
    // The beta reached the provider: its answer is the one the client asked for.
    const posts = env.up.requests.filter((r) => r.method === 'POST');
    expect(posts.map((r) => r.headers['anthropic-beta'])).toEqual([undefined, 'output-128k-2025-02-19']);
    expect((await call('/v1/messages', body, keys.a1, beta)).cache).toBe('hit');
    expect((await call('/v1/messages', body, keys.a1, v)).cache).toBe('hit');
    expect(upstreamCalls()).toBe(2);
  });

  it('still counts a hit on the key RPM limit', async () => {
    const q = fresh();
    clock = Math.ceil(clock / 60_000) * 60_000 + 1000;
    const codes: number[] = [];
    for (let i = 0; i < 4; i++)
      codes.push((await call('/v1/chat/completions', chat(q), keys.limited)).res.status);
    expect(codes).toEqual([200, 200, 200, 429]);
    expect(upstreamCalls()).toBe(1);
  });

  it('with data protection: the provider and the store hold placeholders, the client gets its value back on the hit', async () => {
    const q = `${fresh()} write to ${EMAIL}`;
    const body = chat(q);
    env.up.script([{ text: 'I will write to [EMAIL_1] now.' }]);
    const first = await call('/v1/chat/completions', body, keys.dlp);
    expect(first.res.status).toBe(200);
    const seen = env.up.requests.map((r) => r.raw.toString('utf8')).join('\n');
    expect(seen).not.toContain(EMAIL);
    const firstText = (JSON.parse(first.text) as { choices: { message: { content: string } }[] }).choices[0]!
      .message.content;
    // The mock answers with the placeholder the gateway chose; the client sees its own value.
    expect(firstText).not.toContain('[EMAIL');
    expect(firstText).toContain(EMAIL);
    const second = await call('/v1/chat/completions', body, keys.dlp);
    expect(second.cache).toBe('hit');
    expect(second.text).toBe(first.text);
    expect(upstreamCalls()).toBe(1);
    // What the store holds: the protected form only.
    const stored = await storedEntries();
    expect(stored.length).toBeGreaterThan(0);
    for (const e of stored) expect(e).not.toContain(EMAIL);
  });

  /** Every entry the store holds, as text (after the writes still running). */
  async function storedEntries(): Promise<string[]> {
    await Promise.all([...env.t.app.responseCache.runtime.writes]);
    if (!redis)
      return (await env.t.app.ctx.prisma.responseCacheEntry.findMany()).map((row) =>
        Buffer.from(row.body).toString('utf8'),
      );
    const r = new Redis(REDIS_TEST_URL, { maxRetriesPerRequest: 1 });
    try {
      const ks = await r.keys(`${prefix}cache:*`);
      return await Promise.all(ks.map(async (k) => (await r.getBuffer(k))?.toString('utf8') ?? ''));
    } finally {
      await r.quit();
    }
  }

  // A stream translated from another format carries the gateway's own (unsigned) reasoning: replayed from the cache,
  // it is restored like the live stream, each caller's placeholders to its own values (the store holds neither).
  it.each([
    {
      client: 'an Anthropic client',
      path: '/v1/messages',
      upstreamPath: '/chat/completions',
      body: (text: string) => ({
        model: 'up-openai/gpt-test',
        max_tokens: 50,
        stream: true,
        messages: [{ role: 'user', content: text }],
      }),
      reasoningOf: (ev: Obj) => (ev.type === 'content_block_delta' ? (ev.delta as Obj).thinking : undefined),
    },
    {
      client: 'a Responses client',
      path: '/v1/responses',
      upstreamPath: '/messages',
      body: (text: string) => ({
        model: 'up-anthropic/claude-test',
        stream: true,
        reasoning: { effort: 'low' },
        input: [{ role: 'user', content: text }],
      }),
      reasoningOf: (ev: Obj) => (ev.type === 'response.reasoning_summary_text.delta' ? ev.delta : undefined),
    },
  ])(
    'with data protection: $client streaming translated reasoning reads its own values in it on a hit',
    async ({ path, upstreamPath, body, reasoningOf }) => {
      const OTHER = 'sam.roe@example.org';
      const reasoning = (sse: string) =>
        sse
          .split('\n')
          .filter((l) => l.startsWith('data: ') && l !== 'data: [DONE]')
          .map((l) => reasoningOf(JSON.parse(l.slice(6)) as Obj))
          .filter((t): t is string => typeof t === 'string')
          .join('');
      const q = fresh();
      const hdr = { 'x-switchyard-cache': '60' };
      env.up.script({ path: upstreamPath, reasoning: 'The user gave [EMAIL_1].' });
      const first = await call(path, body(`${q} mail ${EMAIL}`), keys.dlp, hdr);
      expect(first.res.status, first.text).toBe(200);
      expect(first.cache).toBe('miss');
      expect(reasoning(first.text)).toBe(`The user gave ${EMAIL}.`);
      await Promise.all([...env.t.app.responseCache.runtime.writes]);
      // The same caller again, then another caller of the organization whose prompt masks to the same request.
      const again = await call(path, body(`${q} mail ${EMAIL}`), keys.dlp, hdr);
      expect(again.cache).toBe('hit');
      expect(reasoning(again.text)).toBe(`The user gave ${EMAIL}.`);
      expect(again.text).not.toContain('[EMAIL_1]');
      const other = await call(path, body(`${q} mail ${OTHER}`), keys.dlp2, hdr);
      expect(other.cache).toBe('hit');
      expect(reasoning(other.text)).toBe(`The user gave ${OTHER}.`);
      expect(other.text).not.toContain('[EMAIL_1]');
      expect(other.text).not.toContain(EMAIL);
      expect(upstreamCalls()).toBe(1);
      // The store holds the stream as the provider said it: placeholders, neither caller's value.
      const stored = (await storedEntries()).filter((e) => e.includes('The user gave'));
      expect(stored.length).toBeGreaterThan(0);
      for (const e of stored) {
        expect(e).toContain('[EMAIL_1]');
        expect(e).not.toContain(EMAIL);
        expect(e).not.toContain(OTHER);
      }
    },
  );

  it('a store that fails is a miss, never a failed request', async () => {
    const runtime = env.t.app.responseCache.runtime;
    const real = runtime.store;
    runtime.store = {
      kind: real.kind,
      get: () => Promise.reject(new Error('store down')),
      set: () => Promise.reject(new Error('store down')),
      busy: () => false,
    };
    try {
      const q = fresh();
      const r1 = await call('/v1/chat/completions', chat(q), keys.a1);
      expect(r1.res.status).toBe(200);
      expect(r1.cache).toBe('miss');
      const r2 = await call('/v1/chat/completions', chat(q, { stream: true }), keys.a1);
      expect(r2.res.status).toBe(200);
      expect(r2.text).toContain('[DONE]');
      await Promise.allSettled([...runtime.writes]);
    } finally {
      runtime.store = real;
    }
    const metrics = await fetch(`${env.url}/metrics`).then((r) => r.text());
    expect(metrics).toMatch(/switchyard_response_cache_total\{outcome="error"\} [1-9]/);
  });

  it('any x-switchyard-cache value: a 2xx or a clear 400, never a 5xx', async () => {
    const q = fresh();
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string({ maxLength: 20 }),
          fc.integer({ min: -5, max: 2_000_000_000 }).map(String),
          fc.constantFrom('no-store', 'NO-STORE', ' 60 ', '00', '1e3', '0x10', 'hit', 'bypass'),
        ),
        async (value) => {
          // Values fetch cannot send (control characters, non-Latin-1) are the client's own error.
          if (!/^[\x20-\x7e]*$/.test(value)) return;
          const r = await call('/v1/chat/completions', chat(q), keys.a1, { 'x-switchyard-cache': value });
          expect(
            r.res.status === 200 || r.res.status === 400,
            `${JSON.stringify(value)} → ${r.res.status}`,
          ).toBe(true);
          if (r.res.status === 400) expect(JSON.parse(r.text).error.message).toMatch(/x-switchyard-cache/);
        },
      ),
      { numRuns: 60 },
    );
  }, 60_000);
});

// The database store's own housekeeping (the Redis store's bound: redis-cache-bound.test.ts).
describe('the database cache store', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  }, 120_000);
  afterAll(async () => {
    await t?.close();
  });

  it('sweeps expired entries, then the oldest above the size cap', async () => {
    const prisma = t.app.ctx.prisma;
    await prisma.responseCacheEntry.deleteMany();
    const store = new DbResponseCache(prisma);
    const t0 = Date.UTC(2026, 11, 6, 1, 0, 0);
    const meta = { orgId: null, target: 'p/m' };
    await store.set('expired', Buffer.alloc(1000), 1000, t0 - 10_000, meta);
    for (let i = 0; i < 5; i++) await store.set(`live-${i}`, Buffer.alloc(1000), 600_000, t0 + i, meta);
    expect(await store.get('expired', t0)).toBeNull();
    expect((await store.get('live-0', t0))?.length).toBe(1000);
    const sweep = new CacheSweep(prisma, {
      maxBytes: 3000,
      intervalMs: 60_000,
      now: () => t0 + 10,
      logger: t.app.ctx.logger,
      batch: 2,
    });
    expect(await sweep.run()).toEqual({ expired: 1, evicted: 2 });
    const left = (await prisma.responseCacheEntry.findMany({ orderBy: { key: 'asc' } })).map((r) => r.key);
    expect(left).toEqual(['live-2', 'live-3', 'live-4']);
    await prisma.responseCacheEntry.deleteMany();
  });
});
