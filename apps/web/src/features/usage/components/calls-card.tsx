import { BarChart, themeColor } from '../../../components/charts';
import { Card } from '../../../components/ui/card';
import { formatUsd, plural } from '../../../lib/format';
import type { UsageResponse } from '../api/types';
import { bucketLabel } from '../chart-data';
import { ratingsLabel } from '../ratings';

/**
 * Calls over the period (succeeded and errors, stacked) and the top models by calls with their cost and feedback:
 * a user's own usage and an organization's.
 */
export function CallsCard({
  usage,
  periodSpan,
  whose,
}: {
  usage: UsageResponse;
  /** "the last 30 days", "all time". */
  periodSpan: string;
  /** Whose models the list names: "Your", "Its". */
  whose: string;
}) {
  return (
    <Card className="hover:border-border">
      <h3 className="mb-2 font-medium">Calls over time</h3>
      {usage.totals.requests === 0 ? (
        <p className="text-sm text-muted">No calls in this period.</p>
      ) : (
        <BarChart
          label={`Calls per ${usage.bucket} over ${periodSpan}`}
          data={{
            labels: usage.series.map((p) => bucketLabel(p.t, usage.bucket)),
            datasets: [
              // Stacked: errors are part of the requests, so the bar's height is all calls.
              {
                label: 'Succeeded',
                data: usage.series.map((p) => p.requests - p.errors),
                backgroundColor: '#3b82f6',
              },
              {
                label: 'Errors',
                data: usage.series.map((p) => p.errors),
                backgroundColor: '#ef4444',
              },
            ],
          }}
          options={{
            scales: {
              x: {
                stacked: true,
                ticks: { maxRotation: 0, autoSkip: true, maxTicksLimit: 8 },
                grid: { display: false },
              },
              y: {
                stacked: true,
                beginAtZero: true,
                ticks: { precision: 0, maxTicksLimit: 6 },
                grid: { color: themeColor('border') },
              },
            },
          }}
        />
      )}
      {usage.byModel.length ? (
        <>
          <p className="mt-3 text-xs text-muted">{whose} top models by calls (up to 10)</p>
          <ul aria-label="Top models" className="mt-1 flex flex-wrap gap-2 text-xs">
            {usage.byModel.map((m) => (
              <li key={m.ref} className="rounded-lg bg-surface-2 px-2 py-1">
                <code>{m.ref}</code> · {plural(m.requests, 'call')} · {formatUsd(m.costUsd)}
                {ratingsLabel(m.feedback) ? ` · ${ratingsLabel(m.feedback)}` : ''}
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </Card>
  );
}
