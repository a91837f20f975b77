import type { RequestHandler } from 'express';
import type { BodyMemory } from '../lib/body-memory.js';
import { errorBody, AppError } from '../lib/errors.js';

/**
 * Admin API request bodies, bound like the proxy's (they are read before any sign-in check): a body not whole
 * within `timeoutMs` is answered 408 (or, when an answer already started, its connection is closed); the bytes a
 * JSON body announces count against `memory` (BODY_MEMORY_LIMIT) while it is read, and one that does not fit is
 * answered 503 with Retry-After. A body of another type is not read by the JSON parser: it holds no memory here, and
 * the time limit ends it. Bodies without a Content-Length (chunked) are bound by the time limit and the parser's own
 * size limit.
 */
export function bodyGuard(timeoutMs: number, memory: BodyMemory, maxBytes: number): RequestHandler {
  return (req, res, next) => {
    const declared = Number(req.headers['content-length']);
    const hasBody = declared > 0 || req.headers['transfer-encoding'] !== undefined;
    if (!hasBody || req.complete) return next();
    const refuse = (err: AppError) => {
      for (const [k, v] of Object.entries(err.headers ?? {})) res.setHeader(k, v);
      res.setHeader('connection', 'close');
      res.status(err.status).json(errorBody(err));
    };
    // Past the parser's limit it answers 413 without holding more than that.
    let held =
      req.is('application/json') && Number.isFinite(declared) && declared > 0
        ? Math.min(declared, maxBytes)
        : 0;
    if (held > 0 && !memory.take(held)) {
      req.resume();
      return refuse(
        new AppError(
          503,
          'overloaded',
          'The gateway is holding as many request bodies as its memory allows; retry shortly.',
          undefined,
          { 'retry-after': '1' },
        ),
      );
    }
    const release = () => {
      clearTimeout(timer);
      if (held > 0) memory.give(held);
      held = 0;
    };
    const timer = setTimeout(() => {
      if (req.complete) return;
      release();
      if (res.headersSent) return void req.socket.destroy();
      refuse(
        new AppError(
          408,
          'request_timeout',
          `The request body did not arrive within ${timeoutMs} ms (BODY_READ_TIMEOUT_MS).`,
        ),
      );
      // The rest of the body is not read; the connection goes once the answer is out.
      res.once('finish', () => req.socket.destroy());
    }, timeoutMs);
    timer.unref();
    // The bytes count while the body is read (the parser then holds the parsed value, not the bytes).
    req.once('end', release);
    req.once('close', release);
    res.once('close', release);
    next();
  };
}
