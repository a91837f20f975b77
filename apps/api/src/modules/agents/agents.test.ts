// Agent configurations: the admin API (CRUD, audit, model_config.yaml export and import) and the proxy
// choosing an agent's model by name or by headers, through a real HTTP mock upstream.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProxyEnv, type ProxyEnv } from '../../test/proxy-env.js';

const BASE = '/api/v1/llm/agents';

let env: ProxyEnv;
let admin: string;
let viewer: string;
const as = (token: string) => ({ authorization: `Bearer ${token}` });

beforeAll(async () => {
  env = await createProxyEnv();
  admin = await env.t.tokenFor('admin');
  viewer = await env.t.tokenFor('viewer');
}, 180_000);
afterAll(async () => {
  await env?.close();
});

const coder = {
  agentId: 'coder',
  name: 'Coder',
  role: 'Writes and edits code',
  normalModel: 'up-openai/gpt-test',
  heavyModel: 'up-backup/gpt-test',
  maxModel: 'up-anthropic/claude-test',
};

async function call(
  body: Record<string, unknown>,
  headers: Record<string, string> = {},
  path = '/v1/chat/completions',
) {
  const res = await fetch(`${env.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${env.userKey}`, ...headers },
    body: JSON.stringify(body),
  });
  return { res, json: (await res.json()) as Record<string, unknown> };
}

describe('agent configurations API', () => {
  let id = '';

  it('creates, lists, changes and deletes agents (audited); viewers read only', async () => {
    const created = await env.t.http.post(BASE).set(as(admin)).send(coder).expect(201);
    id = created.body.id;
    expect(created.body).toMatchObject(coder);
    await env.t.http.post(BASE).set(as(admin)).send(coder).expect(409);
    await env.t.http
      .post(BASE)
      .set(as(viewer))
      .send({ ...coder, agentId: 'x' })
      .expect(403);
    const list = await env.t.http.get(BASE).set(as(viewer)).expect(200);
    expect(list.body.data.map((a: { agentId: string }) => a.agentId)).toEqual(['coder']);
    const changed = await env.t.http
      .patch(`${BASE}/${id}`)
      .set(as(admin))
      .send({ role: 'Reviews code' })
      .expect(200);
    expect(changed.body).toMatchObject({ role: 'Reviews code', normalModel: coder.normalModel });
    const audit = await env.t.app.ctx.prisma.auditLog.findMany({ where: { entityType: 'Agent' } });
    expect(audit.map((a) => a.action).sort()).toEqual(['agent.create', 'agent.update']);
    await env.t.http.patch(`${BASE}/nope`).set(as(admin)).send({ role: 'x' }).expect(404);
  });

  it('refuses a bad agent with a 400 naming the field', async () => {
    const bad = await env.t.http
      .post(BASE)
      .set(as(admin))
      .send({ ...coder, agentId: 'Bad Id' })
      .expect(400);
    expect(JSON.stringify(bad.body)).toContain('agentId');
    await env.t.http
      .post(BASE)
      .set(as(admin))
      .send({ ...coder, agentId: 'x', maxModel: '' })
      .expect(400);
    await env.t.http
      .post(BASE)
      .set(as(admin))
      .send({ ...coder, agentId: 'x', extra: 1 })
      .expect(400);
  });

  it('exports model_config.yaml and imports it back (dry run, update, replace); a bad file changes nothing', async () => {
    const exported = await env.t.http.get(`${BASE}/export`).set(as(viewer)).expect(200);
    expect(exported.headers['content-type']).toContain('application/yaml');
    expect(exported.text).toContain('coder:');
    expect(exported.text).toContain('heavy: up-backup/gpt-test');

    const again = await env.t.http
      .post(`${BASE}/import`)
      .set(as(admin))
      .send({ yaml: exported.text })
      .expect(200);
    expect(again.body).toMatchObject({ created: [], updated: [], unchanged: ['coder'], deleted: [] });

    const file = [
      'agents:',
      '  coder:',
      '    name: Coder',
      '    role: Writes code',
      '    models: { normal: up-openai/gpt-test, heavy: up-backup/gpt-test, max: up-backup/gpt-test }',
      '  planner:',
      '    name: Planner',
      '    models: { normal: gpt-test, heavy: gpt-test, max: up-anthropic/claude-test }',
    ].join('\n');
    const dry = await env.t.http
      .post(`${BASE}/import`)
      .set(as(admin))
      .send({ yaml: file, dryRun: true })
      .expect(200);
    expect(dry.body).toMatchObject({ created: ['planner'], updated: ['coder'], dryRun: true });
    expect(await env.t.app.ctx.prisma.agent.count()).toBe(1);
    await env.t.http.post(`${BASE}/import`).set(as(admin)).send({ yaml: file }).expect(200);
    expect((await env.t.app.ctx.prisma.agent.findUnique({ where: { agentId: 'coder' } }))!.maxModel).toBe(
      'up-backup/gpt-test',
    );

    const broken = await env.t.http
      .post(`${BASE}/import`)
      .set(as(admin))
      .send({
        yaml: 'agents:\n  ok:\n    name: OK\n    models: { normal: a, heavy: b, max: c }\n  "Bad id":\n    name: X\n    models: { normal: a, heavy: b, max: c }\n',
      })
      .expect(400);
    expect(broken.body.error.message).toContain('agents.Bad id');
    // An id the record would drop without a word (`__proto__`) is refused like any bad id, not ignored.
    const proto = await env.t.http
      .post(`${BASE}/import`)
      .set(as(admin))
      .send({ yaml: 'agents:\n  __proto__:\n    name: P\n    models: { normal: a, heavy: b, max: c }\n' })
      .expect(400);
    expect(proto.body.error.message).toContain('agents.__proto__');
    await env.t.http.post(`${BASE}/import`).set(as(admin)).send({ yaml: 'agents: [' }).expect(400);
    await env.t.http
      .post(`${BASE}/import`)
      .set(as(admin))
      .send({ yaml: 'agents:\n  x:\n    name: X\n' })
      .expect(400);
    expect(await env.t.app.ctx.prisma.agent.count()).toBe(2);

    const only = await env.t.http
      .post(`${BASE}/import`)
      .set(as(admin))
      .send({ yaml: file.split('\n').slice(0, 5).join('\n'), replace: true })
      .expect(200);
    expect(only.body.deleted).toEqual(['planner']);
    expect(await env.t.app.ctx.prisma.agent.count()).toBe(1);
  });

  it('the same file imported twice at once: one import creates the agent, the other finds it unchanged (one audit entry)', async () => {
    const yaml =
      'agents:\n  twin:\n    name: Twin\n    models: { normal: up-openai/gpt-test, heavy: up-openai/gpt-test, max: up-openai/gpt-test }\n';
    const [a, b] = await Promise.all(
      [0, 1].map(() => env.t.http.post(`${BASE}/import`).set(as(admin)).send({ yaml })),
    );
    expect([a!.status, b!.status]).toEqual([200, 200]);
    const created = [a!.body, b!.body].map((r: { created: string[] }) => r.created.includes('twin'));
    expect(created.filter(Boolean)).toHaveLength(1);
    const { prisma } = env.t.app.ctx;
    const entries = await prisma.auditLog.findMany({ where: { action: 'agent.import' } });
    expect(entries.filter((e) => JSON.stringify(e.after).includes('twin'))).toHaveLength(1);
  });

  it('never answers an import or a create with a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string({ maxLength: 200 }),
          fc.jsonValue({ maxDepth: 3 }).map((v) => `agents: ${JSON.stringify(v)}`),
        ),
        fc.jsonValue({ maxDepth: 3 }),
        async (yaml, body) => {
          const i = await env.t.http.post(`${BASE}/import`).set(as(admin)).send({ yaml, dryRun: true });
          expect(i.status).toBeLessThan(500);
          const c = await env.t.http
            .post(BASE)
            .set(as(admin))
            .set('content-type', 'application/json')
            .send(JSON.stringify(body));
          expect(c.status).toBeLessThan(500);
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe('the proxy with agents', () => {
  beforeAll(async () => {
    await env.t.app.ctx.prisma.agent.deleteMany();
    await env.t.http.post(BASE).set(as(admin)).send(coder).expect(201);
  });

  it('agent:<id>[:<effort>] picks the effort’s model, and the log’s trace says which agent chose it', async () => {
    const normal = await call({ model: 'agent:coder', messages: [{ role: 'user', content: 'Hi' }] });
    expect(normal.res.status).toBe(200);
    expect(normal.res.headers.get('x-switchyard-provider')).toBe('up-openai');
    const heavy = await call({ model: 'agent:coder:heavy', messages: [{ role: 'user', content: 'Hi' }] });
    expect(heavy.res.headers.get('x-switchyard-provider')).toBe('up-backup');
    await env.flushUsage();
    const rec = await env.t.app.ctx.prisma.usageRecord.findFirstOrThrow({
      where: { requestId: heavy.res.headers.get('x-request-id')! },
    });
    const log = await env.t.http.get(`/api/v1/llm/logs/${rec.id}`).set(as(admin)).expect(200);
    expect(log.body.trace.plan.agent).toEqual({
      id: 'coder',
      name: 'Coder',
      effort: 'heavy',
      model: 'up-backup/gpt-test',
      via: 'model',
    });
    expect(log.body.requestedModel).toBe('agent:coder:heavy');
  });

  it('the x-switchyard-agent and x-switchyard-effort headers choose the model whatever the client named', async () => {
    const r = await call(
      { model: 'claude-sonnet-whatever', max_tokens: 50, messages: [{ role: 'user', content: 'Hi' }] },
      { 'x-switchyard-agent': 'coder', 'x-switchyard-effort': 'max' },
      '/v1/messages',
    );
    expect(r.res.status).toBe(200);
    expect(r.res.headers.get('x-switchyard-provider')).toBe('up-anthropic');
  });

  it('an unknown agent is a 404 and a bad effort a 400, in the client’s format, with no upstream call', async () => {
    env.up.reset();
    const unknown = await call({ model: 'agent:ghost', messages: [{ role: 'user', content: 'Hi' }] });
    expect(unknown.res.status).toBe(404);
    expect((unknown.json.error as { code: string }).code).toBe('unknown_agent');
    const effort = await call(
      { model: 'x', max_tokens: 5, messages: [{ role: 'user', content: 'Hi' }] },
      { 'x-switchyard-agent': 'coder', 'x-switchyard-effort': 'ludicrous' },
      '/v1/messages',
    );
    expect(effort.res.status).toBe(400);
    expect(effort.json.type).toBe('error');
    expect(JSON.stringify(effort.json)).toContain('ludicrous');
    expect(env.up.requests).toHaveLength(0);
  });

  it('an error report of a request an agent routed names the agent', async () => {
    env.up.reset();
    env.up.script([{ status: 400 }, { status: 400 }, { status: 400 }]);
    const r = await call({ model: 'agent:coder', messages: [{ role: 'user', content: 'Hi' }] });
    expect(r.res.status).toBeGreaterThanOrEqual(400);
    await env.flushUsage();
    const page = await env.t.http.get('/api/v1/llm/errors').set(as(admin)).expect(200);
    const mine = page.body.data.find(
      (e: { requestId: string }) => e.requestId === r.res.headers.get('x-request-id'),
    );
    expect(mine.agent).toBe('coder');
  });

  it('GET /v1/models lists each agent at each effort, and `default` once a default model is set', async () => {
    const ids = async () => {
      const res = await fetch(`${env.url}/v1/models`, {
        headers: { authorization: `Bearer ${env.userKey}` },
      });
      expect(res.status).toBe(200);
      return ((await res.json()) as { data: { id: string; switchyard_kind: string }[] }).data;
    };
    const before = await ids();
    expect(before.filter((m) => m.switchyard_kind === 'agent').map((m) => m.id)).toEqual([
      'agent:coder',
      'agent:coder:heavy',
      'agent:coder:max',
    ]);
    expect(before.some((m) => m.id === 'default')).toBe(false);
    const rules = await env.t.http.get('/api/v1/llm/routing/rules').set(as(admin)).expect(200);
    await env.t.http
      .put('/api/v1/llm/routing/rules')
      .set(as(admin))
      .send({ strategy: rules.body.strategy, defaultModel: 'up-openai/gpt-test' })
      .expect(200);
    expect((await ids()).find((m) => m.id === 'default')?.switchyard_kind).toBe('default');
    await env.t.http
      .put('/api/v1/llm/routing/rules')
      .set(as(admin))
      .send({ strategy: rules.body.strategy, defaultModel: null })
      .expect(200);
  });
});
