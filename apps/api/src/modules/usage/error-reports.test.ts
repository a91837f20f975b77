// Error reports an operator works through: each one can be marked resolved (and opened again), the list filters
// open and resolved ones, and every page says how many open reports match its filters.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/app.js';

let t: TestApp;
let admin: string;
const ids: string[] = [];

beforeAll(async () => {
  t = await createTestApp();
  admin = await t.tokenFor('seed_admin');
  const base = Date.parse('2026-03-01T10:00:00Z');
  for (let i = 0; i < 4; i++) {
    const r = await t.app.ctx.prisma.errorReport.create({
      data: {
        createdAt: new Date(base + i * 60_000),
        source: 'proxy',
        type: i < 3 ? 'upstream_timeout' : 'rate_limited',
        message: `failure ${i}`,
      },
    });
    ids.push(r.id);
  }
});
afterAll(async () => {
  await t?.close();
});

const as = (token: string) => ({ authorization: `Bearer ${token}` });
const list = (query: Record<string, string> = {}) =>
  t.http.get('/api/v1/llm/errors').query(query).set(as(admin));

describe('resolving error reports', () => {
  it('a new report is open, and the page counts the open ones matching its filters', async () => {
    const all = await list();
    expect(all.status).toBe(200);
    expect(all.body.open).toBe(4);
    expect(all.body.data[0]).toMatchObject({ resolved: false, resolvedAt: null, resolvedBy: null });
    expect((await list({ type: 'rate_limited' })).body.open).toBe(1);
  });

  it('an admin resolves reports: they leave the open list and count, showing who resolved them and when', async () => {
    const res = await t.http
      .patch('/api/v1/llm/errors')
      .set(as(admin))
      .send({ ids: [ids[0], ids[1]], resolved: true });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ updated: 2, open: 2 });

    const open = await list({ state: 'open' });
    expect(open.body.data.map((r: { id: string }) => r.id).sort()).toEqual([ids[2], ids[3]].sort());
    expect(open.body.open).toBe(2);
    const resolved = await list({ state: 'resolved' });
    expect(resolved.body.data.map((r: { id: string }) => r.id).sort()).toEqual([ids[0], ids[1]].sort());
    expect(resolved.body.data[0]).toMatchObject({
      resolved: true,
      resolvedBy: { email: 'admin@localhost' },
    });
    expect(Date.parse(resolved.body.data[0].resolvedAt)).not.toBeNaN();
    // The open count follows the other filters, not the state filter.
    expect(resolved.body.open).toBe(2);
    expect((await list({ type: 'upstream_timeout' })).body.open).toBe(1);

    const audit = await t.http.get('/api/v1/audit').query({ action: 'error_report.resolve' }).set(as(admin));
    expect(audit.body.data).toHaveLength(1);
  });

  it('resolving again changes nothing; reopening makes a report open again', async () => {
    const again = await t.http
      .patch('/api/v1/llm/errors')
      .set(as(admin))
      .send({ ids: [ids[0]], resolved: true });
    expect(again.body).toEqual({ updated: 0, open: 2 });
    const reopen = await t.http
      .patch('/api/v1/llm/errors')
      .set(as(admin))
      .send({ ids: [ids[0]], resolved: false });
    expect(reopen.body).toEqual({ updated: 1, open: 3 });
    const row = (await list()).body.data.find((r: { id: string }) => r.id === ids[0]);
    expect(row).toMatchObject({ resolved: false, resolvedAt: null, resolvedBy: null });
  });

  it('an unknown id is a 404 and changes nothing; a viewer may read but not resolve', async () => {
    const missing = await t.http
      .patch('/api/v1/llm/errors')
      .set(as(admin))
      .send({ ids: [ids[2], 'no-such-report'], resolved: true });
    expect(missing.status).toBe(404);
    expect((await list()).body.open).toBe(3);

    const viewer = await t.tokenFor('viewer');
    expect((await t.http.get('/api/v1/llm/errors').set(as(viewer))).status).toBe(200);
    const denied = await t.http
      .patch('/api/v1/llm/errors')
      .set(as(viewer))
      .send({ ids: [ids[2]], resolved: true });
    expect(denied.status).toBe(403);
    const user = await t.tokenFor('user');
    expect(
      (
        await t.http
          .patch('/api/v1/llm/errors')
          .set(as(user))
          .send({ ids: [ids[2]], resolved: true })
      ).status,
    ).toBe(403);
    expect((await list()).body.open).toBe(3);
  });

  it('bad input is a 400 naming the field', async () => {
    for (const body of [{ ids: [], resolved: true }, { ids: [ids[0]] }, { ids: [ids[0]], resolved: 'yes' }]) {
      const res = await t.http.patch('/api/v1/llm/errors').set(as(admin)).send(body);
      expect(res.status).toBe(400);
    }
    expect((await list({ state: 'closed' })).status).toBe(400);
  });
});
