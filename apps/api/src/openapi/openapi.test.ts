import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROXY_ROUTES } from '../proxy/endpoints.js';
import { createTestApp, type TestApp } from '../test/app.js';
import { mountedRoutes } from '../test/routes.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t?.close();
});

describe('GET /api/v1/openapi.json', () => {
  it('is a valid OpenAPI 3.1 document, served without signing in', async () => {
    const res = await t.http.get('/api/v1/openapi.json');
    expect(res.status).toBe(200);
    expect(res.body.openapi).toBe('3.1.0');
    const result = await new Validator().validate(res.body);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it('lists every route the server mounts (admin API, system, and the proxy), with its method', async () => {
    const doc = (await t.http.get('/api/v1/openapi.json')).body as {
      paths: Record<string, Record<string, unknown>>;
    };
    const documented = new Set(
      Object.entries(doc.paths).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m} ${p}`)),
    );
    const mounted = mountedRoutes(t.app).map((r) => `${r.method} ${r.path.replace(/:(\w+)/g, '{$1}')}`);
    const proxy = PROXY_ROUTES.map((r) => `${r.method.toLowerCase()} ${r.path}`);
    expect(mounted.length).toBeGreaterThan(60);
    expect([...mounted, ...proxy].filter((r) => !documented.has(r))).toEqual([]);
  });

  it("documents the per-user write limit's 429 on every change a signed-in user makes, and on nothing else", async () => {
    const doc = (await t.http.get('/api/v1/openapi.json')).body as {
      paths: Record<string, Record<string, { responses: Record<string, unknown>; security?: unknown[] }>>;
    };
    const ops = Object.entries(doc.paths)
      .filter(([p]) => p.startsWith('/api/v1/'))
      .flatMap(([p, byMethod]) => Object.entries(byMethod).map(([m, op]) => ({ p, m, op })));
    const limited = ops.filter(
      ({ p, m, op }) =>
        m !== 'get' && !p.startsWith('/api/v1/auth/') && !(op.security && op.security.length === 0),
    );
    expect(limited.length).toBeGreaterThan(30);
    expect(limited.filter(({ op }) => !op.responses['429']).map(({ m, p }) => `${m} ${p}`)).toEqual([]);
    expect(doc.paths['/api/v1/auth/logout']!.post!.responses['429']).toBeUndefined();
    expect(ops.filter(({ m, op }) => m === 'get' && op.responses['429']).map(({ p }) => p)).toEqual([]);
  });

  it('documents request bodies from the shared zod schemas (fields and constraints)', async () => {
    const doc = (await t.http.get('/api/v1/openapi.json')).body;
    const body = doc.paths['/api/v1/llm/models'].post.requestBody.content['application/json'].schema;
    expect(body.required).toEqual(expect.arrayContaining(['providerId', 'modelId', 'displayName']));
    expect(body.properties.priceInputPer1M).toMatchObject({ type: 'number', minimum: 0 });
  });
});
