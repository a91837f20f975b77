import { describe, expect, it } from 'vitest';
import { longContextOf } from './model-catalogue.js';

describe('longContextOf: a model’s long-context prices from the catalogue', () => {
  it.each([
    ['anthropic', 'claude-sonnet-4-5', null, { above: 200_000, input: 2, output: 1.5, cachedIn: 2 }],
    ['google', 'gemini-2.5-pro', null, { above: 200_000, input: 2, output: 1.5, cachedIn: 2 }],
    ['google', 'gemini-3-pro-preview', null, { above: 200_000, input: 2, output: 1.5, cachedIn: 2 }],
    ['anthropic', 'prod-claude', 'claude-sonnet-4-5', { above: 200_000, input: 2, output: 1.5, cachedIn: 2 }],
    ['anthropic', 'claude-3-7-sonnet-20250219', null, null],
    ['openai', 'gpt-4o', null, null],
    ['custom', 'claude-sonnet-4-5', null, null],
    ['anthropic', 'no-such-model', null, null],
  ] as const)('%s %s (base %s)', (type, modelId, baseModel, want) => {
    expect(longContextOf(type, modelId, baseModel)).toEqual(want);
  });
});
