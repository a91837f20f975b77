import type { Chart, ChartData, ChartOptions } from 'chart.js';
import { Download } from 'lucide-react';
import { useRef, type ReactNode, type RefObject } from 'react';
import { Bar, Doughnut, Line } from 'react-chartjs-2';
import { themeColor } from './colors';
import { registerCharts } from './register';

registerCharts();

type Plain = Record<string, unknown>;
const isPlain = (v: unknown): v is Plain =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && Object.getPrototypeOf(v) === Object.prototype;

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

function baseOptions<T extends 'line' | 'bar' | 'doughnut'>(
  kind: T,
  extra?: ChartOptions<T>,
): ChartOptions<T> {
  const muted = themeColor('muted');
  const grid = themeColor('border');
  const axes =
    kind === 'doughnut'
      ? {}
      : {
          scales: {
            x: {
              ticks: { color: muted, maxRotation: 0, autoSkip: true, maxTicksLimit: 8 },
              grid: { display: false },
            },
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
  if (isPlain(merged.scales))
    for (const axis of Object.values(merged.scales))
      if (isPlain(axis)) axis.ticks = { color: muted, ...(isPlain(axis.ticks) ? axis.ticks : {}) };
  return merged as ChartOptions<T>;
}

export interface ChartProps<T extends 'line' | 'bar' | 'doughnut'> {
  data: ChartData<T>;
  options?: ChartOptions<T>;
  /** What the chart shows, for screen readers (the canvas is an image). */
  label: string;
  height?: number;
}

/** A file name from a chart's label: "Requests and errors per minute…" → "requests-and-errors-per-minute….png". */
export function chartFileName(label: string): string {
  const slug = label
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 80);
  return `${slug || 'chart'}.png`;
}

/** Saves the chart as a PNG on the page's own background (a transparent canvas reads badly in image viewers). */
function downloadChart(chart: Chart | null | undefined, label: string): void {
  const canvas = chart?.canvas;
  if (!canvas) return;
  const out = document.createElement('canvas');
  out.width = canvas.width;
  out.height = canvas.height;
  const ctx = out.getContext('2d');
  if (!ctx) return;
  ctx.fillStyle = themeColor('surface');
  ctx.fillRect(0, 0, out.width, out.height);
  ctx.drawImage(canvas, 0, 0);
  const a = document.createElement('a');
  a.href = out.toDataURL('image/png');
  a.download = chartFileName(label);
  a.rel = 'noopener';
  document.body.appendChild(a);
  a.click();
  a.remove();
}

/** The chart's box with a "download as PNG" button in its corner. */
function Frame({
  kind,
  height,
  label,
  chart,
  children,
}: {
  kind: 'line' | 'bar' | 'doughnut';
  height: number;
  label: string;
  chart: RefObject<Chart | null>;
  children: ReactNode;
}) {
  return (
    <div style={{ height }} className="group relative w-full min-w-0" data-chart-kind={kind}>
      {children}
      <button
        type="button"
        aria-label={`Download the chart as PNG: ${label}`}
        title="Download as PNG"
        onClick={() => downloadChart(chart.current, label)}
        className="absolute right-0 top-0 rounded p-1 text-muted opacity-60 hover:bg-surface-2 hover:text-fg hover:opacity-100 focus-visible:opacity-100 group-hover:opacity-100"
      >
        <Download aria-hidden className="h-3.5 w-3.5" />
      </button>
    </div>
  );
}

export function LineChartImpl({ data, options, label, height = 220 }: ChartProps<'line'>) {
  const chart = useRef<Chart<'line'> | null>(null);
  return (
    <Frame kind="line" height={height} label={label} chart={chart as RefObject<Chart | null>}>
      <Line ref={chart} data={data} options={baseOptions('line', options)} aria-label={label} role="img" />
    </Frame>
  );
}

export function BarChartImpl({ data, options, label, height = 220 }: ChartProps<'bar'>) {
  const chart = useRef<Chart<'bar'> | null>(null);
  return (
    <Frame kind="bar" height={height} label={label} chart={chart as RefObject<Chart | null>}>
      <Bar ref={chart} data={data} options={baseOptions('bar', options)} aria-label={label} role="img" />
    </Frame>
  );
}

export function DoughnutChartImpl({ data, options, label, height = 220 }: ChartProps<'doughnut'>) {
  const chart = useRef<Chart<'doughnut'> | null>(null);
  return (
    <Frame kind="doughnut" height={height} label={label} chart={chart as RefObject<Chart | null>}>
      <Doughnut
        ref={chart}
        data={data}
        options={baseOptions('doughnut', options)}
        aria-label={label}
        role="img"
      />
    </Frame>
  );
}
