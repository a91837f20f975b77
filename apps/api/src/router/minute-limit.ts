import { bucketItem, refusedUntil, type BucketConfig } from '@switchyard/core';
import type { StateStore } from './state-store.js';

/**
 * At most `perMinute` calls per id in any 60 s, counted in the state store like the proxy's rate limits (a sliding
 * minute; shared by every instance with Redis). `take(id)` counts one call: null when admitted, else the ms to wait
 * (at least 1 s). A store that fails rejects: the caller decides whether that fails open.
 */
export function minuteLimiter(
  store: Pick<StateStore, 'consume'>,
  scope: string,
  name: string,
  perMinute: number,
  now: () => number,
): (id: string) => Promise<number | null> {
  const bucket: BucketConfig = {
    name,
    unit: 'requests',
    limit: perMinute,
    window: { unit: 'minute', size: 1 },
    models: 'all',
  };
  return async (id) => {
    const t = now();
    const item = bucketItem(scope, id, bucket, t, 1);
    const r = await store.consume([item]);
    if (r.ok) return null;
    const until = 'used' in r ? refusedUntil(item, r, t) : null;
    return Math.max(1000, (until ?? item.window!.end) - t);
  };
}
