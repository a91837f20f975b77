// Outbound URL policy through the admin API and the proxy: provider and Ollama URLs are refused when saved if
// they point at cloud metadata / link-local addresses (or outside the operator's allow-list), and checked again
// on every new connection, so a name that resolves somewhere harmless at save time and to the metadata address
// later (DNS rebinding) fails as a configuration error of that provider, never reaching the address.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LookupFn } from '../../lib/outbound-policy.js';
import { createTestApp, type TestApp } from '../../test/app.js';
import { startMockUpstream, type MockUpstream } from '../../test/mock-upstream.js';

const resolved = new Map<string, number>();
/** `meta.test` → the metadata address; `flip.test` → loopback on the first lookup, the metadata address after. */
const lookup: LookupFn = async (hostname) => {
  const n = (resolved.get(hostname) ?? 0) + 1;
  resolved.set(hostname, n);
  if (hostname === 'meta.test') return [{ address: '169.254.169.254', family: 4 }];
  if (hostname === 'flip.test') return [{ address: n === 1 ? '127.0.0.1' : '169.254.169.254', family: 4 }];
  if (hostname.endsWith('.test')) return [{ address: '127.0.0.1', family: 4 }];
  throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
};

let t: TestApp;
let up: MockUpstream;
let superAdmin: string;
const as = (token: string) => ({ authorization: `Bearer ${token}` });

beforeAll(async () => {
  up = await startMockUpstream();
  t = await createTestApp({
    outboundLookup: lookup,
    env: { GATEWAY_MASTER_KEY: 'outbound-master-key-0123456789' },
  });
  superAdmin = await t.tokenFor('seed_admin');
});
afterAll(async () => {
  await t?.close();
  await up?.close();
});

describe('outbound URL policy', () => {
  it.each([
    ['http://169.254.169.254/latest/meta-data', /link-local or cloud metadata/],
    ['http://[fd00:ec2::254]/v1', /link-local or cloud metadata/],
    ['http://[fe80::1]:11434/v1', /link-local/],
    ['http://metadata.google.internal/computeMetadata/v1', /metadata host/],
    ['http://meta.test/v1', /meta\.test resolves to 169\.254\.169\.254/],
  ])('saving a provider at %s is refused with a 400 naming baseUrl', async (baseUrl, reason) => {
    const res = await t.http
      .post('/api/v1/llm/providers')
      .set(as(superAdmin))
      .send({
        type: 'custom',
        name: 'M',
        slug: `m-${resolved.size}-${Math.random().toString(36).slice(2, 6)}`,
        baseUrl,
      });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({
      code: 'validation_error',
      message: expect.stringMatching(/^baseUrl: /),
    });
    expect(res.body.error.message).toMatch(reason);
  });

  it('changing a saved provider to a metadata URL is refused too; loopback stays allowed by default', async () => {
    const ok = await t.http
      .post('/api/v1/llm/providers')
      .set(as(superAdmin))
      .send({ type: 'custom', name: 'Local', slug: 'local-lab', baseUrl: `${up.url}/v1` });
    expect(ok.status).toBe(201);
    const moved = await t.http
      .put(`/api/v1/llm/providers/${ok.body.id}`)
      .set(as(superAdmin))
      .send({ baseUrl: 'http://169.254.169.254/v1' });
    expect(moved.status).toBe(400);
    expect(moved.body.error.message).toMatch(/^baseUrl: /);
  });

  it('the Ollama URL in settings is checked the same way', async () => {
    const res = await t.http
      .put('/api/v1/llm/settings')
      .set(as(superAdmin))
      .send({ ollamaBaseUrl: 'http://169.254.169.254:11434' });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/^ollamaBaseUrl: /);
    expect(
      (
        await t.http
          .put('/api/v1/llm/settings')
          .set(as(superAdmin))
          .send({ ollamaBaseUrl: `http://ollama.test:${up.port}` })
      ).status,
    ).toBe(200);
  });

  it('testing an unsaved metadata URL fails as misconfigured without connecting', async () => {
    const res = await t.http
      .post('/api/v1/llm/test')
      .set(as(superAdmin))
      .send({ type: 'openai', baseUrl: 'http://169.254.169.254/v1', apiKey: 'sk-x' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      success: false,
      error: { code: 'misconfigured', message: expect.stringMatching(/refused/) },
    });
    const ollama = await t.http
      .post('/api/v1/llm/settings/ollama/test')
      .set(as(superAdmin))
      .send({ baseUrl: 'http://meta.test:11434' });
    expect(ollama.body).toMatchObject({ success: false, error: { code: 'misconfigured' } });
  });

  it('DNS rebinding: saved while harmless, refused on the connection; the proxy answers a clear 502 (provider_misconfigured), the test says misconfigured', async () => {
    const p = await t.http
      .post('/api/v1/llm/providers')
      .set(as(superAdmin))
      .send({
        type: 'custom',
        name: 'Flip',
        slug: 'flip',
        baseUrl: `http://flip.test:${up.port}/v1`,
        apiKey: 'sk-flip-secret-0000',
      });
    expect(p.status).toBe(201);
    await t.app.ctx.prisma.model.create({
      data: { providerId: p.body.id, modelId: 'flip-model', displayName: 'Flip' },
    });
    await t.app.routing.reload();
    const before = up.requests.length;
    const res = await t.http
      .post('/v1/chat/completions')
      .set('authorization', 'Bearer outbound-master-key-0123456789')
      .send({ model: 'flip/flip-model', messages: [{ role: 'user', content: 'hi' }] });
    expect(res.status).toBe(502);
    // The caller learns the provider is misconfigured, not where its name resolves (the operators' test says).
    expect(res.body.error).toMatchObject({
      code: 'provider_misconfigured',
      message: expect.stringMatching(/outbound policy/),
    });
    expect(JSON.stringify(res.body)).not.toMatch(/169\.254|flip\.test/);
    expect(up.requests.length).toBe(before);
    const test = await t.http.post(`/api/v1/llm/providers/${p.body.id}/test`).set(as(superAdmin));
    expect(test.body).toMatchObject({ success: false, error: { code: 'misconfigured' } });
    expect(up.requests.length).toBe(before);
  });
});

describe('operator knobs', () => {
  it('OUTBOUND_ALLOW_PRIVATE=false closes loopback unless OUTBOUND_ALLOWLIST names it; an allow-list refuses the rest', async () => {
    const closed = await createTestApp({
      outboundLookup: lookup,
      db: t.db,
      env: { OUTBOUND_ALLOW_PRIVATE: 'false' },
    });
    const listed = await createTestApp({
      outboundLookup: lookup,
      db: t.db,
      env: { OUTBOUND_ALLOW_PRIVATE: 'false', OUTBOUND_ALLOWLIST: '127.0.0.0/8' },
    });
    const named = await createTestApp({
      outboundLookup: lookup,
      db: t.db,
      env: { OUTBOUND_ALLOWLIST: 'api.example.com' },
    });
    try {
      const body = (slug: string) => ({ type: 'custom', name: slug, slug, baseUrl: `${up.url}/v1` });
      const r1 = await closed.http.post('/api/v1/llm/providers').set(as(superAdmin)).send(body('closed-1'));
      expect(r1.status).toBe(400);
      expect(r1.body.error.message).toMatch(/^baseUrl: .*private/);
      expect(
        (await listed.http.post('/api/v1/llm/providers').set(as(superAdmin)).send(body('listed-1'))).status,
      ).toBe(201);
      const r3 = await named.http.post('/api/v1/llm/providers').set(as(superAdmin)).send(body('named-1'));
      expect(r3.status).toBe(400);
      expect(r3.body.error.message).toMatch(/OUTBOUND_ALLOWLIST/);
      // Already saved elsewhere: refused on the connection as well.
      const test = await closed.http
        .post('/api/v1/llm/test')
        .set(as(superAdmin))
        .send({ type: 'openai', baseUrl: `${up.url}/v1` });
      expect(test.body).toMatchObject({ success: false, error: { code: 'misconfigured' } });
    } finally {
      await closed.close();
      await listed.close();
      await named.close();
    }
  });
});
