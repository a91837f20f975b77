// No chart.js here: pages import these without pulling the charts chunk.

/** A theme colour from the CSS variables (`--sy-accent` → '#3b82f6'), read when the chart draws. */
export function themeColor(name: string, fallback = '#888'): string {
  if (typeof document === 'undefined') return fallback;
  const v = getComputedStyle(document.documentElement).getPropertyValue(`--sy-${name}`).trim();
  return v || fallback;
}

/** Distinct series colours that read on dark and light themes. */
export const SERIES_COLORS = [
  '#3b82f6',
  '#8b5cf6',
  '#22c55e',
  '#f59e0b',
  '#ef4444',
  '#06b6d4',
  '#ec4899',
  '#84cc16',
  '#f97316',
  '#64748b',
];
