import type { ChartData, ChartOptions } from 'chart.js';
import { Bar, Doughnut, Line } from 'react-chartjs-2';
import { themeColor } from './colors';
import { registerCharts } from './register';

registerCharts();

type Plain = Record<string, unknown>;
const isPlain = (v: unknown): v is Plain => typeof v === 'object' && v !== null && !Array.isArray(v) && Object.getPrototypeOf(v) === Object.prototype;

/**
 * `extra` over `base`, object by object, except that an axis a page configures replaces the default axis whole (its
 * own settings stand as given); axes it leaves out keep the defaults.
 */
function merge(base: Plain, extra: Plain, path = ''): Plain {
  const out: Plain = { ...base };
  for (const [k, v] of Object.entries(extra)) {
    const here = path ? `${path}.${k}` : k;
    out[k] = isPlain(v) && isPlain(out[k]) && path !== 'scales' ? merge(out[k] as Plain, v, here) : v;
  }
  return out;
}

function baseOptions<T extends 'line' | 'bar' | 'doughnut'>(kind: T, extra?: ChartOptions<T>): ChartOptions<T> {
  const muted = themeColor('muted');
  const grid = themeColor('border');
  const axes =
    kind === 'doughnut'
      ? {}
      : {
          scales: {
            x: { ticks: { color: muted, maxRotation: 0, autoSkip: true, maxTicksLimit: 8 }, grid: { display: false } },
            y: { beginAtZero: true, ticks: { color: muted, maxTicksLimit: 6 }, grid: { color: grid } },
          },
        };
  const merged = merge(
    {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      interaction: { mode: 'index', intersect: false },
      plugins: { legend: { labels: { color: muted, boxWidth: 12 } } },
      ...axes,
    },
    (extra ?? {}) as Plain,
  );
  // Axes a page configures (a second y axis) get the theme's tick colour unless they set one.
  if (isPlain(merged.scales)) for (const axis of Object.values(merged.scales)) if (isPlain(axis)) axis.ticks = { color: muted, ...(isPlain(axis.ticks) ? axis.ticks : {}) };
  return merged as ChartOptions<T>;
}

export interface ChartProps<T extends 'line' | 'bar' | 'doughnut'> {
  data: ChartData<T>;
  options?: ChartOptions<T>;
  /** What the chart shows, for screen readers (the canvas is an image). */
  label: string;
  height?: number;
}

export function LineChartImpl({ data, options, label, height = 220 }: ChartProps<'line'>) {
  return (
    <div style={{ height }} className="relative w-full min-w-0">
      <Line data={data} options={baseOptions('line', options)} aria-label={label} role="img" />
    </div>
  );
}

export function BarChartImpl({ data, options, label, height = 220 }: ChartProps<'bar'>) {
  return (
    <div style={{ height }} className="relative w-full min-w-0">
      <Bar data={data} options={baseOptions('bar', options)} aria-label={label} role="img" />
    </div>
  );
}

export function DoughnutChartImpl({ data, options, label, height = 220 }: ChartProps<'doughnut'>) {
  return (
    <div style={{ height }} className="relative w-full min-w-0">
      <Doughnut data={data} options={baseOptions('doughnut', options)} aria-label={label} role="img" />
    </div>
  );
}
