/**
 * The response cache's rules (pure): whether a request may be answered from the cache and for how long, which
 * parts of a request body make up its cache key, and which counters a cache hit still takes. The proxy hashes the
 * key, reads and writes the store and replays the answer; every decision here shows in the request's trace.
 */
import { bucketApplies } from './plan.js';
import type { Caller } from './types.js';
import { bucketItem, type LimitItem } from './limits.js';

/** The request header that turns the cache on for one request (`<seconds>`) or off (`no-store`). */
export const CACHE_HEADER = 'x-switchyard-cache';

/** Endpoints whose answers may be cached: the ones that call a model. count_tokens is free and local-ish; models is not proxied. */
export const CACHEABLE_ENDPOINTS: ReadonlySet<string> = new Set([
  'chat',
  'messages',
  'responses',
  'embeddings',
]);

/** What the request header said. */
export type CacheHeader =
  | { kind: 'absent' }
  | { kind: 'no-store' }
  | { kind: 'ttl'; seconds: number }
  | { kind: 'invalid'; message: string };

/** The longest a TTL value may be written (one year): longer values are refused, not silently cut. */
const TTL_DIGITS_MAX = 8;

/**
 * Parses `x-switchyard-cache`: `no-store` (any case), or a whole number of seconds from 1 upward. Anything else is
 * invalid (the proxy answers 400 with the message).
 */
export function parseCacheHeader(value: string | readonly string[] | undefined): CacheHeader {
  if (value === undefined) return { kind: 'absent' };
  if (typeof value !== 'string') {
    return { kind: 'invalid', message: `${CACHE_HEADER} may be sent once.` };
  }
  const v = value.trim().toLowerCase();
  if (v === 'no-store') return { kind: 'no-store' };
  if (v.length > 0 && v.length <= TTL_DIGITS_MAX && /^[0-9]+$/.test(v)) {
    const seconds = Number(v);
    if (seconds >= 1) return { kind: 'ttl', seconds };
  }
  return {
    kind: 'invalid',
    message: `${CACHE_HEADER} must be "no-store" or a number of seconds from 1 to ${10 ** TTL_DIGITS_MAX - 1}.`,
  };
}

/** Where a request's cache settings come from, in the order they win. */
export interface CachePolicyInput {
  endpoint: string;
  header: CacheHeader;
  /** The alias the request resolved through, when it has caching on (seconds), else null. */
  aliasTtlSeconds: number | null;
  /** The gateway key's cache setting (seconds), else null. */
  keyTtlSeconds: number | null;
  /** The server's ceiling on any TTL (CACHE_MAX_TTL_SECONDS). */
  maxTtlSeconds: number;
}

/** What the cache does for one request: nothing (`off`), skip it on request (`bypass`), or read then store. */
export type CachePolicy =
  | { mode: 'off' }
  | { mode: 'bypass'; reason: string }
  | { mode: 'use'; ttlSeconds: number; source: 'header' | 'alias' | 'key'; capped: boolean };

/**
 * The rule: `no-store` wins over everything; else the request's own TTL, else the alias's, else the key's, each
 * capped at the server's maximum. An endpoint that is not cacheable is `off` whatever was asked (count_tokens is
 * answered without a model call; a cache would save nothing). A TTL also bounds how old a stored answer this
 * request accepts: a shorter TTL on the request reads only younger entries.
 */
export function cachePolicy(p: CachePolicyInput): CachePolicy {
  if (p.header.kind === 'no-store') return { mode: 'bypass', reason: `${CACHE_HEADER}: no-store` };
  if (!CACHEABLE_ENDPOINTS.has(p.endpoint)) return { mode: 'off' };
  const pick: [number | null, 'header' | 'alias' | 'key'][] = [
    [p.header.kind === 'ttl' ? p.header.seconds : null, 'header'],
    [p.aliasTtlSeconds, 'alias'],
    [p.keyTtlSeconds, 'key'],
  ];
  for (const [ttl, source] of pick) {
    if (ttl === null || !(ttl > 0)) continue;
    const max = Math.max(1, Math.floor(p.maxTtlSeconds));
    return { mode: 'use', ttlSeconds: Math.min(Math.floor(ttl), max), source, capped: ttl > max };
  }
  return { mode: 'off' };
}

/**
 * Body fields that do not change the answer and so stay out of the key: how it is delivered (`stream`; the key
 * carries stream or whole separately) and who asks (`user`, `metadata`, `safety_identifier`, `prompt_cache_key`).
 * `store` stays in: an answer the provider did not keep has an id a later `previous_response_id` cannot name, so it
 * is never replayed to a request that asked for one it keeps, nor the reverse. On the Responses endpoint no `store`
 * is the API's default, `store: true`, and shares its key (the gateway sends the body as written, and a model's
 * default parameters cannot set `store`). `stream_options` is left out of a whole answer's key only: a stream's
 * bytes depend on it (`include_usage` adds the usage-only chunk, which the gateway drops for a client that did not
 * ask for it), so a stream stored for one setting is never replayed to a client that asked for the other.
 */
const IGNORED_FIELDS: ReadonlySet<string> = new Set([
  'stream',
  'user',
  'metadata',
  'safety_identifier',
  'prompt_cache_key',
  'model',
]);

/**
 * The request as its cache key sees it: top-level fields that change the answer (messages, tools, parameters),
 * with object keys sorted at every depth, as one JSON text. `model` is left out: the key carries the resolved
 * target instead (two names for the same target share entries; one name that now routes elsewhere does not).
 * `endpoint`: the gateway endpoint (`responses`: `store: true` is written as no `store`, the API's default).
 */
export function normalisedRequest(body: Readonly<Record<string, unknown>>, endpoint?: string): string {
  const kept: Record<string, unknown> = {};
  const streams = body.stream === true;
  for (const k of Object.keys(body).sort()) {
    if (IGNORED_FIELDS.has(k) || (k === 'stream_options' && !streams)) continue;
    if (k === 'store' && endpoint === 'responses' && body[k] === true) continue;
    kept[k] = body[k];
  }
  return canonicalJson(kept);
}

/** JSON with object keys sorted at every depth (arrays keep their order); undefined members are dropped. */
export function canonicalJson(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v) ?? 'null';
  if (Array.isArray(v)) return `[${v.map((e) => (e === undefined ? 'null' : canonicalJson(e))).join(',')}]`;
  const o = v as Record<string, unknown>;
  const parts: string[] = [];
  for (const k of Object.keys(o).sort()) {
    if (o[k] === undefined) continue;
    parts.push(`${JSON.stringify(k)}:${canonicalJson(o[k])}`);
  }
  return `{${parts.join(',')}}`;
}

/** Who shares an organization's cached answers: all of it, each user, or each gateway key (CACHE_SCOPE_VALUES). */
export type CacheScopeSetting = 'organization' | 'user' | 'key';

/**
 * Who may read an entry: the caller's organization (its `scope` narrowed to the user, else the key, or to the key);
 * without one, its gateway key; the master key has a scope of its own. Answers are never shared across
 * organizations (nor between org-less keys).
 */
export function cacheScope(
  c: { orgId: string | null; keyId: string | null; userId?: string | null },
  scope: CacheScopeSetting = 'organization',
): string {
  if (c.orgId !== null) {
    if (scope === 'user' && c.userId) return `org:${c.orgId}:user:${c.userId}`;
    if (scope !== 'organization')
      return c.keyId !== null ? `org:${c.orgId}:key:${c.keyId}` : `org:${c.orgId}:master`;
    return `org:${c.orgId}`;
  }
  if (c.keyId !== null) return `key:${c.keyId}`;
  return 'master';
}

/**
 * The counters a cache hit still takes: the caller's request-counting buckets (a key's RPM) that apply to the
 * target, one request each. Token buckets and budgets are not touched: a hit uses no tokens and costs nothing.
 */
export function cacheHitItems(
  caller: Caller,
  target: { ref: string; modelId: string },
  now: number,
): LimitItem[] {
  const items: LimitItem[] = [];
  for (const cb of caller.buckets) {
    const b = cb.bucket;
    if (cb.scope === 'byok' || b.unit !== 'requests' || !bucketApplies(b, target.ref, target.modelId))
      continue;
    items.push(bucketItem(cb.scope, cb.id, b, now, 1));
  }
  return items;
}

/** Whether a stored answer is young enough for a request with this TTL. */
export function cacheEntryFresh(createdAt: number, ttlSeconds: number, now: number): boolean {
  return now - createdAt < ttlSeconds * 1000 && now >= createdAt - 60_000;
}
