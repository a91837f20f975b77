/**
 * Dashboard queries on 1,000,000 usage rows in PostgreSQL: `GET /api/v1/llm/stats`, `GET /api/v1/llm/usage?period=30d`
 * and the first page of `GET /api/v1/llm/logs`, each timed over HTTP against a real Switchyard process.
 *
 * Rows are generated in SQL (60 days of traffic, newest last so ids follow time; 200 users with two keys each,
 * each user on two of 20 models across 5 providers, 2 % errors, 10 % of users on BYOK) and rolled up exactly as
 * the usage writer does (hourly and daily). Run: `pnpm --filter @switchyard/bench bench:dashboard` (needs `pnpm build` first).
 * Env: BENCH_PG_URL (admin connection), BENCH_ROWS (default 1,000,000), BENCH_SAMPLES (default 30).
 */
import { spawn } from 'node:child_process';
import { writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

const ROOT = new URL('..', import.meta.url).pathname;
const PG_ADMIN = process.env.BENCH_PG_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000);
const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 30);
const PORT = 19300;
const PASSWORD = 'bench-admin-password';

const TARGETS: Record<string, number> = { stats: 150, 'usage?period=30d': 150, 'logs (first page)': 50 };

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
}

async function main() {
  const { pg } = await import(join(ROOT, 'prisma/index.js'));
  const { createDatabase } = await import(join(ROOT, 'apps/api/dist/db/client.js'));
  const { seedDatabase } = await import(join(ROOT, 'apps/api/dist/seed/seed.js'));
  const dbName = `sy_dash_bench_${process.pid}`;
  const admin = new pg.Client({ connectionString: PG_ADMIN });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${dbName}`);
  await admin.query(`CREATE DATABASE ${dbName}`);
  const url = new URL(PG_ADMIN);
  url.pathname = `/${dbName}`;
  const databaseUrl = url.toString();
  let proc: ReturnType<typeof spawn> | undefined;
  try {
    const db = await createDatabase({ databaseUrl, dataDir: '' });
    await seedDatabase(db.prisma, { adminEmail: 'admin@localhost', adminPassword: PASSWORD, env: {} });
    await db.close();

    const c = new pg.Client({ connectionString: databaseUrl });
    c.on('error', () => {});
    await c.connect();
    const t0 = performance.now();
    await c.query(`INSERT INTO "Provider" ("id","type","name","slug","baseUrl","status","updatedAt")
      SELECT 'bp' || p, 'custom', 'Bench provider ' || p, 'bench-' || p, 'http://127.0.0.1:9/v1', 'active', now() FROM generate_series(0, 4) p`);
    await c.query(`INSERT INTO "Model" ("id","providerId","modelId","displayName","priceInputPer1M","priceOutputPer1M","updatedAt")
      SELECT 'bm' || m, 'bp' || (m % 5), 'model-' || m, 'Model ' || m, 0.1 + m * 0.2, 0.4 + m * 0.8, now() FROM generate_series(0, 19) m`);
    await c.query(`INSERT INTO "User" ("id","email","role","updatedAt") SELECT 'bu' || u, 'user' || u || '@bench.local', 'user', now() FROM generate_series(0, 199) u`);
    await c.query(`INSERT INTO "GatewayKey" ("id","keyHash","prefix","name","ownerType","userId","updatedAt")
      SELECT 'bk' || k, md5('k' || k), 'sy-' || lpad(k::text, 7, '0'), 'key ' || k, 'user', 'bu' || (k / 2), now() FROM generate_series(0, 399) k`);
    // g → user u = hash-ish spread; that user's key and one of its two models; time runs from 60 days ago to now.
    await c.query(`
      INSERT INTO "UsageRecord" ("createdAt","requestId","gatewayKeyId","userId","endpoint","requestedModel","providerId","providerSlug","modelId",
        "tokensIn","tokensOut","tokensCached","costUsd","savedUsd","latencyMs","ttftMs","status","errorCode","isByok","stream","attempts","trace")
      SELECT now() - (($1::int - g) * (interval '60 days' / $1::int)), 'bench-' || g, 'bk' || (u * 2 + g % 2), 'bu' || u, 'chat', 'model-' || m,
        'bp' || (m % 5), 'bench-' || (m % 5), 'model-' || m, 200 + g % 800, 50 + g % 300, 0,
        CASE WHEN u % 10 = 0 THEN 0 ELSE ((200 + g % 800) * (0.1 + m * 0.2) + (50 + g % 300) * (0.4 + m * 0.8)) / 1e6 END,
        CASE WHEN u % 10 = 0 THEN ((200 + g % 800) * (0.1 + m * 0.2) + (50 + g % 300) * (0.4 + m * 0.8)) / 1e6 ELSE 0 END,
        80 + g % 700, CASE WHEN g % 3 = 0 THEN 40 + g % 200 END, CASE WHEN g % 50 = 0 THEN 502 ELSE 200 END,
        CASE WHEN g % 50 = 0 THEN 'upstream_error' END, u % 10 = 0, g % 3 = 0, 1,
        jsonb_build_object('plan', jsonb_build_object('requested', 'model-' || m), 'attempts', '[]'::jsonb)
      FROM (SELECT g, ((g::bigint * 7919) % 200)::int AS u FROM generate_series(1, $1::int) g) s,
        LATERAL (SELECT CASE WHEN g % 4 = 0 THEN (u * 7 + 3) % 20 ELSE u % 20 END AS m) mm`, [ROWS]);
    await c.query(`
      INSERT INTO "UsageHourly" ("hour","providerId","modelId","userId","orgId","appId","gatewayKeyId","statusClass","isByok",
        "requests","errors","tokensIn","tokensOut","tokensCached","costUsd","savedUsd","latencySumMs","latencyCount","ttftSumMs","ttftCount")
      SELECT date_trunc('hour', "createdAt" AT TIME ZONE 'UTC') AT TIME ZONE 'UTC', coalesce("providerId", ''), coalesce("modelId", ''),
        coalesce("userId", ''), coalesce("orgId", ''), coalesce("appId", ''), coalesce("gatewayKeyId", ''),
        CASE WHEN "status" >= 500 THEN '5xx' WHEN "status" >= 400 THEN '4xx' ELSE '2xx' END, "isByok",
        count(*), count(*) FILTER (WHERE "status" >= 400), sum("tokensIn"), sum("tokensOut"), sum("tokensCached"),
        sum("costUsd"), sum("savedUsd"), sum("latencyMs"), count(*), coalesce(sum("ttftMs"), 0), count("ttftMs")
      FROM "UsageRecord" GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9`);
    await c.query(`
      INSERT INTO "UsageDaily" ("day","providerId","modelId","userId","statusClass","isByok","requests","errors","tokensIn","tokensOut","tokensCached",
        "costUsd","savedUsd","latencySumMs","latencyCount","ttftSumMs","ttftCount")
      SELECT date_trunc('day', "hour" AT TIME ZONE 'UTC') AT TIME ZONE 'UTC', "providerId", "modelId", "userId", "statusClass", "isByok",
        sum("requests"), sum("errors"), sum("tokensIn"), sum("tokensOut"), sum("tokensCached"), sum("costUsd"), sum("savedUsd"),
        sum("latencySumMs"), sum("latencyCount"), sum("ttftSumMs"), sum("ttftCount")
      FROM "UsageHourly" GROUP BY 1, 2, 3, 4, 5, 6`);
    const rollups = await c.query(`SELECT (SELECT count(*) FROM "UsageRecord") AS raw, (SELECT count(*) FROM "UsageHourly") AS hourly, (SELECT count(*) FROM "UsageDaily") AS daily`);
    await c.query('ANALYZE');
    await c.end();
    const genSeconds = (performance.now() - t0) / 1000;
    console.log(`generated ${rollups.rows[0].raw} usage rows (${rollups.rows[0].hourly} hourly and ${rollups.rows[0].daily} daily rollup rows) in ${genSeconds.toFixed(1)} s`);

    proc = spawn(process.execPath, ['apps/api/dist/main.js'], {
      cwd: ROOT,
      env: { ...process.env, PORT: String(PORT), HOST: '127.0.0.1', DATABASE_URL: databaseUrl, ADMIN_PASSWORD: PASSWORD, LOG_LEVEL: 'warn', SERVE_WEB: 'false' },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    const base = `http://127.0.0.1:${PORT}`;
    for (let i = 0; ; i++) {
      if (i > 600) throw new Error('Switchyard did not become ready');
      try {
        if ((await fetch(`${base}/ready`)).ok) break;
      } catch {
        /* starting */
      }
      await sleep(100);
    }
    const login = await fetch(`${base}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'admin@localhost', password: PASSWORD }) });
    const token = ((await login.json()) as { token: string }).token;
    const get = async (path: string) => {
      const s = performance.now();
      const r = await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${token}` } });
      const body = await r.text();
      if (!r.ok) throw new Error(`${path}: ${r.status} ${body.slice(0, 200)}`);
      return { ms: performance.now() - s, body };
    };
    const cases: [string, string][] = [
      ['stats', '/api/v1/llm/stats'],
      ['usage?period=30d', '/api/v1/llm/usage?period=30d'],
      ['logs (first page)', '/api/v1/llm/logs?limit=50'],
      ['usage?period=7d', '/api/v1/llm/usage?period=7d'],
      ['usage?period=90d', '/api/v1/llm/usage?period=90d'],
      ['usage/users?period=30d', '/api/v1/llm/usage/users?period=30d'],
      ['logs filtered by user', '/api/v1/llm/logs?limit=50&user=bu17'],
      ['logs filtered by status', '/api/v1/llm/logs?limit=50&status=error'],
      ['logs filtered by provider', '/api/v1/llm/logs?limit=50&provider=bench-3'],
      ['logs filtered by model', '/api/v1/llm/logs?limit=50&model=model-13'],
      ['live', '/api/v1/llm/live'],
    ];
    const results = [];
    for (const [name, path] of cases) {
      for (let i = 0; i < 3; i++) await get(path); // warm-up
      const ms: number[] = [];
      for (let i = 0; i < SAMPLES; i++) ms.push((await get(path)).ms);
      const target = TARGETS[name];
      const row = { name, path, medianMs: Math.round(pct(ms, 50) * 10) / 10, p95Ms: Math.round(pct(ms, 95) * 10) / 10, targetMs: target ?? null, met: target === undefined ? null : pct(ms, 50) < target };
      results.push(row);
      console.log(`${name.padEnd(26)} median ${String(row.medianMs).padStart(7)} ms  p95 ${String(row.p95Ms).padStart(7)} ms${target ? `  (target < ${target} ms: ${row.met ? 'met' : 'MISSED'})` : ''}`);
    }
    const date = new Date().toISOString();
    mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
    writeFileSync(join(ROOT, 'bench/results/dashboard.json'), JSON.stringify({ date, rows: Number(rollups.rows[0].raw), hourlyRows: Number(rollups.rows[0].hourly), dailyRows: Number(rollups.rows[0].daily), samples: SAMPLES, results }, null, 2));
    const md = [
      `# Dashboard queries on ${Number(rollups.rows[0].raw).toLocaleString('en')} usage rows (PostgreSQL)`,
      '',
      `${date} · ${SAMPLES} samples per query after 3 warm-ups · over HTTP against apps/api/dist/main.js · rollup rows: ${Number(rollups.rows[0].hourly).toLocaleString('en')} hourly, ${Number(rollups.rows[0].daily).toLocaleString('en')} daily`,
      '',
      '| query | median | p95 | target (median) |',
      '|---|---:|---:|---|',
      ...results.map((r) => `| \`${r.path}\` | ${r.medianMs} ms | ${r.p95Ms} ms | ${r.targetMs ? `< ${r.targetMs} ms: ${r.met ? 'met' : '**missed**'}` : '—'} |`),
      '',
    ].join('\n');
    writeFileSync(join(ROOT, 'bench/results/dashboard.md'), md);
    console.log('\nwrote bench/results/dashboard.{md,json}');
  } catch (err) {
    console.error(err);
    process.exitCode = 1;
  } finally {
    proc?.kill('SIGTERM');
    await sleep(500);
    await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
    await admin.end();
  }
}

await main();
