import { Card } from '../../../components/ui/card';
import { ErrorState, Skeleton } from '../../../components/ui/states';
import { formatUsd } from '../../../lib/format';
import { useForecast } from '../api/get-forecast';
import { forecastBasis, monthName } from '../forecast';

/** The month-end cost forecast per organization and per provider (the Spend tab). */
export function ForecastCard() {
  const q = useForecast();
  if (q.isPending) return <Skeleton className="mb-4 h-40 w-full" />;
  if (q.isError) return <ErrorState error={q.error} onRetry={() => void q.refetch()} />;
  const f = q.data;
  const table = (
    label: string,
    rows: { key: string; name: string; monthToDateUsd: number; projectedUsd: number }[],
  ) => (
    <table aria-label={label} className="w-full text-sm">
      <thead>
        <tr className="text-left text-xs uppercase tracking-wide text-muted">
          <th className="py-1 font-medium">{label}</th>
          <th className="py-1 text-right font-medium">So far</th>
          <th className="py-1 text-right font-medium">Month end</th>
        </tr>
      </thead>
      <tbody className="divide-y divide-border">
        {rows.map((r) => (
          <tr key={r.key}>
            <td className="max-w-48 truncate py-1.5">{r.name}</td>
            <td className="py-1.5 text-right tabular-nums">{formatUsd(r.monthToDateUsd)}</td>
            <td className="py-1.5 text-right font-medium tabular-nums">{formatUsd(r.projectedUsd)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
  return (
    <Card className="mb-4 hover:border-border" data-testid="forecast-card">
      <div className="mb-3 flex flex-wrap items-baseline gap-x-3 gap-y-1">
        <h2 className="font-medium">Month-end forecast · {monthName(f.total.month)}</h2>
        <span className="text-xl font-semibold tabular-nums" data-testid="forecast-total">
          {formatUsd(f.total.projectedUsd)}
        </span>
        <span className="text-xs text-muted">{forecastBasis(f.total)}</span>
      </div>
      {f.byOrg.length === 0 ? (
        <p className="text-sm text-muted">No spend this month or in the last 7 days.</p>
      ) : (
        <div className="grid grid-cols-1 gap-4 md:grid-cols-2">
          {table(
            'Organization',
            f.byOrg.map((o) => ({ key: o.orgId ?? '', ...o })),
          )}
          {table(
            'Provider',
            f.byProvider.map((p) => ({ key: p.providerId, ...p })),
          )}
        </div>
      )}
    </Card>
  );
}
