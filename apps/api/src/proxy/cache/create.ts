import type { Redis } from 'ioredis';
import type { Env } from '../../config/env.js';
import type { Database } from '../../db/client.js';
import type { Logger } from '../../lib/logger.js';
import type { StateStore } from '../../router/state-store.js';
import type { CacheRuntime } from './serve.js';
import { CacheSweep, DbResponseCache, FrontedCache, RedisResponseCache } from './store.js';

export interface ResponseCacheParts {
  runtime: CacheRuntime;
  /** The database store's sweep (null when Redis holds the cache: each write there keeps it within its bound). */
  sweep: CacheSweep | null;
}

/**
 * The response cache's store: Redis (the state store's connection) when REDIS_URL is set, else the database, with
 * a small in-process front either way. Nothing runs per request unless a request asks for the cache.
 */
export function createResponseCache(o: {
  env: Env;
  db: Database;
  store: StateStore;
  now: () => number;
  logger: Logger;
}): ResponseCacheParts {
  const redis = o.store.kind === 'redis' ? (o.store as unknown as { redis: Redis }).redis : null;
  const inner = redis
    ? new RedisResponseCache(redis, o.env.REDIS_KEY_PREFIX, o.env.CACHE_MAX_BYTES)
    : new DbResponseCache(o.db.prisma);
  const front = new FrontedCache(inner);
  const sweep = redis
    ? null
    : new CacheSweep(o.db.prisma, {
        maxBytes: o.env.CACHE_MAX_BYTES,
        intervalMs: o.env.CACHE_SWEEP_INTERVAL_MS,
        now: o.now,
        logger: o.logger,
      });
  sweep?.start();
  return {
    runtime: {
      store: front,
      front,
      maxTtlSeconds: o.env.CACHE_MAX_TTL_SECONDS,
      entryMaxBytes: o.env.CACHE_ENTRY_MAX_BYTES,
      writes: new Set(),
    },
    sweep,
  };
}
