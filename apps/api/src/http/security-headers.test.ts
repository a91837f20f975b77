import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../test/app.js';
import { createTestDatabase, type TestDatabase } from '../test/db.js';

// A built dashboard like Vite's: one inline script (the theme bootstrap) in index.html and hashed assets.
const INLINE = "\n      document.documentElement.dataset.theme = 'dark';\n    ";
const INDEX = `<!doctype html><html><head><title>Switchyard</title><script>${INLINE}</script><script type="module" crossorigin src="/assets/index-abc.js"></script></head><body><div id="root"></div></body></html>`;
const inlineHash = `'sha256-${createHash('sha256').update(INLINE, 'utf8').digest('base64')}'`;

let dist: string;
let db: TestDatabase;
let direct: TestApp;
let proxied: TestApp;
beforeAll(async () => {
  dist = mkdtempSync(join(tmpdir(), 'switchyard-dist-'));
  mkdirSync(join(dist, 'assets'));
  writeFileSync(join(dist, 'index.html'), INDEX);
  writeFileSync(join(dist, 'assets', 'index-abc.js'), 'console.log(1)');
  db = await createTestDatabase();
  direct = await createTestApp({ db, env: { SERVE_WEB: 'true', WEB_DIST_DIR: dist } });
  proxied = await createTestApp({ db, env: { SERVE_WEB: 'true', WEB_DIST_DIR: dist, TRUST_PROXY: 'true' } });
});
afterAll(async () => {
  await direct?.close();
  await proxied?.close();
  await db?.close();
  rmSync(dist, { recursive: true, force: true });
});

const directives = (csp: string) =>
  Object.fromEntries(
    csp
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .map(([k, ...v]) => [k, v]),
  );

describe('dashboard headers', () => {
  it('the SPA page carries a CSP that allows its own inline script by hash, no framing, nosniff and a referrer policy', async () => {
    for (const path of ['/', '/overview', '/keys?tab=x', '/index.html']) {
      const res = await direct.http.get(path).set('accept', 'text/html');
      expect(res.status).toBe(200);
      expect(res.text).toContain('<div id="root">');
      const csp = directives(res.headers['content-security-policy'] ?? '');
      expect(csp['default-src']).toEqual(["'self'"]);
      expect(csp['script-src']).toEqual(["'self'", inlineHash]);
      expect(csp['frame-ancestors']).toEqual(["'none'"]);
      expect(csp['object-src']).toEqual(["'none'"]);
      expect(csp['base-uri']).toEqual(["'self'"]);
      expect(res.headers['x-frame-options']).toBe('DENY');
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['referrer-policy']).toBe('same-origin');
    }
  });

  it('a rebuilt index.html gets the hash of its new inline script', async () => {
    const other = "console.log('rebuilt')";
    writeFileSync(join(dist, 'index.html'), INDEX.replace(INLINE, other));
    try {
      const res = await direct.http.get('/').set('accept', 'text/html');
      expect(res.headers['content-security-policy']).toContain(
        `'sha256-${createHash('sha256').update(other).digest('base64')}'`,
      );
      expect(res.headers['content-security-policy']).not.toContain(inlineHash);
    } finally {
      writeFileSync(join(dist, 'index.html'), INDEX);
    }
  });

  it('static assets and admin API answers carry nosniff and no framing', async () => {
    const asset = await direct.http.get('/assets/index-abc.js');
    expect(asset.status).toBe(200);
    const api = await direct.http.get('/api/v1/auth/me');
    expect(api.status).toBe(401);
    for (const res of [asset, api]) {
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['x-frame-options']).toBe('DENY');
      expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    }
  });
});

const login = async (t: TestApp, proto?: string) => {
  const u = await t.createUser('viewer');
  const req = t.http.post('/api/v1/auth/login');
  if (proto) req.set('x-forwarded-proto', proto);
  const res = await req.send({ email: u.email, password: u.password });
  expect(res.status).toBe(200);
  const cookie = String((res.headers['set-cookie'] as unknown as string[])[0]);
  return { res, cookie, pair: cookie.split(';')[0]! };
};

describe('session cookie', () => {
  it('is Secure behind a trusted proxy that says https, not over plain http', async () => {
    expect((await login(proxied, 'https')).cookie).toMatch(/;\s*Secure/i);
    expect((await login(proxied, 'http')).cookie).not.toMatch(/;\s*Secure/i);
    expect((await login(proxied)).cookie).not.toMatch(/;\s*Secure/i);
    // Without TRUST_PROXY the header is the client's word and ignored.
    expect((await login(direct, 'https')).cookie).not.toMatch(/;\s*Secure/i);
    expect((await login(direct)).cookie).toMatch(/HttpOnly/i);
  });

  it('logout clears it with the same attributes', async () => {
    const { pair, res } = await login(proxied, 'https');
    const out = await proxied.http
      .post('/api/v1/auth/logout')
      .set('x-forwarded-proto', 'https')
      .set('cookie', pair)
      .set('x-csrf-token', res.body.csrfToken);
    expect(out.status).toBe(204);
    expect(String(out.headers['set-cookie'])).toMatch(/Max-Age=0.*Secure|Secure.*Max-Age=0/i);
  });
});

describe('logout needs the CSRF token with a cookie session', () => {
  it('refuses a cookie logout without x-csrf-token (the session stays), accepts it with the token', async () => {
    const { res, pair } = await login(direct);
    const forged = await direct.http.post('/api/v1/auth/logout').set('cookie', pair);
    expect(forged.status).toBe(403);
    expect(forged.body.error.code).toBe('csrf_failed');
    expect(forged.headers['set-cookie']).toBeUndefined();
    expect((await direct.http.get('/api/v1/auth/me').set('cookie', pair)).status).toBe(200);
    const wrong = await direct.http
      .post('/api/v1/auth/logout')
      .set('cookie', pair)
      .set('x-csrf-token', 'nope');
    expect(wrong.status).toBe(403);
    const ok = await direct.http
      .post('/api/v1/auth/logout')
      .set('cookie', pair)
      .set('x-csrf-token', res.body.csrfToken);
    expect(ok.status).toBe(204);
    expect((await direct.http.get('/api/v1/auth/me').set('cookie', pair)).status).toBe(401);
  });

  it('a bearer logout needs no CSRF token; a stale cookie is just cleared', async () => {
    const { res } = await login(direct);
    expect(
      (await direct.http.post('/api/v1/auth/logout').set('authorization', `Bearer ${res.body.token}`)).status,
    ).toBe(204);
    expect(
      (await direct.http.get('/api/v1/auth/me').set('authorization', `Bearer ${res.body.token}`)).status,
    ).toBe(401);
    const stale = await direct.http.post('/api/v1/auth/logout').set('cookie', 'sy_session=not-a-session');
    expect(stale.status).toBe(204);
    expect(String(stale.headers['set-cookie'])).toMatch(/Max-Age=0/);
  });
});
