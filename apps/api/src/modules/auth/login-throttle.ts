import { MemoryStateStore } from '../../router/state-store.js';

/**
 * Failed sign-in attempts, limited per account and per client IP in fixed windows. The counters live in the
 * state store, so with Redis several instances share one limit (in memory on a single instance).
 */
export interface ThrottleLimits {
  windowMs: number;
  perAccount: number;
  perIp: number;
}

export const DEFAULT_THROTTLE: ThrottleLimits = { windowMs: 15 * 60_000, perAccount: 10, perIp: 50 };

/** The part of the state store the throttle needs: an atomic check-and-count, fresh reads and adjustments. */
export interface ThrottleCounters {
  consume(items: { key: string; amount: number; limit: number; ttlMs: number }[]): Promise<{ ok: boolean }>;
  read(keys: string[]): Promise<number[]>;
  adjust(items: { key: string; delta: number; ttlMs: number }[]): Promise<void>;
}

/** A counted sign-in attempt: settle it once the password has been checked. */
export interface ThrottleReservation {
  /** Wrong password: the attempt stays counted. */
  failed(): void;
  /** Right password: the account's failures are cleared and the IP is not charged for this attempt. */
  succeeded(): Promise<void>;
}

/**
 * The attempt is counted before the password is verified (an atomic "count if under the limit" in the state
 * store), so a burst of concurrent attempts on one account gets at most `perAccount` evaluations per window,
 * and once the limit is taken even the right password is refused until the window ends.
 */
export class LoginThrottle {
  private readonly counters: ThrottleCounters;

  constructor(
    private readonly limits: ThrottleLimits = DEFAULT_THROTTLE,
    private readonly now: () => number = Date.now,
    counters?: ThrottleCounters,
  ) {
    this.counters = counters ?? new MemoryStateStore(now);
  }

  #window(t: number) {
    const start = t - (t % this.limits.windowMs);
    return { start, ttlMs: start + this.limits.windowMs - t + 1000 };
  }

  #keys(email: string, ip: string, windowStart: number) {
    return { account: `login:${windowStart}:a:${email.toLowerCase()}`, ip: `login:${windowStart}:i:${ip}` };
  }

  /**
   * Count one attempt for the account and the IP if both are under their limits. Returns the seconds until the
   * caller may try again when either limit is taken (nothing counted), or the reservation to settle.
   */
  async reserve(
    email: string,
    ip: string,
  ): Promise<{ ok: true; reservation: ThrottleReservation } | { ok: false; retryAfterSeconds: number }> {
    const t = this.now();
    const w = this.#window(t);
    const k = this.#keys(email, ip, w.start);
    const got = await this.counters.consume([
      { key: k.account, amount: 1, limit: this.limits.perAccount, ttlMs: w.ttlMs },
      { key: k.ip, amount: 1, limit: this.limits.perIp, ttlMs: w.ttlMs },
    ]);
    if (!got.ok)
      return {
        ok: false,
        retryAfterSeconds: Math.max(1, Math.ceil((w.start + this.limits.windowMs - t) / 1000)),
      };
    return {
      ok: true,
      reservation: {
        failed: () => undefined,
        succeeded: async () => {
          // This attempt's own slot on the IP goes back; the account's count (its failures and this attempt) is cleared.
          const [n = 0] = await this.counters.read([k.account]);
          await this.counters.adjust([
            { key: k.ip, delta: -1, ttlMs: w.ttlMs },
            ...(n > 0 ? [{ key: k.account, delta: -n, ttlMs: w.ttlMs }] : []),
          ]);
        },
      },
    };
  }
}
