import { CheckCircle2, RotateCcw } from 'lucide-react';
import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { Badge } from '../../../components/ui/badge';
import { Button } from '../../../components/ui/button';
import { FormError } from '../../../components/ui/dialog';
import { FilterActions, filtersClass, FiltersToggle } from '../../../components/ui/filters-toggle';
import { SelectField, TextField } from '../../../components/ui/field';
import { RowAction } from '../../../components/ui/table';
import { LoadMore } from '../../../components/ui/load-more';
import { PageHeader } from '../../../components/ui/page';
import { DataTable, type ListColumn } from '../../../components/ui/data-table';
import { ErrorState } from '../../../components/ui/states';
import { formatDateTime } from '../../../lib/format';
import { useQueryState } from '../../../lib/search-params';
import { useToggleSet } from '../../../lib/use-toggle-set';
import { useCan } from '../../auth/use-can';
import { useUsers } from '../../users/api/get-users';
import { UserFilterSelect } from '../../users/components/user-filter-select';
import { toolLabel } from '../../logs/components/logs-table';
import { useErrors } from '../api/get-errors';
import { useResolveErrors } from '../api/resolve-errors';
import { ERROR_PARAMS, errorFiltersFromParams } from '../error-filters';

type ErrorReport = NonNullable<ReturnType<typeof useErrors>['data']>['pages'][number]['data'][number];

/** At most this many reports are resolved in one request (the API's limit). */
const RESOLVE_BATCH = 200;

const COLUMNS: ListColumn<ErrorReport>[] = [
  { id: 'time', header: 'Time', className: 'whitespace-nowrap', cell: (r) => formatDateTime(r.createdAt) },
  {
    id: 'state',
    header: 'Status',
    cell: (r) =>
      r.resolved ? (
        <span
          data-testid="error-state"
          title={`Resolved${r.resolvedBy ? ` by ${r.resolvedBy.email ?? r.resolvedBy.id}` : ''}${r.resolvedAt ? ` on ${formatDateTime(r.resolvedAt)}` : ''}`}
        >
          <Badge tone="ok">resolved</Badge>
        </span>
      ) : (
        <span data-testid="error-state">
          <Badge tone="warn">open</Badge>
        </span>
      ),
  },
  { id: 'source', header: 'Source', priority: 'md', cell: (r) => r.source },
  { id: 'type', header: 'Type', cell: (r) => <Badge tone="danger">{r.type}</Badge> },
  {
    id: 'model',
    header: 'Model',
    truncate: (r) => (r.model ? `${r.provider ? `${r.provider}/` : ''}${r.model}` : ''),
    width: 'w-[14%]',
    cell: (r) =>
      r.model ? (
        <code className="text-xs">
          {r.provider ? `${r.provider}/` : ''}
          {r.model}
        </code>
      ) : (
        '—'
      ),
  },
  {
    id: 'error',
    header: 'Error',
    className: 'min-w-48',
    cell: (r) => <div className="max-w-md whitespace-normal break-words">{r.message}</div>,
  },
  {
    id: 'user',
    header: 'User',
    truncate: (r) => (r.user ? (r.user.email ?? r.user.id) : ''),
    width: 'w-[14%]',
    cell: (r) =>
      r.user ? (
        <Link className="text-accent hover:underline" to={`/logs?user=${encodeURIComponent(r.user.id)}`}>
          {r.user.email ?? r.user.id}
        </Link>
      ) : (
        '—'
      ),
  },
  { id: 'app', header: 'App', priority: 'lg', cell: (r) => r.app?.name ?? '—' },
  {
    id: 'agent',
    header: 'Agent',
    priority: 'lg',
    // The agent configuration that chose the model, else the tool that called.
    cell: (r) => r.agent ?? (r.client ? toolLabel(r.client.tool) : '—'),
  },
  {
    id: 'version',
    header: 'Version',
    priority: 'xl',
    cell: (r) => (r.client?.version ? <code className="text-xs">{r.client.version}</code> : '—'),
  },
];

/** Operators: failed requests and other reported errors, filtered in the query string, paged with "Load more". */
export function ErrorsPage() {
  const qs = useQueryState();
  const [showFilters, setShowFilters] = useState(false);
  const filters = errorFiltersFromParams((k) => qs.get(k));
  const errors = useErrors(filters);
  const can = useCan();
  const canResolve = can('errors:write');
  const resolve = useResolveErrors();
  const users = useUsers({}, { enabled: can('users:read') });
  const userId = qs.get('user');
  const expanded = useToggleSet();
  const rows = errors.data?.pages.flatMap((p) => p.data) ?? [];
  // Open reports matching the filters (all pages, whatever the status filter), from the newest page.
  const open = errors.data?.pages[0]?.open;
  const openShown = rows.filter((r) => !r.resolved).map((r) => r.id);
  const filtered = ERROR_PARAMS.some((k) => qs.get(k));
  const onSubmit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const fd = new FormData(e.currentTarget);
    qs.set(Object.fromEntries(ERROR_PARAMS.map((k) => [k, String(fd.get(k) ?? '').trim()])), { push: true });
  };

  return (
    <div>
      <PageHeader
        title="Error reports"
        description="Every failed proxy request becomes a report: when, where it came from, the error type, the model and who sent it. Mark a report resolved once it is handled; the open ones are what is left to look at."
        actions={
          <>
            {open === undefined ? null : (
              <Link
                to={`/errors?${new URLSearchParams({ ...Object.fromEntries(qs.params), state: 'open' }).toString()}`}
                className="text-sm text-accent hover:underline"
                data-testid="errors-open-count"
              >
                {open.toLocaleString()} open
              </Link>
            )}
            {canResolve && openShown.length ? (
              <Button
                variant="ghost"
                disabled={resolve.isPending}
                onClick={() => resolve.mutate({ ids: openShown.slice(0, RESOLVE_BATCH), resolved: true })}
              >
                <CheckCircle2 aria-hidden className="h-4 w-4" />
                Resolve {Math.min(openShown.length, RESOLVE_BATCH)} shown
              </Button>
            ) : null}
          </>
        }
      />
      {resolve.error ? <FormError error={resolve.error} /> : null}
      <FiltersToggle
        open={showFilters}
        onToggle={() => setShowFilters((o) => !o)}
        active={ERROR_PARAMS.filter((k) => qs.get(k)).length}
        controls="error-filters"
      />
      <form
        key={`${qs.params.toString()}|${users.isSuccess}`}
        onSubmit={onSubmit}
        role="search"
        aria-label="Error filters"
        id="error-filters"
        className={`mb-4 ${filtersClass(showFilters)} grid-cols-1 items-end gap-3 sm:grid-cols-2 lg:grid-cols-4`}
      >
        <SelectField label="Status" name="state" defaultValue={qs.get('state')}>
          <option value="">Open and resolved</option>
          <option value="open">Open</option>
          <option value="resolved">Resolved</option>
        </SelectField>
        <TextField label="Type" name="type" defaultValue={qs.get('type')} placeholder="e.g. rate_limited" />
        <TextField label="Source" name="source" defaultValue={qs.get('source')} placeholder="e.g. proxy" />
        <TextField label="Model" name="model" defaultValue={qs.get('model')} />
        <UserFilterSelect userId={userId} users={users.data} />
        <TextField label="From" name="from" type="date" defaultValue={qs.get('from')} />
        <TextField label="To" name="to" type="date" defaultValue={qs.get('to')} />
        <FilterActions
          active={filtered}
          onClear={() => qs.set(Object.fromEntries(ERROR_PARAMS.map((k) => [k, null])), { push: true })}
        />
      </form>
      <DataTable
        label="Error reports"
        columns={COLUMNS}
        rows={rows}
        rowKey={(r) => r.id}
        rowTestId="error-row"
        loading={errors.isPending}
        error={!errors.data ? errors.error : null}
        onRetry={() => void errors.refetch()}
        skeletonRows={6}
        actions={
          canResolve
            ? (r) =>
                r.resolved ? (
                  <RowAction
                    icon={RotateCcw}
                    text="Reopen"
                    label={`Reopen ${r.type} at ${formatDateTime(r.createdAt)}`}
                    disabled={resolve.isPending}
                    onClick={() => resolve.mutate({ ids: [r.id], resolved: false })}
                    showText
                  />
                ) : (
                  <RowAction
                    icon={CheckCircle2}
                    text="Resolve"
                    label={`Resolve ${r.type} at ${formatDateTime(r.createdAt)}`}
                    disabled={resolve.isPending}
                    onClick={() => resolve.mutate({ ids: [r.id], resolved: true })}
                    showText
                  />
                )
            : undefined
        }
        empty={{
          title: filtered ? 'No error reports match these filters.' : 'No errors reported.',
          hint: filtered ? 'Widen the date range or clear the filters.' : undefined,
        }}
        details={{
          isOpen: (r) => expanded.has(r.id),
          toggle: (r) => expanded.toggle(r.id),
          label: (r) => `Details of ${r.type} at ${formatDateTime(r.createdAt)}`,
          render: (r) => (
            <>
              {r.resolved ? (
                <p className="mb-1 text-xs">
                  Resolved{r.resolvedBy ? ` by ${r.resolvedBy.email ?? r.resolvedBy.id}` : ''}
                  {r.resolvedAt ? ` on ${formatDateTime(r.resolvedAt)}` : ''}
                </p>
              ) : null}
              {r.requestId ? (
                <p className="mb-1 text-xs">
                  Request <code>{r.requestId}</code>
                </p>
              ) : null}
              <pre className="max-h-64 overflow-auto whitespace-pre-wrap break-all text-xs">
                {JSON.stringify(r.details, null, 2)}
              </pre>
            </>
          ),
        }}
        footer={
          <>
            <LoadMore
              shown={rows.length}
              noun={['report', 'reports']}
              hasMore={!!errors.hasNextPage}
              loading={errors.isFetchingNextPage}
              onMore={() => void errors.fetchNextPage()}
            />
            {errors.isFetchNextPageError ? (
              <ErrorState error={errors.error} onRetry={() => void errors.fetchNextPage()} />
            ) : null}
          </>
        }
      />
    </div>
  );
}
