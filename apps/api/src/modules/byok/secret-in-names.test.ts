// A key pasted into the field beside it (a BYOK key's label, a gateway key's name) would be kept in clear and shown
// in lists, request logs and the audit log every operator and viewer reads: it is refused as bad input, and nothing
// is written. Real database.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProxyEnv, type ProxyEnv } from '../../test/proxy-env.js';

let env: ProxyEnv;
let user: string;
const as = (token: string) => ({ authorization: `Bearer ${token}` });

beforeAll(async () => {
  env = await createProxyEnv();
  user = await env.t.tokenFor('user');
}, 180_000);
afterAll(async () => {
  await env?.close();
});

const BYOK = 'sk-proj-pasted-into-label-Qw7Er9Ty';

async function auditText(): Promise<string> {
  return JSON.stringify(await env.t.app.ctx.prisma.auditLog.findMany());
}

describe('a key pasted beside itself', () => {
  it('a BYOK label holding the key (or a run of it) is a 400 naming label', async () => {
    for (const label of [BYOK, `my key ${BYOK}`, 'pasted-into-label-Qw7Er9Ty']) {
      const res = await env.t.http
        .put(`/api/v1/me/byok/${env.ids.openai}`)
        .set(as(user))
        .send({ apiKey: BYOK, label });
      expect(res.status, label).toBe(400);
      expect(res.body.error.message).toMatch(/^label: /);
    }
    expect(await env.t.app.ctx.prisma.byokKey.count()).toBe(0);
    expect(await auditText()).not.toContain('Qw7Er9Ty');
    // A label of its own is fine, the last four included.
    await env.t.http
      .put(`/api/v1/me/byok/${env.ids.openai}`)
      .set(as(user))
      .send({ apiKey: BYOK, label: 'work laptop (…9Ty)' })
      .expect(200);
  });

  it("a gateway key's name holding a gateway key is a 400 naming name", async () => {
    const created = await env.t.http.post('/api/v1/me/keys').set(as(user)).send({ name: 'ci' }).expect(201);
    const key = created.body.key as string;
    const renamed = await env.t.http
      .patch(`/api/v1/me/keys/${created.body.id}`)
      .set(as(user))
      .send({ name: `ci ${key}` });
    expect(renamed.status).toBe(400);
    expect(renamed.body.error.message).toMatch(/^name: /);
    const other = await env.t.http.post('/api/v1/me/keys').set(as(user)).send({ name: key });
    expect(other.status).toBe(400);
    const list = await env.t.http.get('/api/v1/me/keys').set(as(user)).expect(200);
    expect(JSON.stringify(list.body)).not.toContain(key);
    expect(await auditText()).not.toContain(key);
    // Its prefix, as lists show it, is a fine name.
    await env.t.http
      .patch(`/api/v1/me/keys/${created.body.id}`)
      .set(as(user))
      .send({ name: `ci (${created.body.prefix})` })
      .expect(200);
  });
});
