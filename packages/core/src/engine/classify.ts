/**
 * The outcome classification table: what the executor does after a failed attempt.
 *
 * | outcome                                   | action                                  | cooldown              | circuit |
 * | ----------------------------------------- | --------------------------------------- | --------------------- | ------- |
 * | 429 rate limited                          | retry once if Retry-After ≤ 2 s, else fall back | Retry-After or rateLimitMs (30 s) (model; key if BYOK/org) | no |
 * | 402 / billing, quota, credit messages     | fall back                               | billingMs (1 h) (provider; key if BYOK/org) | no |
 * | 401 / 403 auth                            | fall back                               | authMs (5 min) (key)  | no      |
 * | key cannot be sent (not a valid header)   | fall back                               | authMs (5 min) (key)  | no      |
 * | policy / moderation block                 | stop (fall back only if policyFallback) | none                  | no      |
 * | 404 model not found                       | fall back                               | modelNotFoundMs (1 h) (model; key × model if BYOK/org) | no |
 * | other 404 (resource missing upstream)     | fall back (the route, not the client, is wrong) | none          | no      |
 * | 400/413/422 context window                | fall back to a larger window            | none                  | no      |
 * | request too large for the account's per-minute token limit (a 429 "Request too large") | fall back | none | no |
 * | request body over the API's byte limit (Anthropic's 413 request_too_large, a bare 413) | fall back | none                  | no      |
 * | other 400/413/422 client errors           | stop                                    | none                  | no      |
 * | 408 / 5xx / overloaded / network         | retry (≤ maxRetries, jittered exponential backoff), then fall back | none | yes |
 * | 409 conflict (the resource the request names is busy: a conversation in use) | retry, then fall back | none | no |
 * | our timeout before the first byte (status 0) | fall back (a target that hung is not asked again) | none   | yes     |
 * | the same, at a limit the request's deadline cut below the target's own | fall back (the deadline ends it) | none | no |
 * | stream cut before the first byte          | fall back (nothing reached the client)  | none                  | yes     |
 * | stream cut after the first byte           | stop (bytes already reached the client) | none                  | yes (a cut, stall, 5xx, overload; not a caller's error sent mid-stream) |
 *
 * `classify` takes the outcome already reduced to an {@link ErrorKind} (the API's provider adapters map status,
 * error codes and messages — "insufficient_quota", "maximum context length", "content_filter" … — to a kind).
 * `retry` means the same target again after `delayMs`; `fallback` the next attempt in the plan; `stop` answer
 * the client with this error.
 *
 * Isolation: what the caller's own key or request caused never reaches shared state. Auth failures and keys
 * that cannot be sent cool down that key only (a BYOK or org key's own id); billing on a caller's BYOK or org
 * key cools down that key, not the provider (the provider's own account is fine); a model that a caller's BYOK or
 * org key cannot use ("does not exist or you do not have access to it") cools down that key for that model only
 * (the key still serves its other models, the provider's own account may serve this one); 4xx policy and shape
 * errors cool nothing down; none of these counts toward the provider × model circuit.
 *
 * Nor does our own timeout when the request's deadline, not the target's configured limit, set it (`deadlineCut`:
 * a slow upload or slow earlier attempts used up the request's time; the target was not given its own).
 */

import { DEFAULT_COOLDOWNS, type CooldownSettings, type KeySource } from './types.js';

export type ErrorKind =
  | 'context_window'
  | 'billing'
  | 'policy'
  | 'model_not_found'
  | 'auth'
  | 'rate_limit'
  | 'overloaded'
  | 'timeout'
  | 'bad_request'
  | 'not_found'
  | 'server'
  | 'network'
  /** The request could not be sent as built: a header value (in practice the key) is not valid. Nothing left. */
  | 'invalid_header'
  /**
   * The request alone is larger than the account's per-minute token limit on that target (OpenAI's 429 "Request too
   * large … on tokens per min"): the request's size, not a rate limit; others' requests still fit.
   */
  | 'request_too_large'
  | 'unknown';

export interface AttemptOutcome {
  /** HTTP status from the upstream (0 for network-level failures). */
  status: number;
  kind: ErrorKind;
  retryAfterMs: number | null;
  /** The failure happened after bytes reached the client (streams). */
  afterFirstByte: boolean;
  /** A stream that ended or dropped before completing (with `afterFirstByte` telling whether anything was sent). */
  streamCut?: boolean;
  /**
   * Our own timeout (status 0, kind timeout) ran out at a limit the request's deadline had cut below the target's
   * configured one: the request's time was up (a slow upload, slow earlier attempts), which says nothing of the
   * target. Ignored for any other outcome.
   */
  deadlineCut?: boolean;
}

export type Action = 'retry' | 'fallback' | 'stop';

/** What a cooldown covers: the provider, the provider × model, the key used, or that key × model. */
export type CooldownScope = 'model' | 'provider' | 'key' | 'key-model';

export interface Classification {
  action: Action;
  /** Wait before the retry. */
  delayMs: number;
  /** How long the target should be skipped, and at what level. */
  cooldown: { scope: CooldownScope; ms: number } | null;
  /** Counts as a failure for the provider×model circuit breaker. */
  circuitFailure: boolean;
  /** Only candidates with a larger context window may follow. */
  needLargerContext: boolean;
  reason: string;
}

export interface ClassifyOptions {
  /** Same-target retries already made. */
  retries: number;
  maxRetries: number;
  policyFallback: boolean;
  rng: () => number;
  /** Whose key the attempt used: a caller's own (BYOK, org) key's failures stay on that key. Default 'provider'. */
  keySource?: KeySource;
  baseBackoffMs?: number;
  maxBackoffMs?: number;
  /** Cooldown timings (the routing settings); default {@link DEFAULT_COOLDOWNS}. */
  cooldowns?: CooldownSettings;
}

const RETRY_AFTER_INLINE_MAX = 2_000;

/** Failures after the first byte that are the provider's (the circuit counts them). */
const MID_STREAM_PROVIDER_FAULTS: ReadonlySet<ErrorKind> = new Set([
  'overloaded',
  'timeout',
  'server',
  'network',
  'unknown',
]);

/** Full-jitter exponential backoff: a random wait in [0, min(max, base·2^retries)). */
export function backoffMs(retries: number, rng: () => number, base = 250, max = 4_000): number {
  return Math.floor(rng() * Math.min(max, base * 2 ** retries));
}

/** Fall back to the next target, cooling `scope` down for `ms`. */
function coolAndFallBack(scope: CooldownScope, ms: number, reason: string): Classification {
  return {
    delayMs: 0,
    circuitFailure: false,
    needLargerContext: false,
    action: 'fallback',
    cooldown: { scope, ms },
    reason,
  };
}

export function classify(o: AttemptOutcome, opt: ClassifyOptions): Classification {
  const none = { delayMs: 0, cooldown: null, circuitFailure: false, needLargerContext: false } as const;
  const callerKey = opt.keySource === 'byok' || opt.keySource === 'org';
  const cd = opt.cooldowns ?? DEFAULT_COOLDOWNS;
  if (o.afterFirstByte) {
    // Bytes reached the client: nothing else can be tried. What says the provider is unwell (a cut, a stall, a 5xx
    // or overload error sent mid-stream) counts toward the circuit; a caller's request or key refused mid-stream
    // (policy, context window, auth, billing, rate limit, bad request) does not, as before the first byte.
    return {
      ...none,
      action: 'stop',
      circuitFailure: MID_STREAM_PROVIDER_FAULTS.has(o.kind),
      reason: `stream cut after the first byte (${o.kind})`,
    };
  }
  if (o.streamCut) {
    return {
      ...none,
      action: 'fallback',
      circuitFailure: true,
      reason: 'stream cut before the first byte: fall back',
    };
  }
  const transient = () => {
    if (opt.retries < opt.maxRetries) {
      return {
        ...none,
        action: 'retry' as const,
        delayMs: backoffMs(opt.retries, opt.rng, opt.baseBackoffMs, opt.maxBackoffMs),
        circuitFailure: true,
        reason: `transient ${o.kind} (${o.status || 'network'}): retry`,
      };
    }
    return {
      ...none,
      action: 'fallback' as const,
      // A conflict is about what the request names (OpenAI's conversation another request is using), which a
      // caller can provoke at will: it says nothing of the provider's health, for everyone.
      circuitFailure: o.status !== 409,
      reason: `transient ${o.kind}: retries exhausted`,
    };
  };

  switch (o.kind) {
    case 'rate_limit': {
      if (o.retryAfterMs !== null && o.retryAfterMs <= RETRY_AFTER_INLINE_MAX && opt.retries < 1) {
        return {
          ...none,
          action: 'retry',
          delayMs: o.retryAfterMs,
          reason: 'rate limited briefly: wait Retry-After',
        };
      }
      // A caller's own account (BYOK, org key) being rate limited says nothing about the provider's own key.
      return {
        ...none,
        action: 'fallback',
        cooldown: { scope: callerKey ? 'key' : 'model', ms: o.retryAfterMs ?? cd.rateLimitMs },
        reason: callerKey
          ? `rate limited on the ${opt.keySource} key: cool it down and fall back`
          : 'rate limited: cool down and fall back',
      };
    }
    case 'billing':
      return callerKey
        ? coolAndFallBack('key', cd.billingMs, `billing or quota on the ${opt.keySource} key: fall back`)
        : coolAndFallBack('provider', cd.billingMs, 'billing or quota: fall back');
    case 'auth':
      return coolAndFallBack('key', cd.authMs, 'credentials rejected: fall back');
    case 'invalid_header':
      return coolAndFallBack('key', cd.authMs, 'the key cannot be sent in a header: fall back');
    case 'policy':
      return opt.policyFallback
        ? { ...none, action: 'fallback', reason: 'policy block: fall back (enabled)' }
        : { ...none, action: 'stop', reason: 'policy block: no cross-provider fallback' };
    case 'model_not_found':
      // Upstreams answer the same for a model that is gone and for one the calling account may not use: on a
      // caller's own key it is a fact about that key, so only that key × model cools down.
      return callerKey
        ? coolAndFallBack(
            'key-model',
            cd.modelNotFoundMs,
            `model not found for the ${opt.keySource} key: fall back`,
          )
        : coolAndFallBack('model', cd.modelNotFoundMs, 'model not found: fall back');
    case 'request_too_large':
      // Another target (another account, another model) may take it; nothing shared cools down for one request.
      return { ...none, action: 'fallback', reason: 'request too large for this target: fall back' };
    case 'context_window':
      return {
        ...none,
        action: 'fallback',
        needLargerContext: true,
        reason: 'context window exceeded: larger window',
      };
    case 'not_found':
      if (o.status === 404) return { ...none, action: 'fallback', reason: 'not found upstream: fall back' };
      if (o.status === 408 || o.status === 409) return transient();
      return { ...none, action: 'stop', reason: `client error ${o.status}: no fallback` };
    case 'bad_request':
      if (o.status === 408 || o.status === 409) return transient();
      return { ...none, action: 'stop', reason: `client error ${o.status}: no fallback` };
    case 'timeout':
      // Our own limit ran out (no answer at all, status 0): waiting the same limit again on a target that just
      // hung would hold the client for minutes. An upstream's own 504 is a server error like any other.
      if (o.status === 0 && o.deadlineCut)
        return {
          ...none,
          action: 'fallback',
          reason: "timed out at a limit the request's deadline cut short: not the target's failure",
        };
      if (o.status === 0)
        return {
          ...none,
          action: 'fallback',
          circuitFailure: true,
          reason: 'timed out before the first byte: fall back, no retry',
        };
      return transient();
    case 'overloaded':
    case 'server':
    case 'network':
      return transient();
    case 'unknown':
    default:
      if (o.status === 408 || o.status === 409 || o.status >= 500 || o.status === 0) return transient();
      if (o.status === 404) return { ...none, action: 'fallback', reason: 'not found upstream: fall back' };
      if (o.status >= 400 && o.status < 500)
        return { ...none, action: 'stop', reason: `client error ${o.status}: no fallback` };
      return transient();
  }
}
