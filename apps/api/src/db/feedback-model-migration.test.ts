import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listMigrations } from './migrate.js';
import { createTestDatabase, testDbKind, type TestDatabase } from '../test/db.js';

/** Migration 0033's backfill run again on scores an older gateway stored without the model that answered. */
describe(`migration 0033: a score keeps the model that answered its request (${testDbKind()})`, () => {
  let db: TestDatabase;
  let backfill: string;
  beforeAll(async () => {
    db = await createTestDatabase();
    const m = (await listMigrations()).find((x) => x.name.startsWith('0033_'))!;
    backfill = m.sql
      .split(/;\s*\n/)
      .map((s) => s.replace(/^--.*$/gm, '').trim())
      .find((s) => s.startsWith('UPDATE'))!;
    expect(backfill).toBeTruthy();
  });
  afterAll(async () => {
    await db?.close();
  });

  it("takes the provider, model and organization from the request's newest usage record, and leaves a score without one", async () => {
    const row = (requestId: string, modelId: string | null) => ({
      requestId,
      endpoint: 'chat.completions',
      requestedModel: 'm',
      status: 200,
      providerId: modelId ? 'prov-1' : null,
      modelId,
      orgId: requestId === 'r-2' ? 'org-2' : null,
    });
    await db.prisma.usageRecord.createMany({
      data: [row('r-1', 'first-try'), row('r-1', 'answered'), row('r-2', 'other'), row('r-3', null)],
    });
    await db.prisma.feedback.createMany({
      data: ['r-1', 'r-2', 'r-3', 'r-gone'].map((requestId) => ({ requestId, rater: 'master', score: 1 })),
    });
    await db.prisma.$executeRawUnsafe(backfill);
    const got = await db.prisma.feedback.findMany({
      orderBy: { requestId: 'asc' },
      select: { requestId: true, providerId: true, modelId: true, orgId: true },
    });
    expect(got).toEqual([
      { requestId: 'r-1', providerId: 'prov-1', modelId: 'answered', orgId: null },
      { requestId: 'r-2', providerId: 'prov-1', modelId: 'other', orgId: 'org-2' },
      { requestId: 'r-3', providerId: null, modelId: null, orgId: null },
      { requestId: 'r-gone', providerId: null, modelId: null, orgId: null },
    ]);
  });
});
