import compression from 'compression';
import type { Request, RequestHandler, Response } from 'express';
import { isProxyPath } from '../lib/proxy-paths.js';

/** Bodies under this many bytes go out as they are: compressing them costs more than it saves. */
export const COMPRESS_THRESHOLD_BYTES = 1024;

/**
 * Whether a response may be compressed on the fly: the admin API's JSON, the CSV export, /metrics text and the
 * dashboard page, when the client accepts it. Never a proxy path (`/v1/*` is served before Express anyway: this
 * is the second fence), never a server-sent event stream (compressing it would hold events back in the
 * compressor's buffer), never a body that already has an encoding (the precompressed assets).
 */
export function shouldCompress(req: Request, res: Response): boolean {
  if (isProxyPath(req.url ?? '/')) return false;
  const type = String(res.getHeader('content-type') ?? '');
  if (/text\/event-stream/i.test(type)) return false;
  if (!/json|text\/(csv|plain|html)/i.test(type)) return false;
  return compression.filter(req, res);
}

/** gzip / brotli / deflate for the answers above, as the client's Accept-Encoding asks. */
export function compressResponses(): RequestHandler {
  return compression({ threshold: COMPRESS_THRESHOLD_BYTES, filter: shouldCompress });
}
