import type { Redis } from 'ioredis';
import { liveEventSchema, type LiveEvent } from '@switchyard/core';
import { z } from 'zod';
import type { Logger } from '../lib/logger.js';
import { redactUrl } from '../lib/redact-url.js';

/**
 * The live event bus behind `GET /api/v1/llm/events`: in process, and with `REDIS_URL` across instances (one
 * pub/sub channel, `<REDIS_KEY_PREFIX>events`, JSON messages `{from, events}`). An instance delivers its own events
 * locally and skips its own messages coming back from Redis, so every listener gets each event once. Events are
 * hints for the dashboard: one lost while Redis is away is made up for by the dashboard's next refetch.
 */
export interface LiveEventBus {
  readonly kind: 'redis' | 'local';
  /** Deliver to this instance's listeners and to the other instances. Never throws. */
  publish(events: readonly LiveEvent[]): void;
  /** Listen to every event (local and from other instances); returns the unsubscribe function. */
  subscribe(listener: (event: LiveEvent) => void): () => void;
  /** Listeners on this instance (the leak test and /metrics read it). */
  readonly listeners: number;
  /** Is anybody possibly listening (here, or on another instance through Redis)? Saves building unwanted events. */
  readonly wanted: boolean;
  close(): Promise<void>;
}

/** At most this many events per Redis message (a flush of 500 usage records is 1 message). */
const MAX_PER_MESSAGE = 1000;
/**
 * A message published while the publishing connection is reconnecting is sent once it is back if that is within
 * this long (at most MAX_HELD messages): the instance's state store may reach Redis a moment before it and tell what
 * changed meanwhile (a circuit an admin's reset closed during the outage). Older ones are dropped (hints).
 */
const HOLD_MS = 2000;
const MAX_HELD = 100;

const messageSchema = z.object({ from: z.string(), events: z.array(z.unknown()).max(MAX_PER_MESSAGE) });

class Listeners {
  readonly #set = new Set<(event: LiveEvent) => void>();
  constructor(private readonly logger: Logger) {}
  get size(): number {
    return this.#set.size;
  }
  add(fn: (event: LiveEvent) => void): () => void {
    // A wrapper per subscription, so the same function subscribed twice is two listeners and each unsubscribes once.
    const wrapped = (e: LiveEvent) => fn(e);
    this.#set.add(wrapped);
    return () => void this.#set.delete(wrapped);
  }
  deliver(events: readonly LiveEvent[]): void {
    if (this.#set.size === 0) return;
    for (const e of events)
      for (const l of this.#set) {
        try {
          l(e);
        } catch (err) {
          this.logger.warn({ err: String(err), type: e.type }, 'live event listener failed');
        }
      }
  }
}

export class LocalEventBus implements LiveEventBus {
  readonly kind = 'local' as const;
  readonly #listeners: Listeners;
  constructor(logger: Logger) {
    this.#listeners = new Listeners(logger);
  }
  get listeners(): number {
    return this.#listeners.size;
  }
  get wanted(): boolean {
    return this.#listeners.size > 0;
  }
  publish(events: readonly LiveEvent[]): void {
    this.#listeners.deliver(events);
  }
  subscribe(listener: (event: LiveEvent) => void): () => void {
    return this.#listeners.add(listener);
  }
  async close(): Promise<void> {}
}

export class RedisEventBus implements LiveEventBus {
  readonly kind = 'redis' as const;
  readonly #pub: Redis;
  readonly #sub: Redis;
  readonly #channel: string;
  readonly #listeners: Listeners;
  /** Messages published while the publisher was not connected, with when they stop being worth sending. */
  #held: { message: string; until: number }[] = [];

  private constructor(
    RedisClient: typeof Redis,
    url: string,
    prefix: string,
    private readonly instanceId: string,
    private readonly logger: Logger,
  ) {
    this.#channel = `${prefix}events`;
    this.#listeners = new Listeners(logger);
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
    this.#pub.on('ready', () => {
      const now = Date.now();
      const held = this.#held.filter((h) => h.until > now);
      this.#held = [];
      for (const h of held) this.#send(h.message);
    });
    this.#sub.on('error', () => undefined);
    this.#sub.on('message', (_channel: string, raw: string) => this.#received(raw));
  }

  static async create(
    url: string,
    prefix: string,
    instanceId: string,
    logger: Logger,
  ): Promise<RedisEventBus> {
    const { Redis: RedisClient } = await import('ioredis');
    const bus = new RedisEventBus(RedisClient, url, prefix, instanceId, logger);
    try {
      await Promise.race([
        bus.#sub.subscribe(bus.#channel),
        new Promise((_, reject) =>
          setTimeout(() => reject(new Error('timed out after 2000 ms')), 2000).unref(),
        ),
      ]);
    } catch (err) {
      logger.warn(
        { err: String(err), redis: redactUrl(url) },
        'live events: Redis not reachable yet; will subscribe when it is',
      );
    }
    return bus;
  }

  #received(raw: string): void {
    if (this.#listeners.size === 0) return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      return;
    }
    const m = messageSchema.safeParse(parsed);
    if (!m.success || m.data.from === this.instanceId) return;
    const events: LiveEvent[] = [];
    for (const e of m.data.events) {
      const ok = liveEventSchema.safeParse(e);
      if (ok.success) events.push(ok.data);
    }
    this.#listeners.deliver(events);
  }

  get listeners(): number {
    return this.#listeners.size;
  }
  get wanted(): boolean {
    return true;
  }

  publish(events: readonly LiveEvent[]): void {
    if (events.length === 0) return;
    this.#listeners.deliver(events);
    for (let i = 0; i < events.length; i += MAX_PER_MESSAGE) {
      const message = JSON.stringify({ from: this.instanceId, events: events.slice(i, i + MAX_PER_MESSAGE) });
      if (this.#pub.status === 'ready') this.#send(message);
      else this.#hold(message);
    }
  }

  #send(message: string): void {
    this.#pub.publish(this.#channel, message).catch((err: unknown) => {
      this.logger.debug({ err: String(err) }, 'live events: publish to Redis failed');
    });
  }

  #hold(message: string): void {
    const now = Date.now();
    this.#held = this.#held.filter((h) => h.until > now);
    if (this.#held.length >= MAX_HELD) this.#held.shift();
    this.#held.push({ message, until: now + HOLD_MS });
  }

  subscribe(listener: (event: LiveEvent) => void): () => void {
    return this.#listeners.add(listener);
  }

  async close(): Promise<void> {
    await Promise.all([
      this.#pub.quit().catch(() => this.#pub.disconnect()),
      this.#sub.quit().catch(() => this.#sub.disconnect()),
    ]);
  }
}

export async function createEventBus(o: {
  redisUrl: string | undefined;
  prefix: string;
  instanceId: string;
  logger: Logger;
}): Promise<LiveEventBus> {
  if (o.redisUrl) return RedisEventBus.create(o.redisUrl, o.prefix, o.instanceId, o.logger);
  return new LocalEventBus(o.logger);
}
