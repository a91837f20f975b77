import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, testDbKind, type TestDatabase } from '../test/db.js';

describe(`database rules (${testDbKind()})`, () => {
  let db: TestDatabase;
  let providerId: string;
  beforeAll(async () => {
    db = await createTestDatabase();
    providerId = (await db.prisma.provider.create({ data: { type: 'mock', name: 'P', slug: 'p' } })).id;
  });
  afterAll(async () => {
    await db?.close();
  });

  it('allows exactly one default model per scope', async () => {
    const model = (modelId: string, scope: string, isDefault: boolean) =>
      db.prisma.model.create({ data: { providerId, modelId, displayName: modelId, scope, isDefault } });
    await model('a', 'global', true);
    await expect(model('b', 'global', true)).rejects.toMatchObject({ code: 'P2002' });
    // other scopes have their own default; non-defaults are unlimited
    await model('b', 'org:o1', true);
    await model('c', 'user:u1', true);
    await model('d', 'global', false);
    await model('e', 'global', false);
    expect(await db.prisma.model.count({ where: { isDefault: true } })).toBe(3);

    // moving the default: unset the old one first, in one transaction
    await db.prisma.$transaction([
      db.prisma.model.updateMany({ where: { scope: 'global', isDefault: true }, data: { isDefault: false } }),
      db.prisma.model.updateMany({ where: { scope: 'global', modelId: 'd' }, data: { isDefault: true } }),
    ]);
    const defaults = await db.prisma.model.findMany({ where: { scope: 'global', isDefault: true } });
    expect(defaults.map((m) => m.modelId)).toEqual(['d']);
  });

  it('rejects the same model twice in one scope and a malformed scope', async () => {
    await db.prisma.model.create({ data: { providerId, modelId: 'x', displayName: 'x' } });
    await expect(
      db.prisma.model.create({ data: { providerId, modelId: 'x', displayName: 'x' } }),
    ).rejects.toMatchObject({
      code: 'P2002',
    });
    await db.prisma.model.create({ data: { providerId, modelId: 'x', displayName: 'x', scope: 'org:o2' } });
    await expect(
      db.prisma.model.create({ data: { providerId, modelId: 'y', displayName: 'y', scope: 'team' } }),
    ).rejects.toThrow(/Model_scope_check/);
  });

  it('rejects a duplicate alias name in the same scope, allows it in another', async () => {
    const org = await db.prisma.organization.create({ data: { name: 'Acme', slug: 'acme' } });
    await db.prisma.alias.create({ data: { name: 'fast-chat', targets: [{ ref: 'p/a', weight: 1 }] } });
    await expect(
      db.prisma.alias.create({ data: { name: 'fast-chat', scope: 'global' } }),
    ).rejects.toMatchObject({ code: 'P2002' });
    await db.prisma.alias.create({ data: { name: 'fast-chat', scope: `org:${org.id}`, orgId: org.id } });
    await expect(
      db.prisma.alias.create({ data: { name: 'fast-chat', scope: `org:${org.id}`, orgId: org.id } }),
    ).rejects.toMatchObject({
      code: 'P2002',
    });
    // the scope must name the alias's org
    await expect(
      db.prisma.alias.create({ data: { name: 'other', scope: 'global', orgId: org.id } }),
    ).rejects.toThrow(/Alias_scope_check/);
    // deleting the org deletes its aliases, not the global one
    await db.prisma.organization.delete({ where: { id: org.id } });
    expect(await db.prisma.alias.count({ where: { name: 'fast-chat' } })).toBe(1);
  });

  it('keeps RoutingSettings a singleton and enumerated values valid', async () => {
    await db.prisma.routingSettings.create({ data: { id: 1 } });
    await expect(db.prisma.routingSettings.create({ data: { id: 2 } })).rejects.toThrow(
      /RoutingSettings_singleton_check/,
    );
    await expect(
      db.prisma.routingSettings.update({ where: { id: 1 }, data: { strategy: 'random' } }),
    ).rejects.toThrow(/RoutingSettings_strategy_check/);
    await expect(db.prisma.user.create({ data: { email: 'r@example.com', role: 'root' } })).rejects.toThrow(
      /User_role_check/,
    );
    await expect(
      db.prisma.provider.create({ data: { type: 'x', name: 'x', slug: 'x', priority: 0 } }),
    ).rejects.toThrow(/Provider_priority_check/);
  });

  it('requires a gateway key to belong to the owner its ownerType names', async () => {
    const user = await db.prisma.user.create({ data: { email: 'owner@example.com' } });
    await db.prisma.gatewayKey.create({
      data: { keyHash: 'h1', prefix: 'sy-1', name: 'k', ownerType: 'user', userId: user.id },
    });
    await expect(
      db.prisma.gatewayKey.create({
        data: { keyHash: 'h2', prefix: 'sy-2', name: 'k', ownerType: 'org', userId: user.id },
      }),
    ).rejects.toThrow(/GatewayKey_owner_check/);
    await expect(
      db.prisma.gatewayKey.create({
        data: { keyHash: 'h1', prefix: 'sy-3', name: 'k', ownerType: 'user', userId: user.id },
      }),
    ).rejects.toMatchObject({ code: 'P2002' });
  });

  it('upserts hourly usage on the dimension tuple', async () => {
    const hour = new Date('2025-03-01T10:00:00Z');
    const bump = () => db.prisma.$executeRaw`
      INSERT INTO "UsageHourly" ("hour", "providerId", "modelId", "userId", "statusClass", "requests", "tokensIn", "costUsd")
      VALUES (${hour}, 'p', 'm', 'u', '2xx', 1, 10, 0.5)
      ON CONFLICT ("hour", "providerId", "modelId", "userId", "orgId", "appId", "gatewayKeyId", "statusClass", "isByok") DO UPDATE SET
        "requests" = "UsageHourly"."requests" + EXCLUDED."requests",
        "tokensIn" = "UsageHourly"."tokensIn" + EXCLUDED."tokensIn",
        "costUsd" = "UsageHourly"."costUsd" + EXCLUDED."costUsd"`;
    await bump();
    await bump();
    const rows = await db.prisma.usageHourly.findMany({ where: { hour } });
    expect(rows).toHaveLength(1);
    expect(rows[0]?.requests).toBe(2);
    expect(rows[0]?.tokensIn).toBe(20n);
    expect(rows[0]?.costUsd.toString()).toBe('1');
  });

  it("keeps the logs' filter indexes partial: a row without a user, key, tool or session adds no entry", async () => {
    const defs = await db.prisma.$queryRawUnsafe<{ indexname: string; indexdef: string }[]>(
      `SELECT indexname::text AS indexname, indexdef FROM pg_indexes WHERE tablename = 'UsageRecord'`,
    );
    const byName = new Map(defs.map((d) => [d.indexname, d.indexdef]));
    for (const col of ['userId', 'gatewayKeyId', 'clientTool', 'sessionId']) {
      const def = byName.get(`UsageRecord_${col}_id_idx`);
      expect(def, col).toBeDefined();
      expect(def!.replace(/\s+/g, ' '), col).toContain(`WHERE ("${col}" IS NOT NULL)`);
    }
    // A logs filter (an equality, newest first) can still walk its index.
    const plan = await db.prisma.$transaction(async (tx) => {
      await tx.$executeRawUnsafe('SET LOCAL enable_seqscan = off');
      return tx.$queryRawUnsafe<{ 'QUERY PLAN': string }[]>(
        `EXPLAIN SELECT "id" FROM "UsageRecord" WHERE "sessionId" = 's-1' ORDER BY "id" DESC LIMIT 50`,
      );
    });
    expect(plan.map((r) => r['QUERY PLAN']).join('\n')).toContain('UsageRecord_sessionId_id_idx');
  });
  it('finds a logged request by its id through an index (Re-trace, the rules tester, feedback), not by walking the table', async () => {
    // 3,000 rows with their own ids, the newest last; the lookup is the one logged-request.ts makes.
    await db.prisma.$executeRawUnsafe(
      `INSERT INTO "UsageRecord" ("createdAt","requestId","endpoint","requestedModel","status")
       SELECT now() - (g || ' seconds')::interval, 'req-' || g, 'chat.completions', 'm', 200
       FROM generate_series(1, 3000) AS g`,
    );
    await db.prisma.$executeRawUnsafe('ANALYZE "UsageRecord"');
    const plan = await db.prisma.$transaction(async (tx) => {
      await tx.$executeRawUnsafe('SET LOCAL enable_seqscan = off');
      return tx.$queryRawUnsafe<{ 'QUERY PLAN': string }[]>(
        `EXPLAIN SELECT * FROM "UsageRecord" WHERE "requestId" = 'req-2999' ORDER BY "id" DESC LIMIT 1`,
      );
    });
    expect(plan.map((r) => r['QUERY PLAN']).join('\n')).toContain('UsageRecord_requestId_idx');
    const rec = await db.prisma.usageRecord.findFirst({
      where: { requestId: 'req-2999' },
      orderBy: { id: 'desc' },
    });
    expect(rec?.requestId).toBe('req-2999');
  });
  it("reads one organization's usage in a time range through an index (its what-if replay and savings advice)", async () => {
    // 3,000 rows, one a minute up to now, over 100 organizations; one organization's last 6 hours. (The what-if's
    // own queries: whatif-plan.test.ts.)
    await db.prisma.$executeRawUnsafe(
      `INSERT INTO "UsageRecord" ("createdAt","requestId","orgId","endpoint","requestedModel","status")
       SELECT now() - ((3001 - g) || ' minutes')::interval, 'org-req-' || g, 'org-' || (g % 100), 'chat.completions',
         'm', 200
       FROM generate_series(1, 3000) AS g`,
    );
    await db.prisma.$executeRawUnsafe('ANALYZE "UsageRecord"');
    const defs = await db.prisma.$queryRawUnsafe<{ indexdef: string }[]>(
      `SELECT indexdef FROM pg_indexes WHERE tablename = 'UsageRecord' AND indexname = 'UsageRecord_orgId_createdAt_idx'`,
    );
    expect(defs[0]?.indexdef.replace(/\s+/g, ' ')).toContain(
      '("orgId", "createdAt") WHERE ("orgId" IS NOT NULL)',
    );
    const plan = await db.prisma.$transaction(async (tx) => {
      await tx.$executeRawUnsafe('SET LOCAL enable_seqscan = off');
      return tx.$queryRawUnsafe<{ 'QUERY PLAN': string }[]>(
        `EXPLAIN SELECT "id" FROM "UsageRecord"
         WHERE "createdAt" >= now() - interval '6 hours' AND "createdAt" < now() AND "orgId" = 'org-7'`,
      );
    });
    expect(plan.map((r) => r['QUERY PLAN']).join('\n')).toContain('UsageRecord_orgId_createdAt_idx');
  });
  it("reads a user's own feedback list newest first through an index (/api/v1/me/feedback)", async () => {
    await db.prisma.$executeRawUnsafe(
      `INSERT INTO "Feedback" ("id","requestId","rater","userId","score","updatedAt")
       SELECT 'f-' || g, 'req-' || g, 'master', 'u-' || (g % 50), 0.5, now() - (g || ' seconds')::interval
       FROM generate_series(1, 3000) AS g`,
    );
    await db.prisma.$executeRawUnsafe('ANALYZE "Feedback"');
    const plan = await db.prisma.$transaction(async (tx) => {
      await tx.$executeRawUnsafe('SET LOCAL enable_seqscan = off');
      return tx.$queryRawUnsafe<{ 'QUERY PLAN': string }[]>(
        `EXPLAIN SELECT * FROM "Feedback" WHERE "userId" = 'u-7' ORDER BY "updatedAt" DESC, "id" DESC LIMIT 51`,
      );
    });
    expect(plan.map((r) => r['QUERY PLAN']).join('\n')).toContain('Feedback_userId_updatedAt_idx');
  });
});
