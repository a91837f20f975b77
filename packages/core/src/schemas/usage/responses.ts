/** What the read side answers: usage charts, stat cards, the live view, per-user usage, logs, error reports. */
import { z } from 'zod';
import { engineTraceSchema } from '../routing/responses.js';
import { USAGE_PERIODS } from './index.js';

const iso = z.string().describe('ISO 8601 time');

/** One attempt in a request's timeline (stored with the usage record, shown in the log drawer). */
export const attemptLogSchema = z.strictObject({
  provider: z.string(),
  model: z.string(),
  /** Whose key paid: byok, org or provider. */
  key: z.string(),
  status: z.number().int(),
  /** 'ok', an error kind, 'skipped:<code>', 'stream_…'. */
  outcome: z.string(),
  ms: z.number(),
  /** The provider endpoint called (its host), when the provider has several. */
  endpoint: z.string().optional(),
  /**
   * A failed attempt the provider billed all the same (it reported usage): its tokens and cost, part of the
   * request's cost (saved, not spent, when a BYOK key paid). Absent otherwise.
   */
  billed: z
    .strictObject({ tokensIn: z.number().int(), tokensOut: z.number().int(), usd: z.number() })
    .optional(),
});
export type AttemptLog = z.infer<typeof attemptLogSchema>;

/** What one proxied request cost and how it ended: written by the proxy, read back in the logs. */
export const usageOutcomeSchema = z.strictObject({
  tokensIn: z.number().int(),
  tokensOut: z.number().int(),
  tokensCached: z.number().int(),
  costUsd: z.number(),
  savedUsd: z.number(),
  latencyMs: z.number().int(),
  ttftMs: z.number().int().nullable(),
  status: z.number().int(),
  errorCode: z.string().nullable(),
  isByok: z.boolean(),
  stream: z.boolean(),
  attempts: z.number().int(),
});
export type UsageOutcome = z.infer<typeof usageOutcomeSchema>;

/** The calling tool of a log record (see `clientFacts`). */
export const logClientSchema = z.strictObject({
  tool: z.string().nullable(),
  version: z.string().nullable(),
  userAgent: z.string().nullable(),
  app: z.string().nullable(),
  originator: z.string().nullable(),
  sessionId: z.string().nullable(),
});
export type LogClient = z.infer<typeof logClientSchema>;

/** One gateway request as `GET /llm/logs` (and `/me/logs`) lists it. */
export const logRecordSchema = usageOutcomeSchema.extend({
  id: z.string(),
  /** Answered from the response cache: no upstream call, cost 0. */
  cacheHit: z.boolean(),
  /** What the cached answer's original call cost (not paid again). */
  cacheSavedUsd: z.number(),
  /**
   * The gateway estimated (some of) the tokens, and the cost priced from them: the provider reported no usage, or not
   * all of it. False = the provider's own figures (and on records from before the flag was kept).
   */
  tokensEstimated: z.boolean(),
  createdAt: iso,
  requestId: z.string(),
  key: z
    .strictObject({ id: z.string(), name: z.string().nullable(), prefix: z.string().nullable() })
    .nullable(),
  user: z
    .strictObject({ id: z.string(), email: z.string().nullable(), name: z.string().nullable() })
    .nullable(),
  orgId: z.string().nullable(),
  appId: z.string().nullable(),
  endpoint: z.string(),
  requestedModel: z.string(),
  provider: z.string().nullable(),
  actualModel: z.string().nullable(),
  /** Which tool made the call (null on records from before it was recorded, or when the client sent nothing). */
  client: logClientSchema.nullable(),
});
export type LogRecord = z.infer<typeof logRecordSchema>;

/**
 * The stored trace of a request: the resolver's plan, the attempts, what data protection did, and (when body
 * logging was on) the bodies.
 */
export const storedTraceSchema = z.object({
  plan: engineTraceSchema.nullable().optional(),
  attempts: z.array(attemptLogSchema).optional(),
  /** What data protection did (when a policy covered the caller): counts per rule, never a value. */
  dlp: z
    .object({
      scope: z.enum(['global', 'org', 'app']),
      scopeName: z.string(),
      /** "dlp: 2 emails masked" (or "dlp: nothing found"). */
      summary: z.string(),
      findings: z.array(
        z.object({ kind: z.string(), rule: z.string(), action: z.string(), count: z.number().int() }),
      ),
    })
    .optional(),
  /** What the response cache did (when caching applied): hit, miss, store, bypass or error, and why. */
  cache: z
    .object({
      status: z.enum(['hit', 'miss', 'store', 'bypass', 'error']),
      source: z.enum(['header', 'alias', 'key']).optional(),
      ttlSeconds: z.number().optional(),
      ageMs: z.number().optional(),
      savedUsd: z.number().optional(),
      /** "cache: hit (alias, ttl 60 s, stored 3 s ago by p/m, saved $0.000120)". */
      summary: z.string(),
    })
    .optional(),
  /**
   * The values of the headers and metadata keys routing rules looked at (only those), or `protected`: not kept,
   * because data protection applied to the request.
   */
  inputs: z
    .union([
      z.literal('protected'),
      z.object({
        headers: z.record(z.string(), z.string()).optional(),
        metadata: z.record(z.string(), z.string()).optional(),
      }),
    ])
    .optional(),
  bodies: z
    .object({
      request: z.string(),
      response: z.string(),
      truncated: z.boolean(),
      requestBytes: z.number().optional(),
      responseBytes: z.number().optional(),
    })
    .optional(),
});
export type StoredTrace = z.infer<typeof storedTraceSchema>;

/** `GET /llm/logs/:id`: the record with its resolver trace, attempts timeline and (when body logging was on) bodies. */
/** A score given to a logged request (POST /v1/feedback): one per rating key, the latest. */
export const logFeedbackSchema = z.strictObject({
  score: z.number(),
  comment: z.string().nullable(),
  /** The key that gave it, by name ("master key" for the master key; "deleted key" when it is gone). */
  rater: z.string(),
  at: iso,
});
export type LogFeedback = z.infer<typeof logFeedbackSchema>;

export const logDetailSchema = logRecordSchema.extend({
  trace: storedTraceSchema.nullable(),
  feedback: z.array(logFeedbackSchema),
});
export type LogDetail = z.infer<typeof logDetailSchema>;

export const logsPageSchema = z.strictObject({
  data: z.array(logRecordSchema),
  /** The last id of this page: pass it as `cursor` for the next one; null at the end. */
  nextCursor: z.string().nullable(),
});
export type LogsPage = z.infer<typeof logsPageSchema>;

/** One score in the feedback list, with the request it rates. */
export const feedbackEntrySchema = z.strictObject({
  id: z.string(),
  /** When it was given (last replaced). */
  at: iso,
  requestId: z.string(),
  score: z.number(),
  comment: z.string().nullable(),
  /** The key that gave it, by name ("master key" for the master key; "deleted key" when it is gone). */
  rater: z.string(),
  user: z.strictObject({ id: z.string(), email: z.string().nullable() }).nullable(),
  /** The provider (its slug) and model that answered the rated request; null when none did. */
  provider: z.string().nullable(),
  model: z.string().nullable(),
  /** The model the request asked for. */
  requestedModel: z.string().nullable(),
  /** The rated request's log record (its newest, when it has several); null when it is gone (retention). */
  logId: z.string().nullable(),
});
export type FeedbackEntry = z.infer<typeof feedbackEntrySchema>;

export const feedbackPageSchema = z.strictObject({
  data: z.array(feedbackEntrySchema),
  /** Pass it as `cursor` for the next page; null at the end. */
  nextCursor: z.string().nullable(),
});
export type FeedbackPage = z.infer<typeof feedbackPageSchema>;

export const usagePointSchema = z.strictObject({
  t: iso,
  requests: z.number(),
  errors: z.number(),
  costUsd: z.number(),
  tokens: z.number(),
  savedUsd: z.number(),
});
export type UsagePoint = z.infer<typeof usagePointSchema>;

export const providerUsageSchema = z.strictObject({
  /** Null for requests rejected before routing. */
  providerId: z.string().nullable(),
  provider: z.string(),
  slug: z.string().nullable(),
  /** The calls the provider served (answers from the response cache not included). */
  requests: z.number(),
  /** Answers the response cache gave from this provider's stored answers (not its calls, latency or TTFT). */
  cacheHits: z.number(),
  errors: z.number(),
  costUsd: z.number(),
  successRate: z.number().nullable(),
  avgLatencyMs: z.number().nullable(),
  avgTtftMs: z.number().nullable(),
});
export type ProviderUsage = z.infer<typeof providerUsageSchema>;

export const modelUsageSchema = z.strictObject({
  ref: z.string(),
  providerId: z.string().nullable(),
  modelId: z.string(),
  requests: z.number(),
  costUsd: z.number(),
  tokens: z.number(),
  /** Scores given (POST /v1/feedback) in the period to requests this model answered; null when none. */
  feedback: z.strictObject({ ratings: z.number().int(), meanScore: z.number() }).nullable(),
});
export type ModelUsage = z.infer<typeof modelUsageSchema>;

export const topUserSchema = z.strictObject({
  userId: z.string(),
  email: z.string().nullable(),
  name: z.string().nullable(),
  requests: z.number(),
  costUsd: z.number(),
});
export type TopUser = z.infer<typeof topUserSchema>;

/** `GET /llm/usage` and `/me/usage`: calls and cost over time, by provider, popular models, top users. */
export const usageResponseSchema = z.strictObject({
  period: z.enum(USAGE_PERIODS),
  bucket: z.enum(['hour', 'day', 'week']),
  from: iso,
  to: iso,
  totals: z.strictObject({
    requests: z.number(),
    errors: z.number(),
    costUsd: z.number(),
    tokens: z.number(),
    savedUsd: z.number(),
    byokRequests: z.number(),
    /** Requests answered from the response cache, and what their original calls cost. */
    cacheHits: z.number(),
    cacheSavedUsd: z.number(),
  }),
  /**
   * Requests of the period whose usage records the database refused (set aside in the dead letter for an operator):
   * paid for and counted in budgets, but not in `totals`, `series`, `byProvider`, `byModel` or `topUsers`. `costUsd`
   * and `savedUsd` are what they cost (the platform, BYOK keys); `unreadable` of them cannot be read back (their cost
   * unknown, not in `costUsd`). `truncated`: there were more letters than a page reads (the newest are read), so
   * these figures are a lower bound.
   */
  deadLetters: z.strictObject({
    records: z.number().int(),
    costUsd: z.number(),
    savedUsd: z.number(),
    unreadable: z.number().int(),
    truncated: z.boolean(),
  }),
  series: z.array(usagePointSchema),
  byProvider: z.array(providerUsageSchema),
  byModel: z.array(modelUsageSchema),
  /** Empty for `/me/usage`. */
  topUsers: z.array(topUserSchema),
});
export type UsageResponse = z.infer<typeof usageResponseSchema>;

export const trendSchema = z.strictObject({
  value: z.number(),
  previous: z.number(),
  changePct: z.number().nullable(),
});
export type Trend = z.infer<typeof trendSchema>;

/** `GET /llm/stats`: the stat cards (30 days versus the 30 before) plus BYOK figures. */
export const llmStatsSchema = z.strictObject({
  totalProviders: z.number().int(),
  activeProviders: z.number().int(),
  /** Enabled models in the registry: the Models page's "Enabled" count. */
  activeModels: z.number().int(),
  /** Distinct models that answered a request in the last 24 hours, against the 24 hours before. */
  modelsUsed24h: trendSchema,
  apiCalls30d: trendSchema,
  cost30d: z.strictObject({
    valueUsd: z.number(),
    previousUsd: z.number(),
    changePct: z.number().nullable(),
    /**
     * Calls in the last 30 days to models whose price is not known (now): counted in the cost as $0, so the cost
     * is at least `valueUsd`.
     */
    unpricedCalls: z.number().int(),
  }),
  tokens30d: z.number(),
  /** Null when there were no calls. */
  errorRate30d: z.number().nullable(),
  byok: z.strictObject({ users: z.number().int(), savedUsd30d: z.number() }),
  /** Response cache over the last 30 days: hits, and what the cached answers' original calls cost. */
  cache: z.strictObject({ hits30d: z.number(), savedUsd30d: z.number() }),
  generatedAt: iso,
});
export type LlmStats = z.infer<typeof llmStatsSchema>;

export const liveMinuteSchema = z.strictObject({
  t: iso,
  requests: z.number(),
  errors: z.number(),
  avgLatencyMs: z.number().nullable(),
  p95LatencyMs: z.number().nullable(),
  costUsd: z.number(),
});
export type LiveMinute = z.infer<typeof liveMinuteSchema>;

/** `GET /llm/live` and `/me/live`: the last 60 minutes, one point a minute. */
export const liveResponseSchema = z.strictObject({
  from: iso,
  minutes: z.array(liveMinuteSchema),
  totals: z.strictObject({ requests: z.number(), errors: z.number(), requestsPerMinute: z.number() }),
});
export type LiveResponse = z.infer<typeof liveResponseSchema>;

export const userUsageRowSchema = z.strictObject({
  userId: z.string(),
  email: z.string().nullable(),
  name: z.string().nullable(),
  /** The user's status, or `deleted`. */
  status: z.string(),
  weeklyCapUsd: z.number().nullable(),
  requests: z.number(),
  errors: z.number(),
  tokens: z.number(),
  /** Input (prompt) and output (completion) tokens apart; `tokens` is their sum. */
  tokensIn: z.number(),
  tokensOut: z.number(),
  costUsd: z.number(),
  savedUsd: z.number(),
  byokRequests: z.number(),
  /** `YYYY-MM-DD`. */
  lastActiveDay: z.string(),
});
export type UserUsageRow = z.infer<typeof userUsageRowSchema>;

/** `GET /llm/usage/users`. */
export const userUsagePageSchema = z.strictObject({
  period: z.enum(USAGE_PERIODS),
  data: z.array(userUsageRowSchema),
  /** Users with traffic in the period (before `limit`). */
  total: z.number().int(),
});
export type UserUsagePage = z.infer<typeof userUsagePageSchema>;

export const errorReportSchema = z.strictObject({
  id: z.string(),
  createdAt: iso,
  source: z.string(),
  type: z.string(),
  model: z.string().nullable(),
  provider: z.string().nullable(),
  message: z.string(),
  user: z.strictObject({ id: z.string(), email: z.string().nullable() }).nullable(),
  app: z.strictObject({ id: z.string(), name: z.string().nullable() }).nullable(),
  requestId: z.string().nullable(),
  /** The client tool that sent the failed request and its version (null on older reports). */
  client: z.strictObject({ tool: z.string(), version: z.string().nullable() }).nullable(),
  /** The agent configuration that chose the model (`agent:<id>` or x-switchyard-agent), if one did. */
  agent: z.string().nullable(),
  details: z.unknown(),
  /** An operator marked it handled; when and who (null while open). */
  resolved: z.boolean(),
  resolvedAt: iso.nullable(),
  resolvedBy: z.strictObject({ id: z.string(), email: z.string().nullable() }).nullable(),
});
export type ErrorReport = z.infer<typeof errorReportSchema>;

export const errorsPageSchema = z.strictObject({
  data: z.array(errorReportSchema),
  nextCursor: z.string().nullable(),
  /** Open (unresolved) reports matching the other filters, over all pages. */
  open: z.number().int(),
});
export type ErrorsPage = z.infer<typeof errorsPageSchema>;

/** `PATCH /llm/errors`: how many of the named reports changed, and the open ones left. */
export const resolveErrorsResultSchema = z.strictObject({
  updated: z.number().int(),
  open: z.number().int(),
});
export type ResolveErrorsResult = z.infer<typeof resolveErrorsResultSchema>;

const monthForecastFields = {
  month: z.string(),
  monthToDateUsd: z.number(),
  projectedUsd: z.number(),
  dailyRateUsd: z.number(),
  rateDays: z.number().int(),
  daysLeft: z.number(),
  daysInMonth: z.number().int(),
};

/** Month-end cost forecast: the whole gateway, per organization and per provider (from the hourly rollups). */
export const costForecastSchema = z.strictObject({
  total: z.strictObject(monthForecastFields),
  byOrg: z.array(z.strictObject({ orgId: z.string().nullable(), name: z.string(), ...monthForecastFields })),
  byProvider: z.array(
    z.strictObject({
      providerId: z.string(),
      slug: z.string().nullable(),
      name: z.string(),
      ...monthForecastFields,
    }),
  ),
});
export type CostForecast = z.infer<typeof costForecastSchema>;

/** `GET /me/orgs`: the organizations the caller owns or administers. */
export const myOrgsSchema = z.strictObject({
  data: z.array(
    z.strictObject({
      id: z.string(),
      name: z.string(),
      slug: z.string(),
      /** The caller's role in it. */
      role: z.enum(['owner', 'admin']),
    }),
  ),
});
export type MyOrgs = z.infer<typeof myOrgsSchema>;
