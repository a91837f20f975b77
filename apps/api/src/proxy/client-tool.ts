import { clientFacts, userAgentFacts, type ClientFacts, type UserAgentFacts } from '@switchyard/core';
import type { IncomingMessage } from 'node:http';

/** Distinct user-agents remembered (a gateway sees a handful; the bound keeps a scanner's random ones from growing it). */
const CACHE_MAX = 512;
const cache = new Map<string, UserAgentFacts>();

/** `userAgentFacts` once per distinct user-agent: the common request costs one Map lookup and no regex. */
function cachedUserAgentFacts(ua: string | undefined): UserAgentFacts {
  if (!ua) return userAgentFacts(ua);
  let f = cache.get(ua);
  if (f === undefined) {
    f = userAgentFacts(ua);
    if (cache.size >= CACHE_MAX) cache.clear();
    cache.set(ua, f);
  }
  return f;
}

/** Which tool made this call, for the usage row. `body` is the parsed request (Anthropic `metadata.user_id` names Claude Code's session). */
export function clientOf(req: IncomingMessage, body: unknown): ClientFacts {
  let userId: unknown;
  if (typeof body === 'object' && body !== null) {
    const meta = (body as { metadata?: unknown }).metadata;
    if (typeof meta === 'object' && meta !== null) userId = (meta as { user_id?: unknown }).user_id;
  }
  return clientFacts(req.headers, userId, cachedUserAgentFacts);
}
