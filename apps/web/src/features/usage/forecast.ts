import type { CostForecast } from '@switchyard/core';
import { formatUsd } from '../../lib/format';

type Forecast = CostForecast['total'];

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

/** "December 2026" from "2026-12". */
export function monthName(month: string): string {
  const [y, m] = month.split('-');
  return `${MONTHS[Number(m) - 1] ?? month} ${y}`;
}

/** What the projection rests on, in words: "$76.00 so far · $10.14/day over the last 7 days". */
export function forecastBasis(f: Forecast): string {
  const rate =
    f.rateDays === 0
      ? `${formatUsd(f.dailyRateUsd)}/day (today so far)`
      : `${formatUsd(f.dailyRateUsd)}/day over the last ${f.rateDays} day${f.rateDays === 1 ? '' : 's'}`;
  return `${formatUsd(f.monthToDateUsd)} so far · ${rate}`;
}
