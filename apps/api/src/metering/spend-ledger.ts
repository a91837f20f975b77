import { committedBefore, type DbSnapshot, type LimitItem, type SettlementDelta } from '@switchyard/core';

/**
 * How long after its record was written a settled amount is still kept: a budget rebuilt by another instance
 * may have read the database just before that record was committed. Far longer than the time between such a
 * rebuild's read and this instance learning of it (its next sync, a fraction of a second).
 */
export const WRITTEN_KEPT_MS = 60_000;

/** A request whose record never reached the usage queue is forgotten after this (requests end well before). */
const UNQUEUED_KEPT_MS = 6 * 3_600_000;

/**
 * What one request spent on budget counters (settled attempts), until the database holds it: a usage record
 * carries its mark to the usage queue (`queued`), and the queue tells the ledger once that record is written.
 */
export class SpendMark {
  /** Budget counter key → what the request's settled attempts spent on it. */
  readonly amounts = new Map<string, number>();
  /** The record's place in the usage queue; undefined until it is queued. */
  seq: number | undefined;
  /** When the queue was done with the record (written, or set aside); null while it waits. */
  writtenAt: number | null = null;
  /**
   * The database transaction that wrote it, or a later one of this instance's (see CommitTracker); null when unknown.
   * A rebuild whose snapshot saw that transaction committed holds the record.
   */
  xid: number | null = null;

  constructor(readonly createdAt: number) {}
}

/**
 * This instance's spend on budget counters that the database does not hold yet: reservations of calls in flight,
 * and what settled calls spent until their records are written. A budget counter rebuilt from the database
 * (after a restart, or Redis lost its data) misses exactly this, on every instance: each instance adds its own
 * (`outstanding`) to the rebuilt counter, so the counter holds every dollar spent however many instances share it.
 */
export class SpendLedger {
  readonly #reserved = new Map<string, number>();
  /**
   * Spend of records dropped at the queue's bound, one mark per drop: their records are never written, but what they
   * spent is folded into rollup rows (dropped-spend.ts), which a rebuilt budget reads. Outstanding until those rows
   * are written (`foldWritten`), then kept like a written record's. A record the database refused is kept in
   * "UsageDeadLetter", which a rebuilt budget reads (spend.ts): it is handled like a written one.
   */
  readonly #folded = new Set<SpendMark>();
  /** Marks of requests whose record is not queued yet. */
  readonly #unqueued = new Set<SpendMark>();
  /** Marks of queued records in queue order (their records are written in that order). */
  #queued: SpendMark[] = [];
  /** Marks before this index are written. */
  #writtenUpTo = 0;

  constructor(private readonly now: () => number = Date.now) {}

  /** A request's mark, the first time one of its attempts is admitted against a budget. */
  mark(): SpendMark {
    const m = new SpendMark(this.now());
    this.#unqueued.add(m);
    return m;
  }

  /** Budget reservations of an admission (the state store tells it as it makes one), held until they settle. */
  reserve(items: readonly Pick<LimitItem, 'key' | 'amount' | 'budget'>[]): void {
    for (const it of items)
      if (it.budget) this.#reserved.set(it.key, (this.#reserved.get(it.key) ?? 0) + it.amount);
  }

  /** Reservations that were refused, or are gone (see `settle`). */
  release(items: readonly Pick<LimitItem, 'key' | 'amount' | 'budget'>[]): void {
    for (const it of items) {
      if (!it.budget) continue;
      const left = (this.#reserved.get(it.key) ?? 0) - it.amount;
      if (left > 1e-12) this.#reserved.set(it.key, left);
      else this.#reserved.delete(it.key);
    }
  }

  /**
   * An admitted attempt settled: its reservations are gone, and what it really spent on each budget (the
   * reservation corrected by `deltas`; nothing for a refund) stays on the request's mark until its record is written.
   */
  settle(mark: SpendMark, items: readonly LimitItem[], deltas: readonly SettlementDelta[]): void {
    this.release(items);
    for (const it of items) {
      if (!it.budget) continue;
      const spent = it.amount + (deltas.find((d) => d.key === it.key)?.delta ?? 0);
      if (spent > 1e-15) mark.amounts.set(it.key, (mark.amounts.get(it.key) ?? 0) + spent);
    }
  }

  /** The request's record is in the usage queue at `seq`. */
  queued(mark: SpendMark, seq: number): void {
    // Its attempt may settle just after (the record is queued first).
    if (!this.#unqueued.delete(mark)) return;
    mark.seq = seq;
    this.#queued.push(mark);
  }

  /**
   * The queue dropped `count` records from place `from` on: their records will never be in the database. What they
   * spent moves to one mark, outstanding until the rollup rows their spend is folded into are written (`foldWritten`).
   */
  dropped(from: number, count: number): SpendMark {
    const fold = new SpendMark(this.now());
    for (let i = this.#writtenUpTo; i < this.#queued.length; i++) {
      const m = this.#queued[i]!;
      if (m.seq! >= from + count) break;
      if (m.seq! < from) continue;
      for (const [k, v] of m.amounts) fold.amounts.set(k, (fold.amounts.get(k) ?? 0) + v);
      m.amounts.clear();
    }
    if (fold.amounts.size > 0) this.#folded.add(fold);
    return fold;
  }

  /**
   * The rollup rows holding the spend of these drops (`dropped`'s marks) are written (by transaction `xid`, when
   * known): it is in the database now.
   */
  foldWritten(marks: readonly SpendMark[], xid: number | null = null): void {
    const now = this.now();
    for (const m of marks)
      if (this.#folded.has(m)) {
        m.writtenAt = now;
        m.xid = xid;
      }
  }

  /**
   * The usage queue is done with every record before `seq` (written, or set aside as a dead letter); `xid`: the
   * last database transaction this instance's usage writes committed (it, or an earlier one, wrote them).
   */
  handled(seq: number, xid: number | null = null): void {
    const now = this.now();
    const q = this.#queued;
    while (this.#writtenUpTo < q.length && q[this.#writtenUpTo]!.seq! < seq) {
      const m = q[this.#writtenUpTo++]!;
      m.writtenAt = now;
      m.xid = xid;
    }
    let drop = 0;
    while (drop < this.#writtenUpTo && q[drop]!.writtenAt! < now - WRITTEN_KEPT_MS) drop++;
    if (drop > 0 && drop * 2 >= this.#writtenUpTo) {
      this.#queued = q.slice(drop);
      this.#writtenUpTo -= drop;
    }
    if (this.#unqueued.size > 0)
      for (const m of this.#unqueued) if (m.createdAt < now - UNQUEUED_KEPT_MS) this.#unqueued.delete(m);
    if (this.#folded.size > 0)
      for (const m of this.#folded)
        if (m.writtenAt !== null && m.writtenAt < now - WRITTEN_KEPT_MS) this.#folded.delete(m);
  }

  /**
   * This instance's spend on `key` the database may not hold as of a rebuild's read: its reservations in flight, and
   * what settled calls spent whose records the read did not hold. With the read's `snapshot`, exact: a record whose
   * writing transaction the snapshot saw committed is held. Without one (or a record whose transaction is unknown),
   * by time: records not written before `since` (ms, this instance's clock) may be missing.
   */
  outstanding(key: string, since: number, snapshot?: DbSnapshot | null): number {
    const held = (m: SpendMark) =>
      m.writtenAt !== null &&
      (snapshot && m.xid !== null ? committedBefore(m.xid, snapshot) : m.writtenAt < since);
    let sum = this.#reserved.get(key) ?? 0;
    for (const m of this.#unqueued) sum += m.amounts.get(key) ?? 0;
    for (const m of this.#folded) if (!held(m)) sum += m.amounts.get(key) ?? 0;
    // Records are written in queue order, each by the transaction it is stamped with or a later one: once one is
    // held, every one before it is.
    for (let i = this.#queued.length - 1; i >= 0; i--) {
      const m = this.#queued[i]!;
      if (held(m)) break;
      sum += m.amounts.get(key) ?? 0;
    }
    return sum;
  }
}
