import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listMigrations } from './migrate.js';
import { createTestDatabase, testDbKind, type TestDatabase } from '../test/db.js';

/** Migration 0031 run again on data an older gateway left: the global marker ends on the routing default. */
describe(`migration 0031: the global default is the routing settings' default model (${testDbKind()})`, () => {
  let db: TestDatabase;
  let sql: string[];
  beforeAll(async () => {
    db = await createTestDatabase();
    const m = (await listMigrations()).find((x) => x.name.startsWith('0031_'))!;
    sql = m.sql
      .split(/;\s*\n/)
      .map((s) => s.replace(/^--.*$/gm, '').trim())
      .filter(Boolean);
    const p = await db.prisma.provider.create({ data: { type: 'mock', name: 'P', slug: 'p' } });
    for (const modelId of ['small', 'large', 'org-one'])
      await db.prisma.model.create({
        data: {
          providerId: p.id,
          modelId,
          displayName: modelId,
          scope: modelId === 'org-one' ? 'org:o1' : 'global',
          isDefault: modelId !== 'large',
        },
      });
  });
  afterAll(async () => {
    await db?.close();
  });

  const marked = async () =>
    (await db.prisma.model.findMany({ where: { isDefault: true }, orderBy: { modelId: 'asc' } })).map(
      (m) => `${m.scope}:${m.modelId}`,
    );
  const run = async () => {
    for (const s of sql) await db.prisma.$executeRawUnsafe(s);
  };

  it('moves the marker to the model the setting names, clears it for an alias or none, and leaves other scopes', async () => {
    await db.prisma.routingSettings.upsert({
      where: { id: 1 },
      create: { id: 1, defaultModel: 'p/large' },
      update: { defaultModel: 'p/large' },
    });
    await run();
    expect(await marked()).toEqual(['global:large', 'org:o1:org-one']);
    await run();
    expect(await marked()).toEqual(['global:large', 'org:o1:org-one']);
    await db.prisma.routingSettings.update({ where: { id: 1 }, data: { defaultModel: 'eco' } });
    await run();
    expect(await marked()).toEqual(['org:o1:org-one']);
  });
});
