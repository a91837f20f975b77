import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Dispatcher } from 'undici';
import type { AttemptLog, ClientFacts } from '@switchyard/core';
import type { IpAllowList } from '../lib/ip-allowlist.js';
import type { Logger } from '../lib/logger.js';
import type { Metrics } from '../lib/metrics.js';
import type { UpstreamError, Usage } from '../providers/types.js';
import type { EndpointCooldowns } from '../router/endpoint-cooldowns.js';
import type { LoadedConfig } from '../router/load-config.js';
import type { PlannedAttempt, PlanInput, PlanResult, ProxyCaller, Router } from '../router/types.js';
import type { ProxyUsage } from '../metering/types.js';
import type { BodyCapture } from './body-log.js';
import type { CorsPolicy } from './client-access.js';
import type { EndpointMatch } from './endpoints.js';
import type { BodyMemory } from '../lib/body-memory.js';
import type { RequestProtection } from './protect.js';
import type { CacheRuntime, CacheState } from './cache/serve.js';
import type { Abortable, UpstreamTimeouts } from './upstream.js';
import type { AttemptSpan, RequestSpan, Tracing } from '../telemetry/tracing.js';
import type { FeedbackLimit, FeedbackSink } from './feedback.js';
import type { ConversationTokens, SharedConversations } from './conversations.js';

/** What the data plane runs on: the routing snapshot and router, the upstream pool, limits, sinks and the clock. */
export interface ProxyDeps {
  config: () => LoadedConfig;
  router: Router;
  dispatcher: Dispatcher;
  timeouts: UpstreamTimeouts;
  /** Until the client's first byte, over every attempt of a request (REQUEST_DEADLINE_MS). */
  deadlineMs: number;
  bodyLimit: number;
  /** Bound on the request bodies held in memory at once (BODY_MEMORY_LIMIT); none = unbounded. */
  bodyMemory?: BodyMemory;
  /** A body not read whole within this long is refused with 408 (BODY_READ_TIMEOUT_MS); none = Node's bound. */
  bodyReadTimeoutMs?: number;
  masterKey: string | undefined;
  record: (u: ProxyUsage) => void;
  /** The conversations of Responses answers relayed, by response id (made by the handler when not given). */
  conversations?: ConversationTokens;
  /** The same, shared by every instance (Redis, the usage records): looked up for ids not in `conversations`. */
  sharedConversations?: SharedConversations | null;
  metrics: Metrics;
  logger: Logger;
  now: () => number;
  /** TRUST_PROXY: the client IP is the left-most X-Forwarded-For hop, else the socket address. */
  trustProxy?: boolean;
  /** PROXY_IP_ALLOWLIST: who may call at all; null = anyone (no per-request work). */
  ipAllow?: IpAllowList | null;
  /** CORS_ORIGINS: browser origins allowed to call; null = no CORS headers (no per-request work). */
  cors?: CorsPolicy | null;
  /** The response cache (opt-in per alias, key or request); null = none. */
  cache?: CacheRuntime | null;
  /** OpenTelemetry traces (OTEL_EXPORTER_OTLP_ENDPOINT); null = none (no per-request work). */
  tracing?: Tracing | null;
  /** POST /v1/feedback: stores a caller's score for its own request; absent = the endpoint answers 404. */
  feedback?: FeedbackSink;
  /** Feedback calls per caller and minute (FEEDBACK_RATE_LIMIT_PER_MINUTE); absent: no limit. */
  feedbackLimit?: FeedbackLimit;
  /** Provider endpoints that failed recently, tried after the others (ENDPOINT_COOLDOWN_MS); absent = none kept. */
  endpointCooldowns?: EndpointCooldowns;
}

/** Whether the client left, and the running attempt's controller (aborted when it does). */
export interface Connection {
  gone: boolean;
  attempt: Abortable | null;
}

/** A candidate routing passed over, as the debug header lists it. */
export interface SkippedRef {
  ref: string;
  reason: string;
}

/** A failed attempt its provider billed, as /metrics counts it: under its own provider and model. */
export interface BilledAttempt {
  providerSlug: string;
  modelLabel: string;
  tokensIn: number;
  tokensOut: number;
  /** What the platform paid (0 when a BYOK key paid, as for an answer). */
  spentUsd: number;
}

/**
 * One proxy request as it moves through the steps (handler -> execute -> attempt -> relay -> record). Created
 * once, with every field, when the body is parsed (so the object keeps one shape); the steps fill in the rest.
 */
export interface RequestContext {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly match: EndpointMatch;
  readonly input: PlanInput;
  /** The body as it goes upstream and into the log: the protected form when data protection applies. */
  readonly raw: Buffer;
  readonly body: Record<string, unknown>;
  /** Data protection of this request (null when no policy covers the caller). */
  readonly dlp: RequestProtection | null;
  readonly requestId: string;
  /** performance.now() when the request arrived. */
  readonly started: number;
  /**
   * performance.now() by which the client must have its first byte (over all attempts): REQUEST_DEADLINE_MS from
   * when its body had been read (the upload is the client's time).
   */
  readonly deadlineAt: number;
  readonly caller: ProxyCaller;
  /** Which tool made the call (for the usage record). */
  readonly client: ClientFacts;
  /** The client's connection: set when it leaves before the answer is complete. */
  readonly connection: Connection;
  /** One entry per attempt made (or skipped at admission), in order; it goes into the usage record's trace. */
  readonly attempts: AttemptLog[];
  /** Set by execute when body logging is on. */
  capture: BodyCapture | null;
  /** The route plan (set by execute). */
  plan: PlanResult | null;
  /** The skipped candidates, when routing debug headers are on. */
  debugSkipped: SkippedRef[] | null;
  /** What the response cache did for this request (null when caching does not apply). */
  cache: CacheState | null;
  /** The usage record was written (exactly one per request). */
  recorded: boolean;
  /**
   * A call the client left while it was at the provider: what the request is charged (its prompt, at the model's
   * price) and recorded with.
   */
  abandoned?: { attempt: PlannedAttempt; usage: Usage; costUsd: number };
  /**
   * Failed attempts the provider billed all the same (they reported usage): their cost, added to the request's
   * record whatever answered (spent, or saved when a BYOK key paid), and each attempt's tokens and spend under its
   * own provider and model in /metrics. Absent until one happens.
   */
  billed?: { spentUsd: number; savedUsd: number; attempts: BilledAttempt[] };
  /**
   * An attempt went upstream with an output cap the client did not send (its limits reserved that much: Admission's
   * outputCap). Its answer is this caller's, not the request's: it is not stored in the response cache.
   */
  capHeld?: boolean;
  /** The request's OpenTelemetry span (null when tracing is off). */
  readonly span: RequestSpan | null;
  /** The attempts' spans, ended with the request (null when tracing is off). */
  readonly attemptSpans: AttemptSpan[] | null;
}

/** One attempt in progress: its target, its log entry and when it started. */
export interface AttemptRun {
  readonly attempt: PlannedAttempt;
  /** 1-based, over every attempt and retry of the request (the x-switchyard-attempts header). */
  readonly attemptNo: number;
  readonly entry: AttemptLog;
  /** performance.now() when the attempt started. */
  readonly t0: number;
  /** The attempt's OpenTelemetry span (null when tracing is off). */
  readonly span: AttemptSpan | null;
}

/** How one attempt ended: answered (the client has its bytes), or failed before anything reached the client. */
export type AttemptResult =
  | {
      kind: 'done';
      status: number;
      usage: Usage;
      costUsd: number;
      ttftMs: number | null;
      errorCode: string | null;
      /** The client-format stop reason the answer carried, if any. */
      finishReason?: string | null;
      /** A stream: whether it carried any content (text, a tool call) before its end. */
      contentEmitted?: boolean;
      /**
       * A stream made from another format's events (not relayed as the provider sent them): its reasoning is the
       * gateway's own unsigned text, restored like the answer's when data protection masked a value.
       */
      translated?: boolean;
      /** A Responses answer's id (what a later `previous_response_id` names), when it carried one. */
      responseId?: string | null;
    }
  | {
      kind: 'failed';
      error: UpstreamError;
      /** The client left while the call was at the provider (sent, no answer yet): its prompt was billed there. */
      abandoned?: boolean;
      /** The provider billed this failed attempt all the same (it reported usage): what it cost. */
      billed?: { usage: Usage; costUsd: number };
    };
