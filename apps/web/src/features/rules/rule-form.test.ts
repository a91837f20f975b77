import { createRuleBody } from '@switchyard/core';
import { describe, expect, it } from 'vitest';
import {
  describeAction,
  describeConditions,
  emptyRuleForm,
  moveId,
  ruleBodyOf,
  ruleFormOf,
} from './rule-form';

describe('rule form', () => {
  it('turns the form into a body the API accepts, and back', () => {
    const form = {
      ...emptyRuleForm(),
      name: ' Night ',
      tz: 'Europe/Paris',
      days: [1, 5],
      from: '22:00',
      to: '06:00',
      roles: 'user, admin',
      regions: 'eu',
      formats: 'anthropic',
      stream: 'yes' as const,
      minPromptTokens: '1000',
      headers: 'x-team: search\nx-tier ~ ^gold\nx-flag',
      metadata: 'lane=batch',
      route: 'eco',
      strategy: 'cost' as const,
    };
    const body = ruleBodyOf(form);
    expect(body).toEqual({
      name: 'Night',
      enabled: true,
      when: {
        time: { tz: 'Europe/Paris', days: [1, 5], from: '22:00', to: '06:00' },
        caller: { roles: ['user', 'admin'], regions: ['eu'] },
        request: { formats: ['anthropic'], stream: true, minPromptTokens: 1000 },
        headers: [
          { name: 'x-team', equals: 'search' },
          { name: 'x-tier', matches: '^gold' },
          { name: 'x-flag' },
        ],
        metadata: [{ key: 'lane', equals: 'batch' }],
      },
      then: { route: 'eco', strategy: 'cost' },
    });
    expect(createRuleBody.safeParse(body).success).toBe(true);
    const parsed = createRuleBody.parse(body);
    expect(ruleFormOf(parsed)).toEqual({ ...form, name: 'Night', roles: 'user, admin' });
  });

  it('an empty form has no conditions and no action (the API says an action is needed)', () => {
    const body = ruleBodyOf({ ...emptyRuleForm(), name: 'x' });
    expect(body).toEqual({ name: 'x', enabled: true, when: {}, then: {} });
    expect(createRuleBody.safeParse(body).success).toBe(false);
  });

  it('describes conditions and actions for the list', () => {
    const r = createRuleBody.parse(
      ruleBodyOf({
        ...emptyRuleForm(),
        name: 'n',
        tz: 'UTC',
        days: [1],
        from: '22:00',
        to: '06:00',
        headers: 'x-team ~ ^sea',
        region: 'eu',
      }),
    );
    expect(describeConditions(r)).toBe('Mon 22:00–06:00 UTC · header x-team ~ ^sea');
    expect(describeAction(r)).toBe('prefer region eu');
    expect(describeConditions({ when: {} })).toBe('always');
  });

  it('moves a rule up or down', () => {
    expect(moveId(['a', 'b', 'c'], 'b', -1)).toEqual(['b', 'a', 'c']);
    expect(moveId(['a', 'b', 'c'], 'c', 1)).toEqual(['a', 'b', 'c']);
  });
});
