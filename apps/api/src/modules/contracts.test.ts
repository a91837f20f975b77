// Every GET endpoint of the admin API, walked as a super admin against a database with a row of every kind: each
// JSON answer must parse with its contract's response schema (strict objects: an undocumented field fails too).
// The app runs without its own response check, so this is an independent reading of what the server sends.
import { ALL_CONTRACTS, type Contract, type JsonResponse } from '@switchyard/core';
import express from 'express';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createTestApp, type TestApp } from '../test/app.js';
import { CHECK_RESPONSES, mountContract } from './mount-contract.js';

let t: TestApp;
let token: string;
const as = () => ({ authorization: `Bearer ${token}` });
/** The id each GET path parameter takes, by contract path. */
const ids: Record<string, Record<string, string>> = {};

const jsonGets = ALL_CONTRACTS.filter(
  (c): c is Contract & { response: JsonResponse } => c.method === 'get' && 'schema' in c.response,
);

beforeAll(async () => {
  t = await createTestApp({ checkResponses: false });
  token = await t.tokenFor('seed_admin');
  const post = async (path: string, body: object, method: 'post' | 'put' = 'post') => {
    const res = await t.http[method](path).set(as()).send(body);
    expect(res.status, `${path}: ${JSON.stringify(res.body)}`).toBeLessThan(300);
    return res.body as { id: string };
  };
  const user = await t.createUser('user');
  const org = await post('/api/v1/orgs', { name: 'Contract org', slug: 'contract-org', spendCapUsd: 10 });
  await post(`/api/v1/orgs/${org.id}/members`, { userId: user.id, role: 'admin' });
  const openai = await t.db.prisma.provider.findFirstOrThrow({ where: { type: 'openai' } });
  await post(`/api/v1/orgs/${org.id}/provider-keys/${openai.id}`, { apiKey: 'sk-org-key-00001234' }, 'put');
  await post(`/api/v1/me/byok/${openai.id}`, { apiKey: 'sk-byok-key-00005678', label: 'mine' }, 'put');
  const app = await post('/api/v1/apps', { name: 'Contract app', slug: 'contract-app', orgId: org.id });
  await post('/api/v1/keys', {
    name: 'app key',
    ownerType: 'app',
    ownerId: app.id,
    budgetUsd: 5,
    budgetPeriod: 'month',
  });
  const key = (await post('/api/v1/me/keys', { name: 'mine', rpmLimit: 60 })) as { id: string; key: string };
  const model = await t.db.prisma.model.findFirstOrThrow({
    where: { provider: { type: 'mock' }, enabled: true, capabilities: { has: 'chat' } },
  });
  await post('/api/v1/llm/routing/aliases', {
    name: 'contract-alias',
    orgId: org.id,
    targets: [{ ref: `mock/${model.modelId}` }],
  });
  const experiment = await post('/api/v1/llm/experiments', {
    name: 'Contract experiment',
    alias: 'contract-alias',
    variants: [
      { name: 'control', percent: 50, target: 'contract-alias' },
      { name: 'direct', percent: 50, target: `mock/${model.modelId}` },
    ],
  });
  await post(`/api/v1/llm/experiments/${experiment.id}/start`, {});
  ids['/api/v1/llm/experiments/{id}'] = { id: experiment.id };
  ids['/api/v1/llm/experiments/{id}/results'] = { id: experiment.id };
  const other = await t.db.prisma.model.findFirstOrThrow({
    where: { provider: { type: 'mock' }, id: { not: model.id } },
  });
  await post('/api/v1/llm/routing/chains', {
    modelRef: `mock/${other.modelId}`,
    targets: [`mock/${model.modelId}`],
  });
  await t.db.prisma.errorReport.create({
    data: {
      source: 'proxy',
      type: 'upstream_timeout',
      message: 'No answer',
      userId: user.id,
      appId: app.id,
      details: { client: { tool: 'codex', version: '0.17.3' } },
    },
  });
  // Traffic: a routed request (usage, logs with a trace) and one for a model that does not exist.
  await t.app.routing.reload();
  for (const m of [`mock/${model.modelId}`, 'no-such-model']) {
    const r = await t.http
      .post('/v1/chat/completions')
      .set('authorization', `Bearer ${key.key}`)
      .send({ model: m, messages: [{ role: 'user', content: 'hi' }] });
    expect(r.status, r.text).toBe(m === 'no-such-model' ? 404 : 200);
  }
  for (let i = 0; i < 50 && t.app.usage.depth > 0; i++) await t.app.usage.flush();
  const log = await t.db.prisma.usageRecord.findFirstOrThrow({ where: { status: 200 } });
  const logId = String(log.id);
  ids['/api/v1/users/{id}'] = { id: user.id };
  ids['/api/v1/users/{id}/byok'] = { id: user.id };
  ids['/api/v1/orgs/{id}'] = { id: org.id };
  ids['/api/v1/me/orgs/{id}/usage'] = { id: org.id };
  ids['/api/v1/me/orgs/{id}/feedback'] = { id: org.id };
  ids['/api/v1/apps/{id}'] = { id: app.id };
  ids['/api/v1/llm/models/{id}'] = { id: model.id };
  // A provider with a health check behind it (the mock: in process), so its history is not empty.
  await t.app.health.check(model.providerId);
  ids['/api/v1/llm/providers/{id}/health'] = { id: model.providerId };
  ids['/api/v1/llm/logs/{id}'] = { id: logId };
  ids['/api/v1/me/logs/{id}'] = { id: logId };
  ids['/api/v1/me/keys/{id}/models'] = { id: key.id };
  ids['/api/v1/llm/data-protection/policies/{scope}'] = { scope: `org:${org.id}` };
  const dlpEvent = await t.db.prisma.dlpEvent.create({
    data: {
      createdAt: log.createdAt,
      requestId: log.requestId,
      scope: 'org',
      scopeId: org.id,
      // The caller as the usage batch writes it on both rows.
      orgId: log.orgId,
      appId: log.appId,
      userId: log.userId,
      gatewayKeyId: log.gatewayKeyId,
      findings: [{ kind: 'email', rule: 'email', action: 'mask', count: 1 }],
      sizeBytes: 100,
    },
  });
  ids['/api/v1/llm/data-protection/activity/{id}/log'] = { id: String(dlpEvent.id) };
}, 60_000);

afterAll(async () => {
  await t?.close();
});

describe('contracts: what the server answers is what the contracts say', () => {
  it('walks every GET endpoint with a JSON answer', () => {
    expect(jsonGets.length).toBeGreaterThan(25);
  });

  it.each(jsonGets.map((c) => [c.path, c] as const))(
    'GET %s parses with its response schema',
    async (_p, c) => {
      const path = c.path.replace(/\{(\w+)\}/g, (_m, name: string) => {
        const id = ids[c.path]?.[name];
        if (!id) throw new Error(`no id for {${name}} of ${c.path}: add one in beforeAll`);
        return encodeURIComponent(id);
      });
      const res = await t.http.get(path).set(as());
      expect(res.status, JSON.stringify(res.body)).toBe(c.response.status);
      const parsed = c.response.schema.safeParse(res.body);
      expect(parsed.success ? [] : parsed.error.issues).toEqual([]);
    },
  );

  it('has data to check: the lists hold rows of every kind', async () => {
    for (const path of [
      '/api/v1/llm/logs',
      '/api/v1/llm/errors',
      '/api/v1/me/byok',
      '/api/v1/audit',
      '/api/v1/apps',
      '/api/v1/llm/data-protection/activity',
    ]) {
      const res = await t.http.get(path).set(as());
      expect((res.body as { data: unknown[] }).data.length, path).toBeGreaterThan(0);
    }
    const usage = await t.http.get('/api/v1/llm/usage?period=7d').set(as());
    expect(usage.body.byProvider.length).toBeGreaterThan(0);
  });

  it('a strict schema fails an answer with a field it does not describe, or without one it requires', async () => {
    const c = ALL_CONTRACTS.find((x) => x.path === '/api/v1/users' && x.method === 'get')!;
    const schema = (c.response as JsonResponse).schema;
    const res = await t.http.get('/api/v1/users').set(as());
    const [first] = (res.body as { data: Record<string, unknown>[] }).data;
    expect(schema.safeParse({ data: [{ ...first, passwordHash: 'x' }] }).success).toBe(false);
    const { email: _email, ...withoutEmail } = first!;
    expect(schema.safeParse({ data: [withoutEmail] }).success).toBe(false);
  });
});

describe('the response check of the test apps', () => {
  const contract = {
    method: 'get',
    path: '/api/v1/check',
    permission: null,
    tag: 'Test',
    summary: 'test',
    response: { status: 200, description: 'OK', schema: z.strictObject({ n: z.number() }) },
  } as const satisfies Contract;

  const appWith = (answer: unknown, check: boolean) => {
    const app = express();
    app.locals[CHECK_RESPONSES] = check;
    const r = express.Router();
    mountContract(r, contract, () => answer as { n: number });
    app.use('/api/v1', r);
    app.use(((err, _req, res, _next) => {
      res.status(err.status ?? 500).json({ error: { code: err.code, message: err.message } });
    }) as express.ErrorRequestHandler);
    return app;
  };

  it('answers a handler that breaks its contract with 500 contract_violation, naming the field', async () => {
    const res = await request(appWith({ n: 'one' }, true)).get('/api/v1/check');
    expect(res.status).toBe(500);
    expect(res.body.error.code).toBe('contract_violation');
    expect(res.body.error.message).toMatch(/GET \/api\/v1\/check .*n:/);
  });

  it('lets a matching answer through, and checks nothing in production', async () => {
    expect((await request(appWith({ n: 1 }, true)).get('/api/v1/check')).body).toEqual({ n: 1 });
    expect((await request(appWith({ n: 'one' }, false)).get('/api/v1/check')).status).toBe(200);
  });
});
