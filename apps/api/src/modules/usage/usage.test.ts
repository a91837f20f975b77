import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateGatewayKey } from '../../lib/key-format.js';
import { createProxyEnv, type ProxyEnv } from '../../test/proxy-env.js';
import { writeUsageBatch } from '../../metering/writer.js';
import type { ProxyUsage } from '../../metering/types.js';
import { envUserCall } from '../../test/usage-record.js';

let e: ProxyEnv;
let viewer: string;
let userA: string;
let userB: { id: string; email: string; token: string; key: string };
const as = (token: string) => ({ authorization: `Bearer ${token}` });
const DAY = 86_400_000;

const chat = (key: string, model = 'up-openai/gpt-test') =>
  fetch(`${e.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model, messages: [{ role: 'user', content: 'hi' }] }),
  });

const historic = (daysAgo: number, patch: Partial<ProxyUsage> = {}): ProxyUsage =>
  envUserCall(e.ids, {
    createdAt: new Date(Date.now() - daysAgo * DAY),
    requestId: `hist-${daysAgo}-${Math.random()}`,
    tokensIn: 100,
    tokensOut: 50,
    costUsd: 0.5,
    latencyMs: 100,
    ...patch,
  });

beforeAll(async () => {
  e = await createProxyEnv();
  viewer = await e.t.tokenFor('viewer');
  const a = await e.t.app.ctx.prisma.user.findUniqueOrThrow({ where: { id: e.ids.user } });
  userA = (await e.t.http.post('/api/v1/auth/login').send({ email: a.email, password: e.userPassword })).body
    .token;
  const b = await e.t.createUser('user');
  const key = generateGatewayKey();
  await e.t.app.ctx.prisma.gatewayKey.create({
    data: { keyHash: key.hash, prefix: key.prefix, name: 'b key', ownerType: 'user', userId: b.id },
  });
  await e.t.app.routing.reload();
  userB = {
    id: b.id,
    email: b.email,
    token: (await e.t.http.post('/api/v1/auth/login').send({ email: b.email, password: b.password })).body
      .token,
    key: key.key,
  };

  // Previous 30-day window: 10 calls at $0.50 for user A. Current window (older than a week): 4 calls at $0.25.
  await writeUsageBatch(
    e.t.app.ctx.prisma,
    Array.from({ length: 10 }, (_, i) => historic(35 + i)),
  );
  await writeUsageBatch(
    e.t.app.ctx.prisma,
    Array.from({ length: 4 }, (_, i) => historic(10 + i, { costUsd: 0.25 })),
  );
  // Live traffic: user A 3 ok + 1 unknown model; user B 2 ok, then 1 through their own (BYOK) key.
  for (let i = 0; i < 3; i++) expect((await chat(e.userKey)).status).toBe(200);
  expect((await chat(e.userKey, 'no-such-model')).status).toBe(404);
  for (let i = 0; i < 2; i++) expect((await chat(userB.key)).status).toBe(200);
  expect(
    (
      await e.t.http
        .put(`/api/v1/me/byok/${e.ids.openai}`)
        .set(as(userB.token))
        .send({ apiKey: 'sk-user-b-own-key-1234' })
    ).status,
  ).toBe(200);
  expect((await chat(userB.key)).status).toBe(200);
  await e.flushUsage();
});
afterAll(async () => {
  await e?.close();
});

const sumDb = async (where: object = {}) => {
  const rows = await e.t.app.ctx.prisma.usageRecord.findMany({
    where,
    select: { costUsd: true, savedUsd: true },
  });
  return {
    n: rows.length,
    cost: rows.reduce((s, r) => s + Number(r.costUsd), 0),
    saved: rows.reduce((s, r) => s + Number(r.savedUsd), 0),
  };
};

describe('stats', () => {
  it('counts providers and models, and API calls and cost over 30 days with the change versus the 30 before', async () => {
    const res = await e.t.http.get('/api/v1/llm/stats').set(as(viewer));
    expect(res.status).toBe(200);
    const { prisma } = e.t.app.ctx;
    const cur = await sumDb({ createdAt: { gte: new Date(Date.now() - 30 * DAY) } });
    expect(res.body.totalProviders).toBe(await prisma.provider.count());
    // The Models page's "Enabled" count.
    expect(res.body.activeModels).toBe(await prisma.model.count({ where: { enabled: true } }));
    const models = await e.t.http.get('/api/v1/llm/models').query({ enabled: 'true' }).set(as(viewer));
    expect(res.body.activeModels).toBe(models.body.total);
    // Every answered call today went to one model; none in the 24 hours before (nothing to compare with).
    expect(res.body.modelsUsed24h).toEqual({ value: 1, previous: 0, changePct: null });
    expect(res.body.apiCalls30d).toEqual({
      value: cur.n,
      previous: 10,
      changePct: Math.round(((cur.n - 10) / 10) * 1000) / 10,
    });
    expect(cur.n).toBe(4 + 7);
    expect(res.body.cost30d.valueUsd).toBeCloseTo(cur.cost, 6);
    expect(res.body.cost30d.previousUsd).toBeCloseTo(5, 6);
    expect(res.body.cost30d.changePct).toBe(
      Math.round(((Math.round(cur.cost * 1e6) / 1e6 - 5) / 5) * 1000) / 10,
    );
    expect(res.body.byok.users).toBe(1);
    expect(res.body.byok.savedUsd30d).toBeGreaterThan(0);
    expect(res.body.errorRate30d).toBeCloseTo(1 / 11, 4);
  });
});

describe('usage charts', () => {
  it('30d: one point per day, totals that add up, cost and health by provider, popular models, top users', async () => {
    const res = await e.t.http.get('/api/v1/llm/usage').query({ period: '30d' }).set(as(viewer));
    expect(res.body.bucket).toBe('day');
    expect(res.body.series).toHaveLength(30);
    const seriesRequests = res.body.series.reduce((s: number, p: { requests: number }) => s + p.requests, 0);
    expect(seriesRequests).toBe(11);
    expect(res.body.totals).toMatchObject({ requests: 11, errors: 1, byokRequests: 1 });
    const openai = res.body.byProvider.find((p: { slug: string }) => p.slug === 'up-openai');
    expect(openai).toMatchObject({ provider: 'up-openai', requests: 10, errors: 0, successRate: 1 });
    expect(openai.avgLatencyMs).toBeGreaterThanOrEqual(0);
    const rejected = res.body.byProvider.find((p: { providerId: string | null }) => p.providerId === null);
    expect(rejected).toMatchObject({ requests: 1, errors: 1, successRate: 0 });
    expect(res.body.byModel[0]).toMatchObject({ ref: 'up-openai/gpt-test', requests: 10 });
    const emailA = (await e.t.app.ctx.prisma.user.findUniqueOrThrow({ where: { id: e.ids.user } })).email;
    expect(res.body.topUsers[0]).toMatchObject({ userId: e.ids.user, email: emailA });
  });

  it('7d is hourly (168 points), all time is weekly back to the first record; a bad period is a 400', async () => {
    const week = await e.t.http.get('/api/v1/llm/usage').query({ period: '7d' }).set(as(viewer));
    expect([week.body.bucket, week.body.series.length, week.body.totals.requests]).toEqual(['hour', 168, 7]);
    const all = await e.t.http.get('/api/v1/llm/usage').query({ period: 'all' }).set(as(viewer));
    expect(all.body.bucket).toBe('week');
    expect(all.body.totals.requests).toBe(21);
    expect(Date.parse(all.body.from)).toBeLessThanOrEqual(Date.now() - 44 * DAY);
    expect(all.body.series.reduce((s: number, p: { requests: number }) => s + p.requests, 0)).toBe(21);
    expect((await e.t.http.get('/api/v1/llm/usage').query({ period: '1y' }).set(as(viewer))).status).toBe(
      400,
    );
  });

  it('live: the last 60 minutes per minute', async () => {
    const res = await e.t.http.get('/api/v1/llm/live').set(as(viewer));
    expect(res.body.minutes).toHaveLength(60);
    expect(res.body.totals).toMatchObject({ requests: 7, errors: 1 });
  });

  it('per-user usage, sortable', async () => {
    const res = await e.t.http
      .get('/api/v1/llm/usage/users')
      .query({ period: '30d', sort: 'requests', order: 'desc' })
      .set(as(viewer));
    expect(res.body.data.map((u: { userId: string; requests: number }) => [u.userId, u.requests])).toEqual([
      [e.ids.user, 8],
      [userB.id, 3],
    ]);
    expect(res.body.data[1]).toMatchObject({ email: userB.email, byokRequests: 1 });
    // Input and output tokens apart, as recorded.
    const rows = await e.t.app.ctx.prisma.usageRecord.findMany({
      where: { userId: userB.id },
      select: { tokensIn: true, tokensOut: true },
    });
    const tokensIn = rows.reduce((s, r) => s + r.tokensIn, 0);
    const tokensOut = rows.reduce((s, r) => s + r.tokensOut, 0);
    expect(tokensIn).toBeGreaterThan(0);
    expect(res.body.data[1]).toMatchObject({ tokensIn, tokensOut, tokens: tokensIn + tokensOut });
    expect(res.body.data[1].savedUsd).toBeGreaterThan(0);
    const byName = await e.t.http
      .get('/api/v1/llm/usage/users')
      .query({ sort: 'name', order: 'asc' })
      .set(as(viewer));
    expect(byName.body.data.map((u: { email: string }) => u.email)).toEqual(
      [...byName.body.data.map((u: { email: string }) => u.email)].sort(),
    );
  });
});

describe('logs', () => {
  it('pages through every record exactly once, newest first, and filters', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: { data: { id: string }[]; nextCursor: string | null } } = await e.t.http
        .get('/api/v1/llm/logs')
        .query({ limit: '4', ...(cursor ? { cursor } : {}) })
        .set(as(viewer));
      seen.push(...page.body.data.map((r) => r.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    const all = await e.t.app.ctx.prisma.usageRecord.findMany({
      select: { id: true },
      orderBy: { id: 'desc' },
    });
    expect(seen).toEqual(all.map((r) => String(r.id)));
    const errors = await e.t.http.get('/api/v1/llm/logs').query({ status: 'error' }).set(as(viewer));
    expect(errors.body.data).toEqual([
      expect.objectContaining({ requestedModel: 'no-such-model', status: 404, actualModel: null }),
    ]);
    const b = await e.t.http.get('/api/v1/llm/logs').query({ user: userB.id }).set(as(viewer));
    expect(b.body.data).toHaveLength(3);
    expect(b.body.data[0]).toMatchObject({
      isByok: true,
      key: { name: 'b key' },
      user: { email: userB.email },
      provider: 'up-openai',
      actualModel: 'gpt-test',
    });
    expect(b.body.data[0].tokensIn).toBeGreaterThan(0);
    const byok = await e.t.http.get('/api/v1/llm/logs').query({ byok: 'true' }).set(as(viewer));
    expect(byok.body.data).toHaveLength(1);
    expect((await e.t.http.get('/api/v1/llm/logs').query({ cursor: 'abc' }).set(as(viewer))).status).toBe(
      400,
    );
  });

  it('one record with its resolver trace and attempts; unknown ids are 404', async () => {
    const [latest] = (
      await e.t.http.get('/api/v1/llm/logs').query({ user: userB.id, limit: '1' }).set(as(viewer))
    ).body.data;
    const detail = await e.t.http.get(`/api/v1/llm/logs/${latest.id}`).set(as(viewer));
    expect(detail.body.trace.plan.requested).toBe('up-openai/gpt-test');
    expect(detail.body.trace.plan.candidates.length).toBeGreaterThan(0);
    expect(detail.body.trace.attempts[0]).toMatchObject({
      provider: 'up-openai',
      model: 'gpt-test',
      key: 'byok',
    });
    expect((await e.t.http.get('/api/v1/llm/logs/999999999').set(as(viewer))).status).toBe(404);
    expect((await e.t.http.get('/api/v1/llm/logs/not-a-number').set(as(viewer))).status).toBe(404);
  });

  it('error reports: the failed request, filterable by type', async () => {
    const res = await e.t.http.get('/api/v1/llm/errors').set(as(viewer));
    expect(res.body.data).toEqual([
      expect.objectContaining({
        source: 'proxy',
        model: 'no-such-model',
        user: expect.objectContaining({ id: e.ids.user }),
      }),
    ]);
    const type = res.body.data[0].type;
    expect((await e.t.http.get('/api/v1/llm/errors').query({ type }).set(as(viewer))).body.data).toHaveLength(
      1,
    );
    expect(
      (await e.t.http.get('/api/v1/llm/errors').query({ type: 'other' }).set(as(viewer))).body.data,
    ).toHaveLength(0);
    expect((await e.t.http.get('/api/v1/llm/errors').query({ cursor: 'junk' }).set(as(viewer))).status).toBe(
      400,
    );
  });
});

const parseCsv = (text: string) =>
  text
    .trim()
    .split('\r\n')
    .map((l) => l.split(','));

describe('CSV export', () => {
  it("streams a user's rows for a date range; they match the logs API", async () => {
    const from = new Date(Date.now() - 20 * DAY).toISOString();
    const res = await e.t.http.get('/api/v1/llm/export').query({ user: e.ids.user, from }).set(as(viewer));
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv/);
    expect(res.headers['content-disposition']).toMatch(/attachment; filename="switchyard-usage-/);
    const rows = parseCsv(res.text);
    expect(rows[0]!.slice(0, 4)).toEqual(['time', 'request_id', 'user_email', 'key_prefix']);
    const api = (
      await e.t.http.get('/api/v1/llm/logs').query({ user: e.ids.user, from, limit: '200' }).set(as(viewer))
    ).body.data;
    expect(
      rows
        .slice(1)
        .map((r) => r[1])
        .sort(),
    ).toEqual(api.map((r: { requestId: string }) => r.requestId).sort());
    expect(rows).toHaveLength(1 + 8);
    expect(
      (
        await e.t.http
          .get('/api/v1/llm/export')
          .query({ from: '2026-02-01', to: '2026-01-01' })
          .set(as(viewer))
      ).status,
    ).toBe(400);
  });
});

describe('CSV export of estimated tokens', () => {
  it('says which rows’ tokens the gateway estimated, as the logs do', async () => {
    const from = new Date(Date.now() - 20 * DAY).toISOString();
    const prisma = e.t.app.ctx.prisma;
    const one = await prisma.usageRecord.findFirstOrThrow({
      where: { userId: e.ids.user, createdAt: { gte: new Date(from) } },
    });
    await prisma.usageRecord.update({ where: { id: one.id }, data: { tokensEstimated: true } });
    try {
      const res = await e.t.http.get('/api/v1/llm/export').query({ user: e.ids.user, from }).set(as(viewer));
      const [head, ...rows] = parseCsv(res.text);
      const col = head!.indexOf('tokens_estimated');
      expect(col).toBeGreaterThan(-1);
      const estimated = rows.filter((r) => r[col] === 'true').map((r) => r[1]);
      expect(estimated).toEqual([one.requestId]);
      expect(rows.filter((r) => r[col] === 'false')).toHaveLength(rows.length - 1);
    } finally {
      await prisma.usageRecord.update({ where: { id: one.id }, data: { tokensEstimated: false } });
    }
  });
});

describe("a user never sees another user's usage", () => {
  it('operator read endpoints are closed to users', async () => {
    for (const path of [
      '/api/v1/llm/usage',
      '/api/v1/llm/stats',
      '/api/v1/llm/live',
      '/api/v1/llm/usage/users',
      '/api/v1/llm/logs',
      '/api/v1/llm/errors',
      '/api/v1/byok',
    ]) {
      expect({ path, status: (await e.t.http.get(path).set(as(userA))).status }).toEqual({
        path,
        status: 403,
      });
    }
  });

  it("/me/* shows only their own traffic; another user's record is a 404; exporting someone else is a 403", async () => {
    const mine = await e.t.http.get('/api/v1/me/usage').query({ period: '30d' }).set(as(userB.token));
    expect(mine.body.totals).toMatchObject({ requests: 3, byokRequests: 1 });
    expect(mine.body.totals.savedUsd).toBeGreaterThan(0);
    expect(mine.body.topUsers).toEqual([]);
    const logs = await e.t.http.get('/api/v1/me/logs').set(as(userB.token));
    expect(logs.body.data).toHaveLength(3);
    expect(new Set(logs.body.data.map((r: { user: { id: string } }) => r.user.id))).toEqual(
      new Set([userB.id]),
    );
    const aRecord = await e.t.app.ctx.prisma.usageRecord.findFirstOrThrow({ where: { userId: e.ids.user } });
    expect((await e.t.http.get(`/api/v1/me/logs/${aRecord.id}`).set(as(userB.token))).status).toBe(404);
    expect(
      (await e.t.http.get('/api/v1/llm/export').query({ user: e.ids.user }).set(as(userB.token))).status,
    ).toBe(403);
    const own = await e.t.http.get('/api/v1/me/export').set(as(userB.token));
    expect(parseCsv(own.text)).toHaveLength(1 + 3);
    expect(
      parseCsv(own.text)
        .slice(1)
        .every((r) => r[2] === userB.email),
    ).toBe(true);
    const live = await e.t.http.get('/api/v1/me/live').set(as(userB.token));
    expect(live.body.totals.requests).toBe(3);
  });
});
