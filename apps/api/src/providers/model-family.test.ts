// How a Claude model takes thinking, read from its id: a budget before 4.6, adaptive thinking from 4.6 on (Opus 4.7
// on: only that), xhigh effort from Opus 4.7 on.
import { describe, expect, it } from 'vitest';
import { claudeRefusesAdaptive, claudeTakesBudget, claudeThinkingFacts } from './model-family.js';

describe('claudeThinkingFacts', () => {
  it.each([
    ['claude-3-7-sonnet-20250219', 'budget', false],
    ['claude-3-5-haiku-latest', 'budget', false],
    ['claude-opus-4-20250514', 'budget', false],
    ['claude-sonnet-4-5', 'budget', false],
    ['claude-opus-4-5-20251101', 'budget', false],
    ['claude-haiku-4-5', 'budget', false],
    ['anthropic.claude-sonnet-4-5-20250929-v1:0', 'budget', false],
    ['claude-test', 'budget', false],
    ['claude-sonnet-4-6', 'adaptive', false],
    ['anthropic.claude-opus-4-6-v1', 'adaptive', false],
    ['claude-opus-4-7', 'adaptive', true],
    ['us.anthropic.claude-opus-4-7', 'adaptive', true],
    ['anthropic/claude-opus-4.8', 'adaptive', true],
    ['claude-opus-5', 'adaptive', true],
    ['claude-sonnet-5', 'adaptive', true],
    ['claude-haiku-5-5', 'adaptive', false],
    ['claude-mythos-preview', 'adaptive', false],
    ['anthropic.claude-fable-5-1', 'adaptive', true],
  ] as const)('%s: %s, xhigh %s', (modelId, thinking, xhighEffort) => {
    expect(claudeThinkingFacts({ modelId })).toEqual({ thinking, xhighEffort });
  });

  it('reads the model the admin named over the upstream id', () => {
    expect(claudeThinkingFacts({ modelId: 'my-deployment', baseModel: 'claude-opus-4-7' })).toEqual({
      thinking: 'adaptive',
      xhighEffort: true,
    });
  });
});

describe('claudeTakesBudget', () => {
  it.each([
    ['claude-3-7-sonnet-20250219', true],
    ['claude-sonnet-4-5', true],
    ['claude-opus-4-5-20251101', true],
    ['claude-opus-4-6', true],
    ['claude-sonnet-4-6@20260101', true],
    ['claude-opus-4-7', false],
    ['anthropic.claude-opus-4-7-v1:0', false],
    ['anthropic/claude-opus-4.7', false],
    ['claude-haiku-4-7', false],
    ['claude-opus-5', false],
    ['claude-mythos-preview', false],
    ['claude-fable-1', false],
    ['my-claude-deployment', true],
  ] as const)('%s: %s', (modelId, takes) => {
    expect(claudeTakesBudget({ modelId })).toBe(takes);
  });

  it('reads the model the admin named over the upstream id', () => {
    expect(claudeTakesBudget({ modelId: 'prod-claude', baseModel: 'claude-opus-4-7' })).toBe(false);
    expect(claudeTakesBudget({ modelId: 'claude-opus-4-7', baseModel: ' ' })).toBe(false);
  });
});

describe('claudeRefusesAdaptive', () => {
  it.each([
    ['claude-3-7-sonnet-20250219', true],
    ['claude-sonnet-4-5', true],
    ['anthropic.claude-haiku-4-5-20251001-v1:0', true],
    ['claude-opus-4-6', false],
    ['claude-opus-4-7', false],
    ['claude-mythos-preview', false],
    ['claude-test', false],
    ['my-claude-deployment', false],
  ] as const)('%s: %s', (modelId, refuses) => {
    expect(claudeRefusesAdaptive({ modelId })).toBe(refuses);
  });

  it('reads the model the admin named over the upstream id', () => {
    expect(claudeRefusesAdaptive({ modelId: 'prod-claude', baseModel: 'claude-sonnet-4-5' })).toBe(true);
  });
});
