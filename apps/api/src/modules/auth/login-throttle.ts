import { MemoryStateStore } from '../../routing/state-store.js';

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

/** The part of the state store the throttle needs: fresh reads and counter adjustments that expire. */
export interface ThrottleCounters {
  read(keys: string[]): Promise<number[]>;
  adjust(items: { key: string; delta: number; ttlMs: number }[]): Promise<void>;
}

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

  /** Seconds until the caller may try again, or 0 when allowed. */
  async blockedFor(email: string, ip: string): Promise<number> {
    const t = this.now();
    const w = this.#window(t);
    const k = this.#keys(email, ip, w.start);
    const [account = 0, byIp = 0] = await this.counters.read([k.account, k.ip]);
    if (account < this.limits.perAccount && byIp < this.limits.perIp) return 0;
    return Math.max(1, Math.ceil((w.start + this.limits.windowMs - t) / 1000));
  }

  async recordFailure(email: string, ip: string): Promise<void> {
    const w = this.#window(this.now());
    const k = this.#keys(email, ip, w.start);
    await this.counters.adjust([
      { key: k.account, delta: 1, ttlMs: w.ttlMs },
      { key: k.ip, delta: 1, ttlMs: w.ttlMs },
    ]);
  }

  /** A successful sign-in clears the account's failures (not the IP's). */
  async recordSuccess(email: string): Promise<void> {
    const w = this.#window(this.now());
    const { account } = this.#keys(email, '', w.start);
    const [n = 0] = await this.counters.read([account]);
    if (n > 0) await this.counters.adjust([{ key: account, delta: -n, ttlMs: w.ttlMs }]);
  }
}
