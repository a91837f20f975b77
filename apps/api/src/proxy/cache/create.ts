import type { Redis } from 'ioredis';
import type { Env } from '../../config/env.js';
import type { Database } from '../../db/client.js';
import type { Logger } from '../../lib/logger.js';
import type { StateStore } from '../../router/state-store.js';
import type { CacheRuntime } from './serve.js';
import { CacheSweep, DbResponseCache, FrontedCache, RedisResponseCache } from './store.js';

export interface ResponseCacheParts {
  runtime: CacheRuntime;
  /** The database store's sweep of expired entries (null when Redis holds the cache: Redis expires them). */
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
  const maxBytes = o.env.CACHE_MAX_BYTES;
  const orgMaxBytes = orgShareBytes(o.env);
  const inner = redis
    ? new RedisResponseCache(redis, o.env.REDIS_KEY_PREFIX, maxBytes, orgMaxBytes)
    : new DbResponseCache(o.db.prisma, { maxBytes, orgMaxBytes }, DB_CACHE_MAX_WRITES);
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
      storeMaxBytes: orgMaxBytes,
      writes: new Set(),
    },
    sweep,
  };
}

/**
 * Database cache writes in flight per instance (of the pool's 10 connections): they take the store's totals row in
 * turn, so more would only wait, holding connections that cache reads and usage writes need.
 */
export const DB_CACHE_MAX_WRITES = 2;

/** The most one organization (or the org-less keys together) may hold: CACHE_ORG_MAX_SHARE of CACHE_MAX_BYTES. */
export function orgShareBytes(env: Pick<Env, 'CACHE_MAX_BYTES' | 'CACHE_ORG_MAX_SHARE'>): number {
  return Math.max(1, Math.floor(env.CACHE_MAX_BYTES * env.CACHE_ORG_MAX_SHARE));
}
