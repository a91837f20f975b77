/**
 * The bytes of request bodies held in memory at once (proxy and admin API; read, or waiting for their request to finish), against
 * one bound: many large agent requests at the same time wait for room (503 with Retry-After) instead of
 * growing the process without limit.
 */
export class BodyMemory {
  used = 0;
  constructor(readonly max: number) {}
  take(n: number): boolean {
    if (this.used + n > this.max) return false;
    this.used += n;
    return true;
  }
  give(n: number): void {
    this.used = Math.max(0, this.used - n);
  }
}
