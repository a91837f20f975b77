import { Agent, errors as undiciErrors, type Dispatcher } from 'undici';
import { networkError } from '../providers/errors.js';
import type { LocalResponse, PreparedCall, UpstreamError } from '../providers/types.js';

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
export function createUpstreamAgent(t: UpstreamTimeouts): Agent {
  return new Agent({
    connect: { timeout: t.connectMs },
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

export function toNetworkError(err: unknown, signal?: AbortSignal): UpstreamError {
  const reason = signal?.aborted ? signal.reason : undefined;
  if ((reason as { name?: string } | undefined)?.name === 'TimeoutError') {
    return networkError(new Error('The upstream did not finish within the total time limit.'), true);
  }
  if (isTimeout(err)) {
    const which =
      err instanceof undiciErrors.HeadersTimeoutError
        ? 'The upstream sent no response within the first-byte time limit.'
        : err instanceof undiciErrors.BodyTimeoutError
          ? 'The upstream stopped sending within the idle time limit.'
          : 'Could not connect to the upstream within the connect time limit.';
    return networkError(new Error(which), true);
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
function originOf(url: string): string {
  const cut = url.indexOf('/', url.indexOf('//') + 2);
  const head = cut === -1 ? url : url.slice(0, cut);
  let origin = origins.get(head);
  if (origin === undefined) {
    origin = new URL(head).origin;
    if (origins.size < 1000) origins.set(head, origin);
  }
  return origin;
}

/** Sends a prepared call and returns the response head and body stream (or a network-level error). */
export async function openUpstream(
  call: PreparedCall,
  dispatcher: Dispatcher,
  signal: AbortSignal,
  timeouts: Pick<UpstreamTimeouts, 'firstByteMs' | 'idleMs'>,
): Promise<Opened> {
  try {
    if (call.transport.kind === 'http') {
      const r = call.transport.request;
      const origin = originOf(r.url);
      const res = await dispatcher.request({
        origin,
        path: r.url.slice(origin.length) || '/',
        method: r.method,
        headers: r.headers,
        body: r.body ?? undefined,
        signal,
        headersTimeout: timeouts.firstByteMs,
        bodyTimeout: timeouts.idleMs,
      });
      return {
        ok: true,
        status: res.statusCode,
        headers: res.headers as UpstreamHeaders,
        body: res.body as AsyncIterable<Buffer>,
        abortBody: () => res.body.destroy(),
      };
    }
    const local: LocalResponse = await call.transport.run(signal);
    return {
      ok: true,
      status: local.status,
      headers: local.headers,
      body: Buffer.isBuffer(local.body) ? once(local.body) : local.body,
      abortBody: () => {},
    };
  } catch (err) {
    return { ok: false, error: toNetworkError(err, signal) };
  }
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
