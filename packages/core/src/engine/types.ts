/**
 * Configuration and request types of the routing engine. Everything here is plain data: the API builds it from
 * the database (and decrypts keys there), the engine only reads it.
 */
import type { ImageSize } from './image-tokens.js';
import type { RoutingRule } from './rules.js';

import type { Experiment } from './experiments.js';

export type GlobalStrategy = 'cost' | 'balanced' | 'quality';
export type AliasStrategy = 'ordered' | 'round-robin' | 'weighted' | 'quota-aware' | 'least-busy' | 'latency';
export type Tier = 'eco' | 'balanced' | 'precision';
export type Capability = 'chat' | 'tools' | 'vision' | 'json' | 'embeddings' | 'streaming';
export type Endpoint = 'chat' | 'messages' | 'responses' | 'embeddings' | 'count_tokens';

/**
 * Request parameters a target must honour (natively or by an exact emulation), beyond model capabilities:
 * `n` (more than one choice), `n_stream` (more than one choice, streamed), `logprobs` (logprobs / top_logprobs),
 * `json_schema` / `json_object` (response_format or Responses `text.format`), `json_with_tools` (a JSON
 * response format together with the client's own tools).
 */
export type RequestParam = 'n' | 'n_stream' | 'logprobs' | 'json_schema' | 'json_object' | 'json_with_tools';

/** How each parameter is named to a client (in the trace detail and the 400 message). */
export const PARAM_LABEL: Readonly<Record<RequestParam, string>> = {
  n: 'n',
  n_stream: 'n (with stream)',
  logprobs: 'logprobs',
  json_schema: 'response_format (json_schema)',
  json_object: 'response_format (json_object)',
  json_with_tools: 'response_format (with tools)',
};

export const TIERS: readonly Tier[] = ['eco', 'balanced', 'precision'];
export const TIER_RANK: Readonly<Record<Tier, number>> = { eco: 1, balanced: 2, precision: 3 };

export type KeyProblem = 'env-unresolved' | 'decrypt-failed' | 'missing';
export type KeySource = 'byok' | 'org' | 'provider';

/** A key the API resolved for the engine: usable, or not with the reason. The engine never sees the secret. */
export type KeyRef =
  | { id: string; source: KeySource; usable: true }
  | { id: string; source: KeySource; usable: false; problem: KeyProblem };

export type WindowUnit = 'second' | 'minute' | 'hour' | 'day' | 'week' | 'month';

export interface BucketWindow {
  unit: WindowUnit;
  size: number;
}

/**
 * A rate-limit bucket: at most `limit` requests (or tokens) in any span of its window's length (a sliding window,
 * counted in slots: see `bucketCounters`); a month window is a calendar month (UTC).
 */
export interface BucketConfig {
  name: string;
  unit: 'requests' | 'tokens';
  limit: number;
  window: BucketWindow;
  /** 'all' or a list of model ids / refs the bucket counts. */
  models: 'all' | string[];
}

export interface ProviderConfig {
  id: string;
  slug: string;
  type: string;
  status: 'active' | 'disabled' | 'error';
  /** 1-100, lower first. */
  priority: number;
  autoFallback: boolean;
  /** Needs no key (mock, local Ollama). */
  keyless: boolean;
  key: KeyRef;
  buckets: BucketConfig[];
  /**
   * The request parameters this provider's protocol serves (declared by its adapter). Absent = not declared:
   * every parameter is passed on as sent.
   */
  params?: readonly RequestParam[] | undefined;
  /** The region the operator assigned to the provider (routing rules may prefer a region); absent = none. */
  region?: string | null | undefined;
}

/** See ModelConfig.longContext. */
export interface LongContextPrices {
  above: number;
  input: number;
  output: number;
  cachedIn: number;
}

export interface ModelConfig {
  id: string;
  providerId: string;
  /** Upstream model id. */
  modelId: string;
  /**
   * The model the upstream id serves, when the admin named it (the model config's `baseModel`): for an id that does
   * not say, such as an Azure deployment's name or a Bedrock inference profile. Reservations count images as it
   * does. Absent = the upstream id says.
   */
  baseModel?: string | null | undefined;
  /**
   * The model's long-context prices: a prompt of more than `above` tokens is billed, all of it and its answer, at
   * these multiples of its prices (Claude Sonnet 4.x and Gemini 2.5 / 3 Pro: 2 × input and cached input, 1.5 ×
   * output above 200,000 tokens, from the price catalogue). Absent: one price for every prompt.
   */
  longContext?: LongContextPrices | undefined;
  enabled: boolean;
  /** USD per 1M tokens. */
  priceIn: number;
  priceOut: number;
  priceCachedIn: number | null;
  contextWindow: number | null;
  maxOutputTokens: number | null;
  /**
   * The output cap the gateway sends for this model when a request sets none (the model's default `max_tokens`
   * parameter): a request's cap for reservations too. Absent = none.
   */
  defaultMaxTokens?: number | null;
  tier: Tier;
  /**
   * False while the model's prices are unknown: it is then no member of its tier (power levels and their
   * fallbacks leave it out) until priced; names, aliases and explicit power-level refs still reach it.
   * Absent = priced.
   */
  priced?: boolean;
  /** 0-100 within a tier. */
  qualityScore: number;
  capabilities: readonly string[];
  /** Lower first. */
  priority: number;
  /** 'global' | 'org:<id>' | 'user:<id>' */
  scope: string;
  /**
   * The model's own key (its auth overrides its provider's): used in place of the provider's own key, after the
   * caller's BYOK and org keys. Absent = the provider's key.
   */
  key?: KeyRef | undefined;
}

export interface AliasTarget {
  ref: string;
  weight: number;
}

export interface AliasConfig {
  name: string;
  /** 'global' | 'org:<id>' */
  scope: string;
  strategy: AliasStrategy;
  targets: readonly AliasTarget[];
  fallbacks: readonly string[];
  enabled: boolean;
}

export interface PowerLevelConfig {
  slug: Tier;
  tier: Tier;
  /** Explicit, ordered refs tried first. */
  modelRefs: readonly string[];
  enabled: boolean;
}

export interface CircuitSettings {
  /** Consecutive failures that open the circuit. */
  failureThreshold: number;
  /** How long it stays open before one probe is let through. */
  openMs: number;
}

/** How long a target is skipped after each kind of failure (ms). */
export interface CooldownSettings {
  /** A 429 without Retry-After. */
  rateLimitMs: number;
  /** Billing, quota or credit failures. */
  billingMs: number;
  /** 401/403 and keys that cannot be sent (the key only). */
  authMs: number;
  /** The provider says the model does not exist. */
  modelNotFoundMs: number;
}

export const DEFAULT_COOLDOWNS: Readonly<CooldownSettings> = {
  rateLimitMs: 30_000,
  billingMs: 3_600_000,
  authMs: 300_000,
  modelNotFoundMs: 3_600_000,
};

export interface RoutingConfig {
  providers: readonly ProviderConfig[];
  models: readonly ModelConfig[];
  aliases: readonly AliasConfig[];
  /** modelRef ('<slug>/<model>' or bare model id) → ordered fallback refs. */
  chains: Readonly<Record<string, readonly string[]>>;
  powerLevels: readonly PowerLevelConfig[];
  strategy: GlobalStrategy;
  maxAttempts: number;
  /** Same-target retries of a transient failure (408/409/5xx/network/timeout) before falling back. */
  maxRetries: number;
  circuit: CircuitSettings;
  /** Fall back to another provider after a policy/moderation block (off by default). */
  policyFallback: boolean;
  /** Cooldown timings; absent = {@link DEFAULT_COOLDOWNS}. */
  cooldowns?: CooldownSettings;
  /**
   * What a request naming no model (or `default`, when no alias has that name) routes to: an alias, a power
   * level or a model reference. Absent or null = such a request is refused as before.
   */
  defaultModel?: string | null;
  /**
   * The model marked default in each organization and user scope of the registry (`org:<id>`, `user:<id>` → a model
   * reference). A request naming no model takes its user's scope default, else its organization's, before
   * {@link defaultModel}. A `global` entry is ignored (the gateway-wide default is {@link defaultModel}).
   */
  scopeDefaults?: Readonly<Record<string, string>>;
  /** Named agent configurations (`agent:<id>`, or the x-switchyard-agent header); none when absent. */
  agents?: readonly AgentConfig[];
  /** A/B experiments on aliases (see experiments.ts); only live ones route. None when absent. */
  experiments?: readonly Experiment[];
  /** Conditional routing rules, tried in order (the first enabled match applies); none when absent or empty. */
  rules?: readonly RoutingRule[];
}

/** How hard an agent works on a request: each effort names its own model. */
export const AGENT_EFFORTS = ['normal', 'heavy', 'max'] as const;
export type AgentEffort = (typeof AGENT_EFFORTS)[number];

/** A named agent: a role and three models (each an alias, a power level or a model), by effort. */
export interface AgentConfig {
  /** The id clients name (`agent:<id>`, `x-switchyard-agent: <id>`). */
  id: string;
  name: string;
  role: string;
  models: Readonly<Record<AgentEffort, string>>;
}

export type BudgetPeriod = 'day' | 'week' | 'month' | 'lifetime';

/**
 * A spending limit that applies to this caller: a key budget, the user's weekly cap, the org's cap — spent by
 * calls the platform pays — or the user's monthly limit on their own keys (`byok`: the list price of calls their
 * BYOK keys pay, and only those).
 */
export interface BudgetConfig {
  scope: 'key' | 'user' | 'org' | 'byok';
  id: string;
  limitUsd: number;
  period: BudgetPeriod;
  /** Unused budget carried over from the previous period (org rollover), added to the limit. */
  carryOverUsd?: number;
}

export interface Caller {
  keyId: string | null;
  userId: string | null;
  orgId: string | null;
  appId: string | null;
  /** The caller's power level, for `auto`. */
  powerLevel: Tier | null;
  /** Empty = every model. Entries are aliases, power levels, refs or bare model ids. */
  allowedModels: readonly string[];
  /** providerId → the caller's own key. */
  byok: Readonly<Record<string, KeyRef>>;
  /** providerId → the caller's organization's key. */
  orgKeys: Readonly<Record<string, KeyRef>>;
  /**
   * Buckets on the key (RPM/TPM) and on the user; `byok` buckets (the user's monthly calls on their own keys)
   * count only the calls a BYOK key pays.
   */
  buckets: readonly { scope: 'key' | 'user' | 'byok'; id: string; bucket: BucketConfig }[];
  budgets: readonly BudgetConfig[];
  /**
   * The user's own default model (an alias, power level, ref or id): what a request naming `default` (or no
   * model) resolves to for this caller. Absent or null = no per-user default.
   */
  userDefaultModel?: string | null | undefined;
  /**
   * Provider slugs in the user's order of preference: within each ordered group, candidates on these providers
   * come first (by rank), the rest keep the strategy's order. Absent or empty = no preference.
   */
  preferredProviders?: readonly string[] | undefined;
  /** The calling user's role (super-admin, admin, user, viewer); null for app and org keys and the operator. */
  role?: string | null | undefined;
  /** The region the operator assigned to the caller's key (else its app); null = none. */
  region?: string | null | undefined;
}

export interface RequestInfo {
  model: string;
  endpoint: Endpoint;
  promptTokens: number;
  maxTokens: number | null;
  /** How many answers the request asks for (OpenAI chat's `n`); absent is one. Reservations count each. */
  choices?: number | undefined;
  /** The stored conversation a Responses `previous_response_id` continues, in tokens (see `reservedPromptTokens`). */
  priorTokens?: number | null | undefined;
  /**
   * The size of each image in the prompt (null: not known, an image by URL), which `promptTokens` counted at
   * `imageReserveTokens` each: a model that counts images higher is reserved the difference (`promptTokensOn`).
   */
  images?: readonly (ImageSize | null)[] | undefined;
  /**
   * The request marks prompt parts for the provider's cache (Anthropic's `cache_control`; `long`: a 1-hour one):
   * budgets reserve its prompt at the cache write price on a model that bills writes (core's `promptPriceFactor`).
   */
  cacheWrite?: 'short' | 'long' | undefined;
  /** The most web searches the request lets Claude run (its web search tool's `max_uses`); absent: none or unbounded. */
  webSearches?: number | undefined;
  needs: readonly Capability[];
  /** Parameters the target must honour; absent or empty for most requests. */
  params?: readonly RequestParam[] | undefined;
  /** The client's agent headers (x-switchyard-agent, x-switchyard-effort), when it sent either. */
  agent?: { id: string | null; effort: string | null } | undefined;
  /** The client asked for a stream (routing rules may look at it). */
  stream?: boolean | undefined;
  /** The request headers routing rules reference (lower-case names), and only those; absent when no rule does. */
  headers?: Readonly<Record<string, string>> | undefined;
  /** The body's metadata values routing rules reference (string values only); absent when no rule does. */
  metadata?: Readonly<Record<string, string>> | undefined;
}
