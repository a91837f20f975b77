import { isBilled } from '@switchyard/core';
import { errorInAnswer, forModel, getAdapter, scrubSecrets } from '../providers/index.js';
import { AdapterError, FailedAnswer, type PreparedCall, type UpstreamError } from '../providers/types.js';
import type { LoadedEndpoint, LoadedProvider } from '../router/load-config.js';
import type { PlannedAttempt, ProxyEndpoint } from '../router/types.js';
import { answerHeaders } from './answer-headers.js';
import { anthropicClientHeaders } from './client-headers.js';
import type { AttemptResult, AttemptRun, ProxyDeps, RequestContext } from './context.js';
import { attemptFailed, reportAttempt, startAttempt } from './record.js';
import { restoreWhole } from './protect.js';
import { relayStream } from './relay.js';
import { callerKeyConfig } from '../providers/credentials.js';
import { scanTopLevel } from '../translate/json-fast.js';
import { IterableStream, StreamAnswer } from './stream-answer.js';
import {
  openLocal,
  readAll,
  toNetworkError,
  WholeAnswer,
  type Abortable,
  type Fetched,
  type UpstreamTimeouts,
} from './upstream.js';

type Prepared = { ok: true; call: PreparedCall } | { ok: false; result: AttemptResult };

/**
 * One call to one target: prepare the upstream request, then either a whole answer (non-stream) or an opened
 * stream relayed to the client. Fails (for the executor to retry or fall back) only before anything reached the
 * client.
 */
export async function runAttempt(
  d: ProxyDeps,
  x: RequestContext,
  attempt: PlannedAttempt,
  attemptNo: number,
  endpoint?: LoadedEndpoint,
  /** The output cap to send when the request set none (its limits reserved this much: Admission.outputCap). */
  outputCap: number | null = null,
): Promise<AttemptResult> {
  const run = startAttempt(x, attempt, attemptNo);
  if (endpoint) run.entry.endpoint = endpointLabel(endpoint.baseUrl);
  const prepared = await prepareCall(d, x, run, endpoint?.baseUrl ?? attempt.provider.baseUrl, outputCap);
  if (!prepared.ok) return prepared.result;
  const call = prepared.call;

  // One abortable per attempt, aborted by the client leaving or by the total time limit. An HTTP call goes
  // through a dispatch handler (no response stream, async iterator or AbortSignal): read whole, or relayed as it
  // streams. In-process transports take an AbortController.
  const transport = call.transport;
  const whole = transport.kind === 'http' && !x.input.facts.stream ? new WholeAnswer() : null;
  const streamed = transport.kind === 'http' && x.input.facts.stream ? new StreamAnswer() : null;
  const controller = whole || streamed ? null : new AbortController();
  const abortable: Abortable = whole ?? streamed ?? controller!;
  const connection = x.connection;
  if (connection.gone) abortable.abort(new Error('client disconnected'));
  else connection.attempt = abortable;
  const timeouts = attemptTimeouts(d.timeouts, attempt.provider.timeouts, x.deadlineAt);
  const totalTimer = setTimeout(
    () => abortable.abort(Object.assign(new Error('total time limit'), { name: 'TimeoutError' })),
    timeouts.totalMs,
  );
  try {
    if (transport.kind === 'http') {
      if (whole) {
        const got = await whole.send(transport.request, d.dispatcher, timeouts);
        if (!got.ok)
          return abandonedIf(
            whole.sent && clientLeft(x),
            attemptFailed(d, run, got.error.kind, blamed(got.error, timeouts)),
          );
        return answerWhole(d, x, run, call, got);
      }
      const head = await streamed!.open(transport.request, d.dispatcher, timeouts);
      if (!head.ok)
        return abandonedIf(
          streamed!.sent && clientLeft(x),
          attemptFailed(d, run, head.error.kind, blamed(head.error, timeouts)),
        );
      run.entry.status = head.status;
      if (head.body) {
        const error = call.error(head.status, head.headers, head.body);
        return attemptFailed(d, run, error.kind, error);
      }
      // A stream the client left before anything was relayed (the provider had the prompt) is abandoned too.
      const relayed = await relayStream(d, x, run, call, streamed!);
      return abandonedIf(clientLeft(x), relayed);
    }
    return await runLocal(d, x, run, call, transport, controller!.signal);
  } finally {
    clearTimeout(totalTimer);
    if (connection.attempt === abortable) connection.attempt = null;
  }
}

/** The client is gone (its socket may be destroyed a moment before its response's 'close' marks it gone). */
export function clientLeft(x: RequestContext): boolean {
  return x.connection.gone || x.res.destroyed;
}

/** A failure the client caused by leaving while the call was at the provider (see AttemptResult). */
function abandonedIf(abandoned: boolean, r: AttemptResult): AttemptResult {
  if (abandoned && r.kind === 'failed') r.abandoned = true;
  return r;
}

/** The adapter builds the upstream request; a request it cannot express for this target fails the attempt. */
async function prepareCall(
  d: ProxyDeps,
  x: RequestContext,
  run: AttemptRun,
  baseUrl: string | null,
  outputCap: number | null,
): Promise<Prepared> {
  const attempt = run.attempt;
  const endpoint = x.match.endpoint as Exclude<ProxyEndpoint, 'models'>;
  // The model's default parameters the request does not set (nothing to do, and no copy, for most models). A request
  // without a cap whose budgets or token limits reserved one goes with that cap (core's heldOutputCap: only for a
  // model with no default cap of its own).
  const own = attempt.model.params;
  if (outputCap !== null) x.capHeld = true;
  const params = outputCap !== null ? { ...own, max_tokens: outputCap } : own;
  // baseModel: the model the config says this upstream id serves (an ARN, a deployment name), for recognising it.
  const { body: withParams, baseModel } = forModel(
    endpoint,
    x.body,
    params,
    attempt.provider.type,
    attempt.model.modelId,
  );
  try {
    const call = await getAdapter(attempt.provider.type).prepare({
      endpoint,
      provider: {
        id: attempt.provider.id,
        slug: attempt.provider.slug,
        type: attempt.provider.type,
        baseUrl,
        // A user's or an organization's key pays: never completed with the provider's own credentials.
        config:
          attempt.keySource === 'provider'
            ? attempt.provider.config
            : callerKeyConfig(attempt.provider.config),
      },
      upstreamModel: attempt.model.modelId,
      baseModel,
      apiKey: attempt.apiKey,
      rawBody: withParams ? Buffer.from(JSON.stringify(withParams)) : x.raw,
      body: withParams ?? x.body,
      stream: x.input.facts.stream,
      now: d.now(),
      maxOutputTokens: attempt.model.maxOutputTokens,
      clientHeaders: x.match.format === 'anthropic' ? anthropicClientHeaders(x.req) : undefined,
    });
    // Tracing: the provider sees this attempt's span as its parent.
    if (run.span && call.transport.kind === 'http')
      call.transport.request.headers.traceparent = run.span.traceparent;
    if (call.dropped)
      d.logger.info(
        { provider: attempt.provider.slug, model: attempt.model.modelId, droppedTools: call.dropped.tools },
        'built-in tools dropped: the target has no equivalent',
      );
    if (call.changedParams)
      d.logger.info(
        { provider: attempt.provider.slug, model: attempt.model.modelId, changedParams: call.changedParams },
        'parameters changed: the target refuses them as sent',
      );
    return { ok: true, call };
  } catch (err) {
    if (!(err instanceof AdapterError)) throw err;
    run.entry.status = err.status;
    run.entry.outcome = 'unsupported';
    run.entry.ms = Math.round(performance.now() - run.t0);
    const error: UpstreamError = {
      status: err.status,
      kind: err.status === 501 ? 'not_found' : 'bad_request',
      code: err.code,
      message: err.message,
      retryAfterMs: null,
      retryable: false,
    };
    return { ok: false, result: { kind: 'failed', error } };
  }
}

/** An in-process transport (the built-in mock): its body is read whole, or relayed like an HTTP stream. */
async function runLocal(
  d: ProxyDeps,
  x: RequestContext,
  run: AttemptRun,
  call: PreparedCall,
  transport: Extract<PreparedCall['transport'], { kind: 'local' }>,
  signal: AbortSignal,
): Promise<AttemptResult> {
  const opened = await openLocal(transport, signal);
  if (!opened.ok) return attemptFailed(d, run, opened.error.kind, opened.error);
  if (!x.input.facts.stream) {
    let body: Buffer;
    try {
      body = await readAll(opened.body);
    } catch (err) {
      if (opened.status >= 400) body = Buffer.alloc(0);
      else {
        const error = toNetworkError(err, signal);
        run.entry.status = opened.status;
        return attemptFailed(d, run, error.kind, error);
      }
    }
    return answerWhole(d, x, run, call, { ok: true, status: opened.status, headers: opened.headers, body });
  }
  run.entry.status = opened.status;
  if (opened.status >= 400) {
    let errBody: Buffer;
    try {
      errBody = await readAll(opened.body);
    } catch {
      errBody = Buffer.alloc(0);
    }
    const error = call.error(opened.status, opened.headers, errBody);
    return attemptFailed(d, run, error.kind, error);
  }
  return relayStream(d, x, run, call, new IterableStream(opened.body, opened.abortBody, signal));
}

/** A whole upstream answer (non-stream): an error becomes a failed attempt; a success is decoded and sent. */
function answerWhole(
  d: ProxyDeps,
  x: RequestContext,
  run: AttemptRun,
  call: PreparedCall,
  got: Extract<Fetched, { ok: true }>,
): AttemptResult {
  run.entry.status = got.status;
  const recovered = got.status >= 400 ? (call.recover?.(got.status) ?? null) : null;
  if (recovered) got = { ...got, status: 200, body: recovered };
  if (got.status >= 400) {
    const error = call.error(got.status, got.headers, got.body);
    return attemptFailed(d, run, error.kind, error);
  }
  const ttft = Math.round(performance.now() - run.t0);
  // A failure sent with a 2xx (`{"error": …}` and no answer): a failed attempt like the same error with its status,
  // so it falls back, counts toward the provider's health and is not billed, rather than reaching the client (and
  // the response cache) as an answer.
  const inAnswer = errorInAnswer(got.body);
  if (inAnswer) {
    const error = call.error(inAnswer.status, got.headers, got.body);
    return attemptFailed(d, run, error.kind, error, ttft);
  }
  let decoded;
  try {
    decoded = call.decode(got.body);
  } catch (err) {
    // An answer that is a failure all the same (a turn the upstream stopped as malformed): a failed attempt.
    // The provider may have billed it (it says so with usage): the request is charged it all the same.
    if (err instanceof FailedAnswer)
      return attemptFailed(
        d,
        run,
        err.error.code ?? err.error.kind,
        err.error,
        ttft,
        err.usage && billedEndpoint(x) ? err.usage : undefined,
      );
    // The parser's message may quote the body: it goes to the log, never to the client.
    d.logger.warn(
      {
        err: scrubSecrets(String((err as Error).message), run.attempt.apiKey),
        provider: run.attempt.provider.slug,
        model: run.attempt.model.modelId,
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
    return attemptFailed(d, run, 'bad_body', error, ttft);
  }
  let out = typeof decoded.body === 'string' ? Buffer.from(decoded.body) : decoded.body;
  // The log keeps what the provider saw (placeholders); the client gets its values back.
  x.capture?.add(out);
  if (x.dlp?.answer) out = restoreWhole(x.dlp.answer, out, x.dlp.ctx);
  x.res.writeHead(
    200,
    answerHeaders(x, run, call, { 'content-type': call.contentType, 'content-length': out.length }),
  );
  x.res.end(out);
  run.entry.outcome = 'ok';
  reportAttempt(d, run, true, undefined, ttft);
  const costUsd = billedEndpoint(x) ? d.router.costOf(run.attempt.model, decoded.usage) : 0;
  return {
    kind: 'done',
    status: 200,
    usage: decoded.usage,
    costUsd,
    ttftMs: ttft,
    errorCode: null,
    finishReason: decoded.finishReason ?? null,
    responseId: x.match.endpoint === 'responses' ? responseIdOf(out) : null,
  };
}

/** A Responses answer's top-level `id` (what a later `previous_response_id` names), or null. */
function responseIdOf(body: Buffer): string | null {
  const f = scanTopLevel(body, ['id'])?.get('id');
  if (!f || f.end - f.start > 300) return null;
  try {
    const id: unknown = JSON.parse(body.toString('utf8', f.start, f.end));
    return typeof id === 'string' ? id : null;
  } catch {
    return null;
  }
}

/** Whether the endpoint's calls are billed by their tokens. */
function billedEndpoint(x: RequestContext): boolean {
  const endpoint = x.match.endpoint;
  return endpoint === 'models' || isBilled(endpoint);
}

/** An attempt's time limits, and whether the first-byte one was cut short by the request's deadline. */
interface AttemptTimeouts extends UpstreamTimeouts {
  readonly firstByteCut: boolean;
}

/**
 * One attempt's time limits: the provider's own (config.timeouts) or the server's, with the first-byte limit cut
 * to what is left of the request's deadline (so retries and fallbacks together never hold a client longer).
 */
function attemptTimeouts(
  server: UpstreamTimeouts,
  own: LoadedProvider['timeouts'],
  deadlineAt: number,
): AttemptTimeouts {
  const left = Math.max(1, Math.floor(deadlineAt - performance.now()));
  const firstByteMs = own?.firstByteMs ?? server.firstByteMs;
  return {
    connectMs: server.connectMs,
    firstByteMs: Math.min(firstByteMs, left),
    firstByteCut: left < firstByteMs,
    idleMs: own?.idleMs ?? server.idleMs,
    totalMs: own?.totalMs ?? server.totalMs,
  };
}

/**
 * A failed call as the router weighs it: a first-byte timeout at a limit the request's deadline cut short is the
 * request's time running out (a slow upload, slow earlier attempts), not the target failing to answer within its
 * own limit, so it is marked to count toward no circuit and no cooldown.
 */
function blamed(error: UpstreamError, timeouts: AttemptTimeouts): UpstreamError {
  return timeouts.firstByteCut && error.timeoutLimit === 'first_byte'
    ? { ...error, deadlineCut: true }
    : error;
}

/** How an endpoint shows in the attempt list: its host and path (never a query string), or "default". */
export function endpointLabel(baseUrl: string | null): string {
  if (!baseUrl) return 'default';
  try {
    const u = new URL(baseUrl);
    return `${u.host}${u.pathname.replace(/\/+$/, '')}`;
  } catch {
    return 'invalid';
  }
}
