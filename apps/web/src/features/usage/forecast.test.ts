import { describe, expect, it } from 'vitest';
import { forecastBasis, monthName } from './forecast';

const f = {
  month: '2026-12',
  monthToDateUsd: 76,
  projectedUsd: 243.36,
  dailyRateUsd: 10.142857,
  rateDays: 7,
  daysLeft: 16.5,
  daysInMonth: 31,
};

describe('forecast words', () => {
  it('names the month', () => {
    expect(monthName('2026-12')).toBe('December 2026');
    expect(monthName('2027-01')).toBe('January 2027');
  });
  it('says what the projection rests on', () => {
    expect(forecastBasis(f)).toBe('$76.00 so far · $10.14/day over the last 7 days');
    expect(forecastBasis({ ...f, rateDays: 1 })).toContain('over the last 1 day');
    expect(forecastBasis({ ...f, rateDays: 0, dailyRateUsd: 12 })).toBe(
      '$76.00 so far · $12.00/day (today so far)',
    );
  });
});
