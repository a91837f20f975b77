/**
 * chart.js, registered once: only the pieces the dashboard draws (tree-shaken). Imported by ./impl.tsx only,
 * which ./index.tsx loads lazily, so chart.js stays out of the initial bundle.
 */
import {
  ArcElement,
  BarElement,
  CategoryScale,
  Chart,
  Filler,
  Legend,
  LinearScale,
  LineElement,
  PointElement,
  Title,
  Tooltip,
} from 'chart.js';

let registered = false;

export function registerCharts() {
  if (registered) return;
  Chart.register(
    CategoryScale,
    LinearScale,
    PointElement,
    LineElement,
    BarElement,
    ArcElement,
    Filler,
    Title,
    Tooltip,
    Legend,
  );
  registered = true;
}

registerCharts();

export { Chart };
