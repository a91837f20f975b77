import { Card } from '../../../components/ui/card';
import { useExperimentResults } from '../api/get-experiment-results';
import { fmtMs, fmtPct, fmtScore, fmtUsd, withInterval } from '../experiment-form';

/** The results of one experiment per variant, each figure with its 95% interval (from GET …/results). */
export function ExperimentResultsCard({ id }: { id: string }) {
  const results = useExperimentResults(id);
  if (results.isPending) return <Card className="mt-4">Loading results…</Card>;
  if (results.isError)
    return (
      <Card className="mt-4" role="alert">
        The results could not be loaded: {results.error.message}
      </Card>
    );
  const { experiment, variants, totals } = results.data;
  const rows: { label: string; cell: (v: (typeof variants)[number]) => string }[] = [
    { label: 'Split', cell: (v) => `${v.percent}% → ${v.target || '—'}` },
    { label: 'Requests', cell: (v) => String(v.requests) },
    { label: 'Errors', cell: (v) => String(v.errors) },
    { label: 'Error rate', cell: (v) => withInterval(v.errorRate, fmtPct) },
    { label: 'Latency p50', cell: (v) => withInterval(v.latencyP50Ms, fmtMs) },
    { label: 'Latency p95', cell: (v) => withInterval(v.latencyP95Ms, fmtMs) },
    { label: 'Latency mean', cell: (v) => withInterval(v.latencyMeanMs, fmtMs) },
    {
      label: 'Time to first token (mean)',
      cell: (v) =>
        v.ttftCount === 0
          ? '— (no streams)'
          : `${withInterval(v.ttftMeanMs, fmtMs)}, ${v.ttftCount} streamed`,
    },
    { label: 'Time to first token p50', cell: (v) => (v.ttftP50Ms === null ? '—' : fmtMs(v.ttftP50Ms)) },
    { label: 'Cost per request', cell: (v) => withInterval(v.costPerRequestUsd, fmtUsd) },
    { label: 'Cost (total)', cell: (v) => fmtUsd(v.costUsd) },
    {
      label: 'Tokens in / out',
      cell: (v) =>
        `${v.tokensIn} / ${v.tokensOut}${v.tokensInMean !== null ? ` (${v.tokensInMean.toFixed(1)} / ${(v.tokensOutMean ?? 0).toFixed(1)} per request)` : ''}`,
    },
    { label: 'Feedback count', cell: (v) => String(v.feedbackCount) },
    { label: 'Feedback mean (0–1)', cell: (v) => withInterval(v.feedbackMean, fmtScore) },
  ];
  return (
    <Card className="mt-4" data-testid="experiment-results">
      <h2 className="text-base font-semibold">Results: {experiment.name}</h2>
      <p className="mb-3 text-sm text-muted">
        {totals.requests} requests and {totals.feedbackCount} feedback scores on alias{' '}
        <code className="text-xs">{experiment.alias}</code>. In brackets: the 95% interval (Wilson for the
        error rate, Student’s t for means, order statistics for percentiles). Cost is the list price, BYOK
        included.
      </p>
      <div className="overflow-x-auto">
        <table className="w-full text-sm" aria-label="Results per variant">
          <thead>
            <tr className="border-b border-border text-left">
              <th scope="col" className="py-2 pr-4 font-medium">
                Figure
              </th>
              {variants.map((v) => (
                <th key={v.name} scope="col" className="py-2 pr-4 font-medium">
                  {v.name}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.label} className="border-b border-border/50">
                <th scope="row" className="py-1.5 pr-4 text-left font-normal text-muted">
                  {r.label}
                </th>
                {variants.map((v) => (
                  <td key={v.name} className="py-1.5 pr-4 tabular-nums">
                    {r.cell(v)}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </Card>
  );
}
