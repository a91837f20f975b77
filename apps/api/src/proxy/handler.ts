import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Dispatcher } from 'undici';
import { isBilled, type AttemptLog, type ClientFacts } from '@switchyard/core';
import type { ProxyUsage } from '../usage/types.js';
import type { Logger } from '../lib/logger.js';
import type { Metrics } from '../lib/metrics.js';
import { getAdapter, scrubSecrets } from '../providers/index.js';
import { AdapterError, type PreparedCall, type UpstreamError, type Usage } from '../providers/types.js';
import type { LoadedConfig, LoadedProvider } from '../routing/load-config.js';
import { presentedKey, resolveCaller, type ProxyCaller } from './caller.js';
import { anthropicClientHeaders } from './client-headers.js';
import {
  deadlineError,
  internalError,
  sendClientError,
  upstreamFailure,
  type ClientFormat,
} from './client-errors.js';
import type { GatewayError } from '../lib/errors.js';
import { formatForPath, matchEndpoint, type EndpointMatch } from './endpoints.js';
import { BodyMemoryFullError, BodyTooLargeError, readBody, type BodyMemory } from './read-body.js';
import { RequestShapeError, requestFacts } from './request-facts.js';
import { MAX_BODY_DEPTH, rawDepthExceeds } from './body-shape.js';
import type { PlannedAttempt, PlanInput, ProxyEndpoint, RequestFacts, Router } from '../routing/types.js';
import {
  openUpstream,
  readAll,
  toNetworkError,
  WholeAnswer,
  type Abortable,
  type Fetched,
  type UpstreamTimeouts,
} from './upstream.js';
import { listModelsForCaller, retrieveModelForCaller } from './models-list.js';
import { BodyCapture, bodiesForLog } from './body-log.js';
import { drained } from '../lib/drained.js';
import type { IpAllowList } from '../lib/ip-allowlist.js';
import { clientIp, describeIp, type CorsPolicy } from './client-access.js';
import { clientOf } from './client-tool.js';

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
  masterKey: string | undefined;
  record: (u: ProxyUsage) => void;
  metrics: Metrics;
  logger: Logger;
  now: () => number;
  /** TRUST_PROXY: the client IP is the left-most X-Forwarded-For hop, else the socket address. */
  trustProxy?: boolean;
  /** PROXY_IP_ALLOWLIST: who may call at all; null = anyone (no per-request work). */
  ipAllow?: IpAllowList | null;
  /** CORS_ORIGINS: browser origins allowed to call; null = no CORS headers (no per-request work). */
  cors?: CorsPolicy | null;
}

function ipDenied(ip: string, byKey: boolean): GatewayError {
  return {
    kind: 'client',
    status: 403,
    code: 'ip_not_allowed',
    message: byKey
      ? `This gateway key may not be used from ${describeIp(ip)}: the address is not on the key's IP allow-list.`
      : `Requests from ${describeIp(ip)} are not allowed: the address is not on the gateway's IP allow-list.`,
  };
}

const ENDPOINT_LABEL: Record<ProxyEndpoint, string> = {
  chat: 'chat.completions',
  embeddings: 'embeddings',
  responses: 'responses',
  models: 'models',
  messages: 'messages',
  count_tokens: 'count_tokens',
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Bodies above this size have their nesting depth checked on the raw bytes before they are parsed. */
const DEPTH_SCAN_ABOVE_BYTES = 64 * 1024;

/** Whether the client left, and the running attempt's controller (aborted when it does). */
interface ClientState {
  gone: boolean;
  attempt: Abortable | null;
}

/**
 * The data plane: a lean node:http handler (no Express on this path). Auth and routing come from memory; the
 * upstream call goes through one undici Agent (a pool per origin); usage is queued, never awaited.
 */
export function createProxyHandler(deps: ProxyDeps) {
  const { router, metrics } = deps;
  const trustProxy = deps.trustProxy ?? false;
  const ipAllow = deps.ipAllow ?? null;
  const cors = deps.cors ?? null;

  return async function handleProxy(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = performance.now();
    const requestId = (req.headers['x-request-id'] as string | undefined)?.slice(0, 100) || randomUUID();
    res.setHeader('x-request-id', requestId);
    const url = req.url ?? '/';
    try {
      await serve(req, res, url, requestId, started);
    } catch (err) {
      // A bug of ours (a translator, the mock provider, the handler itself): the detail goes to the log, the
      // client gets a generic answer in its format with the request id to quote.
      deps.logger.error(
        { err, requestId, path: url.split('?')[0] },
        'proxy request failed inside the gateway',
      );
      if (!res.headersSent) req.resume();
      sendClientError(res, formatForPath(url), internalError(requestId));
    }
  };

  async function serve(
    req: IncomingMessage,
    res: ServerResponse,
    url: string,
    requestId: string,
    started: number,
  ): Promise<void> {
    if (cors !== null) {
      const preflight = cors.apply(req, res);
      if (preflight !== 'continue') {
        req.resume();
        if (preflight === 'preflight-ok') res.writeHead(204, { 'content-length': 0 }).end();
        else {
          const origin = String(req.headers.origin ?? '(none)').slice(0, 200);
          sendClientError(res, formatForPath(url), {
            kind: 'client',
            status: 403,
            code: 'cors_origin_not_allowed',
            message: `The origin ${origin} may not call this gateway from a browser (it is not in CORS_ORIGINS).`,
          });
        }
        return;
      }
    }
    const match = matchEndpoint(req.method ?? 'GET', url);
    if (match === null || match === 'method-not-allowed') {
      req.resume();
      const status = match === null ? 404 : 405;
      sendClientError(res, formatForPath(url), {
        kind: 'client',
        status,
        code: status === 404 ? 'unknown_endpoint' : 'method_not_allowed',
        message:
          status === 404
            ? `No proxy endpoint ${req.method} ${url.split('?')[0]}.`
            : `${req.method} is not allowed on ${url.split('?')[0]}.`,
      });
      return;
    }
    const format = match.format;
    // IP allow-lists: the gateway's before the key is looked at, then the key's own.
    let ip: string | null = null;
    if (ipAllow !== null) {
      ip = clientIp(req, trustProxy);
      if (!ipAllow.allows(ip)) {
        req.resume();
        sendClientError(res, format, ipDenied(ip, false));
        return;
      }
    }
    const config = deps.config();
    const auth = resolveCaller(presentedKey(req), config, deps.masterKey, deps.now());
    if (!auth.ok) {
      req.resume();
      sendClientError(res, format, auth);
      return;
    }
    const caller = auth.caller;
    const keyAllow = caller.key !== null ? caller.key.ipAllow : null;
    if (keyAllow !== null) {
      ip ??= clientIp(req, trustProxy);
      if (!keyAllow.allows(ip)) {
        req.resume();
        sendClientError(res, format, ipDenied(ip, true));
        return;
      }
    }

    if (match.endpoint === 'models') {
      req.resume();
      // Plain /v1/models: an Anthropic client (Claude Code's model discovery) says so with anthropic-version.
      const listFormat: ClientFormat =
        match.neutral && req.headers['anthropic-version'] !== undefined ? 'anthropic' : format;
      const found =
        match.modelId === undefined
          ? listModelsForCaller(config, caller, listFormat, deps.now())
          : retrieveModelForCaller(config, caller, listFormat, deps.now(), match.modelId);
      if (found === null) {
        sendClientError(res, listFormat, {
          kind: 'client',
          status: 404,
          code: 'model_not_found',
          message: `No model "${(match.modelId ?? '').slice(0, 200)}" is available to this key.`,
          param: 'model',
        });
        return;
      }
      const body = JSON.stringify(found);
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
      res.end(body);
      return;
    }

    let raw: Buffer;
    try {
      raw = await readBody(req, deps.bodyLimit, deps.bodyMemory);
    } catch (err) {
      const e: GatewayError =
        err instanceof BodyTooLargeError
          ? {
              kind: 'client',
              status: 413,
              code: 'request_too_large',
              message: `The request body is larger than the ${formatBytes(deps.bodyLimit)} limit (BODY_LIMIT).`,
            }
          : err instanceof BodyMemoryFullError
            ? {
                kind: 'gateway',
                status: 503,
                code: 'overloaded',
                message: 'The gateway is holding as many request bodies as its memory allows; retry shortly.',
                retryAfterMs: 1000,
              }
            : {
                kind: 'client',
                status: 400,
                code: 'bad_request',
                message: 'The request body could not be read.',
              };
      sendClientError(res, format, e, { connection: 'close' });
      return;
    }
    try {
      // A deeply nested document costs JSON.parse time quadratic in its depth: large bodies are scanned first.
      const deepAt = raw.length > DEPTH_SCAN_ABOVE_BYTES ? rawDepthExceeds(raw, MAX_BODY_DEPTH) : null;
      if (deepAt !== null) {
        const message = deepAt
          ? `"${deepAt}" is nested deeper than ${MAX_BODY_DEPTH} levels.`
          : `The request body is nested deeper than ${MAX_BODY_DEPTH} levels.`;
        sendClientError(res, format, {
          kind: 'client',
          status: 400,
          code: 'invalid_request',
          message,
          ...(deepAt ? { param: deepAt } : {}),
        });
        return;
      }
      let body: unknown;
      try {
        body = JSON.parse(raw.toString('utf8'));
      } catch {
        sendClientError(res, format, {
          kind: 'client',
          status: 400,
          code: 'invalid_json',
          message: 'The request body is not valid JSON.',
        });
        return;
      }
      let facts: RequestFacts;
      try {
        facts = requestFacts(match.endpoint, body, raw.length);
      } catch (err) {
        if (err instanceof RequestShapeError) {
          sendClientError(res, format, {
            kind: 'client',
            status: 400,
            code: 'invalid_request',
            message: err.message,
            param: err.param,
          });
          return;
        }
        throw err;
      }

      const input: PlanInput = { endpoint: match.endpoint, facts, caller };
      const client = clientOf(req, body);
      await execute(deps, {
        req,
        res,
        match,
        input,
        raw,
        body: body as Record<string, unknown>,
        requestId,
        started,
        deadlineAt: started + deps.deadlineMs,
        caller,
        capture: null,
        client,
      });
    } finally {
      deps.bodyMemory?.give(raw.length);
    }
  }

  async function execute(
    d: ProxyDeps,
    x: {
      req: IncomingMessage;
      res: ServerResponse;
      match: EndpointMatch;
      input: PlanInput;
      raw: Buffer;
      body: Record<string, unknown>;
      requestId: string;
      started: number;
      /** performance.now() by which the client must have its first byte (over all attempts). */
      deadlineAt: number;
      caller: ProxyCaller;
      /** Set here when body logging is on (created with the request so the object keeps one shape). */
      capture: BodyCapture | null;
      client: ClientFacts;
    },
  ): Promise<void> {
    const { res, match, input, requestId, caller } = x;
    const format = match.format;
    const facts = input.facts;
    const endpointLabel = ENDPOINT_LABEL[match.endpoint];
    const settings = router.settings();
    const plan = router.plan(input);
    const capture = settings.bodyLogging ? new BodyCapture() : null;
    x.capture = capture;
    const attemptsLog: AttemptLog[] = [];
    // The client leaving aborts the running attempt (one abortable per attempt, none per request).
    const client: ClientState = { gone: false, attempt: null };
    res.once('close', () => {
      if (!res.writableFinished) {
        client.gone = true;
        client.attempt?.abort(new Error('client disconnected'));
      }
    });

    /** `modelLabel`: the answering (or last tried) model's label in /metrics (never an org model's name). */
    let recorded = false;
    const finish = (u: Partial<ProxyUsage> & { status: number }, modelLabel = 'none') => {
      recorded = true;
      const latencyMs = Math.round(performance.now() - x.started);
      const record: ProxyUsage = {
        createdAt: new Date(d.now()),
        requestId,
        gatewayKeyId: caller.keyId,
        userId: caller.userId,
        orgId: caller.orgId,
        appId: caller.appId,
        endpoint: endpointLabel,
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
        attempts: attemptsLog.length,
        trace: capture
          ? { plan: plan.trace, attempts: attemptsLog, bodies: bodiesForLog(x.raw, capture) }
          : { plan: plan.trace, attempts: attemptsLog },
        client: x.client,
        ...u,
      };
      d.record(record);
      const provider = record.providerSlug ?? 'none';
      const model = modelLabel;
      metrics.proxyRequests.add(1, endpointLabel, provider, model, String(record.status));
      metrics.proxyLatency.observe({ endpoint: endpointLabel, provider }, latencyMs / 1000);
      if (record.ttftMs !== null)
        metrics.proxyTtft.observe({ endpoint: endpointLabel, provider }, record.ttftMs / 1000);
      if (record.tokensIn || record.tokensOut) {
        metrics.tokens.add(record.tokensIn, provider, model, 'in');
        metrics.tokens.add(record.tokensOut, provider, model, 'out');
      }
      if (record.costUsd > 0) metrics.cost.add(record.costUsd, provider, model);
    };

    for (const s of plan.skipped) metrics.skips.inc({ reason: s.reason });

    if (!plan.ok) {
      const headers: Record<string, string> = {};
      if (settings.debugHeaders) headers['x-switchyard-skipped'] = skippedHeader(plan.skipped);
      // Not `capture?.add(sendClientError(...))`: with no capture that would skip sending the answer.
      const sent = sendClientError(res, format, {
        kind: plan.kind,
        status: plan.status,
        code: plan.code,
        message: plan.message,
        headers,
        ...(plan.retryAfterMs !== undefined ? { retryAfterMs: plan.retryAfterMs } : {}),
        ...(plan.param ? { param: plan.param } : {}),
      });
      capture?.add(sent);
      finish({ status: plan.status, errorCode: plan.code });
      return;
    }

    let lastError: GatewayError | null = null;
    const maxAttempts = Math.max(1, settings.maxAttempts);
    let tried = 0;
    let used = 0;
    let queue = plan.attempts;

    try {
      while (queue.length > 0 && tried < maxAttempts && !client.gone) {
        if (performance.now() >= x.deadlineAt) {
          lastError = deadlineError(d.deadlineMs, attemptsLog.length);
          break;
        }
        const attempt = queue[0]!;
        queue = queue.slice(1);
        const admission = await router.admit(attempt, input);
        if (!admission.ok) {
          attemptsLog.push({
            provider: attempt.provider.slug,
            model: attempt.model.modelId,
            key: attempt.keySource,
            status: admission.status,
            outcome: `skipped:${admission.code}`,
            ms: 0,
          });
          lastError = admission;
          continue;
        }
        tried++;
        let retries = 0;
        let fellBack = false;
        // What the reservation settles to: the real tokens and cost once answered, nothing (a refund) otherwise.
        // Released in `finally`, so no exit (an answer, a failure, a fallback, an exception, the client leaving)
        // keeps it.
        let settled: { costUsd: number; tokens: number } | null = null;
        try {
          // Same-target retries (bounded by the classification table), then the next attempt.
          while (!fellBack) {
            used++;
            const result = await runAttempt(
              d,
              x,
              attempt,
              client,
              settings.debugHeaders ? plan.skipped : null,
              attemptsLog,
              used,
            );
            if (result.kind === 'done') {
              settled = {
                costUsd: result.costUsd,
                tokens: result.usage.inputTokens + result.usage.outputTokens,
              };
              finish(
                {
                  status: result.status,
                  providerId: attempt.provider.id,
                  providerSlug: attempt.provider.slug,
                  modelId: attempt.model.modelId,
                  tokensIn: result.usage.inputTokens,
                  tokensOut: result.usage.outputTokens,
                  tokensCached: result.usage.cachedTokens,
                  costUsd: attempt.keySource === 'byok' ? 0 : result.costUsd,
                  savedUsd: attempt.keySource === 'byok' ? result.costUsd : 0,
                  isByok: attempt.keySource === 'byok',
                  ttftMs: result.ttftMs,
                  errorCode: result.errorCode,
                  attempts: used,
                },
                attempt.model.metricLabel,
              );
              return;
            }
            // Failed before anything reached the client.
            const decision = router.decide(result.error, {
              attempt,
              retriesOnThisTarget: retries,
              afterFirstByte: false,
            });
            attemptsLog[attemptsLog.length - 1]!.outcome = `${result.error.kind}:${decision.action}`;
            lastError = upstreamFailure(result.error, attempt);
            if (
              decision.action === 'retry' &&
              !client.gone &&
              performance.now() + decision.delayMs < x.deadlineAt
            ) {
              retries++;
              metrics.retries.inc({ provider: attempt.provider.slug });
              if (decision.delayMs > 0) await sleep(decision.delayMs);
              continue;
            }
            if (decision.action === 'stop') return failRequest(lastError);
            if (decision.needLargerContext) {
              const window = attempt.model.contextWindow;
              if (window !== null)
                queue = queue.filter((a) => a.model.contextWindow === null || a.model.contextWindow > window);
            }
            metrics.fallbacks.inc({ from_provider: attempt.provider.slug, reason: result.error.kind });
            fellBack = true;
          }
        } finally {
          admission.release(settled);
        }
      }
    } catch (err) {
      // An exception of ours after planning: logged with the request id, a generic answer, and the call recorded.
      d.logger.error({ err, requestId, endpoint: endpointLabel }, 'proxy request failed inside the gateway');
      const sent = sendClientError(res, format, internalError(requestId));
      capture?.add(sent);
      const last = attemptsLog.at(-1);
      if (!recorded)
        finish({
          status: 500,
          errorCode: 'internal_error',
          providerSlug: last?.provider ?? null,
          modelId: last?.model ?? null,
        });
      return;
    }
    if (client.gone) {
      finish({ status: 499, errorCode: 'client_closed' });
      return;
    }
    return failRequest(
      lastError ?? {
        kind: 'gateway',
        status: 503,
        code: 'no_attempt',
        message: `No provider could be tried for "${facts.model}".`,
      },
      true,
    );

    function failRequest(err: GatewayError, exhausted = false) {
      const status =
        exhausted && err.status < 500 && err.status !== 429 && err.status !== 402 ? 502 : err.status;
      const headers: Record<string, string> = { 'x-switchyard-attempts': String(attemptsLog.length) };
      const message =
        exhausted && attemptsLog.length > 1
          ? `All ${attemptsLog.length} attempts failed. Last: ${err.message}`
          : err.message;
      const sent = sendClientError(res, format, {
        kind: err.kind,
        status,
        code: err.code,
        message,
        headers,
        ...(err.retryAfterMs !== undefined ? { retryAfterMs: err.retryAfterMs } : {}),
      });
      capture?.add(sent);
      const last = attemptsLog.at(-1);
      const lastAttempt =
        plan.ok && last
          ? plan.attempts.find((a) => a.provider.slug === last.provider && a.model.modelId === last.model)
          : undefined;
      finish(
        {
          status,
          errorCode: err.code,
          providerSlug: last?.provider ?? null,
          providerId: plan.ok
            ? (plan.attempts.find((a) => a.provider.slug === last?.provider)?.provider.id ?? null)
            : null,
          modelId: last?.model ?? null,
        },
        lastAttempt?.model.metricLabel ?? 'none',
      );
    }
  }

  type AttemptResult =
    | {
        kind: 'done';
        status: number;
        usage: Usage;
        costUsd: number;
        ttftMs: number | null;
        errorCode: string | null;
      }
    | { kind: 'failed'; error: UpstreamError };

  async function runAttempt(
    d: ProxyDeps,
    x: {
      req: IncomingMessage;
      res: ServerResponse;
      match: EndpointMatch;
      input: PlanInput;
      raw: Buffer;
      body: Record<string, unknown>;
      started: number;
      deadlineAt: number;
      capture: BodyCapture | null;
    },
    attempt: PlannedAttempt,
    client: ClientState,
    debugSkipped: { ref: string; reason: string }[] | null,
    log: AttemptLog[],
    attemptNo: number,
  ): Promise<AttemptResult> {
    const t0 = performance.now();
    const entry: AttemptLog = {
      provider: attempt.provider.slug,
      model: attempt.model.modelId,
      key: attempt.keySource,
      status: 0,
      outcome: 'pending',
      ms: 0,
    };
    log.push(entry);
    const facts = x.input.facts;
    const report = (ok: boolean, error: UpstreamError | undefined, ttft: number | null) => {
      entry.ms = Math.round(performance.now() - t0);
      router.report({ attempt, ok, error, latencyMs: entry.ms, ttftMs: ttft });
    };

    let call: PreparedCall;
    try {
      call = await getAdapter(attempt.provider.type).prepare({
        endpoint: x.match.endpoint as Exclude<ProxyEndpoint, 'models'>,
        provider: {
          id: attempt.provider.id,
          slug: attempt.provider.slug,
          type: attempt.provider.type,
          baseUrl: attempt.provider.baseUrl,
          config: attempt.provider.config,
        },
        upstreamModel: attempt.model.modelId,
        apiKey: attempt.apiKey,
        rawBody: x.raw,
        body: x.body,
        stream: facts.stream,
        now: d.now(),
        maxOutputTokens: attempt.model.maxOutputTokens,
        clientHeaders: x.match.format === 'anthropic' ? anthropicClientHeaders(x.req) : undefined,
      });
      if (call.dropped)
        d.logger.info(
          { provider: attempt.provider.slug, model: attempt.model.modelId, droppedTools: call.dropped.tools },
          'built-in tools dropped: the target has no equivalent',
        );
    } catch (err) {
      if (err instanceof AdapterError) {
        const error: UpstreamError = {
          status: err.status,
          kind: 'bad_request',
          code: err.code,
          message: err.message,
          retryAfterMs: null,
          retryable: false,
        };
        entry.status = err.status;
        entry.outcome = 'unsupported';
        entry.ms = Math.round(performance.now() - t0);
        return {
          kind: 'failed',
          error: { ...error, kind: err.status === 501 ? 'not_found' : 'bad_request' },
        };
      }
      throw err;
    }

    // One abortable per attempt, aborted by the client leaving or by the total time limit. A non-stream HTTP
    // call is read whole by a dispatch handler (no response stream or AbortSignal); streams and in-process
    // transports take the request API with an AbortController.
    const whole = !x.input.facts.stream && call.transport.kind === 'http' ? new WholeAnswer() : null;
    const controller = whole ? null : new AbortController();
    const attemptAbort: Abortable = whole ?? controller!;
    if (client.gone) attemptAbort.abort(new Error('client disconnected'));
    else client.attempt = attemptAbort;
    const timeouts = attemptTimeouts(d.timeouts, attempt.provider.timeouts, x.deadlineAt);
    const totalTimer = setTimeout(
      () => attemptAbort.abort(Object.assign(new Error('total time limit'), { name: 'TimeoutError' })),
      timeouts.totalMs,
    );
    try {
      if (whole && call.transport.kind === 'http') {
        const got = await whole.send(call.transport.request, d.dispatcher, timeouts);
        if (!got.ok) {
          entry.outcome = got.error.kind;
          report(false, got.error, null);
          return { kind: 'failed', error: got.error };
        }
        return answerWhole(x, attempt, call, got, debugSkipped, entry, report, t0, attemptNo);
      }
      return await runOpened(
        d,
        x,
        attempt,
        call,
        controller!.signal,
        timeouts,
        debugSkipped,
        entry,
        report,
        t0,
        attemptNo,
      );
    } finally {
      clearTimeout(totalTimer);
      if (client.attempt === attemptAbort) client.attempt = null;
    }
  }

  /** A whole upstream answer (non-stream): an error becomes a failed attempt; a success is decoded and sent. */
  function answerWhole(
    x: { res: ServerResponse; capture: BodyCapture | null; match: EndpointMatch },
    attempt: PlannedAttempt,
    call: PreparedCall,
    got: Extract<Fetched, { ok: true }>,
    debugSkipped: { ref: string; reason: string }[] | null,
    entry: AttemptLog,
    report: (ok: boolean, error: UpstreamError | undefined, ttft: number | null) => void,
    t0: number,
    attemptNo: number,
  ): AttemptResult {
    entry.status = got.status;
    const recovered = got.status >= 400 ? (call.recover?.(got.status) ?? null) : null;
    if (recovered) got = { ...got, status: 200, body: recovered };
    if (got.status >= 400) {
      const error = call.error(got.status, got.headers, got.body);
      entry.outcome = error.kind;
      report(false, error, null);
      return { kind: 'failed', error };
    }
    const ttft = Math.round(performance.now() - t0);
    let decoded;
    try {
      decoded = call.decode(got.body);
    } catch (err) {
      // The parser's message may quote the body: it goes to the log, never to the client.
      deps.logger.warn(
        {
          err: scrubSecrets(String((err as Error).message), attempt.apiKey),
          provider: attempt.provider.slug,
          model: attempt.model.modelId,
        },
        'upstream answer could not be decoded',
      );
      const error: UpstreamError = {
        status: 502,
        kind: 'server',
        code: 'bad_upstream_body',
        message: 'The upstream answer could not be read.',
        retryAfterMs: null,
        retryable: true,
      };
      entry.outcome = 'bad_body';
      report(false, error, ttft);
      return { kind: 'failed', error };
    }
    const out = typeof decoded.body === 'string' ? Buffer.from(decoded.body) : decoded.body;
    const res = x.res;
    res.writeHead(
      200,
      answerHeaders(attempt, attemptNo, debugSkipped, call, {
        'content-type': call.contentType,
        'content-length': out.length,
      }),
    );
    res.end(out);
    x.capture?.add(out);
    entry.outcome = 'ok';
    report(true, undefined, ttft);
    const costUsd =
      x.match.endpoint === 'models' || isBilled(x.match.endpoint)
        ? router.costOf(attempt.model, decoded.usage)
        : 0;
    return { kind: 'done', status: 200, usage: decoded.usage, costUsd, ttftMs: ttft, errorCode: null };
  }

  async function runOpened(
    d: ProxyDeps,
    x: {
      req: IncomingMessage;
      res: ServerResponse;
      match: EndpointMatch;
      input: PlanInput;
      raw: Buffer;
      body: Record<string, unknown>;
      started: number;
      deadlineAt: number;
      capture: BodyCapture | null;
    },
    attempt: PlannedAttempt,
    call: PreparedCall,
    signal: AbortSignal,
    timeouts: UpstreamTimeouts,
    debugSkipped: { ref: string; reason: string }[] | null,
    entry: AttemptLog,
    report: (ok: boolean, error: UpstreamError | undefined, ttft: number | null) => void,
    t0: number,
    attemptNo: number,
  ): Promise<AttemptResult> {
    const facts = x.input.facts;
    const opened = await openUpstream(call, d.dispatcher, signal, timeouts);
    if (!opened.ok) {
      entry.outcome = opened.error.kind;
      report(false, opened.error, null);
      return { kind: 'failed', error: opened.error };
    }
    if (!facts.stream) {
      // In-process transports (non-stream): read the body, then the same path as an HTTP answer.
      let body: Buffer;
      try {
        body = await readAll(opened.body);
      } catch (err) {
        if (opened.status >= 400) body = Buffer.alloc(0);
        else {
          const error = toNetworkError(err, signal);
          entry.status = opened.status;
          entry.outcome = error.kind;
          report(false, error, null);
          return { kind: 'failed', error };
        }
      }
      return answerWhole(
        x,
        attempt,
        call,
        { ok: true, status: opened.status, headers: opened.headers, body },
        debugSkipped,
        entry,
        report,
        t0,
        attemptNo,
      );
    }
    entry.status = opened.status;
    if (opened.status >= 400) {
      let errBody: Buffer;
      try {
        errBody = await readAll(opened.body);
      } catch {
        errBody = Buffer.alloc(0);
      }
      const error = call.error(opened.status, opened.headers, errBody);
      entry.outcome = error.kind;
      report(false, error, null);
      return { kind: 'failed', error };
    }
    const res = x.res;

    // Streaming: hold the client's headers until the first client bytes exist, so a stream that fails before
    // its first byte can still fall back; after that, bytes flow through as they arrive (backpressure: the
    // upstream is not read while the client socket is full).
    const t = call.streamTranslator();
    let started = false;
    let ttft: number | null = null;
    const iterator = opened.body[Symbol.asyncIterator]();
    // Set while our translator runs: its exceptions are the gateway's, not a cut upstream.
    let translating = false;
    try {
      for (;;) {
        const { value, done } = await iterator.next();
        if (done) break;
        translating = true;
        const piece = t.push(value);
        translating = false;
        if (t.fault && !started) {
          // Malformed or error-in-stream before anything reached the client: fall back.
          opened.abortBody();
          const error: UpstreamError = t.fault.error ?? {
            status: 502,
            kind: 'server',
            code: `stream_${t.fault.kind}`,
            message: t.fault.message,
            retryAfterMs: null,
            retryable: true,
          };
          entry.outcome = `stream_${t.fault.kind}`;
          report(false, error, null);
          return { kind: 'failed', error };
        }
        if (piece.length > 0) {
          if (!started) {
            started = true;
            ttft = Math.round(performance.now() - t0);
            res.writeHead(
              200,
              answerHeaders(attempt, attemptNo, debugSkipped, call, {
                'content-type': call.contentType,
                'cache-control': 'no-cache',
                'x-accel-buffering': 'no',
              }),
            );
          }
          x.capture?.add(piece);
          if (!res.write(piece)) await drained(res);
          if (res.destroyed) break;
        }
        // A fault after the first byte (malformed event, error event): what came before it was relayed; the
        // stream ends below with an error event, and the rest of the upstream body is not read.
        if (t.fault) {
          opened.abortBody();
          break;
        }
      }
    } catch (err) {
      if (translating) {
        opened.abortBody();
        throw err;
      }
      const error = toNetworkError(err, signal);
      if (!started) {
        entry.outcome = `stream_cut_before_first_byte`;
        report(false, error, null);
        return { kind: 'failed', error };
      }
      // Cut or stalled after the first byte: no fallback possible; the client gets what arrived, then an error
      // in its format (never a clean end that would pass truncated text off as a whole answer).
      entry.outcome = 'stream_cut';
      report(false, error, ttft);
      const tail =
        t.end() +
        t.errorEvent(
          error.kind === 'timeout' ? 'upstream_timeout' : 'stream_interrupted',
          `The upstream stream was interrupted: ${error.message}`,
        );
      if (!res.destroyed) res.end(tail);
      x.capture?.add(tail);
      const costUsd = router.costOf(attempt.model, t.usage);
      return {
        kind: 'done',
        status: 200,
        usage: t.usage,
        costUsd,
        ttftMs: ttft,
        errorCode: 'stream_interrupted',
      };
    }
    const tail = t.end();
    if (!started) {
      if (!t.contentEmitted && !tail) {
        const error: UpstreamError = t.fault?.error ?? {
          status: 502,
          kind: 'server',
          code: 'empty_stream',
          message: 'The upstream closed the stream before sending anything.',
          retryAfterMs: null,
          retryable: true,
        };
        entry.outcome = 'stream_empty';
        report(false, error, null);
        return { kind: 'failed', error };
      }
      started = true;
      ttft = Math.round(performance.now() - t0);
      res.writeHead(
        200,
        answerHeaders(attempt, attemptNo, debugSkipped, call, {
          'content-type': call.contentType,
          'cache-control': 'no-cache',
        }),
      );
    }
    const faulted = t.fault !== null || !t.finished;
    // An upstream that ended without finishing (or sent a fault) after the first byte: an error event ends it.
    // The upstream's own error text (scrubbed of credentials where it was parsed) says why, when it sent one.
    const why = t.fault?.error?.message ?? t.fault?.message ?? 'truncated';
    const closing = faulted
      ? tail + t.errorEvent('stream_interrupted', `The upstream stream ended before it finished: ${why}`)
      : tail;
    if (!res.destroyed) res.end(closing);
    x.capture?.add(closing);
    entry.outcome = faulted ? `stream_${t.fault?.kind ?? 'truncated'}` : 'ok';
    report(
      !faulted,
      faulted
        ? {
            status: 502,
            kind: 'server',
            code: 'stream_fault',
            message: t.fault?.message ?? 'truncated',
            retryAfterMs: null,
            retryable: false,
          }
        : undefined,
      ttft,
    );
    const costUsd = router.costOf(attempt.model, t.usage);
    return {
      kind: 'done',
      status: 200,
      usage: t.usage,
      costUsd,
      ttftMs: ttft,
      errorCode: faulted ? 'stream_interrupted' : null,
    };
  }
}

/**
 * One attempt's time limits: the provider's own (config.timeouts) or the server's, with the first-byte limit cut
 * to what is left of the request's deadline (so retries and fallbacks together never hold a client longer).
 */
function attemptTimeouts(
  server: UpstreamTimeouts,
  own: LoadedProvider['timeouts'],
  deadlineAt: number,
): UpstreamTimeouts {
  const left = Math.max(1, Math.floor(deadlineAt - performance.now()));
  return {
    connectMs: server.connectMs,
    firstByteMs: Math.min(own?.firstByteMs ?? server.firstByteMs, left),
    idleMs: own?.idleMs ?? server.idleMs,
    totalMs: own?.totalMs ?? server.totalMs,
  };
}

function formatBytes(n: number): string {
  return n >= 1024 * 1024 && n % (1024 * 1024) === 0
    ? `${n / 1024 / 1024} MiB`
    : `${Math.round(n / 1024)} KiB`;
}

/** A successful answer's head: the given headers plus which provider and model answered, after how many attempts. */
function answerHeaders(
  attempt: PlannedAttempt,
  attemptNo: number,
  debugSkipped: { ref: string; reason: string }[] | null,
  call: PreparedCall,
  headers: Record<string, string | number>,
): Record<string, string | number> {
  if (call.dropped) headers['x-switchyard-dropped-tools'] = call.dropped.tools.join(', ');
  headers['x-switchyard-provider'] = attempt.provider.slug;
  headers['x-switchyard-model'] = attempt.model.modelId;
  headers['x-switchyard-attempts'] = attemptNo;
  if (debugSkipped) headers['x-switchyard-skipped'] = skippedHeader(debugSkipped);
  return headers;
}

function skippedHeader(skipped: { ref: string; reason: string }[]): string {
  return skipped
    .slice(0, 20)
    .map((s) => `${s.ref}=${s.reason}`)
    .join(', ')
    .replace(/[^\x20-\x7e]/g, '?');
}

export type { ClientFormat };
