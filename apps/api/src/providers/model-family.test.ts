// How a Claude model takes thinking, read from its id: a budget before 4.6, adaptive thinking from 4.6 on (Opus 4.7
// on: only that), xhigh effort from Opus 4.7 on.
import { describe, expect, it } from 'vitest';
import { claudeThinkingFacts } from './model-family.js';

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
