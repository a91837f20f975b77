import type { CircuitChange, CircuitState } from './state.js';
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

/**
 * The state after a change (see {@link CircuitChange}):
 * - a success closes the circuit (failures back to 0);
 * - failures while closed add up, and open it (at the last one's time) once they reach the threshold; failures
 *   while open or half-open (a failed probe, a request sent before it opened) keep it open from their time on;
 * - a probe makes an open circuit half-open from its time on (no other request goes while it is in flight); a
 *   circuit that is closed (or unknown) stays as it is: whatever closed it ended the open period.
 * A circuit's open time never moves back (a change that carries an earlier time, from a clock behind, keeps it).
 */
export function circuitApply(state: CircuitState | undefined, c: CircuitChange): CircuitState | undefined {
  switch (c.kind) {
    case 'success':
      return CLOSED;
    case 'failure': {
      const cur = state ?? CLOSED;
      const failures = cur.failures + c.failures;
      if (cur.phase !== 'closed') return { phase: 'open', failures, openedAt: Math.max(cur.openedAt, c.at) };
      return failures >= c.threshold
        ? { phase: 'open', failures, openedAt: c.at }
        : { phase: 'closed', failures, openedAt: 0 };
    }
    case 'probe':
      return state && state.phase !== 'closed' ? circuitProbing(state, c.at) : state;
  }
}

/** The next state after an attempt's outcome (only failures that count toward the circuit are passed as failures). */
export function circuitAfter(
  state: CircuitState | undefined,
  success: boolean,
  now: number,
  s: CircuitSettings,
): CircuitState {
  return (
    circuitApply(
      state,
      success
        ? { kind: 'success' }
        : { kind: 'failure', failures: 1, at: now, threshold: s.failureThreshold },
    ) ?? CLOSED
  );
}

/**
 * A claim of the half-open probe of a circuit at `now`: of the requests planned as its probe (each planner saw the
 * open time end), only the one whose claim comes first is sent; the claim makes the circuit half-open from `now`,
 * so the others are refused (and fall back) until the probe's outcome closes or reopens it. The claim expires with
 * the open time (`openMs` after it, as {@link circuitAdmits} lets a stale probe through): a probe whose instance
 * died, or whose outcome never came (the client left), does not hold the circuit for ever. A circuit that is closed
 * (or unknown) has no probe to claim: the request goes as any other, the state stays.
 */
export function circuitClaim(
  state: CircuitState | undefined,
  now: number,
  s: Pick<CircuitSettings, 'openMs'>,
): { claimed: boolean; state: CircuitState | undefined } {
  if (!state || state.phase === 'closed') return { claimed: true, state };
  if (now - state.openedAt < s.openMs) return { claimed: false, state };
  return { claimed: true, state: circuitProbing(state, now) };
}

/**
 * A probe claimed at `claimedAt` that ended without a verdict (the client left before the upstream answered, the
 * gateway cancelled it, the request was refused as the client's own fault): its claim is given back, so the next
 * request may probe at once instead of every request being refused until the claim expires. Only that claim is
 * released: a circuit the probe's outcome (or another request's) closed or reopened meanwhile, or one claimed again
 * since, stays as it is. Released, the circuit is open with its open time over (the claim's time less `openMs`).
 */
export function circuitRelease(
  state: CircuitState | undefined,
  claimedAt: number,
  s: Pick<CircuitSettings, 'openMs'>,
): { released: boolean; state: CircuitState | undefined } {
  if (!state || state.phase !== 'half-open' || state.openedAt !== claimedAt)
    return { released: false, state };
  return {
    released: true,
    state: { phase: 'open', failures: state.failures, openedAt: claimedAt - s.openMs },
  };
}

/** The state while a probe is in flight. */
export function circuitProbing(state: CircuitState, now: number): CircuitState {
  return { phase: 'half-open', failures: state.failures, openedAt: Math.max(state.openedAt, now) };
}

/**
 * `changes` (in the order they happened) followed by `next`, as the shortest list that leaves every state as
 * applying them one by one does: a success makes what came before it moot, consecutive failures (one threshold)
 * add up, a probe followed by a failure is that failure (a failed probe reopens the circuit), and of two probes
 * in a row the later one stands. At most three changes remain (success, failures, probe; one more per change of
 * the threshold meanwhile), however many happened: a store that writes changes later (once per tick, or after an
 * outage) keeps this list per circuit.
 */
export function appendCircuitChange(changes: readonly CircuitChange[], next: CircuitChange): CircuitChange[] {
  if (next.kind === 'success') return [next];
  const out = [...changes];
  const last = out.at(-1);
  if (next.kind === 'probe') {
    if (last?.kind === 'probe') out[out.length - 1] = { kind: 'probe', at: Math.max(last.at, next.at) };
    else out.push(next);
    return out;
  }
  if (last?.kind === 'probe') return appendCircuitChange(out.slice(0, -1), next);
  if (last?.kind === 'failure' && last.threshold === next.threshold)
    out[out.length - 1] = {
      kind: 'failure',
      failures: last.failures + next.failures,
      at: Math.max(last.at, next.at),
      threshold: next.threshold,
    };
  else out.push(next);
  return out;
}
