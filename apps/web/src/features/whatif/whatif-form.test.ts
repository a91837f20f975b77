import { describe, expect, it } from 'vitest';
import {
  bodyOf,
  changeOf,
  emptyForm,
  formErrors,
  formFromSearch,
  replaceLink,
  signedUsd,
  toggleRule,
  type WhatIfRule,
} from './whatif-form';

const NOW = Date.parse('2026-12-06T15:00:00Z');

describe('what-if form', () => {
  it('starts with the last 7 days and no change', () => {
    const f = emptyForm(NOW);
    expect([f.from, f.to]).toEqual(['2026-11-30', '2026-12-06']);
    expect(changeOf(f)).toEqual({});
    expect(bodyOf(f)).toEqual({
      from: '2026-11-30T00:00:00.000Z',
      to: '2026-12-07T00:00:00.000Z',
      change: {},
    });
  });

  it('builds each kind of change', () => {
    const f = emptyForm(NOW, {
      strategy: 'cost',
      disableProviders: ['openai'],
      disableModel: 'mock/mock-large',
      replaceFrom: 'a/x',
      replaceTo: 'b/y',
      alias: 'org:o1|chat.default',
      aliasStrategy: 'weighted',
      aliasTargets: [
        { ref: 'a/x', weight: '3' },
        { ref: 'b/y', weight: '1' },
      ],
      powerLevel: 'balanced',
      powerLevelRefs: ['b/y'],
    });
    expect(changeOf(f)).toEqual({
      strategy: 'cost',
      disableProviders: ['openai'],
      disableModels: ['mock/mock-large'],
      replaceModels: [{ from: 'a/x', to: 'b/y' }],
      aliases: [
        {
          name: 'chat.default',
          orgId: 'o1',
          strategy: 'weighted',
          targets: [
            { ref: 'a/x', weight: 3 },
            { ref: 'b/y', weight: 1 },
          ],
        },
      ],
      powerLevels: [{ slug: 'balanced', modelRefs: ['b/y'] }],
    });
    expect(changeOf(emptyForm(NOW, { alias: 'global|fast', aliasStrategy: 'ordered' })).aliases).toEqual([
      { name: 'fast', strategy: 'ordered' },
    ]);
  });

  it('says what is wrong before running', () => {
    expect(formErrors(emptyForm(NOW, { from: '2026-12-07' }))).toEqual({
      to: 'The last day comes after the first',
    });
    expect(formErrors(emptyForm(NOW, { replaceFrom: 'a/x' }))).toEqual({ replaceTo: 'Pick both models' });
    expect(
      formErrors(emptyForm(NOW, { alias: 'global|a', aliasTargets: [{ ref: 'a/x', weight: '0' }] })),
    ).toEqual({ aliasTargets: 'At least one weight above 0' });
    expect(formErrors(emptyForm(NOW))).toEqual({});
  });

  it('opens prefilled from savings advice', () => {
    const link = replaceLink('a/x', 'b/y');
    expect(link).toBe('/llm/whatif?replaceFrom=a%2Fx&replaceTo=b%2Fy&days=30');
    const f = formFromSearch(NOW, new URLSearchParams(link.split('?')[1]));
    expect([f.from, f.to, f.replaceFrom, f.replaceTo]).toEqual(['2026-11-07', '2026-12-06', 'a/x', 'b/y']);
  });

  it("one organization's body: its id, and only the changes its admins may try", () => {
    const f = emptyForm(NOW, {
      strategy: 'cost',
      disableProviders: ['openai'],
      disableModel: 'mock/mock-large',
      alias: 'global|chat.default',
      aliasStrategy: 'weighted',
      powerLevel: 'eco',
      powerLevelTier: 'balanced',
      rulesOn: [],
    });
    const rules: WhatIfRule[] = [
      { id: 'r1', name: 'Night', enabled: true, when: { time: { tz: 'UTC' } }, then: { route: 'eco' } },
    ];
    // Providers, routing rules and a global alias are the operators': left out.
    expect(bodyOf(f, rules, 'o1')).toEqual({
      from: '2026-11-30T00:00:00.000Z',
      to: '2026-12-07T00:00:00.000Z',
      orgId: 'o1',
      change: {
        strategy: 'cost',
        disableModels: ['mock/mock-large'],
        powerLevels: [{ slug: 'eco', tier: 'balanced' }],
      },
    });
    // The organization's own alias stays.
    const own = emptyForm(NOW, { alias: 'org:o1|team', aliasStrategy: 'ordered' });
    expect(bodyOf(own, [], 'o1').change).toEqual({
      aliases: [{ name: 'team', orgId: 'o1', strategy: 'ordered' }],
    });
    expect(bodyOf(own, [], 'o2').change).toEqual({});
    // Operators' bodies are as before: no orgId.
    expect(bodyOf(own)).not.toHaveProperty('orgId');
  });

  it('savings advice for an organization opens its own what-if page, prefilled', () => {
    const link = replaceLink('a/x', 'b/y', 'o1');
    expect(link).toBe('/org-whatif?org=o1&replaceFrom=a%2Fx&replaceTo=b%2Fy&days=30');
    const f = formFromSearch(NOW, new URLSearchParams(link.split('?')[1]));
    expect([f.replaceFrom, f.replaceTo, f.from]).toEqual(['a/x', 'b/y', '2026-11-07']);
  });

  it('signs differences', () => {
    const fmt = (n: number) => `$${n.toFixed(2)}`;
    expect(signedUsd(1.2, fmt)).toBe('+$1.20');
    expect(signedUsd(-0.4, fmt)).toBe('−$0.40');
    expect(signedUsd(0, fmt)).toBe('$0.00');
  });

  it('switching a rule on or off replays the stored rules with that one changed; switching it back is no change', () => {
    const rules: WhatIfRule[] = [
      {
        id: 'r1',
        name: 'Night',
        enabled: false,
        when: { time: { tz: 'UTC', from: '22:00', to: '06:00' } },
        then: { route: 'eco' },
      },
      {
        id: 'r2',
        name: 'Tools',
        enabled: true,
        when: { request: { hasTools: true } },
        then: { strategy: 'quality' },
      },
    ];
    const f = emptyForm(NOW);
    expect(changeOf(f, rules)).toEqual({});
    const on = { ...f, rulesOn: toggleRule(f, rules, 'r1', true) };
    expect(on.rulesOn).toEqual(['r2', 'r1']);
    expect(changeOf(on, rules).rules).toEqual([
      { name: 'Night', when: rules[0]!.when, then: { route: 'eco' }, enabled: true },
      { name: 'Tools', when: rules[1]!.when, then: { strategy: 'quality' }, enabled: true },
    ]);
    const back = { ...on, rulesOn: toggleRule(on, rules, 'r1', false) };
    expect(changeOf(back, rules)).toEqual({});
  });
});
