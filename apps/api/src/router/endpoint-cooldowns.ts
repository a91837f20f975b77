import type { StateStore } from './state-store.js';

/**
 * Endpoints of a provider that failed recently (a connection failure, a 5xx, a 429 or the gateway's own timeout,
 * before anything reached the client: the failures that move a call to the provider's next endpoint). For a
 * while the proxy tries such an endpoint after the provider's others, so one region's outage costs one failed call
 * rather than one per request; an answer from it ends its cooldown.
 *
 * The cooldowns are the routing state store's own (one target per endpoint): with Redis every instance sees them,
 * they expire like the router's other cooldowns, and a longer one wins when two instances set one.
 */
export class EndpointCooldowns {
  constructor(
    private readonly o: {
      store: StateStore;
      /** How long a failed endpoint is tried last (ENDPOINT_COOLDOWN_MS); 0 = never (the configured order only). */
      cooldownMs: number;
      now: () => number;
      onError?: (err: unknown) => void;
    },
  ) {}

  /** Which of a provider's endpoints are cooling now; null when none is. */
  cooling(providerId: string, endpoints: readonly { baseUrl: string | null }[]): boolean[] | null {
    const view = this.o.store.view();
    const now = this.o.now();
    let any = false;
    const out = endpoints.map((e) => {
      const cool = view.cooldownUntil(endpointTarget(providerId, e.baseUrl)) > now;
      if (cool) any = true;
      return cool;
    });
    return any ? out : null;
  }

  /** The endpoint failed: tried last for the cooldown, or until the upstream's Retry-After if that is longer. */
  failed(providerId: string, baseUrl: string | null, retryAfterMs: number | null): void {
    if (this.o.cooldownMs <= 0) return;
    const ms = Math.max(this.o.cooldownMs, Math.min(retryAfterMs ?? 0, MAX_RETRY_AFTER_MS));
    this.o.store.apply([
      { type: 'cooldown', target: endpointTarget(providerId, baseUrl), until: this.o.now() + ms },
    ]);
  }

  /** The endpoint answered: its cooldown (if it had one) ends. */
  answered(providerId: string, baseUrl: string | null): void {
    const target = endpointTarget(providerId, baseUrl);
    if (this.o.store.view().cooldownUntil(target) <= this.o.now()) return;
    this.o.store.clear([target], []).catch((err: unknown) => this.o.onError?.(err));
  }
}

/** A Retry-After longer than this is not taken at its word for an endpoint's cooldown. */
const MAX_RETRY_AFTER_MS = 10 * 60_000;

/** The state-store target of one endpoint of a provider (apart from provider and model targets: `endpoint:`). */
export const endpointTarget = (providerId: string, baseUrl: string | null) =>
  `endpoint:${providerId}|${baseUrl ?? ''}`;
