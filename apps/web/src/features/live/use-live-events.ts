import type { LiveEvent, LiveEventType } from '@switchyard/core';
import { useEffect, useRef, useSyncExternalStore } from 'react';
import { env } from '../../config/env';
import { LiveConnection, type LiveStatus } from './live-connection';

/** The dashboard's one live event stream (GET /api/v1/llm/events, the session cookie signs it in). */
const connection = new LiveConnection({
  url: `${env.VITE_API_BASE}/api/v1/llm/events`,
  open: (url) => new EventSource(url, { withCredentials: true }),
});

export type LiveHandlers = { [K in LiveEventType]?: (event: Extract<LiveEvent, { type: K }>) => void };

/**
 * Listen to live events while the component is mounted; returns the stream's status. A query that polls should poll
 * only while the status is not `open` (the stream is its fallback's replacement, not an addition).
 */
export function useLiveEvents(handlers: LiveHandlers, enabled = true): LiveStatus {
  const ref = useRef(handlers);
  ref.current = handlers;
  // No EventSource (an old browser, a test DOM): polling alone, as before the stream existed.
  const on = enabled && typeof EventSource !== 'undefined';
  useEffect(() => {
    if (!on) return;
    return connection.subscribe((event) => {
      const h = ref.current[event.type] as ((e: LiveEvent) => void) | undefined;
      h?.(event);
    });
  }, [on]);
  const status = useSyncExternalStore(
    (fn) => connection.onStatus(fn),
    () => connection.status,
  );
  return on ? status : 'down';
}

/**
 * A function that runs `fn` at most once per `ms`: the first call runs at once, calls within the window run once at
 * its end (so a burst of events costs one refetch, and the last event is never left out).
 */
export function throttle(fn: () => void, ms: number): () => void {
  let last = 0;
  let timer: ReturnType<typeof setTimeout> | null = null;
  return () => {
    const wait = last + ms - Date.now();
    if (wait <= 0 && timer === null) {
      last = Date.now();
      fn();
    } else if (timer === null) {
      timer = setTimeout(
        () => {
          timer = null;
          last = Date.now();
          fn();
        },
        Math.max(0, wait),
      );
    }
  };
}
