import { randomInt } from 'node:crypto';
import {
  TIERS,
  bucketKey,
  budgetKey,
  circuitAfter,
  circuitProbing,
  classify,
  costOf,
  ewma,
  expectedOutputTokens,
  modelTarget,
  mulberry32,
  periodEnd,
  plan,
  windowEnd,
  type BucketConfig,
  type BudgetConfig,
  type Caller,
  type KeyRef,
  type RoutingConfig,
  type Tier,
} from '@switchyard/core';
import type { PrismaClient } from '@switchyard/prisma';
import type { Logger } from '../lib/logger.js';
import type { SecretBox } from '../lib/secrets.js';
import type { UpstreamError, Usage } from '../providers/types.js';
import type { ProxyCaller } from '../proxy/caller.js';
import type { Admission, AttemptReport, Decision, PlanInput, PlanResult, PlannedAttempt, Router } from '../proxy/types.js';
import { loadConfig, type LoadedConfig, type LoadedKey, type LoadedModel } from './load-config.js';
import type { ConsumeItem, StateStore } from './state-store.js';

const ALIAS_STRATEGIES = new Set(['ordered', 'round-robin', 'weighted', 'quota-aware', 'least-busy', 'latency']);
const LEGACY_ALIAS: Record<string, string> = { round_robin: 'round-robin', auto: 'quota-aware', lowest_latency: 'latency', least_busy: 'least-busy', quota_aware: 'quota-aware' };

function tierOf(v: string): Tier {
  return (TIERS as readonly string[]).includes(v) ? (v as Tier) : 'balanced';
}

function keyRef(k: LoadedKey): KeyRef {
  return k.secret.ok ? { id: k.id, source: k.source, usable: true } : { id: k.id, source: k.source, usable: false, problem: k.secret.problem };
}

function toBucket(raw: unknown, i: number): BucketConfig | null {
  if (!raw || typeof raw !== 'object') return null;
  const b = raw as Record<string, unknown>;
  const limit = Number(b.limit ?? b.requests ?? b.tokens);
  if (!Number.isFinite(limit) || limit <= 0) return null;
  const unit = b.unit === 'tokens' || (b.tokens !== undefined && b.requests === undefined) ? 'tokens' : 'requests';
  let window: BucketConfig['window'] = { unit: 'minute', size: 1 };
  const w = b.window as Record<string, unknown> | undefined;
  if (w && typeof w === 'object' && typeof w.unit === 'string') window = { unit: w.unit as BucketConfig['window']['unit'], size: Number(w.size ?? 1) || 1 };
  else if (typeof b.windowMs === 'number') {
    const ms = b.windowMs;
    window = ms % 86_400_000 === 0 ? { unit: 'day', size: ms / 86_400_000 } : ms % 3_600_000 === 0 ? { unit: 'hour', size: ms / 3_600_000 } : ms % 60_000 === 0 ? { unit: 'minute', size: ms / 60_000 } : { unit: 'second', size: Math.max(1, Math.round(ms / 1000)) };
  }
  const models = Array.isArray(b.models) && b.models.length > 0 ? (b.models as string[]) : 'all';
  return { name: String(b.name ?? `bucket${i}`), unit, limit, window, models };
}

/** Translates the loaded database configuration into the engine's RoutingConfig. */
export function toRoutingConfig(c: LoadedConfig): RoutingConfig {
  return {
    providers: c.providers.map((p) => ({
      id: p.id,
      slug: p.slug,
      type: p.type,
      status: p.status,
      priority: p.priority,
      autoFallback: p.autoFallback,
      keyless: p.keyless,
      key: keyRef(p.key),
      buckets: p.rateLimitBuckets.map(toBucket).filter((b): b is BucketConfig => b !== null),
    })),
    models: c.models.map((m) => ({
      id: m.id,
      providerId: m.providerId,
      modelId: m.modelId,
      enabled: m.enabled,
      priceIn: m.priceInputPer1M,
      priceOut: m.priceOutputPer1M,
      priceCachedIn: m.priceCachedInputPer1M,
      contextWindow: m.contextWindow,
      maxOutputTokens: m.maxOutputTokens,
      tier: tierOf(m.qualityTier),
      qualityScore: m.qualityScore,
      capabilities: m.capabilities,
      priority: m.priority,
      scope: m.scope,
    })),
    aliases: c.aliases.map((a) => ({
      name: a.name,
      scope: a.scope,
      strategy: (ALIAS_STRATEGIES.has(a.strategy) ? a.strategy : (LEGACY_ALIAS[a.strategy] ?? 'ordered')) as RoutingConfig['aliases'][number]['strategy'],
      targets: a.targets,
      fallbacks: a.fallbacks,
      enabled: a.enabled,
    })),
    chains: Object.fromEntries(c.chains.map((ch) => [ch.modelRef, ch.targets])),
    powerLevels: c.powerLevels.map((p) => ({ slug: tierOf(p.slug), tier: tierOf(p.qualityTier), modelRefs: p.modelRefs, enabled: p.enabled })),
    strategy: c.settings.strategy,
    maxAttempts: c.settings.maxAttempts,
    circuit: { failureThreshold: 5, openMs: 30_000 },
    policyFallback: c.settings.policyFallback,
  };
}


/**
 * The routing side of the data plane: the in-memory snapshot (reloaded on admin changes and every 30 s), the
 * engine (pure), and the state store (counters). Implements the executor's Router.
 */
export class RoutingRuntime implements Router {
  #loaded: LoadedConfig;
  #core: RoutingConfig;
  #providers = new Map<string, LoadedConfig['providers'][number]>();
  #models = new Map<string, LoadedModel>();
  #coreProviders = new Map<string, RoutingConfig['providers'][number]>();
  #rng = mulberry32(randomInt(2 ** 31));
  #reloading: Promise<void> | null = null;
  #again = false;
  #timer: NodeJS.Timeout | undefined;

  private constructor(
    private readonly deps: {
      prisma: PrismaClient;
      secrets: SecretBox;
      env: Record<string, string | undefined>;
      store: StateStore;
      logger: Logger;
      now: () => number;
      /** Told when a provider × model circuit opens (true) or closes (false). */
      onCircuit?: (providerSlug: string, model: LoadedModel, open: boolean) => void;
    },
    loaded: LoadedConfig,
  ) {
    this.#loaded = loaded;
    this.#core = toRoutingConfig(loaded);
    this.#index();
  }

  /** Lookup maps rebuilt once per loaded configuration, never per request. */
  #index() {
    this.#providers = new Map(this.#loaded.providers.map((p) => [p.id, p]));
    this.#models = new Map(this.#loaded.models.map((m) => [m.id, m]));
    this.#coreProviders = new Map(this.#core.providers.map((p) => [p.id, p]));
  }

  static async create(deps: RoutingRuntime['deps'], opts: { reloadEveryMs?: number } = {}): Promise<RoutingRuntime> {
    const rt = new RoutingRuntime(deps, await loadConfig(deps.prisma, deps.secrets, deps.env, deps.now()));
    if (opts.reloadEveryMs) {
      rt.#timer = setInterval(() => void rt.reload().catch((err) => deps.logger.warn({ err }, 'periodic routing reload failed')), opts.reloadEveryMs);
      rt.#timer.unref();
    }
    return rt;
  }

  get config(): LoadedConfig {
    return this.#loaded;
  }

  get routingConfig(): RoutingConfig {
    return this.#core;
  }

  get store(): StateStore {
    return this.deps.store;
  }

  /** Reload from the database; concurrent calls coalesce (one more reload runs after the current one). */
  reload(): Promise<void> {
    if (this.#reloading) {
      this.#again = true;
      return this.#reloading;
    }
    this.#reloading = (async () => {
      do {
        this.#again = false;
        const loaded = await loadConfig(this.deps.prisma, this.deps.secrets, this.deps.env, this.deps.now());
        this.#loaded = loaded;
        this.#core = toRoutingConfig(loaded);
        this.#index();
      } while (this.#again);
    })().finally(() => {
      this.#reloading = null;
    });
    return this.#reloading;
  }

  close(): void {
    clearInterval(this.#timer);
  }

  settings() {
    const s = this.#loaded.settings;
    return { maxAttempts: s.maxAttempts, debugHeaders: s.debugHeaders, bodyLogging: s.bodyLogging };
  }

  /** The engine's view of a proxy caller: its keys, limits and budgets. */
  callerFor(c: ProxyCaller): Caller {
    const cfg = this.#loaded;
    const byok: Record<string, KeyRef> = {};
    const orgKeys: Record<string, KeyRef> = {};
    if (c.userId) for (const [pid, k] of cfg.byok.get(c.userId) ?? []) byok[pid] = keyRef(k);
    if (c.orgId) for (const [pid, k] of cfg.orgKeys.get(c.orgId) ?? []) orgKeys[pid] = keyRef(k);
    const buckets: Caller['buckets'][number][] = [];
    const budgets: BudgetConfig[] = [];
    const k = c.key;
    if (k) {
      if (k.rpmLimit) buckets.push({ scope: 'key', id: k.id, bucket: { name: 'rpm', unit: 'requests', limit: k.rpmLimit, window: { unit: 'minute', size: 1 }, models: 'all' } });
      if (k.tpmLimit) buckets.push({ scope: 'key', id: k.id, bucket: { name: 'tpm', unit: 'tokens', limit: k.tpmLimit, window: { unit: 'minute', size: 1 }, models: 'all' } });
      if (k.budgetUsd !== null) budgets.push({ scope: 'key', id: k.id, limitUsd: k.budgetUsd, period: k.budgetPeriod ?? 'lifetime' });
    }
    const user = c.userId ? cfg.users.get(c.userId) : undefined;
    if (user?.weeklyCapUsd != null) budgets.push({ scope: 'user', id: user.id, limitUsd: user.weeklyCapUsd, period: 'week' });
    const org = c.orgId ? cfg.orgs.get(c.orgId) : undefined;
    if (org?.spendCapUsd != null) {
      budgets.push({ scope: 'org', id: org.id, limitUsd: org.spendCapUsd, period: 'month', carryOverUsd: org.rollover ? org.rolloverBalanceUsd : 0 });
    }
    return {
      keyId: c.keyId,
      userId: c.userId,
      orgId: c.orgId,
      appId: c.appId,
      powerLevel: c.powerLevel ? tierOf(c.powerLevel) : null,
      allowedModels: c.allowedModels,
      byok,
      orgKeys,
      buckets,
      budgets,
    };
  }

  #engineCaller(input: PlanInput): Caller {
    return (input.engineCaller ??= this.callerFor(input.caller)) as Caller;
  }

  /** The engine's plan for a request against the current config and state (pure: nothing is applied here). */
  #enginePlan(input: PlanInput) {
    const endpoint = input.endpoint === 'models' ? 'chat' : input.endpoint;
    return plan({
      request: { model: input.facts.model, endpoint, promptTokens: input.facts.promptTokens, maxTokens: input.facts.maxTokens, needs: input.facts.needs },
      caller: this.#engineCaller(input),
      config: this.#core,
      state: this.deps.store.view(),
      now: this.deps.now(),
      rng: this.#rng,
    });
  }

  plan(input: PlanInput): PlanResult {
    const r = this.#enginePlan(input);
    const skipped = r.skipped.map((s) => ({ ref: s.ref, reason: s.reason }));
    if (!r.ok) {
      return { ok: false, status: r.error.httpStatus, code: r.error.code, message: r.error.message, ...(r.error.retryAfterMs !== undefined ? { retryAfterMs: r.error.retryAfterMs } : {}), trace: r.trace, skipped };
    }
    this.deps.store.apply(r.events);
    const providers = this.#providers;
    const models = this.#models;
    const attempts: PlannedAttempt[] = [];
    for (const a of r.attempts) {
      const provider = providers.get(a.providerId)!;
      const model = models.get(a.modelRegistryId)!;
      const secret =
        a.key.source === 'byok'
          ? this.#loaded.byok.get(input.caller.userId ?? '')?.get(a.providerId)?.secret
          : a.key.source === 'org'
            ? this.#loaded.orgKeys.get(input.caller.orgId ?? '')?.get(a.providerId)?.secret
            : provider.key.secret;
      attempts.push({
        provider,
        model,
        keySource: a.key.source,
        keyId: a.key.id,
        // An empty own key (optional-key types without one) means: call without credentials.
        apiKey: secret?.ok && secret.value ? secret.value : null,
        isFallback: a.isFallback,
        estimatedCostUsd: a.estimatedCostUsd,
      });
      if (a.probe) {
        const target = modelTarget(a.providerId, a.modelRegistryId);
        const cur = this.deps.store.view().circuit(target);
        if (cur) this.deps.store.apply([{ type: 'circuit', target, state: circuitProbing(cur, this.deps.now()) }]);
      }
    }
    return { ok: true, attempts, trace: r.trace, skipped };
  }

  /**
   * "Trace this request": the engine's full plan for a caller, without calling a provider and without touching
   * any counter, cursor or circuit (the plan's state events are dropped).
   */
  dryRun(input: PlanInput) {
    const r = this.#enginePlan(input);
    const attempts = r.ok
      ? r.attempts.map((a) => {
          const provider = this.#providers.get(a.providerId)!;
          const model = this.#models.get(a.modelRegistryId)!;
          return {
            ref: `${provider.slug}/${model.modelId}`,
            providerId: provider.id,
            providerName: provider.name,
            modelRegistryId: model.id,
            modelId: model.modelId,
            keySource: a.key.source,
            isFallback: a.isFallback,
            probe: Boolean(a.probe),
            estimatedCostUsd: a.estimatedCostUsd,
          };
        })
      : [];
    return {
      ok: r.ok,
      ...(r.ok ? {} : { error: r.error }),
      chosen: attempts[0] ?? null,
      attempts,
      skipped: r.skipped,
      trace: r.trace,
    };
  }

  /**
   * Atomic admission of one attempt: the provider's buckets, and on the first attempt of a request the caller's
   * key buckets, plus every budget (estimated cost) are consumed together or not at all. `release` settles them
   * with the real tokens and cost (or refunds the estimate when the attempt failed).
   */
  async admit(attempt: PlannedAttempt, input: PlanInput & { callerCharged?: boolean }): Promise<Admission> {
    const now = this.deps.now();
    const engineCaller = this.#engineCaller(input);
    const provider = this.#coreProviders.get(attempt.provider.id);
    const facts = input.facts;
    const expectedTokens = facts.promptTokens + expectedOutputTokens({ maxOutputTokens: attempt.model.maxOutputTokens }, facts.maxTokens);
    const items: (ConsumeItem & { label: string; unit: 'requests' | 'tokens' | 'usd'; resetsAt: number | null })[] = [];
    const ref = `${attempt.provider.slug}/${attempt.model.modelId}`;
    const pushBucket = (scope: string, id: string, b: BucketConfig) => {
      if (b.models !== 'all' && !b.models.includes(attempt.model.modelId) && !b.models.includes(ref)) return;
      const end = windowEnd(now, b.window.unit, b.window.size);
      items.push({ key: bucketKey(scope, id, b, now), amount: b.unit === 'requests' ? 1 : expectedTokens, limit: b.limit, ttlMs: end - now + 1000, label: `${scope} bucket ${b.name}`, unit: b.unit, resetsAt: end });
    };
    for (const b of provider?.buckets ?? []) pushBucket('provider', attempt.provider.id, b);
    if (!input.callerCharged) for (const cb of engineCaller.buckets) pushBucket(cb.scope, cb.id, cb.bucket);
    if (attempt.keySource !== 'byok') {
      for (const b of engineCaller.budgets) {
        const end = periodEnd(now, b.period);
        items.push({
          key: budgetKey(b, now),
          amount: attempt.estimatedCostUsd,
          limit: b.limitUsd + (b.carryOverUsd ?? 0),
          ttlMs: end === null ? 10 * 365 * 86_400_000 : end - now + 86_400_000,
          label: `${b.scope} budget (${b.period})`,
          unit: 'usd',
          resetsAt: end,
        });
      }
    }
    const res = items.length ? await this.deps.store.consume(items) : { ok: true as const };
    if (!res.ok) {
      const it = items[res.index]!;
      const retryAfterMs = it.resetsAt !== null ? Math.max(0, it.resetsAt - now) : undefined;
      return it.unit === 'usd'
        ? { ok: false, status: 402, code: 'budget_exhausted', message: `Budget exhausted: ${it.label} is at $${res.used.toFixed(4)} of $${it.limit.toFixed(2)}${it.resetsAt ? `; it resets at ${new Date(it.resetsAt).toISOString()}` : ''}.`, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) }
        : { ok: false, status: 429, code: 'rate_limited', message: `Rate limit reached: ${it.label} allows ${it.limit} ${it.unit} per window.`, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) };
    }
    input.callerCharged = true;
    const target = modelTarget(attempt.provider.id, attempt.model.id);
    this.deps.store.inFlight(target, 1);
    let released = false;
    return {
      ok: true,
      release: (actual) => {
        if (released) return;
        released = true;
        this.deps.store.inFlight(target, -1);
        const adj: { key: string; delta: number; ttlMs: number }[] = [];
        for (const it of items) {
          if (it.unit === 'usd') adj.push({ key: it.key, delta: (actual?.costUsd ?? 0) - it.amount, ttlMs: it.ttlMs });
          else if (it.unit === 'tokens') adj.push({ key: it.key, delta: (actual?.tokens ?? 0) - it.amount, ttlMs: it.ttlMs });
        }
        void this.deps.store.adjust(adj).catch((err) => this.deps.logger.warn({ err }, 'settling limits failed'));
      },
    };
  }

  decide(error: UpstreamError, ctx: { attempt: PlannedAttempt; retriesOnThisTarget: number; afterFirstByte: boolean }): Decision {
    const c = classify(
      { status: error.status, kind: error.kind, retryAfterMs: error.retryAfterMs, afterFirstByte: ctx.afterFirstByte },
      { retries: ctx.retriesOnThisTarget, maxRetries: 2, policyFallback: this.#core.policyFallback, rng: this.#rng },
    );
    // A target that failed for good on this request (retries spent, or no retry) counts once toward its circuit.
    if (c.action !== 'retry' && c.circuitFailure) this.#circuitFailure(ctx.attempt);
    if (c.cooldown) {
      const a = ctx.attempt;
      const target = c.cooldown.scope === 'provider' ? a.provider.id : c.cooldown.scope === 'key' ? a.keyId : modelTarget(a.provider.id, a.model.id);
      this.deps.store.apply([{ type: 'cooldown', target, until: this.deps.now() + c.cooldown.ms }]);
    }
    return { action: c.action, delayMs: c.delayMs, reason: c.reason, needLargerContext: c.needLargerContext, circuitFailure: c.circuitFailure } as Decision;
  }

  report(r: AttemptReport): void {
    const target = modelTarget(r.attempt.provider.id, r.attempt.model.id);
    const view = this.deps.store.view();
    const now = this.deps.now();
    const events = [];
    const before = view.circuit(target)?.phase ?? 'closed';
    if (r.ok) {
      events.push({ type: 'latency' as const, target, value: ewma(view.latency(target), r.ttftMs ?? r.latencyMs) });
      if (view.circuit(target)) events.push({ type: 'circuit' as const, target, state: circuitAfter(view.circuit(target), true, now, this.#core.circuit) });
    }
    this.deps.store.apply(events);
    this.#circuitChanged(r.attempt, before);
  }

  #circuitFailure(attempt: PlannedAttempt): void {
    const target = modelTarget(attempt.provider.id, attempt.model.id);
    const view = this.deps.store.view();
    const before = view.circuit(target)?.phase ?? 'closed';
    this.deps.store.apply([{ type: 'circuit', target, state: circuitAfter(view.circuit(target), false, this.deps.now(), this.#core.circuit) }]);
    this.#circuitChanged(attempt, before);
  }

  #circuitChanged(attempt: PlannedAttempt, before: string): void {
    const after = this.deps.store.view().circuit(modelTarget(attempt.provider.id, attempt.model.id))?.phase ?? 'closed';
    if ((before === 'open') !== (after === 'open')) {
      this.deps.onCircuit?.(attempt.provider.slug, attempt.model, after === 'open');
      if (after === 'open') this.deps.logger.warn({ provider: attempt.provider.slug, model: attempt.model.modelId }, 'circuit opened');
    }
  }

  costOf(model: LoadedModel, usage: Usage): number {
    return costOf({ priceIn: model.priceInputPer1M, priceOut: model.priceOutputPer1M, priceCachedIn: model.priceCachedInputPer1M }, usage);
  }
}
