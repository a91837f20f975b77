import { useCallback } from 'react';
import { useSearchParams } from 'react-router';

/** `/path?a=1&b=x` from a record; undefined, null and '' are left out. */
export function withQuery(
  path: string,
  params: Record<string, string | number | boolean | null | undefined>,
): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params))
    if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `${path}?${s}` : path;
}

/**
 * Page state in the query string, so a filter, a tab or an open panel survives a reload and can be linked to.
 * `get(k)` reads one value ('' when absent); `set({k: v})` changes some (blank removes), replacing the history entry.
 */
export function useQueryState() {
  const [params, setParams] = useSearchParams();
  const get = useCallback((key: string) => params.get(key) ?? '', [params]);
  const set = useCallback(
    (changes: Record<string, string | null | undefined>, opts: { push?: boolean } = {}) => {
      setParams(
        (prev) => {
          const next = new URLSearchParams(prev);
          for (const [k, v] of Object.entries(changes)) {
            if (v === undefined || v === null || v === '') next.delete(k);
            else next.set(k, v);
          }
          return next;
        },
        { replace: !opts.push },
      );
    },
    [setParams],
  );
  return { params, get, set };
}

/** A value from a fixed set, or the fallback. */
export function oneOf<T extends string>(value: string, allowed: readonly T[], fallback: T): T {
  return (allowed as readonly string[]).includes(value) ? (value as T) : fallback;
}
