import { circuitApply } from './circuit.js';
import { EMPTY_STATE, type CircuitState, type StateEvent, type StateView } from './state.js';
import type {
  AliasConfig,
  Caller,
  ModelConfig,
  ProviderConfig,
  RequestInfo,
  RoutingConfig,
} from './types.js';

export function provider(over: Partial<ProviderConfig> & { id: string }): ProviderConfig {
  return {
    slug: over.id,
    type: 'openai',
    status: 'active',
    priority: 50,
    autoFallback: false,
    keyless: false,
    key: { id: `pk-${over.id}`, source: 'provider', usable: true },
    buckets: [],
    ...over,
  };
}

export function model(over: Partial<ModelConfig> & { id: string; providerId: string }): ModelConfig {
  return {
    modelId: over.id,
    enabled: true,
    priceIn: 1,
    priceOut: 2,
    priceCachedIn: null,
    contextWindow: 128_000,
    maxOutputTokens: 4096,
    tier: 'balanced',
    qualityScore: 50,
    capabilities: ['chat', 'tools', 'streaming', 'json', 'vision'],
    priority: 100,
    scope: 'global',
    ...over,
  };
}

export function config(over: Partial<RoutingConfig> = {}): RoutingConfig {
  return {
    providers: [],
    models: [],
    aliases: [],
    chains: {},
    powerLevels: [
      { slug: 'eco', tier: 'eco', modelRefs: [], enabled: true },
      { slug: 'balanced', tier: 'balanced', modelRefs: [], enabled: true },
      { slug: 'precision', tier: 'precision', modelRefs: [], enabled: true },
    ],
    strategy: 'balanced',
    maxAttempts: 5,
    maxRetries: 2,
    circuit: { failureThreshold: 3, openMs: 30_000 },
    policyFallback: false,
    ...over,
  };
}

export function alias(over: Partial<AliasConfig> & { name: string }): AliasConfig {
  return { scope: 'global', strategy: 'ordered', targets: [], fallbacks: [], enabled: true, ...over };
}

export function caller(over: Partial<Caller> = {}): Caller {
  return {
    keyId: 'k1',
    userId: 'u1',
    orgId: null,
    appId: null,
    powerLevel: 'balanced',
    allowedModels: [],
    byok: {},
    orgKeys: {},
    buckets: [],
    budgets: [],
    ...over,
  };
}

export function request(over: Partial<RequestInfo> = {}): RequestInfo {
  return { model: 'm', endpoint: 'chat', promptTokens: 100, maxTokens: 100, needs: ['chat'], ...over };
}

export function stateWith(over: Partial<StateView>): StateView {
  return { ...EMPTY_STATE, ...over };
}

/** A minimal in-memory store over the StateView interface: apply the engine's events, set counters directly. */
export function memoryState() {
  const cooldowns = new Map<string, number>();
  const circuits = new Map<string, CircuitState>();
  const counters = new Map<string, number>();
  const latency = new Map<string, number>();
  const cursors = new Map<string, number>();
  const weights = new Map<string, Record<string, number>>();
  const inflight = new Map<string, number>();
  const view: StateView = {
    cooldownUntil: (t) => cooldowns.get(t) ?? 0,
    circuit: (t) => circuits.get(t),
    counter: (k) => counters.get(k) ?? 0,
    spend: (k) => counters.get(k) ?? 0,
    inFlight: (t) => inflight.get(t) ?? 0,
    latency: (t) => latency.get(t),
    cursor: (a) => cursors.get(a) ?? 0,
    weights: (a) => weights.get(a),
  };
  return {
    view,
    counters,
    inflight,
    apply(events: readonly StateEvent[]) {
      for (const e of events) {
        if (e.type === 'cursor') cursors.set(e.alias, e.value);
        else if (e.type === 'weights') weights.set(e.alias, e.value);
        else if (e.type === 'cooldown')
          cooldowns.set(e.target, Math.max(cooldowns.get(e.target) ?? 0, e.until));
        else if (e.type === 'circuit') {
          const next = circuitApply(circuits.get(e.target), e.change);
          if (next) circuits.set(e.target, next);
        } else latency.set(e.target, e.value);
      }
    },
  };
}
