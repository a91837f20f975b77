import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp } from '../../test/app.js';
import {
  ANTHROPIC_UPSTREAM_KEY,
  createProxyEnv,
  otherUser,
  UPSTREAM_KEY,
  type ProxyEnv,
} from '../../test/proxy-env.js';
import { eventually } from '../../test/redis.js';

let env: ProxyEnv;
let admin: string;
let viewer: string;
const as = (token: string) => ({ authorization: `Bearer ${token}` });

interface ShownProvider {
  id: string;
  slug: string;
  status: string;
  lastError: string | null;
  health: {
    status: string;
    reason: string | null;
    check: { enabled: boolean; isDefault: boolean };
    lastError: { kind: string; status: number; source: string; model: string | null; message: string } | null;
    cooldowns: {
      scope: string;
      reason: string | null;
      kind: string | null;
      status: number | null;
      until: string;
    }[];
    circuits: { modelId: string; phase: string }[];
  };
}

const chat = (model: string, key = env.userKey) =>
  env.t.http
    .post('/v1/chat/completions')
    .set({ authorization: `Bearer ${key}` })
    .send({ model, messages: [{ role: 'user', content: 'hi' }] });

const provider = async (id: string, token = viewer): Promise<ShownProvider> => {
  const res = await env.t.http.get('/api/v1/llm/providers').set(as(token));
  expect(res.status).toBe(200);
  return (res.body.data as ShownProvider[]).find((p) => p.id === id)!;
};

beforeAll(async () => {
  env = await createProxyEnv();
  admin = await env.t.tokenFor('admin');
  viewer = await env.t.tokenFor('viewer');
});
afterAll(async () => {
  await env?.close();
});

describe('provider health', () => {
  it("one upstream 401 on the provider's own key: the provider shows the cooldown, why, and the last error", async () => {
    env.up.script([
      { path: '/chat/completions', status: 401, body: { error: { message: `bad key ${UPSTREAM_KEY}` } } },
    ]);
    // big-test: only this provider serves it, so nothing else answers in its place.
    const first = await chat('up-openai/big-test');
    expect(first.status).not.toBe(200);
    // Every further call is refused while the key cools down: the operator must be able to see why.
    const second = await chat('up-openai/big-test');
    expect(second.status).toBe(503);

    const p = await provider(env.ids.openai);
    expect(p.status).toBe('active');
    expect(p.lastError).not.toBeNull();
    expect(p.health.status).toBe('down');
    expect(p.health.reason).toContain('credentials rejected');
    expect(p.health.cooldowns).toEqual([
      expect.objectContaining({
        scope: 'key',
        kind: 'auth',
        status: 401,
        reason: 'credentials rejected: fall back',
      }),
    ]);
    expect(Date.parse(p.health.cooldowns[0]!.until)).toBeGreaterThan(Date.now() + 60_000);
    expect(p.health.lastError).toMatchObject({
      kind: 'auth',
      status: 401,
      source: 'traffic',
      model: 'big-test',
    });
    expect(JSON.stringify(p)).not.toContain(UPSTREAM_KEY);
  });

  it("a caller's bad BYOK key cools only that key: the shared provider stays healthy", async () => {
    const { prisma, secrets } = env.t.app.ctx;
    await prisma.byokKey.create({
      data: {
        userId: env.ids.user,
        providerId: env.ids.backup,
        encryptedKey: secrets.encrypt('sk-user-own-bad-key-4321'),
        last4: '4321',
      },
    });
    await env.t.app.routing.reload();
    env.up.script([{ path: '/chat/completions', status: 401 }]);
    const res = await chat('up-backup/gpt-test');
    expect(res.status).not.toBe(200);
    const p = await provider(env.ids.backup);
    expect(p.health).toMatchObject({ status: 'healthy', cooldowns: [], lastError: null });
    expect(p.lastError).toBeNull();
    await prisma.byokKey.deleteMany({ where: { providerId: env.ids.backup } });
    await env.t.app.routing.reload();
  });

  it('a viewer sees the health but may not reset; an admin reset clears the cooldown, is audited, and calls work again', async () => {
    const denied = await env.t.http
      .post(`/api/v1/llm/providers/${env.ids.openai}/reset`)
      .set(as(viewer))
      .send({});
    expect(denied.status).toBe(403);
    const detail = await env.t.http.get(`/api/v1/llm/providers/${env.ids.openai}/health`).set(as(viewer));
    expect(detail.status).toBe(200);
    expect(detail.body.cooldowns).toHaveLength(1);

    const reset = await env.t.http
      .post(`/api/v1/llm/providers/${env.ids.openai}/reset`)
      .set(as(admin))
      .send({});
    expect(reset.status).toBe(200);
    expect(reset.body).toMatchObject({ status: 'healthy', cooldowns: [], circuits: [] });
    const audit = await env.t.app.ctx.prisma.auditLog.findFirst({
      where: { action: 'provider.reset', entityId: env.ids.openai },
    });
    expect(audit?.before).toMatchObject({
      cooldowns: [expect.objectContaining({ scope: 'key', kind: 'auth' })],
    });
    expect((await chat('up-openai/big-test')).status).toBe(200);
    // The last error stays as history, with its time; the status is live.
    expect((await provider(env.ids.openai)).health).toMatchObject({
      status: 'healthy',
      lastError: { kind: 'auth' },
    });
  });

  it('server errors open the model circuit: shown per model, and a model reset closes it', async () => {
    const settings = env.t.app.routing.routingConfig;
    const faults = Array.from({ length: 20 }, () => ({ path: '/chat/completions', status: 500 }));
    env.up.script(faults);
    for (
      let i = 0;
      i < settings.circuit.failureThreshold &&
      (await provider(env.ids.openai)).health.circuits.every((c) => c.phase !== 'open');
      i++
    )
      await chat('up-openai/big-test');
    env.up.script([]);
    const p = await provider(env.ids.openai);
    expect(p.health.circuits).toEqual([expect.objectContaining({ modelId: 'big-test', phase: 'open' })]);
    expect(p.health.status).toBe('degraded');
    expect(p.health.lastError).toMatchObject({ kind: 'server', status: 500, model: 'big-test' });
    const model = await env.t.app.ctx.prisma.model.findFirstOrThrow({
      where: { providerId: env.ids.openai, modelId: 'big-test' },
    });
    const reset = await env.t.http
      .post(`/api/v1/llm/providers/${env.ids.openai}/reset`)
      .set(as(admin))
      .send({ modelId: model.id });
    expect(reset.status).toBe(200);
    expect(reset.body).toMatchObject({ status: 'healthy', circuits: [] });
    const other = await env.t.http
      .post(`/api/v1/llm/providers/${env.ids.openai}/reset`)
      .set(as(admin))
      .send({ modelId: 'not-a-model-of-it' });
    expect(other.status).toBe(404);
  });

  it("a provider reset also ends its callers' own keys' cooldowns (the key, and the key × one model); the dashboard counts them", async () => {
    env.up.reset(); // what earlier cases scripted and left unused
    const { prisma, secrets } = env.t.app.ctx;
    const limited = await otherUser(env, 'rate-limited byok');
    const noAccess = await otherUser(env, 'no-access byok');
    const byok = async (userId: string, key: string) =>
      prisma.byokKey.create({
        data: {
          userId,
          providerId: env.ids.openai,
          encryptedKey: secrets.encrypt(key),
          last4: key.slice(-4),
        },
      });
    const LIMITED = 'sk-user-own-rate-limited-1111';
    const NO_ACCESS = 'sk-user-own-no-access-2222';
    await byok(limited.id, LIMITED);
    await byok(noAccess.id, NO_ACCESS);
    await env.t.app.routing.reload();
    const authOf = (i: number) => String(env.up.requests[i]?.headers.authorization ?? '');

    // One caller's own account is rate limited for 10 minutes: their key cools down (scope key).
    env.up.script([{ path: '/chat/completions', status: 429, headers: { 'retry-after': '600' } }]);
    expect((await chat('up-openai/big-test', limited.key)).status).not.toBe(200);
    // The other's key may not use big-test: that key × model cools down for an hour (scope key-model).
    env.up.script([
      {
        path: '/chat/completions',
        status: 404,
        body: {
          error: {
            message: 'The model `big-test` does not exist or you do not have access to it.',
            type: 'invalid_request_error',
            code: 'model_not_found',
          },
        },
      },
    ]);
    expect((await chat('up-openai/big-test', noAccess.key)).status).not.toBe(200);
    // Both are turned away without a call upstream while they cool down.
    env.up.reset();
    expect((await chat('up-openai/big-test', limited.key)).status).not.toBe(200);
    expect((await chat('up-openai/big-test', noAccess.key)).status).not.toBe(200);
    expect(env.up.requests).toHaveLength(0);

    // The provider's own state is healthy (callers' keys are not shown one by one), but the count is there.
    const shown = (await env.t.http.get('/api/v1/llm/providers').set(as(viewer))).body.data.find(
      (p: ShownProvider) => p.id === env.ids.openai,
    ) as ShownProvider & { health: { callerKeyCooldowns: number } };
    expect(shown.health).toMatchObject({ status: 'healthy', cooldowns: [], callerKeyCooldowns: 2 });
    expect(JSON.stringify(shown)).not.toContain(LIMITED);

    const reset = await env.t.http
      .post(`/api/v1/llm/providers/${env.ids.openai}/reset`)
      .set(as(admin))
      .send({});
    expect(reset.status).toBe(200);
    expect(reset.body).toMatchObject({ callerKeyCooldowns: 0 });
    const audit = await prisma.auditLog.findFirst({
      where: { action: 'provider.reset', entityId: env.ids.openai },
      orderBy: { createdAt: 'desc' },
    });
    expect(audit?.before).toMatchObject({ callerKeyCooldowns: 2 });

    // The operator's "try it again now": both callers' own keys are called again.
    const again1 = await chat('up-openai/big-test', limited.key);
    expect(again1.status).toBe(200);
    expect(authOf(0)).toBe(`Bearer ${LIMITED}`);
    const again2 = await chat('up-openai/big-test', noAccess.key);
    expect(again2.status).toBe(200);
    expect(authOf(1)).toBe(`Bearer ${NO_ACCESS}`);

    // A reset of one model ends that model's key × model cooldowns only; a key's own cooldown is not the model's.
    const big = await prisma.model.findFirstOrThrow({
      where: { providerId: env.ids.openai, modelId: 'big-test' },
    });
    env.up.script([
      { path: '/chat/completions', status: 429, headers: { 'retry-after': '600' } },
      {
        path: '/chat/completions',
        status: 404,
        body: { error: { message: 'The model `big-test` does not exist', code: 'model_not_found' } },
      },
    ]);
    await chat('up-openai/big-test', limited.key);
    await chat('up-openai/big-test', noAccess.key);
    const modelReset = await env.t.http
      .post(`/api/v1/llm/providers/${env.ids.openai}/reset`)
      .set(as(admin))
      .send({ modelId: big.id });
    expect(modelReset.body).toMatchObject({ callerKeyCooldowns: 1 });
    env.up.reset();
    expect((await chat('up-openai/big-test', noAccess.key)).status).toBe(200);
    expect(authOf(0)).toBe(`Bearer ${NO_ACCESS}`);
    expect((await chat('up-openai/big-test', limited.key)).status).not.toBe(200);
    expect(env.up.requests).toHaveLength(1);

    await env.t.http.post(`/api/v1/llm/providers/${env.ids.openai}/reset`).set(as(admin)).send({});
    await prisma.byokKey.deleteMany({ where: { providerId: env.ids.openai } });
    await env.t.app.routing.reload();
  });

  it("a reset of a model with a key of its own ends that key's cooldown: calls to the model are made again", async () => {
    env.up.reset();
    const superAdmin = await env.t.tokenFor('seed_admin');
    const MODEL_KEY = 'sk-model-own-key-rejected-3333';
    const big = await env.t.app.ctx.prisma.model.findFirstOrThrow({
      where: { providerId: env.ids.openai, modelId: 'big-test' },
    });
    const put = await env.t.http
      .put(`/api/v1/llm/models/${big.id}`)
      .set(as(superAdmin))
      .send({ auth: { apiKey: MODEL_KEY } });
    expect(put.status).toBe(200);
    await env.t.app.routing.reload();
    // The model's own key is rejected: it cools down, and calls to the model stop.
    env.up.script([{ path: '/chat/completions', status: 401 }]);
    expect((await chat('up-openai/big-test')).status).not.toBe(200);
    env.up.reset();
    expect((await chat('up-openai/big-test')).status).not.toBe(200);
    expect(env.up.requests).toHaveLength(0);

    const reset = await env.t.http
      .post(`/api/v1/llm/providers/${env.ids.openai}/reset`)
      .set(as(admin))
      .send({ modelId: big.id });
    expect(reset.status).toBe(200);
    expect((await chat('up-openai/big-test')).status).toBe(200);
    expect(env.up.requests[0]?.headers.authorization).toBe(`Bearer ${MODEL_KEY}`);

    await env.t.http.put(`/api/v1/llm/models/${big.id}`).set(as(superAdmin)).send({ auth: null });
    await env.t.app.routing.reload();
  });

  it('shows rate-limit headroom from the limiter, and a reset gives it back', async () => {
    const put = await env.t.http
      .put(`/api/v1/llm/providers/${env.ids.backup}`)
      .set(as(admin))
      .send({ rateLimitBuckets: [{ name: 'rpm', unit: 'requests', limit: 5, window: { unit: 'hour' } }] });
    expect(put.status).toBe(200);
    // The change reaches the router through the config bus; wait for it (and an hour window: no boundary in between).
    await env.t.app.routing.reload();
    expect((await chat('up-backup/gpt-test')).status).toBe(200);
    expect((await chat('up-backup/gpt-test')).status).toBe(200);
    const detail = await env.t.http.get(`/api/v1/llm/providers/${env.ids.backup}/health`).set(as(viewer));
    expect(detail.body.headroom).toEqual([
      expect.objectContaining({
        bucket: 'rpm',
        unit: 'requests',
        limit: 5,
        used: 2,
        remaining: 3,
        models: 'all',
      }),
    ]);
    const reset = await env.t.http
      .post(`/api/v1/llm/providers/${env.ids.backup}/reset`)
      .set(as(admin))
      .send({});
    expect(reset.body.headroom[0]).toMatchObject({ used: 0, remaining: 5 });
  });

  it('health checks: off by default for a paid provider, on for the mock; a check records latency, a failing one the error', async () => {
    const before = await provider(env.ids.anthropic);
    expect(before.health.check).toMatchObject({ enabled: false, isDefault: true });
    const mock = (await env.t.http.get('/api/v1/llm/providers').set(as(viewer))).body.data.find(
      (p: ShownProvider) => p.slug === 'mock',
    ) as ShownProvider;
    expect(mock.health.check).toMatchObject({ enabled: true, isDefault: true });

    const on = await env.t.http
      .put(`/api/v1/llm/providers/${env.ids.anthropic}`)
      .set(as(admin))
      .send({ config: { healthCheck: { enabled: true, intervalSec: 30, probe: 'models' } } });
    expect(on.status).toBe(200);
    expect(on.body.health.check).toMatchObject({
      enabled: true,
      intervalSec: 30,
      probe: 'models',
      isDefault: false,
    });

    const ok = await env.t.http
      .post(`/api/v1/llm/providers/${env.ids.anthropic}/health/check`)
      .set(as(admin));
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ status: 'healthy', lastCheckOk: true });
    expect(ok.body.history).toEqual([expect.objectContaining({ ok: true, probe: 'models' })]);
    expect(typeof ok.body.lastLatencyMs).toBe('number');

    env.up.script([{ path: '/models', status: 503, body: { error: { message: 'maintenance window' } } }]);
    const bad = await env.t.http
      .post(`/api/v1/llm/providers/${env.ids.anthropic}/health/check`)
      .set(as(admin));
    expect(bad.body).toMatchObject({
      status: 'down',
      lastCheckOk: false,
      lastError: { source: 'probe', status: 503 },
    });
    expect(bad.body.lastError.message).toContain('maintenance window');
    expect(bad.body.history.map((h: { ok: boolean }) => h.ok)).toEqual([false, true]);
    // A viewer may look but not run a check.
    const denied = await env.t.http
      .post(`/api/v1/llm/providers/${env.ids.anthropic}/health/check`)
      .set(as(viewer));
    expect(denied.status).toBe(403);
  });

  it('a chat probe sends a one-token call to the chosen model', async () => {
    await env.t.http
      .put(`/api/v1/llm/providers/${env.ids.anthropic}`)
      .set(as(admin))
      .send({
        config: { healthCheck: { enabled: true, intervalSec: 30, probe: 'chat', model: 'claude-test' } },
      });
    const seen = env.up.requests.length;
    const res = await env.t.http
      .post(`/api/v1/llm/providers/${env.ids.anthropic}/health/check`)
      .set(as(admin));
    expect(res.body).toMatchObject({ status: 'healthy', lastCheckOk: true });
    const sent = env.up.requests.slice(seen).find((r) => r.path === '/v1/messages');
    expect(sent?.body).toMatchObject({ model: 'claude-test', max_tokens: 1 });
  });

  it("a failed chat probe records the model it called, called with the provider's own key", async () => {
    await env.t.http
      .put(`/api/v1/llm/providers/${env.ids.anthropic}`)
      .set(as(admin))
      .send({
        config: { healthCheck: { enabled: true, intervalSec: 30, probe: 'chat', model: 'claude-test' } },
      });
    const seen = env.up.requests.length;
    env.up.script([{ path: '/v1/messages', status: 503, body: { error: { message: 'overloaded now' } } }]);
    const res = await env.t.http
      .post(`/api/v1/llm/providers/${env.ids.anthropic}/health/check`)
      .set(as(admin));
    expect(res.body).toMatchObject({
      lastCheckOk: false,
      lastError: { source: 'probe', status: 503, model: 'claude-test' },
    });
    const sent = env.up.requests.slice(seen).find((r) => r.path === '/v1/messages');
    expect(sent?.headers['x-api-key']).toBe(ANTHROPIC_UPSTREAM_KEY);
    // A models-listing check calls no model: its failure names none.
    await env.t.http
      .put(`/api/v1/llm/providers/${env.ids.anthropic}`)
      .set(as(admin))
      .send({ config: { healthCheck: { enabled: true, intervalSec: 30, probe: 'models' } } });
    env.up.script([{ path: '/models', status: 503, body: { error: { message: 'maintenance window' } } }]);
    const listing = await env.t.http
      .post(`/api/v1/llm/providers/${env.ids.anthropic}/health/check`)
      .set(as(admin));
    expect(listing.body.lastError).toMatchObject({ source: 'probe', status: 503, model: null });
  });

  it('the scheduler runs due checks once per interval (the state-store lock)', async () => {
    const ran = await env.t.app.healthChecks.runDue();
    expect(ran).toBeGreaterThanOrEqual(2); // the mock (default on) and the provider turned on above
    expect(await env.t.app.healthChecks.runDue()).toBe(0);
    expect(await env.t.app.routing.store.tryLock(`health:${env.ids.anthropic}`, 1000)).toBe(false);
  });

  it('keeps the last 50 checks', async () => {
    await env.t.http
      .put(`/api/v1/llm/providers/${env.ids.anthropic}`)
      .set(as(admin))
      .send({ config: { healthCheck: { enabled: true, intervalSec: 30, probe: 'models' } } });
    for (let i = 0; i < 52; i++) await env.t.app.health.check(env.ids.anthropic);
    const n = await env.t.app.ctx.prisma.providerProbe.count({ where: { providerId: env.ids.anthropic } });
    expect(n).toBe(50);
  }, 60_000);

  it('bad health-check settings and reset bodies are a 400 naming the field, never a 5xx', async () => {
    const bad = await env.t.http
      .put(`/api/v1/llm/providers/${env.ids.backup}`)
      .set(as(admin))
      .send({ config: { healthCheck: { enabled: true, intervalSec: 1 } } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain('config.healthCheck.intervalSec');
    const anyJson = fc.jsonValue({ maxDepth: 3 });
    const checkLike = fc.oneof(
      anyJson,
      fc.record(
        {
          enabled: fc.oneof(fc.boolean(), anyJson),
          intervalSec: fc.oneof(fc.integer({ min: -10, max: 100_000 }), fc.double(), anyJson),
          probe: fc.oneof(fc.constantFrom('models', 'chat', 'ping'), anyJson),
          model: fc.oneof(fc.string({ maxLength: 300 }), anyJson),
        },
        { requiredKeys: [] },
      ),
    );
    await fc.assert(
      fc.asyncProperty(
        checkLike,
        fc.oneof(anyJson, fc.record({ modelId: fc.oneof(fc.string(), anyJson) })),
        async (healthCheck, body) => {
          const put = await env.t.http
            .put(`/api/v1/llm/providers/${env.ids.backup}`)
            .set(as(admin))
            .send({ config: { healthCheck } });
          expect(put.status).toBeLessThan(500);
          const reset = await env.t.http
            .post(`/api/v1/llm/providers/${env.ids.backup}/reset`)
            .set(as(admin))
            .send(body === null || typeof body !== 'object' ? [body] : (body as object));
          expect(reset.status).toBeLessThan(500);
        },
      ),
      { numRuns: 40 },
    );
  }, 60_000);
});

describe('background health checks', () => {
  it('the timer checks due providers on its own (the mock, on by default) and stops when the app closes', async () => {
    const t = await createTestApp({ env: { HEALTH_CHECK_TICK_MS: '50' } });
    const mock = await t.app.ctx.prisma.provider.findUniqueOrThrow({ where: { slug: 'mock' } });
    const count = () => t.app.ctx.prisma.providerProbe.count({ where: { providerId: mock.id } });
    await eventually(async () => expect(await count()).toBe(1), 5000);
    const row = await t.app.ctx.prisma.providerHealth.findUniqueOrThrow({ where: { providerId: mock.id } });
    expect(row.lastCheckOk).toBe(true);
    // Due again only after its interval (60 s): further ticks do not check it again.
    await new Promise((r) => setTimeout(r, 300));
    expect(await count()).toBe(1);
    await t.app.healthChecks.close();
    await t.close();
  });
});
