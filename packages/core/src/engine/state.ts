import type { BucketConfig, BudgetConfig } from './types.js';
import { periodStart, windowStart } from './windows.js';

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

/** Key of a bucket window counter: `bucket:<scope>:<id>:<name>:<windowStart>`. */
export function bucketKey(scope: string, id: string, bucket: BucketConfig, now: number): string {
  return `bucket:${scope}:${id}:${bucket.name}:${windowStart(now, bucket.window.unit, bucket.window.size)}`;
}

/** Key of a budget period: `budget:<scope>:<id>:<period>:<periodStart>`. */
export function budgetKey(b: Pick<BudgetConfig, 'scope' | 'id' | 'period'>, now: number): string {
  return `budget:${b.scope}:${b.id}:${b.period}:${periodStart(now, b.period)}`;
}

/** Exponentially weighted moving average with smoothing `alpha` (0.2: the last ~5 samples dominate). */
export function ewma(previous: number | undefined, sample: number, alpha = 0.2): number {
  return previous === undefined ? sample : previous + alpha * (sample - previous);
}
