import type { ProviderUsage } from './api/types';

/** A bucket's start as a short axis label: hours as "Mon 14:00", days and weeks as "Mar 3", minutes as "14:05". */
export function bucketLabel(iso: string, bucket: 'minute' | 'hour' | 'day' | 'week'): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  if (bucket === 'minute') return d.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
  if (bucket === 'hour')
    return `${d.toLocaleDateString(undefined, { weekday: 'short' })} ${d.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' })}`;
  return d.toLocaleDateString(undefined, { month: 'short', day: 'numeric' });
}

export interface ProviderShare extends ProviderUsage {
  /** Share of all requests in the period, percent with one decimal; the shares add up to 100 (largest remainder). */
  share: number;
}

/** Each provider's share of the requests, busiest first, rounded so that the shares add up to exactly 100.0. */
export function routingShares(rows: readonly ProviderUsage[]): ProviderShare[] {
  const total = rows.reduce((s, r) => s + r.requests, 0);
  const sorted = [...rows].sort((a, b) => b.requests - a.requests || a.provider.localeCompare(b.provider));
  if (total === 0) return sorted.map((r) => ({ ...r, share: 0 }));
  // Work in tenths of a percent: floor each, then give the leftover tenths to the largest remainders.
  const exact = sorted.map((r) => (r.requests / total) * 1000);
  const floors = exact.map(Math.floor);
  let left = 1000 - floors.reduce((s, x) => s + x, 0);
  const order = exact.map((x, i) => ({ i, rem: x - Math.floor(x) })).sort((a, b) => b.rem - a.rem);
  for (const o of order) {
    if (left <= 0) break;
    floors[o.i]! += 1;
    left--;
  }
  return sorted.map((r, i) => ({ ...r, share: floors[i]! / 10 }));
}

/** Requests-weighted mean of the non-null values (e.g. latency across minutes), or null. */
export function weightedMean(points: readonly { value: number | null; weight: number }[]): number | null {
  let sum = 0;
  let w = 0;
  for (const p of points) {
    if (p.value === null || p.weight <= 0) continue;
    sum += p.value * p.weight;
    w += p.weight;
  }
  return w === 0 ? null : Math.round(sum / w);
}
