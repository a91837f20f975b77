// Every dashboard read on an empty database, and the per-user "7 days" against the overview's "7 days".
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeUsageBatch } from '../../metering/writer.js';
import { createProxyEnv, type ProxyEnv } from '../../test/proxy-env.js';
import { envUserCall } from '../../test/usage-record.js';

const NOW = Date.parse('2026-03-10T12:30:00.000Z');
let e: ProxyEnv;
let admin: string;
const as = () => ({ authorization: `Bearer ${admin}` });

beforeAll(async () => {
  e = await createProxyEnv({ now: () => NOW });
  admin = await e.t.tokenFor('admin');
}, 180_000);
afterAll(async () => {
  await e?.close();
});

const noBad = (v: unknown, path = ''): string[] => {
  if (typeof v === 'number' && !Number.isFinite(v)) return [path];
  if (v && typeof v === 'object') return Object.entries(v).flatMap(([k, x]) => noBad(x, `${path}.${k}`));
  return [];
};

describe('empty database', () => {
  it('every dashboard read answers 200 with finite numbers', async () => {
    const paths = [
      '/api/v1/llm/stats',
      '/api/v1/llm/usage?period=7d',
      '/api/v1/llm/usage?period=30d',
      '/api/v1/llm/usage?period=90d',
      '/api/v1/llm/usage?period=all',
      '/api/v1/llm/live',
      '/api/v1/llm/usage/forecast',
      '/api/v1/llm/usage/users',
      '/api/v1/llm/logs',
      '/api/v1/llm/errors',
      '/api/v1/llm/feedback',
      '/api/v1/me/usage?period=all',
      '/api/v1/me/live',
      '/api/v1/byok',
      '/api/v1/llm/savings',
      '/api/v1/llm/usage/cost-report?period=all',
    ];
    const bad: string[] = [];
    for (const p of paths) {
      const r = await e.t.http.get(p).set(as());
      if (r.status !== 200) bad.push(`${p} -> ${r.status} ${JSON.stringify(r.body).slice(0, 200)}`);
      bad.push(...noBad(r.body).map((x) => `${p} ${x}`));
    }
    expect(bad).toEqual([]);
  });
});

describe('per-user usage over 7 days agrees with the overview’s top users over 7 days', () => {
  // The users' list started at UTC midnight six days back (the daily rollup), the overview at the hour seven days
  // back: a call between the two was in one and not the other under the same label.
  it('a call 6 days 20 hours ago is in both', async () => {
    await writeUsageBatch(e.t.app.ctx.prisma, [
      envUserCall(e.ids, {
        createdAt: new Date(NOW - 6 * 86_400_000 - 20 * 3_600_000),
        requestId: 'six-days-ago',
        costUsd: 2,
      }),
    ]);
    const usage = (await e.t.http.get('/api/v1/llm/usage').query({ period: '7d' }).set(as())).body;
    const users = (await e.t.http.get('/api/v1/llm/usage/users').query({ period: '7d' }).set(as())).body;
    const top = usage.topUsers.find((u: { userId: string }) => u.userId === e.ids.user);
    const row = users.data.find((u: { userId: string }) => u.userId === e.ids.user);
    expect(top?.costUsd).toBe(2);
    expect(row?.costUsd).toBe(top?.costUsd);
  });
});

describe('live requests per minute', () => {
  // The live window is the 59 whole minutes before this one plus this one so far: at 12:30:00 that is 59 minutes,
  // 11:31 to 12:30. 118 calls in it are 2 a minute (the hour's count over 60 said 1.97).
  it('is the window’s calls over the minutes it covers', async () => {
    const since = NOW - 59 * 60_000;
    await writeUsageBatch(
      e.t.app.ctx.prisma,
      Array.from({ length: 118 }, (_, i) =>
        envUserCall(e.ids, { createdAt: new Date(since + i * 30_000), requestId: `live-${i}` }),
      ),
    );
    const live = (await e.t.http.get('/api/v1/llm/live').set(as())).body;
    expect(live.totals.requests).toBe(118);
    expect(live.totals.requestsPerMinute).toBe(2);
  });
});
