// What an instance adds to a budget counter rebuilt from the database: its reservations in flight, and what its
// answered calls spent until the usage queue has written their records (kept a while after, for rebuilds
// elsewhere that read the database just before).
import { parseSnapshot, type LimitItem, type SettlementDelta } from '@switchyard/core';
import { describe, expect, it } from 'vitest';
import { SpendLedger, WRITTEN_KEPT_MS } from './spend-ledger.js';

const budget = (key: string, amount: number): LimitItem => ({
  key,
  amount,
  limit: 100,
  ttlMs: 60_000,
  label: 'key budget (month)',
  unit: 'usd',
  resetsAt: null,
  budget: { scope: 'key', id: key, since: 0 },
});
const bucket = (key: string, amount: number): LimitItem => ({ ...budget(key, amount), budget: undefined });
const delta = (key: string, d: number): SettlementDelta => ({
  key,
  delta: d,
  ttlMs: 60_000,
  ifPresent: true,
});

function setup() {
  let t = 1_000_000;
  const ledger = new SpendLedger(() => t);
  return { ledger, at: (ms: number) => (t = ms), now: () => t };
}

describe('SpendLedger', () => {
  it('holds reservations of budgets (not buckets) until they settle or are released', () => {
    const { ledger } = setup();
    ledger.reserve([budget('b', 0.5), bucket('rpm', 1)]);
    ledger.reserve([budget('b', 0.25)]);
    expect(ledger.outstanding('b', 0)).toBe(0.75);
    expect(ledger.outstanding('rpm', 0)).toBe(0);
    ledger.release([budget('b', 0.25)]);
    expect(ledger.outstanding('b', 0)).toBe(0.5);
  });

  it.each([
    { name: 'settled below the estimate', estimate: 0.5, deltas: [delta('b', -0.2)], spent: 0.3 },
    { name: 'settled above the estimate', estimate: 0.5, deltas: [delta('b', 0.1)], spent: 0.6 },
    { name: 'settled at the estimate (no delta)', estimate: 0.5, deltas: [], spent: 0.5 },
    { name: 'refunded (failed attempt)', estimate: 0.5, deltas: [delta('b', -0.5)], spent: 0 },
  ])(
    'a settled call counts what it spent until its record is written: $name',
    ({ estimate, deltas, spent }) => {
      const { ledger } = setup();
      const mark = ledger.mark();
      ledger.reserve([budget('b', estimate)]);
      ledger.settle(mark, [budget('b', estimate)], deltas);
      expect(ledger.outstanding('b', 0)).toBeCloseTo(spent, 12);
      ledger.queued(mark, 0);
      expect(ledger.outstanding('b', 0)).toBeCloseTo(spent, 12);
      ledger.handled(1);
      expect(ledger.outstanding('b', Number.POSITIVE_INFINITY)).toBe(0);
    },
  );

  it('a record written before `since` is in the database; one written at or after it may not be', () => {
    const { ledger, at } = setup();
    const [m1, m2, m3] = [ledger.mark(), ledger.mark(), ledger.mark()];
    for (const m of [m1!, m2!, m3!]) {
      ledger.reserve([budget('b', 1)]);
      ledger.settle(m, [budget('b', 1)], []);
    }
    // The record is queued before its attempt settles (the answer is recorded, then the reservation settled).
    ledger.queued(m1!, 10);
    ledger.queued(m2!, 11);
    ledger.queued(m3!, 12);
    at(2_000_000);
    ledger.handled(11); // m1 written at 2,000,000
    at(2_000_500);
    ledger.handled(12); // m2 written at 2,000,500; m3 still waits
    expect(ledger.outstanding('b', 1_999_999)).toBe(3);
    expect(ledger.outstanding('b', 2_000_000)).toBe(3);
    expect(ledger.outstanding('b', 2_000_001)).toBe(2);
    expect(ledger.outstanding('b', 2_000_501)).toBe(1);
  });

  it('a written record is forgotten once older than the window a rebuild elsewhere could still miss it in', () => {
    const { ledger, at, now } = setup();
    const m = ledger.mark();
    ledger.reserve([budget('b', 1)]);
    ledger.queued(m, 0);
    ledger.settle(m, [budget('b', 1)], []);
    ledger.handled(1);
    const written = now();
    at(written + WRITTEN_KEPT_MS - 1);
    ledger.handled(1);
    expect(ledger.outstanding('b', -Infinity)).toBe(1);
    at(written + WRITTEN_KEPT_MS + 1);
    ledger.handled(1);
    expect(ledger.outstanding('b', -Infinity)).toBe(0);
  });

  it('a mark that is not queued (the request still running) is always outstanding', () => {
    const { ledger, at } = setup();
    const m = ledger.mark();
    ledger.reserve([budget('b', 2)]);
    ledger.settle(m, [budget('b', 2)], [delta('b', -1)]);
    // A retry on another target of the same request: one mark, both attempts' spend.
    ledger.reserve([budget('b', 2)]);
    ledger.settle(m, [budget('b', 2)], [delta('b', 0.5)]);
    at(9_000_000);
    ledger.handled(100);
    expect(ledger.outstanding('b', 8_000_000)).toBe(3.5);
  });
  it('a record dropped at the queue bound stays outstanding, whatever `since`, until the rollup rows of its spend are written; one set aside as a dead letter is handled like a written one', () => {
    const { ledger, at, now } = setup();
    const marks = [0, 1, 2, 3].map(() => ledger.mark());
    marks.forEach((m, i) => {
      ledger.reserve([budget('b', 1)]);
      ledger.settle(m, [budget('b', 1)], []);
      ledger.queued(m, i);
    });
    ledger.dropped(0, 2); // records 0 and 1 dropped; record 2 set aside (the queue reports it handled)
    ledger.handled(4);
    at(now() + WRITTEN_KEPT_MS + 1);
    ledger.handled(4);
    // Records 2 and 3 are in the database (a dead letter, a usage row) and forgotten; 0 and 1 never will be.
    expect(ledger.outstanding('b', Number.POSITIVE_INFINITY)).toBe(2);
  });
  it('the spend of dropped records is outstanding until its rollup rows are written, then kept like a written record', () => {
    const { ledger, at, now } = setup();
    const marks = [0, 1, 2].map(() => ledger.mark());
    marks.forEach((m, i) => {
      ledger.reserve([budget('b', 1)]);
      ledger.settle(m, [budget('b', 1)], []);
      ledger.queued(m, i);
    });
    const first = ledger.dropped(0, 1);
    const second = ledger.dropped(1, 1);
    ledger.handled(3); // record 2 is written
    expect(ledger.outstanding('b', now() + 1)).toBe(2);
    // The rows of the first drop are written; the second's are not yet.
    at(now() + 10);
    const writtenAt = now();
    ledger.foldWritten([first]);
    expect(ledger.outstanding('b', writtenAt + 1)).toBe(1);
    // A rebuild that read the database before they were written misses them.
    expect(ledger.outstanding('b', writtenAt)).toBe(2);
    at(now() + WRITTEN_KEPT_MS + 1);
    ledger.handled(3);
    expect(ledger.outstanding('b', 0)).toBe(1);
    ledger.foldWritten([second]);
    expect(ledger.outstanding('b', now() + 1)).toBe(0);
  });
  it("with a rebuild's database snapshot, a written record is held exactly when the snapshot saw its transaction committed", () => {
    const { ledger } = setup();
    const marks = [0, 1, 2].map(() => ledger.mark());
    marks.forEach((m, i) => {
      ledger.reserve([budget('b', 1)]);
      ledger.settle(m, [budget('b', 1)], []);
      ledger.queued(m, i);
    });
    ledger.handled(1, 40); // record 0, by transaction 40
    ledger.handled(2, 41); // record 1, by transaction 41
    // Record 2 is not written yet. A read whose snapshot saw 40 but not 41 (still running): records 1 and 2 are missing
    // from it, whatever the clocks say.
    const snap = parseSnapshot('41:42:41')!;
    expect(ledger.outstanding('b', Number.POSITIVE_INFINITY, snap)).toBe(2);
    expect(ledger.outstanding('b', Number.NEGATIVE_INFINITY, snap)).toBe(2);
    // A read after 41 committed holds both.
    expect(ledger.outstanding('b', Number.NEGATIVE_INFINITY, parseSnapshot('42:42:')!)).toBe(1);
    // The rollup rows of a drop are stamped the same way.
    const fold = ledger.dropped(2, 1);
    ledger.foldWritten([fold], 43);
    expect(ledger.outstanding('b', Number.NEGATIVE_INFINITY, parseSnapshot('43:43:')!)).toBe(1);
    expect(ledger.outstanding('b', Number.NEGATIVE_INFINITY, parseSnapshot('44:44:')!)).toBe(0);
  });
});
