import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Dispatcher } from 'undici';
import type { AttemptLog, ClientFacts, UsageOutcome } from '@switchyard/core';
import type { Logger } from '../lib/logger.js';
import type { Metrics } from '../lib/metrics.js';
import { getAdapter } from '../providers/index.js';
import { AdapterError, type PreparedCall, type UpstreamError, type Usage } from '../providers/types.js';
import type { LoadedConfig } from '../routing/load-config.js';
import { presentedKey, resolveCaller, type ProxyCaller } from './caller.js';
import { sendClientError, type ClientError, type ClientFormat } from './client-errors.js';
import { formatForPath, matchEndpoint, type EndpointMatch, type ProxyEndpoint } from './endpoints.js';
import { BodyTooLargeError, readBody } from './read-body.js';
import { RequestShapeError, requestFacts, type RequestFacts } from './request-facts.js';
import type { PlannedAttempt, PlanInput, Router } from './types.js';
import { openUpstream, readAll, toNetworkError, WholeAnswer, type Abortable, type Fetched, type UpstreamTimeouts } from './upstream.js';
import { listModelsForCaller } from './models-list.js';
import { BodyCapture, bodiesForLog } from './body-log.js';
import { drained } from '../lib/drained.js';
import { clientOf } from './client-tool.js';

/** One usage record per proxy request (the batch writer stores it off the hot path). */
export interface ProxyUsage extends UsageOutcome {
  createdAt: Date;
  requestId: string;
  gatewayKeyId: string | null;
  userId: string | null;
  orgId: string | null;
  appId: string | null;
  endpoint: string;
  requestedModel: string;
  providerId: string | null;
  providerSlug: string | null;
  modelId: string | null;
  trace: unknown;
  /** Which tool made the call (user-agent, app, originator, session); absent on rows not made by the proxy. */
  client?: ClientFacts | null;
}

export interface ProxyDeps {
  config: () => LoadedConfig;
  router: Router;
  dispatcher: Dispatcher;
  timeouts: UpstreamTimeouts;
  bodyLimit: number;
  masterKey: string | undefined;
  record: (u: ProxyUsage) => void;
  metrics: Metrics;
  logger: Logger;
  now: () => number;
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

  return async function handleProxy(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = performance.now();
    const requestId = (req.headers['x-request-id'] as string | undefined)?.slice(0, 100) || randomUUID();
    res.setHeader('x-request-id', requestId);
    const url = req.url ?? '/';
    const match = matchEndpoint(req.method ?? 'GET', url);
    if (match === null || match === 'method-not-allowed') {
      req.resume();
      const status = match === null ? 404 : 405;
      sendClientError(res, formatForPath(url), {
        status,
        code: status === 404 ? 'unknown_endpoint' : 'method_not_allowed',
        message: status === 404 ? `No proxy endpoint ${req.method} ${url.split('?')[0]}.` : `${req.method} is not allowed on ${url.split('?')[0]}.`,
      });
      return;
    }
    const format = match.format;
    const config = deps.config();
    const auth = resolveCaller(presentedKey(req), config, deps.masterKey, deps.now());
    if (!auth.ok) {
      req.resume();
      sendClientError(res, format, { status: auth.status, code: auth.code, message: auth.message });
      return;
    }
    const caller = auth.caller;

    if (match.endpoint === 'models') {
      req.resume();
      const body = JSON.stringify(listModelsForCaller(config, caller, format, deps.now()));
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
      res.end(body);
      return;
    }

    let raw: Buffer;
    try {
      raw = await readBody(req, deps.bodyLimit);
    } catch (err) {
      const e: ClientError =
        err instanceof BodyTooLargeError
          ? { status: 413, code: 'request_too_large', message: `The request body is larger than the ${Math.round(deps.bodyLimit / 1024)} KiB limit.` }
          : { status: 400, code: 'bad_request', message: 'The request body could not be read.' };
      sendClientError(res, format, e, { connection: 'close' });
      return;
    }
    let body: unknown;
    try {
      body = JSON.parse(raw.toString('utf8'));
    } catch {
      sendClientError(res, format, { status: 400, code: 'invalid_json', message: 'The request body is not valid JSON.' });
      return;
    }
    let facts: RequestFacts;
    try {
      facts = requestFacts(match.endpoint, body, raw.length);
    } catch (err) {
      if (err instanceof RequestShapeError) {
        sendClientError(res, format, { status: 400, code: 'invalid_request', message: err.message, param: err.param });
        return;
      }
      throw err;
    }

    const input: PlanInput = { endpoint: match.endpoint, facts, caller };
    const client = clientOf(req, body);
    await execute(deps, { req, res, match, input, raw, body: body as Record<string, unknown>, requestId, started, caller, capture: null, client });
  };

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

    const finish = (u: Partial<ProxyUsage> & { status: number }) => {
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
        trace: capture ? { plan: plan.trace, attempts: attemptsLog, bodies: bodiesForLog(x.raw, capture) } : { plan: plan.trace, attempts: attemptsLog },
        client: x.client,
        ...u,
      };
      d.record(record);
      const provider = record.providerSlug ?? 'none';
      const model = record.modelId ?? 'none';
      metrics.proxyRequests.add(1, endpointLabel, provider, model, String(record.status));
      metrics.proxyLatency.observe({ endpoint: endpointLabel, provider }, latencyMs / 1000);
      if (record.ttftMs !== null) metrics.proxyTtft.observe({ endpoint: endpointLabel, provider }, record.ttftMs / 1000);
      if (record.tokensIn || record.tokensOut) {
        metrics.tokens.add(record.tokensIn, provider, model, 'in');
        metrics.tokens.add(record.tokensOut, provider, model, 'out');
      }
      if (record.costUsd > 0) metrics.cost.add(record.costUsd, provider, model);
    };

    for (const s of plan.skipped) metrics.skips.inc({ reason: s.reason });

    if (!plan.ok) {
      const headers: Record<string, string> = {};
      if (plan.retryAfterMs !== undefined) headers['retry-after'] = String(Math.max(1, Math.ceil(plan.retryAfterMs / 1000)));
      if (settings.debugHeaders) headers['x-switchyard-skipped'] = skippedHeader(plan.skipped);
      // Not `capture?.add(sendClientError(...))`: with no capture that would skip sending the answer.
      const sent = sendClientError(res, format, { status: plan.status, code: plan.code, message: plan.message, headers });
      capture?.add(sent);
      finish({ status: plan.status, errorCode: plan.code });
      return;
    }

    let lastError: { status: number; code: string; message: string; retryAfterMs?: number } | null = null;
    const maxAttempts = Math.max(1, settings.maxAttempts);
    let tried = 0;
    let used = 0;
    let queue = plan.attempts;

    while (queue.length > 0 && tried < maxAttempts && !client.gone) {
      const attempt = queue[0]!;
      queue = queue.slice(1);
      const admission = await router.admit(attempt, input);
      if (!admission.ok) {
        attemptsLog.push({ provider: attempt.provider.slug, model: attempt.model.modelId, key: attempt.keySource, status: admission.status, outcome: `skipped:${admission.code}`, ms: 0 });
        lastError = admission;
        continue;
      }
      tried++;
      let retries = 0;
      let fellBack = false;
      // Same-target retries (bounded by the classification table), then the next attempt.
      while (!fellBack) {
        used++;
        const result = await runAttempt(d, x, attempt, client, settings.debugHeaders ? plan.skipped : null, attemptsLog, used);
        if (result.kind === 'done') {
          admission.release({ costUsd: result.costUsd, tokens: result.usage.inputTokens + result.usage.outputTokens });
          finish({
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
          });
          return;
        }
        // Failed before anything reached the client.
        const decision = router.decide(result.error, { attempt, retriesOnThisTarget: retries, afterFirstByte: false });
        attemptsLog[attemptsLog.length - 1]!.outcome = `${result.error.kind}:${decision.action}`;
        lastError = clientErrorFromUpstream(result.error, attempt);
        if (decision.action === 'retry' && !client.gone) {
          retries++;
          metrics.retries.inc({ provider: attempt.provider.slug });
          if (decision.delayMs > 0) await sleep(decision.delayMs);
          continue;
        }
        admission.release(null);
        if (decision.action === 'stop') return failRequest(lastError);
        if (decision.needLargerContext) {
          const window = attempt.model.contextWindow;
          if (window !== null) queue = queue.filter((a) => a.model.contextWindow === null || a.model.contextWindow > window);
        }
        metrics.fallbacks.inc({ from_provider: attempt.provider.slug, reason: result.error.kind });
        fellBack = true;
      }
    }
    if (client.gone) {
      finish({ status: 499, errorCode: 'client_closed' });
      return;
    }
    return failRequest(
      lastError ?? { status: 503, code: 'no_attempt', message: `No provider could be tried for "${facts.model}".` },
      true,
    );

    function failRequest(err: { status: number; code: string; message: string; retryAfterMs?: number }, exhausted = false) {
      const status = exhausted && err.status < 500 && err.status !== 429 && err.status !== 402 ? 502 : err.status;
      const headers: Record<string, string> = { 'x-switchyard-attempts': String(attemptsLog.length) };
      if (err.retryAfterMs !== undefined) headers['retry-after'] = String(Math.max(1, Math.ceil(err.retryAfterMs / 1000)));
      const message = exhausted && attemptsLog.length > 1 ? `All ${attemptsLog.length} attempts failed. Last: ${err.message}` : err.message;
      const sent = sendClientError(res, format, { status, code: err.code, message, headers });
      capture?.add(sent);
      const last = attemptsLog.at(-1);
      finish({
        status,
        errorCode: err.code,
        providerSlug: last?.provider ?? null,
        providerId: plan.ok ? (plan.attempts.find((a) => a.provider.slug === last?.provider)?.provider.id ?? null) : null,
        modelId: last?.model ?? null,
      });
    }
  }

  type AttemptResult =
    | { kind: 'done'; status: number; usage: Usage; costUsd: number; ttftMs: number | null; errorCode: string | null }
    | { kind: 'failed'; error: UpstreamError };

  async function runAttempt(
    d: ProxyDeps,
    x: { res: ServerResponse; match: EndpointMatch; input: PlanInput; raw: Buffer; body: Record<string, unknown>; started: number; capture: BodyCapture | null },
    attempt: PlannedAttempt,
    client: ClientState,
    debugSkipped: { ref: string; reason: string }[] | null,
    log: AttemptLog[],
    attemptNo: number,
  ): Promise<AttemptResult> {
    const t0 = performance.now();
    const entry: AttemptLog = { provider: attempt.provider.slug, model: attempt.model.modelId, key: attempt.keySource, status: 0, outcome: 'pending', ms: 0 };
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
        provider: { id: attempt.provider.id, slug: attempt.provider.slug, type: attempt.provider.type, baseUrl: attempt.provider.baseUrl, config: attempt.provider.config },
        upstreamModel: attempt.model.modelId,
        apiKey: attempt.apiKey,
        rawBody: x.raw,
        body: x.body,
        stream: facts.stream,
        now: d.now(),
      });
    } catch (err) {
      if (err instanceof AdapterError) {
        const error: UpstreamError = { status: err.status, kind: 'bad_request', code: err.code, message: err.message, retryAfterMs: null, retryable: false };
        entry.status = err.status;
        entry.outcome = 'unsupported';
        entry.ms = Math.round(performance.now() - t0);
        return { kind: 'failed', error: { ...error, kind: err.status === 501 ? 'not_found' : 'bad_request' } };
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
    const totalTimer = setTimeout(() => attemptAbort.abort(Object.assign(new Error('total time limit'), { name: 'TimeoutError' })), d.timeouts.totalMs);
    try {
      if (whole && call.transport.kind === 'http') {
        const got = await whole.send(call.transport.request, d.dispatcher, d.timeouts);
        if (!got.ok) {
          entry.outcome = got.error.kind;
          report(false, got.error, null);
          return { kind: 'failed', error: got.error };
        }
        return answerWhole(x, attempt, call, got, debugSkipped, entry, report, t0, attemptNo);
      }
      return await runOpened(d, x, attempt, call, controller!.signal, debugSkipped, entry, report, t0, attemptNo);
    } finally {
      clearTimeout(totalTimer);
      if (client.attempt === attemptAbort) client.attempt = null;
    }
  }

  /** A whole upstream answer (non-stream): an error becomes a failed attempt; a success is decoded and sent. */
  function answerWhole(
    x: { res: ServerResponse; capture: BodyCapture | null },
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
      const error: UpstreamError = { status: 502, kind: 'server', code: 'bad_upstream_body', message: `The upstream answer could not be read: ${(err as Error).message}`, retryAfterMs: null, retryable: true };
      entry.outcome = 'bad_body';
      report(false, error, ttft);
      return { kind: 'failed', error };
    }
    const out = typeof decoded.body === 'string' ? Buffer.from(decoded.body) : decoded.body;
    const res = x.res;
    res.writeHead(200, answerHeaders(attempt, attemptNo, debugSkipped, { 'content-type': call.contentType, 'content-length': out.length }));
    res.end(out);
    x.capture?.add(out);
    entry.outcome = 'ok';
    report(true, undefined, ttft);
    const costUsd = router.costOf(attempt.model, decoded.usage);
    return { kind: 'done', status: 200, usage: decoded.usage, costUsd, ttftMs: ttft, errorCode: null };
  }

  async function runOpened(
    d: ProxyDeps,
    x: { res: ServerResponse; match: EndpointMatch; input: PlanInput; raw: Buffer; body: Record<string, unknown>; started: number; capture: BodyCapture | null },
    attempt: PlannedAttempt,
    call: PreparedCall,
    signal: AbortSignal,
    debugSkipped: { ref: string; reason: string }[] | null,
    entry: AttemptLog,
    report: (ok: boolean, error: UpstreamError | undefined, ttft: number | null) => void,
    t0: number,
    attemptNo: number,
  ): Promise<AttemptResult> {
    const facts = x.input.facts;
    const opened = await openUpstream(call, d.dispatcher, signal, d.timeouts);
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
      return answerWhole(x, attempt, call, { ok: true, status: opened.status, headers: opened.headers, body }, debugSkipped, entry, report, t0, attemptNo);
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
    try {
      for (;;) {
        const { value, done } = await iterator.next();
        if (done) break;
        const piece = t.push(value);
        if (t.fault && !started) {
          // Malformed or error-in-stream before anything reached the client: fall back.
          opened.abortBody();
          const error: UpstreamError = t.fault.error ?? { status: 502, kind: 'server', code: `stream_${t.fault.kind}`, message: t.fault.message, retryAfterMs: null, retryable: true };
          entry.outcome = `stream_${t.fault.kind}`;
          report(false, error, null);
          return { kind: 'failed', error };
        }
        if (piece.length === 0) continue;
        if (!started) {
          started = true;
          ttft = Math.round(performance.now() - t0);
          res.writeHead(200, answerHeaders(attempt, attemptNo, debugSkipped, { 'content-type': call.contentType, 'cache-control': 'no-cache', 'x-accel-buffering': 'no' }));
        }
        x.capture?.add(piece);
        if (!res.write(piece)) await drained(res);
        if (res.destroyed) break;
      }
    } catch (err) {
      const error = toNetworkError(err, signal);
      if (!started) {
        entry.outcome = `stream_cut_before_first_byte`;
        report(false, error, null);
        return { kind: 'failed', error };
      }
      // Cut after the first byte: no fallback possible; end the client stream with what arrived.
      entry.outcome = 'stream_cut';
      report(false, error, ttft);
      const tail = t.end();
      if (tail && !res.destroyed) res.write(tail);
      x.capture?.add(tail);
      res.end();
      const costUsd = router.costOf(attempt.model, t.usage);
      return { kind: 'done', status: 200, usage: t.usage, costUsd, ttftMs: ttft, errorCode: 'stream_interrupted' };
    }
    const tail = t.end();
    if (!started) {
      if (!t.contentEmitted && !tail) {
        const error: UpstreamError = t.fault?.error ?? { status: 502, kind: 'server', code: 'empty_stream', message: 'The upstream closed the stream before sending anything.', retryAfterMs: null, retryable: true };
        entry.outcome = 'stream_empty';
        report(false, error, null);
        return { kind: 'failed', error };
      }
      started = true;
      ttft = Math.round(performance.now() - t0);
      res.writeHead(200, answerHeaders(attempt, attemptNo, debugSkipped, { 'content-type': call.contentType, 'cache-control': 'no-cache' }));
    }
    if (!res.destroyed) res.end(tail);
    x.capture?.add(tail);
    const faulted = t.fault !== null || !t.finished;
    entry.outcome = faulted ? `stream_${t.fault?.kind ?? 'truncated'}` : 'ok';
    report(!faulted, faulted ? { status: 502, kind: 'server', code: 'stream_fault', message: t.fault?.message ?? 'truncated', retryAfterMs: null, retryable: false } : undefined, ttft);
    const costUsd = router.costOf(attempt.model, t.usage);
    return { kind: 'done', status: 200, usage: t.usage, costUsd, ttftMs: ttft, errorCode: faulted ? 'stream_interrupted' : null };
  }
}

/** A successful answer's head: the given headers plus which provider and model answered, after how many attempts. */
function answerHeaders(
  attempt: PlannedAttempt,
  attemptNo: number,
  debugSkipped: { ref: string; reason: string }[] | null,
  headers: Record<string, string | number>,
): Record<string, string | number> {
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

function clientErrorFromUpstream(e: UpstreamError, attempt: PlannedAttempt): { status: number; code: string; message: string; retryAfterMs?: number } {
  const where = `${attempt.provider.slug}/${attempt.model.modelId}`;
  switch (e.kind) {
    case 'timeout':
      return { status: 504, code: 'upstream_timeout', message: `${where}: ${e.message}` };
    case 'network':
      return { status: 502, code: 'upstream_unreachable', message: `${where}: ${e.message}` };
    case 'rate_limit':
      return { status: 429, code: 'upstream_rate_limited', message: `${where} is rate limited: ${e.message}`, ...(e.retryAfterMs !== null ? { retryAfterMs: e.retryAfterMs } : {}) };
    case 'context_window':
      return { status: 400, code: 'context_length_exceeded', message: `${where}: ${e.message}` };
    case 'policy':
      return { status: 400, code: 'content_policy', message: `${where}: ${e.message}` };
    case 'bad_request':
      return { status: e.status >= 400 && e.status < 500 ? e.status : 400, code: e.code ?? 'invalid_request', message: `${where}: ${e.message}` };
    case 'auth':
      return { status: 502, code: 'upstream_auth_failed', message: `${where} rejected the provider credentials.` };
    case 'billing':
      return { status: 502, code: 'upstream_billing', message: `${where}: the provider account is out of credit or quota.` };
    case 'model_not_found':
      return { status: 502, code: 'upstream_model_not_found', message: `${where}: the provider does not know this model.` };
    default:
      return { status: 502, code: 'upstream_error', message: `${where}: ${e.message}` };
  }
}

export type { ClientFormat };
