/**
 * State changes after an attempt ran, as events for the store ({@link StateEvent}): cooldowns, circuit
 * transitions and the latency average. Counters (buckets, budgets) are settled with `settlementDeltas`.
 */
import type { Classification, CooldownScope } from './classify.js';
import { ewma, keyModelTarget, modelTarget, type StateEvent, type StateView } from './state.js';
import type { CircuitSettings } from './types.js';

/** The fields of an attempt that name its state targets. */
export interface AttemptTargets {
  providerId: string;
  /** Registry id of the model (the circuit/latency target is `providerId|modelRegistryId`). */
  modelRegistryId: string;
  key: { id: string };
}

/** The cooldown target a classification names: the provider, the key, the provider × model, or the key × model. */
export function cooldownTarget(a: AttemptTargets, scope: CooldownScope): string {
  switch (scope) {
    case 'provider':
      return a.providerId;
    case 'key':
      return a.key.id;
    case 'key-model':
      return keyModelTarget(a.key.id, a.modelRegistryId);
    case 'model':
      return modelTarget(a.providerId, a.modelRegistryId);
  }
}

/**
 * Events after a failed attempt: the cooldown the classification asks for, and — when the failure counts
 * toward the circuit and the target is done with on this request (no retry) — one failure of the circuit (the
 * store adds it to the failures it holds, which may include other instances' ones).
 */
export function eventsAfterFailure(
  a: AttemptTargets,
  c: Classification,
  now: number,
  circuit: CircuitSettings,
): StateEvent[] {
  const events: StateEvent[] = [];
  if (c.cooldown)
    events.push({
      type: 'cooldown',
      target: cooldownTarget(a, c.cooldown.scope),
      until: now + c.cooldown.ms,
    });
  if (c.circuitFailure && c.action !== 'retry') {
    const target = modelTarget(a.providerId, a.modelRegistryId);
    events.push({
      type: 'circuit',
      target,
      change: { kind: 'failure', failures: 1, at: now, threshold: circuit.failureThreshold },
    });
  }
  return events;
}

/**
 * Events after a successful attempt: the latency EWMA moves toward this sample (time to first token when known,
 * else total latency), and a circuit that was not closed, or counted failures, closes (its failures end).
 */
export function eventsAfterSuccess(
  a: AttemptTargets,
  sample: { latencyMs: number; ttftMs?: number | null },
  view: StateView,
): StateEvent[] {
  const target = modelTarget(a.providerId, a.modelRegistryId);
  const events: StateEvent[] = [
    { type: 'latency', target, value: ewma(view.latency(target), sample.ttftMs ?? sample.latencyMs) },
  ];
  const cur = view.circuit(target);
  if (cur && (cur.phase !== 'closed' || cur.failures > 0))
    events.push({ type: 'circuit', target, change: { kind: 'success' } });
  return events;
}

/** The event that marks a planned half-open probe as in flight (so no second probe is let through). */
export function probeEvents(
  a: AttemptTargets & { probe: boolean },
  view: StateView,
  now: number,
): StateEvent[] {
  if (!a.probe) return [];
  const target = modelTarget(a.providerId, a.modelRegistryId);
  const cur = view.circuit(target);
  return cur ? [{ type: 'circuit', target, change: { kind: 'probe', at: now } }] : [];
}
