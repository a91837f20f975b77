import { createRequire } from 'node:module';
import type * as GptTokenizer from 'gpt-tokenizer';
import { describe, expect, it } from 'vitest';
import { countText } from './tokens.js';

const { countTokens } = createRequire(import.meta.url)('gpt-tokenizer') as typeof GptTokenizer;

describe('countText', () => {
  it('counts ordinary text exactly as the tokenizer does', () => {
    for (const t of [
      'hello',
      'The quick brown fox jumps over the lazy dog. '.repeat(50),
      'naïve café — 東京 🚀 '.repeat(20),
      'a'.repeat(64),
    ]) {
      expect(countText(t)).toBe(countTokens(t));
    }
  });

  it('a 100,000-character run without whitespace is counted in linear time, close to the tokenizer', () => {
    const run = 'y'.repeat(100_000);
    const t0 = performance.now();
    const n = countText(run);
    // Whole, the tokenizer takes tens of seconds on this (its time grows with the square of a word's length).
    expect(performance.now() - t0).toBeLessThan(3_000);
    expect(n).toBeGreaterThan(100_000 / 16);
    expect(n).toBeLessThan(100_000);
    const mixed = `intro text ${'Zm9vYmFy'.repeat(5_000)} outro`;
    expect(countText(mixed)).toBeGreaterThan(0);
  });
});
