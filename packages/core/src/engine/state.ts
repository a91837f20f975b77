import type { BucketConfig, BudgetConfig } from './types.js';
import { WINDOW_SLOTS, periodStart, slotLength, windowEnd, windowStart } from './windows.js';

export type CircuitPhase = 'closed' | 'open' | 'half-open';

export interface CircuitState {
  phase: CircuitPhase;
  /** Consecutive failures while closed. */
  failures: number;
  /** When it last opened (ms). */
  openedAt: number;
}

/**
 * The counters the engine reads, as a synchronous view. The API implements it over its state store (in memory,
 * or a local mirror of Redis). Keys are built with the helpers below so every store agrees on them.
 */
export interface StateView {
  /** ms epoch until which the target is cooling down, or 0. Target key: `providerId` or `providerId|modelId`. */
  cooldownUntil(target: string): number;
  circuit(target: string): CircuitState | undefined;
  /** Amount used in a bucket window (requests or tokens). */
  counter(key: string): number;
  /** USD spent + reserved in a budget period. */
  spend(key: string): number;
  inFlight(target: string): number;
  /** EWMA latency (ms) of a target, if known. */
  latency(target: string): number | undefined;
  /** Round-robin cursor of an alias. */
  cursor(alias: string): number;
  /** Smooth weighted round-robin current weights of an alias, by target ref. */
  weights(alias: string): Readonly<Record<string, number>> | undefined;
}

/**
 * What happened to a circuit: `failures` failures that count toward it (the last at `at`; `threshold` is the
 * configured failure threshold), a success, or a half-open probe sent at `at`. A store applies it to the state it
 * holds with `circuitApply`: a store shared by several instances holds outcomes that the view the event was
 * derived from has not seen yet, so the event says what happened, not the state that follows.
 */
export type CircuitChange =
  | { kind: 'failure'; failures: number; at: number; threshold: number }
  | { kind: 'success' }
  | { kind: 'probe'; at: number };

/** Changes the engine asks the store to make. */
export type StateEvent =
  | { type: 'cursor'; alias: string; value: number }
  | { type: 'weights'; alias: string; value: Record<string, number> }
  | { type: 'cooldown'; target: string; until: number }
  | { type: 'circuit'; target: string; change: CircuitChange }
  | { type: 'latency'; target: string; value: number };

export const EMPTY_STATE: StateView = {
  cooldownUntil: () => 0,
  circuit: () => undefined,
  counter: () => 0,
  spend: () => 0,
  inFlight: () => 0,
  latency: () => undefined,
  cursor: () => 0,
  weights: () => undefined,
};

export function modelTarget(providerId: string, modelId: string): string {
  return `${providerId}|${modelId}`;
}

/** The cooldown target of one key × one model (a caller's key that may not use that model). */
export function keyModelTarget(keyId: string, modelId: string): string {
  return `key|${keyId}|${modelId}`;
}

/**
 * The counters of a rate-limit bucket at one moment. A sliding window (second to week) is counted in slots
 * (`slotLength`, `WINDOW_SLOTS`): `key` is the current slot's counter, the one an admission adds to and its settlement corrects;
 * `earlier` are the `WINDOW_SLOTS` slots before it, oldest first, read and never written. A month window is a calendar
 * month: `key` is its one counter and `earlier` is empty.
 */
export interface BucketCounters {
  /** `bucket:<scope>:<id>:<name>:<start>`: the current slot (a month window: the month). */
  readonly key: string;
  /** The earlier slots still inside the window, oldest first; empty for a month window. */
  readonly earlier: readonly string[];
  /** Start of the current slot (a month window: of the month), ms epoch. */
  readonly start: number;
  /** Slot length (ms); 0 for a month window. */
  readonly slotMs: number;
  /** When the window's counters stop mattering: the current slot has left the window, or the month has ended. */
  readonly end: number;
}

/**
 * Counters already built, by key prefix: they change only when a new slot starts, so a check reads the same key
 * strings (no new ones per request). Bounded; forgetting only costs a rebuild.
 */
const countersMemo = new Map<string, BucketCounters>();
const MEMO_MAX = 8192;

/** The counters of `bucket` (of `scope`/`id`) at `now`. */
export function bucketCounters(scope: string, id: string, bucket: BucketConfig, now: number): BucketCounters {
  return countersAt(`bucket:${scope}:${id}:${bucket.name}:`, bucket.window, now);
}

/**
 * The counters under key prefix `prefix` of a bucket with `window` at `now`: `previous` (or the memo's) when it is
 * still current, else new ones.
 */
export function countersAt(
  prefix: string,
  window: BucketConfig['window'],
  now: number,
  previous?: BucketCounters,
): BucketCounters {
  const slotMs = slotLength(window.unit, window.size);
  const start = slotMs > 0 ? Math.floor(now / slotMs) * slotMs : windowStart(now, window.unit, window.size);
  // A month window of another size may start on the same month: its end tells them apart.
  const same = (c: BucketCounters | undefined): c is BucketCounters =>
    c !== undefined &&
    c.start === start &&
    c.slotMs === slotMs &&
    (slotMs !== 0 || c.end === windowEnd(now, window.unit, window.size));
  if (same(previous)) return previous;
  const known = countersMemo.get(prefix);
  if (same(known)) return known;
  let c: BucketCounters;
  if (slotMs > 0) {
    const earlier: string[] = [];
    for (let i = WINDOW_SLOTS; i >= 1; i--) earlier.push(prefix + (start - i * slotMs));
    c = { key: prefix + start, earlier, start, slotMs, end: start + (WINDOW_SLOTS + 1) * slotMs };
  } else
    c = { key: prefix + start, earlier: [], start, slotMs: 0, end: windowEnd(now, window.unit, window.size) };
  if (countersMemo.size >= MEMO_MAX) countersMemo.clear();
  countersMemo.set(prefix, c);
  return c;
}

/** Key of a bucket's current counter (see {@link BucketCounters}): `bucket:<scope>:<id>:<name>:<slot or month start>`. */
export function bucketKey(scope: string, id: string, bucket: BucketConfig, now: number): string {
  return bucketCounters(scope, id, bucket, now).key;
}

/** Key of a budget period: `budget:<scope>:<id>:<period>:<periodStart>`. */
export function budgetKey(b: Pick<BudgetConfig, 'scope' | 'id' | 'period'>, now: number): string {
  return `budget:${b.scope}:${b.id}:${b.period}:${periodStart(now, b.period)}`;
}

/** Exponentially weighted moving average with smoothing `alpha` (0.2: the last ~5 samples dominate). */
export function ewma(previous: number | undefined, sample: number, alpha = 0.2): number {
  return previous === undefined ? sample : previous + alpha * (sample - previous);
}
