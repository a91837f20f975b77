import { describe, expect, it } from 'vitest';
import { forecastFrom, forecastMonthEnd, monthBounds } from './index.js';

const at = (iso: string) => Date.parse(iso);

describe('forecastMonthEnd', () => {
  it.each([
    // name, daily costs, now → month-to-date, daily rate, rate days, projected
    [
      'a steady $10 a day, mid-month at midnight',
      Array.from({ length: 14 }, (_, i) => ({
        day: `2026-12-${String(i + 1).padStart(2, '0')}`,
        costUsd: 10,
      })),
      '2026-12-15T00:00:00Z',
      140,
      10,
      7,
      140 + 10 * 17,
    ],
    [
      'a quiet week lowers the rate (missing days count as 0)',
      [
        { day: '2026-12-01', costUsd: 70 },
        { day: '2026-12-10', costUsd: 7 },
      ],
      '2026-12-15T00:00:00Z',
      77,
      1,
      7,
      77 + 17,
    ],
    [
      'the last days of the previous month feed the rate early in a month',
      [
        { day: '2026-11-28', costUsd: 20 },
        { day: '2026-11-29', costUsd: 20 },
        { day: '2026-11-30', costUsd: 20 },
        { day: '2026-12-01', costUsd: 20 },
        { day: '2026-12-02', costUsd: 5 },
      ],
      '2026-12-02T12:00:00Z',
      25,
      80 / 4,
      4,
      25 + 20 * 29.5,
    ],
    [
      'the first day of traffic: today so far, scaled to a day',
      [{ day: '2026-12-05', costUsd: 3 }],
      '2026-12-05T06:00:00Z',
      3,
      12,
      0,
      3 + 12 * 26.75,
    ],
    ['no traffic at all', [], '2026-02-10T00:00:00Z', 0, 0, 0, 0],
    [
      'February: 28 days',
      [{ day: '2026-02-27', costUsd: 2.5 }],
      '2026-02-28T00:00:00Z',
      2.5,
      2.5,
      1,
      2.5 + 2.5,
    ],
  ] as const)('%s', (_name, daily, now, mtd, rate, rateDays, projected) => {
    const f = forecastMonthEnd(daily, at(now));
    expect(f.monthToDateUsd).toBeCloseTo(mtd, 6);
    expect(f.dailyRateUsd).toBeCloseTo(rate, 6);
    expect(f.rateDays).toBe(rateDays);
    expect(f.projectedUsd).toBeCloseTo(projected, 4);
  });

  it('counts a day listed twice once (summed), and ignores days after today and non-numbers', () => {
    const f = forecastMonthEnd(
      [
        { day: '2026-12-03', costUsd: 1 },
        { day: '2026-12-03', costUsd: 2 },
        { day: '2026-12-20', costUsd: 100 },
        { day: '2026-12-04', costUsd: Number.NaN },
      ],
      at('2026-12-05T00:00:00Z'),
    );
    expect(f.monthToDateUsd).toBe(3);
    expect(f).toMatchObject({ month: '2026-12', daysInMonth: 31, daysLeft: 27 });
  });
});

describe('month bounds and the days a forecast reads', () => {
  it.each([
    ['2026-12-15T10:00:00Z', '2026-12-01', '2027-01-01', '2026-12-01'],
    ['2026-12-03T10:00:00Z', '2026-12-01', '2027-01-01', '2026-11-26'],
    ['2024-02-29T23:59:59Z', '2024-02-01', '2024-03-01', '2024-02-01'],
  ])('%s → month %s..%s, read from %s', (now, start, end, from) => {
    const b = monthBounds(at(now));
    expect(new Date(b.start).toISOString().slice(0, 10)).toBe(start);
    expect(new Date(b.end).toISOString().slice(0, 10)).toBe(end);
    expect(new Date(forecastFrom(at(now))).toISOString().slice(0, 10)).toBe(from);
  });
});
