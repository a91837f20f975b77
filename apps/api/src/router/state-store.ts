import {
  checkItems,
  circuitApply,
  itemUsed,
  circuitClaim,
  circuitRelease,
  type BucketCounters,
  type BudgetWindow,
  type CircuitState,
  type DbSnapshot,
  type SettlementDelta,
  type StateEvent,
  type StateView,
} from '@switchyard/core';

/** One limit to check and consume atomically: `used + amount ≤ limit` for every item, or none is consumed. */
export interface ConsumeItem {
  key: string;
  amount: number;
  limit: number;
  /** The counter expires with its window. */
  ttlMs: number;
  /**
   * A rate-limit bucket's sliding window (core's `bucketCounters`): `key` is its current slot, and what the
   * `earlier` slots hold counts toward `limit` too. They are read in the same atomic step, never written.
   */
  window?: Pick<BucketCounters, 'key' | 'earlier'> | undefined;
  /**
   * Set on budget counters, which mirror spend recorded in the database: when the store does not have the
   * counter (a restart, Redis emptied) nothing is consumed and the result lists it as `missing`, so the caller
   * rebuilds it (`seed`) before anything is admitted against it.
   */
  budget?: BudgetWindow;
}

/**
 * A refusal names the first item that did not fit and what it counted (`used`: a bucket's whole window); for a bucket
 * with a sliding window, `earlier` is what each of its earlier slots held (oldest first), from which core's
 * `windowFreeAt` tells when it has room again.
 */
export type ConsumeResult =
  | { ok: true }
  | { ok: false; index: number; used: number; earlier?: number[] }
  | { ok: false; missing: number[] };

/** A counter to create with a value rebuilt from the database, unless it exists (SET NX). */
export interface SeedItem {
  key: string;
  /** The spend the database holds. The store adds this instance's outstanding spend (`useLedger`). */
  value: number;
  ttlMs: number;
  /** When the database was read (ms, this instance's clock): records written before are in `value`. */
  readAt: number;
  /** The database snapshot `value` was read in: exactly the records whose writes it saw committed are in `value`. */
  snapshot?: DbSnapshot | null;
}

/** This instance's spend on budget counters that the database may not hold yet (see SpendLedger). */
export interface OutstandingSpend {
  /** What it may not hold as of a read at `since` (ms, this instance's clock) in `snapshot` (exact, when known). */
  outstanding(key: string, since: number, snapshot?: DbSnapshot | null): number;
  /** An admission the store made: its budget reservations are outstanding until they settle. */
  reserve(items: readonly ConsumeItem[]): void;
}

/**
 * Every counter the engine reads and the executor updates: rate-limit buckets, budget reservations and
 * settlements, cooldowns, circuits, in-flight counts, latency averages, alias cursors. `view()` is the engine's
 * synchronous StateView (for a shared store: a local mirror kept fresh); `consume` is the atomic admission.
 */
export interface StateStore {
  readonly kind: 'memory' | 'redis';
  view(): StateView;
  consume(items: ConsumeItem[]): Promise<ConsumeResult>;
  /** Adjust counters (settle a reservation with the real figure, or refund it); `ifPresent` ones only if they exist. */
  adjust(items: SettlementDelta[]): Promise<void>;
  /**
   * Create counters with these values (plus this instance's outstanding spend) where they do not exist yet;
   * existing ones are left alone.
   */
  seed(items: SeedItem[]): Promise<void>;
  /**
   * Where this instance's outstanding budget spend is read: added to a counter it rebuilds, and (a shared store)
   * to a counter another instance rebuilt, once it learns of it.
   */
  useLedger(ledger: OutstandingSpend): void;
  /** Read counters now (fresh, not the mirror): used by tests and the dashboard. */
  read(keys: string[]): Promise<number[]>;
  apply(events: StateEvent[]): void;
  /**
   * Claim the half-open probe of a circuit at `now` (core's `circuitClaim`), atomically: of the requests planned as
   * a circuit's probe (on this instance or any other sharing the store), one is sent, the others are refused until
   * its outcome is known or `openMs` passes (the claim expires, so a probe whose instance died does not hold the
   * circuit). True for a circuit that is closed meanwhile (no probe needed). A shared store that cannot reach its
   * server claims on its own state (fails open).
   */
  claimProbe(target: string, now: number, openMs: number): Promise<boolean>;
  /**
   * Give back the probe claimed at `claimedAt` (the `now` given to `claimProbe`) when it ended without a verdict
   * (core's `circuitRelease`): the client left, the gateway cancelled it, the request failed as the client's own
   * fault. The next request may probe at once; a circuit closed, reopened or claimed again meanwhile is left alone.
   */
  releaseProbe(target: string, claimedAt: number, openMs: number): Promise<void>;
  /**
   * Who is told when a circuit change this instance made moves the store's circuit between closed and not closed
   * (open or half-open). A shared store tells it of the shared circuit as its write found it, not of this instance's
   * mirror: a change made on a view that lagged (another instance opened the circuit) is told, and each move is told
   * once across the instances. One listener; a later one replaces it.
   */
  onCircuitChange(listener: (target: string, open: boolean) => void): void;
  inFlight(target: string, delta: 1 | -1): void;
  /**
   * Forget these targets' cooldowns and circuits and delete these counters (an admin's reset). A shared store
   * deletes them in the shared state too; other instances' mirrors are told over the config bus.
   */
  clear(targets: string[], counters: string[]): Promise<void>;
  /** Take `name` for `ttlMs` if nobody holds it (SET NX PX): one instance runs a periodic job per period. */
  tryLock(name: string, ttlMs: number): Promise<boolean>;
  close(): Promise<void>;
}

/** The routing state a store keeps per target or alias (besides counters). */
export interface RoutingStateMaps {
  cursors: Map<string, number>;
  weights: Map<string, Record<string, number>>;
  cooldowns: Map<string, number>;
  circuits: Map<string, CircuitState>;
  latency: Map<string, number>;
}

/**
 * One engine state event applied to a store's maps: cooldowns keep the later end, a circuit takes the change
 * (core's `circuitApply`: failures add up), the rest take the new value.
 */
export function applyStateEvent(m: RoutingStateMaps, e: StateEvent): void {
  switch (e.type) {
    case 'cursor':
      m.cursors.set(e.alias, e.value);
      break;
    case 'weights':
      m.weights.set(e.alias, e.value);
      break;
    case 'cooldown':
      m.cooldowns.set(e.target, Math.max(m.cooldowns.get(e.target) ?? 0, e.until));
      break;
    case 'circuit': {
      const next = circuitApply(m.circuits.get(e.target), e.change);
      if (next) m.circuits.set(e.target, next);
      break;
    }
    case 'latency':
      m.latency.set(e.target, e.value);
      break;
  }
}

interface Counter {
  value: number;
  expiresAt: number;
}

/** The single-instance store: plain maps, expiring entries swept lazily. */
export class MemoryStateStore implements StateStore {
  readonly kind = 'memory' as const;
  readonly #counters = new Map<string, Counter>();
  readonly #cooldowns = new Map<string, number>();
  readonly #circuits = new Map<string, CircuitState>();
  readonly #inflight = new Map<string, number>();
  readonly #latency = new Map<string, number>();
  readonly #cursors = new Map<string, number>();
  readonly #weights = new Map<string, Record<string, number>>();
  readonly #locks = new Map<string, number>();
  #ops = 0;
  #ledger: OutstandingSpend | null = null;
  #onCircuit: ((target: string, open: boolean) => void) | null = null;

  constructor(private readonly now: () => number = Date.now) {}

  #get(key: string): number {
    const c = this.#counters.get(key);
    if (!c) return 0;
    if (c.expiresAt <= this.now()) {
      this.#counters.delete(key);
      return 0;
    }
    return c.value;
  }

  /** `#get` as a function to pass around (made once). */
  readonly #read = (key: string): number => this.#get(key);

  #has(key: string): boolean {
    const c = this.#counters.get(key);
    return c !== undefined && c.expiresAt > this.now();
  }

  #add(key: string, delta: number, ttlMs: number) {
    const now = this.now();
    const c = this.#counters.get(key);
    if (!c || c.expiresAt <= now) this.#counters.set(key, { value: delta, expiresAt: now + ttlMs });
    else c.value += delta;
    if (++this.#ops % 10_000 === 0) this.#sweep(now);
  }

  #sweep(now: number) {
    for (const [k, c] of this.#counters) if (c.expiresAt <= now) this.#counters.delete(k);
    for (const [k, until] of this.#cooldowns) if (until <= now) this.#cooldowns.delete(k);
  }

  /** One view for the store's life (it reads the live maps), not eight closures per plan and report. */
  readonly #view: StateView = {
    cooldownUntil: (t) => this.#cooldowns.get(t) ?? 0,
    circuit: (t) => this.#circuits.get(t),
    counter: (k) => this.#get(k),
    spend: (k) => this.#get(k),
    inFlight: (t) => this.#inflight.get(t) ?? 0,
    latency: (t) => this.#latency.get(t),
    cursor: (a) => this.#cursors.get(a) ?? 0,
    weights: (a) => this.#weights.get(a),
  };

  view(): StateView {
    return this.#view;
  }

  async consume(items: ConsumeItem[]): Promise<ConsumeResult> {
    return this.consumeSync(items);
  }

  /** Synchronous, hence atomic within this process. */
  consumeSync(items: ConsumeItem[]): ConsumeResult {
    let missing: number[] | undefined;
    for (let i = 0; i < items.length; i++)
      if (items[i]!.budget && !this.#has(items[i]!.key)) (missing ??= []).push(i);
    if (missing) return { ok: false, missing };
    const check = checkItems(items, (i) => itemUsed(items[i]!, this.#read));
    if (!check.ok) {
      const earlier = items[check.index]!.window?.earlier;
      return earlier?.length ? { ...check, earlier: earlier.map(this.#read) } : check;
    }
    for (const it of items) this.#add(it.key, it.amount, it.ttlMs);
    this.#ledger?.reserve(items);
    return { ok: true };
  }

  async adjust(items: SettlementDelta[]): Promise<void> {
    for (const it of items)
      if (it.delta !== 0 && (!it.ifPresent || this.#has(it.key))) this.#add(it.key, it.delta, it.ttlMs);
  }

  async seed(items: SeedItem[]): Promise<void> {
    for (const it of items)
      if (!this.#has(it.key))
        this.#counters.set(it.key, {
          value: it.value + (this.#ledger?.outstanding(it.key, it.readAt, it.snapshot) ?? 0),
          expiresAt: this.now() + it.ttlMs,
        });
  }

  useLedger(ledger: OutstandingSpend): void {
    this.#ledger = ledger;
  }

  async read(keys: string[]): Promise<number[]> {
    return keys.map((k) => this.#get(k));
  }

  apply(events: StateEvent[]): void {
    const maps = {
      cursors: this.#cursors,
      weights: this.#weights,
      cooldowns: this.#cooldowns,
      circuits: this.#circuits,
      latency: this.#latency,
    };
    for (const e of events) {
      const before = e.type === 'circuit' ? (this.#circuits.get(e.target)?.phase ?? 'closed') : null;
      applyStateEvent(maps, e);
      if (e.type === 'circuit' && this.#onCircuit) {
        const after = this.#circuits.get(e.target)?.phase ?? 'closed';
        if ((before === 'closed') !== (after === 'closed')) this.#onCircuit(e.target, after !== 'closed');
      }
    }
  }

  onCircuitChange(listener: (target: string, open: boolean) => void): void {
    this.#onCircuit = listener;
  }

  async claimProbe(target: string, now: number, openMs: number): Promise<boolean> {
    return this.claimProbeSync(target, now, openMs);
  }

  /** Synchronous, hence atomic within this process. */
  claimProbeSync(target: string, now: number, openMs: number): boolean {
    const { claimed, state } = circuitClaim(this.#circuits.get(target), now, { openMs });
    if (claimed && state) this.#circuits.set(target, state);
    return claimed;
  }

  async releaseProbe(target: string, claimedAt: number, openMs: number): Promise<void> {
    const { released, state } = circuitRelease(this.#circuits.get(target), claimedAt, { openMs });
    if (released && state) this.#circuits.set(target, state);
  }

  inFlight(target: string, delta: 1 | -1): void {
    const v = (this.#inflight.get(target) ?? 0) + delta;
    if (v <= 0) this.#inflight.delete(target);
    else this.#inflight.set(target, v);
  }

  async clear(targets: string[], counters: string[]): Promise<void> {
    for (const t of targets) {
      this.#cooldowns.delete(t);
      this.#circuits.delete(t);
    }
    for (const k of counters) this.#counters.delete(k);
  }

  async tryLock(name: string, ttlMs: number): Promise<boolean> {
    const now = this.now();
    if ((this.#locks.get(name) ?? 0) > now) return false;
    this.#locks.set(name, now + ttlMs);
    return true;
  }

  async close(): Promise<void> {}
}
