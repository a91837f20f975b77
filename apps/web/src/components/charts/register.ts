import { ArcElement, BarElement, CategoryScale, Chart, Filler, Legend, LinearScale, LineElement, PointElement, TimeScale, Tooltip } from 'chart.js';

let registered = false;

/** Registers the chart.js pieces the dashboard uses, once (imported only by the lazy chart chunks). */
export function registerCharts(): void {
  if (registered) return;
  Chart.register(CategoryScale, LinearScale, TimeScale, PointElement, LineElement, BarElement, ArcElement, Filler, Tooltip, Legend);
  Chart.defaults.font.family = 'inherit';
  Chart.defaults.maintainAspectRatio = false;
  registered = true;
}
