import type { IncomingMessage } from 'node:http';
import type { BodyMemory } from '../lib/body-memory.js';

export class BodyTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`The request body is larger than ${limit} bytes.`);
  }
}

/** Every request body being held at once would pass the server's memory bound (→ 503, retry shortly). */
export class BodyMemoryFullError extends Error {
  constructor() {
    super('The gateway is holding as many request bodies as its memory bound allows.');
  }
}

/** The body did not arrive whole within the read timeout (a client that stopped, or trickles). */
export class BodyTimeoutError extends Error {
  constructor(readonly timeoutMs: number) {
    super(`The request body did not arrive within ${timeoutMs} ms.`);
  }
}

/**
 * After a body is refused, the rest of it is read and dropped (up to these bounds) before the answer goes out:
 * a client still sending when the socket closes sees EPIPE/ECONNRESET instead of the 413 or 503.
 */
export const DRAIN_MAX_BYTES = 64 * 1024 * 1024;
export const DRAIN_MAX_MS = 10_000;

/**
 * Collects the request body up to `limit` bytes, counting it against `memory` when given. Past the limit (by
 * Content-Length or as bytes arrive), or when memory is full, the rest is drained within the bounds above and
 * the promise rejects (BodyTooLargeError / BodyMemoryFullError) once the client has finished sending or a bound
 * was reached. A body that resolves stays counted in `memory` until the caller gives it back.
 */
export function readBody(
  req: IncomingMessage,
  limit: number,
  memory?: BodyMemory,
  timeoutMs?: number,
): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let refused: Error | null = null;
    let drained = 0;
    let timer: NodeJS.Timeout | undefined;
    let settled = false;
    let deadline: NodeJS.Timeout | undefined;
    const settle = (err: Error | null, body?: Buffer) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      clearTimeout(deadline);
      if (err) reject(err);
      else resolve(body!);
    };
    // A body still arriving at the deadline: its bytes go back now, the rest of it is not read (one refused
    // already keeps its answer).
    if (timeoutMs !== undefined && !req.complete) {
      deadline = setTimeout(() => {
        if (!refused && memory) memory.give(size);
        chunks.length = 0;
        req.pause();
        settle(refused ?? new BodyTimeoutError(timeoutMs));
      }, timeoutMs);
      deadline.unref();
    }
    const refuse = (err: Error) => {
      refused = err;
      chunks.length = 0;
      if (memory) memory.give(size);
      timer = setTimeout(() => settle(err), DRAIN_MAX_MS);
      timer.unref();
    };
    if (Number.isFinite(declared) && declared > limit) {
      // Larger than the drain bound: answer at once (the client will see the socket close while sending).
      if (declared - limit > DRAIN_MAX_BYTES) {
        req.resume();
        settle(new BodyTooLargeError(limit));
        return;
      }
      refuse(new BodyTooLargeError(limit));
    }
    req.on('data', (chunk: Buffer) => {
      if (settled) return;
      if (refused) {
        drained += chunk.length;
        if (drained > DRAIN_MAX_BYTES) settle(refused);
        return;
      }
      if (size + chunk.length > limit) return refuse(new BodyTooLargeError(limit));
      if (memory && !memory.take(chunk.length)) return refuse(new BodyMemoryFullError());
      size += chunk.length;
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (refused) return settle(refused);
      settle(null, chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
    });
    req.on('error', (err) => {
      if (!settled && !refused && memory) memory.give(size);
      settle(refused ?? err);
    });
  });
}
