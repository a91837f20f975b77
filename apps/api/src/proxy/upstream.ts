import { Agent, errors as undiciErrors, type Dispatcher } from 'undici';
import { OutboundRefusedError, type OutboundPolicy } from '../lib/outbound-policy.js';
import { networkError } from '../providers/errors.js';
import type { LocalResponse, PreparedCall, UpstreamError, UpstreamRequest } from '../providers/types.js';

export interface UpstreamTimeouts {
  connectMs: number;
  firstByteMs: number;
  idleMs: number;
  totalMs: number;
}

/**
 * One undici Agent for the process: it keeps one connection pool per upstream origin (keep-alive, no
 * pipelining), so every provider origin gets its own pool without any bookkeeping here.
 */
export function createUpstreamAgent(t: UpstreamTimeouts, policy?: OutboundPolicy): Agent {
  return new Agent({
    // The outbound policy checks the addresses of every new connection (once per connection, not per request).
    connect: policy ? policy.connector({ timeout: t.connectMs }) : { timeout: t.connectMs },
    connections: 256,
    keepAliveTimeout: 30_000,
    keepAliveMaxTimeout: 600_000,
    headersTimeout: t.firstByteMs,
    bodyTimeout: t.idleMs,
  });
}

/** Headers the upstream sent, as one flat record (first value of repeated ones). */
export type UpstreamHeaders = Record<string, string | string[] | undefined>;

export type Opened =
  | { ok: true; status: number; headers: UpstreamHeaders; body: AsyncIterable<Buffer>; abortBody: () => void }
  | { ok: false; error: UpstreamError };

function isTimeout(err: unknown): boolean {
  return (
    err instanceof undiciErrors.HeadersTimeoutError ||
    err instanceof undiciErrors.BodyTimeoutError ||
    err instanceof undiciErrors.ConnectTimeoutError ||
    (err as { name?: string })?.name === 'TimeoutError' ||
    (err as { code?: string })?.code === 'UND_ERR_CONNECT_TIMEOUT'
  );
}

/**
 * A network-level failure as an UpstreamError. `abortReason` is why we aborted the attempt ourselves, if we did
 * (an AbortSignal's reason, or the reason given to a WholeAnswer's abort): a total-time-limit abort is a timeout.
 */
export function toNetworkError(err: unknown, abortReason?: unknown): UpstreamError {
  // The outbound policy refused the destination: a configuration error of this provider, not a transient one.
  if (err instanceof OutboundRefusedError)
    return {
      status: 0,
      kind: 'network',
      code: err.code,
      message: err.message,
      retryAfterMs: null,
      retryable: false,
    };
  const reason =
    abortReason instanceof AbortSignal ? (abortReason.aborted ? abortReason.reason : undefined) : abortReason;
  if ((reason as { name?: string } | undefined)?.name === 'TimeoutError') {
    return {
      ...networkError(new Error('The upstream did not finish within the total time limit.'), true),
      timeoutLimit: 'total',
    };
  }
  if (isTimeout(err)) {
    const [limit, which] =
      err instanceof undiciErrors.HeadersTimeoutError
        ? (['first_byte', 'The upstream sent no response within the first-byte time limit.'] as const)
        : err instanceof undiciErrors.BodyTimeoutError
          ? (['idle', 'The upstream stopped sending within the idle time limit.'] as const)
          : (['connect', 'Could not connect to the upstream within the connect time limit.'] as const);
    return { ...networkError(new Error(which), true), timeoutLimit: limit };
  }
  return networkError(err, false);
}

async function* once(buf: Buffer): AsyncIterable<Buffer> {
  yield buf;
}

const origins = new Map<string, string>();

/**
 * `new URL(url).origin`, parsed once per scheme + authority (the text before the first path slash) instead of
 * twice per request. Bounded: past 1,000 distinct authorities it parses without caching.
 */
export function originOf(url: string): string {
  const cut = url.indexOf('/', url.indexOf('//') + 2);
  const head = cut === -1 ? url : url.slice(0, cut);
  let origin = origins.get(head);
  if (origin === undefined) {
    origin = new URL(head).origin;
    if (origins.size < 1000) origins.set(head, origin);
  }
  return origin;
}

/**
 * Runs an in-process transport (the built-in mock) and returns its head and body stream. HTTP calls go through a
 * dispatch handler instead (WholeAnswer, StreamAnswer).
 */
export async function openLocal(
  transport: Extract<PreparedCall['transport'], { kind: 'local' }>,
  signal: AbortSignal,
): Promise<Opened> {
  try {
    const local: LocalResponse = await transport.run(signal);
    return {
      ok: true,
      status: local.status,
      headers: local.headers,
      body: Buffer.isBuffer(local.body) ? once(local.body) : local.body,
      abortBody: () => {},
    };
  } catch (err) {
    // An in-process transport failing on its own is a gateway bug, not a network failure: it propagates (a
    // generic 500, the detail logged) instead of becoming an error message for the client.
    if (!signal.aborted) throw err;
    return { ok: false, error: toNetworkError(err, signal) };
  }
}

/** Sends a prepared HTTP call through a dispatch handler (WholeAnswer, StreamAnswer) with the attempt's timeouts. */
export function dispatchCall(
  request: UpstreamRequest,
  dispatcher: Dispatcher,
  timeouts: Pick<UpstreamTimeouts, 'firstByteMs' | 'idleMs'>,
  handler: Dispatcher.DispatchHandler,
): void {
  const origin = originOf(request.url);
  dispatcher.dispatch(
    {
      origin,
      path: request.url.slice(origin.length) || '/',
      method: request.method as Dispatcher.HttpMethod,
      headers: request.headers,
      body: request.body ?? null,
      headersTimeout: timeouts.firstByteMs,
      bodyTimeout: timeouts.idleMs,
    },
    handler,
  );
}

/** Reads a whole (small) body; used for error bodies and non-stream answers. */
export async function readAll(body: AsyncIterable<Buffer>): Promise<Buffer> {
  const parts: Buffer[] = [];
  let size = 0;
  for await (const c of body) {
    parts.push(c);
    size += c.length;
  }
  return parts.length === 1 ? parts[0]! : Buffer.concat(parts, size);
}

/** Something the client leaving or the total time limit can abort: an AbortController or a WholeAnswer. */
export interface Abortable {
  abort(reason: Error): void;
}

/** A whole upstream answer (head and body), or why none came. `headers` is filled for error answers (≥ 400) only. */
export type Fetched =
  { ok: true; status: number; headers: UpstreamHeaders; body: Buffer } | { ok: false; error: UpstreamError };

const EMPTY = Buffer.alloc(0);

/** undici's raw header list (name, value, name, value…) as a record; repeated names become arrays. */
export function headersFromRaw(raw: Buffer[] | string[] | null): UpstreamHeaders {
  const out: UpstreamHeaders = {};
  if (!raw) return out;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i]!.toString('latin1').toLowerCase();
    const value = raw[i + 1]!.toString();
    const had = out[name];
    if (had === undefined) out[name] = value;
    else if (Array.isArray(had)) had.push(value);
    else out[name] = [had, value];
  }
  return out;
}

/**
 * A non-stream upstream call read whole, as an undici dispatch handler: the answer's bytes are collected as they
 * arrive, with no response stream, async iterator or AbortSignal per request (the request API's costs, which a
 * buffered answer does not need). `abort()` ends it at any point — before the connection (then it is never
 * sent), while waiting for the head, or mid-body — and the reason decides the error's kind (a TimeoutError is
 * the total time limit). Timeouts for the head and between body chunks are undici's, as on the stream path.
 */
export class WholeAnswer implements Abortable {
  /** The request went out on a connection (the provider may bill it, answered or not). */
  sent = false;
  #status = 0;
  #headers: UpstreamHeaders = {};
  #chunks: Buffer[] = [];
  #size = 0;
  #abortUndici: ((err: Error) => void) | null = null;
  #reason: Error | null = null;
  #done = false;
  #settle: (r: Fetched) => void = () => {};

  abort(reason: Error): void {
    if (this.#done || this.#reason) return;
    this.#reason = reason;
    this.#abortUndici?.(reason);
  }

  send(
    request: UpstreamRequest,
    dispatcher: Dispatcher,
    timeouts: Pick<UpstreamTimeouts, 'firstByteMs' | 'idleMs'>,
  ): Promise<Fetched> {
    return new Promise<Fetched>((resolve) => {
      this.#settle = resolve;
      dispatchCall(request, dispatcher, timeouts, this);
    });
  }

  // undici's dispatch handler (called by the connection; not part of this class's API).
  onConnect(abort: (err?: Error) => void): void {
    if (this.#reason) abort(this.#reason);
    else {
      this.#abortUndici = abort;
      this.sent = true;
    }
  }

  onHeaders(status: number, raw: Buffer[] | string[] | null): boolean {
    if (status < 200) return true; // 1xx informational: the real head follows
    this.#status = status;
    // Only an error answer's headers are read (Retry-After and the like); a success's are not parsed.
    if (status >= 400) this.#headers = headersFromRaw(raw);
    return true;
  }

  onData(chunk: Buffer): boolean {
    this.#chunks.push(chunk);
    this.#size += chunk.length;
    return true;
  }

  onComplete(): void {
    this.#finish({
      ok: true,
      status: this.#status,
      headers: this.#headers,
      body: this.#chunks.length === 1 ? this.#chunks[0]! : Buffer.concat(this.#chunks, this.#size),
    });
  }

  onError(err: Error): void {
    // An error answer whose body broke off is still that error (its body is only detail); a success whose body
    // broke off, or no answer at all, is a network failure.
    if (this.#status >= 400)
      this.#finish({ ok: true, status: this.#status, headers: this.#headers, body: EMPTY });
    else this.#finish({ ok: false, error: toNetworkError(err, this.#reason) });
  }

  #finish(r: Fetched): void {
    if (this.#done) return;
    this.#done = true;
    this.#abortUndici = null;
    this.#chunks = [];
    this.#settle(r);
  }
}
