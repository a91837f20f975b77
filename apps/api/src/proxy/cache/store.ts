import type { Redis } from 'ioredis';
import type { PrismaClient } from '@switchyard/prisma';
import type { Logger } from '../../lib/logger.js';

/**
 * Where cached answers live: Redis when REDIS_URL is set (PX expiry, shared by every instance, size-capped on each
 * write), else the database (PGlite or PostgreSQL: table ResponseCacheEntry, expiring, size-capped by
 * {@link CacheSweep}). Values are opaque
 * bytes (see entry.ts). A failing store never fails a request: the caller treats an error as a miss.
 */
export interface ResponseCache {
  readonly kind: 'redis' | 'database';
  get(key: string, now: number): Promise<Buffer | null>;
  set(
    key: string,
    value: Buffer,
    ttlMs: number,
    now: number,
    meta: { orgId: string | null; target: string },
  ): Promise<void>;
}

/**
 * Stores one entry and keeps the Redis store within its byte bound, atomically (one script: every instance's
 * writes see the same total). KEYS: the entry, the index's insertion order (zset: field → sequence), its expiries
 * (zset: field → expiry on Redis's clock) and its sizes (hash: field → bytes, plus `total` and `seq`). ARGV: the
 * field (the cache key), the value, the TTL (ms), the bound (bytes), the entries' key prefix. First the entries that
 * expired (Redis removed them itself) leave the total, then the entry is written (a value of the same key replaced),
 * then the oldest entries are deleted while the total is above the bound. The index keys live as long as the
 * longest-lived entry. Returns the number of entries evicted, or -1 when the value alone is larger than the bound.
 */
const CACHE_SET = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local field, ttl, max, pre = ARGV[1], tonumber(ARGV[3]), tonumber(ARGV[4]), ARGV[5]
local total = tonumber(redis.call('HGET', KEYS[4], 'total') or '0') or 0
local function drop(f)
  total = total - (tonumber(redis.call('HGET', KEYS[4], f) or '0') or 0)
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
if size > max then
  redis.call('DEL', KEYS[1])
  evicted = -1
else
  redis.call('SET', KEYS[1], ARGV[2], 'PX', ttl)
  redis.call('HSET', KEYS[4], field, size)
  redis.call('ZADD', KEYS[2], redis.call('HINCRBY', KEYS[4], 'seq', 1), field)
  redis.call('ZADD', KEYS[3], now + ttl, field)
  total = total + size
  while total > max do
    local oldest = redis.call('ZRANGE', KEYS[2], 0, 0)
    if #oldest == 0 then break end
    drop(oldest[1])
    redis.call('DEL', pre .. oldest[1])
    evicted = evicted + 1
  end
end
if total < 0 then total = 0 end
redis.call('HSET', KEYS[4], 'total', total)
for i = 2, 4 do
  if redis.call('PTTL', KEYS[i]) < ttl then redis.call('PEXPIRE', KEYS[i], ttl) end
end
return evicted
`;

/**
 * Redis: one string per entry under `<prefix>cache:<key>`, expiring with PX, and an index under
 * `<prefix>cache-index:*` (insertion order, expiries, sizes and their total) that bounds the store to `maxBytes`:
 * each write deletes the oldest entries above it, in the same script, so the bound holds across instances and the
 * cache never crowds the rate-limit counters and circuits that share the Redis. Reads are one GET.
 */
export class RedisResponseCache implements ResponseCache {
  readonly kind = 'redis' as const;
  #sha: string | null = null;
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly maxBytes: number,
  ) {}

  async get(key: string): Promise<Buffer | null> {
    return this.redis.getBuffer(`${this.prefix}cache:${key}`);
  }

  async set(key: string, value: Buffer, ttlMs: number): Promise<void> {
    await this.store(key, value, ttlMs);
  }

  /** Stores: the entries evicted to make room (-1: the value alone is larger than the bound, and was not stored). */
  async store(key: string, value: Buffer, ttlMs: number): Promise<number> {
    const keys = [
      `${this.prefix}cache:${key}`,
      `${this.prefix}cache-index:order`,
      `${this.prefix}cache-index:expiry`,
      `${this.prefix}cache-index:sizes`,
    ];
    const args = [key, value, Math.max(1, Math.round(ttlMs)), this.maxBytes, `${this.prefix}cache:`];
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

/** The database: one row per entry; reads skip expired rows (the sweep deletes them later) and count hits. */
export class DbResponseCache implements ResponseCache {
  readonly kind = 'database' as const;
  constructor(private readonly prisma: PrismaClient) {}

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
  ): Promise<void> {
    await this.prisma.$executeRawUnsafe(
      `INSERT INTO "ResponseCacheEntry" ("key","orgId","target","body","sizeBytes","expiresAt","createdAt","hits")
       VALUES ($1, $2, $3, decode($4, 'base64'), $5, $6, $7, 0)
       ON CONFLICT ("key") DO UPDATE SET "body" = EXCLUDED."body", "sizeBytes" = EXCLUDED."sizeBytes",
         "expiresAt" = EXCLUDED."expiresAt", "createdAt" = EXCLUDED."createdAt", "target" = EXCLUDED."target"`,
      key,
      meta.orgId,
      meta.target.slice(0, 300),
      value.toString('base64'),
      value.length,
      new Date(now + ttlMs),
      new Date(now),
    );
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
  ): Promise<void> {
    // Kept here first: this instance answers the next identical request even while the shared write runs.
    this.remember(key, value, now + ttlMs);
    await this.inner.set(key, value, ttlMs, now, meta);
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
 * The database store's sweep: expired entries first, then the oldest while the total is above `maxBytes`, in
 * batches (one statement each), every `intervalMs` and on demand.
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
      const n = await this.prisma.$executeRawUnsafe(
        `DELETE FROM "ResponseCacheEntry" WHERE "key" IN
           (SELECT "key" FROM "ResponseCacheEntry" WHERE "expiresAt" <= $1 LIMIT ${batch})`,
        now,
      );
      expired += n;
      if (n < batch) break;
    }
    let evicted = 0;
    for (;;) {
      const [row] = await this.prisma.$queryRawUnsafe<{ total: bigint | number | null }[]>(
        `SELECT coalesce(sum("sizeBytes"), 0)::bigint AS total FROM "ResponseCacheEntry"`,
      );
      const total = Number(row?.total ?? 0);
      if (total <= this.o.maxBytes) break;
      // The oldest entries whose sizes add up to what must go (at most one batch per statement).
      const n = await this.prisma.$executeRawUnsafe(
        `DELETE FROM "ResponseCacheEntry" WHERE "key" IN (
           SELECT "key" FROM (
             SELECT "key", sum("sizeBytes") OVER (ORDER BY "createdAt", "key") - "sizeBytes" AS before
             FROM "ResponseCacheEntry" ORDER BY "createdAt", "key" LIMIT ${batch}) o
           WHERE o.before < $1)`,
        total - this.o.maxBytes,
      );
      evicted += n;
      if (n === 0) break;
    }
    return { expired, evicted };
  }

  close(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
  }
}
