// Applies prisma/migrations/*/migration.sql in order, recording each in Prisma's own
// `_prisma_migrations` table (same columns, sha256 checksum of the file), so
// `prisma migrate status` / `migrate deploy` agree with what ran here.
//
// Why not `prisma migrate deploy`: it cannot reach an in-process PGlite, and the server
// must migrate on start without the CLI. Each migration runs in its own transaction;
// the whole run holds the same advisory lock key Prisma's schema engine uses, so two
// instances starting against one PostgreSQL (or this and the CLI) never double-apply.
import { createHash, randomUUID } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { migrationsDir as defaultMigrationsDir } from '@switchyard/prisma';

/** Prisma's schema engine locks with this key; sharing it serialises us with the CLI. */
export const MIGRATION_LOCK_KEY = 72707369;

export interface MigrationFile {
  name: string;
  sql: string;
  /** sha256 hex of migration.sql, as Prisma computes it. */
  checksum: string;
}

/** A single database connection the migrator can run statements on. */
export interface MigrationConnection {
  /** Runs a script of one or more statements (simple query protocol). */
  exec(sql: string): Promise<void>;
  query<T extends Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
}

export interface MigrateOptions {
  migrationsDir?: string;
  log?: (msg: string) => void;
}

export interface MigrateResult {
  /** Names of the migrations applied by this call, in order. */
  applied: string[];
  /** Number of migrations found on disk. */
  total: number;
}

export async function listMigrations(dir: string = defaultMigrationsDir): Promise<MigrationFile[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const names = entries
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
  const out: MigrationFile[] = [];
  for (const name of names) {
    let sql: string;
    try {
      sql = await readFile(path.join(dir, name, 'migration.sql'), 'utf8');
    } catch {
      continue; // a folder without migration.sql is not a migration (Prisma skips it too)
    }
    out.push({ name, sql, checksum: createHash('sha256').update(sql, 'utf8').digest('hex') });
  }
  if (out.length === 0) throw new Error(`No migrations found in ${dir}`);
  return out;
}

const CREATE_TABLE = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`;

interface AppliedRow extends Record<string, unknown> {
  migration_name: string;
  checksum: string;
  finished_at: Date | string | null;
  rolled_back_at: Date | string | null;
}

/**
 * Applies pending migrations on `conn`. Idempotent: a second call applies nothing.
 * Throws (and leaves the failed migration unapplied) if a migration's SQL fails, or if
 * the table records a failed migration (finished_at and rolled_back_at both null),
 * like `prisma migrate deploy` does.
 */
export async function applyMigrations(
  conn: MigrationConnection,
  opts: MigrateOptions = {},
): Promise<MigrateResult> {
  const log = opts.log ?? (() => {});
  const migrations = await listMigrations(opts.migrationsDir);
  await conn.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
  try {
    await conn.exec(CREATE_TABLE);
    const rows = await conn.query<AppliedRow>(
      'SELECT migration_name, checksum, finished_at, rolled_back_at FROM "_prisma_migrations"',
    );
    const failed = rows.find((r) => r.finished_at === null && r.rolled_back_at === null);
    if (failed) {
      throw new Error(
        `Migration ${failed.migration_name} is recorded as failed in _prisma_migrations; resolve it (prisma migrate resolve) before starting`,
      );
    }
    const done = new Map(
      rows
        .filter((r) => r.finished_at !== null && r.rolled_back_at === null)
        .map((r) => [r.migration_name, r]),
    );
    const applied: string[] = [];
    for (const m of migrations) {
      const prev = done.get(m.name);
      if (prev) {
        if (prev.checksum !== m.checksum)
          log(`warning: migration ${m.name} was modified after it was applied`);
        continue;
      }
      await conn.exec('BEGIN');
      try {
        await conn.exec(m.sql);
        await conn.query(
          `INSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name, logs, rolled_back_at, started_at, applied_steps_count)
           VALUES ($1, $2, now(), $3, NULL, NULL, now(), 1)`,
          [randomUUID(), m.checksum, m.name],
        );
        await conn.exec('COMMIT');
      } catch (err) {
        await conn.exec('ROLLBACK').catch(() => {});
        throw new Error(`Migration ${m.name} failed: ${err instanceof Error ? err.message : String(err)}`, {
          cause: err,
        });
      }
      applied.push(m.name);
      log(`applied migration ${m.name}`);
    }
    return { applied, total: migrations.length };
  } finally {
    await conn.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => {});
  }
}

/** Minimal structural types so this file needs neither pg's nor PGlite's types. */
interface PgLikeClient {
  query(sql: string, params?: unknown[]): Promise<{ rows: unknown[] }>;
  release(err?: boolean | Error): void;
}
interface PgLikePool {
  connect(): Promise<PgLikeClient>;
}
interface PGliteLike {
  exec(sql: string): Promise<unknown>;
  query(sql: string, params?: unknown[]): Promise<{ rows: unknown[] }>;
}

/** Runs `applyMigrations` on one dedicated connection of a pg Pool. */
export async function migratePostgres(pool: PgLikePool, opts: MigrateOptions = {}): Promise<MigrateResult> {
  const client = await pool.connect();
  let broken = false;
  try {
    return await applyMigrations(
      {
        exec: async (sql) => {
          await client.query(sql);
        },
        query: async <T extends Record<string, unknown>>(sql: string, params?: unknown[]) =>
          (await client.query(sql, params)).rows as T[],
      },
      opts,
    );
  } catch (err) {
    broken = true;
    throw err;
  } finally {
    // A connection that failed mid-migration may hold session state: discard it.
    client.release(broken);
  }
}

// PGlite is one connection: advisory locks are re-entrant within it, so concurrent calls on
// the same instance are serialised in process instead.
const pgliteQueues = new WeakMap<PGliteLike, Promise<unknown>>();

export async function migratePGlite(db: PGliteLike, opts: MigrateOptions = {}): Promise<MigrateResult> {
  const previous = pgliteQueues.get(db) ?? Promise.resolve();
  const run = previous.catch(() => {}).then(() => migratePGliteNow(db, opts));
  pgliteQueues.set(db, run);
  return run;
}

async function migratePGliteNow(db: PGliteLike, opts: MigrateOptions): Promise<MigrateResult> {
  return applyMigrations(
    {
      exec: async (sql) => {
        await db.exec(sql);
      },
      query: async <T extends Record<string, unknown>>(sql: string, params?: unknown[]) =>
        (await db.query(sql, params)).rows as T[],
    },
    opts,
  );
}
