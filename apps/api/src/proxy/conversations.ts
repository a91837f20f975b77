import type { Redis } from 'ioredis';
import type { Database } from '../db/client.js';
import type { Logger } from '../lib/logger.js';
import type { ProxyCaller } from '../router/types.js';

/**
 * What the stored conversations of Responses answers cost, by response id: a request that continues one
 * (`previous_response_id`) is billed the whole conversation as input, which its body does not hold, so its budgets
 * reserve this figure on top of its own prompt (core's `reservedPromptTokens`).
 *
 * A response's figure is its input plus its output tokens as the provider reported them: its input already held
 * the conversation before it, and the next turn's input holds it and this answer. Only reported figures are kept (an
 * estimate would count the new input alone). Each figure belongs to its caller's scope (`conversationScope`): another
 * caller naming the id learns nothing from it and is reserved the window.
 *
 * Held in memory, at most `CONVERSATIONS_MAX` ids (the oldest goes first, ~200 bytes each). An id this instance does
 * not hold (another instance relayed the answer, or this one restarted or forgot it) is looked up in the shared
 * store (`SharedConversations`: Redis when configured, then the answer's usage record); one found nowhere, or a
 * store that fails, is reserved its model's whole context window instead.
 */
export const CONVERSATIONS_MAX = 100_000;

/** Response ids longer than this are not remembered (OpenAI's are ~50 characters). */
export const MAX_RESPONSE_ID_LENGTH = 200;

/**
 * Whose conversations a caller sees: its organization's, else its user's, else its key's (the master key's own
 * otherwise). The answer's usage record holds the same three ids, so the database lookup matches on them.
 */
export function conversationScope(c: ProxyCaller): string {
  return c.orgId !== null
    ? `o:${c.orgId}`
    : c.userId !== null
      ? `u:${c.userId}`
      : c.keyId !== null
        ? `k:${c.keyId}`
        : 'm';
}

export class ConversationTokens {
  readonly #tokens = new Map<string, number>();

  constructor(private readonly max = CONVERSATIONS_MAX) {}

  remember(scope: string, responseId: string, tokens: number): void {
    if (!responseId || responseId.length > MAX_RESPONSE_ID_LENGTH || !Number.isFinite(tokens) || tokens < 0)
      return;
    const key = `${scope} ${responseId}`;
    this.#tokens.delete(key);
    this.#tokens.set(key, Math.ceil(tokens));
    if (this.#tokens.size > this.max) this.#tokens.delete(this.#tokens.keys().next().value!);
  }

  /** The conversation's tokens, or null when this instance does not know the response (in this scope). */
  get(scope: string, responseId: string): number | null {
    return this.#tokens.get(`${scope} ${responseId}`) ?? null;
  }

  get size(): number {
    return this.#tokens.size;
  }
}

/** How long Redis keeps a figure: the answer's usage record holds it durably once written (USAGE_FLUSH_INTERVAL_MS). */
const REDIS_TTL_SECONDS = 24 * 3600;

/** A lookup not answered within this long is given up (the window is reserved): it must not hold the request. */
const LOOKUP_TIMEOUT_MS = 500;

/**
 * The conversations every instance can read. The database is the durable source: an answer's usage record carries
 * its response id and tokens (written in the usage batches, so it is found once the batch is). With Redis configured,
 * each instance also writes the figure there as it relays the answer, so another instance finds it at once (a
 * client continuing within the usage flush interval), for a day. Only ids not in an instance's memory are looked up.
 */
export class SharedConversations {
  constructor(
    private readonly o: {
      db: Pick<Database, 'query'>;
      redis: Redis | null;
      prefix: string;
      logger: Logger;
      timeoutMs?: number;
    },
  ) {}

  #key(scope: string, responseId: string): string {
    return `${this.o.prefix}conv:${scope}:${responseId}`;
  }

  /** Tells the other instances (Redis only; the usage record tells the database). Never awaited. */
  share(scope: string, responseId: string, tokens: number): void {
    const redis = this.o.redis;
    if (redis === null || responseId.length > MAX_RESPONSE_ID_LENGTH) return;
    redis
      .set(this.#key(scope, responseId), String(Math.ceil(tokens)), 'EX', REDIS_TTL_SECONDS)
      .catch((err: unknown) =>
        this.o.logger.warn({ err: String(err) }, 'sharing a conversation size in Redis failed'),
      );
  }

  /**
   * The conversation's tokens in the caller's scope, or null: unknown, an id no answer could have, a store that
   * fails or does not answer within the timeout (the caller then reserves the window; never an error).
   */
  async lookup(caller: ProxyCaller, responseId: string): Promise<number | null> {
    if (responseId.length > MAX_RESPONSE_ID_LENGTH || responseId.includes('\u0000')) return null;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<null>((resolve) => {
      timer = setTimeout(() => resolve(null), this.o.timeoutMs ?? LOOKUP_TIMEOUT_MS);
    });
    try {
      return await Promise.race([this.#find(caller, responseId), timeout]);
    } catch (err) {
      this.o.logger.warn(
        { err: String(err) },
        'looking up a conversation size failed; the window is reserved',
      );
      return null;
    } finally {
      clearTimeout(timer);
    }
  }

  async #find(caller: ProxyCaller, responseId: string): Promise<number | null> {
    const scope = conversationScope(caller);
    if (this.o.redis !== null) {
      const v = await this.o.redis.get(this.#key(scope, responseId)).catch(() => null);
      const n = v === null ? NaN : Number(v);
      if (Number.isFinite(n) && n >= 0) return n;
    }
    // The caller's scope, as conversationScope: the record's organization, else user, else key (the master key: none).
    const [column, id] =
      caller.orgId !== null
        ? ['orgId', caller.orgId]
        : caller.userId !== null
          ? ['userId', caller.userId]
          : caller.keyId !== null
            ? ['gatewayKeyId', caller.keyId]
            : [null, null];
    const where =
      column === null
        ? `"gatewayKeyId" IS NULL AND "userId" IS NULL AND "orgId" IS NULL`
        : `"${column}" = $2`;
    const rows = await this.o.db.query<{ tokens: number }>(
      `SELECT ("tokensIn" + "tokensOut")::float8 AS tokens FROM "UsageRecord"
        WHERE "responseId" = $1 AND ${where} AND NOT "tokensEstimated" ORDER BY "id" DESC LIMIT 1`,
      column === null ? [responseId] : [responseId, id],
    );
    const t = rows[0]?.tokens;
    return typeof t === 'number' && Number.isFinite(t) && t >= 0 ? t : null;
  }
}
