import type { IncomingMessage, ServerResponse } from 'node:http';
import { isIPv4, isIPv6 } from 'node:net';
import { unmapIPv4 } from '../lib/ip-allowlist.js';

/**
 * Who may call the proxy from where: the client's IP (for the allow-lists in lib/ip-allowlist.ts, global and
 * per gateway key) and the CORS allow-list for browser clients. Parsed once when the config loads; a request
 * pays a null check when nothing is configured.
 */

/**
 * The client's address: the socket's, or with TRUST_PROXY the left-most X-Forwarded-For hop (the proxies in
 * front are all trusted, as Express's `trust proxy: true`). IPv4-mapped IPv6 addresses are given as IPv4.
 * A forwarded value that is no IP address is returned as is, so no allow-list matches it.
 */
export function clientIp(req: IncomingMessage, trustProxy: boolean): string {
  if (trustProxy) {
    // Node joins repeated X-Forwarded-For headers with ", " (typed string | string[] all the same).
    const header = req.headers['x-forwarded-for'];
    const xff = Array.isArray(header) ? header.join(', ') : header;
    if (xff) {
      const comma = xff.indexOf(',');
      const first = (comma === -1 ? xff : xff.slice(0, comma)).trim();
      return unmapIPv4(first);
    }
  }
  return unmapIPv4(req.socket.remoteAddress ?? '');
}

/** The client IP for messages: an address as is, anything else (a junk X-Forwarded-For) described. */
export function describeIp(ip: string): string {
  return isIPv4(ip) || isIPv6(ip) ? ip : 'an address that is not an IP (X-Forwarded-For)';
}

const BASE_ALLOWED_HEADERS = [
  'authorization',
  'x-api-key',
  'anthropic-version',
  'anthropic-beta',
  'content-type',
  'x-request-id',
  // POST /v1/route: the client names its format.
  'x-switchyard-format',
];
/** Every answer header a client is meant to read (answer-headers.ts, execute.ts, cache/serve.ts). */
const EXPOSED_HEADERS = [
  'x-request-id',
  'x-switchyard-provider',
  'x-switchyard-model',
  'x-switchyard-attempts',
  'x-switchyard-skipped',
  'x-switchyard-changed-params',
  'x-switchyard-dropped-tools',
  'x-switchyard-cache',
  'retry-after',
].join(', ');
const HEADER_LIST = /^[A-Za-z0-9!#$%&'*+.^_`|~-]+(?:\s*,\s*[A-Za-z0-9!#$%&'*+.^_`|~-]+)*$/;

/**
 * CORS for browser clients on the proxy routes: exact origins from CORS_ORIGINS. A listed origin is echoed
 * (with `Vary: Origin`) and may read the x-switchyard-* and x-request-id headers; an unlisted one gets no CORS
 * headers at all. No credentials: clients authenticate with a key header, never a cookie.
 */
export class CorsPolicy {
  readonly #origins: ReadonlySet<string>;

  constructor(origins: readonly string[]) {
    this.#origins = new Set(origins);
  }

  static of(origins: readonly string[] | undefined): CorsPolicy | null {
    return origins && origins.length > 0 ? new CorsPolicy(origins) : null;
  }

  /**
   * Sets the CORS headers for a listed origin. Returns 'preflight-ok' / 'preflight-denied' when the request
   * is a preflight (the caller answers it), 'continue' otherwise.
   */
  apply(req: IncomingMessage, res: ServerResponse): 'continue' | 'preflight-ok' | 'preflight-denied' {
    const origin = req.headers.origin;
    const preflight = req.method === 'OPTIONS' && req.headers['access-control-request-method'] !== undefined;
    const listed = origin !== undefined && this.#origins.has(origin);
    res.setHeader('vary', 'Origin');
    if (!listed) return preflight ? 'preflight-denied' : 'continue';
    res.setHeader('access-control-allow-origin', origin);
    if (!preflight) {
      res.setHeader('access-control-expose-headers', EXPOSED_HEADERS);
      return 'continue';
    }
    // What an SDK asks for (x-stainless-*, anthropic-dangerous-direct-browser-access, …) on top of the base list.
    const asked = req.headers['access-control-request-headers'];
    let headers = BASE_ALLOWED_HEADERS;
    if (asked && asked.length <= 2000 && HEADER_LIST.test(asked)) {
      const extra = asked
        .toLowerCase()
        .split(/\s*,\s*/)
        .filter((h) => !BASE_ALLOWED_HEADERS.includes(h));
      if (extra.length) headers = [...BASE_ALLOWED_HEADERS, ...extra];
    }
    res.setHeader('access-control-allow-methods', 'GET, POST, OPTIONS');
    res.setHeader('access-control-allow-headers', headers.join(', '));
    res.setHeader('access-control-max-age', '600');
    return 'preflight-ok';
  }
}
