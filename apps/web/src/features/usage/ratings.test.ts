import { describe, expect, it } from 'vitest';
import { ratingsLabel } from './ratings';

describe('ratingsLabel', () => {
  it.each([
    [null, null],
    [{ ratings: 0, meanScore: 0 }, null],
    [{ ratings: 1, meanScore: 0 }, 'score 0 from 1 rating'],
    [{ ratings: 2, meanScore: 0.75 }, 'score 0.75 from 2 ratings'],
    [{ ratings: 3, meanScore: 0.6667 }, 'score 0.67 from 3 ratings'],
  ])('%j → %s', (feedback, label) => {
    expect(ratingsLabel(feedback)).toBe(label);
  });
});
