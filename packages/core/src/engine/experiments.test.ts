/** A/B experiments: stable assignment, stickiness, the time window, and how plan() routes a variant. */
import { describe, expect, it } from 'vitest';
import {
  EXPERIMENT_BUCKETS,
  assignExperiment,
  experimentBucket,
  experimentLive,
  hash32,
  stickyIdOf,
  variantForBucket,
  type Experiment,
} from './experiments.js';
import { plan } from './plan.js';
import { mulberry32 } from './rng.js';
import { EMPTY_STATE } from './state.js';
import type { RoutingConfig } from './types.js';
import { alias, caller, config, model, provider, request } from './fixtures.test-util.js';

const T0 = Date.UTC(2026, 11, 6, 12);
const EXP: Experiment = {
  id: 'exp1',
  name: 'Small vs big',
  alias: 'chat',
  status: 'running',
  startsAt: T0,
  endsAt: T0 + 3_600_000,
  stickiness: 'user',
  variants: [
    { name: 'control', percent: 50, target: 'chat' },
    { name: 'big', percent: 50, target: 'a/big' },
  ],
};

describe('assignment', () => {
  it('hashes the same pair to the same bucket, in range, and different experiments independently', () => {
    expect(experimentBucket('exp1', 'user:u1')).toBe(experimentBucket('exp1', 'user:u1'));
    const buckets = Array.from({ length: 1000 }, (_, i) => experimentBucket('exp1', `user:${i}`));
    expect(buckets.every((b) => Number.isInteger(b) && b >= 0 && b < EXPERIMENT_BUCKETS)).toBe(true);
    const other = Array.from({ length: 1000 }, (_, i) => experimentBucket('exp2', `user:${i}`));
    // Independent experiments: about half the users fall on the same side of a 50/50 split in both.
    const same = buckets.filter((b, i) => b < 5000 === other[i]! < 5000).length;
    expect(same).toBeGreaterThan(430);
    expect(same).toBeLessThan(570);
    expect(hash32('')).toBe(hash32(''));
  });

  it.each([
    // percents, expected share of 10,000 sequential ids (within 2.5 points)
    [[50, 50]],
    [[90, 10]],
    [[10, 20, 70]],
    [[25, 25, 25, 25]],
    [[1, 99]],
  ])('splits 10,000 sequential ids as %j within tolerance', (percents) => {
    const variants = percents.map((percent, i) => ({ name: `v${i}`, percent, target: 't' }));
    const counts = new Map<string, number>();
    for (let i = 0; i < 10_000; i++) {
      const v = variantForBucket(variants, experimentBucket('exp-dist', `key:gk_${i}`))!;
      counts.set(v.name, (counts.get(v.name) ?? 0) + 1);
    }
    for (const v of variants) {
      const share = ((counts.get(v.name) ?? 0) / 10_000) * 100;
      expect(Math.abs(share - v.percent)).toBeLessThan(2.5);
    }
  });

  it.each([
    [0, 'a'],
    [2999, 'a'],
    [3000, 'b'],
    [9999, 'c'],
  ])('bucket %i falls in variant %s of 30/30/40', (bucket, name) => {
    const variants = [
      { name: 'a', percent: 30 },
      { name: 'b', percent: 30 },
      { name: 'c', percent: 40 },
    ];
    expect(variantForBucket(variants, bucket)?.name).toBe(name);
  });

  it.each([
    // stickiness, userId, keyId → sticky id
    ['user', 'u1', 'k1', 'user:u1'],
    ['user', null, 'k1', 'key:k1'],
    ['key', 'u1', 'k1', 'key:k1'],
    ['key', 'u1', null, 'user:u1'],
    ['request', 'u1', 'k1', null],
    ['user', null, null, null],
  ] as const)('%s stickiness for user %s key %s → %s', (stickiness, userId, keyId, id) => {
    expect(stickyIdOf(stickiness, { userId, keyId })).toBe(id);
  });

  it('keeps a user on one variant across requests (user stickiness); per request it varies', () => {
    const rng = mulberry32(7);
    const seen = new Set<string>();
    for (let i = 0; i < 50; i++)
      seen.add(assignExperiment([EXP], 'chat', { userId: 'u42', keyId: `k${i}` }, T0, rng)!.variant.name);
    expect(seen.size).toBe(1);
    const perRequest = { ...EXP, stickiness: 'request' as const };
    const drawn = new Set<string>();
    for (let i = 0; i < 50; i++)
      drawn.add(
        assignExperiment([perRequest], 'chat', { userId: 'u42', keyId: 'k1' }, T0, rng)!.variant.name,
      );
    expect(drawn).toEqual(new Set(['control', 'big']));
  });

  it.each([
    // status, startsAt, endsAt, now → live
    ['running', T0, T0 + 10, T0, true],
    ['running', T0, T0 + 10, T0 - 1, false],
    ['running', T0, T0 + 10, T0 + 10, false],
    ['running', null, null, T0, true],
    ['running', T0 + 5, null, T0, false],
    ['draft', null, null, T0, false],
    ['stopped', T0, null, T0 + 1, false],
  ] as const)('%s from %s to %s at %s: live %s', (status, startsAt, endsAt, now, live) => {
    expect(experimentLive({ status, startsAt, endsAt }, now)).toBe(live);
  });

  it('applies only to its alias and only while live; the first live one on an alias wins', () => {
    const rng = mulberry32(1);
    const c = { userId: 'u1', keyId: 'k1' };
    expect(assignExperiment([EXP], 'other', c, T0, rng)).toBeNull();
    expect(assignExperiment([EXP], 'chat', c, T0 + 3_600_000, rng)).toBeNull();
    const second = { ...EXP, id: 'exp2', variants: [{ name: 'all', percent: 100, target: 'x' }] };
    expect(assignExperiment([{ ...EXP, status: 'stopped' }, second], 'chat', c, T0, rng)?.variant.name).toBe(
      'all',
    );
  });
});

describe('plan() with an experiment', () => {
  const base: RoutingConfig = config({
    providers: [provider({ id: 'a' }), provider({ id: 'b' })],
    models: [
      model({ id: 'small', providerId: 'a' }),
      model({ id: 'big', providerId: 'a' }),
      model({ id: 'other', providerId: 'b' }),
    ],
    aliases: [alias({ name: 'chat', targets: [{ ref: 'a/small', weight: 1 }], fallbacks: ['b/other'] })],
  });
  const run = (cfg: RoutingConfig, userId = 'u1', now = T0, model = 'chat') =>
    plan({
      request: request({ model }),
      caller: caller({ userId, keyId: 'k1' }),
      config: cfg,
      state: EMPTY_STATE,
      now,
      rng: mulberry32(3),
    });
  /** A user id that lands in the named variant of EXP. */
  const userIn = (variant: string) => {
    for (let i = 0; ; i++) {
      const b = experimentBucket(EXP.id, `user:u${i}`);
      if (variantForBucket(EXP.variants, b)!.name === variant) return `u${i}`;
    }
  };

  it('routes the variant target in place of the alias, keeps the alias fallbacks after it, and traces it', () => {
    const r = run({ ...base, experiments: [EXP] }, userIn('big'));
    expect(r.ok && r.attempts.map((a) => a.ref)).toEqual(['a/big', 'b/other']);
    expect(r.trace.lookup).toMatchObject({ kind: 'alias', alias: 'chat' });
    expect(r.trace.experiment).toMatchObject({
      id: 'exp1',
      name: 'Small vs big',
      variant: 'big',
      target: 'a/big',
      sticky: 'user',
    });
  });

  it('a control variant naming the alias itself routes the alias as configured', () => {
    const r = run({ ...base, experiments: [EXP] }, userIn('control'));
    expect(r.ok && r.attempts.map((a) => a.ref)).toEqual(['a/small', 'b/other']);
    expect(r.trace.experiment?.variant).toBe('control');
  });

  it('changes nothing outside the window, for other names, or without experiments', () => {
    const u = userIn('big');
    for (const r of [
      run(base, u),
      run({ ...base, experiments: [] }, u),
      run({ ...base, experiments: [EXP] }, u, T0 - 1),
      run({ ...base, experiments: [EXP] }, u, T0 + 3_600_000),
      run({ ...base, experiments: [{ ...EXP, status: 'stopped' }] }, u),
    ]) {
      expect(r.ok && r.attempts[0]!.ref).toBe('a/small');
      expect(r.trace.experiment).toBeUndefined();
    }
    const direct = run({ ...base, experiments: [EXP] }, u, T0, 'a/small');
    expect(direct.trace.experiment).toBeUndefined();
  });

  it('a variant whose target names nothing leaves the alias as configured and says so', () => {
    const broken = { ...EXP, variants: [{ name: 'gone', percent: 100, target: 'nope/nothing' }] };
    const r = run({ ...base, experiments: [broken] });
    expect(r.ok && r.attempts[0]!.ref).toBe('a/small');
    expect(r.trace.experiment).toMatchObject({ variant: 'gone', unresolved: true });
  });

  it('a variant may name a power level or another alias', () => {
    const toLevel = { ...EXP, variants: [{ name: 'level', percent: 100, target: 'balanced' }] };
    const r = run({ ...base, experiments: [toLevel] });
    expect(r.ok && r.attempts.length).toBeGreaterThan(0);
    expect(r.trace.experiment?.target).toBe('balanced');
    const cfg = {
      ...base,
      aliases: [...base.aliases, alias({ name: 'alt', targets: [{ ref: 'b/other', weight: 1 }] })],
      experiments: [{ ...EXP, variants: [{ name: 'alt', percent: 100, target: 'alt' }] }],
    };
    const r2 = run(cfg);
    expect(r2.ok && r2.attempts.map((a) => a.ref)).toEqual(['b/other']);
  });

  it('splits 2,000 users close to 50/50 through plan()', () => {
    const cfg = { ...base, experiments: [EXP] };
    let big = 0;
    for (let i = 0; i < 2000; i++) if (run(cfg, `user-${i}`).trace.experiment?.variant === 'big') big++;
    expect(Math.abs(big - 1000)).toBeLessThan(100);
  });
});
