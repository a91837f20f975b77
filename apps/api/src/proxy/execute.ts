import { coolsEndpoint, endpointOrder, failsOverEndpoint, isBilled } from '@switchyard/core';
import type { GatewayError } from '../lib/errors.js';
import type { Admission, PlannedAttempt, PlanResult } from '../router/types.js';
import { skippedHeader } from './answer-headers.js';
import { clientLeft, runAttempt } from './attempt.js';
import { BodyCapture } from './body-log.js';
import { deadlineError, internalError, sendClientError, upstreamFailure } from './client-errors.js';
import type { ProxyDeps, RequestContext } from './context.js';
import {
  ENDPOINT_LABEL,
  chargeBilled,
  chargedTo,
  logRefused,
  recordAnswer,
  recordRequest,
} from './record.js';
import { cacheAfter, cacheBefore, cacheHeaderOf } from './cache/serve.js';
import { conversationScope } from './conversations.js';
import type { Usage } from '../providers/types.js';

type Admitted = Extract<Admission, { ok: true }>;

/** Where the walk over a plan's attempts stands. */
interface Walk {
  queue: PlannedAttempt[];
  /** Targets admitted and called (bounded by the max-attempts setting). */
  tried: number;
  /** Calls made, retries included (the x-switchyard-attempts header of an answer). */
  used: number;
  lastError: GatewayError | null;
  /**
   * The last error says the request is too large for the targets tried (the classification asked for a larger
   * context window, or the request alone exceeds a per-minute token limit): the caller's to fix, so the final answer
   * stays that 4xx (400, 413), never a retryable 5xx.
   */
  tooLarge: boolean;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * One parsed, authenticated request: plan the route, then for each planned target admit it (buckets, budgets),
 * attempt it, and on a failure let the router decide: retry the same target, fall back to the next, or stop. Exactly
 * one usage record is written, whatever the exit.
 */
export async function execute(d: ProxyDeps, x: RequestContext): Promise<void> {
  const settings = d.router.settings();
  const cache = d.cache ?? null;
  const cacheHeader = cache !== null ? cacheHeaderOf(d, x) : null;
  if (cache !== null && cacheHeader === null) return;
  const plan = d.router.plan(x.input);
  x.plan = plan;
  x.capture = settings.bodyLogging ? new BodyCapture() : null;
  x.debugSkipped = settings.debugHeaders ? plan.skipped : null;
  watchConnection(x);
  for (const s of plan.skipped) d.metrics.skips.inc({ reason: s.reason });
  if (!plan.ok) return answerNoRoute(d, x, plan);
  if (cache !== null && cacheHeader !== null) {
    const before = await cacheBefore(d, cache, x, plan, cacheHeader);
    if (before.kind === 'answered') return;
    if (before.kind === 'refused') return failRequest(d, x, before.error);
  }

  let walk: Walk | null;
  try {
    walk = await walkAttempts(d, x, plan.attempts, Math.max(1, settings.maxAttempts));
  } catch (err) {
    return answerInternalError(d, x, err);
  }
  if (walk === null) return;
  if (x.connection.gone) return recordClientClosed(d, x);
  if (walk.tooLarge && walk.lastError) return failRequest(d, x, walk.lastError);
  failRequest(
    d,
    x,
    walk.lastError ?? {
      kind: 'gateway',
      status: 503,
      code: 'no_attempt',
      message: `No provider could be tried for "${x.input.facts.model}".`,
    },
    true,
  );
}

/** A request whose client left: a 499, with the prompt it is charged when its call was at a provider. */
function recordClientClosed(d: ProxyDeps, x: RequestContext): void {
  const a = x.abandoned;
  if (!a) return recordRequest(d, x, { status: 499, errorCode: 'client_closed' });
  recordRequest(
    d,
    x,
    { status: 499, errorCode: 'client_closed', ...chargedTo(a.attempt, a.usage, a.costUsd) },
    a.attempt.model.metricLabel,
  );
}

/**
 * What a call the client abandoned at the provider costs: its prompt (the request's estimate of input tokens) at
 * the model's price, no output. Kept on the request for its record; the reservation settles to it.
 */
function chargeAbandoned(
  d: ProxyDeps,
  x: RequestContext,
  attempt: PlannedAttempt,
): { costUsd: number; tokens: number } {
  const usage = {
    inputTokens: x.input.facts.promptTokens,
    outputTokens: 0,
    cachedTokens: 0,
    estimated: true,
  };
  const endpoint = x.match.endpoint;
  const costUsd = endpoint !== 'models' && isBilled(endpoint) ? d.router.costOf(attempt.model, usage) : 0;
  x.abandoned = { attempt, usage, costUsd };
  return { costUsd, tokens: usage.inputTokens };
}

/** The client leaving aborts the running attempt (one abortable per attempt, none per request). */
function watchConnection(x: RequestContext): void {
  const res = x.res;
  res.once('close', () => {
    if (!res.writableFinished) {
      x.connection.gone = true;
      x.connection.attempt?.abort(new Error('client disconnected'));
    }
  });
}

/** Routing found nothing to try (unknown model, limits, nothing healthy): the plan's answer, recorded. */
function answerNoRoute(d: ProxyDeps, x: RequestContext, plan: Extract<PlanResult, { ok: false }>): void {
  const headers: Record<string, string> = {};
  if (x.debugSkipped) headers['x-switchyard-skipped'] = skippedHeader(x.debugSkipped);
  const error: GatewayError = {
    kind: plan.kind,
    status: plan.status,
    code: plan.code,
    message: plan.message,
    headers,
    ...(plan.retryAfterMs !== undefined ? { retryAfterMs: plan.retryAfterMs } : {}),
    ...(plan.param ? { param: plan.param } : {}),
  };
  // Not `capture?.add(sendClientError(...))`: with no capture that would skip sending the answer.
  const sent = sendClientError(x.res, x.match.format, error);
  x.capture?.add(sent);
  recordRequest(d, x, { status: plan.status, errorCode: plan.code });
}

/**
 * The planned targets in order, each admitted, then tried (with retries) until one answers, the request is stopped,
 * the attempts or the deadline run out, or the client leaves. Null when the request was answered (and recorded);
 * else where the walk ended, for the failure answer.
 */
async function walkAttempts(
  d: ProxyDeps,
  x: RequestContext,
  attempts: PlannedAttempt[],
  maxAttempts: number,
): Promise<Walk | null> {
  const walk: Walk = { queue: attempts, tried: 0, used: 0, lastError: null, tooLarge: false };
  while (walk.queue.length > 0 && walk.tried < maxAttempts && !x.connection.gone) {
    if (performance.now() >= x.deadlineAt) {
      walk.lastError = deadlineError(d.deadlineMs, x.attempts.length);
      walk.tooLarge = false;
      break;
    }
    const attempt = walk.queue[0]!;
    walk.queue = walk.queue.slice(1);
    const admission = await d.router.admit(attempt, x.input);
    if (!admission.ok) {
      logRefused(x, attempt, admission);
      walk.lastError = admission;
      walk.tooLarge = false;
      continue;
    }
    walk.tried++;
    if ((await tryTarget(d, x, attempt, admission, walk)) === 'finished') return null;
  }
  return walk;
}

/**
 * One admitted target: same-target retries (bounded by the classification table), then 'next' to fall back, or
 * 'finished' once the client has its answer (a success, or the router said stop). The admission's reservation
 * settles to the real tokens and cost once answered, to nothing (a refund) otherwise; it is released in `finally`,
 * so no exit (an answer, a failure, a fallback, an exception, the client leaving) keeps it.
 */
async function tryTarget(
  d: ProxyDeps,
  x: RequestContext,
  attempt: PlannedAttempt,
  admission: Admitted,
  walk: Walk,
): Promise<'finished' | 'next'> {
  let retries = 0;
  let settled: { costUsd: number; tokens: number } | null = null;
  // Several endpoints (regions, mirrors): the first drawn by weight, the others in order on a retryable failure.
  // One that failed recently goes last (ENDPOINT_COOLDOWN_MS).
  const endpoints = attempt.provider.endpoints;
  const cooldowns = endpoints.length > 1 ? d.endpointCooldowns : undefined;
  const order =
    endpoints.length > 1
      ? endpointOrder(
          endpoints.map((e) => e.weight),
          Math.random(),
          cooldowns?.cooling(attempt.provider.id, endpoints) ?? undefined,
        )
      : null;
  let endpointAt = 0;
  try {
    for (;;) {
      walk.used++;
      const endpoint = order ? endpoints[order[endpointAt]!] : undefined;
      const result = await runAttempt(d, x, attempt, walk.used, endpoint, admission.outputCap);
      if (result.kind === 'done') {
        if (endpoint) cooldowns?.answered(attempt.provider.id, endpoint.baseUrl);
        settled = plus(settled, {
          costUsd: result.costUsd,
          tokens: result.usage.inputTokens + result.usage.outputTokens,
        });
        if (x.cache !== null && d.cache) cacheAfter(d, d.cache, x, attempt, result);
        // What a later turn continuing this answer's conversation is billed as input (the provider's own figures).
        if (result.responseId && !result.usage.estimated)
          rememberConversation(d, x, result.responseId, result.usage);
        recordAnswer(d, x, attempt, result, walk.used);
        return 'finished';
      }
      // The client left while the call was at the provider: the provider bills the prompt it was sent, and so is
      // the request (its estimate at the model's input price), not refunded.
      if (result.abandoned) settled = plus(settled, chargeAbandoned(d, x, attempt));
      // A failed call the provider billed all the same (it reported usage) is charged, not refunded: the budgets
      // settle to it, and the request's record adds it to whatever answered.
      else if (result.billed) settled = plus(settled, chargeBilled(x, attempt, result.billed));
      // A call the client's leaving ended says nothing of the target: no retry, no cooldown, no circuit failure
      // (clients hanging up together must not close a provider to everyone).
      if (clientLeft(x)) {
        x.attempts[x.attempts.length - 1]!.outcome = 'client_closed';
        return 'next';
      }
      // Failed before anything reached the client: the provider's next endpoint first, when the failure says so.
      const failure = {
        status: result.error.status,
        kind: result.error.kind,
        afterFirstByte: false,
        deadlineCut: result.error.deadlineCut === true,
      };
      // A call the client hung up on was aborted by us: it says nothing of the endpoint.
      if (endpoint && !x.connection.gone && coolsEndpoint(failure, attempt.keySource))
        cooldowns?.failed(attempt.provider.id, endpoint.baseUrl, result.error.retryAfterMs);
      if (
        order &&
        endpointAt + 1 < order.length &&
        failsOverEndpoint(failure) &&
        !x.connection.gone &&
        performance.now() < x.deadlineAt
      ) {
        endpointAt++;
        x.attempts[x.attempts.length - 1]!.outcome = `${result.error.kind}:next-endpoint`;
        walk.lastError = upstreamFailure(result.error, attempt);
        walk.tooLarge = false;
        continue;
      }
      const decision = d.router.decide(result.error, {
        attempt,
        retriesOnThisTarget: retries,
        afterFirstByte: false,
      });
      x.attempts[x.attempts.length - 1]!.outcome = `${result.error.kind}:${decision.action}`;
      walk.lastError = upstreamFailure(result.error, attempt);
      walk.tooLarge = decision.needLargerContext === true || result.error.kind === 'request_too_large';
      if (
        decision.action === 'retry' &&
        !x.connection.gone &&
        performance.now() + decision.delayMs < x.deadlineAt
      ) {
        retries++;
        d.metrics.retries.inc({ provider: attempt.provider.slug });
        if (decision.delayMs > 0) await sleep(decision.delayMs);
        continue;
      }
      if (decision.action === 'stop') {
        failRequest(d, x, walk.lastError);
        return 'finished';
      }
      if (decision.needLargerContext) {
        const window = attempt.model.contextWindow;
        if (window !== null)
          walk.queue = walk.queue.filter(
            (a) => a.model.contextWindow === null || a.model.contextWindow > window,
          );
      }
      d.metrics.fallbacks.inc({ from_provider: attempt.provider.slug, reason: result.error.kind });
      return 'next';
    }
  } finally {
    admission.release(settled);
  }
}

/**
 * What a later turn continuing this answer's conversation is billed as input (the provider's own figures): kept in
 * memory, told to the other instances through Redis when configured (the usage record carries it to the database).
 */
function rememberConversation(d: ProxyDeps, x: RequestContext, responseId: string, usage: Usage): void {
  const scope = conversationScope(x.caller);
  const tokens = usage.inputTokens + usage.outputTokens;
  d.conversations?.remember(scope, responseId, tokens);
  d.sharedConversations?.share(scope, responseId, tokens);
}

/** What an admission settles to: the charges of its target's calls (retries the provider billed, then the last). */
function plus(
  a: { costUsd: number; tokens: number } | null,
  b: { costUsd: number; tokens: number },
): { costUsd: number; tokens: number } {
  return a === null ? b : { costUsd: a.costUsd + b.costUsd, tokens: a.tokens + b.tokens };
}

/** An exception of ours after planning: logged with the request id, a generic answer, and the call recorded. */
function answerInternalError(d: ProxyDeps, x: RequestContext, err: unknown): void {
  d.logger.error(
    { err, requestId: x.requestId, endpoint: ENDPOINT_LABEL[x.match.endpoint] },
    'proxy request failed inside the gateway',
  );
  const sent = sendClientError(x.res, x.match.format, internalError(x.requestId));
  x.capture?.add(sent);
  const last = x.attempts.at(-1);
  if (!x.recorded)
    recordRequest(d, x, {
      status: 500,
      errorCode: 'internal_error',
      providerSlug: last?.provider ?? null,
      modelId: last?.model ?? null,
    });
}

/**
 * The request failed: the last error in the client's format, recorded against the last target tried. When every
 * attempt was used up (`exhausted`), a 4xx becomes 502 (no target could serve a request routing accepted), except
 * a rate limit (429) or an exhausted budget (402), which the client can wait out. A request too large for every
 * target tried is not `exhausted`: its 400 stands (the SDKs would send the same prompt again on a 5xx).
 */
function failRequest(d: ProxyDeps, x: RequestContext, err: GatewayError, exhausted = false): void {
  const status = exhausted && err.status < 500 && err.status !== 429 && err.status !== 402 ? 502 : err.status;
  const tries = x.attempts.length;
  const message = exhausted && tries > 1 ? `All ${tries} attempts failed. Last: ${err.message}` : err.message;
  const last = x.attempts.at(-1);
  const sent = sendClientError(x.res, x.match.format, {
    kind: err.kind,
    status,
    code: err.code,
    message,
    headers: {
      // The last target called, as an answer names the one that answered (its error's message is the upstream's).
      ...(last && !last.outcome.startsWith('skipped:')
        ? { 'x-switchyard-provider': last.provider, 'x-switchyard-model': last.model }
        : {}),
      'x-switchyard-attempts': String(tries),
      ...(x.debugSkipped ? { 'x-switchyard-skipped': skippedHeader(x.debugSkipped) } : {}),
    },
    ...(err.retryAfterMs !== undefined ? { retryAfterMs: err.retryAfterMs } : {}),
    ...(err.param !== undefined ? { param: err.param } : {}),
  });
  x.capture?.add(sent);
  const plan = x.plan;
  const planned = plan?.ok ? plan.attempts : [];
  const lastAttempt = last
    ? planned.find((a) => a.provider.slug === last.provider && a.model.modelId === last.model)
    : undefined;
  recordRequest(
    d,
    x,
    {
      status,
      errorCode: err.code,
      providerSlug: last?.provider ?? null,
      providerId: plan?.ok
        ? (planned.find((a) => a.provider.slug === last?.provider)?.provider.id ?? null)
        : null,
      modelId: last?.model ?? null,
    },
    lastAttempt?.model.metricLabel ?? 'none',
  );
}
