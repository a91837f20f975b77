import { createServer, request, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MASTER_KEY, createProxyEnv, type ProxyEnv } from '../test/proxy-env.js';

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: unknown;
}

/** One HTTP call with full control over the headers (Origin, X-Forwarded-For) and the address dialled. */
function call(
  url: string,
  opts: { method?: string; path: string; headers?: Record<string, string>; body?: unknown },
): Promise<Answer> {
  const u = new URL(url);
  const payload = opts.body === undefined ? undefined : JSON.stringify(opts.body);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: u.hostname.replace(/^\[|\]$/g, ''),
        port: u.port,
        method: opts.method ?? 'POST',
        path: opts.path,
        headers: { ...(payload ? { 'content-type': 'application/json' } : {}), ...opts.headers },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let body: unknown = text;
          try {
            body = JSON.parse(text);
          } catch {
            // not JSON
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body });
        });
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

const CHAT = { model: 'up-openai/gpt-test', messages: [{ role: 'user', content: 'hi' }] };
const MESSAGES = {
  model: 'up-anthropic/claude-test',
  max_tokens: 10,
  messages: [{ role: 'user', content: 'hi' }],
};
const chat = (url: string, key: string, headers: Record<string, string> = {}) =>
  call(url, {
    path: '/v1/chat/completions',
    headers: { authorization: `Bearer ${key}`, ...headers },
    body: CHAT,
  });
const messages = (url: string, key: string, headers: Record<string, string> = {}) =>
  call(url, {
    path: '/v1/messages',
    headers: { 'x-api-key': key, 'anthropic-version': '2023-06-01', ...headers },
    body: MESSAGES,
  });

type OpenAIError = { error: { message: string; type: string; code: string } };
type AnthropicError = { type: string; error: { type: string; message: string } };

function expectOpenAIIpError(a: Answer, ip: string) {
  expect(a.status).toBe(403);
  const e = (a.body as OpenAIError).error;
  expect(e.code).toBe('ip_not_allowed');
  expect(e.type).toBe('permission_error');
  expect(e.message).toContain(ip);
}

function expectAnthropicIpError(a: Answer, ip: string) {
  expect(a.status).toBe(403);
  const b = a.body as AnthropicError;
  expect(b.type).toBe('error');
  expect(b.error.type).toBe('permission_error');
  expect(b.error.message).toContain(ip);
}

describe('per gateway key IP allow-list (TRUST_PROXY on: the client is the left-most X-Forwarded-For hop)', () => {
  let env: ProxyEnv;
  let admin: string;
  let key: { id: string; key: string };
  beforeAll(async () => {
    env = await createProxyEnv({
      env: { TRUST_PROXY: 'true', CORS_ORIGINS: 'https://app.example.com, http://localhost:5173' },
    });
    admin = await env.t.tokenFor('seed_admin');
    const res = await env.t.http
      .post('/api/v1/keys')
      .set('authorization', `Bearer ${admin}`)
      .send({
        name: 'office only',
        ownerType: 'user',
        ownerId: env.ids.user,
        ipAllowlist: ['203.0.113.0/24', ' 2001:db8:1::/48'],
      });
    expect(res.status).toBe(201);
    expect(res.body.ipAllowlist).toEqual(['203.0.113.0/24', '2001:db8:1::/48']);
    key = { id: res.body.id, key: res.body.key };
  });
  afterAll(async () => {
    await env?.close();
  });

  it('lets listed IPv4 and IPv6 clients through, in both formats', async () => {
    expect((await chat(env.url, key.key, { 'x-forwarded-for': '203.0.113.9' })).status).toBe(200);
    expect((await chat(env.url, key.key, { 'x-forwarded-for': '203.0.113.9, 10.0.0.1' })).status).toBe(200);
    expect((await messages(env.url, key.key, { 'x-forwarded-for': '2001:db8:1::5' })).status).toBe(200);
    // The IPv4-mapped IPv6 form of a listed IPv4 address is the same client.
    expect((await chat(env.url, key.key, { 'x-forwarded-for': '::ffff:203.0.113.9' })).status).toBe(200);
  });

  it('refuses other clients with a 403 in the client format that names the client IP', async () => {
    expectOpenAIIpError(await chat(env.url, key.key, { 'x-forwarded-for': '198.51.100.1' }), '198.51.100.1');
    expectOpenAIIpError(
      await chat(env.url, key.key, { 'x-forwarded-for': '198.51.100.1, 203.0.113.9' }),
      '198.51.100.1',
    );
    expectAnthropicIpError(
      await messages(env.url, key.key, { 'x-forwarded-for': '2001:db8:2::5' }),
      '2001:db8:2::5',
    );
    expectAnthropicIpError(
      await messages(env.url, key.key, { 'x-forwarded-for': '::ffff:198.51.100.1' }),
      '198.51.100.1',
    );
    // No X-Forwarded-For: the socket address.
    expectOpenAIIpError(await chat(env.url, key.key), '127.0.0.1');
    // A forwarded-for value that is no address is refused, not waved through as the proxy's own address.
    const junk = await chat(env.url, key.key, { 'x-forwarded-for': 'unknown' });
    expect(junk.status).toBe(403);
    expect((junk.body as OpenAIError).error.code).toBe('ip_not_allowed');
    // Nothing reached the upstream for the refused calls; other keys and the master key are not restricted.
    env.up.reset();
    await chat(env.url, key.key, { 'x-forwarded-for': '198.51.100.1' });
    expect(env.up.requests).toHaveLength(0);
    expect((await chat(env.url, env.userKey, { 'x-forwarded-for': '198.51.100.1' })).status).toBe(200);
    expect((await chat(env.url, MASTER_KEY, { 'x-forwarded-for': '198.51.100.1' })).status).toBe(200);
  });

  it('an admin changes the list through the keys API and it applies at once; a bad entry is a 400 naming it', async () => {
    const patched = await env.t.http
      .patch(`/api/v1/keys/${key.id}`)
      .set('authorization', `Bearer ${admin}`)
      .send({ ipAllowlist: ['198.51.100.0/24'] });
    expect(patched.status).toBe(200);
    expect(patched.body.ipAllowlist).toEqual(['198.51.100.0/24']);
    expect((await chat(env.url, key.key, { 'x-forwarded-for': '198.51.100.1' })).status).toBe(200);
    expectOpenAIIpError(await chat(env.url, key.key, { 'x-forwarded-for': '203.0.113.9' }), '203.0.113.9');
    const bad = await env.t.http
      .patch(`/api/v1/keys/${key.id}`)
      .set('authorization', `Bearer ${admin}`)
      .send({ ipAllowlist: ['10.0.0.0/8', 'office'] });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('validation_error');
    expect(JSON.stringify(bad.body.error)).toContain('ipAllowlist.1');
    const cleared = await env.t.http
      .patch(`/api/v1/keys/${key.id}`)
      .set('authorization', `Bearer ${admin}`)
      .send({ ipAllowlist: [] });
    expect(cleared.body.ipAllowlist).toEqual([]);
    expect((await chat(env.url, key.key, { 'x-forwarded-for': '203.0.113.9' })).status).toBe(200);
    const listed = await env.t.http.get('/api/v1/keys').set('authorization', `Bearer ${admin}`);
    expect(listed.body.data.find((k: { id: string }) => k.id === key.id).ipAllowlist).toEqual([]);
  });

  describe('CORS for browser clients (CORS_ORIGINS)', () => {
    const preflight = (origin: string, requestHeaders = 'authorization, content-type') =>
      call(env.url, {
        method: 'OPTIONS',
        path: '/v1/chat/completions',
        headers: {
          origin,
          'access-control-request-method': 'POST',
          'access-control-request-headers': requestHeaders,
        },
      });

    it('answers a preflight from a listed origin with 204, the methods and the headers SDKs send', async () => {
      const res = await preflight('https://app.example.com', 'authorization, content-type, x-stainless-os');
      expect(res.status).toBe(204);
      expect(res.headers['access-control-allow-origin']).toBe('https://app.example.com');
      expect(res.headers['access-control-allow-methods']).toMatch(/POST/);
      expect(res.headers['access-control-allow-methods']).toMatch(/GET/);
      const allowed = String(res.headers['access-control-allow-headers']).split(/,\s*/);
      for (const h of [
        'authorization',
        'x-api-key',
        'anthropic-version',
        'anthropic-beta',
        'content-type',
        'x-stainless-os',
        'x-switchyard-format',
      ])
        expect(allowed).toContain(h);
      expect(String(res.headers.vary)).toMatch(/origin/i);
      expect(Number(res.headers['access-control-max-age'])).toBeGreaterThan(0);
      expect(res.headers['access-control-allow-credentials']).toBeUndefined();
      const anthropic = await call(env.url, {
        method: 'OPTIONS',
        path: '/anthropic/v1/messages',
        headers: { origin: 'http://localhost:5173', 'access-control-request-method': 'POST' },
      });
      expect(anthropic.status).toBe(204);
      expect(anthropic.headers['access-control-allow-origin']).toBe('http://localhost:5173');
    });

    it('gives an unlisted origin no CORS headers', async () => {
      const res = await preflight('https://evil.example');
      expect(res.status).toBe(403);
      expect(res.headers['access-control-allow-origin']).toBeUndefined();
      expect(res.headers['access-control-allow-headers']).toBeUndefined();
      const actual = await chat(env.url, env.userKey, { origin: 'https://evil.example' });
      expect(actual.headers['access-control-allow-origin']).toBeUndefined();
      // An origin differing only in scheme or port is another origin.
      expect(
        (await preflight('http://app.example.com')).headers['access-control-allow-origin'],
      ).toBeUndefined();
      expect(
        (await preflight('https://app.example.com:8443')).headers['access-control-allow-origin'],
      ).toBeUndefined();
    });

    it('answers, errors included, carry the origin and expose the request id and x-switchyard-* headers', async () => {
      const ok = await chat(env.url, env.userKey, { origin: 'https://app.example.com' });
      expect(ok.status).toBe(200);
      expect(ok.headers['access-control-allow-origin']).toBe('https://app.example.com');
      const exposed = String(ok.headers['access-control-expose-headers']).split(/,\s*/);
      for (const h of [
        'x-request-id',
        'x-switchyard-provider',
        'x-switchyard-model',
        'x-switchyard-attempts',
        'retry-after',
      ])
        expect(exposed).toContain(h);
      expect(String(ok.headers.vary)).toMatch(/origin/i);
      const denied = await messages(env.url, 'sk-not-a-key', { origin: 'https://app.example.com' });
      expect(denied.status).toBe(401);
      expect(denied.headers['access-control-allow-origin']).toBe('https://app.example.com');
      const models = await call(env.url, {
        method: 'GET',
        path: '/v1/models',
        headers: { authorization: `Bearer ${env.userKey}`, origin: 'https://app.example.com' },
      });
      expect(models.status).toBe(200);
      expect(models.headers['access-control-allow-origin']).toBe('https://app.example.com');
    });
  });
});

describe('global IP allow-list (PROXY_IP_ALLOWLIST, TRUST_PROXY off: the socket address)', () => {
  let env: ProxyEnv;
  let v6: Server;
  let v6Url: string;
  let dual: Server;
  let dualUrl: string;
  beforeAll(async () => {
    env = await createProxyEnv({ env: { PROXY_IP_ALLOWLIST: '127.0.0.1, 2001:db8::/32' } });
    // The same gateway on ::1 (an IPv6 client) and on :: (IPv4 clients arrive as ::ffff:a.b.c.d).
    v6 = createServer(env.t.app.handle);
    await new Promise<void>((r) => v6.listen(0, '::1', r));
    v6Url = `http://[::1]:${(v6.address() as AddressInfo).port}`;
    dual = createServer(env.t.app.handle);
    await new Promise<void>((r) => dual.listen(0, '::', r));
    dualUrl = `http://127.0.0.1:${(dual.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    for (const s of [v6, dual]) {
      s?.closeAllConnections();
      await new Promise<void>((r) => (s ? s.close(() => r()) : r()));
    }
    await env?.close();
  });

  it('lets a listed IPv4 client through, also when it arrives in the ::ffff: mapped form', async () => {
    expect((await chat(env.url, env.userKey)).status).toBe(200);
    expect((await messages(dualUrl, env.userKey)).status).toBe(200);
  });

  it('refuses an unlisted IPv6 client in both formats, for every key, before the key is even checked', async () => {
    expectOpenAIIpError(await chat(v6Url, env.userKey), '::1');
    expectAnthropicIpError(await messages(v6Url, env.userKey), '::1');
    expectOpenAIIpError(await chat(v6Url, MASTER_KEY), '::1');
    expectOpenAIIpError(await chat(v6Url, 'sk-wrong'), '::1');
    // X-Forwarded-For is the client's word without TRUST_PROXY: ignored.
    expectOpenAIIpError(await chat(v6Url, env.userKey, { 'x-forwarded-for': '127.0.0.1' }), '::1');
  });

  it('leaves the admin API and /health alone', async () => {
    expect((await call(v6Url, { method: 'GET', path: '/health' })).status).toBe(200);
  });

  it('without CORS_ORIGINS no CORS headers are sent and a preflight is not answered', async () => {
    const ok = await chat(env.url, env.userKey, { origin: 'https://app.example.com' });
    expect(ok.status).toBe(200);
    expect(ok.headers['access-control-allow-origin']).toBeUndefined();
    const pre = await call(env.url, {
      method: 'OPTIONS',
      path: '/v1/chat/completions',
      headers: { origin: 'https://app.example.com', 'access-control-request-method': 'POST' },
    });
    expect(pre.status).toBe(405);
    expect(pre.headers['access-control-allow-origin']).toBeUndefined();
  });
});
