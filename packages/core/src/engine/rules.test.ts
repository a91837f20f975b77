/** Conditional routing rules: each condition kind, time windows (wrapping midnight, DST), ordering, actions in plan(). */
import { describe, expect, it } from 'vitest';
import { plan, type PlanInput } from './plan.js';
import { mulberry32 } from './rng.js';
import { EMPTY_STATE } from './state.js';
import {
  applyRules,
  explainRules,
  isValidTimeZone,
  localTime,
  matchRule,
  ruleInputs,
  unsafeRegexReason,
  type RoutingRule,
  type RuleConditions,
  type RuleContext,
} from './rules.js';
import type { RoutingConfig } from './types.js';
import { caller, config, model, provider, request } from './fixtures.test-util.js';

let seq = 0;
function rule(when: RuleConditions, over: Partial<RoutingRule> = {}): RoutingRule {
  seq++;
  return {
    id: `r${seq}`,
    name: `rule ${seq}`,
    enabled: true,
    order: seq,
    when,
    then: { route: 'night' },
    ...over,
  };
}

/** Wednesday 2026-03-04 14:30 UTC. */
const WED_1430 = Date.UTC(2026, 2, 4, 14, 30);
const at = (iso: string) => Date.parse(iso);

function ctx(
  over: { now?: number; req?: Partial<RuleContext['request']>; caller?: Partial<RuleContext['caller']> } = {},
): RuleContext {
  return {
    now: over.now ?? WED_1430,
    request: { endpoint: 'chat', promptTokens: 100, needs: ['chat'], ...over.req },
    caller: {
      keyId: 'k1',
      orgId: 'o1',
      appId: null,
      powerLevel: 'balanced',
      role: 'user',
      region: 'eu',
      ...over.caller,
    },
  };
}

const matches = (when: RuleConditions, c: RuleContext = ctx()) => matchRule([rule(when)], c) !== null;

describe('time windows', () => {
  it.each([
    // window, instant → match
    [{ tz: 'UTC', from: '14:00', to: '15:00' }, WED_1430, true],
    [{ tz: 'UTC', from: '14:31', to: '15:00' }, WED_1430, false],
    // `to` is excluded, `from` included
    [{ tz: 'UTC', from: '13:00', to: '14:30' }, WED_1430, false],
    [{ tz: 'UTC', from: '14:30', to: '14:31' }, WED_1430, true],
    // days: Wednesday = 3
    [{ tz: 'UTC', days: [3] }, WED_1430, true],
    [{ tz: 'UTC', days: [0, 6] }, WED_1430, false],
    // the same instant is Thursday 01:30 in Sydney (UTC+11 in March)
    [{ tz: 'Australia/Sydney', days: [4], from: '01:00', to: '02:00' }, WED_1430, true],
    [{ tz: 'Australia/Sydney', days: [3] }, WED_1430, false],
    // wrapping past midnight: Wednesday 22:00–06:00
    [{ tz: 'UTC', days: [3], from: '22:00', to: '06:00' }, at('2026-03-04T23:00:00Z'), true],
    // Thursday 02:00 belongs to Wednesday's night
    [{ tz: 'UTC', days: [3], from: '22:00', to: '06:00' }, at('2026-03-05T02:00:00Z'), true],
    // Wednesday 02:00 belongs to Tuesday's night (not listed)
    [{ tz: 'UTC', days: [3], from: '22:00', to: '06:00' }, at('2026-03-04T02:00:00Z'), false],
    [{ tz: 'UTC', from: '22:00', to: '06:00' }, at('2026-03-04T06:00:00Z'), false],
    [{ tz: 'UTC', from: '22:00', to: '06:00' }, at('2026-03-04T21:59:00Z'), false],
    [{ tz: 'UTC', from: '22:00', to: '06:00' }, at('2026-03-04T05:59:00Z'), true],
    // equal from / to = the whole day
    [{ tz: 'UTC', from: '09:00', to: '09:00' }, WED_1430, true],
    // an unknown zone never matches
    [{ tz: 'Mars/Olympus', from: '00:00', to: '24:00' }, WED_1430, false],
  ] as const)('%j at %s → %s', (time, now, want) => {
    expect(matches({ time }, ctx({ now }))).toBe(want);
  });

  it('follows daylight saving time in the zone (New York, 8 March 2026: 02:00 EST → 03:00 EDT)', () => {
    const nineToFive = { tz: 'America/New_York', from: '09:00', to: '17:00' };
    // 13:30 UTC is 08:30 EST the day before the change and 09:30 EDT on the day of it.
    expect(matches({ time: nineToFive }, ctx({ now: at('2026-03-07T13:30:00Z') }))).toBe(false);
    expect(matches({ time: nineToFive }, ctx({ now: at('2026-03-08T13:30:00Z') }))).toBe(true);
    expect(localTime(at('2026-03-08T06:59:00Z'), 'America/New_York')).toEqual({
      day: 0,
      minute: 1 * 60 + 59,
    });
    expect(localTime(at('2026-03-08T07:00:00Z'), 'America/New_York')).toEqual({ day: 0, minute: 3 * 60 });
  });

  it('knows IANA zones', () => {
    expect(isValidTimeZone('Europe/Paris')).toBe(true);
    expect(isValidTimeZone('UTC')).toBe(true);
    expect(isValidTimeZone('Nowhere/City')).toBe(false);
    expect(isValidTimeZone('')).toBe(false);
  });
});

describe('caller, request, header and metadata conditions', () => {
  it.each([
    [{ caller: { roles: ['user'] } }, true],
    [{ caller: { roles: ['admin'] } }, false],
    [{ caller: { orgIds: ['o1', 'o2'] } }, true],
    [{ caller: { orgIds: ['o2'] } }, false],
    [{ caller: { appIds: ['a1'] } }, false],
    [{ caller: { keyIds: ['k1'] } }, true],
    [{ caller: { powerLevels: ['eco'] } }, false],
    [{ caller: { powerLevels: ['balanced'] } }, true],
    [{ caller: { regions: ['eu'] } }, true],
    [{ caller: { regions: ['us'] } }, false],
    // an empty list is no condition
    [{ caller: { roles: [] } }, true],
    [{ request: { endpoints: ['chat'] } }, true],
    [{ request: { endpoints: ['messages'] } }, false],
    [{ request: { formats: ['openai'] } }, true],
    [{ request: { formats: ['anthropic'] } }, false],
    [{ request: { stream: false } }, true],
    [{ request: { stream: true } }, false],
    [{ request: { hasTools: true } }, false],
    [{ request: { hasImages: false } }, true],
    [{ request: { minPromptTokens: 100 } }, true],
    [{ request: { minPromptTokens: 101 } }, false],
    [{ request: { maxPromptTokens: 99 } }, false],
    [{ request: { minPromptTokens: 50, maxPromptTokens: 100 } }, true],
    [{ headers: [{ name: 'X-Team', equals: 'search' }] }, true],
    [{ headers: [{ name: 'x-team', equals: 'ads' }] }, false],
    [{ headers: [{ name: 'x-team', matches: '^sea' }] }, true],
    [{ headers: [{ name: 'x-team', matches: '^ads' }] }, false],
    // present is enough without a value
    [{ headers: [{ name: 'x-team' }] }, true],
    [{ headers: [{ name: 'x-other' }] }, false],
    [{ metadata: [{ key: 'tier', equals: 'gold' }] }, true],
    [{ metadata: [{ key: 'tier', equals: 'free' }] }, false],
    [{ metadata: [{ key: 'absent', equals: 'x' }] }, false],
    // everything is ANDed
    [
      {
        caller: { roles: ['user'] },
        request: { endpoints: ['chat'] },
        headers: [{ name: 'x-team', equals: 'search' }],
      },
      true,
    ],
    [{ caller: { roles: ['user'] }, request: { endpoints: ['messages'] } }, false],
    // no condition at all: always
    [{}, true],
  ] as [RuleConditions, boolean][])('%j → %s', (when, want) => {
    const c = ctx({ req: { headers: { 'x-team': 'search' }, metadata: { tier: 'gold' } } });
    expect(matches(when, c)).toBe(want);
  });

  it('sees the Anthropic format, streaming, tools and images from the request', () => {
    const c = ctx({ req: { endpoint: 'messages', stream: true, needs: ['chat', 'tools', 'vision'] } });
    expect(
      matches({ request: { formats: ['anthropic'], stream: true, hasTools: true, hasImages: true } }, c),
    ).toBe(true);
  });

  it('a caller with no role (an app key, the operator) matches no role list', () => {
    expect(matches({ caller: { roles: ['user'] } }, ctx({ caller: { role: null } }))).toBe(false);
  });
});

describe('ordering and the first match', () => {
  it('the first enabled match by order wins; disabled rules are passed over', () => {
    const a = rule({ caller: { roles: ['admin'] } }, { id: 'a', order: 1 });
    const b = rule({}, { id: 'b', order: 3 });
    const c = rule({}, { id: 'c', order: 2, enabled: false });
    const d = rule({}, { id: 'd', order: 4 });
    expect(matchRule([d, c, b, a], ctx())?.id).toBe('b');
    expect(matchRule([c], ctx())).toBeNull();
  });

  it('explainRules checks every condition of every rule and marks the one that decides', () => {
    const night = rule(
      { time: { tz: 'UTC', from: '22:00', to: '06:00' }, caller: { roles: ['user'] } },
      { id: 'night', order: 1 },
    );
    const team = rule({ headers: [{ name: 'x-team', equals: 'search' }] }, { id: 'team', order: 2 });
    const off = rule({}, { id: 'off', order: 3, enabled: false });
    const all = rule({}, { id: 'all', order: 4 });
    const out = explainRules([all, off, team, night], ctx({ req: { headers: { 'x-team': 'search' } } }));
    expect(out.map((r) => [r.id, r.matched, r.chosen])).toEqual([
      ['night', false, false],
      ['team', true, true],
      ['off', true, false],
      ['all', true, false],
    ]);
    expect(out[0]!.checks).toEqual([
      { kind: 'time', field: 'time', ok: false, detail: 'wed 14:30 UTC' },
      { kind: 'caller', field: 'roles', ok: true, detail: 'user' },
    ]);
    expect(out[1]!.checks).toEqual([{ kind: 'header', field: 'x-team', ok: true, detail: 'search' }]);
  });

  it('ruleInputs lists the header names and metadata keys enabled rules reference, once per config', () => {
    const cfg = config({
      rules: [
        rule({ headers: [{ name: 'X-Team' }], metadata: [{ key: 'tier', equals: 'gold' }] }),
        rule({ headers: [{ name: 'x-secret' }] }, { enabled: false }),
      ],
    });
    expect(ruleInputs(cfg)).toEqual({ headers: ['x-team'], metadata: ['tier'] });
    expect(ruleInputs(cfg)).toBe(ruleInputs(cfg));
    expect(ruleInputs(config())).toEqual({ headers: [], metadata: [] });
    expect(applyRules(config(), ctx())).toBeNull();
  });
});

describe('unsafe regular expressions', () => {
  it.each([
    ['^sea', null],
    ['a|b', null],
    ['(a+)+$', 'must not repeat a group that repeats (e.g. (a+)+)'],
    ['(a|b*)*', 'must not repeat a group that repeats (e.g. (a+)+)'],
    ['(a)\\1', 'must not use back-references'],
    ['([', 'is not a valid regular expression'],
    ['x'.repeat(201), 'must be at most 200 characters'],
  ] as const)('%s → %s', (re, want) => {
    expect(unsafeRegexReason(re)).toBe(want);
  });
});

describe('plan() with rules', () => {
  const base = config({
    providers: [provider({ id: 'a', region: 'us' }), provider({ id: 'b', region: 'eu' })],
    models: [
      model({ id: 'day', providerId: 'a', priceIn: 10, priceOut: 10, tier: 'precision' }),
      model({ id: 'night', providerId: 'a', priceIn: 1, priceOut: 1, tier: 'eco' }),
      model({ id: 'shared', providerId: 'a', modelId: 'shared', priceIn: 1, priceOut: 1 }),
      model({ id: 'shared-b', providerId: 'b', modelId: 'shared', priceIn: 5, priceOut: 5 }),
    ],
  });
  const run = (cfg: RoutingConfig, over: Partial<PlanInput> = {}) =>
    plan({
      request: request({ model: 'a/day' }),
      caller: caller({ role: 'user' }),
      config: cfg,
      state: EMPTY_STATE,
      now: WED_1430,
      rng: mulberry32(1),
      ...over,
    });

  it('no rules: the trace has no rule', () => {
    const r = run(base);
    expect(r.ok && r.attempts[0]!.ref).toBe('a/day');
    expect(r.trace.rule).toBeUndefined();
  });

  it('a route action sends the request to the rule’s model and the trace says which rule', () => {
    const night: RoutingRule = {
      id: 'n1',
      name: 'Night',
      enabled: true,
      order: 1,
      when: { time: { tz: 'UTC', from: '14:00', to: '15:00' } },
      then: { route: 'a/night' },
    };
    const r = run(config({ ...base, rules: [night] }));
    expect(r.ok && r.attempts.map((a) => a.ref)).toEqual(['a/night']);
    expect(r.trace.rule).toEqual({ id: 'n1', name: 'Night', route: 'a/night' });
    expect(r.trace.requested).toBe('a/day');
    // Outside the window the request goes where it named.
    const later = run(config({ ...base, rules: [night] }), { now: WED_1430 + 3_600_000 });
    expect(later.ok && later.attempts[0]!.ref).toBe('a/day');
    expect(later.trace.rule).toBeUndefined();
    // Disabled, it does nothing.
    const off = run(config({ ...base, rules: [{ ...night, enabled: false }] }));
    expect(off.ok && off.attempts[0]!.ref).toBe('a/day');
  });

  it('a route to a power level resolves as the level', () => {
    const r = run(config({ ...base, rules: [rule({}, { then: { route: 'eco' } })] }));
    expect(r.trace.lookup).toMatchObject({ kind: 'power-level', level: 'eco' });
    expect(r.ok && r.attempts[0]!.ref).toBe('a/night');
  });

  it('a strategy action orders the candidates by that strategy and shows it in the trace', () => {
    // Bare id "shared" on both providers: cost puts the cheaper (a) first, quality the better one.
    const models = base.models.map((m) => (m.id === 'shared-b' ? { ...m, qualityScore: 90 } : m));
    const cfg = (then: RoutingRule['then']) =>
      config({ ...base, models, strategy: 'cost', rules: [rule({}, { then })] });
    const cost = run(config({ ...base, models, strategy: 'cost' }), {
      request: request({ model: 'shared' }),
    });
    expect(cost.ok && cost.attempts[0]!.ref).toBe('a/shared');
    const quality = run(cfg({ strategy: 'quality' }), { request: request({ model: 'shared' }) });
    expect(quality.trace.strategy).toBe('quality');
    expect(quality.trace.rule?.strategy).toBe('quality');
    expect(quality.ok && quality.attempts[0]!.ref).toBe('b/shared');
  });

  it('a region action puts providers in the region first and keeps the others as fallbacks', () => {
    const r = run(config({ ...base, strategy: 'cost', rules: [rule({}, { then: { region: 'eu' } })] }), {
      request: request({ model: 'shared' }),
    });
    expect(r.ok && r.attempts.map((a) => a.ref)).toEqual(['b/shared', 'a/shared']);
    expect(r.trace.candidates.find((c) => c.ref === 'b/shared')?.detail).toBe('region eu');
    expect(r.trace.rule).toMatchObject({ region: 'eu' });
  });

  it('a rule on the caller’s region and role reads them from the caller', () => {
    const cfg = config({
      ...base,
      rules: [rule({ caller: { regions: ['eu'], roles: ['admin'] } }, { then: { route: 'a/night' } })],
    });
    expect(run(cfg, { caller: caller({ role: 'admin', region: 'eu' }) }).trace.rule).toBeDefined();
    expect(run(cfg, { caller: caller({ role: 'admin', region: 'us' }) }).trace.rule).toBeUndefined();
  });

  it('a rule routing to an unknown model fails as an unknown model', () => {
    const r = run(config({ ...base, rules: [rule({}, { then: { route: 'nope/nope' } })] }));
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error.code).toBe('unknown_model');
    expect(r.trace.rule?.route).toBe('nope/nope');
  });
});
