import type { Redis } from 'ioredis';
import { pg } from '@switchyard/prisma';
import type { Logger } from '../lib/logger.js';
import { redactUrl } from '../lib/redact-url.js';

/**
 * Tells every other instance that the routing configuration changed (an admin write), so each reloads its
 * snapshot. Redis pub/sub when `REDIS_URL` is set, PostgreSQL LISTEN/NOTIFY on a real PostgreSQL without Redis,
 * nothing on the embedded database (one instance). Messages are hints: a lost one (the bus was down) is made up
 * for by the reload on reconnection and by the periodic full reload.
 */
export interface ConfigBus {
  readonly kind: 'redis' | 'postgres' | 'none';
  /** Tell the other instances; never throws (a failure is logged). */
  publish(what: string): Promise<void>;
  close(): Promise<void>;
}

export interface ConfigBusOptions {
  instanceId: string;
  logger: Logger;
  /** Called for a change made on another instance, and with `reconnect` after the bus was down. */
  onChange: (what: string) => void;
}

interface Message {
  from: string;
  what: string;
}

function parse(raw: string): Message | null {
  try {
    const m = JSON.parse(raw) as Partial<Message>;
    return typeof m.from === 'string' && typeof m.what === 'string' ? { from: m.from, what: m.what } : null;
  } catch {
    return null;
  }
}

export const NO_BUS: ConfigBus = {
  kind: 'none',
  publish: async () => undefined,
  close: async () => undefined,
};

export class RedisConfigBus implements ConfigBus {
  readonly kind = 'redis' as const;
  readonly #pub: Redis;
  readonly #sub: Redis;
  readonly #channel: string;
  #subscribedOnce = false;

  private constructor(
    RedisClient: typeof Redis,
    url: string,
    prefix: string,
    private readonly opts: ConfigBusOptions,
  ) {
    this.#channel = `${prefix}config`;
    const common = {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      connectTimeout: 2000,
      commandTimeout: 1000,
      retryStrategy: (n: number) => Math.min(n * 100, 1000),
    };
    this.#pub = new RedisClient(url, common);
    // The subscriber resubscribes by itself after a reconnection (ioredis autoResubscribe), so it may queue.
    this.#sub = new RedisClient(url, { ...common, enableOfflineQueue: true, commandTimeout: undefined });
    this.#pub.on('error', () => undefined);
    this.#sub.on('error', () => undefined);
    this.#sub.on('message', (_channel: string, raw: string) => {
      const m = parse(raw);
      if (m && m.from !== opts.instanceId) opts.onChange(m.what);
    });
    this.#sub.on('ready', () => {
      // Changes published while this instance was cut off were missed: reload once.
      if (this.#subscribedOnce) {
        opts.logger.info({ redis: redactUrl(url) }, 'config bus reconnected: reloading routing');
        opts.onChange('reconnect');
      }
    });
  }

  static async create(url: string, prefix: string, opts: ConfigBusOptions): Promise<RedisConfigBus> {
    // ioredis is loaded only when Redis is configured (see createStateStore).
    const { Redis: RedisClient } = await import('ioredis');
    const bus = new RedisConfigBus(RedisClient, url, prefix, opts);
    try {
      await withTimeout(bus.#sub.subscribe(bus.#channel), 2000);
    } catch (err) {
      opts.logger.warn(
        { err: String(err), redis: redactUrl(url) },
        'config bus: Redis not reachable yet; will subscribe when it is',
      );
    }
    bus.#subscribedOnce = true;
    return bus;
  }

  async publish(what: string): Promise<void> {
    try {
      await this.#pub.publish(
        this.#channel,
        JSON.stringify({ from: this.opts.instanceId, what } satisfies Message),
      );
    } catch (err) {
      this.opts.logger.warn(
        { err: String(err), what },
        'config bus: publish failed; other instances pick the change up with their periodic reload',
      );
    }
  }

  async close(): Promise<void> {
    await Promise.all([
      this.#pub.quit().catch(() => this.#pub.disconnect()),
      this.#sub.quit().catch(() => this.#sub.disconnect()),
    ]);
  }
}

/** LISTEN/NOTIFY on one dedicated connection, reconnected with backoff. */
export class PostgresConfigBus implements ConfigBus {
  readonly kind = 'postgres' as const;
  readonly #channel: string;
  #client: InstanceType<typeof pg.Client> | null = null;
  #closed = false;
  #retry: NodeJS.Timeout | undefined;
  #failures = 0;

  private constructor(
    private readonly url: string,
    channel: string,
    private readonly opts: ConfigBusOptions,
  ) {
    this.#channel = channel;
  }

  static async create(
    url: string,
    opts: ConfigBusOptions & { channel?: string },
  ): Promise<PostgresConfigBus> {
    const bus = new PostgresConfigBus(url, opts.channel ?? 'switchyard_config', opts);
    await bus.#connect(false);
    return bus;
  }

  async #connect(isReconnect: boolean): Promise<void> {
    if (this.#closed) return;
    const client = new pg.Client({ connectionString: this.url, connectionTimeoutMillis: 5000 });
    client.on('error', () => this.#lost(client));
    client.on('end', () => this.#lost(client));
    client.on('notification', (n) => {
      if (n.channel !== this.#channel || !n.payload) return;
      const m = parse(n.payload);
      if (m && m.from !== this.opts.instanceId) this.opts.onChange(m.what);
    });
    try {
      await client.connect();
      await client.query(`LISTEN "${this.#channel}"`);
    } catch (err) {
      this.opts.logger.warn({ err: String(err) }, 'config bus: PostgreSQL LISTEN failed; retrying');
      client.removeAllListeners('end');
      await client.end().catch(() => undefined);
      this.#scheduleReconnect();
      return;
    }
    if (this.#closed) {
      await client.end().catch(() => undefined);
      return;
    }
    this.#client = client;
    this.#failures = 0;
    if (isReconnect) {
      this.opts.logger.info('config bus reconnected: reloading routing');
      this.opts.onChange('reconnect');
    }
  }

  #lost(client: InstanceType<typeof pg.Client>) {
    if (this.#client !== client) return;
    this.#client = null;
    client.end().catch(() => undefined);
    this.#scheduleReconnect();
  }

  #scheduleReconnect() {
    if (this.#closed || this.#retry) return;
    const delay = Math.min(250 * 2 ** this.#failures++, 5000);
    this.#retry = setTimeout(() => {
      this.#retry = undefined;
      void this.#connect(true);
    }, delay);
    this.#retry.unref();
  }

  async publish(what: string): Promise<void> {
    const client = this.#client;
    if (!client) {
      this.opts.logger.warn(
        { what },
        'config bus: not connected; other instances pick the change up with their periodic reload',
      );
      return;
    }
    try {
      await client.query('SELECT pg_notify($1, $2)', [
        this.#channel,
        JSON.stringify({ from: this.opts.instanceId, what } satisfies Message),
      ]);
    } catch (err) {
      this.opts.logger.warn(
        { err: String(err), what },
        'config bus: NOTIFY failed; other instances pick the change up with their periodic reload',
      );
    }
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#retry);
    const c = this.#client;
    this.#client = null;
    if (c) await c.end().catch(() => undefined);
  }
}

async function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      p,
      new Promise<never>(
        (_, reject) => (timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms)),
      ),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
