/**
 * `pnpm bench`: the proxy side by side with a direct call to the mock upstream and a minimal Node proxy, in one
 * run, arms rotated over several rounds, medians reported. Gateways are pinned to CPU 0, the load generator
 * (wrk) and the mock upstream to CPU 1. Writes bench/results/latest.json and latest.md.
 * Env: BENCH_ROUNDS (3), BENCH_SECONDS (5 per wrk run), BENCH_ARMS (comma list to run a subset).
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { cpuSeconds, median, peakRssMb } from './lib/proc.ts';
import { runStreams, type StreamStats } from './lib/stream-client.ts';
import { runWrk, type WrkResult } from './lib/wrk.ts';
import { EXPECTED_STREAM_FRAMES, startMockUpstream } from './mock-upstream.ts';

const ROOT = new URL('..', import.meta.url).pathname;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const MASTER = 'bench-master-key-0123456789abcdef';
const UPSTREAM_PORT = 19100;
const PG_ADMIN = process.env.BENCH_PG_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const CONCURRENCY = [1, 16, 64] as const;

interface Arm {
  name: string;
  url: string;
  model: string;
  headers: Record<string, string>;
  proc?: ChildProcess;
  note?: string;
  cleanup?: () => Promise<void>;
}

function ensureWrk() {
  try {
    execFileSync('wrk', ['--version'], { stdio: 'ignore' });
  } catch (err) {
    if ((err as { code?: string }).code !== 'ENOENT') return; // wrk --version exits 1 but exists
    console.log('installing wrk (apt-get install -y wrk)…');
    execFileSync('apt-get', ['install', '-y', '-qq', 'wrk'], { stdio: 'inherit' });
  }
}

async function waitReady(url: string, ms = 60_000) {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not up yet
    }
    await sleep(200);
  }
  throw new Error(`${url} did not become ready`);
}

function startPinned(args: string[], env: Record<string, string>): ChildProcess {
  return spawn('taskset', ['-c', '0', process.execPath, ...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'inherit'] });
}

/** Provision a database with the seed plus a `bench` provider pointing at the mock upstream. */
async function provision(databaseUrl: string | undefined, dataDir: string) {
  const { createDatabase } = await import(join(ROOT, 'apps/api/dist/db/client.js'));
  const { seedDatabase } = await import(join(ROOT, 'apps/api/dist/seed/seed.js'));
  const db = await createDatabase({ databaseUrl, dataDir });
  await seedDatabase(db.prisma, { adminEmail: 'admin@localhost', adminPassword: 'bench-admin-password', env: {} });
  const p = await db.prisma.provider.create({
    data: { type: 'custom', slug: 'bench', name: 'Bench mock', baseUrl: `http://127.0.0.1:${UPSTREAM_PORT}/v1`, status: 'active', config: { keyless: true }, priority: 1 },
  });
  await db.prisma.model.create({ data: { providerId: p.id, modelId: 'bench-model', displayName: 'Bench', priceInputPer1M: 1, priceOutputPer1M: 2, capabilities: ['chat', 'streaming'], contextWindow: 128_000 } });
  await db.close();
}

async function switchyardArm(name: string, port: number, postgres: boolean): Promise<Arm> {
  const dataDir = mkdtempSync(join(tmpdir(), 'sy-bench-'));
  let databaseUrl: string | undefined;
  let dbName = '';
  if (postgres) {
    const { pg } = await import(join(ROOT, 'prisma/index.js'));
    dbName = `sy_bench_${process.pid}`;
    const c = new pg.Client({ connectionString: PG_ADMIN });
    await c.connect();
    await c.query(`DROP DATABASE IF EXISTS ${dbName}`);
    await c.query(`CREATE DATABASE ${dbName}`);
    await c.end();
    const u = new URL(PG_ADMIN);
    u.pathname = `/${dbName}`;
    databaseUrl = u.toString();
  }
  await provision(databaseUrl, dataDir);
  const proc = startPinned(['apps/api/dist/main.js'], {
    PORT: String(port),
    HOST: '127.0.0.1',
    SWITCHYARD_DATA_DIR: dataDir,
    GATEWAY_MASTER_KEY: MASTER,
    LOG_LEVEL: 'warn',
    ADMIN_PASSWORD: 'bench-admin-password',
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
  });
  await waitReady(`http://127.0.0.1:${port}/ready`);
  return {
    name,
    url: `http://127.0.0.1:${port}/v1/chat/completions`,
    model: 'bench/bench-model',
    headers: { authorization: `Bearer ${MASTER}` },
    proc,
    note: postgres ? 'PostgreSQL' : 'embedded PGlite (its memory is in the RSS)',
    cleanup: async () => {
      if (!postgres) return;
      const { pg } = await import(join(ROOT, 'prisma/index.js'));
      const c = new pg.Client({ connectionString: PG_ADMIN });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
      await c.end();
    },
  };
}

interface ArmResult {
  wrk: Record<number, WrkResult[]>;
  streams: Record<number, StreamStats[]>;
  cpuMsPerReq: number[];
  peakRssMb: number | null;
}

async function measure(arm: Arm, r: ArmResult) {
  const body = JSON.stringify({ model: arm.model, messages: [{ role: 'user', content: 'Hello, benchmark' }] });
  await runWrk({ url: arm.url, body, headers: arm.headers, connections: 16, seconds: 2, cpu: '1' }); // warm-up
  for (const c of CONCURRENCY) {
    const before = arm.proc?.pid ? cpuSeconds(arm.proc.pid) : 0;
    const res = await runWrk({ url: arm.url, body, headers: arm.headers, connections: c, seconds: SECONDS, cpu: '1' });
    (r.wrk[c] ??= []).push(res);
    if (c === 64 && arm.proc?.pid && res.requests > 0) r.cpuMsPerReq.push(((cpuSeconds(arm.proc.pid) - before) * 1000) / res.requests);
  }
  const streamBody = JSON.stringify({ model: arm.model, stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: 'Hello, benchmark' }] });
  for (const [c, n] of [[1, 100], [16, 400]] as const) {
    (r.streams[c] ??= []).push(await runStreams({ url: arm.url, body: streamBody, headers: arm.headers, n, concurrency: c, expectedFrames: EXPECTED_STREAM_FRAMES }));
  }
  if (arm.proc?.pid) r.peakRssMb = peakRssMb(arm.proc.pid);
}

async function main() {
  ensureWrk();
  const started = Date.now();
  const upstream = await startMockUpstream(UPSTREAM_PORT);
  // Keep the upstream on CPU 1 with the load generator, away from the gateways.
  try {
    execFileSync('taskset', ['-pc', '1', String(process.pid)], { stdio: 'ignore' });
  } catch {
    // taskset unavailable: results are still comparable within the run
  }
  const wanted = (process.env.BENCH_ARMS ?? 'direct,minimal,switchyard-pg,switchyard-pglite').split(',');
  const arms: Arm[] = [];
  const failed: Record<string, string> = {};
  if (wanted.includes('direct')) arms.push({ name: 'direct', url: `http://127.0.0.1:${UPSTREAM_PORT}/v1/chat/completions`, model: 'bench-model', headers: {} });
  if (wanted.includes('minimal')) {
    const proc = startPinned(['--import', 'tsx', 'bench/minimal-proxy.ts', '19101', `http://127.0.0.1:${UPSTREAM_PORT}`], {});
    await sleep(1500);
    arms.push({ name: 'minimal proxy', url: 'http://127.0.0.1:19101/v1/chat/completions', model: 'bench-model', headers: {}, proc });
  }
  for (const [key, name, port, pg] of [['switchyard-pg', 'Switchyard (PostgreSQL)', 19102, true], ['switchyard-pglite', 'Switchyard (PGlite)', 19103, false]] as const) {
    if (!wanted.includes(key)) continue;
    try {
      arms.push(await switchyardArm(name, port, pg));
    } catch (err) {
      failed[name] = (err as Error).message;
    }
  }
  const results = new Map<string, ArmResult>(arms.map((a) => [a.name, { wrk: {}, streams: {}, cpuMsPerReq: [], peakRssMb: null }]));
  for (let round = 0; round < ROUNDS; round++) {
    const order = arms.map((_, i) => arms[(i + round) % arms.length]!);
    for (const arm of order) {
      process.stdout.write(`round ${round + 1}/${ROUNDS}: ${arm.name}\n`);
      await measure(arm, results.get(arm.name)!);
    }
  }

  const direct = results.get('direct');
  const p50Direct = direct ? median(direct.wrk[1]!.map((w) => w.p50)) : Number.NaN;
  const ttfcDirect = direct ? median(direct.streams[1]!.map((s) => s.ttfcMs)) : Number.NaN;
  const rows = arms.map((a) => {
    const r = results.get(a.name)!;
    const m = (c: number, k: keyof WrkResult) => median(r.wrk[c]!.map((w) => w[k]));
    const s = (c: number, k: keyof StreamStats) => median(r.streams[c]!.map((x) => x[k]));
    return {
      arm: a.name,
      note: a.note ?? '',
      rps: Object.fromEntries(CONCURRENCY.map((c) => [c, m(c, 'rps')])),
      p50ms: Object.fromEntries(CONCURRENCY.map((c) => [c, m(c, 'p50')])),
      p99ms: Object.fromEntries(CONCURRENCY.map((c) => [c, m(c, 'p99')])),
      errors: CONCURRENCY.reduce((sum, c) => sum + r.wrk[c]!.reduce((x, w) => x + w.errors, 0), 0),
      addedP50msC1: m(1, 'p50') - p50Direct,
      stream: {
        ttfcMsC1: s(1, 'ttfcMs'),
        addedTtfcMsC1: s(1, 'ttfcMs') - ttfcDirect,
        totalMsC1: s(1, 'totalMs'),
        ttfcMsC16: s(16, 'ttfcMs'),
        totalMsC16: s(16, 'totalMs'),
        lostFrames: r.streams[1]!.concat(r.streams[16]!).reduce((x, st) => x + st.lostFrames, 0),
        emptyStreams: r.streams[1]!.concat(r.streams[16]!).reduce((x, st) => x + st.empty, 0),
      },
      cpuMsPerReq: a.proc ? median(r.cpuMsPerReq) : null,
      peakRssMb: r.peakRssMb,
    };
  });
  const minimal = rows.find((r) => r.arm === 'minimal proxy');
  const ratios = rows
    .filter((r) => r.arm.startsWith('Switchyard') && minimal)
    .map((r) => ({
      arm: r.arm,
      addedP50VsMinimal: r.addedP50msC1 / minimal!.addedP50msC1,
      rps64VsMinimal: r.rps[64]! / minimal!.rps[64]!,
      cpuVsMinimal: r.cpuMsPerReq! / minimal!.cpuMsPerReq!,
    }));
  const f = (n: number | null | undefined, d = 2) => (n === null || n === undefined || !Number.isFinite(n) ? 'n/a' : n.toFixed(d));
  const lines = [
    `# Switchyard proxy benchmark — ${new Date().toISOString().slice(0, 10)}`,
    '',
    `Node ${process.version}, ${cpus().length} CPUs (${cpus()[0]?.model ?? 'unknown'}); ${ROUNDS} rounds × ${SECONDS} s per wrk run, medians; gateways on CPU 0, wrk and the mock upstream on CPU 1.`,
    '',
    '| arm | RPS c=1 | RPS c=16 | RPS c=64 | p50 c=1 ms | p99 c=1 ms | p50 c=64 ms | p99 c=64 ms | added p50 c=1 ms | stream TTFC c=1 ms | added TTFC ms | stream total c=16 ms | lost frames | empty streams | CPU ms/req | peak RSS MB |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows.map((r) =>
      `| ${r.arm} | ${f(r.rps[1], 0)} | ${f(r.rps[16], 0)} | ${f(r.rps[64], 0)} | ${f(r.p50ms[1], 3)} | ${f(r.p99ms[1], 3)} | ${f(r.p50ms[64], 2)} | ${f(r.p99ms[64], 2)} | ${r.arm === 'direct' ? '—' : f(r.addedP50msC1, 3)} | ${f(r.stream.ttfcMsC1, 3)} | ${r.arm === 'direct' ? '—' : f(r.stream.addedTtfcMsC1, 3)} | ${f(r.stream.totalMsC16, 2)} | ${r.stream.lostFrames} | ${r.stream.emptyStreams} | ${f(r.cpuMsPerReq, 3)} | ${f(r.peakRssMb, 0)} |`,
    ),
    ...Object.entries(failed).map(([name, why]) => `| ${name} | n/a: ${why.replace(/\|/g, '/')} |`),
    '',
    ...ratios.map((q) => `- ${q.arm}: added p50 at c=1 = ${f(q.addedP50VsMinimal)}× the minimal proxy's (target ≤ 1.2); RPS at c=64 = ${f(q.rps64VsMinimal)}× (target ≥ 0.85); CPU per request = ${f(q.cpuVsMinimal)}× (target ≤ 1.3).`),
    `- Whole run: ${((Date.now() - started) / 1000).toFixed(0)} s.`,
  ];
  const md = lines.join('\n') + '\n';
  process.stdout.write('\n' + md);
  writeFileSync(join(ROOT, 'bench/results/latest.md'), md);
  writeFileSync(join(ROOT, 'bench/results/latest.json'), JSON.stringify({ date: new Date().toISOString(), node: process.version, rounds: ROUNDS, seconds: SECONDS, rows, ratios, failed }, null, 2) + '\n');

  for (const a of arms) a.proc?.kill('SIGTERM');
  await sleep(1500);
  for (const a of arms) await a.cleanup?.().catch(() => undefined);
  upstream.close();
  process.exit(0);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
