import { estimateCost } from './cost.js';
import type { StateEvent, StateView } from './state.js';
import { TIER_RANK, type AliasStrategy, type GlobalStrategy, type ModelConfig } from './types.js';

/** A candidate as the strategies see it. */
export interface Scored {
  ref: string;
  target: string;
  model: ModelConfig;
  providerPriority: number;
  weight: number;
  /** Remaining fraction (0-1) of the tightest bucket that applies; 1 when none. */
  headroom: number;
  /** Expected cost of this request on this candidate, when already computed. */
  estimatedCostUsd?: number;
}

export interface OrderResult<T extends Scored> {
  order: T[];
  /** Score per ref, for the trace (a Map: faster than an object with many keys). */
  scores: Map<string, number>;
  events: StateEvent[];
}

const byTie = (a: Scored, b: Scored) =>
  a.providerPriority - b.providerPriority ||
  a.model.priority - b.model.priority ||
  (a.ref < b.ref ? -1 : a.ref > b.ref ? 1 : 0);

/**
 * The global strategy, for everything that is not an alias's own target list, and for fallback tails.
 *
 * - `cost`: cheapest expected cost for this request first (prompt tokens × input price + expected output ×
 *   output price).
 * - `quality`: best tier first (precision > balanced > eco), then the higher quality score.
 * - `balanced`: score = 0.5 · normCost + 0.5 · (1 − normQuality), lower is better, where normCost and
 *   normQuality are min-max normalised over the candidate set (quality = tier rank × 100 + quality score),
 *   so the cheapest model of the best quality wins and a model twice as good may cost more.
 *   When every candidate costs the same, normCost is 0; when all have the same quality, normQuality is 1.
 * Scores are rounded to 6 decimals (the trace shows them) before sorting.
 * Ties: provider priority, model priority, then ref (stable and deterministic).
 */
export function orderGlobal<T extends Scored>(
  cands: readonly T[],
  strategy: GlobalStrategy,
  promptTokens: number,
  maxTokens: number | null,
): OrderResult<T> {
  const n = cands.length;
  if (n === 0) return { order: [], scores: new Map(), events: [] };
  const score = new Float64Array(n);
  if (strategy === 'cost') {
    for (let i = 0; i < n; i++)
      score[i] = cands[i]!.estimatedCostUsd ?? estimateCost(cands[i]!.model, promptTokens, maxTokens);
  } else if (strategy === 'quality') {
    for (let i = 0; i < n; i++)
      score[i] = -(TIER_RANK[cands[i]!.model.tier] * 100 + cands[i]!.model.qualityScore);
  } else {
    const cost = new Float64Array(n);
    const quality = new Float64Array(n);
    let cMin = Infinity,
      cMax = -Infinity,
      qMin = Infinity,
      qMax = -Infinity;
    for (let i = 0; i < n; i++) {
      const m = cands[i]!.model;
      const c = (cost[i] = cands[i]!.estimatedCostUsd ?? estimateCost(m, promptTokens, maxTokens));
      const q = (quality[i] = TIER_RANK[m.tier] * 100 + m.qualityScore);
      if (c < cMin) cMin = c;
      if (c > cMax) cMax = c;
      if (q < qMin) qMin = q;
      if (q > qMax) qMax = q;
    }
    for (let i = 0; i < n; i++) {
      const nc = cMax > cMin ? (cost[i]! - cMin) / (cMax - cMin) : 0;
      const nq = qMax > qMin ? (quality[i]! - qMin) / (qMax - qMin) : 1;
      score[i] = 0.5 * nc + 0.5 * (1 - nq);
    }
  }
  // Scores are rounded to 6 decimals before sorting, so the trace's scores explain the order exactly and
  // near-equal scores fall to the deterministic tie-break.
  const scores = new Map<string, number>();
  const idx: number[] = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const r = round(score[i]!);
    score[i] = r;
    idx[i] = i;
    scores.set(cands[i]!.ref, r);
  }
  idx.sort((a, b) => score[a]! - score[b]! || byTie(cands[a]!, cands[b]!));
  const order: T[] = new Array<T>(n);
  for (let i = 0; i < n; i++) order[i] = cands[idx[i]!]!;
  return { order, scores, events: [] };
}

/** Picks one index by weight with the given random number in [0,1). */
export function pickWeighted(weights: readonly number[], r: number): number {
  const total = weights.reduce((s, w) => s + Math.max(0, w), 0);
  if (total <= 0) return 0;
  let x = r * total;
  for (let i = 0; i < weights.length; i++) {
    x -= Math.max(0, weights[i]!);
    if (x < 0) return i;
  }
  return weights.length - 1;
}

/**
 * Smooth weighted round-robin (nginx): each pick adds every weight to its current value, picks the largest and
 * subtracts the total from it. Over W picks each target is chosen exactly weight times, evenly spread.
 */
export function swrrPick(
  refs: readonly string[],
  weights: readonly number[],
  current: Readonly<Record<string, number>> | undefined,
): { index: number; next: Record<string, number> } {
  const next: Record<string, number> = {};
  let total = 0;
  let best = -1;
  let bestVal = -Infinity;
  for (let i = 0; i < refs.length; i++) {
    const w = Math.max(0, weights[i]!);
    total += w;
    const v = (current?.[refs[i]!] ?? 0) + w;
    next[refs[i]!] = v;
    if (v > bestVal) {
      bestVal = v;
      best = i;
    }
  }
  next[refs[best]!] = next[refs[best]!]! - total;
  return { index: best, next };
}

/**
 * An alias's own strategy over its (already filtered) targets. The first element is the pick; the rest follow
 * in a sensible order for fallback within the alias.
 *
 * - `ordered`: as configured.
 * - `round-robin`: rotate the start by the alias cursor (advanced by one per request).
 * - `weighted`: smooth weighted round-robin by target weight (deterministic, exact shares).
 * - `quota-aware`: weight × remaining bucket headroom, picked at random with the seeded rng — targets near their
 *   rate limit get proportionally less traffic (the recommended default, `auto`).
 * - `least-busy`: fewest in-flight requests first.
 * - `latency`: lowest EWMA latency first (unmeasured targets first, to measure them).
 */
export function orderAlias<T extends Scored>(
  alias: string,
  strategy: AliasStrategy,
  cands: readonly T[],
  state: StateView,
  rng: () => number,
): OrderResult<T> {
  const scores = new Map<string, number>();
  if (cands.length <= 1) return { order: [...cands], scores, events: [] };
  switch (strategy) {
    case 'ordered':
      return { order: [...cands], scores, events: [] };
    case 'round-robin': {
      const cursor = state.cursor(alias);
      const start = ((cursor % cands.length) + cands.length) % cands.length;
      const order = [...cands.slice(start), ...cands.slice(0, start)];
      return { order, scores, events: [{ type: 'cursor', alias, value: cursor + 1 }] };
    }
    case 'weighted': {
      const { index, next } = swrrPick(
        cands.map((c) => c.ref),
        cands.map((c) => c.weight),
        state.weights(alias),
      );
      const rest = cands.filter((_, i) => i !== index).sort((a, b) => b.weight - a.weight);
      for (const c of cands) scores.set(c.ref, c.weight);
      return { order: [cands[index]!, ...rest], scores, events: [{ type: 'weights', alias, value: next }] };
    }
    case 'quota-aware': {
      const eff = cands.map((c) => c.weight * Math.max(0, Math.min(1, c.headroom)));
      for (let i = 0; i < cands.length; i++) scores.set(cands[i]!.ref, round(eff[i]!));
      const first = eff.some((w) => w > 0) ? pickWeighted(eff, rng()) : 0;
      const rest = cands
        .map((c, i) => ({ c, w: eff[i]! }))
        .filter((_, i) => i !== first)
        .sort((a, b) => b.w - a.w || byTie(a.c, b.c))
        .map((x) => x.c);
      return { order: [cands[first]!, ...rest], scores, events: [] };
    }
    case 'least-busy': {
      const order = [...cands].sort(
        (a, b) => state.inFlight(a.target) - state.inFlight(b.target) || b.weight - a.weight,
      );
      for (const c of order) scores.set(c.ref, state.inFlight(c.target));
      return { order, scores, events: [] };
    }
    case 'latency': {
      const lat = (c: T) => state.latency(c.target) ?? -1;
      const order = [...cands].sort((a, b) => lat(a) - lat(b));
      for (const c of order) scores.set(c.ref, round(lat(c)));
      return { order, scores, events: [] };
    }
  }
}

function round(n: number): number {
  return Math.round(n * 1e6) / 1e6;
}
