import { Download } from 'lucide-react';
import { Link } from 'react-router';
import { StatusBadge } from '../../../components/ui/badge';
import { FilterBar, PageHeader } from '../../../components/ui/page';
import { DataTable, sortableHeader, type ListColumn } from '../../../components/ui/data-table';
import { RowAction } from '../../../components/ui/table';
import { formatNumber, formatUsd } from '../../../lib/format';
import { oneOf, useQueryState } from '../../../lib/search-params';
import { useUserUsage } from '../api/get-user-usage';
import type { UserUsageRow, UserUsageSort } from '../api/types';
import { ExportDialog } from './export-dialog';
import { ForecastCard } from './forecast-card';
import { PeriodTabs, usePeriod } from './period-tabs';

const SORTS: readonly UserUsageSort[] = ['cost', 'requests', 'tokens', 'saved', 'name'];

/** Operators: requests, tokens, cost and BYOK savings per user over a period; export one user's activity as CSV. */
export function UsagePage() {
  const qs = useQueryState();
  const [period, setPeriod] = usePeriod();
  const sort = oneOf<UserUsageSort>(qs.get('sort'), SORTS, 'cost');
  const order = oneOf<'asc' | 'desc'>(qs.get('order'), ['asc', 'desc'], sort === 'name' ? 'asc' : 'desc');
  const usage = useUserUsage({ period, sort, order });
  const rows = usage.data?.data ?? [];
  const exporting = qs.get('export');
  const exportUser = exporting ? rows.find((r) => r.userId === exporting) : undefined;
  const onSort = (s: UserUsageSort) => {
    const natural = s === 'name' ? 'asc' : 'desc';
    const nextOrder = s === sort ? (order === 'asc' ? 'desc' : 'asc') : natural;
    qs.set({ sort: s === 'cost' ? null : s, order: nextOrder === natural ? null : nextOrder });
  };
  const sortHeader = (label: string, by: UserUsageSort) => sortableHeader(label, by, sort, order, onSort);
  const columns: ListColumn<UserUsageRow>[] = [
    {
      id: 'user',
      ...sortHeader('User', 'name'),
      cell: (r) => (
        <>
          <Link
            to={`/logs?user=${encodeURIComponent(r.userId)}`}
            className="font-medium text-accent hover:underline"
            title="Their requests in the logs"
          >
            {r.email ?? r.userId}
          </Link>
          {r.name && r.name !== r.email ? <div className="text-xs text-muted">{r.name}</div> : null}
        </>
      ),
    },
    { id: 'status', header: 'Status', priority: 'lg', cell: (r) => <StatusBadge status={r.status} /> },
    {
      id: 'requests',
      ...sortHeader('Requests', 'requests'),
      align: 'right',
      className: 'tabular-nums',
      cell: (r) => formatNumber(r.requests),
    },
    {
      id: 'errors',
      header: 'Errors',
      align: 'right',
      priority: 'md',
      className: 'tabular-nums',
      cell: (r) => (r.errors ? <span className="text-danger">{formatNumber(r.errors)}</span> : 0),
    },
    {
      id: 'tokensIn',
      header: 'Input tokens',
      align: 'right',
      priority: 'md',
      className: 'tabular-nums',
      cell: (r) => formatNumber(r.tokensIn),
    },
    {
      id: 'tokensOut',
      header: 'Output tokens',
      align: 'right',
      priority: 'md',
      className: 'tabular-nums',
      cell: (r) => formatNumber(r.tokensOut),
    },
    {
      id: 'tokens',
      ...sortHeader('Tokens', 'tokens'),
      align: 'right',
      priority: 'lg',
      className: 'tabular-nums',
      cell: (r) => formatNumber(r.tokens),
    },
    {
      id: 'cost',
      ...sortHeader('Cost', 'cost'),
      align: 'right',
      className: 'tabular-nums',
      cell: (r) => formatUsd(r.costUsd),
    },
    {
      id: 'saved',
      ...sortHeader('BYOK saved', 'saved'),
      align: 'right',
      priority: 'md',
      className: 'tabular-nums',
      cell: (r) => (
        <>
          {r.savedUsd ? <span className="text-ok">{formatUsd(r.savedUsd)}</span> : '—'}
          {r.byokRequests ? (
            <div className="text-xs text-muted">{formatNumber(r.byokRequests)} BYOK calls</div>
          ) : null}
        </>
      ),
    },
    {
      id: 'cap',
      header: 'Weekly cap',
      align: 'right',
      priority: 'xl',
      className: 'tabular-nums',
      cell: (r) => formatUsd(r.weeklyCapUsd, 'none'),
    },
    {
      id: 'lastActive',
      header: 'Last active',
      priority: 'lg',
      className: 'whitespace-nowrap',
      cell: (r) => r.lastActiveDay,
    },
  ];
  return (
    <div>
      <PageHeader
        title="Usage by user"
        description="Requests, tokens, cost and what users' own provider keys (BYOK) saved. Export a user's activity as CSV for auditing."
      />
      <ForecastCard />
      <FilterBar label="Usage period">
        <PeriodTabs value={period} onChange={setPeriod} />
      </FilterBar>
      <DataTable
        label="Usage by user"
        columns={columns}
        rows={rows}
        rowKey={(r) => r.userId}
        rowTestId="usage-row"
        loading={usage.isPending}
        error={usage.isError ? usage.error : null}
        onRetry={() => void usage.refetch()}
        empty={{
          title: 'No usage in this period.',
          hint: 'Pick a longer period, or wait for traffic through /v1.',
        }}
        skeletonRows={6}
        actions={(r) => (
          <RowAction
            icon={Download}
            text="CSV"
            showText
            label={`Export ${r.email ?? r.userId} as CSV`}
            onClick={() => qs.set({ export: r.userId }, { push: true })}
          />
        )}
      />
      {usage.data && usage.data.total > rows.length ? (
        <p className="mt-2 text-xs text-muted" data-testid="usage-cut">
          The first {formatNumber(rows.length)} of {formatNumber(usage.data.total)} users with traffic in this
          period, in this order.
        </p>
      ) : null}
      <ExportDialog
        open={!!exporting}
        onClose={() => qs.set({ export: null })}
        scope="any"
        user={exporting ? { id: exporting, label: exportUser?.email ?? exporting } : null}
      />
    </div>
  );
}
