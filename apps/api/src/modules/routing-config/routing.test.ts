import { modelTarget } from '@switchyard/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProxyEnv, type ProxyEnv } from '../../test/proxy-env.js';

let e: ProxyEnv;
let superAdmin: string;
let admin: string;
let viewer: string;
let user: string;
const as = (token: string) => ({ authorization: `Bearer ${token}` });
const chat = (model: string, key = e.userKey) =>
  fetch(`${e.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model, messages: [{ role: 'user', content: 'hi' }] }),
  });

beforeAll(async () => {
  e = await createProxyEnv();
  superAdmin = await e.t.tokenFor('seed_admin');
  admin = await e.t.tokenFor('admin');
  viewer = await e.t.tokenFor('viewer');
  user = await e.t.tokenFor('user');
});
afterAll(async () => {
  await e?.close();
});

describe('routing rules', () => {
  it('reads the strategy with what each one does; only a super admin changes it, and it takes effect at once', async () => {
    const rules = await e.t.http.get('/api/v1/llm/routing/rules').set(as(viewer));
    expect(rules.status).toBe(200);
    expect(Object.keys(rules.body.strategies)).toEqual(['cost', 'balanced', 'quality']);
    const denied = await e.t.http
      .put('/api/v1/llm/routing/rules')
      .set(as(admin))
      .send({ strategy: rules.body.strategy === 'cost' ? 'quality' : 'cost' });
    expect(denied.status).toBe(403);
    const ok = await e.t.http
      .put('/api/v1/llm/routing/rules')
      .set(as(superAdmin))
      .send({ strategy: 'cost', maxAttempts: 4, policyFallback: true });
    expect(ok.body).toMatchObject({ strategy: 'cost', maxAttempts: 4, policyFallback: true });
    expect(e.t.app.routing.routingConfig).toMatchObject({
      strategy: 'cost',
      maxAttempts: 4,
      policyFallback: true,
    });
    // An admin may change the attempt cap without touching the strategy.
    expect(
      (
        await e.t.http
          .put('/api/v1/llm/routing/rules')
          .set(as(admin))
          .send({ strategy: 'cost', maxAttempts: 3 })
      ).status,
    ).toBe(200);
    expect(
      (await e.t.http.put('/api/v1/llm/routing/rules').set(as(superAdmin)).send({ strategy: 'fastest' })).body
        .error.message,
    ).toMatch(/^strategy:/);
    expect(
      (await e.t.http.put('/api/v1/llm/routing/rules').set(as(viewer)).send({ strategy: 'cost' })).status,
    ).toBe(403);
  });

  it('retries and the circuit breaker are settings: defaults 2 / 5 / 30 s, validated ranges, and the proxy uses them', async () => {
    const put = (b: Record<string, unknown>) =>
      e.t.http
        .put('/api/v1/llm/routing/rules')
        .set(as(admin))
        .send({ strategy: 'cost', ...b });
    expect((await e.t.http.get('/api/v1/llm/routing/rules').set(as(viewer))).body).toMatchObject({
      maxRetries: 2,
      circuitFailureThreshold: 5,
      circuitOpenMs: 30_000,
    });
    for (const [field, bad] of [
      ['maxRetries', 6],
      ['maxRetries', -1],
      ['maxRetries', 1.5],
      ['circuitFailureThreshold', 0],
      ['circuitOpenMs', 10],
      ['circuitOpenMs', 'x'],
    ] as const) {
      const r = await put({ [field]: bad });
      expect(r.status).toBe(400);
      expect(r.body.error.message).toMatch(new RegExp(`^${field}:`));
    }
    const ok = await put({ maxRetries: 0, circuitFailureThreshold: 1, circuitOpenMs: 60_000 });
    expect(ok.body).toMatchObject({ maxRetries: 0, circuitFailureThreshold: 1, circuitOpenMs: 60_000 });
    expect(e.t.app.routing.routingConfig).toMatchObject({
      maxRetries: 0,
      circuit: { failureThreshold: 1, openMs: 60_000 },
    });
    // No retry on a 500, and one final failure opens the circuit: the next request goes straight to the backup.
    const { prisma } = e.t.app.ctx;
    await prisma.provider.update({
      where: { id: e.ids.openai },
      data: { baseUrl: `${e.up.url}/primary/v1` },
    });
    await e.t.app.routing.reload();
    e.up.reset();
    e.up.script([
      { path: '/primary/', status: 500 },
      { path: '/primary/', status: 500 },
    ]);
    const first = await chat('gpt-test');
    expect(first.status).toBe(200);
    expect(first.headers.get('x-switchyard-provider')).toBe('up-backup');
    expect(e.up.requests.filter((r) => r.path.startsWith('/primary/'))).toHaveLength(1);
    e.up.reset();
    expect((await chat('gpt-test')).headers.get('x-switchyard-provider')).toBe('up-backup');
    expect(e.up.requests).toHaveLength(1);
    await put({ maxRetries: 2, circuitFailureThreshold: 5, circuitOpenMs: 30_000 });
    // Close the circuit again for the tests that follow.
    const m = await prisma.model.findFirstOrThrow({
      where: { providerId: e.ids.openai, modelId: 'gpt-test' },
    });
    e.t.app.routing.store.apply([
      { type: 'circuit', target: modelTarget(e.ids.openai, m.id), change: { kind: 'success' } },
    ]);
    await prisma.provider.update({ where: { id: e.ids.openai }, data: { baseUrl: `${e.up.url}/v1` } });
    await e.t.app.routing.reload();
  });
});

describe('cooldown timings and the default model (routing settings)', () => {
  const put = (b: Record<string, unknown>) =>
    e.t.http
      .put('/api/v1/llm/routing/rules')
      .set(as(admin))
      .send({ strategy: 'cost', ...b });

  it('cooldowns: defaults as before, validated, and a 429 cools down for the stored time', async () => {
    expect((await e.t.http.get('/api/v1/llm/routing/rules').set(as(viewer))).body).toMatchObject({
      rateLimitCooldownMs: 30_000,
      billingCooldownMs: 3_600_000,
      authCooldownMs: 300_000,
      modelNotFoundCooldownMs: 3_600_000,
      defaultModel: null,
    });
    for (const [field, bad] of [
      ['rateLimitCooldownMs', -1],
      ['billingCooldownMs', 86_400_001],
      ['authCooldownMs', 2.5],
    ] as const) {
      const r = await put({ [field]: bad });
      expect(r.status).toBe(400);
      expect(r.body.error.message).toMatch(new RegExp(`^${field}:`));
    }
    expect((await put({ rateLimitCooldownMs: 120_000 })).body.rateLimitCooldownMs).toBe(120_000);
    const { prisma } = e.t.app.ctx;
    const m = await prisma.model.findFirstOrThrow({
      where: { providerId: e.ids.openai, modelId: 'gpt-test' },
    });
    e.up.reset();
    e.up.script([{ status: 429 }]);
    const before = Date.now();
    expect((await chat('gpt-test')).headers.get('x-switchyard-provider')).toBe('up-backup');
    const until = e.t.app.routing.store.view().cooldownUntil(modelTarget(e.ids.openai, m.id));
    expect(until - before).toBeGreaterThanOrEqual(119_000);
    expect(until - before).toBeLessThan(125_000);
    const audit = await prisma.auditLog.findFirstOrThrow({
      where: { action: 'routing.rules' },
      orderBy: { createdAt: 'desc' },
    });
    expect(audit.after).toMatchObject({ rateLimitCooldownMs: 120_000 });
    await put({ rateLimitCooldownMs: 30_000 });
    await e.t.app.routing.resetState(e.ids.openai, null);
  });

  it('default model: used for a request without a model or with "default", shown in the trace; unset = the old error', async () => {
    const noModel = () =>
      fetch(`${e.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${e.userKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ messages: [{ role: 'user', content: 'hi' }] }),
      });
    const unset = await noModel();
    expect(unset.status).toBe(400);
    expect(((await unset.json()) as { error: { message: string } }).error.message).toMatch(
      /"model" is required/,
    );
    expect((await put({ defaultModel: 'nope/missing' })).status).toBe(400);
    expect((await put({ defaultModel: 'default' })).status).toBe(400);
    expect((await put({ defaultModel: 'up-backup/gpt-test' })).body.defaultModel).toBe('up-backup/gpt-test');
    const res = await noModel();
    expect(res.status).toBe(200);
    expect(res.headers.get('x-switchyard-provider')).toBe('up-backup');
    expect((await chat('default')).headers.get('x-switchyard-provider')).toBe('up-backup');
    const trace = await e.t.http.post('/api/v1/llm/routing/trace').set(as(admin)).send({ model: 'default' });
    expect(trace.body.trace).toMatchObject({ requested: 'default', defaultModel: 'up-backup/gpt-test' });
    // A power level is a valid default too; null clears it.
    expect((await put({ defaultModel: 'eco' })).status).toBe(200);
    expect((await put({ defaultModel: null })).body.defaultModel).toBeNull();
    expect((await chat('default')).status).toBe(404);
  });

  it("the Models page's global default is the routing settings' default model: marking one sets it, setting it moves the marker", async () => {
    const { prisma } = e.t.app.ctx;
    const global = (slug: string, modelId: string) =>
      prisma.model.findFirstOrThrow({ where: { modelId, provider: { slug }, scope: 'global' } });
    const claude = (await global('up-anthropic', 'claude-test')).id;
    const rules = async () =>
      (await e.t.http.get('/api/v1/llm/routing/rules').set(as(admin))).body.defaultModel as string | null;
    const provider = async () => (await chat('default')).headers.get('x-switchyard-provider');
    try {
      // Marked on the Models page: requests naming no model (or "default") go there, and the setting says so.
      await e.t.http.post(`/api/v1/llm/models/${claude}/default`).set(as(admin)).expect(200);
      expect(await rules()).toBe('up-anthropic/claude-test');
      expect(await provider()).toBe('up-anthropic');
      const audit = await prisma.auditLog.findFirstOrThrow({
        where: { action: 'routing.rules' },
        orderBy: { createdAt: 'desc' },
      });
      expect(audit.after).toEqual({ defaultModel: 'up-anthropic/claude-test' });
      // The setting changed to another model: the marker moves to it.
      await put({ defaultModel: 'up-backup/gpt-test' });
      expect((await global('up-anthropic', 'claude-test')).isDefault).toBe(false);
      expect((await global('up-backup', 'gpt-test')).isDefault).toBe(true);
      expect(await provider()).toBe('up-backup');
      // To a power level: no model carries the marker.
      await put({ defaultModel: 'eco' });
      expect(await prisma.model.count({ where: { scope: 'global', isDefault: true } })).toBe(0);
      // Unmarking a model that is not the default leaves the setting alone; unmarking the default clears it.
      await e.t.http.post(`/api/v1/llm/models/${claude}/default`).set(as(admin)).expect(200);
      await e.t.http
        .put(`/api/v1/llm/models/${claude}`)
        .set(as(admin))
        .send({ isDefault: false })
        .expect(200);
      expect(await rules()).toBeNull();
      expect((await chat('default')).status).toBe(404);
      // Deleting the marked model clears the setting with it.
      const spare = await e.t.http.post('/api/v1/llm/models').set(as(admin)).send({
        providerId: e.ids.anthropic,
        modelId: 'claude-spare',
        displayName: 'spare',
        scope: 'global',
        isDefault: true,
      });
      expect(spare.status).toBe(201);
      expect(await rules()).toBe('up-anthropic/claude-spare');
      await e.t.http.delete(`/api/v1/llm/models/${spare.body.id}`).set(as(admin)).expect(204);
      expect(await rules()).toBeNull();
      // And in a bulk delete.
      const spare2 = await e.t.http.post('/api/v1/llm/models').set(as(admin)).send({
        providerId: e.ids.anthropic,
        modelId: 'claude-spare-2',
        displayName: 'spare 2',
        scope: 'global',
      });
      await e.t.http.post(`/api/v1/llm/models/${spare2.body.id}/default`).set(as(admin)).expect(200);
      expect(await rules()).toBe('up-anthropic/claude-spare-2');
      await e.t.http
        .post('/api/v1/llm/models/bulk')
        .set(as(admin))
        .send({ action: 'delete', ids: [spare2.body.id] })
        .expect(200);
      expect(await rules()).toBeNull();
    } finally {
      await put({ defaultModel: null });
    }
  });

  it("the Models page's default of a user or organization scope answers its requests naming no model, before the setting", async () => {
    const { prisma } = e.t.app.ctx;
    const claude = (
      await prisma.model.findFirstOrThrow({
        where: { modelId: 'claude-test', provider: { slug: 'up-anthropic' }, scope: 'global' },
      })
    ).id;
    const provider = async () => (await chat('default')).headers.get('x-switchyard-provider');
    await put({ defaultModel: 'up-backup/gpt-test' });
    expect(await provider()).toBe('up-backup');
    // The caller's own (user scope) default comes first.
    const mine = await prisma.model.create({
      data: {
        provider: { connect: { id: e.ids.openai } },
        modelId: 'gpt-test',
        displayName: 'mine',
        scope: `user:${e.ids.user}`,
        owner: { connect: { id: e.ids.user } },
        isDefault: true,
        priceInputPer1M: 1,
        priceOutputPer1M: 1,
      },
    });
    await e.t.app.routing.reload();
    try {
      expect(await provider()).toBe('up-openai');
      // And a body with no model at all is no longer a 400 for this caller once the setting is cleared.
      await put({ defaultModel: null });
      const none = await fetch(`${e.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${e.userKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ messages: [{ role: 'user', content: 'hi' }] }),
      });
      expect([none.status, none.headers.get('x-switchyard-provider')]).toEqual([200, 'up-openai']);
    } finally {
      await prisma.model.delete({ where: { id: mine.id } });
      await e.t.http
        .put(`/api/v1/llm/models/${claude}`)
        .set(as(admin))
        .send({ isDefault: false })
        .expect(200);
      await put({ defaultModel: null });
      await e.t.app.routing.reload();
    }
    expect((await chat('default')).status).toBe(404);
  });
});

describe('power levels', () => {
  it('lists each level with the models it routes to now and their real prices; an explicit model list changes that', async () => {
    const res = await e.t.http.get('/api/v1/llm/routing/power-levels').set(as(viewer));
    expect(res.status).toBe(200);
    const slugs = res.body.data.map((l: { slug: string }) => l.slug);
    expect(slugs).toEqual(expect.arrayContaining(['eco', 'balanced', 'precision']));
    const upd = await e.t.http
      .put('/api/v1/llm/routing/power-levels/precision')
      .set(as(admin))
      .send({ modelRefs: ['up-anthropic/claude-test', 'up-openai/big-test'] });
    expect(upd.status).toBe(200);
    expect(upd.body.models.slice(0, 2).map((m: { ref: string }) => m.ref)).toEqual([
      'up-anthropic/claude-test',
      'up-openai/big-test',
    ]);
    expect(upd.body.models[0]).toMatchObject({ priceInputPer1M: 3, priceOutputPer1M: 15 });
    expect(upd.body.price.inputPer1M).toEqual({ min: 3, max: 5 });
    const bad = await e.t.http
      .put('/api/v1/llm/routing/power-levels/precision')
      .set(as(admin))
      .send({ modelRefs: ['nowhere/nothing'] });
    expect([bad.status, bad.body.error.message]).toEqual([
      400,
      'modelRefs.0: no model "nowhere/nothing" in the registry',
    ]);
    expect(
      (await e.t.http.put('/api/v1/llm/routing/power-levels/ultra').set(as(admin)).send({ enabled: false }))
        .status,
    ).toBe(404);
  });

  it('a disabled level does not route: the proxy names it, /v1/models leaves it out; enabled again it routes', async () => {
    const listed = async () =>
      (
        (await (
          await fetch(`${e.url}/v1/models`, { headers: { authorization: `Bearer ${e.userKey}` } })
        ).json()) as { data: { id: string }[] }
      ).data.map((m) => m.id);
    expect((await chat('eco')).status).toBe(200);
    await e.t.http
      .put('/api/v1/llm/routing/power-levels/eco')
      .set(as(admin))
      .send({ enabled: false })
      .expect(200);
    try {
      const refused = await chat('eco');
      expect(refused.status).toBe(404);
      expect(((await refused.json()) as { error: { message: string } }).error.message).toBe(
        'The power level "eco" is disabled: it does not route until an admin enables it.',
      );
      expect(await listed()).not.toContain('eco');
      // Other levels go on routing.
      expect((await chat('balanced')).status).toBe(200);
    } finally {
      await e.t.http
        .put('/api/v1/llm/routing/power-levels/eco')
        .set(as(admin))
        .send({ enabled: true })
        .expect(200);
    }
    expect((await chat('eco')).status).toBe(200);
    expect(await listed()).toContain('eco');
  });
});

describe('aliases', () => {
  let id: string;
  it('creates an alias that the proxy routes at once; a duplicate name is a 409; unknown targets are a 400 naming the field', async () => {
    const res = await e.t.http
      .post('/api/v1/llm/routing/aliases')
      .set(as(admin))
      .send({
        name: 'team-chat',
        strategy: 'ordered',
        targets: [{ ref: 'up-backup/gpt-test' }, { ref: 'up-openai/gpt-test' }],
        fallbacks: ['up-anthropic/claude-test'],
      });
    expect(res.status).toBe(201);
    id = res.body.id;
    expect(res.body).toMatchObject({
      scope: 'global',
      orgId: null,
      targets: [
        { ref: 'up-backup/gpt-test', weight: 1 },
        { ref: 'up-openai/gpt-test', weight: 1 },
      ],
    });
    const r = await chat('team-chat');
    expect(r.status).toBe(200);
    expect(r.headers.get('x-switchyard-provider')).toBe('up-backup');
    expect(
      (
        await e.t.http
          .post('/api/v1/llm/routing/aliases')
          .set(as(admin))
          .send({ name: 'team-chat', targets: [{ ref: 'up-openai/gpt-test' }] })
      ).status,
    ).toBe(409);
    const bad = await e.t.http
      .post('/api/v1/llm/routing/aliases')
      .set(as(admin))
      .send({ name: 'x2', targets: [{ ref: 'up-openai/gpt-test' }, { ref: 'ghost/model' }] });
    expect([bad.status, bad.body.error.message]).toEqual([
      400,
      'targets.1.ref: no model "ghost/model" in the registry',
    ]);
    expect(
      (await e.t.http.get('/api/v1/llm/routing/aliases').set(as(viewer))).body.data.map(
        (a: { name: string }) => a.name,
      ),
    ).toContain('team-chat');
  });

  it('edits and deletes an alias; an org alias needs a real org and is listed with its scope', async () => {
    const upd = await e.t.http
      .put(`/api/v1/llm/routing/aliases/${id}`)
      .set(as(admin))
      .send({ targets: [{ ref: 'up-openai/gpt-test' }] });
    expect(upd.body.targets).toEqual([{ ref: 'up-openai/gpt-test', weight: 1 }]);
    expect((await chat('team-chat')).headers.get('x-switchyard-provider')).toBe('up-openai');
    expect(
      (
        await e.t.http
          .post('/api/v1/llm/routing/aliases')
          .set(as(admin))
          .send({ name: 'org-only', orgId: 'ghost', targets: [{ ref: 'up-openai/gpt-test' }] })
      ).body.error.message,
    ).toBe('orgId: no organization with that id');
    const org = await e.t.app.ctx.prisma.organization.create({
      data: { name: 'Acme', slug: 'acme-routing' },
    });
    const orgAlias = await e.t.http
      .post('/api/v1/llm/routing/aliases')
      .set(as(admin))
      .send({ name: 'team-chat', orgId: org.id, targets: [{ ref: 'up-anthropic/claude-test' }] });
    expect(orgAlias.body).toMatchObject({ scope: `org:${org.id}`, orgId: org.id });
    const scoped = await e.t.http
      .get('/api/v1/llm/routing/aliases')
      .query({ scope: `org:${org.id}` })
      .set(as(viewer));
    expect(scoped.body.data).toEqual([expect.objectContaining({ name: 'team-chat', orgName: 'Acme' })]);
    expect((await e.t.http.delete(`/api/v1/llm/routing/aliases/${id}`).set(as(admin))).status).toBe(204);
    expect((await e.t.http.delete(`/api/v1/llm/routing/aliases/${id}`).set(as(admin))).status).toBe(404);
    expect((await chat('team-chat')).status).toBe(404);
    expect(
      (
        await e.t.http
          .post('/api/v1/llm/routing/aliases')
          .set(as(user))
          .send({ name: 'mine', targets: [{ ref: 'up-openai/gpt-test' }] })
      ).status,
    ).toBe(403);
  });
});

describe('fallback chains', () => {
  it('an ordered chain is used when the model fails; reordering changes the next hop; one chain per model', async () => {
    const c = await e.t.http
      .post('/api/v1/llm/routing/chains')
      .set(as(admin))
      .send({ modelRef: 'up-openai/big-test', targets: ['up-backup/gpt-test', 'up-anthropic/claude-test'] });
    expect(c.status).toBe(201);
    expect(
      (
        await e.t.http
          .post('/api/v1/llm/routing/chains')
          .set(as(admin))
          .send({ modelRef: 'up-openai/big-test', targets: ['up-backup/gpt-test'] })
      ).status,
    ).toBe(409);
    e.up.script({
      path: '/v1/chat/completions',
      status: 404,
      body: { error: { message: 'The model big-test does not exist', code: 'model_not_found' } },
    });
    const r1 = await chat('up-openai/big-test');
    expect([r1.status, r1.headers.get('x-switchyard-provider')]).toEqual([200, 'up-backup']);
    const re = await e.t.http
      .put(`/api/v1/llm/routing/chains/${c.body.id}`)
      .set(as(admin))
      .send({ modelRef: 'up-openai/big-test', targets: ['up-anthropic/claude-test', 'up-backup/gpt-test'] });
    expect(re.body.targets).toEqual(['up-anthropic/claude-test', 'up-backup/gpt-test']);
    e.up.script({
      path: '/v1/chat/completions',
      status: 404,
      body: { error: { message: 'The model big-test does not exist', code: 'model_not_found' } },
    });
    const r2 = await chat('up-openai/big-test');
    expect([r2.status, r2.headers.get('x-switchyard-provider')]).toEqual([200, 'up-anthropic']);
    expect(
      (
        await e.t.http
          .post('/api/v1/llm/routing/chains')
          .set(as(admin))
          .send({ modelRef: 'up-openai/gpt-test', targets: ['up-openai/gpt-test'] })
      ).body.error.message,
    ).toMatch(/^targets:/);
    expect((await e.t.http.get('/api/v1/llm/routing/chains').set(as(viewer))).body.data).toHaveLength(1);
    expect((await e.t.http.delete(`/api/v1/llm/routing/chains/${c.body.id}`).set(as(admin))).status).toBe(
      204,
    );
    expect(
      (
        await e.t.http
          .put(`/api/v1/llm/routing/chains/${c.body.id}`)
          .set(as(admin))
          .send({ modelRef: 'up-openai/big-test', targets: ['up-backup/gpt-test'] })
      ).status,
    ).toBe(404);
  });
});

describe('trace (dry run)', () => {
  it('returns the full resolver trace and the chosen model without calling a provider or moving any counter', async () => {
    const before = e.up.requests.length;
    const res = await e.t.http
      .post('/api/v1/llm/routing/trace')
      .set(as(viewer))
      .send({ model: 'gpt-test', messages: [{ role: 'user', content: 'hello there' }], max_tokens: 50 });
    expect(res.status).toBe(200);
    expect(res.body.ok).toBe(true);
    expect(res.body.chosen).toMatchObject({ modelId: 'gpt-test' });
    expect(res.body.trace.lookup.kind).toBe('bare');
    expect(res.body.trace.candidates.length).toBeGreaterThanOrEqual(2);
    expect(res.body.request.maxTokens).toBe(50);
    expect(res.body.request.promptTokens).toBeGreaterThan(0);
    expect(e.up.requests.length).toBe(before);
  });

  it('shows why candidates were skipped: a disabled provider, a model the key may not use', async () => {
    await e.t.http.put(`/api/v1/llm/providers/${e.ids.backup}`).set(as(admin)).send({ status: 'disabled' });
    const res = await e.t.http.post('/api/v1/llm/routing/trace').set(as(admin)).send({ model: 'gpt-test' });
    const backup = res.body.trace.candidates.find((c: { ref: string }) => c.ref === 'up-backup/gpt-test');
    expect(backup).toMatchObject({ kept: false });
    expect(res.body.chosen.ref).toBe('up-openai/gpt-test');
    await e.t.http.put(`/api/v1/llm/providers/${e.ids.backup}`).set(as(admin)).send({ status: 'active' });
    const key = await e.t.app.ctx.prisma.gatewayKey.findFirstOrThrow({ where: { userId: e.ids.user } });
    await e.t.app.ctx.prisma.gatewayKey.update({
      where: { id: key.id },
      data: { allowedModels: ['claude-test'] },
    });
    await e.t.app.routing.reload();
    const denied = await e.t.http
      .post('/api/v1/llm/routing/trace')
      .set(as(admin))
      .send({ model: 'gpt-test', keyId: key.id });
    expect(denied.body).toMatchObject({
      ok: false,
      chosen: null,
      caller: { keyId: key.id, userId: e.ids.user },
    });
    expect(denied.body.error.code).toBe('model_not_allowed');
    await e.t.app.ctx.prisma.gatewayKey.update({ where: { id: key.id }, data: { allowedModels: [] } });
    await e.t.app.routing.reload();
  });

  it('replays a logged request (requestId) as it was sent: its size, needs, max tokens, rule inputs and caller', async () => {
    const { prisma } = e.t.app.ctx;
    const rule = await e.t.http
      .post('/api/v1/llm/rules')
      .set(as(admin))
      .send({
        name: 'Search team to Anthropic',
        when: { headers: [{ name: 'x-team', equals: 'search' }] },
        then: { route: 'up-anthropic/claude-test' },
      })
      .expect(201);
    await e.t.app.routing.reload();
    try {
      const tool = {
        type: 'function',
        function: { name: 'lookup', parameters: { type: 'object', properties: {} } },
      };
      const sent = await fetch(`${e.url}/v1/chat/completions`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${e.userKey}`,
          'content-type': 'application/json',
          'x-team': 'search',
        },
        body: JSON.stringify({
          model: 'gpt-test',
          messages: [{ role: 'user', content: 'find the latest invoice for ACME, please' }],
          tools: [tool],
          max_tokens: 77,
        }),
      });
      expect(sent.status).toBe(200);
      expect(sent.headers.get('x-switchyard-provider')).toBe('up-anthropic');
      await e.flushUsage();
      const requestId = sent.headers.get('x-request-id')!;
      const rec = await prisma.usageRecord.findFirstOrThrow({ where: { requestId } });
      const before = e.up.requests.length;

      const replay = await e.t.http
        .post('/api/v1/llm/routing/trace')
        .set(as(viewer))
        .send({ requestId })
        .expect(200);
      expect(replay.body.request).toEqual({
        requestId,
        model: 'gpt-test',
        endpoint: 'chat',
        promptTokens: rec.tokensIn,
        maxTokens: 77,
        stream: false,
        needs: ['chat', 'tools'],
        headers: { 'x-team': 'search' },
        metadata: {},
        loggedInputs: 'kept',
      });
      expect(replay.body.caller).toMatchObject({ keyId: rec.gatewayKeyId, userId: e.ids.user });
      // The plan the request got.
      expect(replay.body.chosen.ref).toBe('up-anthropic/claude-test');
      expect(replay.body.trace.rule).toMatchObject({ id: rule.body.id });
      expect(e.up.requests.length).toBe(before);

      // What the log's link used to send (model, endpoint, stream, caller): another plan.
      const described = await e.t.http
        .post('/api/v1/llm/routing/trace')
        .set(as(viewer))
        .send({ model: 'gpt-test', endpoint: 'chat', stream: false, keyId: rec.gatewayKeyId })
        .expect(200);
      expect(described.body.chosen.ref).not.toBe('up-anthropic/claude-test');
      expect(described.body.request).toMatchObject({ requestId: null, needs: ['chat'], loggedInputs: null });

      // The body's fields override the logged ones.
      const changed = await e.t.http
        .post('/api/v1/llm/routing/trace')
        .set(as(viewer))
        .send({ requestId, needs: [], maxTokens: null, promptTokens: 5, stream: true })
        .expect(200);
      expect(changed.body.request).toMatchObject({
        needs: ['chat'],
        maxTokens: null,
        promptTokens: 5,
        stream: true,
        headers: { 'x-team': 'search' },
      });

      // As the operator, or as another caller, instead of the logged one.
      const operator = await e.t.http
        .post('/api/v1/llm/routing/trace')
        .set(as(viewer))
        .send({ requestId, asOperator: true })
        .expect(200);
      expect(operator.body.caller).toEqual({ keyId: null, userId: null, orgId: null, powerLevel: null });
      expect(operator.body.request.headers).toEqual({ 'x-team': 'search' });
      const asUser = await e.t.http
        .post('/api/v1/llm/routing/trace')
        .set(as(viewer))
        .send({ requestId, userId: e.ids.user, asOperator: true })
        .expect(200);
      expect(asUser.body.caller).toMatchObject({ keyId: null, userId: e.ids.user });

      await e.t.http
        .post('/api/v1/llm/routing/trace')
        .set(as(viewer))
        .send({ requestId: 'no-such-request' })
        .expect(404);
      expect(
        (await e.t.http.post('/api/v1/llm/routing/trace').set(as(user)).send({ requestId })).status,
      ).toBe(403);
    } finally {
      await e.t.http.delete(`/api/v1/llm/rules/${rule.body.id}`).set(as(admin)).expect(204);
      await e.t.app.routing.reload();
    }
  });

  it('a logged request whose key is revoked now is replayed for its recorded caller, and the trace says so', async () => {
    const created = await e.t.http
      .post('/api/v1/me/keys')
      .set(as(user))
      .send({ name: 'replayed then revoked' })
      .expect(201);
    await e.t.app.routing.reload();
    const sent = await chat('gpt-test', created.body.key);
    expect(sent.status).toBe(200);
    await e.flushUsage();
    const requestId = sent.headers.get('x-request-id')!;
    const live = await e.t.http
      .post('/api/v1/llm/routing/trace')
      .set(as(viewer))
      .send({ requestId })
      .expect(200);
    expect(live.body.caller).toMatchObject({ keyId: created.body.id, userId: expect.any(String) });
    expect(live.body.caller.note).toBeUndefined();

    await e.t.http.post(`/api/v1/keys/${created.body.id}/revoke`).set(as(admin)).expect(200);
    await e.t.app.routing.reload();
    const revoked = await e.t.http
      .post('/api/v1/llm/routing/trace')
      .set(as(viewer))
      .send({ requestId })
      .expect(200);
    // The same caller as recorded: the key, its user, organization and power level.
    expect(revoked.body.caller).toMatchObject(live.body.caller);
    expect(revoked.body.caller.note).toBe(
      'the key that sent it is revoked: planned for its user, organization and app as recorded',
    );
    expect(revoked.body.ok).toBe(true);
    // Planned as the operator: no note (it is not the logged caller).
    const operator = await e.t.http
      .post('/api/v1/llm/routing/trace')
      .set(as(viewer))
      .send({ requestId, asOperator: true })
      .expect(200);
    expect(operator.body.caller.note).toBeUndefined();
  });

  it('an unknown model, key or user is explained; a user may not trace', async () => {
    const unknown = await e.t.http
      .post('/api/v1/llm/routing/trace')
      .set(as(admin))
      .send({ model: 'no-such-model' });
    expect(unknown.body).toMatchObject({ ok: false, error: { code: 'unknown_model' } });
    expect(
      (
        await e.t.http
          .post('/api/v1/llm/routing/trace')
          .set(as(admin))
          .send({ model: 'gpt-test', keyId: 'ghost' })
      ).body.error.message,
    ).toBe('keyId: no gateway key with that id');
    expect(
      (
        await e.t.http
          .post('/api/v1/llm/routing/trace')
          .set(as(admin))
          .send({ model: 'gpt-test', userId: 'ghost' })
      ).body.error.message,
    ).toBe('userId: no user with that id');
    expect(
      (await e.t.http.post('/api/v1/llm/routing/trace').set(as(admin)).send({})).body.error.message,
    ).toMatch(/^model:/);
    expect(
      (await e.t.http.post('/api/v1/llm/routing/trace').set(as(user)).send({ model: 'gpt-test' })).status,
    ).toBe(403);
  });
});
