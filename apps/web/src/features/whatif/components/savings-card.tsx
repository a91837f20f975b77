import { ArrowRight } from 'lucide-react';
import { Link } from 'react-router';
import { Card } from '../../../components/ui/card';
import { ErrorState, Skeleton } from '../../../components/ui/states';
import { formatNumber, formatUsd } from '../../../lib/format';
import { useSavings } from '../api/get-savings';
import { replaceLink } from '../whatif-form';

/**
 * Savings advice from the last 30 days: "Switch X to Y: save $Z/month" for cheaper models of the same tier with
 * the capabilities used and a large enough context window; each opens the what-if prefilled. Everyone's traffic
 * (operators), or with `orgId` one organization's (its what-if page opens).
 */
export function SavingsCard({ orgId }: { orgId?: string } = {}) {
  const q = useSavings(orgId ?? null);
  if (q.isPending) return <Skeleton className="h-28 w-full" />;
  if (q.isError) return <ErrorState error={q.error} onRetry={() => void q.refetch()} />;
  const s = q.data.suggestions;
  return (
    <Card className="hover:border-border" data-testid="savings-card">
      <h2 className="mb-1 font-medium">Savings advice</h2>
      <p className="mb-3 text-xs text-muted">
        From the last 30 days{orgId ? " of this organization's requests" : ''}: cheaper models of the same
        tier with the capabilities used and a context window that holds the largest prompt seen. Savings are
        the simulator&apos;s projection over those 30 days.
      </p>
      {s.length === 0 ? (
        <p className="text-sm text-muted">
          No cheaper model of the same tier fits the traffic of the last 30 days.
        </p>
      ) : (
        <ul className="divide-y divide-border">
          {s.map((x) => (
            <li
              key={`${x.from}>${x.to}`}
              className="flex flex-wrap items-center justify-between gap-2 py-2"
              data-testid="savings-suggestion"
            >
              <span className="min-w-0 text-sm">
                Switch <code className="text-xs">{x.from}</code> to <code className="text-xs">{x.to}</code>:{' '}
                <strong className="tabular-nums">save {formatUsd(x.monthlySavingUsd)}/month</strong>
                <span className="ml-2 text-xs text-muted">
                  {formatNumber(x.requests)} requests · {formatUsd(x.actualUsd)} → {formatUsd(x.projectedUsd)}
                  {x.unroutable > 0 ? ` · ${formatNumber(x.unroutable)} would be unroutable` : ''}
                  {x.sampled < 1 ? ` · from a ${Math.round(x.sampled * 100)}% sample, scaled` : ''}
                </span>
              </span>
              <Link
                to={replaceLink(x.from, x.to, orgId)}
                className="inline-flex items-center gap-1 text-sm text-accent hover:underline"
              >
                Open in what-if <ArrowRight aria-hidden className="h-3.5 w-3.5" />
              </Link>
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}
