import type { IncomingMessage, ServerResponse } from 'node:http';

const PROXY_PREFIXES = ['/v1/', '/openai/v1/', '/anthropic/v1/'];

export function isProxyPath(url: string): boolean {
  return PROXY_PREFIXES.some((p) => url.startsWith(p));
}

/** Until the data plane lands: a 501 in the caller's format. */
export function notYetProxy() {
  return (req: IncomingMessage, res: ServerResponse) => {
    const anthropic = (req.url ?? '').includes('/messages');
    const body = anthropic
      ? { type: 'error', error: { type: 'api_error', message: 'The proxy is not available yet.' } }
      : { error: { message: 'The proxy is not available yet.', type: 'server_error', code: 'not_implemented' } };
    req.resume();
    res.writeHead(501, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  };
}
