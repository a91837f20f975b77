/**
 * A/B experiments on an alias: a running experiment splits the alias's traffic between variants by percentage,
 * each variant naming its own target (an alias, a power level or a model). Assignment is a pure, stable hash of
 * (experiment id, sticky id) into 10,000 buckets, so a user (or key) keeps its variant for the whole experiment;
 * `request` stickiness draws a bucket per request from the rng passed in.
 */
import type { Caller } from './types.js';

export const EXPERIMENT_STICKINESS = ['user', 'key', 'request'] as const;
export type ExperimentStickiness = (typeof EXPERIMENT_STICKINESS)[number];

/** Buckets an assignment hashes into (a percent is 100 of them). */
export const EXPERIMENT_BUCKETS = 10_000;

export interface ExperimentVariant {
  /** Unique within the experiment (shown in the trace and the results). */
  name: string;
  /** Whole percent of the traffic, 0-100; the variants' percents sum to 100. */
  percent: number;
  /** What the variant routes to: an alias, a power level or a model reference (resolved like any model name). */
  target: string;
}

export interface Experiment {
  id: string;
  name: string;
  /** The alias name whose traffic is split. */
  alias: string;
  /** Only `running` experiments route; `draft` and `stopped` ones never do. */
  status: 'draft' | 'running' | 'stopped';
  /** ms epoch; null = from when it was started. */
  startsAt: number | null;
  /** ms epoch (exclusive); null = until stopped. */
  endsAt: number | null;
  stickiness: ExperimentStickiness;
  variants: readonly ExperimentVariant[];
}

/** Whether an experiment routes at `now`: running, started (startsAt ≤ now) and not over (now < endsAt). */
export function experimentLive(e: Pick<Experiment, 'status' | 'startsAt' | 'endsAt'>, now: number): boolean {
  return (
    e.status === 'running' &&
    (e.startsAt === null || e.startsAt <= now) &&
    (e.endsAt === null || now < e.endsAt)
  );
}

/** FNV-1a (32 bit) over the UTF-16 units of `s`, finished with murmur3's avalanche so close ids spread evenly. */
export function hash32(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** The bucket (0..9999) of a sticky id in an experiment: the same pair always lands in the same bucket. */
export function experimentBucket(experimentId: string, stickyId: string): number {
  return hash32(`${experimentId}\u0000${stickyId}`) % EXPERIMENT_BUCKETS;
}

/** The variant whose share of the buckets holds `bucket` (variants in order, each `percent` × 100 buckets). */
export function variantForBucket<V extends Pick<ExperimentVariant, 'percent'>>(
  variants: readonly V[],
  bucket: number,
): V | null {
  let upTo = 0;
  for (const v of variants) {
    upTo += Math.round(v.percent * 100);
    if (bucket < upTo) return v;
  }
  return null;
}

/**
 * What a request is sticky on: the user (else its key), the key (else its user), or nothing (`request`: a fresh
 * bucket per request). A caller with neither (the master key) draws per request.
 */
export function stickyIdOf(
  stickiness: ExperimentStickiness,
  caller: Pick<Caller, 'userId' | 'keyId'>,
): string | null {
  if (stickiness === 'user')
    return caller.userId ? `user:${caller.userId}` : caller.keyId ? `key:${caller.keyId}` : null;
  if (stickiness === 'key')
    return caller.keyId ? `key:${caller.keyId}` : caller.userId ? `user:${caller.userId}` : null;
  return null;
}

export interface ExperimentAssignment {
  experiment: Experiment;
  variant: ExperimentVariant;
  bucket: number;
  /** 'user:<id>' | 'key:<id>' | null (drawn per request). */
  stickyId: string | null;
}

/**
 * The live experiment on this alias (the first listed when several are) and the caller's variant in it; null when
 * none is live. `rng` is drawn from only for per-request assignment.
 */
export function assignExperiment(
  experiments: readonly Experiment[],
  aliasName: string,
  caller: Pick<Caller, 'userId' | 'keyId'>,
  now: number,
  rng: () => number,
): ExperimentAssignment | null {
  for (const experiment of experiments) {
    if (experiment.alias !== aliasName || !experimentLive(experiment, now)) continue;
    const stickyId = stickyIdOf(experiment.stickiness, caller);
    const bucket =
      stickyId === null
        ? Math.min(EXPERIMENT_BUCKETS - 1, Math.floor(rng() * EXPERIMENT_BUCKETS))
        : experimentBucket(experiment.id, stickyId);
    const variant = variantForBucket(experiment.variants, bucket);
    if (!variant) return null;
    return { experiment, variant, bucket, stickyId };
  }
  return null;
}
