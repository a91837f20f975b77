import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, testDbKind, type TestDatabase } from '../test/db.js';

/**
 * A migrated database holds only tables the gateway uses: the free-form "Setting" table (created by 0001, never read
 * or written: gateway settings live in RoutingSettings) is dropped by migration 0038.
 */
describe(`the migrated schema (${testDbKind()})`, () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase({ fresh: true });
  });
  afterAll(async () => {
    await db?.close();
  });

  it('has no "Setting" table', async () => {
    const rows = await db.prisma.$queryRaw<{ name: string }[]>`
      SELECT table_name::text AS name FROM information_schema.tables
      WHERE table_schema = current_schema() AND table_name = 'Setting'`;
    expect(rows).toEqual([]);
  });

  it('keeps the columns the dashboard reads: an error report resolved by whom and when, an org key last test error', async () => {
    const cols = await db.prisma.$queryRaw<{ t: string; c: string }[]>`
      SELECT table_name::text AS t, column_name::text AS c FROM information_schema.columns
      WHERE table_schema = current_schema() AND (
        (table_name = 'ErrorReport' AND column_name IN ('resolved', 'resolvedAt', 'resolvedById'))
        OR (table_name = 'OrgProviderKey' AND column_name IN ('status', 'lastTestedAt', 'lastError')))
      ORDER BY 1, 2`;
    expect(cols.map((r) => `${r.t}.${r.c}`)).toEqual([
      'ErrorReport.resolved',
      'ErrorReport.resolvedAt',
      'ErrorReport.resolvedById',
      'OrgProviderKey.lastError',
      'OrgProviderKey.lastTestedAt',
      'OrgProviderKey.status',
    ]);
  });
});
