// Opens the database: embedded PGlite (default, persisted in <dataDir>/pg) or a real
// PostgreSQL when a postgresql:// URL is given. Migrations are applied on open.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { PrismaClient, PrismaPg, pg, type Prisma } from '@switchyard/prisma';
import { migratePGlite, migratePostgres, type MigrateResult } from './migrate.js';
import { withPgErrorMapping } from './pglite-errors.js';

export type DatabaseKind = 'pglite' | 'postgres';

export interface Database {
  prisma: PrismaClient;
  kind: DatabaseKind;
  /** Human-readable location without credentials, e.g. "PostgreSQL at 127.0.0.1:5432/test". */
  describe: string;
  /** Migrations applied while opening (empty when the schema was already current). */
  migrations: MigrateResult;
  /** true when a trivial query succeeds within 2 s. */
  ping(): Promise<boolean>;
  /**
   * Runs one parameterised statement on the driver itself (the pg pool or the PGlite instance), not through
   * Prisma: for hot writes with large parameters (usage batches), which Prisma would compile and keep a copy of.
   */
  execute(sql: string, params: unknown[]): Promise<void>;
  /**
   * Reads with one parameterised statement on the driver itself: for large keyset scans (the what-if replay)
   * where Prisma's per-row conversion would dominate. Cast columns in SQL to the types wanted (float8, text).
   */
  query<T>(sql: string, params: unknown[]): Promise<T[]>;
  /** Disconnects Prisma and closes the pool / embedded database. Safe to call twice. */
  close(): Promise<void>;
}

export interface CreateDatabaseOptions {
  /** postgresql:// URL; when absent the embedded PGlite is used. */
  databaseUrl?: string;
  /** Base data directory: PGlite lives in `<dataDir>/pg`. ':memory:' = in-memory PGlite. */
  dataDir: string;
  log?: (msg: string) => void;
  /** pg pool size (PostgreSQL only). Default 10. */
  poolSize?: number;
  /**
   * In-memory PGlite only: start from this data directory (a `dumpDataDir()` tarball) instead of an empty one. The
   * test suite starts every database from one migrated copy instead of migrating each.
   */
  loadDataDir?: Blob;
}

export const IN_MEMORY = ':memory:';

type PrismaAdapter = NonNullable<Prisma.PrismaClientOptions['adapter']>;

/** "PostgreSQL at host:port/db" — never includes the user's password. */
export function describePostgresUrl(url: string): string {
  try {
    const u = new URL(url);
    const db = decodeURIComponent(u.pathname.replace(/^\//, '')) || 'postgres';
    return `PostgreSQL at ${u.hostname || 'localhost'}:${u.port || '5432'}/${db}`;
  } catch {
    return 'PostgreSQL (unparseable URL)';
  }
}

export async function createDatabase(opts: CreateDatabaseOptions): Promise<Database> {
  const log = opts.log ?? (() => {});
  if (opts.databaseUrl) {
    if (!/^postgres(ql)?:\/\//.test(opts.databaseUrl)) {
      throw new Error('DATABASE_URL must start with postgresql:// or postgres://');
    }
    return openPostgres(opts.databaseUrl, opts.poolSize ?? 10, log);
  }
  return openPGlite(opts.dataDir, log, opts.loadDataDir);
}

type PgClient = InstanceType<typeof pg.Client>;
type ConnectCallback = ((err: Error) => void) | ((err: null, c: PgClient) => void);

/**
 * A pg client whose session is set up for this gateway once the connection is up, before the pool hands it out (as
 * startup options, PgBouncer would refuse them):
 * - Times in UTC. Prisma's PostgreSQL adapter sends a date parameter without an offset and reads a `timestamptz`
 *   result as if the session were in UTC, so on a server (or database, or role) whose `TimeZone` is anything else,
 *   every time filter, bucket and log time the dashboard reads was off by the zone's offset.
 * - No JIT: PostgreSQL compiles any plan whose estimated cost passes jit_above_cost, which the dashboard's aggregates
 *   over the usage tables do at a few million rows; the compile alone took 50–60 ms of a ~100 ms query
 *   (bench:dashboard at 20M rows), and none of this gateway's queries runs long enough to win it back.
 */
class JitOffClient extends pg.Client {
  override connect(): Promise<PgClient>;
  override connect(callback: ConnectCallback): void;
  override connect(callback?: ConnectCallback): Promise<PgClient> | void {
    const ready = super.connect().then(async (c) => {
      await this.query("SET TimeZone = 'UTC'");
      // A server without the setting (PostgreSQL before 11) refuses it: the connection is still good, only slower.
      await this.query('SET jit = off').catch(() => {});
      return c;
    });
    if (!callback) return ready;
    const done = callback as (err: Error | null, c?: PgClient) => void;
    ready.then(
      (c) => done(null, c),
      (err: Error) => done(err),
    );
  }
}

async function openPostgres(url: string, poolSize: number, log: (msg: string) => void): Promise<Database> {
  const describe = describePostgresUrl(url);
  const pool = new pg.Pool({
    connectionString: url,
    max: poolSize,
    connectionTimeoutMillis: 10_000,
    Client: JitOffClient,
  });
  // An idle client losing its connection must not crash the process.
  pool.on('error', (err) => log(`postgres pool error: ${err.message}`));
  let migrations: MigrateResult;
  try {
    migrations = await migratePostgres(pool, { log });
  } catch (err) {
    await pool.end().catch(() => {});
    throw err;
  }
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
  let closed = false;
  return {
    prisma,
    kind: 'postgres',
    describe,
    migrations,
    ping: () => ping(prisma),
    async execute(sql, params) {
      await pool.query(sql, params);
    },
    async query<T>(sql: string, params: unknown[]) {
      return (await pool.query(sql, params)).rows as T[];
    },
    async close() {
      if (closed) return;
      closed = true;
      await prisma.$disconnect().catch(() => {});
      await pool.end();
    },
  };
}

async function openPGlite(
  dataDir: string,
  log: (msg: string) => void,
  loadDataDir?: Blob,
): Promise<Database> {
  // Loaded here only: a server on PostgreSQL never pulls in the embedded database or its adapter.
  const { PGlite, PrismaPGlite } = await import('@switchyard/prisma/pglite');
  let client: InstanceType<typeof PGlite>;
  let describe: string;
  if (dataDir === IN_MEMORY) {
    client = await PGlite.create(loadDataDir ? { loadDataDir } : undefined);
    describe = 'embedded PGlite (in memory)';
  } else {
    const dir = path.join(dataDir, 'pg');
    await mkdir(dir, { recursive: true });
    client = await PGlite.create(dir);
    describe = `embedded PGlite at ${dir}`;
  }
  let migrations: MigrateResult;
  try {
    migrations = await migratePGlite(client, { log });
  } catch (err) {
    await client.close().catch(() => {});
    throw err;
  }
  // pglite-prisma-adapter is typed against an older @prisma/driver-adapter-utils; the
  // runtime contract is the same (it ignores argTypes), hence the cast.
  const adapter = withPgErrorMapping(new PrismaPGlite(client)) as unknown as PrismaAdapter;
  const prisma = new PrismaClient({ adapter });
  let closed = false;
  return {
    prisma,
    kind: 'pglite',
    describe,
    migrations,
    ping: () => ping(prisma),
    async execute(sql, params) {
      await client.query(sql, params);
    },
    async query<T>(sql: string, params: unknown[]) {
      return (await client.query<T>(sql, params)).rows;
    },
    async close() {
      if (closed) return;
      closed = true;
      await prisma.$disconnect().catch(() => {});
      await client.close();
    },
  };
}

async function ping(prisma: PrismaClient): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  try {
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('ping timeout')), 2_000);
    });
    await Promise.race([prisma.$queryRaw`SELECT 1`, timeout]);
    return true;
  } catch {
    return false;
  } finally {
    if (timer) clearTimeout(timer);
  }
}
