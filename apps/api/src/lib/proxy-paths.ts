/** The path prefixes the proxy (data plane) serves; everything else is the admin API, the dashboard or health. */
export const PROXY_PREFIXES = ['/v1', '/openai/v1', '/anthropic/v1'] as const;

/** Whether a request path belongs to the proxy (it is served before Express and never compressed). */
export function isProxyPath(url: string): boolean {
  return PROXY_PREFIXES.some((p) => url.startsWith(p + '/'));
}
