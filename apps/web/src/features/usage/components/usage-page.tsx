import { ArrowDown, ArrowUp, Download } from 'lucide-react';
import { Link } from 'react-router';
import { StatusBadge } from '../../../components/ui/badge';
import { FilterBar, PageHeader } from '../../../components/ui/page';
import { EmptyState, ErrorState } from '../../../components/ui/states';
import { ActionsTd, ActionsTh, RowAction, Table, TableSkeleton, Td, Th } from '../../../components/ui/table';
import { formatNumber, formatUsd } from '../../../lib/format';
import { oneOf, useQueryState } from '../../../lib/search-params';
import { useUserUsage } from '../api/get-user-usage';
import type { UserUsageSort } from '../api/types';
import { ExportDialog } from './export-dialog';
import { PeriodTabs, usePeriod } from './period-tabs';

const SORTS: readonly UserUsageSort[] = ['cost', 'requests', 'tokens', 'saved', 'name'];

function SortTh({ label, sort, current, order, onSort, right }: { label: string; sort: UserUsageSort; current: UserUsageSort; order: 'asc' | 'desc'; onSort: (s: UserUsageSort) => void; right?: boolean }) {
  const active = current === sort;
  return (
    <Th className={right ? 'text-right' : ''} aria-sort={active ? (order === 'asc' ? 'ascending' : 'descending') : 'none'}>
      <button type="button" onClick={() => onSort(sort)} className={`inline-flex items-center gap-1 uppercase ${active ? 'text-fg' : ''}`}>
        {label}
        {active ? order === 'asc' ? <ArrowUp aria-hidden className="h-3 w-3" /> : <ArrowDown aria-hidden className="h-3 w-3" /> : null}
      </button>
    </Th>
  );
}

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
  return (
    <div>
      <PageHeader title="Usage by user" description="Requests, tokens, cost and what users' own provider keys (BYOK) saved. Export a user's activity as CSV for auditing." />
      <FilterBar label="Usage period">
        <PeriodTabs value={period} onChange={setPeriod} />
      </FilterBar>
      {usage.isPending ? (
        <TableSkeleton rows={6} />
      ) : usage.isError ? (
        <ErrorState error={usage.error} onRetry={() => void usage.refetch()} />
      ) : rows.length === 0 ? (
        <EmptyState title="No usage in this period." hint="Pick a longer period, or wait for traffic through /v1." />
      ) : (
        <Table label="Usage by user">
          <thead>
            <tr>
              <SortTh label="User" sort="name" current={sort} order={order} onSort={onSort} />
              <Th>Status</Th>
              <SortTh label="Requests" sort="requests" current={sort} order={order} onSort={onSort} right />
              <Th className="text-right">Errors</Th>
              <SortTh label="Tokens" sort="tokens" current={sort} order={order} onSort={onSort} right />
              <SortTh label="Cost" sort="cost" current={sort} order={order} onSort={onSort} right />
              <SortTh label="BYOK saved" sort="saved" current={sort} order={order} onSort={onSort} right />
              <Th className="text-right">Weekly cap</Th>
              <Th>Last active</Th>
              <ActionsTh />
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.userId} data-testid="usage-row">
                <Td>
                  <Link to={`/logs?user=${encodeURIComponent(r.userId)}`} className="font-medium text-accent hover:underline" title="Their requests in the logs">{r.email ?? r.userId}</Link>
                  {r.name && r.name !== r.email ? <div className="text-xs text-muted">{r.name}</div> : null}
                </Td>
                <Td><StatusBadge status={r.status} /></Td>
                <Td className="text-right tabular-nums">{formatNumber(r.requests)}</Td>
                <Td className="text-right tabular-nums">{r.errors ? <span className="text-danger">{formatNumber(r.errors)}</span> : 0}</Td>
                <Td className="text-right tabular-nums">{formatNumber(r.tokens)}</Td>
                <Td className="text-right tabular-nums">{formatUsd(r.costUsd)}</Td>
                <Td className="text-right tabular-nums">{r.savedUsd ? <span className="text-ok">{formatUsd(r.savedUsd)}</span> : '—'}{r.byokRequests ? <div className="text-xs text-muted">{formatNumber(r.byokRequests)} BYOK calls</div> : null}</Td>
                <Td className="text-right tabular-nums">{formatUsd(r.weeklyCapUsd, 'none')}</Td>
                <Td className="whitespace-nowrap">{r.lastActiveDay}</Td>
                <ActionsTd>
                  <RowAction icon={Download} text="CSV" showText label={`Export ${r.email ?? r.userId} as CSV`} onClick={() => qs.set({ export: r.userId }, { push: true })} />
                </ActionsTd>
              </tr>
            ))}
          </tbody>
        </Table>
      )}
      <ExportDialog open={!!exporting} onClose={() => qs.set({ export: null })} scope="any" user={exporting ? { id: exporting, label: exportUser?.email ?? exporting } : null} />
    </div>
  );
}
