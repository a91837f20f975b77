/**
 * The dashboard and the insert path at scale, on PostgreSQL.
 *
 * Fills a fresh database with usage rows generated server-side (INSERT … SELECT generate_series, in chunks of 1M, with
 * the hourly and daily rollups built to match, exactly as the usage writer builds them) at each of two sizes (1,000,000
 * rows, then the full count; each a 90-day table of its own) and measures:
 * - the insert path: rows/s through the real usage writer (`writeUsageRows`, 500-row batches, one statement each, on
 *   the server's driver path), like the gateway's metering queue writes them;
 * - the dashboard reads over HTTP against a real Switchyard process (`apps/api/dist/main.js`): `GET /llm/stats`,
 *   `GET /llm/usage?period=30d`, the first page of `GET /llm/logs` (unfiltered and filtered as the logs page offers),
 *   plus the other views for reference. Median and p95 of `--samples` calls after 3 warm-ups.
 *
 * The data: 90 days of traffic, ids in time order; 20 organisations, 200 users (skewed: a few heavy users, a long
 * tail), two keys each (each key belongs to one of 10 apps and one calling tool), 19 models on 5 providers (each user
 * on two of them) plus one rarely used model, 2 % 5xx and 1 % 429, 10 % of users on BYOK.
 *
 * Run: `pnpm build`, then `pnpm --filter @switchyard/bench bench:dashboard -- --rows=20000000` (default 1,000,000;
 * `--rows=200000` is a quick run). Other flags: `--samples=30`, `--writer-rows=100000` (rows written through the
 * writer at each checkpoint), `--checkpoint=1000000`, `--out=dashboard` (results file name in bench/results/).
 * `--keep` leaves the database in place at the end (its name is printed); `--reuse=<database>` measures such a kept
 * database again at its current size, generating nothing (the writer still adds its rows).
 * Env: BENCH_PG_URL (an admin connection; a database sy_dash_bench_<pid> is created and dropped).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';

const ROOT = new URL('..', import.meta.url).pathname;
const PG_ADMIN = process.env.BENCH_PG_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const { values: flags } = parseArgs({
  // `pnpm … bench:dashboard -- --rows=…` passes the separator through.
  args: process.argv.slice(2).filter((a) => a !== '--'),
  options: {
    rows: { type: 'string', default: process.env.BENCH_ROWS ?? '1000000' },
    samples: { type: 'string', default: process.env.BENCH_SAMPLES ?? '30' },
    'writer-rows': { type: 'string', default: '100000' },
    checkpoint: { type: 'string', default: '1000000' },
    out: { type: 'string', default: 'dashboard' },
    keep: { type: 'boolean', default: false },
    reuse: { type: 'string' },
  },
  allowPositionals: true,
});
const count = (name: string, v: string | undefined): number => {
  const n = Number(String(v).replace(/[_,]/g, ''));
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a whole number above 0, got "${v}"`);
  return n;
};
const ROWS = count('rows', flags.rows);
const SAMPLES = count('samples', flags.samples);
const WRITER_ROWS = count('writer-rows', flags['writer-rows']);
const CHECKPOINT = count('checkpoint', flags.checkpoint);
const OUT = flags.out ?? 'dashboard';
const REUSE = flags.reuse;
if (REUSE !== undefined && !/^sy_dash_bench_\d+$/.test(REUSE)) {
  throw new Error('--reuse takes a database an earlier run kept (sy_dash_bench_<n>)');
}
const KEEP = flags.keep === true || REUSE !== undefined;
if (!/^[\w.-]+$/.test(OUT)) throw new Error('--out must be a plain file name');
const CHUNK = 1_000_000;
const SPAN_DAYS = 90;
const PORT = 19300;
const PASSWORD = 'bench-admin-password';
const WRITER_BATCH = 500;

const TARGETS: Record<string, number> = {
  stats: 150,
  'usage 30d': 150,
  'logs first page': 150,
  'logs by user': 150,
  'logs by model': 150,
};

interface PgClient {
  query(
    sql: string,
    params?: unknown[],
  ): Promise<{ rows: Record<string, unknown>[]; rowCount: number | null }>;
  end(): Promise<void>;
  connect(): Promise<void>;
  on(event: 'error', fn: () => void): void;
}
interface Db {
  execute(sql: string, params: unknown[]): Promise<void>;
  close(): Promise<void>;
}

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
}
const round1 = (x: number) => Math.round(x * 10) / 10;
const fmt = (n: number) => n.toLocaleString('en');

/** Raw rows g in [lo, hi) of `total`: row g is at start + g × (90 days / total), so ids follow time. */
const GENERATE = `
INSERT INTO "UsageRecord" ("createdAt","requestId","gatewayKeyId","userId","orgId","appId","endpoint","requestedModel","providerId",
  "providerSlug","modelId","tokensIn","tokensOut","tokensCached","costUsd","savedUsd","latencyMs","ttftMs","status","errorCode",
  "isByok","stream","attempts","trace","clientTool","clientVersion","userAgent","clientApp","originator","sessionId")
SELECT $3::timestamptz + g * ($4::interval / $5::bigint), 'bench-' || g, 'bk' || k, 'bu' || u, 'bo' || (u % 20), 'ba' || (k % 10),
  CASE WHEN g % 10 = 0 THEN 'messages' ELSE 'chat.completions' END,
  CASE WHEN g % 5 = 0 THEN 'chat.default' ELSE 'model-' || m END,
  'bp' || (m % 5), 'bench-' || (m % 5), 'model-' || m, tin, tout, CASE WHEN g % 4 = 0 THEN tin / 2 ELSE 0 END,
  CASE WHEN u % 10 = 0 THEN 0 ELSE (tin * (0.1 + m * 0.2) + tout * (0.4 + m * 0.8)) / 1e6 END,
  CASE WHEN u % 10 = 0 THEN (tin * (0.1 + m * 0.2) + tout * (0.4 + m * 0.8)) / 1e6 ELSE 0 END,
  80 + (h2 % 2900), CASE WHEN g % 3 = 0 THEN 40 + h2 % 400 END,
  CASE WHEN g % 50 = 0 THEN 502 WHEN g % 100 = 1 THEN 429 ELSE 200 END,
  CASE WHEN g % 50 = 0 THEN 'upstream_error' WHEN g % 100 = 1 THEN 'rate_limited' END,
  u % 10 = 0, g % 3 = 0, CASE WHEN g % 50 = 0 THEN 2 ELSE 1 END,
  json_build_object('plan', json_build_object('requested', 'model-' || m, 'order', json_build_array('bench-' || (m % 5) || '/model-' || m)),
    'attempts', json_build_array(json_build_object('target', 'bench-' || (m % 5) || '/model-' || m, 'outcome', 'ok', 'ms', 80 + h2 % 2900))),
  tool, CASE WHEN tool IS NOT NULL THEN '1.' || (k % 7) || '.0' END,
  CASE tool WHEN 'claude-code' THEN 'claude-cli/1.' || (k % 7) || '.0 (external, cli)' WHEN 'codex' THEN 'codex_cli_rs/0.' || (k % 7) || '.0'
    WHEN 'openai-js' THEN 'OpenAI/JS 5.' || (k % 7) || '.0' END,
  CASE WHEN k % 5 = 0 THEN 'app-' || (k % 10) END, CASE WHEN tool = 'codex' THEN 'codex_cli_rs' END,
  CASE WHEN tool IN ('claude-code', 'codex') THEN 'sess-' || k || '-' || (g / 2000) END
FROM (
  SELECT g, u, u * 2 + (g % 2)::int AS k, h2,
    CASE WHEN g % 200000 = 7 THEN 19 WHEN g % 4 = 0 THEN (u * 7 + 3) % 19 ELSE u % 19 END AS m,
    200 + (h2 % 3000)::int AS tin, 50 + (h2 % 900)::int AS tout,
    (ARRAY['claude-code', 'codex', 'openai-js', NULL])[((u * 2 + (g % 2)::int) % 4) + 1] AS tool
  FROM (SELECT g, ((g * 2654435761) % 4294967296) AS h1, ((g * 40503 + 12345) % 1000003) AS h2 FROM generate_series($1::bigint, $2::bigint - 1) g) s0,
    -- A skewed user: the square of a uniform number in [0,1) puts a few users ahead of a long tail.
    LATERAL (SELECT floor(200 * power(h1 / 4294967296.0, 2))::int AS u) uu
) s`;

/** The hourly and daily rollups of the raw rows with id > $1, added to what is there (as the usage writer does). */
const ROLLUP_HOURLY = `
INSERT INTO "UsageHourly" ("hour","providerId","modelId","userId","orgId","appId","gatewayKeyId","statusClass","isByok",
  "requests","errors","tokensIn","tokensOut","tokensCached","costUsd","savedUsd","latencySumMs","latencyCount","ttftSumMs","ttftCount")
SELECT date_trunc('hour', "createdAt" AT TIME ZONE 'UTC') AT TIME ZONE 'UTC', coalesce("providerId", ''), coalesce("modelId", ''),
  coalesce("userId", ''), coalesce("orgId", ''), coalesce("appId", ''), coalesce("gatewayKeyId", ''),
  CASE WHEN "status" >= 500 THEN '5xx' WHEN "status" >= 400 THEN '4xx' ELSE '2xx' END, "isByok",
  count(*), count(*) FILTER (WHERE "status" >= 400), sum("tokensIn"), sum("tokensOut"), sum("tokensCached"),
  sum("costUsd"), sum("savedUsd"), sum("latencyMs"), count(*), coalesce(sum("ttftMs"), 0), count("ttftMs")
FROM "UsageRecord" WHERE "id" > $1 GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9
ON CONFLICT ("hour","providerId","modelId","userId","orgId","appId","gatewayKeyId","statusClass","isByok") DO UPDATE SET
  "requests" = "UsageHourly"."requests" + EXCLUDED."requests", "errors" = "UsageHourly"."errors" + EXCLUDED."errors",
  "tokensIn" = "UsageHourly"."tokensIn" + EXCLUDED."tokensIn", "tokensOut" = "UsageHourly"."tokensOut" + EXCLUDED."tokensOut",
  "tokensCached" = "UsageHourly"."tokensCached" + EXCLUDED."tokensCached", "costUsd" = "UsageHourly"."costUsd" + EXCLUDED."costUsd",
  "savedUsd" = "UsageHourly"."savedUsd" + EXCLUDED."savedUsd", "latencySumMs" = "UsageHourly"."latencySumMs" + EXCLUDED."latencySumMs",
  "latencyCount" = "UsageHourly"."latencyCount" + EXCLUDED."latencyCount", "ttftSumMs" = "UsageHourly"."ttftSumMs" + EXCLUDED."ttftSumMs",
  "ttftCount" = "UsageHourly"."ttftCount" + EXCLUDED."ttftCount"`;
const ROLLUP_DAILY = `
INSERT INTO "UsageDaily" ("day","providerId","modelId","userId","statusClass","isByok","requests","errors","tokensIn","tokensOut",
  "tokensCached","costUsd","savedUsd","latencySumMs","latencyCount","ttftSumMs","ttftCount")
SELECT date_trunc('day', "createdAt" AT TIME ZONE 'UTC') AT TIME ZONE 'UTC', coalesce("providerId", ''), coalesce("modelId", ''),
  coalesce("userId", ''), CASE WHEN "status" >= 500 THEN '5xx' WHEN "status" >= 400 THEN '4xx' ELSE '2xx' END, "isByok",
  count(*), count(*) FILTER (WHERE "status" >= 400), sum("tokensIn"), sum("tokensOut"), sum("tokensCached"),
  sum("costUsd"), sum("savedUsd"), sum("latencyMs"), count(*), coalesce(sum("ttftMs"), 0), count("ttftMs")
FROM "UsageRecord" WHERE "id" > $1 GROUP BY 1, 2, 3, 4, 5, 6
ON CONFLICT ("day","providerId","modelId","userId","statusClass","isByok") DO UPDATE SET
  "requests" = "UsageDaily"."requests" + EXCLUDED."requests", "errors" = "UsageDaily"."errors" + EXCLUDED."errors",
  "tokensIn" = "UsageDaily"."tokensIn" + EXCLUDED."tokensIn", "tokensOut" = "UsageDaily"."tokensOut" + EXCLUDED."tokensOut",
  "tokensCached" = "UsageDaily"."tokensCached" + EXCLUDED."tokensCached", "costUsd" = "UsageDaily"."costUsd" + EXCLUDED."costUsd",
  "savedUsd" = "UsageDaily"."savedUsd" + EXCLUDED."savedUsd", "latencySumMs" = "UsageDaily"."latencySumMs" + EXCLUDED."latencySumMs",
  "latencyCount" = "UsageDaily"."latencyCount" + EXCLUDED."latencyCount", "ttftSumMs" = "UsageDaily"."ttftSumMs" + EXCLUDED."ttftSumMs",
  "ttftCount" = "UsageDaily"."ttftCount" + EXCLUDED."ttftCount"`;

/** The dashboard reads: the first five are the issue's (targets), the rest are for reference. */
const CASES: [string, string][] = [
  ['stats', '/api/v1/llm/stats'],
  ['usage 30d', '/api/v1/llm/usage?period=30d'],
  ['logs first page', '/api/v1/llm/logs?limit=50'],
  ['logs by user', '/api/v1/llm/logs?limit=50&user=bu0'],
  ['logs by model', '/api/v1/llm/logs?limit=50&model=model-13'],
  ['logs by key', '/api/v1/llm/logs?limit=50&key=bk301'],
  ['logs by status', '/api/v1/llm/logs?limit=50&status=error'],
  ['logs by tool', '/api/v1/llm/logs?limit=50&tool=codex'],
  ['logs by provider', '/api/v1/llm/logs?limit=50&provider=bench-3'],
  ['logs by rare model', '/api/v1/llm/logs?limit=50&model=model-19'],
  ['usage 7d', '/api/v1/llm/usage?period=7d'],
  ['usage 90d', '/api/v1/llm/usage?period=90d'],
  ['usage users 30d', '/api/v1/llm/usage/users?period=30d'],
  ['live', '/api/v1/llm/live'],
  // A logged request read back by its id (Re-trace; the rules tester and feedback look it up the same way): one of
  // the first rows generated (about 90 days old), and an id that is in no row (a 404 after the lookup).
  ['re-trace, a 90-day-old request', 'POST /api/v1/llm/routing/trace {"requestId":"bench-1"}'],
  ['re-trace, an unknown request id', 'POST /api/v1/llm/routing/trace {"requestId":"no-such-request"}'],
  // The floor in the same minutes: a request that does no database work (this machine is shared; see the load).
  ['health (no database)', '/health'],
];

interface ReadResult {
  name: string;
  path: string;
  medianMs: number;
  p95Ms: number;
  targetMs: number | null;
  met: boolean | null;
}
interface Checkpoint {
  rows: number;
  hourlyRows: number;
  dailyRows: number;
  tableMb: number;
  indexMb: number;
  writer: { rows: number; rowsPerSecond: number; batchMedianMs: number; batchP95Ms: number };
  reads: ReadResult[];
  /** The machine's 1-minute load average before and after the reads (it is shared with other work). */
  load: [number, number];
}

async function main() {
  const { pg } = await import(join(ROOT, 'prisma/index.js'));
  const { createDatabase } = await import(join(ROOT, 'apps/api/dist/db/client.js'));
  const { seedDatabase } = await import(join(ROOT, 'apps/api/dist/seed/seed.js'));
  const { usageRow, writeUsageRows } = await import(join(ROOT, 'apps/api/dist/metering/writer.js'));
  const dbName = REUSE ?? `sy_dash_bench_${process.pid}`;
  const admin: PgClient = new pg.Client({ connectionString: PG_ADMIN });
  await admin.connect();
  if (!REUSE) {
    await admin.query(`DROP DATABASE IF EXISTS ${dbName}`);
    await admin.query(`CREATE DATABASE ${dbName}`);
  }
  const url = new URL(PG_ADMIN);
  url.pathname = `/${dbName}`;
  const databaseUrl = url.toString();
  let proc: ChildProcess | undefined;
  let c: PgClient | undefined;
  let db: (Db & { prisma: unknown }) | undefined;
  try {
    db = (await createDatabase({ databaseUrl, dataDir: '' })) as Db & { prisma: unknown };
    c = new pg.Client({ connectionString: databaseUrl }) as PgClient;
    c.on('error', () => {});
    await c.connect();
    if (!REUSE) {
      await seedDatabase(db.prisma, { adminEmail: 'admin@localhost', adminPassword: PASSWORD, env: {} });
      await seedDirectory(c);
    }

    const results: Checkpoint[] = [];
    let genMs = 0;
    let writerRows = 0;
    /** The writer, then the reads over HTTP, at the table's current size. */
    const measure = async (pgc: PgClient, database: Db) => {
      const writer = await measureWriter(database, usageRow, writeUsageRows);
      writerRows += writer.rows;
      console.log(
        `writer: ${fmt(writer.rowsPerSecond)} rows/s (batch of ${WRITER_BATCH}: median ${writer.batchMedianMs} ms)`,
      );
      await pgc.query('ANALYZE "UsageRecord", "UsageHourly", "UsageDaily"');
      const sizes = (
        await pgc.query(`SELECT (SELECT count(*) FROM "UsageRecord") AS raw, (SELECT count(*) FROM "UsageHourly") AS hourly,
          (SELECT count(*) FROM "UsageDaily") AS daily, pg_table_size('"UsageRecord"') AS tbl, pg_indexes_size('"UsageRecord"') AS idx`)
      ).rows[0]!;
      proc = await startServer(databaseUrl);
      const loadBefore = round1(loadavg()[0]!);
      const reads = await measureReads();
      const load: [number, number] = [loadBefore, round1(loadavg()[0]!)];
      proc.kill('SIGTERM');
      await new Promise((r) => proc!.once('exit', r));
      proc = undefined;
      results.push({
        rows: Number(sizes.raw),
        hourlyRows: Number(sizes.hourly),
        dailyRows: Number(sizes.daily),
        tableMb: Math.round(Number(sizes.tbl) / 1048576),
        indexMb: Math.round(Number(sizes.idx) / 1048576),
        writer,
        reads,
        load,
      });
    };

    const checkpoints = REUSE ? [] : [...new Set([Math.min(CHECKPOINT, ROWS), ROWS])];
    for (const target of checkpoints) {
      // Each checkpoint is its own 90-day table of that size (the smaller one is emptied first).
      await c.query('TRUNCATE "UsageRecord", "UsageHourly", "UsageDaily" RESTART IDENTITY');
      const start = new Date(Date.now() - SPAN_DAYS * 86_400_000);
      // Bulk load: the raw table's secondary indexes are dropped while the rows go in and built again after (the
      // same indexes, many times faster than growing them row by row); the writer and the reads then see all of them.
      const secondary = (
        await c.query(
          `SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'UsageRecord' AND indexname <> 'UsageRecord_pkey'`,
        )
      ).rows.map((r) => ({ name: String(r.indexname), def: String(r.indexdef) }));
      for (const i of secondary) await c.query(`DROP INDEX "${i.name}"`);
      let generated = 0;
      while (generated < target) {
        const hi = Math.min(target, generated + CHUNK);
        const t = performance.now();
        const maxId = Number(
          (await c.query('SELECT coalesce(max(id), 0) AS m FROM "UsageRecord"')).rows[0]!.m,
        );
        await c.query(GENERATE, [generated, hi, start.toISOString(), `${SPAN_DAYS} days`, target]);
        await c.query(ROLLUP_HOURLY, [maxId]);
        await c.query(ROLLUP_DAILY, [maxId]);
        genMs += performance.now() - t;
        generated = hi;
        console.log(
          `generated ${fmt(generated)} / ${fmt(target)} rows (${((performance.now() - t) / 1000).toFixed(1)} s for this chunk)`,
        );
      }
      const ti = performance.now();
      await c.query(`SET maintenance_work_mem = '256MB'`);
      for (const i of secondary) await c.query(i.def);
      genMs += performance.now() - ti;
      console.log(`built ${secondary.length} indexes in ${((performance.now() - ti) / 1000).toFixed(1)} s`);
      // A steady-state table: autovacuum would have visited it (visibility map, statistics).
      await c.query('VACUUM (ANALYZE) "UsageRecord", "UsageHourly", "UsageDaily"');
      await measure(c, db);
    }
    if (REUSE) await measure(c, db);
    const indexes = (
      await c.query(`SELECT indexname FROM pg_indexes WHERE tablename = 'UsageRecord' ORDER BY indexname`)
    ).rows.map((r) => String(r.indexname));
    write({ generatedSeconds: Math.round(genMs / 1000), writerRows, indexes, results });
  } catch (err) {
    console.error(err);
    process.exitCode = 1;
  } finally {
    if (proc) {
      proc.kill('SIGTERM');
      await sleep(500);
    }
    await c?.end().catch(() => {});
    await db?.close().catch(() => {});
    if (KEEP)
      console.log(`kept database ${dbName}: measure it again with --reuse=${dbName}, drop it when done`);
    else await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
    await admin.end();
  }
}

/** The bench's directory: 5 providers, 20 models, 200 users, 20 organisations, 10 apps and 400 keys. */
async function seedDirectory(c: PgClient) {
  await c.query(`INSERT INTO "Provider" ("id","type","name","slug","baseUrl","status","updatedAt")
    SELECT 'bp' || p, 'custom', 'Bench provider ' || p, 'bench-' || p, 'http://127.0.0.1:9/v1', 'active', now() FROM generate_series(0, 4) p`);
  await c.query(`INSERT INTO "Model" ("id","providerId","modelId","displayName","priceInputPer1M","priceOutputPer1M","updatedAt")
    SELECT 'bm' || m, 'bp' || (m % 5), 'model-' || m, 'Model ' || m, 0.1 + m * 0.2, 0.4 + m * 0.8, now() FROM generate_series(0, 19) m`);
  await c.query(
    `INSERT INTO "User" ("id","email","role","updatedAt") SELECT 'bu' || u, 'user' || u || '@bench.local', 'user', now() FROM generate_series(0, 199) u`,
  );
  await c.query(
    `INSERT INTO "Organization" ("id","name","slug","updatedAt") SELECT 'bo' || o, 'Org ' || o, 'org-' || o, now() FROM generate_series(0, 19) o`,
  );
  await c.query(
    `INSERT INTO "App" ("id","name","slug","updatedAt") SELECT 'ba' || a, 'App ' || a, 'app-' || a, now() FROM generate_series(0, 9) a`,
  );
  await c.query(`INSERT INTO "GatewayKey" ("id","keyHash","prefix","name","ownerType","userId","updatedAt")
    SELECT 'bk' || k, md5('k' || k), 'sy-' || lpad(k::text, 7, '0'), 'key ' || k, 'user', 'bu' || (k / 2), now() FROM generate_series(0, 399) k`);
}

/** Rows/s through the usage writer: `--writer-rows` realistic rows (dated now) in sequential batches of 500. */
async function measureWriter(
  db: Db,
  usageRow: (r: unknown) => string,
  writeUsageRows: (db: Db, rows: string[]) => Promise<void>,
): Promise<Checkpoint['writer']> {
  const rows: string[] = [];
  const now = Date.now();
  for (let i = 0; i < WRITER_ROWS; i++) {
    const u = (i * 7919) % 200;
    const k = u * 2 + (i % 2);
    const m = u % 19;
    rows.push(
      usageRow({
        createdAt: new Date(now - ((WRITER_ROWS - i) % 60_000)),
        requestId: `w-${now}-${i}`,
        gatewayKeyId: `bk${k}`,
        userId: `bu${u}`,
        orgId: `bo${u % 20}`,
        appId: `ba${k % 10}`,
        endpoint: 'chat.completions',
        requestedModel: `model-${m}`,
        providerId: `bp${m % 5}`,
        providerSlug: `bench-${m % 5}`,
        modelId: `model-${m}`,
        tokensIn: 200 + (i % 3000),
        tokensOut: 50 + (i % 900),
        tokensCached: 0,
        costUsd: 0.00123,
        savedUsd: 0,
        latencyMs: 80 + (i % 2900),
        ttftMs: i % 3 === 0 ? 40 + (i % 400) : null,
        status: i % 50 === 0 ? 502 : 200,
        errorCode: i % 50 === 0 ? 'upstream_error' : null,
        isByok: u % 10 === 0,
        stream: i % 3 === 0,
        attempts: 1,
        trace: {
          plan: { requested: `model-${m}`, order: [`bench-${m % 5}/model-${m}`] },
          attempts: [{ target: `bench-${m % 5}/model-${m}`, outcome: 'ok', ms: 80 + (i % 2900) }],
        },
        client: {
          tool: 'claude-code',
          version: '1.0.0',
          userAgent: 'claude-cli/1.0.0 (external, cli)',
          app: null,
          originator: null,
          sessionId: `sess-w-${k}`,
        },
      }),
    );
  }
  const batchMs: number[] = [];
  const t0 = performance.now();
  for (let i = 0; i < rows.length; i += WRITER_BATCH) {
    const t = performance.now();
    await writeUsageRows(db, rows.slice(i, i + WRITER_BATCH));
    batchMs.push(performance.now() - t);
  }
  const seconds = (performance.now() - t0) / 1000;
  return {
    rows: rows.length,
    rowsPerSecond: Math.round(rows.length / seconds),
    batchMedianMs: round1(pct(batchMs, 50)),
    batchP95Ms: round1(pct(batchMs, 95)),
  };
}

async function startServer(databaseUrl: string): Promise<ChildProcess> {
  const proc = spawn(process.execPath, ['apps/api/dist/main.js'], {
    cwd: ROOT,
    env: {
      ...process.env,
      PORT: String(PORT),
      HOST: '127.0.0.1',
      DATABASE_URL: databaseUrl,
      ADMIN_PASSWORD: PASSWORD,
      LOG_LEVEL: 'warn',
      SERVE_WEB: 'false',
      USAGE_RETENTION_DAYS: '',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  for (let i = 0; ; i++) {
    if (i > 600) throw new Error('Switchyard did not become ready');
    try {
      if ((await fetch(`http://127.0.0.1:${PORT}/ready`)).ok) return proc;
    } catch {
      /* starting */
    }
    await sleep(100);
  }
}

async function measureReads(): Promise<ReadResult[]> {
  const base = `http://127.0.0.1:${PORT}`;
  const login = await fetch(`${base}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'admin@localhost', password: PASSWORD }),
  });
  const token = ((await login.json()) as { token: string }).token;
  /** A GET path, or `POST <path> <json body>`; a 404 counts as an answer (the unknown request id's). */
  const get = async (path: string) => {
    const post = /^POST (\S+) (.*)$/.exec(path);
    const s = performance.now();
    const r = await fetch(`${base}${post ? post[1] : path}`, {
      method: post ? 'POST' : 'GET',
      headers: { authorization: `Bearer ${token}`, ...(post ? { 'content-type': 'application/json' } : {}) },
      ...(post ? { body: post[2] } : {}),
    });
    const body = await r.text();
    if (!r.ok && r.status !== 404) throw new Error(`${path}: ${r.status} ${body.slice(0, 200)}`);
    return performance.now() - s;
  };
  const out: ReadResult[] = [];
  for (const [name, path] of CASES) {
    const target = TARGETS[name] ?? null;
    // The reads without a target are for reference: fewer samples (a slow one must not stretch the run).
    for (let i = 0; i < (target === null ? 1 : 3); i++) await get(path); // warm-up
    const ms: number[] = [];
    for (let i = 0; i < (target === null ? Math.min(SAMPLES, 10) : SAMPLES); i++) ms.push(await get(path));
    const median = pct(ms, 50);
    const row = {
      name,
      path,
      medianMs: round1(median),
      p95Ms: round1(pct(ms, 95)),
      targetMs: target,
      met: target === null ? null : median < target,
    };
    out.push(row);
    console.log(
      `${name.padEnd(20)} median ${String(row.medianMs).padStart(7)} ms  p95 ${String(row.p95Ms).padStart(7)} ms${target ? `  (target < ${target} ms: ${row.met ? 'met' : 'MISSED'})` : ''}`,
    );
  }
  return out;
}

function write(run: {
  generatedSeconds: number;
  writerRows: number;
  indexes: string[];
  results: Checkpoint[];
}) {
  const date = new Date().toISOString();
  mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
  writeFileSync(
    join(ROOT, `bench/results/${OUT}.json`),
    JSON.stringify({ date, samples: SAMPLES, writerBatch: WRITER_BATCH, ...run }, null, 2) + '\n',
  );
  const cps = run.results;
  const md = [
    `# Dashboard reads and the usage insert path at ${fmt(cps.at(-1)!.rows)} rows (PostgreSQL)`,
    '',
    `${date} · \`pnpm --filter @switchyard/bench bench:dashboard -- ${REUSE ? `--reuse=${REUSE}` : `--rows=${ROWS}`}\` · ${SAMPLES} samples per read after 3 warm-ups, over HTTP`,
    `against apps/api/dist/main.js · ${REUSE ? 'a table an earlier run generated and kept' : `rows generated server-side in ${fmt(run.generatedSeconds)} s`} (90 days, rollups built to match, raw indexes built after the load)`,
    `· raw-table indexes: ${run.indexes.map((i) => `\`${i}\``).join(', ')}`,
    '',
    '## Insert path (the usage writer, sequential batches of 500 rows, rollups included)',
    '',
    '| rows in the table | rows written | rows/s | batch median | batch p95 |',
    '|---:|---:|---:|---:|---:|',
    ...cps.map(
      (c) =>
        `| ${fmt(c.rows)} | ${fmt(c.writer.rows)} | ${fmt(c.writer.rowsPerSecond)} | ${c.writer.batchMedianMs} ms | ${c.writer.batchP95Ms} ms |`,
    ),
    '',
    '## Reads (median / p95)',
    '',
    `| read | ${cps.map((c) => `at ${fmt(c.rows)} rows`).join(' | ')} | target (median, at the largest) |`,
    `|---|${cps.map(() => '---:|').join('')}---|`,
    ...cps[0]!.reads.map((r, i) => {
      const last = cps.at(-1)!.reads[i]!;
      return `| \`${r.path.replace('/api/v1', '')}\` | ${cps.map((c) => `${c.reads[i]!.medianMs} / ${c.reads[i]!.p95Ms} ms`).join(' | ')} | ${last.targetMs ? `< ${last.targetMs} ms: ${last.met ? 'met' : '**missed**'}` : '—'} |`;
    }),
    '',
    `Reads with a target: ${SAMPLES} samples after 3 warm-ups; the others (for reference): ${Math.min(SAMPLES, 10)} after 1.`,
    '',
    '## Sizes and machine load',
    '',
    '| raw rows | hourly rollup rows | daily rollup rows | raw table | raw indexes | load average (1 min) during the reads |',
    '|---:|---:|---:|---:|---:|---|',
    ...cps.map(
      (c) =>
        `| ${fmt(c.rows)} | ${fmt(c.hourlyRows)} | ${fmt(c.dailyRows)} | ${fmt(c.tableMb)} MB | ${fmt(c.indexMb)} MB | ${c.load[0]} → ${c.load[1]} (2 cores) |`,
    ),
    '',
  ].join('\n');
  writeFileSync(join(ROOT, `bench/results/${OUT}.md`), md);
  console.log(`\nwrote bench/results/${OUT}.{md,json}`);
}

await main();
