// Vitest global setup for the API suite: migrates one database on the suite's backend (SWITCHYARD_TEST_DB) and
// provides it as the template every test database is copied from (test/db.ts), instead of each test file running
// every migration again. A second template is that database seeded as a first start (test/seed-options.ts): test
// apps without an environment of their own start from it instead of seeding again. Removed when the run ends.
import { rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PrismaClient, pg, type Prisma } from '@switchyard/prisma';
import type { TestProject } from 'vitest/node';
import { createDatabase } from '../db/client.js';
import { migratePGlite, migratePostgres } from '../db/migrate.js';
import { withPgErrorMapping } from '../db/pglite-errors.js';
import { seedDatabase } from '../seed/seed.js';
import { createPostgresDatabase, testDbKind } from './db.js';
import { TEST_SEED } from './seed-options.js';

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  if (testDbKind() === 'pglite') {
    const { PGlite, PrismaPGlite } = await import('@switchyard/prisma/pglite');
    const client = await PGlite.create();
    const files: string[] = [];
    const dump = async (name: string) => {
      const file = path.join(tmpdir(), `switchyard-test-${name}-${process.pid}.tar`);
      await writeFile(file, Buffer.from(await (await client.dumpDataDir('none')).arrayBuffer()));
      files.push(file);
      return file;
    };
    try {
      await migratePGlite(client);
      const migrated = await dump('template');
      const adapter = withPgErrorMapping(new PrismaPGlite(client)) as unknown as NonNullable<
        Prisma.PrismaClientOptions['adapter']
      >;
      const prisma = new PrismaClient({ adapter });
      await seedDatabase(prisma, TEST_SEED);
      await prisma.$disconnect();
      const seeded = await dump('seeded');
      project.provide('testDbTemplate', { pglite: migrated, pgliteSeeded: seeded });
    } finally {
      await client.close();
    }
    return async () => {
      for (const f of files) await rm(f, { force: true });
    };
  }
  const migrated = await createPostgresDatabase();
  const pool = new pg.Pool({ connectionString: migrated.url, max: 1 });
  try {
    await migratePostgres(pool);
  } finally {
    await pool.end();
  }
  const seeded = await createPostgresDatabase({ template: migrated.name });
  const db = await createDatabase({ databaseUrl: seeded.url, dataDir: ':memory:', poolSize: 1 });
  try {
    await seedDatabase(db.prisma, TEST_SEED);
  } finally {
    await db.close();
  }
  project.provide('testDbTemplate', { postgres: migrated.name, postgresSeeded: seeded.name });
  return async () => {
    await seeded.drop();
    await migrated.drop();
  };
}
