// Named regressions for the causes the admin-API fuzz found (issue 16, item 9): each input used to get a 5xx, a
// cut stream or a wrong answer; each now gets a clear 4xx in the {error:{code,message,details}} shape.
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../test/app.js';

let t: TestApp;
let token: string;
const logLines: string[] = [];

beforeAll(async () => {
  const dist = mkdtempSync(join(tmpdir(), 'sy-web-'));
  mkdirSync(join(dist, 'assets'));
  writeFileSync(join(dist, 'index.html'), '<!doctype html><title>Switchyard</title>');
  writeFileSync(join(dist, 'assets', 'app-abc123.js'), 'console.log(1)');
  const logs = new PassThrough();
  logs.on('data', (c: Buffer) => logLines.push(c.toString('utf8')));
  t = await createTestApp({ env: { SERVE_WEB: 'true', WEB_DIST_DIR: dist }, logDestination: logs });
  token = await t.tokenFor('seed_admin');
});
afterAll(async () => {
  await t?.close();
});

const auth = () => ({ authorization: `Bearer ${token}` });

function expectAdminError(res: { status: number; body: unknown }, status: number, code?: string) {
  expect(res.status).toBe(status);
  const err = (res.body as { error: { code: string; message: string } }).error;
  expect(err).toMatchObject({ code: expect.any(String), message: expect.any(String) });
  if (code) expect(err.code).toBe(code);
}

/** A raw request on a real socket (supertest would re-encode the path or the body). */
async function rawOnce(
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: Buffer | string,
) {
  const { createServer } = await import('node:http');
  const server = createServer(t.app.handle);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  try {
    return await new Promise<{
      status: number;
      headers: Record<string, unknown>;
      text: string;
      body: unknown;
    }>((resolve, reject) => {
      const req = httpRequest(
        { host: '127.0.0.1', port: (server.address() as AddressInfo).port, method, path, headers },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', reject);
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let parsed: unknown;
            try {
              parsed = JSON.parse(text);
            } catch {
              parsed = undefined;
            }
            resolve({ status: res.statusCode ?? 0, headers: res.headers, text, body: parsed });
          });
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  } finally {
    server.close();
  }
}

describe('strings: NUL and lone surrogates', () => {
  it('refuses NUL and unpaired surrogates in body fields and searches with a 400 naming the field', async () => {
    for (const name of ['a\u0000b', 'x\ud800', '\udc00y']) {
      const res = await t.http.post('/api/v1/users').set(auth()).send({ email: 'nul@example.com', name });
      expectAdminError(res, 400, 'validation_error');
      expect(res.body.error.message).toMatch(/^name:/);
    }
    expectAdminError(await t.http.get('/api/v1/users?search=%00').set(auth()), 400, 'validation_error');
    expectAdminError(await t.http.get('/api/v1/audit?actor=a%00').set(auth()), 400, 'validation_error');
    expectAdminError(await t.http.get('/api/v1/llm/models?search=a%00').set(auth()), 400, 'validation_error');
    // A surrogate pair (an emoji) is fine.
    const ok = await t.http
      .post('/api/v1/users')
      .set(auth())
      .send({ email: 'emoji@example.com', name: 'Ada 😀' });
    expect(ok.status).toBe(201);
  });

  it('refuses NUL inside free-form JSON (model config) instead of failing in the database', async () => {
    const p = await t.db.prisma.provider.findFirstOrThrow({ where: { type: 'mock' } });
    const res = await t.http
      .post('/api/v1/llm/models')
      .set(auth())
      .send({ providerId: p.id, modelId: 'nul-config', displayName: 'x', config: { note: 'a\u0000b' } });
    expectAdminError(res, 400, 'validation_error');
    expect(res.body.error.message).toMatch(/^config/);
  });
});

describe('numbers and dates out of range', () => {
  it('refuses caps, budgets and limits the database cannot hold', async () => {
    expectAdminError(
      await t.http.post('/api/v1/users').set(auth()).send({ email: 'cap@example.com', weeklyCapUsd: 1e20 }),
      400,
      'validation_error',
    );
    const u = await t.createUser('user');
    expectAdminError(
      await t.http.patch(`/api/v1/users/${u.id}`).set(auth()).send({ weeklyCapUsd: 1e20 }),
      400,
      'validation_error',
    );
    expectAdminError(
      await t.http.post('/api/v1/orgs').set(auth()).send({ name: 'Big', slug: 'big', spendCapUsd: 1e15 }),
      400,
      'validation_error',
    );
    expectAdminError(
      await t.http
        .post('/api/v1/keys')
        .set(auth())
        .send({ name: 'k', ownerType: 'user', ownerId: u.id, rpmLimit: 2 ** 40 }),
      400,
      'validation_error',
    );
    expectAdminError(
      await t.http
        .post('/api/v1/keys')
        .set(auth())
        .send({ name: 'k', ownerType: 'user', ownerId: u.id, budgetUsd: 1e12 }),
      400,
      'validation_error',
    );
    // The largest allowed values are stored and read back.
    const ok = await t.http.patch(`/api/v1/users/${u.id}`).set(auth()).send({ weeklyCapUsd: 10_000_000 });
    expect(ok.status).toBe(200);
  });

  it('answers 400 for log ids and cursors beyond a 64-bit integer, 404 for an id that names no record', async () => {
    expectAdminError(
      await t.http.get('/api/v1/llm/logs/9223372036854775808').set(auth()),
      400,
      'validation_error',
    );
    expectAdminError(
      await t.http.get('/api/v1/me/logs/18446744073709551616').set(auth()),
      400,
      'validation_error',
    );
    expectAdminError(await t.http.get('/api/v1/llm/logs/12abc').set(auth()), 404, 'not_found');
    expectAdminError(await t.http.get('/api/v1/llm/logs/9223372036854775807').set(auth()), 404, 'not_found');
    expectAdminError(
      await t.http.get('/api/v1/llm/logs?cursor=18446744073709551616').set(auth()),
      400,
      'validation_error',
    );
    expectAdminError(
      await t.http.get('/api/v1/me/logs?cursor=9223372036854775808').set(auth()),
      400,
      'validation_error',
    );
  });

  it('refuses dates outside years 1-9999 (JavaScript accepts -271821-04-20, PostgreSQL does not)', async () => {
    for (const path of [
      '/api/v1/llm/logs?from=-271821-04-20',
      '/api/v1/llm/errors?to=%2B275760-09-13',
      '/api/v1/audit?from=-271821-04-20',
      '/api/v1/llm/export?from=-271821-04-20',
    ]) {
      expectAdminError(await t.http.get(path).set(auth()), 400, 'validation_error');
    }
    const u = await t.createUser('user');
    expectAdminError(
      await t.http
        .post('/api/v1/keys')
        .set(auth())
        .send({ name: 'k', ownerType: 'user', ownerId: u.id, expiresAt: '-271821-04-20' }),
      400,
      'validation_error',
    );
    expectAdminError(
      await t.http
        .post('/api/v1/keys')
        .set(auth())
        .send({ name: 'k', ownerType: 'user', ownerId: u.id, expiresAt: 8.64e15 }),
      400,
      'validation_error',
    );
  });
});

describe('deeply nested JSON', () => {
  it('refuses a model config nested deeper than the limit before the database sees it', async () => {
    const p = await t.db.prisma.provider.findFirstOrThrow({ where: { type: 'mock' } });
    let config: Record<string, unknown> = { leaf: 1 };
    for (let i = 0; i < 1_000; i++) config = { a: config };
    const res = await t.http
      .post('/api/v1/llm/models')
      .set(auth())
      .send({ providerId: p.id, modelId: 'deep', displayName: 'Deep', config });
    expectAdminError(res, 400, 'validation_error');
    // A model's config is its default request parameters: a nested key is no parameter.
    expect(res.body.error.message).toMatch(/^config: /);
    expect(await t.db.prisma.model.count({ where: { modelId: 'deep' } })).toBe(0);
    const shallow = await t.http
      .post('/api/v1/llm/models')
      .set(auth())
      .send({
        providerId: p.id,
        modelId: 'shallow',
        displayName: 'Shallow',
        config: { temperature: 0.1, stop: ['x', 'y'] },
      });
    expect(shallow.status).toBe(201);
  });
});

describe('route parameters', () => {
  it('answers 400 for malformed percent-encoding and ids with NUL or control characters', async () => {
    for (const path of [
      '/api/v1/users/%E0%A4%A',
      '/api/v1/users/%C0%AF',
      '/api/v1/orgs/%zz',
      '/api/v1/llm/models/a%00b',
      '/api/v1/apps/%0D%0A',
      `/api/v1/orgs/${'a'.repeat(3000)}`,
    ]) {
      const res = await rawOnce('GET', path, auth());
      expectAdminError(res, 400);
    }
    expectAdminError(await rawOnce('GET', '/api/v1/users/cnotthere00000000000000', auth()), 404, 'not_found');
  });
});

describe('request bodies the parser cannot read', () => {
  it('answers 400 for a gzip body that is not gzip and 415 for an unknown content-encoding', async () => {
    const garbage = await rawOnce(
      'POST',
      '/api/v1/users',
      { ...auth(), 'content-type': 'application/json', 'content-encoding': 'gzip' },
      Buffer.from('not gzip at all'),
    );
    expectAdminError(garbage, 400, 'bad_request');
    const unknown = await rawOnce(
      'POST',
      '/api/v1/users',
      { ...auth(), 'content-type': 'application/json', 'content-encoding': 'x-foo' },
      '{}',
    );
    expectAdminError(unknown, 415, 'unsupported_encoding');
    const charset = await rawOnce(
      'POST',
      '/api/v1/users',
      { ...auth(), 'content-type': 'application/json; charset=x-klingon' },
      '{}',
    );
    expectAdminError(charset, 415);
    // A real gzip body still works.
    const ok = await rawOnce(
      'POST',
      '/api/v1/users',
      { ...auth(), 'content-type': 'application/json', 'content-encoding': 'gzip' },
      gzipSync(JSON.stringify({ email: 'gz@example.com' })),
    );
    expect(ok.status).toBe(201);
  });
});

describe('static assets', () => {
  it('answers 404 without a stack trace in the log for a missing /assets file, without signing in', async () => {
    logLines.length = 0;
    for (const path of [
      '/assets/missing-abc.js',
      '/assets/',
      '/assets/%E0%A4%A',
      '/assets/..%2f..%2fpackage.json',
    ]) {
      const res = await rawOnce('GET', path, {});
      expect(res.status, path).toBe(404);
    }
    expect((await rawOnce('GET', '/assets/app-abc123.js', {})).status).toBe(200);
    // Outside /assets: malformed paths get a 4xx (or the SPA), never a 5xx.
    for (const path of ['/%E0%A4%A', '/a%00b', '/..%2f..%2fpackage.json', '/users/%C0%AF']) {
      const res = await rawOnce('GET', path, { accept: 'text/html' });
      expect(res.status, path).toBeLessThan(500);
    }
    expect(logLines.join('')).not.toMatch(/unhandled error|"stack"/);
  });
});

describe('CSV export file names', () => {
  it('streams the whole CSV with a safe Content-Disposition for CR/LF and non-Latin-1 characters in the file name', async () => {
    for (const user of ['a\r\nSet-Cookie: x=1', 'ü中文😀']) {
      const res = await rawOnce('GET', `/api/v1/llm/export?user=${encodeURIComponent(user)}`, auth());
      expect(res.status).toBe(200);
      expect(res.text.split('\r\n')[0]).toMatch(/^time,request_id,/);
      const cd = String(res.headers['content-disposition']);
      expect(cd).toMatch(/^attachment; filename="switchyard-usage-[A-Za-z0-9._-]+\.csv"; filename\*=UTF-8''/);
      expect(res.headers['set-cookie']).toBeUndefined();
    }
    const res = await rawOnce('GET', `/api/v1/llm/export?user=${encodeURIComponent('ü中')}`, auth());
    const star = /filename\*=UTF-8''(\S+)/.exec(String(res.headers['content-disposition']))![1]!;
    expect(decodeURIComponent(star)).toBe('switchyard-usage-ü中-all-all.csv');
  });
});

describe('search wildcards', () => {
  it('treats % and _ in search as the characters themselves (users and models)', async () => {
    await t.createUser('user', 'percent%sign@example.com');
    await t.createUser('user', 'under_score@example.com');
    const all = (await t.http.get('/api/v1/users').set(auth())).body.data.length as number;
    expect(all).toBeGreaterThan(2);
    const pct = await t.http.get('/api/v1/users?search=%25').set(auth());
    expect(pct.body.data.map((u: { email: string }) => u.email)).toEqual(['percent%sign@example.com']);
    const us = await t.http.get('/api/v1/users?search=_').set(auth());
    expect(us.body.data.map((u: { email: string }) => u.email)).toEqual(['under_score@example.com']);
    const bs = await t.http.get(`/api/v1/users?search=${encodeURIComponent('\\')}`).set(auth());
    expect(bs.status).toBe(200);
    expect(bs.body.data).toEqual([]);
    const allModels = (await t.http.get('/api/v1/llm/models?limit=500').set(auth())).body.data as {
      modelId: string;
      displayName: string;
      description: string | null;
    }[];
    const withPct = allModels.filter((m) =>
      `${m.modelId} ${m.displayName} ${m.description ?? ''}`.includes('%'),
    );
    expect(allModels.length).toBeGreaterThan(withPct.length);
    const models = await t.http.get('/api/v1/llm/models?search=%25&limit=500').set(auth());
    expect(models.status).toBe(200);
    expect(models.body.data.length).toBe(withPct.length);
  });
});
