// Month-end cost forecast (issue 21 part 5): from the hourly rollup's daily costs, in total, per organization and
// per provider, on the real database with the clock set.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProxyUsage } from '../../metering/types.js';
import { writeUsageBatch } from '../../metering/writer.js';
import { createTestApp, type TestApp } from '../../test/app.js';

const NOW = Date.parse('2026-12-15T12:00:00Z');
let t: TestApp;
let admin: string;
let viewerOfOwn: string;
let org: { id: string };
let p1: { id: string };
let p2: { id: string };

const as = (token: string) => ({ authorization: `Bearer ${token}` });

const rec = (at: string, costUsd: number, over: Partial<ProxyUsage>): ProxyUsage => ({
  createdAt: new Date(at),
  requestId: `r-${at}-${costUsd}`,
  gatewayKeyId: null,
  userId: null,
  orgId: null,
  appId: null,
  endpoint: 'chat.completions',
  requestedModel: 'm',
  providerId: null,
  providerSlug: null,
  modelId: 'm',
  tokensIn: 1,
  tokensOut: 1,
  tokensCached: 0,
  costUsd,
  savedUsd: 0,
  latencyMs: 10,
  ttftMs: null,
  status: 200,
  errorCode: null,
  isByok: false,
  stream: false,
  attempts: 1,
  trace: null,
  ...over,
});

beforeAll(async () => {
  t = await createTestApp({ now: () => NOW });
  admin = await t.tokenFor('admin');
  viewerOfOwn = await t.tokenFor('user');
  const p = t.app.ctx.prisma;
  org = await p.organization.create({ data: { name: 'Acme', slug: 'acme-forecast' } });
  p1 = await p.provider.create({
    data: { slug: 'fc-one', name: 'One', type: 'openai', baseUrl: 'https://one.test/v1' },
  });
  p2 = await p.provider.create({
    data: { slug: 'fc-two', name: 'Two', type: 'openai', baseUrl: 'https://two.test/v1' },
  });
  const rows: ProxyUsage[] = [];
  // Acme on provider one: $10 a day for the 7 days before today, and $5 so far today.
  for (let d = 8; d <= 14; d++)
    rows.push(
      rec(`2026-12-${String(d).padStart(2, '0')}T10:00:00Z`, 10, { orgId: org.id, providerId: p1.id }),
    );
  rows.push(rec('2026-12-15T09:00:00Z', 5, { orgId: org.id, providerId: p1.id }));
  // No organization, provider two: $1 yesterday; last month's spend counts for nothing this month.
  rows.push(rec('2026-12-14T20:00:00Z', 1, { providerId: p2.id }));
  rows.push(rec('2026-11-20T20:00:00Z', 99, { providerId: p2.id }));
  await writeUsageBatch(t.app.ctx.db, rows);
}, 120_000);
afterAll(async () => {
  await t?.close();
});

describe('month-end cost forecast', () => {
  it('projects the month from the spend so far and the last 7 days, in total, per org and per provider', async () => {
    const res = await t.http.get('/api/v1/llm/usage/forecast').set(as(admin)).expect(200);
    const f = res.body;
    expect(f.total).toMatchObject({
      month: '2026-12',
      monthToDateUsd: 76,
      rateDays: 7,
      daysLeft: 16.5,
      daysInMonth: 31,
    });
    expect(f.total.dailyRateUsd).toBeCloseTo(71 / 7, 5);
    expect(f.total.projectedUsd).toBeCloseTo(76 + (71 / 7) * 16.5, 4);
    expect(f.byOrg.map((o: { name: string }) => o.name)).toEqual(['Acme', 'No organization']);
    expect(f.byOrg[0]).toMatchObject({ orgId: org.id, monthToDateUsd: 75, dailyRateUsd: 10 });
    expect(f.byOrg[0].projectedUsd).toBeCloseTo(75 + 10 * 16.5, 4);
    expect(f.byOrg[1]).toMatchObject({ orgId: null, monthToDateUsd: 1 });
    expect(f.byProvider.map((p: { slug: string }) => p.slug)).toEqual(['fc-one', 'fc-two']);
    expect(f.byProvider[1]).toMatchObject({ providerId: p2.id, name: 'Two', monthToDateUsd: 1 });
  });

  it('is for operators: a user without usage rights gets 403', async () => {
    await t.http.get('/api/v1/llm/usage/forecast').set(as(viewerOfOwn)).expect(403);
  });
});
