/**
 * Micro-benchmark (of the built package, as the server runs it: `pnpm build` first) of the routing engine's plan() for 5 and 50 candidates (not a test: nothing here asserts a
 * time). Run: pnpm --filter @switchyard/bench bench:plan
 */
import {
  EMPTY_STATE,
  mulberry32,
  plan,
  type Caller,
  type ModelConfig,
  type ProviderConfig,
  type RoutingConfig,
} from '@switchyard/core';

function configWith(n: number): RoutingConfig {
  const providers: ProviderConfig[] = [];
  const models: ModelConfig[] = [];
  for (let i = 0; i < n; i++) {
    providers.push({
      id: `p${i}`, slug: `p${i}`, type: 'openai', status: 'active', priority: i % 100, autoFallback: true, keyless: false,
      key: { id: `k${i}`, source: 'provider', usable: true },
      buckets: [{ name: 'rpm', unit: 'requests', limit: 1000, window: { unit: 'minute', size: 1 }, models: 'all' }],
    });
    models.push({
      id: `m${i}`, providerId: `p${i}`, modelId: 'shared-model', enabled: true, priceIn: 1 + (i % 7), priceOut: 2 + (i % 5), priceCachedIn: null,
      contextWindow: 128_000, maxOutputTokens: 4096, tier: (['eco', 'balanced', 'precision'] as const)[i % 3]!, qualityScore: (i * 13) % 100,
      capabilities: ['chat', 'tools', 'streaming'], priority: 100, scope: 'global',
    });
  }
  return {
    providers, models, chains: {}, strategy: 'balanced', maxAttempts: 5, circuit: { failureThreshold: 5, openMs: 30_000 }, policyFallback: false,
    aliases: [{ name: 'bench', scope: 'global', strategy: 'quota-aware', targets: models.map((m) => ({ ref: `${m.providerId}/${m.modelId}`, weight: 1 })), fallbacks: [], enabled: true }],
    powerLevels: [],
  };
}

const caller: Caller = {
  keyId: 'key', userId: 'user', orgId: null, appId: null, powerLevel: 'balanced', allowedModels: [], byok: {}, orgKeys: {},
  buckets: [{ scope: 'key', id: 'key', bucket: { name: 'rpm', unit: 'requests', limit: 600, window: { unit: 'minute', size: 1 }, models: 'all' } }],
  budgets: [{ scope: 'user', id: 'user', limitUsd: 100, period: 'week' }],
};

function bench(label: string, n: number, model: string) {
  const config = configWith(n);
  const rng = mulberry32(42);
  const input = { request: { model, endpoint: 'chat' as const, promptTokens: 500, maxTokens: 256, needs: ['chat' as const] }, caller, config, state: EMPTY_STATE, now: Date.UTC(2026, 0, 1), rng };
  for (let i = 0; i < 20_000; i++) plan(input); // warm-up (JIT, index cache)
  const rounds = 30;
  const perRound = 2_000;
  const samples: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < perRound; i++) plan(input);
    samples.push(Number(process.hrtime.bigint() - t0) / perRound / 1000);
  }
  samples.sort((a, b) => a - b);
  const median = samples[Math.floor(samples.length / 2)]!;
  const p90 = samples[Math.floor(samples.length * 0.9)]!;
  console.log(`${label.padEnd(34)} ${String(n).padStart(3)} candidates   median ${median.toFixed(2).padStart(7)} µs   p90 ${p90.toFixed(2).padStart(7)} µs`);
  return median;
}

console.log(`plan() micro-benchmark — node ${process.version}, ${new Date().toISOString()}`);
bench('bare model id, balanced strategy', 5, 'shared-model');
const bare50 = bench('bare model id, balanced strategy', 50, 'shared-model');
bench('alias, quota-aware strategy', 5, 'bench');
const alias50 = bench('alias, quota-aware strategy', 50, 'bench');
const worst = Math.max(bare50, alias50);
console.log(`target: under 20 µs for 50 candidates → ${worst < 20 ? 'met' : 'MISSED'} (slowest median ${worst.toFixed(2)} µs)`);
