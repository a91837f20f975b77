/**
 * The what-if simulator at scale, on PostgreSQL: 1,000,000 recorded requests replayed through the real service
 * code (`WhatIfService.run`: keyset batches of raw rows, callers resolved once each, plan() per request on both
 * sides) under two candidate changes. Target: ≤ 30 s for 1,000,000 rows, database reads included.
 *
 * The data (generated server-side with generate_series, 30 days, ids in time order): 20 organisations, 200 users
 * with a key each, 20 models on 5 providers, requests naming a model directly (60 %), its bare id (20 %) or the
 * `chat.default` alias (weighted over three models, 20 %); 5 % needed tools and carry max_tokens in the stored
 * trace (the proxy's replay facts), 2 % failed (not replayed).
 *
 * Run: `pnpm build`, then `pnpm bench:whatif` (`-- --rows=200000` for a quick run).
 * Env: BENCH_PG_URL (an admin connection; the database switchyard_bench_whatif is created and dropped).
 * Writes bench/results/<date>-whatif.md.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const ROOT = new URL('..', import.meta.url).pathname;
const PG_ADMIN = process.env.BENCH_PG_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const DB_NAME = 'switchyard_bench_whatif';
const { values: flags } = parseArgs({
  args: process.argv.slice(2).filter((a) => a !== '--'),
  options: {
    rows: { type: 'string', default: process.env.BENCH_ROWS ?? '1000000' },
    /** Keep the database afterwards (to look at query plans); drop it with the next run. */
    keep: { type: 'boolean', default: false },
  },
  allowPositionals: true,
});
const ROWS = Number(String(flags.rows).replace(/[_,]/g, ''));
if (!Number.isInteger(ROWS) || ROWS < 1) throw new Error(`--rows must be a whole number above 0`);
const DAYS = 30;
const CHUNK = 250_000;

interface PgClient {
  query(sql: string, params?: unknown[]): Promise<{ rows: Record<string, unknown>[] }>;
  connect(): Promise<void>;
  end(): Promise<void>;
  on(event: 'error', fn: () => void): void;
}

/** Rows g in [lo, hi): row g at start + g × (30 days / total). */
const GENERATE = `
INSERT INTO "UsageRecord" ("createdAt","requestId","gatewayKeyId","userId","orgId","endpoint","requestedModel","providerId",
  "providerSlug","modelId","tokensIn","tokensOut","tokensCached","costUsd","latencyMs","status","trace")
SELECT $3::timestamptz + g * ($4::interval / $5::bigint), 'wb-' || g, 'bk' || u, 'bu' || u, 'bo' || (u % 20),
  CASE WHEN g % 10 = 0 THEN 'messages' ELSE 'chat.completions' END,
  CASE WHEN g % 5 = 0 THEN 'chat.default' WHEN g % 5 = 1 THEN 'model-' || m ELSE 'bench-' || (m % 5) || '/model-' || m END,
  'bp' || (m % 5), 'bench-' || (m % 5), 'model-' || m, tin, tout, CASE WHEN g % 4 = 0 THEN tin / 2 ELSE 0 END,
  (tin * (0.1 + m * 0.2) + tout * (0.4 + m * 0.8)) / 1e6, 80 + (h % 2900),
  CASE WHEN g % 50 = 0 THEN 502 ELSE 200 END,
  CASE WHEN g % 20 = 0
    THEN ('{"facts":{"needs":["tools"],"maxTokens":' || (256 + h % 1024) || '},"plan":{"requested":"model-' || m || '"},"attempts":[]}')::json
    ELSE json_build_object('plan', json_build_object('requested', 'model-' || m, 'order', json_build_array('bench-' || (m % 5) || '/model-' || m)),
      'attempts', json_build_array(json_build_object('target', 'bench-' || (m % 5) || '/model-' || m, 'outcome', 'ok', 'ms', 80 + h % 2900)))
  END
FROM (
  SELECT g, h, (h % 200)::int AS u, ((h / 7) % 20)::int AS m, 200 + (h % 3000)::int AS tin, 50 + (h % 900)::int AS tout
  FROM (SELECT g, ((g * 40503 + 12345) % 1000003) AS h FROM generate_series($1::bigint, $2::bigint - 1) g) s0
) s`;

async function main() {
  const { pg } = await import(join(ROOT, 'prisma/index.js'));
  const { createDatabase } = await import(join(ROOT, 'apps/api/dist/db/client.js'));
  const { seedDatabase } = await import(join(ROOT, 'apps/api/dist/seed/seed.js'));
  const { createApp } = await import(join(ROOT, 'apps/api/dist/app.js'));
  const { loadEnv } = await import(join(ROOT, 'apps/api/dist/config/env.js'));
  const { createLogger } = await import(join(ROOT, 'apps/api/dist/lib/logger.js'));
  const { SecretBox } = await import(join(ROOT, 'apps/api/dist/lib/secrets.js'));
  const { WhatIfService } = await import(join(ROOT, 'apps/api/dist/modules/whatif/whatif.service.js'));

  const admin: PgClient = new pg.Client({ connectionString: PG_ADMIN });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${DB_NAME}`);
  await admin.query(`CREATE DATABASE ${DB_NAME}`);
  const url = new URL(PG_ADMIN);
  url.pathname = `/${DB_NAME}`;
  let app: { close(): Promise<void>; ctx: unknown; routing: { reload(): Promise<void> } } | undefined;
  let db: { prisma: unknown; close(): Promise<void> } | undefined;
  let c: PgClient | undefined;
  try {
    db = await createDatabase({ databaseUrl: url.toString(), dataDir: '' });
    await seedDatabase(db!.prisma, {
      adminEmail: 'admin@localhost',
      adminPassword: 'bench-password',
      env: {},
    });
    c = new pg.Client({ connectionString: url.toString() }) as PgClient;
    c.on('error', () => {});
    await c.connect();
    await c.query(`INSERT INTO "Provider" ("id","type","name","slug","baseUrl","status","autoFallback","updatedAt")
      SELECT 'bp' || p, 'custom', 'Bench provider ' || p, 'bench-' || p, 'http://127.0.0.1:9/v1', 'active', true, now() FROM generate_series(0, 4) p`);
    await c.query(`INSERT INTO "Model" ("id","providerId","modelId","displayName","priceInputPer1M","priceOutputPer1M",
        "contextWindow","qualityTier","capabilities","updatedAt")
      SELECT 'bm' || m, 'bp' || (m % 5), 'model-' || m, 'Model ' || m, 0.1 + m * 0.2, 0.4 + m * 0.8, 128000,
        (ARRAY['eco','balanced','precision'])[(m % 3) + 1], ARRAY['chat','tools','streaming'], now() FROM generate_series(0, 19) m`);
    // A bare id served by two providers: the global strategy decides between them.
    await c.query(`INSERT INTO "Model" ("id","providerId","modelId","displayName","priceInputPer1M","priceOutputPer1M",
        "contextWindow","qualityTier","capabilities","updatedAt")
      SELECT 'bx' || m, 'bp' || ((m + 1) % 5), 'model-' || m, 'Model ' || m || ' (second provider)', 0.05 + m * 0.1,
        0.2 + m * 0.4, 128000, 'balanced', ARRAY['chat'], now() FROM generate_series(0, 19, 4) m`);
    await c.query(`UPDATE "Alias" SET "strategy" = 'weighted',
      "targets" = '[{"ref":"bench-1/model-1","weight":3},{"ref":"bench-2/model-2","weight":2},{"ref":"bench-3/model-3","weight":1}]'::jsonb
      WHERE "name" = 'chat.default'`);
    await c.query(
      `INSERT INTO "Organization" ("id","name","slug","updatedAt") SELECT 'bo' || o, 'Org ' || o, 'org-' || o, now() FROM generate_series(0, 19) o`,
    );
    await c.query(
      `INSERT INTO "User" ("id","email","role","updatedAt") SELECT 'bu' || u, 'user' || u || '@bench.local', 'user', now() FROM generate_series(0, 199) u`,
    );
    await c.query(`INSERT INTO "GatewayKey" ("id","keyHash","prefix","name","ownerType","userId","updatedAt")
      SELECT 'bk' || k, md5('k' || k), 'sy-' || lpad(k::text, 7, '0'), 'key ' || k, 'user', 'bu' || k, now() FROM generate_series(0, 199) k`);

    const now = Date.now();
    const start = new Date(now - DAYS * 86_400_000);
    const genStart = performance.now();
    for (let lo = 0; lo < ROWS; lo += CHUNK)
      await c.query(GENERATE, [lo, Math.min(ROWS, lo + CHUNK), start.toISOString(), `${DAYS} days`, ROWS]);
    await c.query('ANALYZE "UsageRecord"');
    const genS = (performance.now() - genStart) / 1000;
    console.log(`generated ${ROWS.toLocaleString('en')} rows in ${genS.toFixed(1)} s`);

    const env = loadEnv({ LOG_LEVEL: 'silent', SERVE_WEB: 'false', HEALTH_CHECK_TICK_MS: '0' });
    app = await createApp({
      env,
      db,
      logger: createLogger('silent'),
      secrets: new SecretBox(randomBytes(32)),
      processEnv: {},
    });
    const svc = new WhatIfService(app!.ctx, app!.routing);
    const body = (change: unknown) => ({
      from: new Date(start.getTime() - 1000),
      to: new Date(now + 1000),
      change,
    });
    const runs: { name: string; change: unknown }[] = [
      { name: 'strategy → cost', change: { strategy: 'cost' } },
      {
        name: 'provider bench-2 disabled, chat.default re-weighted',
        change: {
          disableProviders: ['bench-2'],
          aliases: [{ name: 'chat.default', targets: [{ ref: 'bench-4/model-4', weight: 1 }] }],
        },
      },
    ];
    const results: {
      name: string;
      seconds: number;
      rows: number;
      rowsPerS: number;
      changed: number;
      unroutable: number;
      actual: number;
      projected: number;
      load: number;
    }[] = [];
    for (const r of runs) {
      const t = performance.now();
      const out = await svc.run(body(r.change));
      const s = (performance.now() - t) / 1000;
      results.push({
        name: r.name,
        seconds: s,
        rows: out.requests,
        rowsPerS: out.requests / s,
        changed: out.changed,
        unroutable: out.unroutable.count,
        actual: out.actual.costUsd,
        projected: out.projected.costUsd,
        load: loadavg()[0]!,
      });
      console.log(
        `${r.name}: ${out.requests.toLocaleString('en')} requests in ${s.toFixed(1)} s (${Math.round(out.requests / s).toLocaleString('en')} rows/s), changed ${out.changed}, unroutable ${out.unroutable.count}${out.truncated ? ' (TRUNCATED)' : ''}`,
      );
    }
    const date = new Date().toISOString().slice(0, 10);
    const md = [
      `# What-if simulator: ${ROWS.toLocaleString('en')} recorded requests (${date})`,
      '',
      `\`pnpm bench:whatif${ROWS === 1_000_000 ? '' : ` -- --rows=${ROWS}`}\` on PostgreSQL; generation ${genS.toFixed(1)} s. Target: ≤ 30 s for 1,000,000 rows.`,
      '',
      '| change | requests replayed | seconds | rows/s | changed | unroutable | actual $ | projected $ | load (1 min) |',
      '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
      ...results.map(
        (r) =>
          `| ${r.name} | ${r.rows.toLocaleString('en')} | ${r.seconds.toFixed(1)} | ${Math.round(r.rowsPerS).toLocaleString('en')} | ${r.changed.toLocaleString('en')} | ${r.unroutable.toLocaleString('en')} | ${r.actual.toFixed(2)} | ${r.projected.toFixed(2)} | ${r.load.toFixed(1)} |`,
      ),
      '',
    ].join('\n');
    mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
    writeFileSync(join(ROOT, `bench/results/${date}-whatif.md`), md);
    console.log(md);
  } finally {
    await app?.close().catch(() => {});
    if (!app) await db?.close().catch(() => {});
    await c?.end().catch(() => {});
    if (!flags.keep) await admin.query(`DROP DATABASE IF EXISTS ${DB_NAME} WITH (FORCE)`).catch(() => {});
    await admin.end();
  }
}

await main();
