/**
 * Limits and money as counters: what one attempt reserves against rate-limit buckets and budgets before it runs,
 * and how the reservation is settled with the real figures after. Pure: the store applies the items atomically
 * (all or nothing) and the deltas afterwards. Bucket and budget checks in `plan()` read the same keys, so
 * concurrent requests are kept under their limits by reservation rather than by after-the-fact accounting.
 */
import { promptTokensOn, reservedOutputTokens } from './cost.js';
import { bucketApplies } from './plan.js';
import { budgetKey, bucketCounters, type BucketCounters } from './state.js';
import type {
  BucketConfig,
  BudgetConfig,
  Caller,
  KeySource,
  ModelConfig,
  ProviderConfig,
  RequestInfo,
} from './types.js';
import { periodEnd, periodStart } from './windows.js';

/** One counter an attempt reserves: a bucket window (requests or tokens) or a budget period (USD). */
export interface LimitItem {
  /** Counter key ({@link bucketKey} / {@link budgetKey}). */
  key: string;
  /** What the attempt reserves: 1 request, the estimated tokens, or the estimated cost. */
  amount: number;
  /** The counter may not go above this (budget: cap + carried-over rollover). */
  limit: number;
  /** How long the store should keep the counter: until the window/period ends, plus a margin. */
  ttlMs: number;
  /** Human label for errors: 'provider bucket rpm', 'user budget (week)'. */
  label: string;
  unit: 'requests' | 'tokens' | 'usd';
  /**
   * When the window/period resets (ms epoch); null for a lifetime budget. A sliding bucket window never resets
   * whole: when all it counts now has left it (its refusals compute the wait with {@link windowFreeAt}).
   */
  resetsAt: number | null;
  /**
   * A bucket's counters: `key` is its current slot, and what `window.earlier` holds counts toward the limit too
   * (read, never written). See {@link bucketCounters}.
   */
  window?: BucketCounters;
  /** A bucket's window as configured (its messages name it: '10 requests per minute'). */
  per?: BucketConfig['window'];
  /**
   * Budget counters only: which spend the counter mirrors. The database is the source of truth for spend, so a
   * store that has lost the counter (a restart, Redis emptied) must not admit against it until it was rebuilt
   * from the recorded spend of `scope`/`id` since `since` (the period start; 0 for lifetime).
   */
  budget?: BudgetWindow;
}

/** The recorded spend a budget counter mirrors: one key, user or org, from the start of the current period. */
export interface BudgetWindow {
  /** `byok-calls`: a user's monthly count of calls their own keys made (the recorded BYOK requests). */
  scope: BudgetConfig['scope'] | 'byok-calls';
  id: string;
  /** Period start (ms epoch, UTC), 0 for a lifetime budget. */
  since: number;
}

/** Ten years: the lifetime of a lifetime budget's counter. */
const LIFETIME_TTL_MS = 10 * 365 * 86_400_000;

export interface AdmissionInput {
  attempt: {
    ref: string;
    providerId: string;
    modelId: string;
    /** The most the request may cost on this attempt's model (`reservedCost`): what its budgets reserve. */
    reservedCostUsd: number;
    key: { source: KeySource };
  };
  /** The attempt's provider (its buckets). */
  provider: Pick<ProviderConfig, 'buckets'> | undefined;
  model: Pick<ModelConfig, 'maxOutputTokens' | 'defaultMaxTokens' | 'baseModel'>;
  caller: Pick<Caller, 'buckets' | 'budgets'>;
  request: Pick<RequestInfo, 'endpoint' | 'promptTokens' | 'maxTokens' | 'choices' | 'images'>;
  now: number;
  /**
   * The caller's own buckets (key RPM/TPM, user) were already charged by an earlier attempt of this request: a
   * fallback is not a new request for their request counts. Its tokens are reserved again: the earlier attempt's were
   * given back when it failed, and the answer's tokens must land on the caller's token limits.
   */
  callerCharged?: boolean;
}

/**
 * The counters one attempt reserves: the provider's buckets that count this model, the caller's buckets (first
 * attempt only; `byok` ones only when a BYOK key pays), and by the estimated cost either every platform budget
 * (key, user weekly cap, org monthly cap with rollover) or, when the caller's own BYOK key pays, only the user's
 * monthly BYOK budget.
 */
export function admissionItems(input: AdmissionInput): LimitItem[] {
  const { attempt, provider, model, caller, request, now } = input;
  // The prompt as the attempt's model counts it (its images: `promptTokensOn`).
  const tokens =
    promptTokensOn({ modelId: attempt.modelId, baseModel: model.baseModel }, request) +
    reservedOutputTokens(model, request);
  const items: LimitItem[] = [];
  const pushBucket = (scope: string, id: string, b: BucketConfig) => {
    if (!bucketApplies(b, attempt.ref, attempt.modelId)) return;
    const item = bucketItem(scope, id, b, now, b.unit === 'requests' ? 1 : tokens);
    // A user's BYOK call count (a calendar month) mirrors recorded calls: a store that lost it rebuilds it before
    // admitting.
    if (scope === 'byok' && b.unit === 'requests' && item.window?.slotMs === 0)
      item.budget = { scope: 'byok-calls', id, since: item.window.start };
    items.push(item);
  };
  for (const b of provider?.buckets ?? []) pushBucket('provider', attempt.providerId, b);
  const byokPays = attempt.key.source === 'byok';
  for (const cb of caller.buckets)
    if ((cb.scope !== 'byok' || byokPays) && (!input.callerCharged || cb.bucket.unit !== 'requests'))
      pushBucket(cb.scope, cb.id, cb.bucket);
  for (const b of caller.budgets) {
    // Platform budgets count what the platform pays; the user's BYOK budget only what their own key pays.
    if ((b.scope === 'byok') !== byokPays) continue;
    const end = periodEnd(now, b.period);
    items.push({
      key: budgetKey(b, now),
      amount: attempt.reservedCostUsd,
      limit: budgetCap(b),
      ttlMs: end === null ? LIFETIME_TTL_MS : end - now + 86_400_000,
      label: `${b.scope} budget (${b.period})`,
      unit: 'usd',
      resetsAt: end,
      budget: { scope: b.scope, id: b.id, since: periodStart(now, b.period) },
    });
  }
  return items;
}

/**
 * The item a bucket reserves `amount` on: its current counter, checked together with the earlier slots of its window
 * (see {@link bucketCounters}); kept until the current slot has left the window (a month: until the month ends).
 */
export function bucketItem(
  scope: string,
  id: string,
  b: BucketConfig,
  now: number,
  amount: number,
): LimitItem {
  const window = bucketCounters(scope, id, b, now);
  return {
    key: window.key,
    amount,
    limit: b.limit,
    ttlMs: window.end - now + 1000,
    label: `${scope} bucket ${b.name}`,
    unit: b.unit,
    resetsAt: window.end,
    window,
    per: b.window,
  };
}

/**
 * What a bucket counts toward its limit: its current counter and the earlier slots of its window (`get` reads a
 * counter). No span of the window's length holds more than the limit, since each admission saw all of that span
 * before it (the slots reach back further than the window: up to one slot more).
 */
export function windowUsed(
  window: Pick<BucketCounters, 'key' | 'earlier'>,
  get: (key: string) => number,
): number {
  let used = get(window.key);
  const earlier = window.earlier;
  for (let i = 0; i < earlier.length; i++) used += get(earlier[i]!);
  return used;
}

/** What an item counts toward its limit: a bucket's whole window ({@link windowUsed}), else its one counter. */
export function itemUsed(
  item: { key: string; window?: Pick<BucketCounters, 'key' | 'earlier'> | undefined },
  get: (key: string) => number,
): number {
  return item.window ? windowUsed(item.window, get) : get(item.key);
}

/**
 * When a bucket that counts `used` now (`earlierValue(j)`: what its j-th earlier slot holds, oldest first) has room for
 * `need` again, if nothing else is admitted meanwhile: the earliest moment enough of its oldest slots have left the
 * window (slot j leaves at `start + (j + 1) * slotMs`, the current one at `end`); a month window at its end. Null when
 * `need` is more than the whole limit (no wait helps). A request that fits now gets `now`.
 */
export function windowFreeAt(
  window: Pick<BucketCounters, 'earlier' | 'start' | 'slotMs' | 'end'>,
  used: number,
  earlierValue: (j: number) => number,
  need: number,
  limit: number,
  now: number,
): number | null {
  if (!fits(0, need, limit)) return null;
  if (fits(used, need, limit)) return now;
  let left = used;
  for (let j = 0; j < window.earlier.length; j++) {
    left -= earlierValue(j);
    if (fits(left, need, limit)) return Math.max(now, window.start + (j + 1) * window.slotMs);
  }
  return window.end;
}

/**
 * When everything a bucket counts now has left its window (`current`: its current counter; `earlierValue` as for
 * {@link windowFreeAt}): the leaving time of the newest slot that holds anything, null when none does; a month window
 * at its end.
 */
export function windowClearsAt(
  window: Pick<BucketCounters, 'earlier' | 'start' | 'slotMs' | 'end'>,
  current: number,
  earlierValue: (j: number) => number,
): number | null {
  if (current !== 0 || window.slotMs === 0) return window.end;
  for (let j = window.earlier.length - 1; j >= 0; j--)
    if (earlierValue(j) !== 0) return window.start + (j + 1) * window.slotMs;
  return null;
}

/**
 * Until when a request refused on `item` is refused, if nothing else changes: a rate-limit bucket until its sliding
 * window has room for it again (`windowFreeAt`, from what the store counted: `used` in all, `earlier[j]` in each
 * earlier slot; a slot it did not say counts as empty, so the answer is never early), a calendar window or budget
 * period until it resets. Null: no wait helps (more than a bucket's whole limit, a lifetime budget).
 */
export function refusedUntil(
  item: Pick<LimitItem, 'amount' | 'limit' | 'resetsAt' | 'window'>,
  refusal: { used: number; earlier?: readonly number[] | undefined },
  now: number,
): number | null {
  const w = item.window;
  if (w === undefined || w.slotMs === 0) return item.resetsAt;
  return windowFreeAt(w, refusal.used, (j) => refusal.earlier?.[j] ?? 0, item.amount, item.limit, now);
}

/**
 * Tolerance of a limit check: USD amounts are sums of floats (0.1 + 0.2 > 0.3), so a reservation that lands on
 * the limit up to rounding still fits. The Redis store's Lua admission uses the same figure.
 */
export const LIMIT_EPSILON = 1e-12;

/** Whether one more `amount` fits on a counter at `used` under `limit` (the rule every store applies). */
export function fits(used: number, amount: number, limit: number): boolean {
  return used + amount <= limit + LIMIT_EPSILON;
}

/**
 * Whether the items fit given the counters' current values (`used(i)` for `items[i]`): the first item that
 * would go over its limit, or ok. A store checks and then consumes under its own atomicity (a synchronous
 * section in process; Redis runs the same rule in one Lua script).
 */
export function checkItems(
  items: readonly Pick<LimitItem, 'amount' | 'limit'>[],
  used: readonly number[] | ((index: number) => number),
): { ok: true } | { ok: false; index: number; used: number } {
  for (let i = 0; i < items.length; i++) {
    const it = items[i]!;
    const u = typeof used === 'function' ? used(i) : (used[i] ?? 0);
    if (!fits(u, it.amount, it.limit)) return { ok: false, index: i, used: u };
  }
  return { ok: true };
}

/** One correction of a counter. `ifPresent`: only if the counter still exists (a budget that was lost is rebuilt from the database instead). */
export interface SettlementDelta {
  key: string;
  delta: number;
  ttlMs: number;
  ifPresent?: true;
}

/**
 * Settling a reservation: token buckets and budgets are corrected from the estimate to the real figure (a
 * failed attempt, `actual` null, refunds the estimate). Request buckets keep their one request: an attempt that
 * ran counts, whatever its outcome. A budget delta applies only to a counter that still exists: one lost
 * meanwhile is rebuilt from the recorded spend, and a lone delta must not recreate it as if nothing were spent.
 */
export function settlementDeltas(
  items: readonly LimitItem[],
  actual: { tokens: number; costUsd: number } | null,
): SettlementDelta[] {
  const out: SettlementDelta[] = [];
  for (const it of items) {
    if (it.unit === 'requests') continue;
    const figure = it.unit === 'usd' ? (actual?.costUsd ?? 0) : (actual?.tokens ?? 0);
    // Bad input never corrupts a counter: a negative figure counts as 0 (at most the reservation comes back), one
    // that is not a number at all (NaN, infinite) leaves the reservation as it is.
    const real = figure >= 0 && figure < Infinity ? figure : figure < 0 ? 0 : it.amount;
    const delta = real - it.amount;
    if (delta !== 0 && Number.isFinite(delta))
      out.push(
        it.budget
          ? { key: it.key, delta, ttlMs: it.ttlMs, ifPresent: true }
          : { key: it.key, delta, ttlMs: it.ttlMs },
      );
  }
  return out;
}

/** The effective cap of a budget this period: its limit plus what rolled over from the last period. */
export function budgetCap(b: Pick<BudgetConfig, 'limitUsd' | 'carryOverUsd'>): number {
  return b.limitUsd + (b.carryOverUsd ?? 0);
}

/** Where a budget stands: cap, spent (incl. reservations), remaining and when the period resets. */
export function budgetStatus(
  b: BudgetConfig,
  spentUsd: number,
  now: number,
): { capUsd: number; spentUsd: number; remainingUsd: number; exhausted: boolean; resetsAt: number | null } {
  const capUsd = budgetCap(b);
  const remainingUsd = Math.max(0, capUsd - spentUsd);
  return { capUsd, spentUsd, remainingUsd, exhausted: remainingUsd <= 0, resetsAt: periodEnd(now, b.period) };
}

/**
 * Org rollover at the end of a period: what was left unspent (cap + previous carry − spent) carries into the next
 * period, at most one period's cap (`limitUsd`) so a long idle stretch cannot pile up an unbounded allowance.
 * Overspend never carries as debt.
 */
export function rolloverCarry(limitUsd: number, previousCarryUsd: number, spentUsd: number): number {
  const unspent = limitUsd + Math.max(0, previousCarryUsd) - Math.max(0, spentUsd);
  return Math.min(Math.max(0, limitUsd), Math.max(0, unspent));
}
