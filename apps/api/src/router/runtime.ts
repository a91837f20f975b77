import { randomInt } from 'node:crypto';
import {
  TIERS,
  admissionItems,
  heldOutputCap,
  uncappedHint,
  cacheHitItems,
  bucketApplies,
  bucketCounters,
  classify,
  costOf,
  eventsAfterFailure,
  eventsAfterSuccess,
  modelTarget,
  mulberry32,
  plan,
  rateLimitPhrase,
  refusedUntil,
  settlementDeltas,
  type BucketConfig,
  type BudgetConfig,
  type Caller,
  type Endpoint,
  type KeyRef,
  type LimitItem,
  type RequestParam,
  type Classification,
  type RoutingConfig,
  type StateEvent,
  type Tier,
} from '@switchyard/core';
import type { PrismaClient } from '@switchyard/prisma';
import { faultOf } from '../lib/errors.js';
import type { Logger } from '../lib/logger.js';
import type { SecretBox } from '../lib/secrets.js';
import { getAdapter } from '../providers/index.js';
import type { UpstreamError, Usage } from '../providers/types.js';
import type { ProxyCaller } from './types.js';
import { SpendLedger, type SpendMark } from '../metering/spend-ledger.js';
import type {
  Admission,
  AttemptReport,
  Decision,
  PlanInput,
  PlanResult,
  PlannedAttempt,
  Router,
} from './types.js';
import { carryThisMonth, settleRollovers } from '../metering/rollover.js';
import { spendWithSnapshot } from '../metering/rebuild-read.js';
import { dlpFallbackLogger } from './dlp-snapshot.js';
import { loadConfig, type LoadedConfig, type LoadedKey, type LoadedModel } from './load-config.js';
import { endpointTarget } from './endpoint-cooldowns.js';
import type { StateStore } from './state-store.js';
import { noteMessage, type HealthNotes } from './health-notes.js';

const ALIAS_STRATEGIES = new Set([
  'ordered',
  'round-robin',
  'weighted',
  'quota-aware',
  'least-busy',
  'latency',
]);
const LEGACY_ALIAS: Record<string, string> = {
  round_robin: 'round-robin',
  auto: 'quota-aware',
  lowest_latency: 'latency',
  least_busy: 'least-busy',
  quota_aware: 'quota-aware',
};

function tierOf(v: string): Tier {
  return (TIERS as readonly string[]).includes(v) ? (v as Tier) : 'balanced';
}

function keyRef(k: LoadedKey): KeyRef {
  return k.secret.ok
    ? { id: k.id, source: k.source, usable: true }
    : { id: k.id, source: k.source, usable: false, problem: k.secret.problem };
}

function toBucket(raw: unknown, i: number): BucketConfig | null {
  if (!raw || typeof raw !== 'object') return null;
  const b = raw as Record<string, unknown>;
  const limit = Number(b.limit ?? b.requests ?? b.tokens);
  if (!Number.isFinite(limit) || limit <= 0) return null;
  const unit =
    b.unit === 'tokens' || (b.tokens !== undefined && b.requests === undefined) ? 'tokens' : 'requests';
  let window: BucketConfig['window'] = { unit: 'minute', size: 1 };
  const w = b.window as Record<string, unknown> | undefined;
  if (w && typeof w === 'object' && typeof w.unit === 'string')
    window = { unit: w.unit as BucketConfig['window']['unit'], size: Number(w.size ?? 1) || 1 };
  else if (typeof b.windowMs === 'number') {
    const ms = b.windowMs;
    window =
      ms % 86_400_000 === 0
        ? { unit: 'day', size: ms / 86_400_000 }
        : ms % 3_600_000 === 0
          ? { unit: 'hour', size: ms / 3_600_000 }
          : ms % 60_000 === 0
            ? { unit: 'minute', size: ms / 60_000 }
            : { unit: 'second', size: Math.max(1, Math.round(ms / 1000)) };
  }
  const models = Array.isArray(b.models) && b.models.length > 0 ? (b.models as string[]) : 'all';
  return { name: String(b.name ?? `bucket${i}`), unit, limit, window, models };
}

/** The request field a routing parameter comes from, as the client sent it. */
function paramField(p: RequestParam, endpoint: string): string {
  if (p === 'n' || p === 'n_stream') return 'n';
  if (p === 'logprobs') return 'logprobs';
  return endpoint === 'responses' ? 'text.format' : 'response_format';
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
      params: getAdapter(p.type).params,
      region: p.region,
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
      defaultMaxTokens: m.defaultMaxTokens,
      ...(m.params?.baseModel ? { baseModel: m.params.baseModel } : {}),
      ...(m.longContext ? { longContext: m.longContext } : {}),
      tier: tierOf(m.qualityTier),
      ...(m.priced ? {} : { priced: false }),
      qualityScore: m.qualityScore,
      capabilities: m.capabilities,
      priority: m.priority,
      scope: m.scope,
      ...(m.ownAuth?.key ? { key: keyRef(m.ownAuth.key) } : {}),
    })),
    aliases: c.aliases.map((a) => ({
      name: a.name,
      scope: a.scope,
      strategy: (ALIAS_STRATEGIES.has(a.strategy)
        ? a.strategy
        : (LEGACY_ALIAS[a.strategy] ?? 'ordered')) as RoutingConfig['aliases'][number]['strategy'],
      targets: a.targets,
      fallbacks: a.fallbacks,
      enabled: a.enabled,
    })),
    chains: Object.fromEntries(c.chains.map((ch) => [ch.modelRef, ch.targets])),
    agents: c.agents,
    experiments: c.experiments,
    ...(c.rules.length > 0 ? { rules: c.rules } : {}),
    powerLevels: c.powerLevels.map((p) => ({
      slug: tierOf(p.slug),
      tier: tierOf(p.qualityTier),
      modelRefs: p.modelRefs,
      enabled: p.enabled,
    })),
    strategy: c.settings.strategy,
    maxAttempts: c.settings.maxAttempts,
    maxRetries: c.settings.maxRetries,
    circuit: { failureThreshold: c.settings.circuitFailureThreshold, openMs: c.settings.circuitOpenMs },
    policyFallback: c.settings.policyFallback,
    cooldowns: {
      rateLimitMs: c.settings.rateLimitCooldownMs,
      billingMs: c.settings.billingCooldownMs,
      authMs: c.settings.authCooldownMs,
      modelNotFoundMs: c.settings.modelNotFoundCooldownMs,
    },
    defaultModel: c.settings.defaultModel,
    scopeDefaults: c.scopeDefaults,
  };
}

/**
 * The routing side of the data plane: the in-memory snapshot (reloaded on admin changes and every 30 s), the
 * engine (pure), and the state store (counters). Implements the executor's Router.
 */
/** The engine's endpoint for a request (the models list plans as chat). */
function engineEndpoint(input: PlanInput): Endpoint {
  return input.endpoint === 'models' ? 'chat' : input.endpoint;
}

/** How long a caller refused on `it` waits (Retry-After): until core's `refusedUntil`, none when no wait helps. */
function refusalWaitMs(
  it: LimitItem,
  res: { used: number; earlier?: number[] },
  now: number,
): number | undefined {
  const at = refusedUntil(it, res, now);
  return at === null ? undefined : Math.max(0, at - now);
}

/** What a refusing bucket allows, its window named: '10 requests per minute'. */
function allowsText(it: LimitItem): string {
  return it.per && it.unit !== 'usd' ? rateLimitPhrase(it.limit, it.unit, it.per) : `${it.limit} ${it.unit}`;
}

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
  /** When the last load started (performance.now(): real time, whatever clock the runtime is given). */
  #lastLoadAt = -Infinity;
  /** Notes from other instances coalesce within this span (see `reloadSoon`); 0: each reloads. */
  #coalesceMs = 0;
  /** The coalesced load waiting for its span to end, and its timer. */
  #soon: Promise<void> | null = null;
  #soonTimer: NodeJS.Timeout | undefined;
  /**
   * This instance's budget spend the database does not hold yet (reservations in flight, settled calls whose
   * records wait in the usage queue): added to a budget counter rebuilt from the database (see `#rebuildBudget`).
   */
  readonly ledger: SpendLedger;
  /** Budget counters being rebuilt: concurrent first uses on this instance wait for the one load. */
  readonly #rebuilding = new Map<string, Promise<boolean>>();
  /** Attempts sent as a circuit's half-open probe whose verdict has not come yet: the time of their claim. */
  readonly #probes = new WeakMap<PlannedAttempt, number>();

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
      /** Write this instance's queued usage records now (before a budget is rebuilt from the recorded spend). */
      flushUsage?: () => Promise<void>;
      /** Where provider-side failures and the reasons of provider cooldowns are recorded (the health read model). */
      notes?: HealthNotes;
      /** This instance's outstanding budget spend (the app shares it with the usage queue); a new one if unset. */
      ledger?: SpendLedger;
      /** Told as each load of the configuration starts (the reload metric). */
      onReload?: () => void;
    },
    loaded: LoadedConfig,
  ) {
    this.#loaded = loaded;
    this.#core = toRoutingConfig(loaded);
    this.#index();
    this.ledger = deps.ledger ?? new SpendLedger(deps.now);
    deps.store.useLedger(this.ledger);
    // Told by the store, not read off this instance's view: a shared store tells the instance whose write moved the
    // shared circuit (a success seen on a view that lagged closes a circuit another instance opened), once.
    deps.store.onCircuitChange((target, open) => this.#circuitMoved(target, open));
  }

  /** Lookup maps rebuilt once per loaded configuration, never per request. */
  #index() {
    this.#providers = new Map(this.#loaded.providers.map((p) => [p.id, p]));
    this.#models = new Map(this.#loaded.models.map((m) => [m.id, m]));
    this.#coreProviders = new Map(this.#core.providers.map((p) => [p.id, p]));
  }

  static async create(
    deps: RoutingRuntime['deps'],
    opts: { reloadEveryMs?: number; coalesceMs?: number } = {},
  ): Promise<RoutingRuntime> {
    await settleRolloversLogged(deps);
    const rt = new RoutingRuntime(
      deps,
      await loadConfig(deps.prisma, deps.secrets, deps.env, deps.now(), dlpFallbackLogger(deps.logger)),
    );
    rt.#coalesceMs = opts.coalesceMs ?? 0;
    if (opts.reloadEveryMs) {
      rt.#timer = setInterval(
        () => void rt.reload().catch((err) => deps.logger.warn({ err }, 'periodic routing reload failed')),
        opts.reloadEveryMs,
      );
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
        this.#lastLoadAt = performance.now();
        this.deps.onReload?.();
        await settleRolloversLogged(this.deps);
        const loaded = await loadConfig(
          this.deps.prisma,
          this.deps.secrets,
          this.deps.env,
          this.deps.now(),
          dlpFallbackLogger(this.deps.logger),
        );
        this.#loaded = loaded;
        this.#core = toRoutingConfig(loaded);
        this.#index();
      } while (this.#again);
    })().finally(() => {
      this.#reloading = null;
    });
    return this.#reloading;
  }

  /**
   * Reload for a change made elsewhere (another instance's note on the config bus), at most once per `coalesceMs`:
   * the first note after a quiet spell reloads at once; notes within `coalesceMs` of the last load's start share one
   * load at the end of that span. Every note is followed by a load that starts after it, so the last change is never
   * lost; a user switching a key on and off in a loop makes each other instance reload once a span, not once a switch.
   */
  reloadSoon(): Promise<void> {
    if (this.#soon) return this.#soon;
    const wait = this.#lastLoadAt + this.#coalesceMs - performance.now();
    if (wait <= 0) return this.reload();
    this.#soon = new Promise<void>((resolve, reject) => {
      this.#soonTimer = setTimeout(() => {
        this.#soon = null;
        this.reload().then(resolve, reject);
      }, wait);
      this.#soonTimer.unref();
    });
    return this.#soon;
  }

  close(): void {
    clearInterval(this.#timer);
    clearTimeout(this.#soonTimer);
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
      if (k.rpmLimit)
        buckets.push({
          scope: 'key',
          id: k.id,
          bucket: {
            name: 'rpm',
            unit: 'requests',
            limit: k.rpmLimit,
            window: { unit: 'minute', size: 1 },
            models: 'all',
          },
        });
      if (k.tpmLimit)
        buckets.push({
          scope: 'key',
          id: k.id,
          bucket: {
            name: 'tpm',
            unit: 'tokens',
            limit: k.tpmLimit,
            window: { unit: 'minute', size: 1 },
            models: 'all',
          },
        });
      if (k.budgetUsd !== null)
        budgets.push({ scope: 'key', id: k.id, limitUsd: k.budgetUsd, period: k.budgetPeriod ?? 'lifetime' });
    }
    const user = c.userId ? cfg.users.get(c.userId) : undefined;
    if (user?.weeklyCapUsd != null)
      budgets.push({ scope: 'user', id: user.id, limitUsd: user.weeklyCapUsd, period: 'week' });
    if (user?.byokMonthlyRequestLimit != null)
      buckets.push({
        scope: 'byok',
        id: user.id,
        bucket: {
          name: 'monthly',
          unit: 'requests',
          limit: user.byokMonthlyRequestLimit,
          window: { unit: 'month', size: 1 },
          models: 'all',
        },
      });
    if (user?.byokMonthlySpendLimitUsd != null)
      budgets.push({ scope: 'byok', id: user.id, limitUsd: user.byokMonthlySpendLimitUsd, period: 'month' });
    const org = c.orgId ? cfg.orgs.get(c.orgId) : undefined;
    if (org?.spendCapUsd != null) {
      budgets.push({
        scope: 'org',
        id: org.id,
        limitUsd: org.spendCapUsd,
        period: 'month',
        carryOverUsd: carryThisMonth(org, this.deps.now()),
      });
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
      userDefaultModel: user?.defaultModel ?? null,
      preferredProviders: user?.preferredProviders ?? [],
      role: user?.role ?? null,
      region: k?.region ?? (c.appId ? (cfg.apps.get(c.appId)?.region ?? null) : null),
    };
  }

  #engineCaller(input: PlanInput): Caller {
    return (input.engineCaller ??= this.callerFor(input.caller)) as Caller;
  }

  /** The engine's plan for a request against the current config and state (pure: nothing is applied here). */
  #enginePlan(input: PlanInput) {
    const endpoint = engineEndpoint(input);
    return plan({
      request: {
        model: input.facts.model,
        endpoint,
        promptTokens: input.facts.promptTokens,
        maxTokens: input.facts.maxTokens,
        choices: input.facts.choices,
        priorTokens: input.facts.priorTokens,
        images: input.facts.images,
        cacheWrite: input.facts.cacheWrite,
        webSearches: input.facts.webSearches,
        needs: input.facts.needs,
        params: input.facts.params,
        agent: input.facts.agent,
        stream: input.facts.stream,
        headers: input.facts.headers,
        metadata: input.facts.metadata,
      },
      caller: this.#engineCaller(input),
      config: input.rules ? { ...this.#core, rules: input.rules } : this.#core,
      state: this.deps.store.view(),
      now: input.now ?? this.deps.now(),
      rng: this.#rng,
    });
  }

  plan(input: PlanInput): PlanResult {
    const r = this.#enginePlan(input);
    const skipped = r.skipped.map((s) => ({ ref: s.ref, reason: s.reason }));
    if (!r.ok) {
      return {
        ok: false,
        kind: faultOf(r.error.httpStatus),
        status: r.error.httpStatus,
        code: r.error.code,
        message: r.error.message,
        ...(r.error.retryAfterMs !== undefined ? { retryAfterMs: r.error.retryAfterMs } : {}),
        ...(r.error.param ? { param: paramField(r.error.param, input.endpoint) } : {}),
        trace: r.trace,
        skipped,
      };
    }
    this.deps.store.apply(r.events);
    const providers = this.#providers;
    const models = this.#models;
    const attempts: PlannedAttempt[] = [];
    for (const a of r.attempts) {
      const model = models.get(a.modelRegistryId)!;
      // The provider's own key pays: a model with its own auth uses its key and settings in their place.
      const own = a.key.source === 'provider' ? model.ownAuth : null;
      const provider = own?.provider ?? providers.get(a.providerId)!;
      const secret =
        a.key.source === 'byok'
          ? this.#loaded.byok.get(input.caller.userId ?? '')?.get(a.providerId)?.secret
          : a.key.source === 'org'
            ? this.#loaded.orgKeys.get(input.caller.orgId ?? '')?.get(a.providerId)?.secret
            : (own?.key ?? provider.key).secret;
      attempts.push({
        provider,
        model,
        keySource: a.key.source,
        keyId: a.key.id,
        // An empty own key (optional-key types without one) means: call without credentials.
        apiKey: secret?.ok && secret.value ? secret.value : null,
        isFallback: a.isFallback,
        estimatedCostUsd: a.estimatedCostUsd,
        engine: a,
      });
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
   * Atomic admission of one attempt: core's `admissionItems` (the provider's buckets, on the first attempt of a
   * request the caller's key buckets, and every budget unless a BYOK key pays) consumed together or not at all.
   * `release` settles them with core's `settlementDeltas` (the real tokens and cost, or a refund of the
   * estimate when the attempt failed).
   */
  async admit(attempt: PlannedAttempt, input: PlanInput & { callerCharged?: boolean }): Promise<Admission> {
    const now = this.deps.now();
    const request = {
      endpoint: engineEndpoint(input),
      promptTokens: input.facts.promptTokens,
      maxTokens: input.facts.maxTokens,
      choices: input.facts.choices,
      images: input.facts.images,
    };
    const items = admissionItems({
      attempt: attempt.engine,
      provider: this.#coreProviders.get(attempt.provider.id),
      model: attempt.model,
      caller: this.#engineCaller(input),
      request,
      now,
      callerCharged: input.callerCharged,
    });
    // The store tells the ledger of the budget reservations it admits (see SpendLedger).
    const ledger = this.ledger;
    const budgeted = items.some((it) => it.budget);
    let res = items.length ? await this.deps.store.consume(items) : ({ ok: true } as const);
    // A budget counter the store does not have (a restart, Redis emptied) is rebuilt from the database first.
    for (let round = 0; !res.ok && 'missing' in res && round < 3; round++) {
      if (!(await this.#rebuildBudgets(res.missing.map((i) => items[i]!)))) break;
      res = await this.deps.store.consume(items);
    }
    if (!res.ok) {
      if ('missing' in res) {
        return {
          ok: false,
          kind: 'gateway',
          status: 503,
          code: 'budget_unavailable',
          message:
            'The spend of a budget that applies to this request cannot be read right now; try again shortly.',
          retryAfterMs: 5_000,
        };
      }
      const it = items[res.index]!;
      const retryAfterMs = refusalWaitMs(it, res, now);
      if (it.label.startsWith('byok '))
        return {
          ok: false,
          kind: 'client',
          status: 429,
          code: 'byok_limit_reached',
          message: `Your monthly limit on your own provider keys is reached (${it.unit === 'usd' ? `$${res.used.toFixed(4)} of $${it.limit.toFixed(2)}` : `${res.used} of ${it.limit} calls`})${it.resetsAt ? `; it resets at ${new Date(it.resetsAt).toISOString()}` : ''}.`,
          ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
        };
      return it.unit === 'usd'
        ? {
            ok: false,
            kind: 'client',
            status: 402,
            code: 'budget_exhausted',
            message: `Budget exhausted: ${it.label} is at $${res.used.toFixed(4)} of $${it.limit.toFixed(2)}; this request may cost up to $${it.amount.toFixed(4)}${uncappedHint(request, attempt.model)}${it.resetsAt ? `; it resets at ${new Date(it.resetsAt).toISOString()}` : ''}.`,
            ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
          }
        : {
            ok: false,
            // A provider's bucket is the gateway's capacity; the caller's own buckets are its limits.
            kind: it.label.startsWith('provider ') ? 'gateway' : 'client',
            status: 429,
            code: 'rate_limited',
            message: `Rate limit reached: ${it.label} allows ${allowsText(it)}${it.unit === 'tokens' ? `; this request may use up to ${it.amount}${uncappedHint(request, attempt.model)}` : ''}.`,
            ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
          };
    }
    // The half-open probe of a circuit whose open time is over: every request planned in the meantime (on any
    // instance) may have planned it; the first to claim it in the store is sent, the others are refused here and
    // go on to their next target (their reservation taken back whole, as if never made).
    let probeAt: number | null = null;
    if (attempt.engine.probe) {
      probeAt = now;
      const refused = await this.#claimProbe(attempt, now);
      if (refused) {
        if (items.length > 0) {
          this.ledger.release(items);
          void this.deps.store
            .adjust(
              items.map((it) =>
                it.budget
                  ? { key: it.key, delta: -it.amount, ttlMs: it.ttlMs, ifPresent: true as const }
                  : { key: it.key, delta: -it.amount, ttlMs: it.ttlMs },
              ),
            )
            .catch((err) => this.deps.logger.warn({ err }, 'taking back a reservation failed'));
        }
        return refused;
      }
    }
    input.callerCharged = true;
    const mark: SpendMark | undefined = budgeted ? (input.spendMark ??= ledger.mark()) : undefined;
    const target = modelTarget(attempt.provider.id, attempt.model.id);
    this.deps.store.inFlight(target, 1);
    if (probeAt !== null) this.#probes.set(attempt, probeAt);
    let released = false;
    return {
      ok: true,
      outputCap: heldOutputCap(request, attempt.model, items),
      release: (actual) => {
        if (released) return;
        released = true;
        this.deps.store.inFlight(target, -1);
        // The probe ended without a verdict (the client left, the gateway cancelled it, the client's own 4xx): its
        // claim is given back, so the next request probes instead of every one being refused until it expires.
        if (this.#probes.has(attempt)) {
          const claimedAt = this.#probes.get(attempt)!;
          this.#probes.delete(attempt);
          void this.deps.store
            .releaseProbe(target, claimedAt, this.#core.circuit.openMs)
            .catch((err) => this.deps.logger.warn({ err }, 'giving back a circuit probe failed'));
        }
        const adj = settlementDeltas(items, actual);
        // Before the store hears of it: a rebuilt counter it finds there is joined with this settled spend.
        if (mark) ledger.settle(mark, items, adj);
        if (adj.length > 0)
          void this.deps.store
            .adjust(adj)
            .catch((err) => this.deps.logger.warn({ err }, 'settling limits failed'));
      },
    };
  }

  /** Claims the probe of `attempt`'s circuit; null when this request is the probe, else the refusal it gets. */
  async #claimProbe(attempt: PlannedAttempt, now: number): Promise<Extract<Admission, { ok: false }> | null> {
    const target = modelTarget(attempt.engine.providerId, attempt.engine.modelRegistryId);
    const { openMs } = this.#core.circuit;
    if (await this.deps.store.claimProbe(target, now, openMs)) return null;
    const c = this.deps.store.view().circuit(target);
    return {
      ok: false,
      kind: 'gateway',
      status: 503,
      code: 'circuit_open',
      message: `${attempt.provider.slug}/${attempt.model.modelId} is recovering from failures and another request is testing it; try again shortly.`,
      retryAfterMs: c && c.phase !== 'closed' ? Math.max(0, c.openedAt + openMs - now) : openMs,
    };
  }

  async admitCacheHit(
    attempt: PlannedAttempt,
    input: PlanInput,
  ): Promise<Extract<Admission, { ok: false }> | null> {
    const now = this.deps.now();
    const items = cacheHitItems(this.#engineCaller(input), attempt.engine, now);
    if (items.length === 0) return null;
    const res = await this.deps.store.consume(items);
    if (res.ok) return null;
    const it = 'index' in res ? items[res.index] : undefined;
    const retryAfterMs = it && 'index' in res ? refusalWaitMs(it, res, now) : undefined;
    return {
      ok: false,
      kind: 'client',
      status: 429,
      code: 'rate_limited',
      message: it ? `Rate limit reached: ${it.label} allows ${allowsText(it)}.` : 'Rate limit reached.',
      ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
    };
  }

  /** Rebuild these budget counters (one load per counter on this instance at a time); false if one could not be read. */
  async #rebuildBudgets(items: LimitItem[]): Promise<boolean> {
    const loads = items.map((it) => {
      let p = this.#rebuilding.get(it.key);
      if (!p) {
        p = this.#rebuildBudget(it).finally(() => this.#rebuilding.delete(it.key));
        this.#rebuilding.set(it.key, p);
      }
      return p;
    });
    return (await Promise.all(loads)).every(Boolean);
  }

  /**
   * A budget counter from the database: this instance's queued usage records are written first, then the counter
   * is created (only if still absent: another instance may have been first) with the recorded spend of its
   * period plus what this instance spent that the database did not hold when it was read (its ledger: reservations
   * still in flight, whose settlement corrects the counter later, and records not written yet). Every other
   * instance adds its own when it learns of the new counter (the store's generations).
   */
  async #rebuildBudget(it: LimitItem): Promise<boolean> {
    const w = it.budget!;
    try {
      await this.deps.flushUsage?.();
      const readAt = this.deps.now();
      const { spent, snapshot } = await spendWithSnapshot(this.deps.prisma, w);
      // The store adds what this instance spent that the database did not hold yet (`ledger`): what the read's
      // snapshot did not see.
      await this.deps.store.seed([{ key: it.key, value: spent, ttlMs: it.ttlMs, readAt, snapshot }]);
      this.deps.logger.info(
        { scope: w.scope, id: w.id, since: new Date(w.since).toISOString(), spentUsd: spent },
        'budget rebuilt from recorded spend',
      );
      return true;
    } catch (err) {
      this.deps.logger.error(
        { err: String(err), scope: w.scope, id: w.id },
        'rebuilding a budget from recorded spend failed: requests it covers are refused until it can be read',
      );
      return false;
    }
  }

  /** Core's classification of a failed attempt, and the state events core derives from it (cooldown, circuit). */
  decide(
    error: UpstreamError,
    ctx: { attempt: PlannedAttempt; retriesOnThisTarget: number; afterFirstByte: boolean },
  ): Decision {
    const cfg = this.#core;
    const a = ctx.attempt.engine;
    const c = classify(
      {
        status: error.status,
        kind: error.kind,
        retryAfterMs: error.retryAfterMs,
        afterFirstByte: ctx.afterFirstByte,
        deadlineCut: error.deadlineCut === true,
      },
      {
        retries: ctx.retriesOnThisTarget,
        maxRetries: cfg.maxRetries,
        policyFallback: cfg.policyFallback,
        ...(cfg.cooldowns ? { cooldowns: cfg.cooldowns } : {}),
        rng: this.#rng,
        keySource: a.key.source,
      },
    );
    const now = this.deps.now();
    const events = eventsAfterFailure(a, c, now, cfg.circuit);
    // A failure counted toward the circuit is the probe's verdict (it reopens the circuit): nothing to give back.
    if (events.some((e) => e.type === 'circuit')) this.#probes.delete(ctx.attempt);
    if (events.length > 0) this.deps.store.apply(events);
    this.#noteFailure(ctx.attempt, error, c, events, now);
    return { action: c.action, delayMs: c.delayMs, reason: c.reason, needLargerContext: c.needLargerContext };
  }

  /**
   * What the provider's health shows of a failure: a provider-side one (a cooldown or a circuit failure) becomes
   * its last error, and a cooldown of a target the provider owns (itself, its own key, one of its models) keeps
   * its reason. A caller's own key (BYOK, org) failing is that caller's business: it is not the provider's error.
   */
  #noteFailure(
    attempt: PlannedAttempt,
    error: UpstreamError,
    c: Classification,
    events: StateEvent[],
    now: number,
  ): void {
    const notes = this.deps.notes;
    if (!notes || (!c.cooldown && !c.circuitFailure)) return;
    const own = attempt.keySource === 'provider';
    const scope = c.cooldown?.scope;
    const cd = events.find((e) => e.type === 'cooldown');
    const message = noteMessage(error.message || `upstream answered ${error.status}`, attempt.apiKey);
    const providerId = attempt.provider.id;
    notes.note(
      own || c.circuitFailure
        ? {
            providerId,
            at: now,
            status: error.status,
            kind: error.kind,
            message,
            source: 'traffic',
            model: attempt.model.modelId,
          }
        : null,
      // A caller's own key (or that key × one model) cooling down is that caller's, not the provider's.
      cd && scope && scope !== 'key-model' && (scope !== 'key' || own)
        ? {
            target: cd.target,
            providerId,
            scope,
            modelRegistryId: scope === 'model' ? attempt.model.id : null,
            until: cd.until,
            reason: c.reason,
            kind: error.kind,
            status: error.status,
            at: now,
          }
        : null,
    );
  }

  /**
   * The state-store targets and current rate-limit counters of a provider (or of one of its models): what an
   * admin's reset clears. Computed from this instance's snapshot (every instance computes the same).
   */
  stateOf(providerId: string, modelRegistryId: string | null) {
    const provider = this.#providers.get(providerId);
    const core = this.#coreProviders.get(providerId);
    const models = this.#loaded.models.filter(
      (m) => m.providerId === providerId && (modelRegistryId === null || m.id === modelRegistryId),
    );
    // A provider-wide reset also ends its endpoints' cooldowns (ENDPOINT_COOLDOWN_MS): the admin's "try it again now".
    const targets =
      modelRegistryId === null && provider
        ? [
            providerId,
            provider.key.id,
            ...provider.endpoints.map((e) => endpointTarget(providerId, e.baseUrl)),
          ]
        : [];
    for (const m of models) targets.push(modelTarget(providerId, m.id));
    const now = this.deps.now();
    const buckets = (core?.buckets ?? []).filter(
      (b) =>
        modelRegistryId === null ||
        (b.models !== 'all' &&
          models.some((m) => bucketApplies(b, `${provider?.slug ?? ''}/${m.modelId}`, m.modelId))),
    );
    return {
      provider,
      models,
      targets,
      buckets: buckets.map((b) => {
        const counters = bucketCounters('provider', providerId, b, now);
        return { bucket: b, key: counters.key, counters };
      }),
    };
  }

  /** Clear a provider's (or one model's) cooldowns, circuits and current rate-limit windows in the store. */
  async resetState(providerId: string, modelRegistryId: string | null): Promise<void> {
    const s = this.stateOf(providerId, modelRegistryId);
    const view = this.deps.store.view();
    const open = s.models.filter(
      (m) => (view.circuit(modelTarget(providerId, m.id))?.phase ?? 'closed') !== 'closed',
    );
    await this.deps.store.clear(
      s.targets,
      s.buckets.flatMap((b) => [b.key, ...b.counters.earlier]),
    );
    if (s.provider) for (const m of open) this.deps.onCircuit?.(s.provider.slug, m, false);
  }

  /** After an attempt ran: a success moves the latency average and closes a failing circuit (core's events). */
  report(r: AttemptReport): void {
    if (!r.ok) return;
    // An answer is the probe's verdict (it closes the circuit): nothing to give back.
    this.#probes.delete(r.attempt);
    this.deps.store.apply(eventsAfterSuccess(r.attempt.engine, r, this.deps.store.view()));
  }

  /**
   * Tells `onCircuit` that a provider × model circuit left closed (`open`) or returned to it (a half-open probe still
   * counts as not closed), as the store saw its change move it.
   */
  #circuitMoved(target: string, open: boolean): void {
    const bar = target.lastIndexOf('|');
    const provider = this.#providers.get(target.slice(0, bar));
    const model = this.#models.get(target.slice(bar + 1));
    if (!provider || !model) return;
    this.deps.onCircuit?.(provider.slug, model, open);
    if (open) this.deps.logger.warn({ provider: provider.slug, model: model.modelId }, 'circuit opened');
  }

  /**
   * The provider × model circuits not closed (open, or half-open with its probe) on this instance's view of the state
   * store: with Redis, the shared circuits as last synced, whichever instance opened or closed them. Read when the
   * circuit gauge is scraped.
   */
  openCircuits(): { provider: string; model: string }[] {
    const view = this.deps.store.view();
    const out: { provider: string; model: string }[] = [];
    for (const m of this.#loaded.models) {
      const phase = view.circuit(modelTarget(m.providerId, m.id))?.phase;
      if (phase === undefined || phase === 'closed') continue;
      const p = this.#providers.get(m.providerId);
      if (p) out.push({ provider: p.slug, model: m.metricLabel });
    }
    return out;
  }

  costOf(model: LoadedModel, usage: Usage): number {
    return costOf(
      {
        priceIn: model.priceInputPer1M,
        priceOut: model.priceOutputPer1M,
        priceCachedIn: model.priceCachedInputPer1M,
        longContext: model.longContext ?? undefined,
      },
      usage,
    );
  }
}

/**
 * Org rollovers settled for the month before each configuration load (the periodic reload picks a month's start
 * up within CONFIG_RELOAD_INTERVAL_MS); a failure is logged and the load goes on (a carry not settled for this
 * month counts as none until a later load settles it).
 */
async function settleRolloversLogged(deps: RoutingRuntime['deps']): Promise<void> {
  try {
    const n = await settleRollovers(deps.prisma, deps.now());
    if (n > 0) deps.logger.info({ orgs: n }, 'org spend-cap rollover settled for the month');
  } catch (err) {
    deps.logger.warn({ err }, 'org spend-cap rollover could not be settled');
  }
}
