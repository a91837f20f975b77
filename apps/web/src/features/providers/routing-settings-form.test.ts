import { describe, expect, it } from 'vitest';
import { humanMs, routingSettingsForm } from './routing-settings-form';

const values = {
  strategy: 'balanced' as const,
  maxAttempts: '3',
  maxRetries: '0',
  circuitFailureThreshold: '5',
  circuitOpenMs: '30000',
  rateLimitCooldownMs: '30000',
  billingCooldownMs: '3600000',
  authCooldownMs: '300000',
  modelNotFoundCooldownMs: '3600000',
  policyFallback: false,
  defaultModel: ' ',
};

describe('routing settings form', () => {
  it('sends numbers and a blank default model as null', () => {
    expect(routingSettingsForm.parse(values)).toMatchObject({
      strategy: 'balanced',
      maxRetries: 0,
      rateLimitCooldownMs: 30_000,
      defaultModel: null,
      policyFallback: false,
    });
    expect(routingSettingsForm.parse({ ...values, defaultModel: ' fast-chat ' }).defaultModel).toBe(
      'fast-chat',
    );
  });
  it.each([
    ['maxRetries', '6'],
    ['maxRetries', 'two'],
    ['maxAttempts', '0'],
    ['circuitOpenMs', '10'],
    ['authCooldownMs', '-1'],
    ['billingCooldownMs', '1.5'],
  ])('names the field of a bad %s (%s)', (field, bad) => {
    const r = routingSettingsForm.safeParse({ ...values, [field]: bad });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.path).toEqual([field]);
  });
  it('a default model with a space is refused on its field', () => {
    const r = routingSettingsForm.safeParse({ ...values, defaultModel: 'a b' });
    expect(r.error?.issues[0]?.path).toEqual(['defaultModel']);
  });
  it.each([
    [0, 'none'],
    [500, '500 ms'],
    [30_000, '30 s'],
    [300_000, '5 min'],
    [3_600_000, '1 h'],
    [5_400_000, '1 h 30 min'],
  ])('humanMs(%d) = %s', (ms, text) => {
    expect(humanMs(ms)).toBe(text);
  });
});
