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
 * else total latency), and a success of the circuit, always: the store ends the run of failures it holds and closes
 * the circuit. Not only when `view` shows failures: a shared store's view lags the other instances' outcomes (their
 * failures may not have reached it yet), and a success must end those too, or a healthy target would open later on
 * failures that came before it.
 */
export function eventsAfterSuccess(
  a: AttemptTargets,
  sample: { latencyMs: number; ttftMs?: number | null },
  view: StateView,
): StateEvent[] {
  const target = modelTarget(a.providerId, a.modelRegistryId);
  return [
    { type: 'latency', target, value: ewma(view.latency(target), sample.ttftMs ?? sample.latencyMs) },
    { type: 'circuit', target, change: { kind: 'success' } },
  ];
}

/**
 * The event that marks a half-open probe as in flight (so no second probe is let through). The runtime claims a
 * probe through its store (`circuitClaim`, atomic across instances); this is the change a store applies when it
 * claims one on its own state.
 */
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
