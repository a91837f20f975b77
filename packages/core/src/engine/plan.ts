import { circuitAdmits } from './circuit.js';
import {
  estimateCost,
  isBilled,
  promptTokensOn,
  reservedCost,
  reservedOutputTokens,
  uncappedHint,
} from './cost.js';
import { windowFreeAt, windowUsed } from './limits.js';
import {
  budgetKey,
  bucketCounters,
  countersAt,
  keyModelTarget,
  type BucketCounters,
  modelTarget,
  type StateEvent,
  type StateView,
} from './state.js';
import { orderAlias, orderGlobal, type Scored } from './strategies.js';
import { selectAgent } from './agents.js';
import { assignExperiment } from './experiments.js';
import { applyRules, ruleTrace, type RuleTrace } from './rules.js';
import {
  TIERS,
  type AliasConfig,
  type AgentEffort,
  type AliasStrategy,
  type BucketConfig,
  type Caller,
  type KeyRef,
  type ModelConfig,
  type ProviderConfig,
  type RequestInfo,
  type RequestParam,
  PARAM_LABEL,
  type RoutingConfig,
  type Tier,
} from './types.js';
import { periodEnd, rateLimitPhrase } from './windows.js';

export type SkipReason =
  | 'provider-disabled'
  | 'provider-error'
  | 'model-disabled'
  | 'model-not-allowed'
  | 'capability-missing'
  | 'parameter-unsupported'
  | 'context-window'
  | 'no-usable-key'
  | 'cooldown'
  | 'circuit-open'
  | 'rate-limited'
  | 'budget-exhausted'
  | 'byok-limit';

export interface Skip {
  ref: string;
  reason: SkipReason;
  detail?: string;
  /** When the limit that caused the skip resets (ms epoch). */
  resetsAt?: number;
}

export interface Attempt {
  ref: string;
  providerId: string;
  providerSlug: string;
  providerType: string;
  /** Registry id of the model. */
  modelRegistryId: string;
  /** Upstream model id. */
  modelId: string;
  key: KeyRef & { usable: true };
  /** What the request is expected to cost on this model (the cost strategy ranks by it). */
  estimatedCostUsd: number;
  /** The most it may cost (its whole output cap): what its budgets reserve before the call. */
  reservedCostUsd: number;
  contextWindow: number | null;
  isFallback: boolean;
  /** Why it is in the list: 'alias', 'power-level', 'direct', 'bare', 'alias-fallback', 'chain', 'auto-fallback'. */
  via: string;
  /** Circuit half-open probe. */
  probe: boolean;
}

export type LookupKind = 'alias' | 'power-level' | 'direct' | 'bare';

export interface TraceCandidate {
  ref: string;
  via: string;
  key?: string;
  kept: boolean;
  reason?: SkipReason;
  detail?: string;
  score?: number;
}

/**
 * The resolver trace: compact, JSON-serialisable, stored with each usage record and shown by the dashboard for a
 * logged request or a dry run.
 *
 * - `lookup`: how the name resolved — `kind` (alias / power-level / direct / bare / unknown), the alias with its
 *   scope and strategy, or the power level with the tier it drew from.
 * - `strategy`: the global strategy that ordered bare ids, tiers and fallback tails.
 * - `candidates`: every candidate considered, in consideration order, kept (with the key source that would pay)
 *   or skipped (with the reason and a detail), with the strategy's score where one applied.
 * - `order`: the refs of the chosen attempts, in order; `attempts`: how many.
 */
export interface Trace {
  requested: string;
  lookup: {
    kind: LookupKind | 'unknown';
    alias?: string;
    scope?: string;
    level?: Tier;
    tier?: Tier;
    aliasStrategy?: AliasStrategy;
    /** The request named `default` (or nothing) and the user's default model was used: what it resolved as. */
    userDefault?: string;
  };
  strategy: string;
  /** The request named no model (or `default`): the routing settings' default model it resolved to. */
  defaultModel?: string;
  candidates: TraceCandidate[];
  order: string[];
  attempts: number;
  /** The agent configuration that chose the model (`agent:<id>` or the x-switchyard-agent header). */
  agent?: { id: string; name: string; effort: AgentEffort; model: string; via: 'model' | 'header' };
  /**
   * The A/B experiment running on the alias: the variant the caller was assigned (its bucket 0..9999, sticky on
   * the user, the key or drawn per request) and the target that replaced the alias's own. `unresolved`: the
   * variant's target names nothing routable, so the alias routed as configured (and the request counts for no
   * variant).
   */
  experiment?: {
    id: string;
    name: string;
    variant: string;
    target: string;
    bucket: number;
    sticky: 'user' | 'key' | 'request';
    unresolved?: true;
  };
  /** The routing rule that applied (the first enabled match) and what it did; absent when none matched. */
  rule?: RuleTrace;
}

export type NoRouteCode =
  | 'unknown_model'
  | 'model_not_allowed'
  | 'no_candidates'
  | 'rate_limited'
  | 'budget_exhausted'
  | 'capability_missing'
  | 'parameter_unsupported'
  | 'context_too_large'
  | 'byok_limit_reached'
  | 'unknown_agent'
  | 'invalid_effort';

export interface NoRoute {
  code: NoRouteCode;
  message: string;
  httpStatus: number;
  /** parameter_unsupported: the (first) parameter no candidate could honour. */
  param?: RequestParam;
  retryAfterMs?: number;
  resetsAt?: number;
}

export type PlanResult =
  | { ok: true; attempts: Attempt[]; skipped: Skip[]; trace: Trace; events: StateEvent[] }
  | { ok: false; error: NoRoute; skipped: Skip[]; trace: Trace; events: StateEvent[] };

export interface PlanInput {
  request: RequestInfo;
  caller: Caller;
  config: RoutingConfig;
  state: StateView;
  now: number;
  rng: () => number;
}

/** The models one caller can see, by reference, by upstream id and by tier. */
export interface ModelView {
  modelByRef: Map<string, ModelConfig>;
  modelsById: Map<string, ModelConfig[]>;
  byTier: Map<Tier, ModelConfig[]>;
}

/**
 * Lookup maps built once per config object (cached in a WeakMap: a new snapshot gets a new index). The top-level
 * `modelByRef` / `modelsById` / `byTier` hold the global models; org- and user-scoped models live in `scoped` and
 * are merged over the global ones for callers in that scope ({@link viewFor}).
 */
export interface Index extends ModelView {
  /** Each model's '<provider-slug>/<model-id>', computed once. */
  refs: Map<ModelConfig, string>;
  /** Each model's state target key ('<providerId>|<modelId>'), computed once. */
  targets: Map<ModelConfig, string>;
  providerById: Map<string, ProviderConfig>;
  providerBySlug: Map<string, ProviderConfig>;
  aliases: Map<string, AliasConfig>;
  /** scope ('org:<id>' | 'user:<id>') → the models registered in it. */
  scoped: Map<string, ModelConfig[]>;
  /** Merged views for callers with scoped models, by '<org scope>|<user scope>'. */
  views: Map<string, ModelView>;
  /** Each model's fallback chain (keyed in the config by its ref, else by its bare model id). */
  chainByModel: Map<ModelConfig, readonly string[]>;
  /**
   * Counters of each provider's buckets, parallel to `buckets`: the key prefix ('bucket:provider:<id>:<name>:') and
   * the counters last built with it (reused while their slot lasts, so the store's map lookups hash no new string).
   */
  bucketKeys: Map<ProviderConfig, { prefix: string; counters: BucketCounters | undefined }[]>;
}

const indexCache = new WeakMap<RoutingConfig, Index>();
const ADMIT = { admit: true, probe: false } as const;

/** Builds (once per config object) the lookup maps the planner uses. */
export function indexConfig(config: RoutingConfig): Index {
  const cached = indexCache.get(config);
  if (cached) return cached;
  const providerById = new Map(config.providers.map((p) => [p.id, p]));
  const providerBySlug = new Map(config.providers.map((p) => [p.slug, p]));
  const modelByRef = new Map<string, ModelConfig>();
  const refs = new Map<ModelConfig, string>();
  const targets = new Map<ModelConfig, string>();
  const modelsById = new Map<string, ModelConfig[]>();
  const byTier = new Map<Tier, ModelConfig[]>(TIERS.map((t) => [t, []]));
  const scoped = new Map<string, ModelConfig[]>();
  for (const m of config.models) {
    const p = providerById.get(m.providerId);
    if (!p) continue;
    const ref = `${p.slug}/${m.modelId}`;
    refs.set(m, ref);
    targets.set(m, modelTarget(p.id, m.id));
    if (m.scope !== 'global') {
      const list = scoped.get(m.scope) ?? [];
      list.push(m);
      scoped.set(m.scope, list);
      continue;
    }
    modelByRef.set(ref, m);
    const list = modelsById.get(m.modelId) ?? [];
    list.push(m);
    modelsById.set(m.modelId, list);
    if (m.priced !== false) byTier.get(m.tier)?.push(m);
  }
  const aliases = new Map<string, AliasConfig>();
  for (const a of config.aliases) if (a.enabled) aliases.set(`${a.scope}|${a.name}`, a);
  const chainByModel = new Map<ModelConfig, readonly string[]>();
  for (const [m, ref] of refs) {
    const chain = chainOf(config.chains, ref) ?? chainOf(config.chains, m.modelId);
    if (chain && chain.length > 0) chainByModel.set(m, chain);
  }
  const bucketKeys = new Map(
    config.providers.map((p) => [
      p,
      p.buckets.map((b) => ({
        prefix: `bucket:provider:${p.id}:${b.name}:`,
        counters: undefined as BucketCounters | undefined,
      })),
    ]),
  );
  const index: Index = {
    refs,
    targets,
    providerById,
    providerBySlug,
    modelByRef,
    modelsById,
    aliases,
    byTier,
    scoped,
    views: new Map(),
    chainByModel,
    bucketKeys,
  };
  indexCache.set(config, index);
  return index;
}

export function refOf(index: Index, m: ModelConfig): string {
  return index.refs.get(m) ?? `${index.providerById.get(m.providerId)?.slug ?? m.providerId}/${m.modelId}`;
}

/**
 * The models a caller can see: the global registry, with the models of the caller's org scope (`org:<orgId>`)
 * and then of its user scope (`user:<userId>`) added on top; a scoped model replaces a global one with the same
 * `<provider-slug>/<model-id>` (most specific wins). Models of other orgs and users are invisible. Callers with
 * no scoped models get the global view itself (no allocation).
 */
export function viewFor(index: Index, caller: Pick<Caller, 'orgId' | 'userId'>): ModelView {
  if (index.scoped.size === 0) return index;
  const orgScope = caller.orgId ? `org:${caller.orgId}` : '';
  const userScope = caller.userId ? `user:${caller.userId}` : '';
  const orgModels = orgScope ? index.scoped.get(orgScope) : undefined;
  const userModels = userScope ? index.scoped.get(userScope) : undefined;
  if (!orgModels && !userModels) return index;
  const cacheKey = `${orgModels ? orgScope : ''}|${userModels ? userScope : ''}`;
  const cached = index.views.get(cacheKey);
  if (cached) return cached;
  const modelByRef = new Map(index.modelByRef);
  for (const list of [orgModels, userModels]) for (const m of list ?? []) modelByRef.set(refOf(index, m), m);
  const modelsById = new Map<string, ModelConfig[]>();
  const byTier = new Map<Tier, ModelConfig[]>(TIERS.map((t) => [t, []]));
  for (const m of modelByRef.values()) {
    const list = modelsById.get(m.modelId) ?? [];
    list.push(m);
    modelsById.set(m.modelId, list);
    if (m.priced !== false) byTier.get(m.tier)?.push(m);
  }
  const view = { modelByRef, modelsById, byTier };
  index.views.set(cacheKey, view);
  return view;
}

/** The models a reference names: `<slug>/<model>` exactly, else a bare model id on every provider. */
export function modelsForRef(view: ModelView, ref: string): ModelConfig[] {
  const direct = view.modelByRef.get(ref);
  if (direct) return [direct];
  return view.modelsById.get(ref) ?? [];
}

/**
 * The tier a power level draws from: its own tier when any enabled model has it, else the nearest tier that has
 * one — upward for eco (the cheapest tier available), downward for precision (the best tier available), and
 * for balanced precision before eco.
 */
export function effectiveTier(view: ModelView, tier: Tier): Tier {
  const order: readonly Tier[] =
    tier === 'eco'
      ? ['eco', 'balanced', 'precision']
      : tier === 'precision'
        ? ['precision', 'balanced', 'eco']
        : ['balanced', 'precision', 'eco'];
  for (const t of order) if ((view.byTier.get(t) ?? []).some((m) => m.enabled)) return t;
  return tier;
}

interface Lookup {
  kind: LookupKind;
  primary: { ref: string; model: ModelConfig; weight: number }[];
  /** Order `primary` by the global strategy (bare ids, tier members) rather than keep it as configured. */
  orderPrimary: boolean;
  fallbacks: string[];
  alias?: AliasConfig;
  level?: Tier;
  tier?: Tier;
}

/** The key an alias's round-robin cursor and smooth-weighted state are stored under: its name, or `<scope>|<name>` for an org alias. */
export function aliasStateKey(alias: Pick<AliasConfig, 'name' | 'scope'>): string {
  return alias.scope === 'global' ? alias.name : `${alias.scope}|${alias.name}`;
}

/**
 * Model resolution, in this order: an alias (the caller's org alias before the global one of the same name);
 * a power level (`auto` = the caller's level, else balanced; `eco`/`balanced`/`precision` explicitly); a direct
 * `<provider-slug>/<model-id>`; a bare model id served by one or more providers. `null` = unknown.
 */
function lookup(
  index: Index,
  view: ModelView,
  config: RoutingConfig,
  req: RequestInfo,
  caller: Caller,
): Lookup | null {
  const name = req.model;
  const alias =
    (caller.orgId ? index.aliases.get(`org:${caller.orgId}|${name}`) : undefined) ??
    index.aliases.get(`global|${name}`);
  if (alias) {
    const primary = [];
    for (const t of alias.targets)
      for (const m of modelsForRef(view, t.ref))
        primary.push({ ref: refOf(index, m), model: m, weight: t.weight });
    return { kind: 'alias', primary, orderPrimary: false, fallbacks: [...alias.fallbacks], alias };
  }
  const level: Tier | null =
    name === 'auto'
      ? (caller.powerLevel ?? 'balanced')
      : (TIERS as readonly string[]).includes(name)
        ? (name as Tier)
        : null;
  if (level) {
    // A level configured and disabled does not route (one not configured at all routes by its own tier).
    if (disabledLevel(config, level)) return null;
    const pl = config.powerLevels.find((p) => p.slug === level && p.enabled);
    const tier = effectiveTier(view, pl?.tier ?? level);
    const explicit = (pl?.modelRefs ?? []).flatMap((r) => modelsForRef(view, r));
    const seen = new Set(explicit);
    const rest = (view.byTier.get(tier) ?? []).filter((m) => !seen.has(m));
    // Explicit refs are tried first, as configured, and the rest of the tier follows as fallbacks; without
    // explicit refs the tier itself is the primary set, ordered by the global strategy.
    if (explicit.length === 0) {
      return {
        kind: 'power-level',
        level,
        tier,
        primary: rest.map((m) => ({ ref: refOf(index, m), model: m, weight: 1 })),
        orderPrimary: true,
        fallbacks: [],
      };
    }
    return {
      kind: 'power-level',
      level,
      tier,
      primary: explicit.map((m) => ({ ref: refOf(index, m), model: m, weight: 1 })),
      orderPrimary: false,
      fallbacks: rest.map((m) => refOf(index, m)),
    };
  }
  const direct = view.modelByRef.get(name);
  if (direct)
    return {
      kind: 'direct',
      primary: [{ ref: name, model: direct, weight: 1 }],
      orderPrimary: false,
      fallbacks: [],
    };
  const bare = view.modelsById.get(name);
  if (bare && bare.length > 0)
    return {
      kind: 'bare',
      primary: bare.map((m) => ({ ref: refOf(index, m), model: m, weight: 1 })),
      orderPrimary: true,
      fallbacks: [],
    };
  return null;
}

/** Whether a power level is configured and switched off (a level with no configuration is not). */
function disabledLevel(config: RoutingConfig, level: string): boolean {
  const configured = config.powerLevels.filter((p) => p.slug === level);
  return configured.length > 0 && configured.every((p) => !p.enabled);
}

/**
 * The power level a name asks for when that level is disabled (`auto` asks for the caller's level, else
 * balanced); null otherwise.
 */
function disabledLevelOf(config: RoutingConfig, name: string, caller: Caller): string | null {
  const level = name === 'auto' ? (caller.powerLevel ?? 'balanced') : name;
  return (TIERS as readonly string[]).includes(level) && disabledLevel(config, level) ? level : null;
}

/**
 * The default that answers a request naming no model: the registry's default of the caller's user scope, else of
 * its organization's, else the routing settings' default model; null when none. (The registry's global default is
 * not one: the gateway-wide default is the routing settings' own.)
 */
export function defaultFor(
  config: Pick<RoutingConfig, 'defaultModel' | 'scopeDefaults'>,
  caller: Pick<Caller, 'orgId' | 'userId'>,
): string | null {
  const scoped = config.scopeDefaults;
  return (
    (caller.userId ? scoped?.[`user:${caller.userId}`] : undefined) ??
    (caller.orgId ? scoped?.[`org:${caller.orgId}`] : undefined) ??
    (config.defaultModel || undefined) ??
    null
  );
}

/** A request that names no model: an empty name or `default`. */
export function isDefaultModelName(name: string): boolean {
  return name === '' || name === 'default';
}

/** Whether a bucket counts a model: `models` is 'all', or lists its upstream id or its `<provider-slug>/<model-id>`. */
export function bucketApplies(b: Pick<BucketConfig, 'models'>, ref: string, modelId: string): boolean {
  return b.models === 'all' || b.models.includes(modelId) || b.models.includes(ref);
}

function bucketNeed(b: BucketConfig, req: RequestInfo, model: ModelConfig): number {
  return b.unit === 'requests' ? 1 : promptTokensOn(model, req) + reservedOutputTokens(model, req);
}

/**
 * Why a bucket refuses a request: its window holds too much until enough of it has left (`windowFreeAt`), or (needing
 * more than the whole limit) never, which no wait fixes (no reset time is given).
 */
function bucketRefusal(
  label: string,
  used: number,
  need: number,
  b: BucketConfig,
  counters: BucketCounters,
  state: StateView,
  req: RequestInfo,
  model: ModelConfig,
  now: number,
): { detail: string; resetsAt: number | undefined } {
  if (need > b.limit)
    return {
      detail: `${label}: this request needs up to ${need} ${b.unit}, more than the ${rateLimitPhrase(b.limit, b.unit, b.window)} it allows${uncappedHint(req, model)}`,
      resetsAt: undefined,
    };
  const at = windowFreeAt(counters, used, (j) => state.counter(counters.earlier[j]!), need, b.limit, now);
  return {
    detail: `${label}: ${used}/${rateLimitPhrase(b.limit, b.unit, b.window)}`,
    resetsAt: at ?? undefined,
  };
}

/** The key this caller would use for a provider: BYOK, then the org's, then the provider's own. */
export function chooseKey(p: ProviderConfig, caller: Caller): { key: KeyRef | null; tried: KeyRef[] } {
  const tried: KeyRef[] = [];
  for (const k of [caller.byok[p.id], caller.orgKeys[p.id], p.key]) {
    if (!k) continue;
    if (k.usable) return { key: k, tried };
    tried.push(k);
  }
  return { key: null, tried };
}

interface Candidate extends Scored {
  provider: ProviderConfig;
  key: KeyRef & { usable: true };
  via: string;
  isFallback: boolean;
  probe: boolean;
  estimatedCostUsd: number;
  reservedCostUsd: number;
  /** This candidate's entry in the trace (the strategy's score is written into it). */
  traceEntry: TraceCandidate;
}

/**
 * Plans a request: resolves the model name, builds candidates (provider × model × key), filters them with a
 * reason each, orders them by the alias or global strategy, appends fallbacks (alias fallbacks, model fallback
 * chains, auto-fallback providers; cycle-safe) and caps the list at `maxAttempts`. Never throws for bad input:
 * an unknown model or an empty candidate set is a typed NoRoute.
 */
export function plan(input: PlanInput): PlanResult {
  const { caller, state, now, rng } = input;
  let config = input.config;
  const requested = input.request.model;
  const index = indexConfig(config);
  const trace: Trace = {
    requested,
    lookup: { kind: 'unknown' },
    strategy: config.strategy,
    candidates: [],
    order: [],
    attempts: 0,
  };
  const skipped: Skip[] = [];
  const events: StateEvent[] = [];
  const fail = (error: NoRoute): PlanResult => ({ ok: false, error, skipped, trace, events: [] });

  // An agent configuration names the model (then resolved like any other name).
  let req = input.request;
  const agentSel = selectAgent(req, config.agents);
  if (agentSel.kind === 'error')
    return fail({ code: agentSel.code, httpStatus: agentSel.httpStatus, message: agentSel.message });
  if (agentSel.kind === 'agent') {
    const { agent, effort, model, via } = agentSel;
    trace.agent = { id: agent.id, name: agent.name, effort, model, via };
    req = { ...req, model };
  }
  // A routing rule (the first enabled match) may route elsewhere, override the strategy or prefer a region.
  const rule = config.rules?.length ? applyRules(config, { request: req, caller, now }) : null;
  if (rule) {
    trace.rule = ruleTrace(rule);
    if (rule.then.route) req = { ...req, model: rule.then.route };
    if (rule.then.strategy) {
      config = { ...config, strategy: rule.then.strategy };
      trace.strategy = rule.then.strategy;
    }
  }

  const view = viewFor(index, caller);
  // The user's own default model stands in for `default` (or no model) first; else the configured default does
  // when `default` names nothing.
  const userDefault = userDefaultFor(req.model, caller);
  if (userDefault) req = { ...req, model: userDefault };
  let found = lookup(index, view, config, req, caller);
  const standIn = !found && !userDefault && isDefaultModelName(req.model) ? defaultFor(config, caller) : null;
  if (standIn) {
    // No model named (or `default` with no alias of that name): the default that answers this caller stands in.
    trace.defaultModel = standIn;
    req = { ...req, model: standIn };
    found = lookup(index, view, config, req, caller);
  }
  const offLevel = found ? null : disabledLevelOf(config, req.model, caller);
  if (offLevel) {
    return fail({
      code: 'unknown_model',
      httpStatus: 404,
      message:
        req.model === 'auto'
          ? `The model "auto" stands for the power level "${offLevel}", which is disabled: it does not route until an admin enables it.`
          : `The power level "${offLevel}" is disabled: it does not route until an admin enables it.`,
    });
  }
  if (!found) {
    return fail({
      code: 'unknown_model',
      httpStatus: 404,
      message: userDefault
        ? `Your default model "${userDefault}" is not an alias, a power level or a model any enabled provider serves.`
        : `The model "${req.model}"${trace.agent ? ` (the ${trace.agent.effort} model of agent "${trace.agent.id}")` : ''} is not an alias, a power level or a model any enabled provider serves.`,
    });
  }
  trace.lookup = {
    kind: found.kind,
    ...(found.alias
      ? { alias: found.alias.name, scope: found.alias.scope, aliasStrategy: found.alias.strategy }
      : {}),
    ...(found.level ? { level: found.level } : {}),
    ...(found.tier ? { tier: found.tier } : {}),
    ...(userDefault ? { userDefault } : {}),
  };
  // An A/B experiment on the alias: the caller's variant routes in its place (zero cost without experiments).
  if (found.alias && config.experiments?.length)
    found = experimentLookup(found, found.alias, { index, view, config, req, caller, now, rng, trace });
  // A key limited to some models may name them, or the agent (or `default`) that resolves to them.
  const requestAllowed =
    caller.allowedModels.length === 0 ||
    caller.allowedModels.includes(req.model) ||
    caller.allowedModels.includes(requested);
  const rankOf = preferenceRanks(caller.preferredProviders);
  const params = req.params !== undefined && req.params.length > 0 ? req.params : undefined;

  // Caller-wide limits (key RPM/TPM, user buckets) and budgets: their counters are read once per plan; the
  // check stays per candidate because what a candidate needs (tokens, cost) differs.
  const counter = (k: string) => state.counter(k);
  const callerBuckets = caller.buckets.map(({ scope, id, bucket }) => {
    const counters = bucketCounters(scope, id, bucket, now);
    return { scope, id, bucket, counters, used: windowUsed(counters, counter) };
  });
  const budgets = caller.budgets.map((b) => ({
    b,
    spent: state.spend(budgetKey(b, now)),
    cap: b.limitUsd + (b.carryOverUsd ?? 0),
  }));
  const seen = new Set<string>();
  const kept: Candidate[] = [];
  // Every model considered, kept or skipped, in order: their fallback chains and auto-fallbacks apply either way
  // (a primary that is cooling down still falls back along its chain).
  const considered: ModelConfig[] = [];

  const skipAs = (ref: string, via: string, reason: SkipReason, detail?: string, resetsAt?: number): null => {
    skipped.push({
      ref,
      reason,
      ...(detail ? { detail } : {}),
      ...(resetsAt !== undefined ? { resetsAt } : {}),
    });
    trace.candidates.push({ ref, via, kept: false, reason, ...(detail ? { detail } : {}) });
    return null;
  };
  const consider = (
    ref: string,
    model: ModelConfig,
    weight: number,
    via: string,
    isFallback: boolean,
  ): Candidate | null => {
    const provider = index.providerById.get(model.providerId);
    if (!provider || seen.has(ref)) return null;
    seen.add(ref);
    considered.push(model);
    if (provider.status === 'disabled') return skipAs(ref, via, 'provider-disabled');
    if (provider.status === 'error') return skipAs(ref, via, 'provider-error');
    if (!model.enabled) return skipAs(ref, via, 'model-disabled');
    if (
      !requestAllowed &&
      !caller.allowedModels.includes(ref) &&
      !caller.allowedModels.includes(model.modelId)
    )
      return skipAs(ref, via, 'model-not-allowed');
    for (const need of req.needs) {
      if (
        need === 'chat' &&
        model.capabilities.includes('embeddings') &&
        !model.capabilities.includes('chat')
      )
        return skipAs(ref, via, 'capability-missing', 'chat');
      if (need !== 'chat' && !model.capabilities.includes(need))
        return skipAs(ref, via, 'capability-missing', need);
    }
    if (params !== undefined && provider.params !== undefined) {
      for (const p of params)
        if (!provider.params.includes(p)) return skipAs(ref, via, 'parameter-unsupported', PARAM_LABEL[p]);
    }
    if (model.contextWindow !== null && req.endpoint !== 'embeddings') {
      const needTokens = req.promptTokens + (req.maxTokens ?? 0);
      if (needTokens > model.contextWindow)
        return skipAs(ref, via, 'context-window', `${needTokens} > ${model.contextWindow}`);
    }
    // Key order: the caller's BYOK key, the org's key, the provider's own (keyless providers: their own only).
    let key: (KeyRef & { usable: true }) | null = null;
    if (!provider.keyless) {
      const byok = caller.byok[provider.id];
      const org = caller.orgKeys[provider.id];
      if (byok?.usable) key = byok;
      else if (org?.usable) key = org;
    }
    // A model with its own auth pays with its own key in place of the provider's.
    const own = model.key ?? provider.key;
    if (!key && own.usable) key = own;
    if (!key) {
      const tried = provider.keyless ? [own] : [caller.byok[provider.id], caller.orgKeys[provider.id], own];
      const why = tried
        .map((k) => (!k || k.usable ? '' : `${k.source}:${k.problem}`))
        .filter(Boolean)
        .join(', ');
      return skipAs(ref, via, 'no-usable-key', why || 'no key');
    }
    const target = index.targets.get(model) ?? modelTarget(provider.id, model.id);
    // A caller's own key (BYOK, org) may also be cooling down for this model alone (it may not use it).
    const cd = Math.max(
      state.cooldownUntil(provider.id),
      state.cooldownUntil(target),
      state.cooldownUntil(key.id),
      key.source === 'provider' ? 0 : state.cooldownUntil(keyModelTarget(key.id, model.id)),
    );
    if (cd > now) return skipAs(ref, via, 'cooldown', undefined, cd);
    const circuitState = state.circuit(target);
    const circuit = circuitState ? circuitAdmits(circuitState, now, config.circuit) : ADMIT;
    if (!circuit.admit)
      return skipAs(
        ref,
        via,
        'circuit-open',
        undefined,
        (circuitState?.openedAt ?? now) + config.circuit.openMs,
      );

    let headroom = 1;
    const keys = provider.buckets.length > 0 ? index.bucketKeys.get(provider) : undefined;
    for (let bi = 0; bi < provider.buckets.length; bi++) {
      const bucket = provider.buckets[bi]!;
      if (!bucketApplies(bucket, ref, model.modelId)) continue;
      const k = keys?.[bi];
      const counters = k
        ? (k.counters = countersAt(k.prefix, bucket.window, now, k.counters))
        : bucketCounters('provider', provider.id, bucket, now);
      const used = windowUsed(counters, counter);
      const need = bucketNeed(bucket, req, model);
      if (used + need > bucket.limit) {
        const why = bucketRefusal(
          `provider bucket ${bucket.name}`,
          used,
          need,
          bucket,
          counters,
          state,
          req,
          model,
          now,
        );
        return skipAs(ref, via, 'rate-limited', why.detail, why.resetsAt);
      }
      headroom = Math.min(headroom, (bucket.limit - used) / bucket.limit);
    }
    const byokPays = key.source === 'byok';
    for (const { scope, bucket, counters, used } of callerBuckets) {
      if (!bucketApplies(bucket, ref, model.modelId)) continue;
      if (scope === 'byok' && !byokPays) continue;
      const need = bucketNeed(bucket, req, model);
      if (used + need > bucket.limit) {
        const why = bucketRefusal(
          `${scope} bucket ${bucket.name}`,
          used,
          need,
          bucket,
          counters,
          state,
          req,
          model,
          now,
        );
        return skipAs(ref, via, scope === 'byok' ? 'byok-limit' : 'rate-limited', why.detail, why.resetsAt);
      }
    }
    const billed = isBilled(req.endpoint);
    const estimatedCostUsd = billed
      ? estimateCost(model, promptTokensOn(model, req), req.maxTokens, req.choices)
      : 0;
    const reservedCostUsd = billed ? reservedCost(model, req) : 0;
    // Platform budgets count what the platform pays; the user's BYOK budget what their own key pays. A budget must
    // hold the most the request may cost: its answer is not cut when the budget runs out.
    for (const { b, spent, cap } of budgets) {
      if ((b.scope === 'byok') !== byokPays) continue;
      if (spent + reservedCostUsd > cap) {
        const resets = periodEnd(now, b.period);
        return skipAs(
          ref,
          via,
          b.scope === 'byok' ? 'byok-limit' : 'budget-exhausted',
          `${b.scope} budget: $${spent.toFixed(4)} of $${cap.toFixed(2)} (${b.period}); this request may cost up to $${reservedCostUsd.toFixed(4)}${uncappedHint(req, model)}`,
          resets ?? undefined,
        );
      }
    }
    const c: Candidate = {
      ref,
      target,
      model,
      provider,
      providerPriority: provider.priority,
      weight,
      headroom,
      key,
      via,
      isFallback,
      probe: circuit.probe,
      estimatedCostUsd,
      reservedCostUsd,
      traceEntry: { ref, via, key: key.source, kept: true },
    };
    trace.candidates.push(c.traceEntry);
    return c;
  };

  // Primary targets.
  const primary: Candidate[] = [];
  for (const t of found.primary) {
    const c = consider(t.ref, t.model, t.weight, found.kind, false);
    if (c) primary.push(c);
  }
  let ordered: Candidate[];
  if (found.alias) {
    const r = orderAlias(aliasStateKey(found.alias), found.alias.strategy, primary, state, rng);
    ordered = r.order;
    events.push(...r.events);
    annotate(r.order, r.scores);
  } else if (!found.orderPrimary) {
    ordered = primary; // a direct ref, or a power level's explicit refs: as configured
  } else {
    const r = orderGlobal(primary, config.strategy, req.promptTokens, req.maxTokens);
    ordered = r.order;
    annotate(r.order, r.scores);
  }
  kept.push(...preferFirst(ordered, rankOf));

  // Fallback tail: alias fallbacks / power-level tier, model chains, auto-fallback providers — ordered by the
  // global strategy within each group, never revisiting a ref.
  const tail = (refs: readonly string[], via: string) => {
    if (refs.length === 0) return;
    const group: Candidate[] = [];
    for (const r of refs)
      for (const m of modelsForRef(view, r)) {
        const c = consider(refOf(index, m), m, 1, via, true);
        if (c) group.push(c);
      }
    const o = orderGlobal(group, config.strategy, req.promptTokens, req.maxTokens);
    annotate(o.order, o.scores);
    kept.push(...preferFirst(o.order, rankOf));
  };
  tail(found.fallbacks, found.kind === 'power-level' ? 'power-level' : 'alias-fallback');
  // Chains of every model considered so far, kept or skipped (breadth-first, cycle-safe through `seen`).
  for (let i = 0; i < considered.length && i < 64; i++) {
    const m = considered[i]!;
    const chain = index.chainByModel.get(m);
    if (chain) tail(chain, 'chain');
  }
  // Auto-fallback: the same model id on other providers that allow it (each model id once, unseen refs only).
  const autoRefs: string[] = [];
  const autoIds = new Set<string>();
  // A bare model id already lists every provider serving it.
  if (found.kind !== 'bare')
    for (const m of considered)
      if (index.providerById.get(m.providerId)?.autoFallback) autoIds.add(m.modelId);
  for (const id of autoIds) {
    for (const m of view.modelsById.get(id) ?? []) {
      const p = index.providerById.get(m.providerId);
      if (!p?.autoFallback) continue;
      const ref = refOf(index, m);
      if (!seen.has(ref)) autoRefs.push(ref);
    }
  }
  tail(autoRefs, 'auto-fallback');

  const cap = Math.max(1, config.maxAttempts);
  const region = rule?.then.region;
  const chosen = (region ? inRegionFirst(kept, region) : kept).slice(0, cap);
  trace.order = chosen.map((c) => c.ref);
  trace.attempts = chosen.length;

  if (chosen.length === 0) {
    return fail(noRouteFromSkips(req, skipped, now));
  }
  return {
    ok: true,
    attempts: chosen.map((c) => ({
      ref: c.ref,
      providerId: c.provider.id,
      providerSlug: c.provider.slug,
      providerType: c.provider.type,
      modelRegistryId: c.model.id,
      modelId: c.model.modelId,
      key: c.key,
      estimatedCostUsd: c.estimatedCostUsd,
      reservedCostUsd: c.reservedCostUsd,
      contextWindow: c.model.contextWindow,
      isFallback: c.isFallback,
      via: c.via,
      probe: c.probe,
    })),
    skipped,
    trace,
    events,
  };
}

/**
 * A live experiment on the alias `found` resolved: the caller's variant's target, resolved like any name, replaces
 * the alias's targets; its own fallbacks come first, then the alias's (so a failing variant still falls back as
 * the alias would). The trace names the experiment and variant. A variant whose target resolves to nothing leaves
 * the alias as configured (the trace says so).
 */
function experimentLookup(
  found: Lookup,
  alias: AliasConfig,
  x: {
    index: Index;
    view: ModelView;
    config: RoutingConfig;
    req: RequestInfo;
    caller: Caller;
    now: number;
    rng: () => number;
    trace: Trace;
  },
): Lookup {
  const a = assignExperiment(x.config.experiments ?? [], alias.name, x.caller, x.now, x.rng);
  if (!a) return found;
  const { experiment, variant, bucket, stickyId } = a;
  const sticky = stickyId === null ? 'request' : stickyId.startsWith('user:') ? 'user' : 'key';
  const base = {
    id: experiment.id,
    name: experiment.name,
    variant: variant.name,
    target: variant.target,
    bucket,
    sticky,
  } as const;
  const v = lookup(x.index, x.view, x.config, { ...x.req, model: variant.target }, x.caller);
  if (!v) {
    x.trace.experiment = { ...base, unresolved: true };
    return found;
  }
  x.trace.experiment = base;
  return { ...v, fallbacks: [...v.fallbacks, ...found.fallbacks] };
}

/**
 * The name the user's default model replaces: a request for `default` (or with no model) from a caller with a
 * default of their own resolves as that default. Null = resolve the name as sent.
 */
export function userDefaultFor(model: string, caller: Pick<Caller, 'userDefaultModel'>): string | null {
  const d = caller.userDefaultModel;
  if (!d || isDefaultModelName(d)) return null;
  return isDefaultModelName(model.trim()) ? d : null;
}

/** Rank (1-based) of each preferred provider slug; null when the caller prefers none. */
function preferenceRanks(preferred: readonly string[] | undefined): Map<string, number> | null {
  if (!preferred || preferred.length === 0) return null;
  const ranks = new Map<string, number>();
  preferred.forEach((slug, i) => {
    if (!ranks.has(slug)) ranks.set(slug, i + 1);
  });
  return ranks;
}

/**
 * Candidates on the caller's preferred providers first, by preference rank; within a rank and for the rest the
 * strategy's order stands (stable). Each preferred candidate's trace entry says so.
 */
function preferFirst(group: Candidate[], ranks: Map<string, number> | null): Candidate[] {
  if (!ranks || group.length === 0) return group;
  const rank = (c: Candidate) => ranks.get(c.provider.slug) ?? Number.POSITIVE_INFINITY;
  for (const c of group) {
    const r = rank(c);
    if (r !== Number.POSITIVE_INFINITY) c.traceEntry.detail = `preferred provider #${r}`;
  }
  return group
    .map((c, i) => ({ c, i, r: rank(c) }))
    .sort((a, b) => a.r - b.r || a.i - b.i)
    .map((x) => x.c);
}

/**
 * A rule's region: candidates on providers in that region first, the others after them as fallbacks (each side
 * keeps its order). Each preferred candidate's trace entry says so.
 */
function inRegionFirst(kept: Candidate[], region: string): Candidate[] {
  const inside = kept.filter((c) => c.provider.region === region);
  for (const c of inside) c.traceEntry.detail = `region ${region}`;
  return [...inside, ...kept.filter((c) => c.provider.region !== region)];
}

function chainOf(chains: RoutingConfig['chains'], key: string): readonly string[] | undefined {
  return Object.hasOwn(chains, key) ? chains[key] : undefined;
}

function annotate(group: readonly Candidate[], scores: Map<string, number>) {
  if (scores.size === 0) return;
  for (const c of group) {
    const v = scores.get(c.ref);
    if (v !== undefined) c.traceEntry.score = v;
  }
}

/**
 * Candidates turned off (a disabled provider or model, a provider in error, one without a usable key) serve nothing
 * whatever the caller does: when others were skipped too, the refusal names what holds those back.
 */
const TURNED_OFF: ReadonlySet<SkipReason> = new Set<SkipReason>([
  'provider-disabled',
  'provider-error',
  'model-disabled',
  'no-usable-key',
]);

/** Why nothing is left, in the terms a client can act on. */
function noRouteFromSkips(req: RequestInfo, all: Skip[], now: number): NoRoute {
  const live = all.filter((s) => !TURNED_OFF.has(s.reason));
  const skipped = live.length > 0 ? live : all;
  const reasons = new Set(skipped.map((s) => s.reason));
  const soonest = (r: SkipReason) => {
    const times = skipped.filter((s) => s.reason === r && s.resetsAt !== undefined).map((s) => s.resetsAt!);
    return times.length ? Math.min(...times) : undefined;
  };
  const only = (...rs: SkipReason[]) => skipped.length > 0 && [...reasons].every((r) => rs.includes(r));
  // What the request itself asks for is read over every candidate, turned off or not (a larger window on a disabled
  // model is not the request's fault).
  const allReasons = new Set(all.map((s) => s.reason));
  const onlyOfAll = (...rs: SkipReason[]) => all.length > 0 && [...allReasons].every((r) => rs.includes(r));
  if (only('model-not-allowed')) {
    return { code: 'model_not_allowed', httpStatus: 403, message: `This key may not use "${req.model}".` };
  }
  if (
    reasons.has('byok-limit') &&
    only('byok-limit', 'rate-limited', 'budget-exhausted', 'cooldown', 'circuit-open')
  ) {
    const at = soonest('byok-limit');
    const detail = skipped.find((s) => s.reason === 'byok-limit')?.detail ?? '';
    return {
      code: 'byok_limit_reached',
      httpStatus: 429,
      message: `Your monthly limit on your own provider keys is reached (${detail})${at !== undefined ? `; it resets at ${new Date(at).toISOString()}` : ''}.`,
      ...(at !== undefined ? { resetsAt: at, retryAfterMs: Math.max(0, at - now) } : {}),
    };
  }
  if (only('rate-limited', 'cooldown', 'circuit-open') && reasons.has('rate-limited')) {
    const at = soonest('rate-limited');
    return {
      code: 'rate_limited',
      httpStatus: 429,
      message: `Rate limit reached for "${req.model}": ${skipped.find((s) => s.reason === 'rate-limited')?.detail ?? ''}.`,
      ...(at !== undefined ? { resetsAt: at, retryAfterMs: Math.max(0, at - now) } : {}),
    };
  }
  if (
    reasons.has('budget-exhausted') &&
    only('budget-exhausted', 'rate-limited', 'cooldown', 'circuit-open')
  ) {
    const at = soonest('budget-exhausted');
    const detail = skipped.find((s) => s.reason === 'budget-exhausted')?.detail ?? '';
    return {
      code: 'budget_exhausted',
      httpStatus: 402,
      message: `Budget exhausted (${detail})${at !== undefined ? `; it resets at ${new Date(at).toISOString()}` : ''}.`,
      ...(at !== undefined ? { resetsAt: at, retryAfterMs: Math.max(0, at - now) } : {}),
    };
  }
  if (onlyOfAll('capability-missing')) {
    return {
      code: 'capability_missing',
      httpStatus: 400,
      message: `No model for "${req.model}" supports ${[...new Set(all.map((s) => s.detail))].join(', ')}.`,
    };
  }
  if (allReasons.has('parameter-unsupported') && onlyOfAll('parameter-unsupported', 'capability-missing')) {
    const names = [...new Set(all.filter((s) => s.reason === 'parameter-unsupported').map((s) => s.detail))];
    const param = req.params?.find((p) => names.includes(PARAM_LABEL[p]));
    return {
      code: 'parameter_unsupported',
      httpStatus: 400,
      message: `No provider for "${req.model}" can honour ${names.join(', ')}: remove it or choose a model whose provider supports it.`,
      ...(param ? { param } : {}),
    };
  }
  if (onlyOfAll('context-window')) {
    return {
      code: 'context_too_large',
      httpStatus: 400,
      message: `The request needs more context than any model for "${req.model}" has (${all[0]?.detail}).`,
    };
  }
  if (only('cooldown', 'circuit-open')) {
    const at = Math.min(...skipped.map((s) => s.resetsAt ?? now + 30_000));
    return {
      code: 'no_candidates',
      httpStatus: 503,
      message: `Every provider for "${req.model}" is cooling down after failures.`,
      retryAfterMs: Math.max(0, at - now),
      resetsAt: at,
    };
  }
  const summary = all
    .slice(0, 6)
    .map((s) => `${s.ref}: ${s.reason}${s.detail ? ` (${s.detail})` : ''}`)
    .join('; ');
  return {
    code: 'no_candidates',
    httpStatus: 503,
    message: `No provider can serve "${req.model}" now: ${summary || 'no candidates'}.`,
  };
}

/** After a context-window failure: only attempts with a larger window than the one that failed may follow. */
export function largerContextOnly<T extends Pick<Attempt, 'contextWindow'>>(
  rest: readonly T[],
  failedWindow: number | null,
): T[] {
  if (failedWindow === null) return [...rest];
  return rest.filter((a) => a.contextWindow === null || a.contextWindow > failedWindow);
}
