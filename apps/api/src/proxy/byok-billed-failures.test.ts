// What a caller's own (BYOK) key paid for failed attempts is BYOK spend in every figure that reads it: the record
// carried it as savings but was not flagged BYOK, so the BYOK readers (the user's month, the admin's BYOK overview, the
// rebuilt BYOK budget) all missed it. And what the platform paid counts against platform budgets on any record.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProxyEnv, type ProxyEnv } from '../test/proxy-env.js';
import { addBedrockProvider, BEDROCK_MODEL } from '../test/bedrock.js';
import { recordedSpend } from '../metering/spend.js';
import { writeUsageBatch } from '../metering/writer.js';
import { envUserCall } from '../test/usage-record.js';

let env: ProxyEnv;
let bedrockId: string;
let admin: string;
let userToken: string;
const MODEL = BEDROCK_MODEL;
const TURN_USD = (12 * 3 + 5 * 15) / 1e6;

beforeAll(async () => {
  env = await createProxyEnv();
  bedrockId = await addBedrockProvider(env);
  admin = await env.t.tokenFor('admin');
  const u = await env.t.app.ctx.prisma.user.findUniqueOrThrow({ where: { id: env.ids.user } });
  userToken = (
    await env.t.http.post('/api/v1/auth/login').send({ email: u.email, password: env.userPassword })
  ).body.token;
  const put = await env.t.http
    .put(`/api/v1/me/byok/${bedrockId}`)
    .set({ authorization: `Bearer ${userToken}` })
    .send({ apiKey: 'AKIDUSEROWNKEY01:uSeRsEcReTkEy0123456789abcdefABCDEFGHIJ' });
  expect(put.status, JSON.stringify(put.body)).toBe(200);
  await env.t.app.routing.reload();
}, 180_000);
afterAll(async () => {
  await env?.close();
});

describe('BYOK-paid billed failures in the BYOK figures', () => {
  it('a failed request whose BYOK attempts were billed counts as BYOK spend/savings everywhere', async () => {
    env.up.script(Array.from({ length: 6 }, () => ({ path: '/converse', stopReason: 'malformed_tool_use' })));
    const res = await fetch(`${env.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${env.userKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: `up-bedrock/${MODEL}`, messages: [{ role: 'user', content: 'Hi' }] }),
    });
    await res.text();
    expect(res.status).toBe(502);
    const billed = env.up.requests.filter((q) => q.path.endsWith('/converse')).length;
    expect(billed).toBeGreaterThanOrEqual(1);
    await env.flushUsage();
    const row = await env.t.app.ctx.prisma.usageRecord.findFirstOrThrow({
      where: { requestId: res.headers.get('x-request-id')! },
    });
    const trace = row.trace as { attempts: { key: string }[] };
    expect(trace.attempts.every((a) => a.key === 'byok')).toBe(true);
    expect(row.isByok).toBe(true);
    const saved = billed * TURN_USD;
    // The BYOK key paid what was billed: the record says so as savings.
    expect(Number(row.savedUsd)).toBeCloseTo(saved, 9);
    expect(Number(row.costUsd)).toBe(0);

    // The live BYOK budget counter (what admission enforces) vs what it is rebuilt from.
    const monthStart = Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), 1);
    const rebuilt = await recordedSpend(env.t.app.ctx.prisma, {
      scope: 'byok',
      id: env.ids.user,
      since: monthStart,
    });

    const usage = (
      await env.t.http
        .get('/api/v1/llm/usage')
        .query({ period: '7d' })
        .set({ authorization: `Bearer ${admin}` })
    ).body;
    const byokView = (
      await env.t.http.get(`/api/v1/users/${env.ids.user}/byok`).set({ authorization: `Bearer ${admin}` })
    ).body;
    const mine = (await env.t.http.get('/api/v1/me/byok/usage').set({ authorization: `Bearer ${userToken}` }))
      .body;
    const overview = await env.t.http.get('/api/v1/byok').set({ authorization: `Bearer ${admin}` });
    expect(usage.totals.savedUsd).toBeCloseTo(saved, 6);
    expect(byokView.month.spendUsd).toBeCloseTo(saved, 6);
    expect(mine.month.spendUsd).toBeCloseTo(saved, 6);
    expect(rebuilt).toBeCloseTo(saved, 9);
    expect(usage.totals.byokRequests).toBe(1);
    expect(overview.body.totalSavedUsd).toBeCloseTo(saved, 6);
  });

  it('a platform key’s billed failure before a BYOK answer counts against the platform budgets when rebuilt', async () => {
    // The record is BYOK (the caller's key answered) and carries the platform's cost of the failed attempt before it.
    const since = Date.UTC(2026, 0, 1);
    await writeUsageBatch(env.t.app.ctx.prisma, [
      envUserCall(env.ids, {
        createdAt: new Date(Date.UTC(2026, 0, 2)),
        requestId: 'mixed',
        isByok: true,
        costUsd: 0.25,
        savedUsd: 0.5,
      }),
    ]);
    const until = Date.UTC(2026, 0, 3);
    expect(await recordedSpend(env.t.app.ctx.prisma, { scope: 'user', id: env.ids.user, since }, until)).toBe(
      0.25,
    );
    expect(await recordedSpend(env.t.app.ctx.prisma, { scope: 'byok', id: env.ids.user, since }, until)).toBe(
      0.5,
    );
  });
});
