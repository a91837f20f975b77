import { countersAt, refusedUntil, type BucketCounters, type BucketWindow } from '@switchyard/core';
import { MemoryStateStore, type ConsumeResult } from '../../router/state-store.js';

/**
 * Failed sign-in attempts, limited per account and per client IP in sliding windows: no span of `windowMs` holds more
 * than the limit, across a window boundary too (core's rate-limit slots, `WINDOW_SLOTS`). The counters live in the
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
  consume(
    items: {
      key: string;
      amount: number;
      limit: number;
      ttlMs: number;
      window?: Pick<BucketCounters, 'key' | 'earlier'>;
    }[],
  ): Promise<ConsumeResult>;
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
 * store), so a burst of concurrent attempts on one account gets at most `perAccount` evaluations in any `windowMs`,
 * and once the limit is taken even the right password is refused until enough of the failures have left the window.
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

  /** The window as a rate-limit bucket's: whole seconds (15 minutes: ten slots of 90 s). */
  get #span(): BucketWindow {
    return { unit: 'second', size: Math.max(1, Math.round(this.limits.windowMs / 1000)) };
  }

  #counters(email: string, ip: string, t: number) {
    return {
      account: countersAt(`login:a:${email.toLowerCase()}:`, this.#span, t),
      ip: countersAt(`login:i:${ip}:`, this.#span, t),
    };
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
    const c = this.#counters(email, ip, t);
    const items = [
      {
        key: c.account.key,
        amount: 1,
        limit: this.limits.perAccount,
        ttlMs: c.account.end - t + 1000,
        window: c.account,
      },
      { key: c.ip.key, amount: 1, limit: this.limits.perIp, ttlMs: c.ip.end - t + 1000, window: c.ip },
    ];
    const got = await this.counters.consume(items);
    if (!got.ok) {
      // Until enough of what the refusing counter holds has left its window (the end of the window at the latest).
      const item = 'index' in got ? items[got.index]! : items[0]!;
      const until =
        'used' in got ? refusedUntil({ ...item, resetsAt: item.window.end }, got, t) : item.window.end;
      return {
        ok: false,
        retryAfterSeconds: Math.max(1, Math.ceil(((until ?? item.window.end) - t) / 1000)),
      };
    }
    return {
      ok: true,
      reservation: {
        failed: () => undefined,
        succeeded: async () => {
          // This attempt's own count on the IP goes back; the account's (its failures in every slot of the window, and
          // this attempt) are cleared.
          const slots = [c.account.key, ...c.account.earlier];
          const held = await this.counters.read(slots);
          await this.counters.adjust([
            { key: c.ip.key, delta: -1, ttlMs: items[1]!.ttlMs },
            ...slots.flatMap((key, i) =>
              (held[i] ?? 0) > 0 ? [{ key, delta: -held[i]!, ttlMs: items[0]!.ttlMs }] : [],
            ),
          ]);
        },
      },
    };
  }
}
