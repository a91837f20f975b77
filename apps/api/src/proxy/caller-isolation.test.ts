// Issue 15, item 4: a caller's mistake never trips a shared circuit. A key that cannot be sent is refused when
// it is saved (every route that stores or tests one); one that is already stored (inserted before validation
// existed) only cools down itself: the provider × model circuit and the provider stay open to everyone else.
import { modelTarget } from '@switchyard/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateGatewayKey } from '../lib/key-format.js';
import { createProxyEnv, UPSTREAM_KEY, type ProxyEnv } from '../test/proxy-env.js';

let env: ProxyEnv;
let superAdmin: string;
const BAD_KEY = 'sk-user-own-key\nX-Injected: 1';

beforeAll(async () => {
  env = await createProxyEnv();
  superAdmin = await env.t.tokenFor('seed_admin');
});
afterAll(async () => {
  await env?.close();
});

const chat = (key: string, model = 'up-openai/gpt-test') =>
  fetch(`${env.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: JSON.stringify({ model, messages: [{ role: 'user', content: 'hi' }] }),
  });

describe('keys that cannot be sent in a header are refused when saved', () => {
  it.each([
    ['a newline', 'sk-abc\ndef-123456'],
    ['a carriage return', 'sk-abc\rdef-123456'],
    ['an inner space', 'sk-abc def-123456'],
    ['a NUL', 'sk-abc\u0000def-123456'],
    ['non-ASCII', 'sk-abcé-def-123456'],
    ['5,000 characters', `sk-${'a'.repeat(5000)}`],
  ])(
    '%s: 400 naming apiKey on every route that stores or tests a key, and nothing is stored',
    async (_n, bad) => {
      const viewer = await env.t.tokenFor('viewer');
      const org = await env.t.app.ctx.prisma.organization.create({
        data: { name: 'o', slug: `o-${Math.random().toString(36).slice(2, 8)}` },
      });
      const sends = [
        env.t.http
          .put(`/api/v1/me/byok/${env.ids.openai}`)
          .set({ authorization: `Bearer ${viewer}` })
          .send({ apiKey: bad }),
        env.t.http
          .put(`/api/v1/orgs/${org.id}/provider-keys/${env.ids.openai}`)
          .set({ authorization: `Bearer ${superAdmin}` })
          .send({ apiKey: bad }),
        env.t.http
          .put(`/api/v1/llm/providers/${env.ids.backup}`)
          .set({ authorization: `Bearer ${superAdmin}` })
          .send({ apiKey: bad }),
        env.t.http
          .post('/api/v1/llm/providers')
          .set({ authorization: `Bearer ${superAdmin}` })
          .send({
            type: 'openai',
            name: 'n',
            slug: `n-${Math.random().toString(36).slice(2, 8)}`,
            apiKey: bad,
          }),
        env.t.http
          .post('/api/v1/llm/test')
          .set({ authorization: `Bearer ${superAdmin}` })
          .send({ type: 'openai', baseUrl: `${env.up.url}/v1`, apiKey: bad }),
      ];
      for (const res of await Promise.all(sends)) {
        expect(res.status).toBe(400);
        expect(res.body.error.message).toMatch(/^apiKey: /);
        expect(JSON.stringify(res.body)).not.toContain('sk-abc');
      }
      const { prisma } = env.t.app.ctx;
      expect(await prisma.byokKey.count()).toBe(0);
      expect(await prisma.orgProviderKey.count({ where: { orgId: org.id } })).toBe(0);
      expect(env.up.requests.filter((r) => r.path.endsWith('/models'))).toHaveLength(0);
    },
  );

  it('a key pasted with a trailing newline is trimmed and works', async () => {
    const user = await env.t.createUser('user');
    const login = await env.t.http
      .post('/api/v1/auth/login')
      .send({ email: user.email, password: user.password });
    const put = await env.t.http
      .put(`/api/v1/me/byok/${env.ids.openai}`)
      .set({ authorization: `Bearer ${login.body.token}` })
      .send({ apiKey: 'sk-user-pasted-0001\n' });
    expect(put.status).toBe(200);
    const gk = generateGatewayKey();
    await env.t.app.ctx.prisma.gatewayKey.create({
      data: { keyHash: gk.hash, prefix: gk.prefix, name: 'pasted', ownerType: 'user', userId: user.id },
    });
    await env.t.app.routing.reload();
    env.up.reset();
    expect((await chat(gk.key)).status).toBe(200);
    expect(env.up.requests[0]!.headers.authorization).toBe('Bearer sk-user-pasted-0001');
    await env.t.app.ctx.prisma.byokKey.deleteMany({ where: { userId: user.id } });
    await env.t.app.routing.reload();
  });
});

describe('a stored key that cannot be sent cools down only itself', () => {
  it("six requests with a BYOK key holding a newline: the circuit stays closed, another caller on the provider's key gets 200 from that provider", async () => {
    const { prisma, secrets } = env.t.app.ctx;
    // The route refuses such a key now; one stored before that (or written around the API) is inserted directly.
    const user = await env.t.createUser('viewer');
    await prisma.byokKey.create({
      data: {
        userId: user.id,
        providerId: env.ids.openai,
        encryptedKey: secrets.encrypt(BAD_KEY),
        last4: '  1',
        status: 'active',
      },
    });
    const gk = generateGatewayKey();
    await prisma.gatewayKey.create({
      data: { keyHash: gk.hash, prefix: gk.prefix, name: 'byok user', ownerType: 'user', userId: user.id },
    });
    await env.t.app.routing.reload();
    env.up.reset();

    for (let i = 0; i < 6; i++) {
      const res = await chat(gk.key);
      const text = await res.text();
      expect(text).not.toContain('sk-user-own-key');
      expect(text).not.toContain('X-Injected');
      // Nothing the upstream saw carried the broken key: it was never sent.
      expect(
        env.up.requests.every((r) => !String(r.headers.authorization ?? '').includes('sk-user-own-key')),
      ).toBe(true);
      if (res.status === 200) expect(res.headers.get('x-switchyard-provider')).toBe('up-backup');
      else expect([502, 503]).toContain(res.status); // the key cannot be sent, or that key is cooling down
    }

    const m = await prisma.model.findFirstOrThrow({
      where: { providerId: env.ids.openai, modelId: 'gpt-test' },
    });
    const view = env.t.app.routing.store.view();
    expect(view.circuit(modelTarget(env.ids.openai, m.id))?.phase ?? 'closed').toBe('closed');
    expect(view.circuit(modelTarget(env.ids.openai, m.id))?.failures ?? 0).toBe(0);
    expect(view.cooldownUntil(env.ids.openai)).toBe(0);
    expect(view.cooldownUntil(modelTarget(env.ids.openai, m.id))).toBe(0);
    const byok = await prisma.byokKey.findFirstOrThrow({ where: { userId: user.id } });
    expect(view.cooldownUntil(byok.id)).toBeGreaterThan(Date.now());

    // Everyone else, on the provider's own key, still reaches up-openai.
    env.up.reset();
    const other = await chat(env.userKey);
    expect(other.status).toBe(200);
    expect(other.headers.get('x-switchyard-provider')).toBe('up-openai');
    expect(env.up.requests[0]!.headers.authorization).toBe(`Bearer ${UPSTREAM_KEY}`);
    const metrics = await (await fetch(`${env.url}/metrics`)).text();
    expect(metrics).not.toMatch(/switchyard_circuit_open\{provider="up-openai",model="gpt-test"\} 1/);
  }, 60_000);
});
