import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CLOSED, appendCircuitChange, circuitApply, circuitClaim, circuitRelease } from './circuit.js';
import type { CircuitChange, CircuitState } from './state.js';

const fail = (failures: number, at: number, threshold = 3): CircuitChange => ({
  kind: 'failure',
  failures,
  at,
  threshold,
});
const probe = (at: number): CircuitChange => ({ kind: 'probe', at });
const success: CircuitChange = { kind: 'success' };
const closed = (failures: number): CircuitState => ({ phase: 'closed', failures, openedAt: 0 });
const open = (failures: number, openedAt: number): CircuitState => ({ phase: 'open', failures, openedAt });
const halfOpen = (failures: number, openedAt: number): CircuitState => ({
  phase: 'half-open',
  failures,
  openedAt,
});

describe('circuitApply: a change applied to the state a store holds', () => {
  it.each<[string, CircuitState | undefined, CircuitChange, CircuitState | undefined]>([
    ['a failure on an unknown circuit counts 1', undefined, fail(1, 10), closed(1)],
    ['failures add to those held', closed(1), fail(1, 10), closed(2)],
    ['reaching the threshold opens it at the failure', closed(2), fail(1, 10), open(3, 10)],
    ['several failures at once (another instance) open it too', closed(1), fail(2, 10), open(3, 10)],
    ['past the threshold at once', undefined, fail(5, 10), open(5, 10)],
    ['the threshold is the change’s own', closed(4), fail(1, 10, 6), closed(5)],
    ['a failure while open keeps it open from its time', open(3, 10), fail(1, 20), open(4, 20)],
    ['a failed probe reopens it', halfOpen(3, 10), fail(1, 20), open(4, 20)],
    [
      'an earlier failure (a clock behind) never moves the open time back',
      open(3, 20),
      fail(1, 10),
      open(4, 20),
    ],
    ['a success closes an open circuit', open(3, 10), success, CLOSED],
    ['a success closes a half-open one', halfOpen(3, 10), success, CLOSED],
    ['a success ends a run of failures', closed(2), success, CLOSED],
    ['a success on an unknown circuit: closed', undefined, success, CLOSED],
    ['a probe makes an open circuit half-open from its time', open(3, 10), probe(50), halfOpen(3, 50)],
    ['a probe of a half-open one (a stale probe) restarts it', halfOpen(3, 10), probe(50), halfOpen(3, 50)],
    ['an earlier probe never moves the open time back', open(3, 60), probe(50), halfOpen(3, 60)],
    ['a probe of a circuit closed meanwhile leaves it closed', closed(0), probe(50), closed(0)],
    ['a probe of a circuit counting failures leaves them', closed(2), probe(50), closed(2)],
    ['a probe of an unknown circuit leaves it unknown', undefined, probe(50), undefined],
  ])('%s', (_name, state, change, expected) => {
    expect(circuitApply(state, change)).toEqual(expected);
  });
});

describe('circuitClaim: one probe per open period, whoever asks first', () => {
  const s = { openMs: 30 };
  it.each<[string, CircuitState | undefined, number, boolean, CircuitState | undefined]>([
    ['an unknown circuit: nothing to claim, the request goes', undefined, 100, true, undefined],
    ['a closed one (closed meanwhile by a success): it goes', closed(2), 100, true, closed(2)],
    ['open, its open time not over: refused', open(3, 80), 100, false, open(3, 80)],
    ['open, its open time over: claimed, half-open from now', open(3, 70), 100, true, halfOpen(3, 100)],
    ['open, long over: claimed', open(3, 10), 100, true, halfOpen(3, 100)],
    ['half-open, a probe in flight: refused', halfOpen(3, 90), 100, false, halfOpen(3, 90)],
    ['half-open, the claim just taken: refused', halfOpen(3, 100), 100, false, halfOpen(3, 100)],
    [
      'half-open, the claim expired (its probe never told): claimed',
      halfOpen(3, 60),
      100,
      true,
      halfOpen(3, 100),
    ],
  ])('%s', (_name, state, now, claimed, after) => {
    expect(circuitClaim(state, now, s)).toEqual({ claimed, state: after });
  });

  it('of two claims at the same moment, the second is refused', () => {
    const first = circuitClaim(open(3, 0), 100, s);
    expect(first.claimed).toBe(true);
    expect(circuitClaim(first.state, 100, s).claimed).toBe(false);
    expect(circuitClaim(first.state, 129, s).claimed).toBe(false);
    expect(circuitClaim(first.state, 130, s).claimed).toBe(true);
  });
});

describe('circuitRelease: a probe that ended without a verdict gives its claim back', () => {
  const s = { openMs: 30 };
  it.each<[string, CircuitState | undefined, boolean, CircuitState | undefined]>([
    ['its claim, still held: released, the next request may probe', halfOpen(3, 100), true, open(3, 70)],
    ['a later claim (this one expired): kept', halfOpen(3, 140), false, halfOpen(3, 140)],
    ['reopened by a failure meanwhile: kept', open(4, 100), false, open(4, 100)],
    ['closed by a success meanwhile: kept', closed(0), false, closed(0)],
    ['reset meanwhile: nothing', undefined, false, undefined],
  ])('%s', (_name, state, released, after) => {
    expect(circuitRelease(state, 100, s)).toEqual({ released, state: after });
  });

  it('released, the claim goes to the next request at once', () => {
    const claimed = circuitClaim(open(3, 0), 100, s).state;
    const released = circuitRelease(claimed, 100, s).state;
    expect(circuitClaim(released, 101, s)).toEqual({ claimed: true, state: halfOpen(3, 101) });
  });
});

describe('appendCircuitChange: changes kept for a later write', () => {
  it.each<[string, CircuitChange[], CircuitChange, CircuitChange[]]>([
    ['the first change', [], fail(1, 10), [fail(1, 10)]],
    ['failures add up (the later time)', [fail(1, 10)], fail(1, 20), [fail(2, 20)]],
    [
      'failures under another threshold are kept apart',
      [fail(1, 10)],
      fail(1, 20, 5),
      [fail(1, 10), fail(1, 20, 5)],
    ],
    ['a success makes what came before moot', [fail(2, 10), probe(20)], success, [success]],
    ['failures after a success follow it', [success], fail(1, 10), [success, fail(1, 10)]],
    ['a probe follows failures', [fail(3, 10)], probe(20), [fail(3, 10), probe(20)]],
    ['of two probes the later stands', [fail(3, 10), probe(20)], probe(30), [fail(3, 10), probe(30)]],
    ['a failure after a probe is that failure', [fail(3, 10), probe(20)], fail(1, 30), [fail(4, 30)]],
    ['a failure after a lone probe', [probe(20)], fail(1, 30), [fail(1, 30)]],
    [
      'success, failures, probe: three at most',
      [success, fail(2, 10)],
      probe(20),
      [success, fail(2, 10), probe(20)],
    ],
  ])('%s', (_name, changes, next, expected) => {
    expect(appendCircuitChange(changes, next)).toEqual(expected);
  });

  it('leaves every state as applying the changes one by one does (changes in the order they happened)', () => {
    const state = fc.option(
      fc.record({
        phase: fc.constantFrom<CircuitState['phase']>('closed', 'open', 'half-open'),
        failures: fc.nat(8),
        openedAt: fc.nat(100),
      }),
      { nil: undefined },
    );
    const step = fc.oneof(
      fc.record({
        kind: fc.constant('failure' as const),
        failures: fc.integer({ min: 1, max: 3 }),
        threshold: fc.constantFrom(3, 5),
      }),
      fc.constant({ kind: 'success' as const }),
      fc.constant({ kind: 'probe' as const }),
    );
    fc.assert(
      fc.property(state, fc.array(fc.tuple(step, fc.nat(20)), { maxLength: 12 }), (start, steps) => {
        // Times never go back within one instance's list.
        let at = 100;
        const changes: CircuitChange[] = steps.map(([s, dt]) => {
          at += dt;
          return s.kind === 'success' ? s : { ...s, at };
        });
        let oneByOne = start;
        for (const c of changes) oneByOne = circuitApply(oneByOne, c);
        let kept: CircuitChange[] = [];
        for (const c of changes) kept = appendCircuitChange(kept, c);
        let together = start;
        for (const c of kept) together = circuitApply(together, c);
        expect(together).toEqual(oneByOne);
        // The shortest equivalent list: a success first (it resets all before it), one failure per run of failures
        // under one threshold (probes between failures add nothing), a probe last. Failures under different
        // thresholds cannot be summed: each opens the circuit at its own count.
        let runs = 0;
        let threshold: number | null = null;
        for (const c of changes) {
          if (c.kind === 'success') [runs, threshold] = [0, null];
          else if (c.kind === 'failure' && c.threshold !== threshold)
            [runs, threshold] = [runs + 1, c.threshold];
        }
        expect(kept.length).toBeLessThanOrEqual(2 + runs);
      }),
      { numRuns: 2000 },
    );
  });
});
