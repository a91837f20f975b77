import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { migrationsDir, pg } from '@switchyard/prisma';
import { PGlite } from '@switchyard/prisma/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresDatabase, createTestDatabase, testDbKind, type TestDatabase } from '../test/db.js';
import { createDatabase, describePostgresUrl, type Database } from './client.js';
import { listMigrations, migratePGlite, migratePostgres } from './migrate.js';

interface MigrationRow {
  id: string;
  checksum: string;
  migration_name: string;
  finished_at: Date | null;
  rolled_back_at: Date | null;
  applied_steps_count: number;
}

async function migrationRows(db: Database): Promise<MigrationRow[]> {
  return db.prisma.$queryRawUnsafe<MigrationRow[]>(
    'SELECT id, checksum, migration_name, finished_at, rolled_back_at, applied_steps_count FROM "_prisma_migrations" ORDER BY migration_name',
  );
}

/** Every migration folder, in order (read from disk so adding one does not need a test edit). */
const ALL_MIGRATIONS = (await listMigrations()).map((f) => f.name);

describe(`database (${testDbKind()})`, () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase({ fresh: true });
  });
  afterAll(async () => {
    await db?.close();
  });

  it("applies every migration on open and records it in Prisma's _prisma_migrations format", async () => {
    const files = await listMigrations();
    expect(files.map((f) => f.name).slice(0, 4)).toEqual([
      '0001_init',
      '0002_constraints',
      '0003_policy_fallback',
      '0004_usage_daily',
    ]);
    expect(db.migrations.applied).toEqual(files.map((f) => f.name));

    const rows = await migrationRows(db);
    expect(rows.map((r) => r.migration_name)).toEqual(files.map((f) => f.name));
    for (const [i, row] of rows.entries()) {
      const sql = await readFile(path.join(migrationsDir, row.migration_name, 'migration.sql'));
      expect(row.checksum).toBe(createHash('sha256').update(sql).digest('hex'));
      expect(row.checksum).toBe(files[i]!.checksum);
      expect(row.finished_at).not.toBeNull();
      expect(row.rolled_back_at).toBeNull();
      expect(row.applied_steps_count).toBe(1);
      expect(row.id).toMatch(/^[0-9a-f-]{36}$/);
    }
  });

  it('answers ping and describes itself without credentials', async () => {
    expect(await db.ping()).toBe(true);
    if (db.kind === 'postgres') {
      expect(db.describe).toMatch(/^PostgreSQL at 127\.0\.0\.1:5432\/sy_test_[0-9a-f]+$/);
    } else {
      expect(db.describe).toBe('embedded PGlite (in memory)');
    }
    expect(describePostgresUrl('postgresql://bob:s3cret@db.example:6543/app?sslmode=require')).toBe(
      'PostgreSQL at db.example:6543/app',
    );
  });

  it('round-trips the column types the app relies on (Decimal, BigInt, Json, String[], timestamptz)', async () => {
    const provider = await db.prisma.provider.create({
      data: {
        type: 'openai',
        name: 'T',
        slug: 'types-test',
        auth: { apiKey: { _env: 'OPENAI_API_KEY' } },
        lastTestedAt: new Date('2025-01-02T03:04:05.678Z'),
      },
    });
    const model = await db.prisma.model.create({
      data: {
        providerId: provider.id,
        modelId: 'm',
        displayName: 'M',
        capabilities: ['chat', 'tools'],
        priceInputPer1M: '0.15',
        priceCachedInputPer1M: '0.075',
      },
    });
    const usage = await db.prisma.usageRecord.create({
      data: {
        requestId: 'req-1',
        endpoint: 'chat.completions',
        requestedModel: 'm',
        status: 200,
        costUsd: '0.0000012345',
        trace: { attempts: [{ ref: 'x/m', ok: true }] },
      },
    });
    const back = await db.prisma.provider.findUniqueOrThrow({
      where: { id: provider.id },
      include: { models: true },
    });
    expect(back.auth).toEqual({ apiKey: { _env: 'OPENAI_API_KEY' } });
    expect(back.lastTestedAt?.toISOString()).toBe('2025-01-02T03:04:05.678Z');
    expect(back.models[0]?.capabilities).toEqual(['chat', 'tools']);
    expect(model.priceInputPer1M.toString()).toBe('0.15');
    expect(typeof usage.id).toBe('bigint');
    expect(usage.costUsd.toString()).toBe('0.0000012345');
    expect(usage.trace).toEqual({ attempts: [{ ref: 'x/m', ok: true }] });
    expect(
      await db.prisma.model.count({ where: { capabilities: { has: 'tools' }, providerId: provider.id } }),
    ).toBe(1);
  });

  it('reports a unique violation as Prisma P2002 on this backend', async () => {
    await db.prisma.provider.create({ data: { type: 'custom', name: 'A', slug: 'dup-slug' } });
    await expect(
      db.prisma.provider.create({ data: { type: 'custom', name: 'B', slug: 'dup-slug' } }),
    ).rejects.toMatchObject({
      code: 'P2002',
    });
  });

  it('reopening applies nothing and keeps the data', async () => {
    if (testDbKind() === 'postgres') {
      const { url, drop } = await createPostgresDatabase();
      try {
        const first = await createDatabase({ databaseUrl: url, dataDir: ':memory:' });
        expect(first.migrations.applied).toHaveLength(ALL_MIGRATIONS.length);
        await first.prisma.app.create({ data: { name: 'Kept', slug: 'kept-app' } });
        await first.close();
        const second = await createDatabase({ databaseUrl: url, dataDir: ':memory:' });
        expect(second.migrations.applied).toEqual([]);
        expect((await second.prisma.app.findUnique({ where: { slug: 'kept-app' } }))?.name).toBe('Kept');
        expect(await migrationRows(second)).toHaveLength(ALL_MIGRATIONS.length);
        await second.close();
      } finally {
        await drop();
      }
    } else {
      const dataDir = await mkdtemp(path.join(tmpdir(), 'sy-pglite-'));
      try {
        const first = await createDatabase({ dataDir });
        expect(first.describe).toBe(`embedded PGlite at ${path.join(dataDir, 'pg')}`);
        expect(first.migrations.applied).toHaveLength(ALL_MIGRATIONS.length);
        await first.prisma.app.create({ data: { name: 'Kept', slug: 'kept-app' } });
        await first.close();
        const second = await createDatabase({ dataDir });
        expect(second.migrations.applied).toEqual([]);
        expect((await second.prisma.app.findUnique({ where: { slug: 'kept-app' } }))?.name).toBe('Kept');
        expect(await migrationRows(second)).toHaveLength(ALL_MIGRATIONS.length);
        await second.close();
      } finally {
        await rm(dataDir, { recursive: true, force: true });
      }
    }
  });

  it('concurrent migrations apply each migration exactly once', async () => {
    if (testDbKind() === 'postgres') {
      const { url, drop } = await createPostgresDatabase();
      const pools = [
        new pg.Pool({ connectionString: url, max: 2 }),
        new pg.Pool({ connectionString: url, max: 2 }),
      ];
      try {
        const results = await Promise.all(pools.map((pool) => migratePostgres(pool)));
        expect([...results[0]!.applied, ...results[1]!.applied].sort()).toEqual(ALL_MIGRATIONS);
        const rows = await pools[0]!.query('SELECT migration_name FROM "_prisma_migrations"');
        expect(rows.rowCount).toBe(ALL_MIGRATIONS.length);
      } finally {
        await Promise.all(pools.map((p) => p.end()));
        await drop();
      }
    } else {
      const lite = await PGlite.create();
      try {
        const results = await Promise.all([migratePGlite(lite), migratePGlite(lite)]);
        expect([...results[0].applied, ...results[1].applied].sort()).toEqual(ALL_MIGRATIONS);
        const rows = await lite.query('SELECT migration_name FROM "_prisma_migrations"');
        expect(rows.rows).toHaveLength(ALL_MIGRATIONS.length);
      } finally {
        await lite.close();
      }
    }
  });

  it('rejects a DATABASE_URL that is not PostgreSQL', async () => {
    await expect(createDatabase({ databaseUrl: 'mysql://localhost/x', dataDir: ':memory:' })).rejects.toThrow(
      /postgresql:\/\//,
    );
  });
});

describe('PostgreSQL connections (whatever the suite backend)', () => {
  it('run without JIT compilation on every pooled connection, through the driver and through Prisma', async () => {
    // PostgreSQL's JIT compiled the dashboard's aggregates at 20M usage rows for 50–60 ms of a ~100 ms query.
    const db = await createTestDatabase({ kind: 'postgres' });
    try {
      const viaDriver = await Promise.all(
        Array.from({ length: 5 }, () =>
          db.query<{ jit: string }>('SELECT current_setting($1) AS jit', ['jit']),
        ),
      );
      expect(viaDriver.map((r) => r[0]!.jit)).toEqual(['off', 'off', 'off', 'off', 'off']);
      const viaPrisma = await db.prisma.$queryRaw<{ jit: string }[]>`SELECT current_setting('jit') AS jit`;
      expect(viaPrisma[0]!.jit).toBe('off');
    } finally {
      await db.close();
    }
  });
});
