import type { LiveEvent, LiveEventType } from '@switchyard/core';

/** The stream's event names (types only from core: its values would pull its whole index into the first load). */
const EVENT_TYPES = ['call', 'provider', 'model', 'circuit'] as const satisfies readonly LiveEventType[];
// Every type of the stream is listened to (a new one in core fails to compile here until it is added).
const _all: Exclude<LiveEventType, (typeof EVENT_TYPES)[number]> extends never ? true : never = true;
void _all;

/** Where the stream is: `open` (events arrive; polling can rest), `connecting`, or `down` (poll instead). */
export type LiveStatus = 'connecting' | 'open' | 'down';

type Listener = (event: LiveEvent) => void;

/** The part of EventSource the connection uses (tests pass a fake). */
export interface EventSourceLike {
  /** `open`, `error`, and the event names. */
  addEventListener(type: string, listener: (ev: MessageEvent) => void): void;
  close(): void;
}

export interface LiveConnectionOptions {
  url: string;
  open: (url: string) => EventSourceLike;
  /** Delay before reconnect attempt `n` (0-based); default 1 s doubling up to 30 s. */
  backoffMs?: (n: number) => number;
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (t: unknown) => void;
}

export const defaultBackoff = (n: number) => Math.min(1000 * 2 ** n, 30_000);

/**
 * One event stream shared by every component that listens: opened with the first listener, closed with the last.
 * When it fails (network, server restart, 401) it is closed and reopened after a growing delay (1 s, 2 s, 4 s … 30 s);
 * meanwhile its status is `down` and the dashboard falls back to polling.
 */
export class LiveConnection {
  #source: EventSourceLike | null = null;
  #listeners = new Set<Listener>();
  #statusListeners = new Set<() => void>();
  #status: LiveStatus = 'down';
  #failures = 0;
  #retry: unknown = null;

  constructor(private readonly opts: LiveConnectionOptions) {}

  get status(): LiveStatus {
    return this.#status;
  }

  subscribe(listener: Listener): () => void {
    this.#listeners.add(listener);
    if (!this.#source && this.#retry === null) this.#connect();
    return () => {
      this.#listeners.delete(listener);
      if (this.#listeners.size === 0) this.#disconnect();
    };
  }

  onStatus(fn: () => void): () => void {
    this.#statusListeners.add(fn);
    return () => void this.#statusListeners.delete(fn);
  }

  #setStatus(s: LiveStatus) {
    if (s === this.#status) return;
    this.#status = s;
    for (const fn of this.#statusListeners) fn();
  }

  #connect() {
    this.#retry = null;
    this.#setStatus('connecting');
    const source = this.opts.open(this.opts.url);
    this.#source = source;
    source.addEventListener('open', () => {
      this.#failures = 0;
      this.#setStatus('open');
    });
    source.addEventListener('error', () => {
      // The browser would retry on its own, but not after an HTTP error; one policy for both: close, back off, reopen.
      source.close();
      if (this.#source !== source) return;
      this.#source = null;
      this.#setStatus('down');
      const delay = (this.opts.backoffMs ?? defaultBackoff)(this.#failures++);
      this.#retry = (this.opts.setTimer ?? setTimeout)(() => this.#connect(), delay);
    });
    for (const type of EVENT_TYPES) {
      source.addEventListener(type, (ev) => {
        let event: unknown;
        try {
          event = JSON.parse(String(ev.data));
        } catch {
          return;
        }
        if (typeof event !== 'object' || event === null || (event as { type?: unknown }).type !== type)
          return;
        for (const l of this.#listeners) l(event as LiveEvent);
      });
    }
  }

  #disconnect() {
    if (this.#retry !== null)
      (this.opts.clearTimer ?? clearTimeout)(this.#retry as ReturnType<typeof setTimeout>);
    this.#retry = null;
    this.#source?.close();
    this.#source = null;
    this.#failures = 0;
    this.#setStatus('down');
  }
}
