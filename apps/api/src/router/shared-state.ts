import type { Env } from '../config/env.js';
import type { Database } from '../db/client.js';
import type { Logger } from '../lib/logger.js';
import type { Metrics } from '../lib/metrics.js';
import { NO_BUS, PostgresConfigBus, RedisConfigBus, type ConfigBus } from './config-bus.js';
import { MemoryStateStore, type StateStore } from './state-store.js';

/**
 * What several instances share: the state store (Redis with `REDIS_URL`, else in memory) and the config bus
 * (Redis pub/sub with `REDIS_URL`, else PostgreSQL LISTEN/NOTIFY on a real PostgreSQL, else none).
 */
export async function createStateStore(o: {
  env: Env;
  now: () => number;
  logger: Logger;
  metrics: Metrics;
  instanceId: string;
}): Promise<StateStore> {
  const { env, metrics } = o;
  if (!env.REDIS_URL) return new MemoryStateStore(o.now);
  // Loaded only with REDIS_URL (ioredis adds ~3 MB of resident memory to a running server; bench/README.md).
  const { RedisStateStore } = await import('./redis-state-store.js');
  const store = new RedisStateStore({
    url: env.REDIS_URL,
    prefix: env.REDIS_KEY_PREFIX,
    syncIntervalMs: env.STATE_SYNC_INTERVAL_MS,
    commandTimeoutMs: env.REDIS_COMMAND_TIMEOUT_MS,
    now: o.now,
    logger: o.logger,
    instanceId: o.instanceId,
    onFailOpen: (op) => metrics.stateStoreFailOpen.inc({ op }),
    onAvailability: (up) => metrics.stateStoreUp.set(up ? 1 : 0),
  });
  metrics.stateStoreUp.set(0);
  await store.start();
  return store;
}

export async function createConfigBus(o: {
  env: Env;
  db: Database;
  logger: Logger;
  instanceId: string;
  onChange: (what: string) => void;
}): Promise<ConfigBus> {
  const opts = { instanceId: o.instanceId, logger: o.logger, onChange: o.onChange };
  if (o.env.REDIS_URL) return RedisConfigBus.create(o.env.REDIS_URL, o.env.REDIS_KEY_PREFIX, opts);
  if (o.db.kind === 'postgres' && o.env.DATABASE_URL)
    return PostgresConfigBus.create(o.env.DATABASE_URL, opts);
  return NO_BUS;
}
