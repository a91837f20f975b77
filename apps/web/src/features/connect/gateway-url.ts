import { gatewayRoot } from '@switchyard/core';
import { env } from '../../config/env';

/**
 * The gateway as this browser reaches it (the proxy is served by the same server as the admin API): the API base when
 * the app is built with one, else the page's own origin. No trailing slash, no `/v1`.
 */
export function gatewayBaseUrl(
  apiBase: string = env.VITE_API_BASE,
  here: string = window.location.href,
): string {
  if (!apiBase) return new URL(here).origin;
  return gatewayRoot(new URL(apiBase, here).href);
}
