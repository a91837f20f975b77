import type { Server } from 'node:http';
import { createGatewayServer } from '../http/server.js';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { createApp, type App } from '../app.js';
import { loadEnv } from '../config/env.js';
import { createDatabase, IN_MEMORY, type Database } from '../db/client.js';
import { createLogger } from '../lib/logger.js';
import { RedisStateStore } from '../router/redis-state-store.js';
import type { StateStore } from '../router/state-store.js';
import type { ProxyEnv } from './proxy-env.js';

/** Another gateway instance on the database of a ProxyEnv, with its own HTTP server, snapshot and state store. */
export interface Instance {
  app: App;
  url: string;
  logs: string[];
  close: () => Promise<void>;
}

class LineSink extends Writable {
  constructor(private readonly lines: string[]) {
    super();
  }
  override _write(chunk: Buffer, _enc: BufferEncoding, cb: () => void) {
    this.lines.push(...chunk.toString().split('\n').filter(Boolean));
    cb();
  }
}

/** A second instance of the gateway on the same database as `a` (its own pool on PostgreSQL). */
export async function startInstance(
  a: ProxyEnv,
  env: Record<string, string>,
  now: () => number = Date.now,
): Promise<Instance> {
  const shared = a.t.db;
  const db: Database = shared.url
    ? await createDatabase({ databaseUrl: shared.url, dataDir: IN_MEMORY, poolSize: 5 })
    : shared;
  const logs: string[] = [];
  const app = await createApp({
    env: loadEnv({ LOG_LEVEL: 'info', SERVE_WEB: 'false', ...env }),
    db,
    logger: createLogger('info', new LineSink(logs)),
    secrets: a.t.app.ctx.secrets,
    processEnv: {},
    now,
  });
  const server: Server = createGatewayServer(app.handle);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    app,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    logs,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      await app.close();
      if (db !== shared) await db.close();
    },
  };
}

/** The app's state store, which must be the Redis one. */
export function redisOf(app: App): RedisStateStore {
  const s: StateStore = app.routing.store;
  if (!(s instanceof RedisStateStore)) throw new Error('expected the Redis state store');
  return s;
}
