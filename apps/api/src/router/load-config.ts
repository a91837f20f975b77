import type { PrismaClient } from '@switchyard/prisma';
import type { LongContextPrices } from '@switchyard/core';
import {
  DEFAULT_COOLDOWNS,
  defaultFor,
  ruleConditionsSchema,
  type AgentConfig,
  type CacheScopeSetting,
  type Experiment,
  type ModelParams,
  type ProviderTimeouts,
  ruleInputsOf,
  type RoutingRule,
  type RuleInputs,
} from '@switchyard/core';
import { IpAllowList } from '../lib/ip-allowlist.js';
import { modelMetricLabel } from '../lib/metrics.js';
import { readModelParams } from '../translate/model-params.js';
import type { SecretBox } from '../lib/secrets.js';
import { isProviderType, providerDefaults } from '../providers/index.js';
import { longContextOf } from '../providers/model-catalogue.js';
import { buildDlpSnapshot, type DlpSnapshot } from './dlp-snapshot.js';
import { decryptStored, resolveProviderKey, type ResolvedSecret } from './secrets-resolver.js';
import { providerCallConfig, resolveAuth, withAuthSettings } from './auth-json.js';

export { dlpPolicyFor, type DlpResolution, type DlpScope, type DlpSnapshot } from './dlp-snapshot.js';

/**
 * Everything the data plane needs, read from the database in one go and kept in memory. Reloaded after admin
 * writes (configChanged) and periodically as a safety net. Secrets are decrypted here, once, and never leave
 * this structure except into the upstream request's auth header.
 */
export interface LoadedConfig {
  loadedAt: number;
  providers: LoadedProvider[];
  models: LoadedModel[];
  aliases: LoadedAlias[];
  /** Response cache TTLs of the aliases that have one, by `<scope> <name>` (empty = no alias caches). */
  aliasCacheTtl: Map<string, number>;
  chains: { modelRef: string; targets: string[] }[];
  /** Agent configurations (`agent:<id>`, x-switchyard-agent). */
  agents: AgentConfig[];
  /** A/B experiments with status running (core checks their time window per request). */
  experiments: Experiment[];
  /** Enabled routing rules, in order (the first match applies). */
  rules: RoutingRule[];
  /** The header names and body metadata keys the rules look at (the proxy collects only these). */
  ruleInputs: RuleInputs;
  settings: {
    strategy: 'cost' | 'balanced' | 'quality';
    maxAttempts: number;
    maxRetries: number;
    circuitFailureThreshold: number;
    circuitOpenMs: number;
    policyFallback: boolean;
    rateLimitCooldownMs: number;
    billingCooldownMs: number;
    authCooldownMs: number;
    modelNotFoundCooldownMs: number;
    defaultModel: string | null;
    debugHeaders: boolean;
    bodyLogging: boolean;
    ollamaBaseUrl: string | null;
  };
  powerLevels: { slug: string; name: string; qualityTier: string; modelRefs: string[]; enabled: boolean }[];
  /** sha256(key) → key record with its owner's state. */
  keysByHash: Map<string, LoadedGatewayKey>;
  users: Map<string, LoadedUser>;
  orgs: Map<string, LoadedOrg>;
  /** The enabled model marked default in each organization and user scope (scope → reference): core's `scopeDefaults`. */
  scopeDefaults: Record<string, string>;
  apps: Map<string, { id: string; active: boolean; orgId: string | null; region: string | null }>;
  /** userId → providerId → BYOK key. */
  byok: Map<string, Map<string, LoadedKey>>;
  /** orgId → providerId → org key. */
  orgKeys: Map<string, Map<string, LoadedKey>>;
  /** Data protection: the compiled policies of the scopes whose protection is on (resolve with dlpPolicyFor). */
  dlp: DlpSnapshot;
}

export interface LoadedKey {
  id: string;
  source: 'byok' | 'org' | 'provider';
  secret: ResolvedSecret;
}

/** A provider's config.timeouts as the executor uses it: positive whole milliseconds only (rows may predate checks). */
function timeoutsOf(raw: unknown): ProviderTimeouts | null {
  if (!raw || typeof raw !== 'object') return null;
  const out: ProviderTimeouts = {};
  for (const k of ['firstByteMs', 'idleMs', 'totalMs'] as const) {
    const v = (raw as Record<string, unknown>)[k];
    if (typeof v === 'number' && Number.isInteger(v) && v > 0) out[k] = v;
  }
  return Object.keys(out).length ? out : null;
}

/** One endpoint a provider is called at: its base URL (null = the protocol's default) and its weight. */
export interface LoadedEndpoint {
  baseUrl: string | null;
  weight: number;
}

/**
 * The enabled endpoints of a provider, the base URL first (with its weight), then the extra endpoints in their
 * configured (failover) order. Rows that are not well-formed are left out (they were checked when saved).
 */
function endpointsOf(p: {
  baseUrl: string | null;
  baseUrlWeight: number;
  endpoints: unknown;
}): LoadedEndpoint[] {
  const out: LoadedEndpoint[] = [{ baseUrl: p.baseUrl, weight: p.baseUrlWeight }];
  if (!Array.isArray(p.endpoints)) return out;
  for (const e of p.endpoints as unknown[]) {
    if (!e || typeof e !== 'object') continue;
    const { baseUrl, weight, enabled } = e as Record<string, unknown>;
    if (enabled === false || typeof baseUrl !== 'string' || baseUrl === '') continue;
    out.push({ baseUrl, weight: typeof weight === 'number' && weight >= 0 ? weight : 1 });
  }
  return out;
}

export interface LoadedProvider {
  id: string;
  slug: string;
  type: string;
  name: string;
  baseUrl: string | null;
  /** Where it is called: the base URL first, then the enabled extra endpoints (weights and failover). */
  endpoints: LoadedEndpoint[];
  status: 'active' | 'disabled' | 'error';
  priority: number;
  autoFallback: boolean;
  keyless: boolean;
  config: Record<string, unknown>;
  /** The provider's own time limits (config.timeouts, checked when saved); absent fields use the server's. */
  timeouts: ProviderTimeouts | null;
  auth: Record<string, unknown>;
  rateLimitBuckets: unknown[];
  key: LoadedKey;
  /** The region the operator assigned (routing rules may prefer it); null = none. */
  region: string | null;
}

export interface LoadedModel {
  id: string;
  providerId: string;
  modelId: string;
  displayName: string;
  priceInputPer1M: number;
  priceOutputPer1M: number;
  priceCachedInputPer1M: number | null;
  /** False while the prices are unknown (out of power-level tiers until priced). */
  priced: boolean;
  contextWindow: number | null;
  maxOutputTokens: number | null;
  /** The model's default `max_tokens` parameter (what is sent when a request sets no cap), or null. */
  defaultMaxTokens: number | null;
  qualityTier: string;
  qualityScore: number;
  capabilities: string[];
  enabled: boolean;
  isDefault: boolean;
  priority: number;
  scope: string;
  /** The `model` label in /metrics: the model id for global models, a neutral marker for org/user ones. */
  metricLabel: string;
  /**
   * The model's own auth, when it has any: its key (id `model:<id>`, in place of the provider's own key) and the
   * provider as calls to this model see it (the auth settings laid over the provider's config).
   */
  ownAuth: { key: LoadedKey | null; provider: LoadedProvider } | null;
  /** The model's default request parameters (its `config`), applied where a request does not set them. */
  params: ModelParams | null;
  /** Its long-context prices as multiples of its own, from the price catalogue (core's LongContextPrices); null: none. */
  longContext: LongContextPrices | null;
}

export interface LoadedAlias {
  id: string;
  name: string;
  scope: string;
  orgId: string | null;
  strategy: string;
  targets: { ref: string; weight: number }[];
  fallbacks: string[];
  enabled: boolean;
  /** Response cache TTL in seconds; null = off. */
  cacheTtlSeconds: number | null;
}

export interface LoadedGatewayKey {
  id: string;
  name: string;
  prefix: string;
  ownerType: 'user' | 'org' | 'app';
  userId: string | null;
  orgId: string | null;
  appId: string | null;
  expiresAt: number | null;
  revoked: boolean;
  rpmLimit: number | null;
  /** Response cache TTL in seconds for this key's requests; null = off. */
  cacheTtlSeconds: number | null;
  tpmLimit: number | null;
  budgetUsd: number | null;
  budgetPeriod: 'day' | 'week' | 'month' | null;
  allowedModels: string[];
  /** Where the key may be used from; null = anywhere (parsed once here, checked per request). */
  ipAllow: IpAllowList | null;
  /** The region the operator assigned to the key; null = none (its app's then). */
  region: string | null;
}

export interface LoadedUser {
  id: string;
  email: string;
  status: string;
  /** super-admin | admin | user | viewer (routing rules may match on it). */
  role: string;
  powerLevel: string;
  weeklyCapUsd: number | null;
  orgId: string | null;
  /** The user's own default model (for `default`), null = none. */
  defaultModel: string | null;
  /** Provider slugs tried first, in this order. */
  preferredProviders: string[];
  /** Monthly limits on calls the user's own (BYOK) keys pay: calls, and their list-price spend. */
  byokMonthlyRequestLimit: number | null;
  byokMonthlySpendLimitUsd: number | null;
}

export interface LoadedOrg {
  id: string;
  status: string;
  spendCapUsd: number | null;
  rollover: boolean;
  rolloverBalanceUsd: number;
  /** The month (its UTC start, ms epoch) the balance was settled for; it applies in that month only. */
  rolloverPeriod: number | null;
  /** Who shares its cached answers (the response cache's key scope). */
  cacheScope: CacheScopeSetting;
}

const num = (d: { toString(): string } | null | undefined): number | null =>
  d == null ? null : Number(d.toString());

export async function loadConfig(
  prisma: PrismaClient,
  secrets: SecretBox,
  env: Record<string, string | undefined>,
  now: number,
  /** Hears of a stored data-protection policy the gateway refuses (the default applies in its place). */
  onDlpFallback?: (scope: string, problem: string) => void,
): Promise<LoadedConfig> {
  const [
    providers,
    models,
    aliases,
    chains,
    agents,
    experimentRows,
    rules,
    settings,
    powerLevels,
    keys,
    users,
    orgs,
    apps,
    byok,
    orgKeys,
    dlpPolicies,
  ] = await Promise.all([
    prisma.provider.findMany({ orderBy: [{ priority: 'asc' }, { slug: 'asc' }] }),
    prisma.model.findMany({ orderBy: [{ priority: 'asc' }, { modelId: 'asc' }] }),
    prisma.alias.findMany(),
    prisma.fallbackChain.findMany({ where: { enabled: true } }),
    prisma.agent.findMany({ orderBy: { agentId: 'asc' } }),
    prisma.experiment.findMany({ where: { status: 'running' }, orderBy: { createdAt: 'asc' } }),
    prisma.routingRule.findMany({ where: { enabled: true }, orderBy: [{ order: 'asc' }, { id: 'asc' }] }),
    prisma.routingSettings.findUnique({ where: { id: 1 } }),
    prisma.powerLevel.findMany({ orderBy: { sortOrder: 'asc' } }),
    prisma.gatewayKey.findMany({ where: { revokedAt: null } }),
    prisma.user.findMany({
      select: {
        id: true,
        email: true,
        status: true,
        role: true,
        powerLevel: true,
        weeklyCapUsd: true,
        defaultModel: true,
        preferredProviders: true,
        byokMonthlyRequestLimit: true,
        byokMonthlySpendLimitUsd: true,
        memberships: { select: { orgId: true }, orderBy: { createdAt: 'asc' }, take: 1 },
      },
    }),
    prisma.organization.findMany({
      select: {
        id: true,
        name: true,
        status: true,
        spendCapUsd: true,
        rollover: true,
        rolloverBalanceUsd: true,
        rolloverPeriod: true,
        piiProtection: true,
        cacheScope: true,
      },
    }),
    prisma.app.findMany({
      select: { id: true, name: true, active: true, orgId: true, piiProtection: true, region: true },
    }),
    // A key its provider refused in a test ('invalid') routes again once replaced or passing a test.
    prisma.byokKey.findMany({ where: { status: 'active' } }),
    // Likewise an org key: one an operator disabled, or its provider refused in a test, is not routed.
    prisma.orgProviderKey.findMany({ where: { status: 'active' } }),
    prisma.dlpPolicy.findMany({
      select: { id: true, scope: true, scopeId: true, enabled: true, rules: true, updatedAt: true },
    }),
  ]);

  const loadedRules = rules.flatMap((r): RoutingRule[] => {
    // Stored through the API's schema; a row that no longer parses (edited by hand) is left out, not fatal.
    const when = ruleConditionsSchema.safeParse(r.when);
    const then = r.then as RoutingRule['then'] | null;
    if (!when.success || !then || typeof then !== 'object') return [];
    return [{ id: r.id, name: r.name, enabled: r.enabled, order: r.order, when: when.data, then }];
  });
  const byokMap = new Map<string, Map<string, LoadedKey>>();
  for (const k of byok) {
    const m = byokMap.get(k.userId) ?? new Map<string, LoadedKey>();
    m.set(k.providerId, { id: k.id, source: 'byok', secret: decryptStored(k.encryptedKey, secrets) });
    byokMap.set(k.userId, m);
  }
  const orgKeyMap = new Map<string, Map<string, LoadedKey>>();
  for (const k of orgKeys) {
    const m = orgKeyMap.get(k.orgId) ?? new Map<string, LoadedKey>();
    m.set(k.providerId, { id: k.id, source: 'org', secret: decryptStored(k.encryptedKey, secrets) });
    orgKeyMap.set(k.orgId, m);
  }

  const loadedProviders = providers.map((p): LoadedProvider => {
    // The provider's auth settings (apiVersion, region, ...) are laid over its config for every call.
    const config = providerCallConfig(p, secrets, env);
    const keyless = config.keyless === true || p.type === 'mock';
    // A type whose key is optional (custom, Ollama) with no key set is called without one, but stays keyed: a
    // user's BYOK key or the org's key for it still comes first.
    const resolved = resolveProviderKey(p, secrets, env);
    const keyOptional = isProviderType(p.type) && providerDefaults(p.type).keyOptional;
    const own: ResolvedSecret =
      keyOptional && !resolved.ok && resolved.problem === 'missing' ? { ok: true, value: '' } : resolved;
    return {
      id: p.id,
      slug: p.slug,
      type: p.type,
      name: p.name,
      baseUrl: p.baseUrl,
      endpoints: endpointsOf(p),
      status: p.status as LoadedProvider['status'],
      priority: p.priority,
      autoFallback: p.autoFallback,
      region: p.region,
      keyless,
      config,
      timeouts: timeoutsOf(config.timeouts),
      auth: (p.auth ?? {}) as Record<string, unknown>,
      rateLimitBuckets: Array.isArray(p.rateLimitBuckets) ? (p.rateLimitBuckets as unknown[]) : [],
      key: {
        id: `provider:${p.id}`,
        source: 'provider' as const,
        secret: keyless ? { ok: true as const, value: '' } : own,
      },
    };
  });
  const providerById = new Map(loadedProviders.map((p) => [p.id, p]));
  // The registry's default per organization and user scope (one per scope by a database constraint; an enabled one
  // only). The global scope's is not a routing default: the gateway-wide one is the routing settings' own.
  const scopeDefaults: Record<string, string> = {};
  for (const m of models) {
    const slug = providerById.get(m.providerId)?.slug;
    if (m.isDefault && m.enabled && slug && m.scope !== 'global' && !Object.hasOwn(scopeDefaults, m.scope))
      scopeDefaults[m.scope] = `${slug}/${m.modelId}`;
  }

  return {
    loadedAt: now,
    providers: loadedProviders,
    scopeDefaults,
    models: models.map((m) => {
      const params = readModelParams(m.config);
      return {
        id: m.id,
        providerId: m.providerId,
        modelId: m.modelId,
        displayName: m.displayName,
        priceInputPer1M: num(m.priceInputPer1M) ?? 0,
        priceOutputPer1M: num(m.priceOutputPer1M) ?? 0,
        priceCachedInputPer1M: num(m.priceCachedInputPer1M),
        priced: m.priced,
        contextWindow: m.contextWindow,
        maxOutputTokens: m.maxOutputTokens,
        qualityTier: m.qualityTier,
        qualityScore: m.qualityScore,
        capabilities: m.capabilities,
        enabled: m.enabled,
        isDefault: m.isDefault,
        priority: m.priority,
        scope: m.scope,
        metricLabel: modelMetricLabel(m.scope, m.modelId),
        ownAuth: ownAuthOf(m, providerById.get(m.providerId), secrets, env),
        params,
        defaultMaxTokens: params?.max_tokens ?? null,
        longContext: longContextFor(providerById.get(m.providerId)?.type, m.modelId, params?.baseModel),
      };
    }),
    aliases: aliases.map((a) => ({
      id: a.id,
      name: a.name,
      scope: a.scope,
      orgId: a.orgId,
      strategy: a.strategy,
      targets: Array.isArray(a.targets)
        ? (a.targets as { ref: string; weight?: number }[]).map((t) => ({
            ref: t.ref,
            weight: t.weight ?? 1,
          }))
        : [],
      fallbacks: Array.isArray(a.fallbacks) ? (a.fallbacks as string[]) : [],
      enabled: a.enabled,
      cacheTtlSeconds: a.cacheTtlSeconds ?? null,
    })),
    aliasCacheTtl: new Map(
      aliases
        .filter((a) => a.cacheTtlSeconds !== null && a.cacheTtlSeconds > 0)
        .map((a) => [aliasCacheKey(a.scope, a.name), a.cacheTtlSeconds!]),
    ),
    chains: chains.map((c) => ({ modelRef: c.modelRef, targets: c.targets })),
    agents: agents.map((a) => ({
      id: a.agentId,
      name: a.name,
      role: a.role,
      models: { normal: a.normalModel, heavy: a.heavyModel, max: a.maxModel },
    })),
    experiments: experimentRows.map((e) => ({
      id: e.id,
      name: e.name,
      alias: e.alias,
      status: 'running' as const,
      startsAt: e.startsAt?.getTime() ?? null,
      endsAt: e.endsAt?.getTime() ?? null,
      stickiness: e.stickiness === 'key' || e.stickiness === 'request' ? e.stickiness : 'user',
      variants: experimentVariants(e.variants),
    })),
    rules: loadedRules,
    ruleInputs: ruleInputsOf(loadedRules),
    settings: {
      strategy: (settings?.strategy ?? 'balanced') as LoadedConfig['settings']['strategy'],
      maxAttempts: settings?.maxAttempts ?? 3,
      maxRetries: settings?.maxRetries ?? 2,
      circuitFailureThreshold: settings?.circuitFailureThreshold ?? 5,
      circuitOpenMs: settings?.circuitOpenMs ?? 30_000,
      policyFallback: settings?.policyFallback ?? false,
      rateLimitCooldownMs: settings?.rateLimitCooldownMs ?? DEFAULT_COOLDOWNS.rateLimitMs,
      billingCooldownMs: settings?.billingCooldownMs ?? DEFAULT_COOLDOWNS.billingMs,
      authCooldownMs: settings?.authCooldownMs ?? DEFAULT_COOLDOWNS.authMs,
      modelNotFoundCooldownMs: settings?.modelNotFoundCooldownMs ?? DEFAULT_COOLDOWNS.modelNotFoundMs,
      defaultModel: settings?.defaultModel ?? null,
      debugHeaders: settings?.debugHeaders ?? false,
      bodyLogging: settings?.bodyLogging ?? false,
      ollamaBaseUrl: settings?.ollamaBaseUrl ?? null,
    },
    powerLevels: powerLevels.map((p) => ({
      slug: p.slug,
      name: p.name,
      qualityTier: p.qualityTier,
      modelRefs: p.modelRefs,
      enabled: p.enabled,
    })),
    keysByHash: new Map(
      keys.map((k) => [
        k.keyHash,
        {
          id: k.id,
          name: k.name,
          prefix: k.prefix,
          ownerType: k.ownerType as LoadedGatewayKey['ownerType'],
          userId: k.userId,
          orgId: k.orgId,
          appId: k.appId,
          expiresAt: k.expiresAt?.getTime() ?? null,
          revoked: k.revokedAt !== null,
          rpmLimit: k.rpmLimit,
          cacheTtlSeconds: k.cacheTtlSeconds ?? null,
          tpmLimit: k.tpmLimit,
          budgetUsd: num(k.budgetUsd),
          budgetPeriod: k.budgetPeriod as LoadedGatewayKey['budgetPeriod'],
          allowedModels: k.allowedModels,
          ipAllow: IpAllowList.of(k.ipAllowlist),
          region: k.region,
        },
      ]),
    ),
    users: new Map(
      users.map((u) => [
        u.id,
        {
          id: u.id,
          email: u.email,
          status: u.status,
          role: u.role,
          powerLevel: u.powerLevel,
          weeklyCapUsd: num(u.weeklyCapUsd),
          orgId: u.memberships[0]?.orgId ?? null,
          defaultModel: u.defaultModel,
          preferredProviders: u.preferredProviders,
          byokMonthlyRequestLimit: u.byokMonthlyRequestLimit,
          byokMonthlySpendLimitUsd: num(u.byokMonthlySpendLimitUsd),
        },
      ]),
    ),
    orgs: new Map(
      orgs.map((o) => [
        o.id,
        {
          id: o.id,
          status: o.status,
          spendCapUsd: num(o.spendCapUsd),
          rollover: o.rollover,
          rolloverBalanceUsd: num(o.rolloverBalanceUsd) ?? 0,
          rolloverPeriod: o.rolloverPeriod?.getTime() ?? null,
          cacheScope: o.cacheScope as CacheScopeSetting,
        },
      ]),
    ),
    apps: new Map(apps.map((a) => [a.id, { id: a.id, active: a.active, orgId: a.orgId, region: a.region }])),
    byok: byokMap,
    orgKeys: orgKeyMap,
    dlp: buildDlpSnapshot({ policies: dlpPolicies, orgs, apps }, onDlpFallback),
  };
}

/** A model's own auth resolved now: its key (when the auth names one) and its provider with the settings laid over. */
function ownAuthOf(
  m: { id: string; modelId: string; auth: unknown },
  provider: LoadedProvider | undefined,
  secrets: SecretBox,
  env: Record<string, string | undefined>,
): LoadedModel['ownAuth'] {
  if (!provider) return null;
  const auth = resolveAuth(m.auth, secrets, env);
  if (!auth) return null;
  const config = withAuthSettings(provider.config, auth.settings, m.modelId);
  // A setting that does not resolve makes the model's auth unusable (routing skips it with the reason) rather
  // than calling with the provider's setting in its place.
  const secret: ResolvedSecret | null =
    auth.unresolved.length > 0
      ? { ok: false, problem: 'env-unresolved', detail: auth.unresolved.join('; ') }
      : auth.key;
  return {
    key: secret ? { id: `model:${m.id}`, source: 'provider', secret } : null,
    provider: config === provider.config ? provider : { ...provider, config, timeouts: provider.timeouts },
  };
}

/** An experiment's stored variants ([{name, percent, target}]); anything else in the JSON is left out. */
function experimentVariants(raw: unknown): Experiment['variants'] {
  if (!Array.isArray(raw)) return [];
  return raw.flatMap((v: unknown) => {
    if (!v || typeof v !== 'object') return [];
    const { name, percent, target } = v as Record<string, unknown>;
    return typeof name === 'string' && typeof percent === 'number' && typeof target === 'string'
      ? [{ name, percent, target }]
      : [];
  });
}

/** The key of {@link LoadedConfig.aliasCacheTtl}: an alias's scope and name. */
export function aliasCacheKey(scope: string, name: string): string {
  return `${scope} ${name}`;
}

/**
 * Whether a request naming no model has a default to go to for this caller: its own default model, its user or
 * organization scope's, or the gateway's default model (core's `defaultFor`).
 */
export function hasDefaultFor(
  config: Pick<LoadedConfig, 'settings' | 'users' | 'scopeDefaults'>,
  caller: { userId: string | null; orgId: string | null },
): boolean {
  if (caller.userId !== null && (config.users.get(caller.userId)?.defaultModel ?? null) !== null) return true;
  return (
    defaultFor(
      { defaultModel: config.settings.defaultModel, scopeDefaults: config.scopeDefaults },
      caller,
    ) !== null
  );
}

/** Long-context prices by provider type, model id and base model: the catalogue is package data, read once each. */
const longContextSeen = new Map<string, LongContextPrices | null>();

function longContextFor(
  providerType: string | undefined,
  modelId: string,
  baseModel: string | null | undefined,
): LongContextPrices | null {
  if (!providerType) return null;
  const key = `${providerType}\n${modelId}\n${baseModel ?? ''}`;
  let v = longContextSeen.get(key);
  if (v === undefined) {
    v = longContextOf(providerType, modelId, baseModel);
    if (longContextSeen.size < 10_000) longContextSeen.set(key, v);
  }
  return v;
}
