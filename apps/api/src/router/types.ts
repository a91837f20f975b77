import type { SpendMark } from '../metering/spend-ledger.js';
/**
 * What routing sees of a proxy request and what it hands back: the request's facts and caller, the plan, admission
 * and the decision after a failure. A leaf file: the proxy imports it (proxy -> routing), routing imports no proxy file.
 */
import type { Attempt as EngineAttempt, ImageSize, RequestParam, RoutingRule } from '@switchyard/core';
import type { GatewayError } from '../lib/errors.js';
import type { UpstreamError, Usage } from '../providers/types.js';
import type { LoadedGatewayKey, LoadedModel, LoadedProvider } from './load-config.js';

/** The endpoints the proxy serves. */
export type ProxyEndpoint = 'chat' | 'embeddings' | 'responses' | 'models' | 'messages' | 'count_tokens';

/** Who is calling the proxy, resolved from the gateway key (or the operator master key) in memory. */
export interface ProxyCaller {
  kind: 'key' | 'master';
  keyId: string | null;
  keyName: string | null;
  keyPrefix: string | null;
  userId: string | null;
  orgId: string | null;
  appId: string | null;
  powerLevel: string | null;
  allowedModels: string[];
  key: LoadedGatewayKey | null;
}

export type Capability = 'chat' | 'tools' | 'vision' | 'json' | 'embeddings' | 'streaming';

/** What routing needs to know about a request, taken from the parsed body once. */
export interface RequestFacts {
  model: string;
  stream: boolean;
  maxTokens: number | null;
  promptTokens: number;
  /** How many answers the request asks for (chat's `n` above one): reservations count the output of each. */
  choices?: number | undefined;
  /**
   * A Responses request continuing a stored conversation (`previous_response_id`): its tokens as this instance
   * recorded them, null when it does not know that response (budgets then reserve the model's context window).
   */
  priorTokens?: number | null | undefined;
  /**
   * Each image in the prompt by its size (null: not known), as its estimate counted them; absent without images.
   * Budgets and token limits reserve on each attempt's model what it counts for them (core's `promptTokensOn`).
   */
  images?: (ImageSize | null)[] | undefined;
  /** The request marks prompt parts for the provider's cache (`long`: a 1-hour one); absent when none. */
  cacheWrite?: 'short' | 'long' | undefined;
  /** The most web searches the request allows (its web search tools' `max_uses`); absent when none says. */
  webSearches?: number | undefined;
  needs: Capability[];
  /**
   * Parameters the target must honour (`n` > 1, logprobs, a JSON response format): routing skips providers whose
   * protocol cannot. Undefined when the request uses none (the common case allocates nothing).
   */
  params?: RequestParam[] | undefined;
  /** The x-switchyard-agent / x-switchyard-effort headers, when the client sent either. */
  agent?: { id: string | null; effort: string | null } | undefined;
  /** The headers routing rules reference (lower-case names), only when some rule does. */
  headers?: Record<string, string> | undefined;
  /** The body's metadata values routing rules reference, only when some rule does. */
  metadata?: Record<string, string> | undefined;
}

/** One step of a route plan, ready to execute: who to call, with which model and whose key. */
export interface PlannedAttempt {
  provider: LoadedProvider;
  model: LoadedModel;
  keySource: 'byok' | 'org' | 'provider';
  keyId: string;
  apiKey: string | null;
  isFallback: boolean;
  /** Estimated cost (USD) of this request on this model, reserved against budgets before the call. */
  estimatedCostUsd: number;
  /** The engine's attempt this was planned from (its targets, key and ref feed core's admission and outcome rules). */
  engine: EngineAttempt;
}

export type PlanResult =
  | { ok: true; attempts: PlannedAttempt[]; trace: unknown; skipped: { ref: string; reason: string }[] }
  | ({ ok: false; trace: unknown; skipped: { ref: string; reason: string }[] } & GatewayError);

export interface PlanInput {
  endpoint: ProxyEndpoint;
  facts: RequestFacts;
  caller: ProxyCaller;
  /** Set once the caller's own buckets (key RPM/TPM) were charged for this request (first admitted attempt). */
  callerCharged?: boolean;
  /** What the request spent on budgets until its record is written (set by its first budget admission). */
  spendMark?: SpendMark;
  /** The engine's view of the caller, computed once per request by the router. */
  engineCaller?: unknown;
  /** Dry runs only: plan with these rules in place of the configured ones (the rules tester). */
  rules?: readonly RoutingRule[];
  /** Dry runs only: plan at this time (ms epoch) in place of now (the rules tester). */
  now?: number;
}

/** What the executor does after an attempt failed (from the engine's classification table). */
export interface Decision {
  action: 'retry' | 'fallback' | 'stop';
  /** Wait before the retry (jittered exponential backoff or Retry-After). */
  delayMs: number;
  reason: string;
  /** After a context-window failure only models with a larger window may follow. */
  needLargerContext?: boolean;
}

/** Admission of one attempt against buckets and budgets (atomic in the state store). */
export type Admission =
  | {
      ok: true;
      release: (actual: { costUsd: number; tokens: number } | null) => void;
      /**
       * The output cap the attempt must send upstream (core's `heldOutputCap`): the request set none and its budgets
       * or token limits reserved this much. Null: the request goes as sent.
       */
      outputCap: number | null;
    }
  | ({ ok: false } & GatewayError);

export interface AttemptReport {
  attempt: PlannedAttempt;
  ok: boolean;
  error?: UpstreamError;
  latencyMs: number;
  ttftMs: number | null;
}

/**
 * The routing side of the data plane, as the executor sees it. Implemented over @switchyard/core's engine and
 * the state store (src/router/runtime.ts).
 */
export interface Router {
  plan(input: PlanInput): PlanResult;
  admit(attempt: PlannedAttempt, input: PlanInput): Promise<Admission>;
  /**
   * A cache hit for this target: takes the caller's request-counting buckets (a key's RPM) only, one request; no
   * tokens, no budget. The refusal (a 429) when a bucket is full, else null.
   */
  admitCacheHit(attempt: PlannedAttempt, input: PlanInput): Promise<Extract<Admission, { ok: false }> | null>;
  decide(
    error: UpstreamError,
    ctx: { attempt: PlannedAttempt; retriesOnThisTarget: number; afterFirstByte: boolean },
  ): Decision;
  report(r: AttemptReport): void;
  costOf(model: LoadedModel, usage: Usage): number;
  settings(): { maxAttempts: number; debugHeaders: boolean; bodyLogging: boolean };
}
