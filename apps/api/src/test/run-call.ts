/**
 * Minimal reference executor for one PreparedCall (the adapter tests drive
 * adapters with it). The proxy's executor does the same with
 * pooled dispatchers, timeouts, backpressure to the client socket and fallback.
 */
import { request } from 'undici';
import type { Dispatcher } from 'undici';
import { networkError } from '../providers/errors.js';
import type { PreparedCall, StreamTranslator, Usage, UpstreamError } from '../providers/types.js';

export interface RunResult {
  status: number;
  /** Upstream response headers (local calls: the synthetic headers). */
  headers: Record<string, string | string[] | undefined>;
  /** Set when the upstream failed (non-2xx or network). */
  error?: UpstreamError;
  /** Client-format body (non-stream) or the concatenated client SSE text (stream). */
  body: string;
  usage: Usage | null;
  translator?: StreamTranslator;
}

export interface RunOptions {
  stream: boolean;
  dispatcher?: Dispatcher;
  signal?: AbortSignal;
  /** Called with each piece of client bytes as soon as it is produced. */
  onData?: (piece: Buffer | string) => void;
}

async function* iterate(body: Buffer | AsyncIterable<Buffer>): AsyncIterable<Buffer> {
  if (Buffer.isBuffer(body)) yield body;
  else yield* body;
}

export async function runCall(call: PreparedCall, opts: RunOptions): Promise<RunResult> {
  let status: number;
  let headers: Record<string, string | string[] | undefined>;
  let chunks: AsyncIterable<Buffer>;
  try {
    if (call.transport.kind === 'http') {
      const r = call.transport.request;
      const res = await request(r.url, {
        method: r.method,
        headers: r.headers,
        body: r.body ?? undefined,
        ...(opts.dispatcher ? { dispatcher: opts.dispatcher } : {}),
        ...(opts.signal ? { signal: opts.signal } : {}),
      });
      status = res.statusCode;
      headers = res.headers;
      chunks = res.body as AsyncIterable<Buffer>;
    } else {
      const res = await call.transport.run(opts.signal);
      status = res.status;
      headers = res.headers;
      chunks = iterate(res.body);
    }
  } catch (err) {
    const e = networkError(err, (err as { name?: string }).name === 'AbortError');
    return { status: 0, headers: {}, error: e, body: '', usage: null };
  }
  if (status >= 400) {
    const parts: Buffer[] = [];
    for await (const c of chunks) parts.push(c);
    const body = Buffer.concat(parts);
    return {
      status,
      headers,
      error: call.error(status, headers, body),
      body: body.toString('utf8'),
      usage: null,
    };
  }
  if (!opts.stream) {
    const parts: Buffer[] = [];
    for await (const c of chunks) parts.push(c);
    const d = call.decode(Buffer.concat(parts));
    return { status, headers, body: d.body.toString(), usage: d.usage };
  }
  const t = call.streamTranslator();
  let out = '';
  try {
    for await (const c of chunks) {
      const piece = t.push(c);
      if (piece.length) {
        out += piece.toString();
        opts.onData?.(piece);
      }
    }
  } catch (err) {
    const tail = t.end();
    out += tail;
    return { status, headers, error: networkError(err), body: out, usage: t.usage, translator: t };
  }
  const tail = t.end();
  if (tail) {
    out += tail;
    opts.onData?.(tail);
  }
  return { status, headers, body: out, usage: t.usage, translator: t };
}
