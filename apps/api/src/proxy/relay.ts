import { scrubAccountIds } from '../providers/index.js';
import type { PreparedCall, StreamTranslator, UpstreamError } from '../providers/types.js';
import { answerHeaders } from './answer-headers.js';
import type { AttemptResult, AttemptRun, ProxyDeps, RequestContext } from './context.js';
import type { BodyCapture } from './body-log.js';
import { restoringTranslator, streamReasoningSigned } from './protect.js';
import { attemptFailed, reportAttempt } from './record.js';
import type { StreamSource } from './stream-answer.js';

/** A stream being relayed: the translator, whether the client's head went out, and when. */
interface Relay {
  readonly t: StreamTranslator;
  /** Where the relayed bytes are logged (null when the restoring translator logs the protected form itself). */
  readonly capture: BodyCapture | null;
  /** The client's status line and headers were sent: from here on no fallback is possible. */
  started: boolean;
  ttft: number | null;
}

/** Why the relay stopped reading the upstream itself (a fault, or a client that left): not an upstream failure. */
const STOPPED = new Error('relay stopped');

/**
 * Relays an upstream stream (status < 400) to the client. The client's headers are held until the first client
 * bytes exist, so a stream that fails before its first byte can still fall back; after that, bytes flow through as
 * they arrive. Backpressure: while the client's socket is full the sink pauses the source (the connection's parser,
 * for an HTTP upstream) until it drains. Settles once: a failed attempt (fall back), or the answer's end.
 */
export function relayStream(
  d: ProxyDeps,
  x: RequestContext,
  run: AttemptRun,
  call: PreparedCall,
  source: StreamSource,
): Promise<AttemptResult> {
  return new Promise<AttemptResult>((resolve, reject) => {
    const s = startRelay(x, call, run);
    const t = s.t;
    const res = x.res;
    let over = false;
    // The relay's own work (the translator, the tail) failing is the gateway's bug, not a cut upstream: it
    // propagates (a generic 500 when nothing was sent yet).
    const settle = (finish: () => AttemptResult): void => {
      if (over) return;
      over = true;
      res.off('drain', onDrain);
      res.off('close', onDrain);
      try {
        resolve(finish());
      } catch (err) {
        reject(err);
      }
    };
    // Settled before the source is aborted: the abort calls `error` at once, and the cut-stream answer ("relay
    // stopped") must not take the place of the one that says why the relay stopped.
    const stop = (finish: () => AttemptResult): false => {
      settle(finish);
      source.abort(STOPPED);
      return false;
    };
    const onDrain = (): void => {
      res.off('drain', onDrain);
      res.off('close', onDrain);
      source.resume();
    };
    source.pipe({
      data(chunk) {
        if (over) return false;
        let piece: Buffer | string;
        try {
          piece = t.push(chunk);
        } catch (err) {
          over = true;
          source.abort(STOPPED);
          reject(err);
          return false;
        }
        if (t.fault && !s.started) {
          // Malformed or error-in-stream before anything reached the client: fall back. A turn the provider
          // finished and reported its final usage for (Bedrock's malformed stops) was billed all the same.
          const fault = t.fault;
          const error = fault.error ?? streamError(`stream_${fault.kind}`, fault.message, true);
          const billed = t.usageFinal ? t.usage : undefined;
          return stop(() => attemptFailed(d, run, `stream_${fault.kind}`, error, null, billed));
        }
        let full = false;
        if (piece.length > 0) {
          if (!s.started) startAnswer(x, run, call, s, true);
          s.capture?.add(piece);
          full = !res.write(piece);
          if (res.destroyed) return stop(() => streamEnd(d, x, run, call, s));
        }
        // A fault after the first byte (malformed event, error event): what came before it was relayed; the
        // stream ends with an error event, and the rest of the upstream body is not read.
        if (t.fault) return stop(() => streamEnd(d, x, run, call, s));
        if (!full) return true;
        res.on('drain', onDrain);
        res.on('close', onDrain);
        return false;
      },
      end() {
        settle(() => streamEnd(d, x, run, call, s));
      },
      error(error) {
        settle(() => streamCut(d, x, run, s, error));
      },
    });
  });
}

/**
 * The relay's translator: with masked values in the request, one that restores them in the client's events (and
 * logs the protected form, what the provider said).
 */
function startRelay(x: RequestContext, call: PreparedCall, run: AttemptRun): Relay {
  const inner = call.streamTranslator();
  const dlp = x.dlp;
  const capture = x.capture;
  if (!dlp?.answer) return { t: inner, capture, started: false, ttft: null };
  const log = capture ? (piece: Buffer | string) => capture.add(piece) : null;
  const t = restoringTranslator(
    inner,
    dlp.answer,
    dlp.ctx,
    log,
    !call.passthrough,
    // Signed text, left as it came, as Anthropic's own relayed thinking is (restored, the block sent back would not
    // be what Claude signed); a cache replay of this stream asks the same (cache/serve.ts).
    streamReasoningSigned(dlp.answer, x.body, run.attempt.provider.type),
  );
  return { t, capture: null, started: false, ttft: null };
}

/** The client's head: the answer starts here (time to first token is measured to this point). */
function startAnswer(x: RequestContext, run: AttemptRun, call: PreparedCall, s: Relay, unbuffered: boolean) {
  s.started = true;
  s.ttft = Math.round(performance.now() - run.t0);
  const headers: Record<string, string> = { 'content-type': call.contentType, 'cache-control': 'no-cache' };
  if (unbuffered) headers['x-accel-buffering'] = 'no';
  x.res.writeHead(200, answerHeaders(x, run, call, headers));
}

/**
 * The upstream was cut or stalled. Before the first byte: a failed attempt (fall back). After it: no fallback is
 * possible; the client gets what arrived, then an error in its format (never a clean end that would pass truncated
 * text off as a whole answer).
 */
function streamCut(
  d: ProxyDeps,
  x: RequestContext,
  run: AttemptRun,
  s: Relay,
  error: UpstreamError,
): AttemptResult {
  if (!s.started) return attemptFailed(d, run, 'stream_cut_before_first_byte', error);
  run.entry.outcome = 'stream_cut';
  reportAttempt(d, run, false, error, s.ttft);
  // A client that left has the upstream call aborted too: that cut is not the upstream's.
  if (!x.res.destroyed) failedMidStream(d, run, error);
  const tail =
    s.t.end() +
    s.t.errorEvent(
      error.kind === 'timeout' ? 'upstream_timeout' : 'stream_interrupted',
      `The upstream stream was interrupted: ${scrubAccountIds(error.message)}`,
    );
  if (!x.res.destroyed) x.res.end(tail);
  s.capture?.add(tail);
  return {
    kind: 'done',
    status: 200,
    usage: s.t.usage,
    costUsd: d.router.costOf(run.attempt.model, s.t.usage),
    ttftMs: s.ttft,
    errorCode: 'stream_interrupted',
  };
}

/**
 * The upstream stream ended (or the relay stopped). An upstream that ended without finishing (or sent a fault)
 * after the first byte gets an error event at the end, saying why in the upstream's own (scrubbed) words when it
 * sent any. A stream that produced nothing at all is a failed attempt.
 */
function streamEnd(
  d: ProxyDeps,
  x: RequestContext,
  run: AttemptRun,
  call: PreparedCall,
  s: Relay,
): AttemptResult {
  const t = s.t;
  const tail = t.end();
  if (!s.started) {
    if (!t.contentEmitted && !tail) {
      const error =
        t.fault?.error ??
        streamError('empty_stream', 'The upstream closed the stream before sending anything.', true);
      return attemptFailed(d, run, 'stream_empty', error);
    }
    startAnswer(x, run, call, s, false);
  }
  const faulted = t.fault !== null || !t.finished;
  // An error the upstream sent reaches the client as the upstream's own (its type and message, scrubbed of keys and
  // of the operator's provider account ids).
  const upstream = t.fault?.error;
  const closing = !faulted
    ? tail
    : upstream
      ? tail +
        t.errorEvent(
          scrubAccountIds(upstream.code ?? 'stream_interrupted'),
          scrubAccountIds(upstream.message),
        )
      : tail +
        t.errorEvent(
          'stream_interrupted',
          `The upstream stream ended before it finished: ${scrubAccountIds(t.fault?.message ?? 'truncated')}`,
        );
  if (!x.res.destroyed) x.res.end(closing);
  s.capture?.add(closing);
  run.entry.outcome = faulted ? `stream_${t.fault?.kind ?? 'truncated'}` : 'ok';
  const fault = faulted ? streamError('stream_fault', t.fault?.message ?? 'truncated', false) : undefined;
  reportAttempt(d, run, !faulted, fault, s.ttft);
  // The upstream's fault (an error it sent, or an end before it finished), not a client that left mid-answer.
  if (fault && (t.fault !== null || !x.res.destroyed)) failedMidStream(d, run, t.fault?.error ?? fault);
  return {
    kind: 'done',
    status: 200,
    usage: t.usage,
    costUsd: d.router.costOf(run.attempt.model, t.usage),
    ttftMs: s.ttft,
    errorCode: faulted ? 'stream_interrupted' : null,
    finishReason: t.finishReason,
    contentEmitted: t.contentEmitted,
    translated: !call.passthrough,
    responseId: t.responseId ?? null,
  };
}

/**
 * A stream that failed after its first byte: nothing else can be tried, but the router learns it like any failed
 * attempt (the classification table: the provider's own failures count toward its circuit, and its health shows
 * the error).
 */
function failedMidStream(d: ProxyDeps, run: AttemptRun, error: UpstreamError): void {
  d.router.decide(error, { attempt: run.attempt, retriesOnThisTarget: 0, afterFirstByte: true });
}

/** A stream fault as the router's input (a server-side failure of this target). */
function streamError(code: string, message: string, retryable: boolean): UpstreamError {
  return { status: 502, kind: 'server', code, message, retryAfterMs: null, retryable };
}
