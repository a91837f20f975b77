// Vitest global setup for the API suite: migrates one database on the suite's backend (SWITCHYARD_TEST_DB) and
// provides it as the template every test database is copied from (test/db.ts), instead of each test file running
// every migration again. Removed when the run ends.
import { rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pg } from '@switchyard/prisma';
import type { TestProject } from 'vitest/node';
import { migratePGlite, migratePostgres } from '../db/migrate.js';
import { createPostgresDatabase, testDbKind } from './db.js';

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  if (testDbKind() === 'pglite') {
    const { PGlite } = await import('@switchyard/prisma/pglite');
    const client = await PGlite.create();
    await migratePGlite(client);
    const dump = await client.dumpDataDir('none');
    await client.close();
    const file = path.join(tmpdir(), `switchyard-test-template-${process.pid}.tar`);
    await writeFile(file, Buffer.from(await dump.arrayBuffer()));
    project.provide('testDbTemplate', { pglite: file });
    return () => rm(file, { force: true });
  }
  const db = await createPostgresDatabase();
  const pool = new pg.Pool({ connectionString: db.url, max: 1 });
  try {
    await migratePostgres(pool);
  } finally {
    await pool.end();
  }
  project.provide('testDbTemplate', { postgres: db.name });
  return db.drop;
}
