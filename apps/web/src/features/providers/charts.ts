/**
 * Chart data for the usage analytics, built from the API's `/llm/usage` answer. Pure functions (no chart.js at
 * run time), so they are unit-tested and the charts themselves stay in a lazy chunk.
 */
import type { ChartData } from 'chart.js';
import type { LlmUsage, ProviderUsage } from './api/types';

/** A fallback palette for providers the API gives no colour for (deleted ones, "no provider"). */
export const PALETTE = [
  '#3b82f6',
  '#22c55e',
  '#f59e0b',
  '#ef4444',
  '#8b5cf6',
  '#06b6d4',
  '#ec4899',
  '#64748b',
  '#14b8a6',
  '#eab308',
];

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** A bucket start as an axis label (UTC, as the API buckets): "14:00" for hours, "Mar 4" for days and weeks. */
export function bucketLabel(iso: string, bucket: LlmUsage['bucket'], spansDays = false): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const day = `${MONTHS[d.getUTCMonth()]} ${d.getUTCDate()}`;
  if (bucket === 'hour') {
    const hh = `${String(d.getUTCHours()).padStart(2, '0')}:00`;
    return spansDays ? `${day} ${hh}` : hh;
  }
  return day;
}

/** A provider's colour: the API's colour for its type when known, otherwise the palette by position. */
export function providerColor(
  p: Pick<ProviderUsage, 'providerId'>,
  index: number,
  colors: ReadonlyMap<string, string>,
): string {
  return (p.providerId ? colors.get(p.providerId) : undefined) ?? PALETTE[index % PALETTE.length]!;
}

/** API calls per bucket (line), with errors as a second series. */
export function callsOverTime(
  usage: Pick<LlmUsage, 'series' | 'bucket'>,
): ChartData<'line', number[], string> {
  const spansDays = usage.bucket === 'hour' && usage.series.length > 24;
  return {
    labels: usage.series.map((p) => bucketLabel(p.t, usage.bucket, spansDays)),
    datasets: [
      {
        label: 'API calls',
        data: usage.series.map((p) => p.requests),
        borderColor: 'rgb(59, 130, 246)',
        backgroundColor: 'rgba(59, 130, 246, 0.15)',
        fill: true,
        tension: 0.35,
        pointRadius: 0,
      },
      {
        label: 'Errors',
        data: usage.series.map((p) => p.errors),
        borderColor: 'rgb(239, 68, 68)',
        backgroundColor: 'rgba(239, 68, 68, 0.1)',
        fill: false,
        tension: 0.35,
        pointRadius: 0,
      },
    ],
  };
}

/** Cost by provider (doughnut): providers that cost something, largest first. */
export function costByProvider(
  usage: Pick<LlmUsage, 'byProvider'>,
  colors: ReadonlyMap<string, string> = new Map(),
): ChartData<'doughnut', number[], string> {
  const rows = usage.byProvider
    .map((p, i) => ({ p, color: providerColor(p, i, colors) }))
    .filter(({ p }) => p.costUsd > 0)
    .sort((a, b) => b.p.costUsd - a.p.costUsd);
  return {
    labels: rows.map(({ p }) => p.provider),
    datasets: [
      {
        label: 'Cost (USD)',
        data: rows.map(({ p }) => round(p.costUsd, 6)),
        backgroundColor: rows.map(({ color }) => color),
        borderWidth: 0,
      },
    ],
  };
}

/** Average latency by provider (bar), providers without a measured latency left out. */
export function latencyByProvider(
  usage: Pick<LlmUsage, 'byProvider'>,
  colors: ReadonlyMap<string, string> = new Map(),
): ChartData<'bar', (number | null)[], string> {
  const rows = usage.byProvider
    .map((p, i) => ({ p, color: providerColor(p, i, colors) }))
    .filter(({ p }) => p.avgLatencyMs !== null);
  return {
    labels: rows.map(({ p }) => p.provider),
    datasets: [
      {
        label: 'Average latency (ms)',
        data: rows.map(({ p }) => p.avgLatencyMs ?? 0),
        backgroundColor: rows.map(({ color }) => color),
      },
      {
        label: 'Time to first token (ms)',
        // No sample (requests that failed before their first byte): a gap, not a measured 0 ms.
        data: rows.map(({ p }) => p.avgTtftMs),
        backgroundColor: rows.map(({ color }) => `${color}80`),
      },
    ],
  };
}

/** Success rate by provider in percent (bar), providers without requests left out. */
export function successRateByProvider(
  usage: Pick<LlmUsage, 'byProvider'>,
  colors: ReadonlyMap<string, string> = new Map(),
): ChartData<'bar', number[], string> {
  const rows = usage.byProvider
    .map((p, i) => ({ p, color: providerColor(p, i, colors) }))
    .filter(({ p }) => p.successRate !== null);
  return {
    labels: rows.map(({ p }) => p.provider),
    datasets: [
      {
        label: 'Success rate (%)',
        data: rows.map(({ p }) => round((p.successRate ?? 0) * 100, 2)),
        backgroundColor: rows.map(({ color }) => color),
      },
    ],
  };
}

/** The most requested models (horizontal bar), as the API ranks them (top 10). */
export function popularModels(
  usage: Pick<LlmUsage, 'byModel'>,
  limit = 10,
): ChartData<'bar', number[], string> {
  const rows = [...usage.byModel].sort((a, b) => b.requests - a.requests).slice(0, limit);
  return {
    labels: rows.map((m) => m.ref),
    datasets: [
      {
        label: 'Requests',
        data: rows.map((m) => m.requests),
        backgroundColor: rows.map((_, i) => PALETTE[i % PALETTE.length]!),
      },
    ],
  };
}

/** True when a chart has nothing to draw (every value 0 or no labels): the panel shows an empty state instead. */
export function isEmptyChart(
  data: ChartData<'line' | 'bar' | 'doughnut', (number | null)[], string>,
): boolean {
  return !data.labels?.length || data.datasets.every((d) => d.data.every((v) => !v));
}

/** A stat card's trend: "+12.5%", "−5%", "0%", or "new" when there was nothing to compare with. */
export function trendLabel(changePct: number | null): {
  text: string;
  direction: 'up' | 'down' | 'flat' | 'new';
} {
  if (changePct === null) return { text: 'new', direction: 'new' };
  if (changePct === 0) return { text: '0%', direction: 'flat' };
  const abs = Math.abs(changePct);
  const text = `${changePct > 0 ? '+' : '−'}${Number.isInteger(abs) ? abs : abs.toFixed(1)}%`;
  return { text, direction: changePct > 0 ? 'up' : 'down' };
}

function round(n: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}
