/**
 * Endpoints of a provider that failed recently (a connection failure, a 5xx, a 429 or the gateway's own timeout,
 * before anything reached the client: the failures that move a call to the provider's next endpoint). For a
 * while the proxy tries such an endpoint after the provider's others, so one region's outage costs one failed call
 * rather than one per request; an answer from it ends its cooldown at once.
 *
 * Kept per instance (a second instance learns the same outage on its own first call). Entries expire; the map is
 * bounded.
 */
export class EndpointCooldowns {
  readonly #until = new Map<string, number>();

  constructor(
    private readonly o: {
      /** How long a failed endpoint is tried last (ENDPOINT_COOLDOWN_MS); 0 = never (the configured order only). */
      cooldownMs: number;
      now: () => number;
      maxEntries?: number;
    },
  ) {}

  /** Which of a provider's endpoints are cooling now; null when none is (the common case: one map size check). */
  cooling(providerId: string, endpoints: readonly { baseUrl: string | null }[]): boolean[] | null {
    if (this.#until.size === 0) return null;
    const now = this.o.now();
    let any = false;
    const out = endpoints.map((e) => {
      const k = keyOf(providerId, e.baseUrl);
      const until = this.#until.get(k);
      if (until === undefined) return false;
      if (until <= now) {
        this.#until.delete(k);
        return false;
      }
      any = true;
      return true;
    });
    return any ? out : null;
  }

  /** The endpoint failed: tried last for the cooldown, or until the upstream's Retry-After if that is longer. */
  failed(providerId: string, baseUrl: string | null, retryAfterMs: number | null): void {
    if (this.o.cooldownMs <= 0) return;
    const now = this.o.now();
    if (this.#until.size >= (this.o.maxEntries ?? 10_000)) this.#prune(now);
    const ms = Math.max(this.o.cooldownMs, Math.min(retryAfterMs ?? 0, MAX_RETRY_AFTER_MS));
    this.#until.set(keyOf(providerId, baseUrl), now + ms);
  }

  /** The endpoint answered: its cooldown (if any) ends. */
  answered(providerId: string, baseUrl: string | null): void {
    if (this.#until.size > 0) this.#until.delete(keyOf(providerId, baseUrl));
  }

  /** Expired entries go; if the map is still full, the oldest-set half goes too (insertion order). */
  #prune(now: number): void {
    for (const [k, until] of this.#until) if (until <= now) this.#until.delete(k);
    const max = this.o.maxEntries ?? 10_000;
    if (this.#until.size < max) return;
    let drop = Math.ceil(this.#until.size / 2);
    for (const k of this.#until.keys()) {
      if (drop-- <= 0) break;
      this.#until.delete(k);
    }
  }
}

/** A Retry-After longer than this is not taken at its word for an endpoint's cooldown. */
const MAX_RETRY_AFTER_MS = 10 * 60_000;

const keyOf = (providerId: string, baseUrl: string | null) => `${providerId}\u0000${baseUrl ?? ''}`;
