// An org's monthly spend cap with rollover: what a month leaves unspent carries into the next (at most one month's
// cap), settled from the recorded spend when a month starts, and the proxy admits against cap + carry. Before, the
// switch was stored and shown ("on · $0.00 carried") but nothing ever carried.
import { periodStart } from '@switchyard/core';
import { Prisma } from '@switchyard/prisma';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProxyEnv, type ProxyEnv } from '../../test/proxy-env.js';

let e: ProxyEnv;
let admin: string;
let user: string;
const as = (token: string) => ({ authorization: `Bearer ${token}` });

beforeAll(async () => {
  e = await createProxyEnv();
  admin = await e.t.tokenFor('admin');
  user = await e.t.tokenFor('user');
}, 180_000);
afterAll(async () => {
  await e?.close();
});

const DAY = 86_400_000;
const thisMonth = () => periodStart(Date.now(), 'month');
const monthBefore = (start: number) => periodStart(start - 1, 'month');

/** Spend recorded for an org in the hour starting at `hour` (the hourly rollup budgets are counted from). */
async function recordSpend(orgId: string, hour: number, usd: number) {
  await e.t.app.ctx.prisma.usageHourly.create({
    data: { hour: new Date(hour), orgId, statusClass: '2xx', requests: 1, costUsd: new Prisma.Decimal(usd) },
  });
}

async function createOrg(slug: string, body: Record<string, unknown>) {
  const res = await e.t.http
    .post('/api/v1/orgs')
    .set(as(admin))
    .send({ name: slug, slug, ...body })
    .expect(201);
  return res.body as { id: string; rolloverBalanceUsd: number };
}

/** A gateway key of the test user's that belongs to `orgId` (its calls count against the org's cap). */
async function orgKey(orgId: string): Promise<string> {
  const created = await e.t.http
    .post('/api/v1/me/keys')
    .set(as(user))
    .send({ name: `key for ${orgId}` });
  expect(created.status).toBe(201);
  await e.t.app.ctx.prisma.gatewayKey.update({ where: { id: created.body.id }, data: { orgId } });
  await e.t.app.routing.reload();
  return created.body.key as string;
}

const call = (key: string) =>
  fetch(`${e.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      model: 'up-openai/gpt-test',
      max_tokens: 10,
      messages: [{ role: 'user', content: 'hi' }],
    }),
  });

const orgRow = (id: string) => e.t.app.ctx.prisma.organization.findUniqueOrThrow({ where: { id } });
const shown = async (id: string) =>
  (
    (await e.t.http.get('/api/v1/orgs').set(as(admin))).body.data as {
      id: string;
      rolloverBalanceUsd: number;
    }[]
  ).find((o) => o.id === id)!.rolloverBalanceUsd;

describe('org spend cap rollover', () => {
  it("carries last month's unspent cap into this month, and the proxy admits against cap + carry", async () => {
    const month = thisMonth();
    const org = await createOrg('rollover-a', { spendCapUsd: 1, rollover: true });
    // Turned on this month: nothing carries into it.
    expect(org.rolloverBalanceUsd).toBe(0);
    expect((await orgRow(org.id)).rolloverPeriod?.getTime()).toBe(month);
    const key = await orgKey(org.id);
    // $1.50 spent this month against a $1 cap: refused.
    await recordSpend(org.id, month, 1.5);
    const refused = await call(key);
    expect(refused.status).toBe(402);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('budget_exhausted');

    // As if rollover had been on since before last month: $0.25 carried into last month, $0.50 spent in it.
    const last = monthBefore(month);
    await e.t.app.ctx.prisma.organization.update({
      where: { id: org.id },
      data: { rolloverPeriod: new Date(last), rolloverBalanceUsd: new Prisma.Decimal(0.25) },
    });
    await recordSpend(org.id, last + 3 * DAY, 0.5);
    // A spend before last month is not last month's.
    await recordSpend(org.id, monthBefore(last), 0.9);
    await e.t.app.routing.reload();
    // min(cap, 1 + 0.25 − 0.50) = 0.75 carried: the cap this month is 1.75, $1.50 spent.
    const row = await orgRow(org.id);
    expect(Number(row.rolloverBalanceUsd)).toBeCloseTo(0.75, 6);
    expect(row.rolloverPeriod?.getTime()).toBe(month);
    expect(await shown(org.id)).toBeCloseTo(0.75, 6);
    const admitted = await call(key);
    expect(admitted.status, await admitted.text()).toBe(200);

    // Settled once: another load (or instance) does not carry again.
    await e.t.app.routing.reload();
    expect(Number((await orgRow(org.id)).rolloverBalanceUsd)).toBeCloseTo(0.75, 6);

    // Off: the carry no longer counts (and is not shown).
    await e.t.http.patch(`/api/v1/orgs/${org.id}`).set(as(admin)).send({ rollover: false }).expect(200);
    await e.t.app.routing.reload();
    expect(await shown(org.id)).toBe(0);
    expect((await call(key)).status).toBe(402);
    // On again: it starts with this month, nothing carried from the months it was off.
    await e.t.http.patch(`/api/v1/orgs/${org.id}`).set(as(admin)).send({ rollover: true }).expect(200);
    await e.t.app.routing.reload();
    expect(await shown(org.id)).toBe(0);
    expect((await call(key)).status).toBe(402);
  });

  it('walks the months a stopped gateway did not settle, at most one cap carried; overspend is not debt', async () => {
    const month = thisMonth();
    const m1 = monthBefore(month);
    const m2 = monthBefore(m1);
    const org = await createOrg('rollover-b', { spendCapUsd: 1, rollover: true });
    // Last settled for two months ago with $0.40 carried into it.
    await e.t.app.ctx.prisma.organization.update({
      where: { id: org.id },
      data: { rolloverPeriod: new Date(m2), rolloverBalanceUsd: new Prisma.Decimal(0.4) },
    });
    await recordSpend(org.id, m2 + DAY, 0.2); // m2: 1 + 0.4 − 0.2 = 1.2 → at most the cap: 1 into m1
    await recordSpend(org.id, m1 + DAY, 1.9); // m1: 1 + 1 − 1.9 = 0.1 into this month
    await e.t.app.routing.reload();
    expect(Number((await orgRow(org.id)).rolloverBalanceUsd)).toBeCloseTo(0.1, 6);

    const over = await createOrg('rollover-c', { spendCapUsd: 1, rollover: true });
    await e.t.app.ctx.prisma.organization.update({
      where: { id: over.id },
      data: { rolloverPeriod: new Date(m1), rolloverBalanceUsd: new Prisma.Decimal(0) },
    });
    await recordSpend(over.id, m1 + DAY, 5);
    await e.t.app.routing.reload();
    expect(Number((await orgRow(over.id)).rolloverBalanceUsd)).toBe(0);
    expect((await orgRow(over.id)).rolloverPeriod?.getTime()).toBe(month);

    // Rollover on before this existed (never settled): last month's unspent carries, nothing before it.
    const legacy = await createOrg('rollover-d', { spendCapUsd: 2, rollover: false });
    await e.t.app.ctx.prisma.organization.update({ where: { id: legacy.id }, data: { rollover: true } });
    await recordSpend(legacy.id, m1 + DAY, 0.5);
    await e.t.app.routing.reload();
    expect(Number((await orgRow(legacy.id)).rolloverBalanceUsd)).toBeCloseTo(1.5, 6);

    // No cap: nothing to carry, nothing settled.
    const uncapped = await createOrg('rollover-e', { rollover: false });
    await e.t.app.ctx.prisma.organization.update({ where: { id: uncapped.id }, data: { rollover: true } });
    await e.t.app.routing.reload();
    expect((await orgRow(uncapped.id)).rolloverPeriod).toBeNull();
    // Given a cap now: it starts with this month (last month, without a cap, carries nothing).
    await recordSpend(uncapped.id, m1 + DAY, 0.1);
    await e.t.http.patch(`/api/v1/orgs/${uncapped.id}`).set(as(admin)).send({ spendCapUsd: 3 }).expect(200);
    await e.t.app.routing.reload();
    const capped = await orgRow(uncapped.id);
    expect(capped.rolloverPeriod?.getTime()).toBe(month);
    expect(Number(capped.rolloverBalanceUsd)).toBe(0);
  });
});
