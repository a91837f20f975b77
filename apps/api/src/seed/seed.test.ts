import { afterEach, describe, expect, it } from 'vitest';
import { verifyPassword } from '../lib/password.js';
import { createTestDatabase, testDbKind, type TestDatabase } from '../test/db.js';
import { PROVIDER_CATALOGUE, resolveCatalogueModels, tierForPrice } from '../providers/model-catalogue.js';
import { seedDatabase } from './seed.js';

async function counts(db: TestDatabase) {
  const p = db.prisma;
  return {
    providers: await p.provider.count(),
    models: await p.model.count(),
    aliases: await p.alias.count(),
    powerLevels: await p.powerLevel.count(),
    routingSettings: await p.routingSettings.count(),
    users: await p.user.count(),
  };
}

describe(`seed (${testDbKind()})`, () => {
  let db: TestDatabase | undefined;
  afterEach(async () => {
    await db?.close();
    db = undefined;
  });

  it('is idempotent and returns the generated admin password exactly once', async () => {
    db = await createTestDatabase();
    const first = await seedDatabase(db.prisma, { adminEmail: 'Admin@Localhost', env: {} });
    expect(first.adminCreated).toBe(true);
    expect(first.generatedPassword).toMatch(/^[A-Za-z0-9_-]{24}$/);
    const after1 = await counts(db);
    expect(first.created).toEqual(after1);
    expect(after1.providers).toBe(16);
    expect(after1.aliases).toBe(1);
    expect(after1.powerLevels).toBe(3);
    expect(after1.routingSettings).toBe(1);
    expect(after1.users).toBe(1);

    const admin = await db.prisma.user.findUniqueOrThrow({ where: { email: 'admin@localhost' } });
    expect(admin.role).toBe('super_admin');
    expect(admin.passwordHash).not.toContain(first.generatedPassword!);
    expect(await verifyPassword(admin.passwordHash!, first.generatedPassword!)).toBe(true);

    const snapshot = await db.prisma.model.findMany({ orderBy: { id: 'asc' } });
    const second = await seedDatabase(db.prisma, { adminEmail: 'admin@localhost', env: {} });
    expect(second.adminCreated).toBe(false);
    expect(second.generatedPassword).toBeUndefined();
    expect(second.created).toEqual({
      providers: 0,
      models: 0,
      aliases: 0,
      powerLevels: 0,
      routingSettings: 0,
      users: 0,
    });
    expect(second.pricesUpdated).toBe(0);
    expect(await counts(db)).toEqual(after1);
    expect(await db.prisma.model.findMany({ orderBy: { id: 'asc' } })).toEqual(snapshot);
  });

  it('uses the given admin password and never creates a second super admin', async () => {
    db = await createTestDatabase();
    const r = await seedDatabase(db.prisma, {
      adminEmail: 'ops@example.com',
      adminPassword: 'correct horse battery',
      env: {},
    });
    expect(r.adminCreated).toBe(true);
    expect(r.generatedPassword).toBeUndefined();
    const admin = await db.prisma.user.findUniqueOrThrow({ where: { email: 'ops@example.com' } });
    expect(await verifyPassword(admin.passwordHash!, 'correct horse battery')).toBe(true);
    // the operator later changes ADMIN_EMAIL: the existing super admin stays the only one
    const again = await seedDatabase(db.prisma, { adminEmail: 'new@example.com', env: {} });
    expect(again.adminCreated).toBe(false);
    expect(await db.prisma.user.count({ where: { role: 'super_admin' } })).toBe(1);
  });

  it('seeds a routable mock setup: active keyless mock, default model, alias, power levels, routing settings', async () => {
    db = await createTestDatabase();
    await seedDatabase(db.prisma, { adminEmail: 'admin@localhost', env: {} });
    const mock = await db.prisma.provider.findUniqueOrThrow({
      where: { slug: 'mock' },
      include: { models: true },
    });
    expect(mock).toMatchObject({
      type: 'mock',
      status: 'active',
      source: 'builtin',
      config: { keyless: true },
    });
    const models = Object.fromEntries(mock.models.map((m) => [m.modelId, m]));
    expect(Object.keys(models).sort()).toEqual(['mock-embed', 'mock-large', 'mock-small']);
    // No model is the gateway-wide default (routing settings' defaultModel, unset) until an admin picks one.
    expect(models['mock-small']).toMatchObject({ qualityTier: 'eco', isDefault: false, enabled: true });
    expect(models['mock-large']).toMatchObject({ qualityTier: 'precision', isDefault: false });
    expect(models['mock-small']!.capabilities).toEqual(
      expect.arrayContaining(['chat', 'tools', 'streaming', 'json']),
    );
    expect(models['mock-embed']!.capabilities).toEqual(['embeddings']);
    for (const m of mock.models) expect(m.priceInputPer1M.greaterThan(0)).toBe(true);
    expect(await db.prisma.model.count({ where: { isDefault: true } })).toBe(0);

    const alias = await db.prisma.alias.findUniqueOrThrow({
      where: { name_scope: { name: 'chat.default', scope: 'global' } },
    });
    expect(alias.targets).toEqual([{ ref: 'mock/mock-small', weight: 1 }]);
    expect(alias.fallbacks).toEqual(['mock/mock-large']);

    const levels = await db.prisma.powerLevel.findMany({ orderBy: { sortOrder: 'asc' } });
    expect(levels.map((l) => [l.slug, l.qualityTier])).toEqual([
      ['eco', 'eco'],
      ['balanced', 'balanced'],
      ['precision', 'precision'],
    ]);
    expect(levels[0]!.modelRefs).toEqual(['mock/mock-small']);
    expect(levels[2]!.modelRefs).toEqual(['mock/mock-large']);

    const routing = await db.prisma.routingSettings.findUniqueOrThrow({ where: { id: 1 } });
    expect(routing).toMatchObject({ strategy: 'balanced', maxAttempts: 3, ollamaBaseUrl: null });
  });

  it('activates catalogue providers only when their env vars are set', async () => {
    db = await createTestDatabase();
    await seedDatabase(db.prisma, {
      adminEmail: 'admin@localhost',
      env: {
        OPENAI_API_KEY: 'sk-test',
        AWS_ACCESS_KEY_ID: 'AKIA',
        OLLAMA_BASE_URL: 'http://ollama.lan:11434/v1',
        AWS_REGION: 'eu-west-1',
      },
    });
    const bySlug = Object.fromEntries((await db.prisma.provider.findMany()).map((p) => [p.slug, p]));
    expect(Object.keys(bySlug).sort()).toEqual(
      [
        'anthropic',
        'azure',
        'bedrock',
        'cohere',
        'custom',
        'deepseek',
        'fireworks',
        'google',
        'groq',
        'huggingface',
        'mistral',
        'mock',
        'ollama',
        'openai',
        'openrouter',
        'together',
      ].sort(),
    );
    expect(bySlug.openai).toMatchObject({
      status: 'active',
      baseUrl: 'https://api.openai.com/v1',
      auth: { apiKey: { _env: 'OPENAI_API_KEY' } },
    });
    expect(bySlug.anthropic).toMatchObject({
      status: 'disabled',
      disabledReason: 'missing_env',
      auth: { apiKey: { _env: 'ANTHROPIC_API_KEY' } },
    });
    // Bedrock needs both AWS keys; the region comes from AWS_REGION
    expect(bySlug.bedrock).toMatchObject({
      status: 'disabled',
      auth: { region: 'eu-west-1', accessKeyId: { _env: 'AWS_ACCESS_KEY_ID' } },
    });
    expect(bySlug.ollama).toMatchObject({ status: 'active', baseUrl: 'http://ollama.lan:11434/v1' });
    expect(bySlug.custom!.status).toBe('disabled');
    expect(bySlug.huggingface).toMatchObject({ auth: { apiKey: { _env: 'HF_TOKEN' } } });
    // no secret values are stored, only references
    expect(JSON.stringify(Object.values(bySlug).map((p) => p.auth))).not.toContain('sk-test');

    // an admin disables OpenAI and the env var for Anthropic appears: restart
    await db.prisma.provider.update({
      where: { slug: 'openai' },
      data: { status: 'disabled', disabledReason: null },
    });
    const r = await seedDatabase(db.prisma, {
      adminEmail: 'admin@localhost',
      env: { OPENAI_API_KEY: 'sk-test', ANTHROPIC_API_KEY: 'sk-ant' },
    });
    expect(r.providersActivated).toBe(1);
    expect((await db.prisma.provider.findUniqueOrThrow({ where: { slug: 'anthropic' } })).status).toBe(
      'active',
    );
    expect((await db.prisma.provider.findUniqueOrThrow({ where: { slug: 'openai' } })).status).toBe(
      'disabled',
    );
  });

  it('refreshes catalogue prices the admin did not edit and keeps the ones they did', async () => {
    db = await createTestDatabase();
    await seedDatabase(db.prisma, { adminEmail: 'admin@localhost', env: {} });
    const openai = await db.prisma.provider.findUniqueOrThrow({ where: { slug: 'openai' } });
    const key = (modelId: string) => ({
      providerId_modelId_scope: { providerId: openai.id, modelId, scope: 'global' },
    });
    const current = await db.prisma.model.findUniqueOrThrow({ where: key('gpt-4o-mini') });

    // an older seed wrote other prices, nobody edited them since
    const old = { input: '9', output: '9', cached: null };
    await db.prisma.model.update({
      where: key('gpt-4o-mini'),
      data: { priceInputPer1M: '9', priceOutputPer1M: '9', priceCachedInputPer1M: null, seededPricing: old },
    });
    // the admin edited this one
    await db.prisma.model.update({
      where: key('gpt-4o'),
      data: { priceInputPer1M: '1.23', displayName: 'Our GPT-4o' },
    });

    const r = await seedDatabase(db.prisma, { adminEmail: 'admin@localhost', env: {} });
    expect(r.pricesUpdated).toBe(1);
    const refreshed = await db.prisma.model.findUniqueOrThrow({ where: key('gpt-4o-mini') });
    expect(refreshed.priceInputPer1M.toString()).toBe(current.priceInputPer1M.toString());
    expect(refreshed.priceOutputPer1M.toString()).toBe(current.priceOutputPer1M.toString());
    const edited = await db.prisma.model.findUniqueOrThrow({ where: key('gpt-4o') });
    expect(edited.priceInputPer1M.toString()).toBe('1.23');
    expect(edited.displayName).toBe('Our GPT-4o');
  });

  it('keeps what the admin edited in alias, power levels and routing settings', async () => {
    db = await createTestDatabase();
    await seedDatabase(db.prisma, { adminEmail: 'admin@localhost', env: {} });
    await db.prisma.alias.update({
      where: { name_scope: { name: 'chat.default', scope: 'global' } },
      data: { targets: [{ ref: 'mock/mock-large', weight: 3 }] },
    });
    await db.prisma.powerLevel.update({ where: { slug: 'eco' }, data: { modelRefs: ['mock/mock-large'] } });
    await db.prisma.routingSettings.update({ where: { id: 1 }, data: { strategy: 'cost' } });

    await seedDatabase(db.prisma, { adminEmail: 'admin@localhost', env: {} });
    const alias = await db.prisma.alias.findUniqueOrThrow({
      where: { name_scope: { name: 'chat.default', scope: 'global' } },
    });
    expect(alias.targets).toEqual([{ ref: 'mock/mock-large', weight: 3 }]);
    expect((await db.prisma.powerLevel.findUniqueOrThrow({ where: { slug: 'eco' } })).modelRefs).toEqual([
      'mock/mock-large',
    ]);
    expect((await db.prisma.routingSettings.findUniqueOrThrow({ where: { id: 1 } })).strategy).toBe('cost');
  });

  it('two concurrent seeds on one database create everything once', async () => {
    db = await createTestDatabase();
    const [a, b] = await Promise.all([
      seedDatabase(db.prisma, { adminEmail: 'admin@localhost', env: {} }),
      seedDatabase(db.prisma, { adminEmail: 'admin@localhost', env: {} }),
    ]);
    expect([a.adminCreated, b.adminCreated].filter(Boolean)).toHaveLength(1);
    expect(a.created.providers + b.created.providers).toBe(16);
    expect(await db.prisma.user.count()).toBe(1);
  });
});

describe('catalogue', () => {
  it('prices the curated models of every priced provider from the package', () => {
    for (const spec of PROVIDER_CATALOGUE) {
      const resolved = resolveCatalogueModels(spec);
      // every curated model has a price (a missing one would silently drop out of the seed)
      expect(
        resolved.map((m) => m.modelId),
        spec.slug,
      ).toEqual(spec.models.map((m) => m.modelId));
      for (const m of resolved) {
        if (spec.slug !== 'ollama') expect(m.priceInputPer1M, `${spec.slug}/${m.modelId}`).toBeGreaterThan(0);
        expect(m.contextWindow, `${spec.slug}/${m.modelId}`).toBeGreaterThan(0);
        expect(['eco', 'balanced', 'precision']).toContain(m.qualityTier);
      }
    }
    const openai = resolveCatalogueModels(PROVIDER_CATALOGUE.find((p) => p.slug === 'openai')!);
    const mini = openai.find((m) => m.modelId === 'gpt-4o-mini')!;
    expect(mini.priceOutputPer1M).toBeGreaterThan(mini.priceInputPer1M);
    expect(mini.qualityTier).toBe('eco');
  });

  it('derives the quality tier from price', () => {
    expect(tierForPrice(0.1, 0.4)).toBe('eco');
    expect(tierForPrice(1, 5)).toBe('balanced');
    expect(tierForPrice(3, 15)).toBe('precision');
  });
});
