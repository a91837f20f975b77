/**
 * Failed sign-in attempts, limited per account and per client IP in fixed windows.
 * Kept in process; several instances each apply the limit (the shared state store takes it over when present).
 */
export interface ThrottleLimits {
  windowMs: number;
  perAccount: number;
  perIp: number;
}

export const DEFAULT_THROTTLE: ThrottleLimits = { windowMs: 15 * 60_000, perAccount: 10, perIp: 50 };

export class LoginThrottle {
  readonly #counts = new Map<string, { windowStart: number; count: number }>();

  constructor(
    private readonly limits: ThrottleLimits = DEFAULT_THROTTLE,
    private readonly now: () => number = Date.now,
  ) {}

  #windowStart(t: number) {
    return t - (t % this.limits.windowMs);
  }

  #get(key: string): number {
    const entry = this.#counts.get(key);
    if (!entry || entry.windowStart !== this.#windowStart(this.now())) return 0;
    return entry.count;
  }

  /** Seconds until the caller may try again, or 0 when allowed. */
  blockedFor(email: string, ip: string): number {
    const t = this.now();
    const over = this.#get(`a:${email.toLowerCase()}`) >= this.limits.perAccount || this.#get(`i:${ip}`) >= this.limits.perIp;
    if (!over) return 0;
    return Math.max(1, Math.ceil((this.#windowStart(t) + this.limits.windowMs - t) / 1000));
  }

  recordFailure(email: string, ip: string): void {
    const ws = this.#windowStart(this.now());
    for (const key of [`a:${email.toLowerCase()}`, `i:${ip}`]) {
      const entry = this.#counts.get(key);
      if (!entry || entry.windowStart !== ws) this.#counts.set(key, { windowStart: ws, count: 1 });
      else entry.count++;
    }
    if (this.#counts.size > 100_000) this.#prune(ws);
  }

  recordSuccess(email: string): void {
    this.#counts.delete(`a:${email.toLowerCase()}`);
  }

  #prune(ws: number) {
    for (const [k, v] of this.#counts) if (v.windowStart !== ws) this.#counts.delete(k);
  }
}
