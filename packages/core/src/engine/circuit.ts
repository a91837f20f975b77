import type { CircuitState } from './state.js';
import type { CircuitSettings } from './types.js';

export const CLOSED: CircuitState = { phase: 'closed', failures: 0, openedAt: 0 };

/**
 * Whether the circuit lets a request through now: closed yes; open no until `openMs` passed, then one probe
 * (the state becomes half-open); half-open no while that probe is in flight (a stale probe older than
 * `openMs` lets another through).
 */
export function circuitAdmits(
  state: CircuitState | undefined,
  now: number,
  s: CircuitSettings,
): { admit: boolean; probe: boolean } {
  if (!state || state.phase === 'closed') return { admit: true, probe: false };
  if (now - state.openedAt >= s.openMs) return { admit: true, probe: true };
  return { admit: false, probe: false };
}

/** The next state after an attempt's outcome (only failures that count toward the circuit are passed as failures). */
export function circuitAfter(
  state: CircuitState | undefined,
  success: boolean,
  now: number,
  s: CircuitSettings,
): CircuitState {
  const cur = state ?? CLOSED;
  if (success) return CLOSED;
  if (cur.phase === 'half-open' || cur.phase === 'open')
    return { phase: 'open', failures: cur.failures + 1, openedAt: now };
  const failures = cur.failures + 1;
  return failures >= s.failureThreshold
    ? { phase: 'open', failures, openedAt: now }
    : { phase: 'closed', failures, openedAt: 0 };
}

/** The state while a probe is in flight. */
export function circuitProbing(state: CircuitState, now: number): CircuitState {
  return { phase: 'half-open', failures: state.failures, openedAt: now };
}
