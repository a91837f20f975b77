/** Bulk alias management: enable, disable or delete several aliases in one step, audited once. */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MASTER_KEY } from '../../test/proxy-env.js';
import { createTestApp, type TestApp } from '../../test/app.js';

let t: TestApp;
let admin: string;
const ids: string[] = [];

beforeAll(async () => {
  t = await createTestApp({ env: { GATEWAY_MASTER_KEY: MASTER_KEY } });
  admin = await t.tokenFor('admin');
  for (const name of ['bulk-one', 'bulk-two', 'bulk-three']) {
    const res = await t.http
      .post('/api/v1/llm/routing/aliases')
      .set(as(admin))
      .send({ name, targets: [{ ref: 'mock/mock-small', weight: 1 }] });
    expect(res.status, res.text).toBe(201);
    ids.push(res.body.id);
  }
});
afterAll(async () => {
  await t?.close();
});

const as = (token: string) => ({ authorization: `Bearer ${token}` });
const chat = (model: string) =>
  t.http
    .post('/v1/chat/completions')
    .set({ authorization: `Bearer ${MASTER_KEY}` })
    .send({ model, messages: [{ role: 'user', content: 'hi' }] });
const bulk = (body: unknown) =>
  t.http
    .post('/api/v1/llm/routing/aliases/bulk')
    .set(as(admin))
    .send(body as object);

describe('POST /llm/routing/aliases/bulk', () => {
  it('disables several at once (they stop routing), reports unknown ids, audits once; enabling brings them back', async () => {
    expect((await chat('bulk-one')).status).toBe(200);
    const res = await bulk({ action: 'disable', ids: [ids[0], ids[1], 'no-such-alias'] });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toEqual({ action: 'disable', affected: 2, missing: ['no-such-alias'] });
    expect((await chat('bulk-one')).status).toBe(404);
    expect((await chat('bulk-two')).status).toBe(404);
    expect((await chat('bulk-three')).status).toBe(200);
    expect(await t.app.ctx.prisma.auditLog.count({ where: { action: 'alias.bulk_disable' } })).toBe(1);

    expect((await bulk({ action: 'enable', ids: [ids[0], ids[1]] })).body.affected).toBe(2);
    expect((await chat('bulk-two')).status).toBe(200);
  });

  it('deletes several; viewers may not; bad bodies are a 400 naming the field, never a 5xx', async () => {
    const viewer = await t.tokenFor('viewer');
    const denied = await t.http
      .post('/api/v1/llm/routing/aliases/bulk')
      .set(as(viewer))
      .send({ action: 'delete', ids });
    expect(denied.status).toBe(403);
    const bad = await bulk({ action: 'archive', ids });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/^action/);
    await fc.assert(
      fc.asyncProperty(fc.anything(), fc.anything(), async (action, list) => {
        const res = await t.http
          .post('/api/v1/llm/routing/aliases/bulk')
          .set(as(admin))
          .set('content-type', 'application/json')
          .send(JSON.stringify({ action, ids: list }));
        expect(res.status).toBeLessThan(500);
      }),
      { numRuns: 40 },
    );
    const del = await bulk({ action: 'delete', ids: [ids[1], ids[2]] });
    expect(del.body).toEqual({ action: 'delete', affected: 2, missing: [] });
    const left = await t.http.get('/api/v1/llm/routing/aliases').set(as(admin));
    const names = (left.body.data as { name: string }[]).map((a) => a.name);
    expect(names).toContain('bulk-one');
    expect(names).not.toContain('bulk-two');
    expect(names).not.toContain('bulk-three');
  });
});
