// Test databases on the backend chosen by SWITCHYARD_TEST_DB:
//   pglite (default)  an in-memory embedded PGlite, migrations applied
//   postgres          a fresh database sy_test_<random> on the local PostgreSQL
//                     (SWITCHYARD_TEST_PG_URL, default postgresql://postgres@127.0.0.1:5432/postgres),
//                     migrations applied, dropped again by close()
// The suite migrates once (global-setup.ts): every test database then starts as a copy of that migrated one, a
// PGlite data directory loaded from a tarball or a PostgreSQL `CREATE DATABASE … TEMPLATE`. `fresh: true` migrates
// an empty database instead (the migration tests).
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { pg } from '@switchyard/prisma';
import { inject } from 'vitest';
import { createDatabase, IN_MEMORY, type Database } from '../db/client.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The migrated copy test databases start from, per backend (set by global-setup.ts). */
    testDbTemplate: { pglite?: string; postgres?: string; pgliteSeeded?: string; postgresSeeded?: string };
  }
}

function template(kind: TestDbKind, seeded = false): string | undefined {
  try {
    const t = inject('testDbTemplate');
    return seeded ? t?.[`${kind}Seeded`] : t?.[kind];
  } catch {
    return undefined; // not inside a Vitest run
  }
}

const pgliteTemplates = new Map<string, Promise<Blob>>();
function pgliteTemplateBlob(file: string): Promise<Blob> {
  let blob = pgliteTemplates.get(file);
  if (!blob) pgliteTemplates.set(file, (blob = readFile(file).then((b) => new Blob([b]))));
  return blob;
}

export type TestDbKind = 'pglite' | 'postgres';

export interface TestDatabase extends Database {
  /** postgresql:// URL of the test database (postgres only), e.g. for a second process. */
  url?: string;
}

export const DEFAULT_TEST_PG_URL = 'postgresql://postgres@127.0.0.1:5432/postgres';

export function testDbKind(): TestDbKind {
  const v = (process.env.SWITCHYARD_TEST_DB ?? 'pglite').trim().toLowerCase();
  if (v === '' || v === 'pglite') return 'pglite';
  if (v === 'postgres' || v === 'postgresql') return 'postgres';
  throw new Error(`SWITCHYARD_TEST_DB must be "pglite" or "postgres", got "${v}"`);
}

function adminUrl(): string {
  return process.env.SWITCHYARD_TEST_PG_URL ?? DEFAULT_TEST_PG_URL;
}

async function withAdminClient<T>(fn: (client: InstanceType<typeof pg.Client>) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl() });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/**
 * Creates a PostgreSQL database and returns its URL: empty (no migrations applied), or a copy of `template`.
 */
export async function createPostgresDatabase(
  opts: { template?: string } = {},
): Promise<{ name: string; url: string; drop: () => Promise<void> }> {
  const name = `sy_test_${randomBytes(6).toString('hex')}`;
  const from = opts.template ? ` TEMPLATE "${opts.template}"` : '';
  await withAdminClient(async (c) => {
    await c.query(`CREATE DATABASE "${name}"${from}`);
    // A test database need not survive a crash of the server: commits return before their WAL reaches the disk
    // (what they write and when others see it are unchanged), which spares the suite a disk flush per commit.
    await c.query(`ALTER DATABASE "${name}" SET synchronous_commit = off`);
  });
  const url = new URL(adminUrl());
  url.pathname = `/${name}`;
  let dropped = false;
  return {
    name,
    url: url.toString(),
    drop: async () => {
      if (dropped) return;
      dropped = true;
      await withAdminClient((c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
    },
  };
}

/** A migrated database on the backend SWITCHYARD_TEST_DB names. close() disposes of it. */
export async function createTestDatabase(
  opts: {
    kind?: TestDbKind;
    fresh?: boolean;
    /** PostgreSQL only: settings every connection starts with (the URL's `options`, e.g. `-c TimeZone=…`). */
    pgOptions?: string;
    /**
     * Start from the suite's seeded template (test/seed-options.ts) when there is one; `seededFromTemplate` says
     * whether it did (else the caller seeds).
     */
    seeded?: boolean;
  } = {},
): Promise<TestDatabase & { seededFromTemplate: boolean }> {
  const kind = opts.kind ?? testDbKind();
  const seededTemplate = opts.fresh || !opts.seeded ? undefined : template(kind, true);
  const seededFromTemplate = seededTemplate !== undefined;
  const from = opts.fresh ? undefined : (seededTemplate ?? template(kind));
  if (kind === 'pglite') {
    const db = await createDatabase({
      dataDir: IN_MEMORY,
      loadDataDir: from ? await pgliteTemplateBlob(from) : undefined,
    });
    return Object.assign(db, { seededFromTemplate });
  }
  const { url, drop } = await createPostgresDatabase({ template: from });
  let db: Database;
  try {
    const connectTo = new URL(url);
    if (opts.pgOptions) connectTo.searchParams.set('options', opts.pgOptions);
    db = await createDatabase({ databaseUrl: connectTo.toString(), dataDir: IN_MEMORY, poolSize: 5 });
  } catch (err) {
    await drop();
    throw err;
  }
  return {
    ...db,
    url,
    seededFromTemplate,
    close: async () => {
      await db.close();
      await drop();
    },
  };
}
