import type { AttemptLog, Trace } from '@switchyard/core';
import type { GatewayError } from '../lib/errors.js';
import type { UpstreamError, Usage } from '../providers/types.js';
import type { PlannedAttempt } from '../router/types.js';
import type { ProxyUsage } from '../metering/types.js';
import { replayFacts, ruleInputsRecord } from '../metering/replay-facts.js';
import { bodiesForLog } from './body-log.js';
import { describeFindings, type RequestProtection } from './protect.js';
import type { AttemptResult, AttemptRun, ProxyDeps, RequestContext } from './context.js';
import type { ProxyEndpoint } from '../router/types.js';
import type { RequestSpan } from '../telemetry/tracing.js';
import { MAX_RESPONSE_ID_LENGTH } from './conversations.js';

/** The endpoint's label in usage records and /metrics. */
export const ENDPOINT_LABEL: Record<ProxyEndpoint, string> = {
  chat: 'chat.completions',
  embeddings: 'embeddings',
  responses: 'responses',
  models: 'models',
  messages: 'messages',
  count_tokens: 'count_tokens',
};

/**
 * The request's one usage record (queued, never awaited) and its metrics. `modelLabel`: the answering (or last
 * tried) model's label in /metrics (never an org model's name).
 */
export function recordRequest(
  d: ProxyDeps,
  x: RequestContext,
  u: Partial<ProxyUsage> & { status: number },
  modelLabel = 'none',
  finishReason: string | null = null,
): void {
  x.recorded = true;
  const latencyMs = Math.round(performance.now() - x.started);
  const endpoint = ENDPOINT_LABEL[x.match.endpoint];
  const facts = x.input.facts;
  const trace = x.plan?.trace;
  const dlp = x.dlp === null ? null : protectionRecord(x.dlp);
  // The values routing rules looked at (none unless a rule names a header or metadata key).
  const inputs = ruleInputsRecord(facts, x.dlp !== null);
  const record: ProxyUsage = {
    createdAt: new Date(d.now()),
    requestId: x.requestId,
    gatewayKeyId: x.caller.keyId,
    userId: x.caller.userId,
    orgId: x.caller.orgId,
    appId: x.caller.appId,
    endpoint,
    requestedModel: facts.model,
    providerId: null,
    providerSlug: null,
    modelId: null,
    tokensIn: 0,
    tokensOut: 0,
    tokensCached: 0,
    costUsd: 0,
    savedUsd: 0,
    latencyMs,
    ttftMs: null,
    errorCode: null,
    isByok: false,
    stream: facts.stream,
    attempts: x.attempts.length,
    // `facts` first (the what-if simulator reads it from the start of the stored text without parsing the rest).
    trace: x.capture?.logging
      ? {
          facts: replayFacts(facts),
          plan: trace,
          attempts: x.attempts,
          dlp: dlp?.trace,
          cache: x.cache?.trace,
          inputs,
          bodies: bodiesForLog(x.raw, x.capture),
        }
      : {
          facts: replayFacts(facts),
          plan: trace,
          attempts: x.attempts,
          dlp: dlp?.trace,
          cache: x.cache?.trace,
          inputs,
        },
    client: x.client,
    dlp: dlp?.findings ?? null,
    dlpPolicy: dlp?.policy ?? null,
    experiment: experimentOf(trace),
    ...u,
  };
  if (x.input.spendMark) record.spend = x.input.spendMark;
  // The answer's own cost, counted in /metrics under its model (billed attempts count under their own).
  const ownCostUsd = record.costUsd;
  // Failed attempts the providers billed are the request's cost too, whichever attempt answered (or none).
  const billed = x.billed;
  if (billed) {
    record.costUsd += billed.spentUsd;
    record.savedUsd += billed.savedUsd;
    // A caller's own key paid for some of it: the request is theirs to see among their BYOK calls and counts against
    // their BYOK budget (whose readers take BYOK records), answered or not. What the platform paid stays in costUsd,
    // which the platform budgets count whatever the flag.
    if (billed.savedUsd > 0) record.isByok = true;
  }
  d.record(record);
  countRequest(d, endpoint, record, modelLabel, latencyMs, ownCostUsd);
  if (billed) for (const a of billed.attempts) countUsage(d, a.providerSlug, a.modelLabel, a);
  if (x.span) endSpans(x, x.span, record, finishReason);
}

/** The experiment and variant that routed the request (not when the variant's target named nothing). */
function experimentOf(trace: unknown): ProxyUsage['experiment'] {
  const e = (trace as Trace | undefined)?.experiment;
  return e && !e.unresolved ? { id: e.id, variant: e.variant } : null;
}

/** The request's and its attempts' OpenTelemetry spans end with its record. */
function endSpans(x: RequestContext, span: RequestSpan, record: ProxyUsage, finishReason: string | null) {
  const spans = x.attemptSpans ?? [];
  // Attempts refused at admission have a log entry and no span: spans match the entries that were called.
  const called = x.attempts.filter((a) => !a.outcome.startsWith('skipped:'));
  for (let i = 0; i < spans.length; i++) {
    const a = called[i];
    spans[i]!.end(
      a ? { status: a.status, outcome: a.outcome, ms: a.ms } : { status: 0, outcome: 'unknown', ms: 0 },
    );
  }
  const plan = x.plan;
  const answering = plan?.ok ? plan.attempts.find((a) => a.provider.slug === record.providerSlug) : undefined;
  const t = plan?.trace as Trace | undefined;
  span.end({
    status: record.status,
    errorCode: record.errorCode,
    requestId: record.requestId,
    responseModel: record.modelId,
    providerType: answering?.provider.type ?? null,
    providerSlug: record.providerSlug,
    tokensIn: record.tokensIn ?? 0,
    tokensOut: record.tokensOut ?? 0,
    costUsd: record.costUsd + record.savedUsd,
    finishReason,
    stream: record.stream,
    route: t
      ? {
          kind: t.lookup.kind,
          ...(t.lookup.alias ? { alias: t.lookup.alias } : {}),
          strategy: t.lookup.aliasStrategy ?? t.strategy,
          candidates: t.candidates.length,
          order: t.order,
        }
      : null,
  });
}

/**
 * What data protection did on this request, for its usage record: counts per rule (the batch statement writes
 * them as activity rows of the policy's scope) and the trace's line. Never a matched value.
 */
function protectionRecord(p: RequestProtection) {
  const findings = p.ctx.findings;
  const { scope, scopeId, scopeName } = p.applied;
  const summary = findings.length > 0 ? describeFindings(findings) : 'nothing found';
  return {
    findings: findings.length > 0 ? findings : null,
    policy: { scope, scopeId, requestBytes: p.requestBytes },
    // The counts per rule are the record's own `dlp` field: the trace says them once, in words.
    trace: { scope, scopeName, summary: `dlp: ${summary}` },
  };
}

/**
 * The request in /metrics: its count, latency and time to first token, and the answer's tokens and cost (`costUsd`:
 * the answer's own, without the billed failed attempts the record adds) under the answering model.
 */
function countRequest(
  d: ProxyDeps,
  endpoint: string,
  record: ProxyUsage,
  model: string,
  latencyMs: number,
  costUsd: number,
): void {
  const metrics = d.metrics;
  const provider = record.providerSlug ?? 'none';
  metrics.proxyRequests.add(1, endpoint, provider, model, String(record.status));
  metrics.proxyLatency.add(latencyMs / 1000, endpoint, provider);
  if (record.ttftMs !== null) metrics.proxyTtft.add(record.ttftMs / 1000, endpoint, provider);
  countUsage(d, provider, model, {
    tokensIn: record.tokensIn,
    tokensOut: record.tokensOut,
    spentUsd: costUsd,
    estimated: record.tokensEstimated === true,
  });
}

/** Tokens (and those estimated) and the platform's spend in /metrics, under the provider and model that used them. */
function countUsage(
  d: ProxyDeps,
  provider: string,
  model: string,
  u: { tokensIn: number; tokensOut: number; spentUsd: number; estimated?: boolean },
): void {
  const metrics = d.metrics;
  if (u.tokensIn || u.tokensOut) {
    metrics.tokens.add(u.tokensIn, provider, model, 'in');
    metrics.tokens.add(u.tokensOut, provider, model, 'out');
    // The record's tokens were the gateway's estimate: counted again apart, so a dashboard can tell them from measured.
    if (u.estimated) {
      metrics.tokensEstimated.add(u.tokensIn, provider, model, 'in');
      metrics.tokensEstimated.add(u.tokensOut, provider, model, 'out');
    }
  }
  if (u.spentUsd > 0) metrics.cost.add(u.spentUsd, provider, model);
}

/** The record of an answered request: who answered, the tokens, and the cost (a BYOK key's cost is saved, not spent). */
export function recordAnswer(
  d: ProxyDeps,
  x: RequestContext,
  attempt: PlannedAttempt,
  result: Extract<AttemptResult, { kind: 'done' }>,
  attemptsUsed: number,
): void {
  recordRequest(
    d,
    x,
    {
      status: result.status,
      ...chargedTo(attempt, result.usage, result.costUsd),
      ttftMs: result.ttftMs,
      errorCode: result.errorCode,
      attempts: attemptsUsed,
      // What a continuation on any instance finds its conversation by (only reported figures, as in memory).
      responseId:
        result.responseId && !result.usage.estimated && result.responseId.length <= MAX_RESPONSE_ID_LENGTH
          ? result.responseId
          : null,
    },
    attempt.model.metricLabel,
    result.finishReason ?? null,
  );
}

/** What a request's record says of the attempt it is charged for: the target, the tokens, and who paid (BYOK: saved). */
export function chargedTo(
  attempt: PlannedAttempt,
  usage: Usage,
  costUsd: number,
): Pick<
  ProxyUsage,
  | 'providerId'
  | 'providerSlug'
  | 'modelId'
  | 'tokensIn'
  | 'tokensOut'
  | 'tokensCached'
  | 'costUsd'
  | 'savedUsd'
  | 'isByok'
  | 'tokensEstimated'
> {
  const byok = attempt.keySource === 'byok';
  return {
    providerId: attempt.provider.id,
    providerSlug: attempt.provider.slug,
    modelId: attempt.model.modelId,
    tokensIn: usage.inputTokens,
    tokensOut: usage.outputTokens,
    tokensCached: usage.cachedTokens,
    costUsd: byok ? 0 : costUsd,
    savedUsd: byok ? costUsd : 0,
    isByok: byok,
    tokensEstimated: usage.estimated === true,
  };
}

/** A new attempt's log entry (pending until it ends), appended to the request's attempt log. */
export function startAttempt(x: RequestContext, attempt: PlannedAttempt, attemptNo: number): AttemptRun {
  const entry: AttemptLog = {
    provider: attempt.provider.slug,
    model: attempt.model.modelId,
    key: attempt.keySource,
    status: 0,
    outcome: 'pending',
    ms: 0,
  };
  x.attempts.push(entry);
  const span = x.span
    ? x.span.attempt({
        providerType: attempt.provider.type,
        providerSlug: attempt.provider.slug,
        baseUrl: attempt.provider.baseUrl,
        model: attempt.model.modelId,
        attemptNo,
        keySource: attempt.keySource,
      })
    : null;
  if (span) x.attemptSpans!.push(span);
  return { attempt, attemptNo, entry, t0: performance.now(), span };
}

/** A planned attempt that admission refused (a bucket or budget is full): logged, never called. */
export function logRefused(x: RequestContext, attempt: PlannedAttempt, refusal: GatewayError): void {
  x.attempts.push({
    provider: attempt.provider.slug,
    model: attempt.model.modelId,
    key: attempt.keySource,
    status: refusal.status,
    outcome: `skipped:${refusal.code}`,
    ms: 0,
  });
}

/** An attempt ended: its duration is logged and the router learns the outcome (latency, circuit). */
export function reportAttempt(
  d: ProxyDeps,
  run: AttemptRun,
  ok: boolean,
  error: UpstreamError | undefined,
  ttft: number | null,
): void {
  run.entry.ms = Math.round(performance.now() - run.t0);
  d.router.report({ attempt: run.attempt, ok, error, latencyMs: run.entry.ms, ttftMs: ttft });
}

/**
 * An attempt that failed before anything reached the client: its outcome logged and reported. `billed`: the usage
 * the provider reported for it (it billed the failed call), priced here and shown in the attempt's log entry.
 */
export function attemptFailed(
  d: ProxyDeps,
  run: AttemptRun,
  outcome: string,
  error: UpstreamError,
  ttft: number | null = null,
  billed?: Usage,
): AttemptResult {
  run.entry.outcome = outcome;
  reportAttempt(d, run, false, error, ttft);
  if (billed === undefined) return { kind: 'failed', error };
  const costUsd = d.router.costOf(run.attempt.model, billed);
  run.entry.billed = { tokensIn: billed.inputTokens, tokensOut: billed.outputTokens, usd: costUsd };
  return { kind: 'failed', error, billed: { usage: billed, costUsd } };
}

/**
 * A failed attempt its provider billed: its cost joins the request's (spent, or saved when a BYOK key paid). Gives
 * what the attempt's admission settles to for it (the tokens and cost, as an answer's).
 */
export function chargeBilled(
  x: RequestContext,
  attempt: PlannedAttempt,
  billed: { usage: Usage; costUsd: number },
): { costUsd: number; tokens: number } {
  const sum = (x.billed ??= { spentUsd: 0, savedUsd: 0, attempts: [] });
  const byok = attempt.keySource === 'byok';
  if (byok) sum.savedUsd += billed.costUsd;
  else sum.spentUsd += billed.costUsd;
  sum.attempts.push({
    providerSlug: attempt.provider.slug,
    modelLabel: attempt.model.metricLabel,
    tokensIn: billed.usage.inputTokens,
    tokensOut: billed.usage.outputTokens,
    spentUsd: byok ? 0 : billed.costUsd,
  });
  return { costUsd: billed.costUsd, tokens: billed.usage.inputTokens + billed.usage.outputTokens };
}
