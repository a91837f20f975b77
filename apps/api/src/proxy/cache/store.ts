import type { Redis } from 'ioredis';
import type { PrismaClient } from '@switchyard/prisma';
import type { Logger } from '../../lib/logger.js';

/**
 * Where cached answers live: Redis when REDIS_URL is set (PX expiry, shared by every instance), else the database
 * (PGlite or PostgreSQL: table ResponseCacheEntry, expiring; {@link CacheSweep} deletes what expired). Either store
 * keeps its bound at each write: an organization holds at most `orgMaxBytes` (its own oldest entries go first), and
 * the whole store at most `maxBytes` (the largest holder's oldest entries go first, so one organization's flood never
 * evicts a smaller one's answers). Org-less keys and the master key count as one holder. Values are opaque bytes
 * (see entry.ts). A failing store never fails a request: the caller treats an error as a miss.
 */
export interface ResponseCache {
  readonly kind: 'redis' | 'database';
  get(key: string, now: number): Promise<Buffer | null>;
  /** Stores; false when the value was refused (larger than an organization's share of the bound, or the store busy with its most writes): not stored. */
  set(
    key: string,
    value: Buffer,
    ttlMs: number,
    now: number,
    meta: { orgId: string | null; target: string },
  ): Promise<boolean>;
  /** A write now would be skipped: the store has its most writes in flight (the database store's bound). */
  busy(): boolean;
}

/** The holder an entry counts against: its organization, or `~` for org-less keys and the master key. */
export const holderOf = (orgId: string | null | undefined): string => orgId ?? '~';

/**
 * Stores one entry and keeps the Redis store within its bounds, atomically (one script: every instance's writes see
 * the same totals). KEYS: the entry, the index's insertion order (zset: field → sequence), its expiries (zset:
 * field → expiry on Redis's clock), its sizes (hash: field → bytes, plus `total` and `seq`), each entry's holder
 * (hash: field → holder) and the holders' bytes (zset: holder → bytes). ARGV: the field (the cache key), the value,
 * the TTL (ms), the bound (bytes), the entries' key prefix, the holder, a holder's bound (bytes), the index prefix
 * (a holder's own insertion order is the zset `<index prefix>holder:<holder>`). First the entries that expired
 * (Redis removed them itself) leave the totals, then the entry is written (a value of the same key replaced), then
 * the holder's oldest entries are deleted while it holds more than its bound, then, while the total is above the
 * bound, the oldest entry written before holders were kept, else the largest holder's oldest. The index keys live as
 * long as the longest-lived entry. Returns the number of entries evicted, or -1 when the value alone is larger than
 * the holder's bound.
 */
const CACHE_SET = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local field, ttl, max, pre = ARGV[1], tonumber(ARGV[3]), tonumber(ARGV[4]), ARGV[5]
local holder, hmax, ipre = ARGV[6], tonumber(ARGV[7]), ARGV[8]
local total = tonumber(redis.call('HGET', KEYS[4], 'total') or '0') or 0
local function drop(f)
  local size = tonumber(redis.call('HGET', KEYS[4], f) or '0') or 0
  total = total - size
  local h = redis.call('HGET', KEYS[5], f)
  if h then
    redis.call('ZREM', ipre .. 'holder:' .. h, f)
    if tonumber(redis.call('ZINCRBY', KEYS[6], -size, h)) <= 0 then redis.call('ZREM', KEYS[6], h) end
    redis.call('HDEL', KEYS[5], f)
  end
  redis.call('HDEL', KEYS[4], f)
  redis.call('ZREM', KEYS[2], f)
  redis.call('ZREM', KEYS[3], f)
end
local gone = redis.call('ZRANGEBYSCORE', KEYS[3], '-inf', now, 'LIMIT', 0, 256)
for _, f in ipairs(gone) do
  drop(f)
  redis.call('DEL', pre .. f)
end
if redis.call('HEXISTS', KEYS[4], field) == 1 then drop(field) end
local size = string.len(ARGV[2])
local evicted = 0
local mine = ipre .. 'holder:' .. holder
if size > hmax or size > max then
  redis.call('DEL', KEYS[1])
  evicted = -1
else
  redis.call('SET', KEYS[1], ARGV[2], 'PX', ttl)
  redis.call('HSET', KEYS[4], field, size)
  redis.call('HSET', KEYS[5], field, holder)
  local seq = redis.call('HINCRBY', KEYS[4], 'seq', 1)
  redis.call('ZADD', KEYS[2], seq, field)
  redis.call('ZADD', KEYS[3], now + ttl, field)
  redis.call('ZADD', mine, seq, field)
  if redis.call('PTTL', mine) < ttl then redis.call('PEXPIRE', mine, ttl) end
  local held = tonumber(redis.call('ZINCRBY', KEYS[6], size, holder))
  total = total + size
  while held > hmax do
    local oldest = redis.call('ZRANGE', mine, 0, 0)
    if #oldest == 0 or oldest[1] == field then break end
    drop(oldest[1])
    redis.call('DEL', pre .. oldest[1])
    evicted = evicted + 1
    held = tonumber(redis.call('ZSCORE', KEYS[6], holder) or '0') or 0
  end
  while total > max do
    local victim = nil
    local stale = false
    local first = redis.call('ZRANGE', KEYS[2], 0, 0)
    if #first == 0 then break end
    if redis.call('HEXISTS', KEYS[5], first[1]) == 0 then
      victim = first[1]
    else
      local top = redis.call('ZREVRANGE', KEYS[6], 0, 1)
      for _, h in ipairs(top) do
        local o = redis.call('ZRANGE', ipre .. 'holder:' .. h, 0, 0)
        if #o == 0 then
          redis.call('ZREM', KEYS[6], h)
          stale = true
        elseif o[1] ~= field then
          victim = o[1]
          break
        end
      end
    end
    if victim then
      drop(victim)
      redis.call('DEL', pre .. victim)
      evicted = evicted + 1
    elseif not stale then
      break
    end
  end
end
if total < 0 then total = 0 end
redis.call('HSET', KEYS[4], 'total', total)
for i = 2, 6 do
  if redis.call('PTTL', KEYS[i]) < ttl then redis.call('PEXPIRE', KEYS[i], ttl) end
end
return evicted
`;

/**
 * Redis: one string per entry under `<prefix>cache:<key>`, expiring with PX, and an index under
 * `<prefix>cache-index:*` (insertion order, expiries, sizes and their total, each entry's holder, the holders' bytes
 * and each holder's insertion order) that bounds the store to `maxBytes` and each organization to `orgMaxBytes`: each
 * write deletes what is above them in the same script, so the bounds hold across instances and the cache never
 * crowds the rate-limit counters and circuits that share the Redis. Reads are one GET.
 */
export class RedisResponseCache implements ResponseCache {
  readonly kind = 'redis' as const;
  #sha: string | null = null;
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly maxBytes: number,
    private readonly orgMaxBytes: number = maxBytes,
  ) {}

  async get(key: string): Promise<Buffer | null> {
    return this.redis.getBuffer(`${this.prefix}cache:${key}`);
  }

  /** Never: every write goes to Redis (its script keeps the bounds). */
  busy(): boolean {
    return false;
  }

  async set(
    key: string,
    value: Buffer,
    ttlMs: number,
    _now?: number,
    meta?: { orgId: string | null; target?: string },
  ): Promise<boolean> {
    return (await this.store(key, value, ttlMs, meta?.orgId ?? null)) >= 0;
  }

  /** Stores: the entries evicted to make room (-1: the value alone is larger than a bound, and was not stored). */
  async store(key: string, value: Buffer, ttlMs: number, orgId: string | null = null): Promise<number> {
    const index = `${this.prefix}cache-index:`;
    const keys = [
      `${this.prefix}cache:${key}`,
      `${index}order`,
      `${index}expiry`,
      `${index}sizes`,
      `${index}holders`,
      `${index}held`,
    ];
    const args = [
      key,
      value,
      Math.max(1, Math.round(ttlMs)),
      this.maxBytes,
      `${this.prefix}cache:`,
      holderOf(orgId),
      this.orgMaxBytes,
      index,
    ];
    if (this.#sha) {
      try {
        return Number(await this.redis.evalsha(this.#sha, keys.length, ...keys, ...args));
      } catch (err) {
        if (!String((err as Error).message).includes('NOSCRIPT')) throw err;
      }
    }
    this.#sha = (await this.redis.script('LOAD', CACHE_SET)) as string;
    return Number(await this.redis.evalsha(this.#sha, keys.length, ...keys, ...args));
  }
}

/**
 * The database: one row per entry; reads skip expired rows (the sweep deletes them later) and count hits. Each write
 * is one statement with the eviction it calls for, which first locks the store's counters (ResponseCacheUsage, kept
 * exact by a trigger), so concurrent writers of every instance take turns and the bounds hold.
 */
export class DbResponseCache implements ResponseCache {
  readonly kind = 'database' as const;
  #writing = 0;
  constructor(
    private readonly prisma: PrismaClient,
    private readonly bounds: { maxBytes: number; orgMaxBytes: number } = {
      maxBytes: Number.MAX_SAFE_INTEGER,
      orgMaxBytes: Number.MAX_SAFE_INTEGER,
    },
    /**
     * Writes in flight at most: every write takes the store's one totals row in turn, so a burst of misses would
     * otherwise queue on it holding the pool's connections, ahead of cache reads (on the request path) and usage
     * writes. A write past it is not stored (a later identical request stores it).
     */
    private readonly maxWrites = Number.POSITIVE_INFINITY,
  ) {}

  busy(): boolean {
    return this.#writing >= this.maxWrites;
  }

  async get(key: string, now: number): Promise<Buffer | null> {
    // Bytes travel as base64 text: the driver adapters (pg, PGlite) disagree on binary parameters and results.
    const rows = await this.prisma.$queryRawUnsafe<{ body: string }[]>(
      `UPDATE "ResponseCacheEntry" SET "hits" = "hits" + 1 WHERE "key" = $1 AND "expiresAt" > $2
       RETURNING encode("body", 'base64') AS body`,
      key,
      new Date(now),
    );
    const body = rows[0]?.body;
    return typeof body === 'string' ? Buffer.from(body, 'base64') : null;
  }

  async set(
    key: string,
    value: Buffer,
    ttlMs: number,
    now: number,
    meta: { orgId: string | null; target: string },
  ): Promise<boolean> {
    if (this.#writing >= this.maxWrites) return false;
    this.#writing++;
    try {
      return await this.#put(key, value, ttlMs, now, meta);
    } finally {
      this.#writing--;
    }
  }

  async #put(
    key: string,
    value: Buffer,
    ttlMs: number,
    now: number,
    meta: { orgId: string | null; target: string },
  ): Promise<boolean> {
    // One statement (response_cache_put, see migration 0039): the entry, then what the bounds call for evicted.
    const [row] = await this.prisma.$queryRawUnsafe<{ n: number }[]>(
      `SELECT "response_cache_put"($1, $2, $3, decode($4, 'base64'), $5, $6, $7::bigint, $8::bigint)::int AS n`,
      key,
      meta.orgId,
      meta.target.slice(0, 300),
      value.toString('base64'),
      new Date(now + ttlMs),
      new Date(now),
      this.bounds.maxBytes,
      this.bounds.orgMaxBytes,
    );
    return Number(row?.n ?? -1) >= 0;
  }
}

/**
 * A small in-process front (least recently used, bounded by entries and bytes) over a shared store: a hit on this
 * instance costs no round trip. Entries are immutable for their key and carry their expiry, so nothing is ever
 * served past its TTL; an entry the database sweep removed early may still be served here until it expires.
 */
export class FrontedCache implements ResponseCache {
  readonly #map = new Map<string, { value: Buffer; expiresAt: number }>();
  #bytes = 0;
  constructor(
    private readonly inner: ResponseCache,
    private readonly maxEntries = 2000,
    private readonly maxBytes = 32 * 1024 * 1024,
  ) {}

  get kind() {
    return this.inner.kind;
  }

  busy(): boolean {
    return this.inner.busy();
  }

  async get(key: string, now: number): Promise<Buffer | null> {
    const e = this.#map.get(key);
    if (e !== undefined) {
      this.#map.delete(key);
      if (e.expiresAt > now) {
        this.#map.set(key, e);
        return e.value;
      }
      this.#bytes -= e.value.length;
    }
    return this.inner.get(key, now);
  }

  async set(
    key: string,
    value: Buffer,
    ttlMs: number,
    now: number,
    meta: { orgId: string | null; target: string },
  ): Promise<boolean> {
    // Kept here first: this instance answers the next identical request even while the shared write runs; a value
    // the shared store refused is not kept either.
    this.remember(key, value, now + ttlMs);
    const stored = await this.inner.set(key, value, ttlMs, now, meta);
    if (!stored) this.forget(key, value);
    return stored;
  }

  /** Drops a key's value (only that value: a newer one written meanwhile stays). */
  forget(key: string, value: Buffer): void {
    const had = this.#map.get(key);
    if (had?.value !== value) return;
    this.#map.delete(key);
    this.#bytes -= had.value.length;
  }

  /** Keeps a value the shared store answered (or was given), evicting the least recently used above the bounds. */
  remember(key: string, value: Buffer, expiresAt: number): void {
    if (value.length > this.maxBytes / 8) return;
    const had = this.#map.get(key);
    if (had) {
      this.#bytes -= had.value.length;
      this.#map.delete(key);
    }
    this.#map.set(key, { value, expiresAt });
    this.#bytes += value.length;
    while (this.#map.size > this.maxEntries || this.#bytes > this.maxBytes) {
      const [oldest, e] = this.#map.entries().next().value as [string, { value: Buffer }];
      this.#map.delete(oldest);
      this.#bytes -= e.value.length;
    }
  }

  clear(): void {
    this.#map.clear();
    this.#bytes = 0;
  }
}

/**
 * The database store's sweep: expired entries, in batches (one statement each), every `intervalMs` and on demand;
 * then, should the store be above `maxBytes` (the bound was lowered: writes keep it), the largest holder's oldest.
 */
export class CacheSweep {
  #timer: NodeJS.Timeout | null = null;
  #running: Promise<{ expired: number; evicted: number }> | null = null;

  constructor(
    private readonly prisma: PrismaClient,
    private readonly o: {
      maxBytes: number;
      intervalMs: number;
      now: () => number;
      logger: Logger;
      batch?: number;
    },
  ) {}

  start(): void {
    if (this.#timer) return;
    this.#timer = setInterval(() => {
      void this.run().catch((err: unknown) =>
        this.o.logger.warn({ err: String(err) }, 'response cache sweep failed'),
      );
    }, this.o.intervalMs);
    this.#timer.unref();
  }

  /** One sweep (concurrent calls share it). */
  run(): Promise<{ expired: number; evicted: number }> {
    this.#running ??= this.#sweep().finally(() => (this.#running = null));
    return this.#running;
  }

  async #sweep(): Promise<{ expired: number; evicted: number }> {
    const batch = this.o.batch ?? 500;
    const now = new Date(this.o.now());
    let expired = 0;
    for (;;) {
      const [row] = await this.prisma.$queryRawUnsafe<{ n: number }[]>(
        `SELECT "response_cache_expire"($1, $2::int)::int AS n`,
        now,
        batch,
      );
      const n = Number(row?.n ?? 0);
      expired += n;
      if (n < batch) break;
    }
    // Writes keep the bound; this catches up after it was lowered (the largest holder's oldest entries first).
    const [fit] = await this.prisma.$queryRawUnsafe<{ n: number }[]>(
      `SELECT "response_cache_fit"(NULL, NULL, $1::bigint, $1::bigint, $2)::int AS n`,
      this.o.maxBytes,
      now,
    );
    const evicted = Number(fit?.n ?? 0);
    return { expired, evicted };
  }

  close(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
  }
}
