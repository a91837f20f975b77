import { describe, expect, it } from 'vitest';
import { answeredBy, feedbackFiltersFromParams, scoreLabel } from './feedback-filters';

const from = (q: Record<string, string>) => (k: string) => q[k] ?? '';

describe('feedback filters ↔ query string', () => {
  it.each([
    [{}, true, {}],
    [
      { rating: 'bad', commented: 'true', model: ' gpt-4o ' },
      true,
      { rating: 'bad', commented: 'true', model: 'gpt-4o' },
    ],
    [{ rating: 'meh', commented: 'maybe' }, true, {}],
    [{ user: 'u1' }, true, { user: 'u1' }],
    // A user's list is their own: a user filter from the address is not sent.
    [{ user: 'u1', rating: 'good' }, false, { rating: 'good' }],
  ])('%j (operator %s) → %j', (q, operator, want) => {
    expect(feedbackFiltersFromParams(from(q), { operator })).toEqual(want);
  });

  it('sends calendar days as an inclusive range', () => {
    const f = feedbackFiltersFromParams(from({ from: '2026-12-01', to: '2026-12-01' }), { operator: true });
    expect(new Date(f.from!).getDate()).toBe(1);
    expect(new Date(f.to!).getTime() - new Date(f.from!).getTime()).toBe(24 * 3600_000 - 1);
  });
});

describe('how a score reads', () => {
  it.each([
    [0, '0 bad', 'danger'],
    [0.25, '0.25 bad', 'danger'],
    [0.29, '0.29 bad', 'danger'],
    [0.499, '0.49 bad', 'danger'],
    [0.5, '0.5 good', 'ok'],
    [1, '1 good', 'ok'],
  ])('%s → %s', (score, text, tone) => {
    expect(scoreLabel(score)).toEqual({ text, tone });
  });

  it('names the model that answered, else the one asked for', () => {
    expect(answeredBy({ provider: 'openai', model: 'gpt-4o', requestedModel: 'smart' })).toBe(
      'openai/gpt-4o',
    );
    expect(answeredBy({ provider: null, model: 'gpt-4o', requestedModel: null })).toBe('gpt-4o');
    expect(answeredBy({ provider: null, model: null, requestedModel: 'smart' })).toBe('smart');
    expect(answeredBy({ provider: null, model: null, requestedModel: null })).toBeNull();
  });
});
