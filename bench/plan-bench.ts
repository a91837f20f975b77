/**
 * Micro-benchmark of the routing engine's plan() for 5 and 50 candidates (not a test: nothing here asserts a
 * time). It measures the built package, as the server runs it, so build first:
 *
 *   pnpm --filter @switchyard/core build && pnpm exec tsx bench/plan-bench.ts      (from the repo root)
 *   pnpm --filter @switchyard/bench bench:plan
 *
 * Each plan() call is timed on its own (process.hrtime.bigint around the call, ~50 ns of overhead included);
 * the median and p99 of 20 000 timed calls after 20 000 warm-up calls are printed per scenario. The state view is
 * Map-backed with live counters (as the API's in-memory store is), the caller has a key RPM bucket and a weekly
 * budget, and every provider has its own rate-limit bucket, so each candidate goes through every filter.
 * Target: median under 20 µs for 50 candidates.
 */
import { statSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  bucketKey,
  mulberry32,
  plan,
  type Caller,
  type CircuitState,
  type ModelConfig,
  type PlanInput,
  type ProviderConfig,
  type RoutingConfig,
  type StateView,
} from '@switchyard/core';

const NOW = Date.UTC(2026, 0, 7, 12, 0, 30);

function configWith(n: number): RoutingConfig {
  const providers: ProviderConfig[] = [];
  const models: ModelConfig[] = [];
  for (let i = 0; i < n; i++) {
    providers.push({
      id: `p${i}`,
      slug: `p${i}`,
      type: 'openai',
      status: 'active',
      priority: 1 + (i % 100),
      autoFallback: true,
      keyless: false,
      key: { id: `k${i}`, source: 'provider', usable: true },
      buckets: [
        { name: 'rpm', unit: 'requests', limit: 1000, window: { unit: 'minute', size: 1 }, models: 'all' },
      ],
    });
    models.push({
      id: `m${i}`,
      providerId: `p${i}`,
      modelId: 'shared-model',
      enabled: true,
      priceIn: 1 + (i % 7),
      priceOut: 2 + (i % 5),
      priceCachedIn: null,
      contextWindow: 128_000,
      maxOutputTokens: 4096,
      tier: (['eco', 'balanced', 'precision'] as const)[i % 3]!,
      qualityScore: (i * 13) % 100,
      capabilities: ['chat', 'tools', 'streaming'],
      priority: 100,
      scope: 'global',
    });
  }
  return {
    providers,
    models,
    chains: {},
    strategy: 'balanced',
    maxAttempts: 5,
    maxRetries: 2,
    circuit: { failureThreshold: 5, openMs: 30_000 },
    policyFallback: false,
    aliases: [
      {
        name: 'bench',
        scope: 'global',
        strategy: 'quota-aware',
        targets: models.map((m) => ({ ref: `${m.providerId}/${m.modelId}`, weight: 1 })),
        fallbacks: [],
        enabled: true,
      },
    ],
    powerLevels: [],
  };
}

const caller: Caller = {
  keyId: 'key',
  userId: 'user',
  orgId: null,
  appId: null,
  powerLevel: 'balanced',
  allowedModels: [],
  byok: {},
  orgKeys: {},
  buckets: [
    {
      scope: 'key',
      id: 'key',
      bucket: {
        name: 'rpm',
        unit: 'requests',
        limit: 600,
        window: { unit: 'minute', size: 1 },
        models: 'all',
      },
    },
  ],
  budgets: [{ scope: 'user', id: 'user', limitUsd: 100, period: 'week' }],
};

/** A Map-backed view like the API's in-memory store, with some counters, latencies and in-flight counts set. */
function stateFor(config: RoutingConfig): StateView {
  const counters = new Map<string, number>();
  const latency = new Map<string, number>();
  const inflight = new Map<string, number>();
  const circuits = new Map<string, CircuitState>();
  config.providers.forEach((p, i) => {
    counters.set(bucketKey('provider', p.id, p.buckets[0]!, NOW), (i * 37) % 900);
    latency.set(`${p.id}|m${i}`, 200 + i);
    inflight.set(`${p.id}|m${i}`, i % 4);
  });
  counters.set(bucketKey('key', 'key', caller.buckets[0]!.bucket, NOW), 12);
  return {
    cooldownUntil: () => 0,
    circuit: (t) => circuits.get(t),
    counter: (k) => counters.get(k) ?? 0,
    spend: (k) => counters.get(k) ?? 0,
    inFlight: (t) => inflight.get(t) ?? 0,
    latency: (t) => latency.get(t),
    cursor: () => 0,
    weights: () => undefined,
  };
}

function bench(label: string, n: number, model: string): number {
  const config = configWith(n);
  const input: PlanInput = {
    request: { model, endpoint: 'chat', promptTokens: 500, maxTokens: 256, needs: ['chat'] },
    caller,
    config,
    state: stateFor(config),
    now: NOW,
    rng: mulberry32(42),
  };
  const check = plan(input);
  if (!check.ok || check.trace.candidates.length !== n)
    throw new Error(`bench scenario is wrong: ${JSON.stringify(check.ok ? check.trace.order : check.error)}`);
  for (let i = 0; i < 20_000; i++) plan(input); // warm-up (JIT, index cache)
  const samples = new Float64Array(20_000);
  for (let i = 0; i < samples.length; i++) {
    const t0 = process.hrtime.bigint();
    plan(input);
    samples[i] = Number(process.hrtime.bigint() - t0) / 1000;
  }
  samples.sort();
  const median = samples[Math.floor(samples.length / 2)]!;
  const p99 = samples[Math.floor(samples.length * 0.99)]!;
  console.log(
    `${label.padEnd(34)} ${String(n).padStart(3)} candidates   median ${median.toFixed(2).padStart(7)} µs   p99 ${p99.toFixed(2).padStart(7)} µs`,
  );
  return median;
}

/** Warn when the built package is older than its sources (the numbers would describe old code). */
function warnIfStale(): void {
  const core = join(dirname(fileURLToPath(import.meta.url)), '..', 'packages', 'core');
  try {
    const built = statSync(join(core, 'dist', 'index.js')).mtimeMs;
    const newest = (dir: string): number =>
      Math.max(
        0,
        ...readdirSync(dir, { withFileTypes: true }).map((e) =>
          e.isDirectory()
            ? newest(join(dir, e.name))
            : e.name.endsWith('.test.ts')
              ? 0
              : statSync(join(dir, e.name)).mtimeMs,
        ),
      );
    if (newest(join(core, 'src')) > built)
      console.warn(
        'warning: packages/core/dist is older than its sources; run `pnpm --filter @switchyard/core build` first',
      );
  } catch {
    console.warn('warning: packages/core/dist not found; run `pnpm --filter @switchyard/core build` first');
  }
}

warnIfStale();
console.log(`plan() micro-benchmark — node ${process.version}, ${new Date().toISOString()}`);
bench('bare model id, balanced strategy', 5, 'shared-model');
const bare50 = bench('bare model id, balanced strategy', 50, 'shared-model');
bench('alias, quota-aware strategy', 5, 'bench');
const alias50 = bench('alias, quota-aware strategy', 50, 'bench');
const worst = Math.max(bare50, alias50);
console.log(
  `target: median under 20 µs for 50 candidates → ${worst < 20 ? 'met' : 'MISSED'} (slowest median ${worst.toFixed(2)} µs)`,
);
