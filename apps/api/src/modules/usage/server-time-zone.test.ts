import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordedSpend } from '../../metering/spend.js';
import { writeUsageBatch } from '../../metering/writer.js';
import { createTestDatabase } from '../../test/db.js';
import { createProxyEnv, type ProxyEnv } from '../../test/proxy-env.js';
import { envUserCall } from '../../test/usage-record.js';

// A PostgreSQL server (or database, or role) whose TimeZone is not UTC. Prisma's adapter sends a date parameter
// without an offset and reads a timestamptz result as UTC: in any other session zone every time filter, bucket and
// log time was off by the zone's offset (here +05:30). Runs on PostgreSQL whatever the suite's backend.
const NOW = Date.parse('2026-03-10T12:30:00.000Z');
let e: ProxyEnv;
let admin: string;
const as = () => ({ authorization: `Bearer ${admin}` });

beforeAll(async () => {
  const db = await createTestDatabase({ kind: 'postgres', pgOptions: '-c TimeZone=Asia/Kolkata' });
  e = await createProxyEnv({ now: () => NOW, db });
  admin = await e.t.tokenFor('admin');
  const rec = (iso: string, cost: number, id: string) =>
    envUserCall(e.ids, { createdAt: new Date(iso), requestId: id, costUsd: cost, latencyMs: 100 });
  await writeUsageBatch(e.t.app.ctx.prisma, [
    rec('2026-03-10T10:30:00.000Z', 1, 'in-window'), // 2 h ago
    rec('2026-03-10T12:25:00.000Z', 2, 'live-window'), // 5 min ago
    rec('2026-03-03T10:00:00.000Z', 4, 'outside-7d'), // before the 7-day window (it starts 2026-03-03T13:00Z)
  ]);
}, 120_000);

afterAll(async () => {
  await e?.close();
});

describe('figures on a PostgreSQL server whose time zone is not UTC', () => {
  it('the server is in another zone; the gateway’s sessions are in UTC', async () => {
    const zone = await e.t.app.ctx.prisma.$queryRawUnsafe<{ TimeZone: string }[]>('SHOW TimeZone');
    expect(zone[0]!.TimeZone).toBe('UTC');
  });

  it('7-day usage: totals, hourly series and the window start', async () => {
    const res = await e.t.http.get('/api/v1/llm/usage').query({ period: '7d' }).set(as());
    expect(res.status).toBe(200);
    expect(res.body.from).toBe('2026-03-03T13:00:00.000Z');
    expect(res.body.totals).toMatchObject({ requests: 2, costUsd: 3 });
    const byT = new Map(res.body.series.map((p: { t: string; requests: number }) => [p.t, p.requests]));
    expect(byT.get('2026-03-10T10:00:00.000Z')).toBe(1);
    expect(byT.get('2026-03-10T12:00:00.000Z')).toBe(1);
  });

  it('30-day usage: daily series on UTC days', async () => {
    const res = await e.t.http.get('/api/v1/llm/usage').query({ period: '30d' }).set(as());
    const byT = new Map(res.body.series.map((p: { t: string; requests: number }) => [p.t, p.requests]));
    expect(byT.get('2026-03-10T00:00:00.000Z')).toBe(2);
    expect(byT.get('2026-03-03T00:00:00.000Z')).toBe(1);
  });

  it('logs show the time a call was made, and the from/to filter finds it', async () => {
    const all = await e.t.http.get('/api/v1/llm/logs').set(as());
    const at = Object.fromEntries(
      all.body.data.map((r: { requestId: string; createdAt: string }) => [r.requestId, r.createdAt]),
    );
    expect(at['in-window']).toBe('2026-03-10T10:30:00.000Z');
    const some = await e.t.http
      .get('/api/v1/llm/logs')
      .query({ from: '2026-03-10T10:00:00.000Z', to: '2026-03-10T11:00:00.000Z' })
      .set(as());
    expect(some.body.data.map((r: { requestId: string }) => r.requestId)).toEqual(['in-window']);
  });

  it('live: the last 60 minutes hold the call made 5 minutes ago, in its minute', async () => {
    const res = await e.t.http.get('/api/v1/llm/live').set(as());
    expect(res.body.totals.requests).toBe(1);
    expect(res.body.minutes.find((p: { t: string }) => p.t === '2026-03-10T12:25:00.000Z')?.requests).toBe(1);
  });

  it('a budget rebuilt from the database counts its own period only', async () => {
    // A daily user budget: since 2026-03-10T00:00Z, the two calls of that day ($3), not the one a week before.
    const since = Date.parse('2026-03-10T00:00:00.000Z');
    expect(await recordedSpend(e.t.app.ctx.prisma, { scope: 'user', id: e.ids.user, since })).toBe(3);
    const weekStart = Date.parse('2026-03-03T11:00:00.000Z');
    expect(await recordedSpend(e.t.app.ctx.prisma, { scope: 'user', id: e.ids.user, since: weekStart })).toBe(
      3,
    );
  });
});
