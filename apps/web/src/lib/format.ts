const usd = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', maximumFractionDigits: 2 });
const usdSmall = new Intl.NumberFormat('en-US', {
  style: 'currency',
  currency: 'USD',
  maximumFractionDigits: 6,
});

export function formatUsd(n: number | null | undefined, empty = '—'): string {
  if (n === null || n === undefined) return empty;
  return n !== 0 && Math.abs(n) < 0.01 ? usdSmall.format(n) : usd.format(n);
}

export function formatNumber(n: number | null | undefined, empty = '—'): string {
  return n === null || n === undefined ? empty : n.toLocaleString('en-US');
}

export function formatDate(iso: string | null | undefined, empty = '—'): string {
  if (!iso) return empty;
  const d = new Date(iso);
  return Number.isNaN(d.getTime())
    ? empty
    : d.toLocaleDateString(undefined, { year: 'numeric', month: 'short', day: 'numeric' });
}

export function formatDateTime(iso: string | null | undefined, empty = '—'): string {
  if (!iso) return empty;
  const d = new Date(iso);
  return Number.isNaN(d.getTime())
    ? empty
    : d.toLocaleString(undefined, {
        year: 'numeric',
        month: 'short',
        day: 'numeric',
        hour: '2-digit',
        minute: '2-digit',
      });
}

/** "3 min ago", "in 2 days": for last-used and expiry columns. */
export function formatRelative(iso: string | null | undefined, now = Date.now(), empty = 'never'): string {
  if (!iso) return empty;
  const t = new Date(iso).getTime();
  if (Number.isNaN(t)) return empty;
  const diff = t - now;
  const abs = Math.abs(diff);
  const units: [number, Intl.RelativeTimeFormatUnit][] = [
    [365 * 86_400_000, 'year'],
    [30 * 86_400_000, 'month'],
    [86_400_000, 'day'],
    [3_600_000, 'hour'],
    [60_000, 'minute'],
  ];
  const rtf = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });
  for (const [ms, unit] of units) if (abs >= ms) return rtf.format(Math.round(diff / ms), unit);
  return diff < 0 ? 'just now' : 'in a moment';
}

/** "1 request", "2,345 requests", "0 matches": a count with its noun in the right number. */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${formatNumber(n)} ${n === 1 ? one : many}`;
}
