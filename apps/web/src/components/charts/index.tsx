import { lazy, Suspense } from 'react';
import { Skeleton } from '../ui/states';
import type { ChartProps } from './impl';

export type { ChartProps } from './impl';
export { SERIES_COLORS, themeColor } from './colors';

// chart.js and react-chartjs-2 load with the first chart on screen (their own 'charts' chunk), never with the shell.
const LineImpl = lazy(() => import('./impl').then((m) => ({ default: m.LineChartImpl })));
const BarImpl = lazy(() => import('./impl').then((m) => ({ default: m.BarChartImpl })));
const DoughnutImpl = lazy(() => import('./impl').then((m) => ({ default: m.DoughnutChartImpl })));

function Fallback({ height = 220 }: { height?: number }) {
  return (
    <div style={{ height }} className="w-full">
      <Skeleton className="h-full w-full" />
    </div>
  );
}

export function LineChart(props: ChartProps<'line'>) {
  return (
    <Suspense fallback={<Fallback height={props.height} />}>
      <LineImpl {...props} />
    </Suspense>
  );
}

export function BarChart(props: ChartProps<'bar'>) {
  return (
    <Suspense fallback={<Fallback height={props.height} />}>
      <BarImpl {...props} />
    </Suspense>
  );
}

export function DoughnutChart(props: ChartProps<'doughnut'>) {
  return (
    <Suspense fallback={<Fallback height={props.height} />}>
      <DoughnutImpl {...props} />
    </Suspense>
  );
}
