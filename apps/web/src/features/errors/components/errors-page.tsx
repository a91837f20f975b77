import { Fragment, useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { Badge } from '../../../components/ui/badge';
import { FilterActions, filtersClass, FiltersToggle } from '../../../components/ui/filters-toggle';
import { TextField } from '../../../components/ui/field';
import { LoadMore } from '../../../components/ui/load-more';
import { PageHeader } from '../../../components/ui/page';
import { EmptyState, ErrorState } from '../../../components/ui/states';
import { ExpandTd, ExpandTh, Table, TableSkeleton, Td, Th } from '../../../components/ui/table';
import { formatDateTime } from '../../../lib/format';
import { useQueryState } from '../../../lib/search-params';
import { useToggleSet } from '../../../lib/use-toggle-set';
import { useCan } from '../../auth/use-can';
import { useUsers } from '../../users/api/get-users';
import { UserFilterSelect } from '../../users/components/user-filter-select';
import { toolLabel } from '../../logs/components/logs-table';
import { useErrors } from '../api/get-errors';
import { ERROR_PARAMS, errorFiltersFromParams } from '../error-filters';

/** Operators: failed requests and other reported errors, filtered in the query string, paged with "Load more". */
export function ErrorsPage() {
  const qs = useQueryState();
  const [showFilters, setShowFilters] = useState(false);
  const filters = errorFiltersFromParams((k) => qs.get(k));
  const errors = useErrors(filters);
  const can = useCan();
  const users = useUsers({}, { enabled: can('users:read') });
  const userId = qs.get('user');
  const expanded = useToggleSet();
  const rows = errors.data?.pages.flatMap((p) => p.data) ?? [];
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
        description="Every failed proxy request becomes a report: when, where it came from, the error type, the model and who sent it."
      />
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
      {errors.isPending ? (
        <TableSkeleton rows={6} />
      ) : !errors.data ? (
        <ErrorState error={errors.error} onRetry={() => void errors.refetch()} />
      ) : rows.length === 0 ? (
        <EmptyState
          title={filtered ? 'No error reports match these filters.' : 'No errors reported.'}
          hint={filtered ? 'Widen the date range or clear the filters.' : undefined}
        />
      ) : (
        <>
          <Table label="Error reports">
            <thead>
              <tr>
                <ExpandTh />
                <Th>Time</Th>
                <Th>Source</Th>
                <Th>Type</Th>
                <Th>Model</Th>
                <Th>Error</Th>
                <Th>User</Th>
                <Th>App</Th>
                <Th>Agent</Th>
                <Th>Version</Th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <Fragment key={r.id}>
                  <tr data-testid="error-row">
                    <ExpandTd
                      open={expanded.has(r.id)}
                      onToggle={() => expanded.toggle(r.id)}
                      label={`Details of ${r.type} at ${formatDateTime(r.createdAt)}`}
                    />
                    <Td className="whitespace-nowrap">{formatDateTime(r.createdAt)}</Td>
                    <Td>{r.source}</Td>
                    <Td>
                      <Badge tone="danger">{r.type}</Badge>
                    </Td>
                    <Td>
                      {r.model ? (
                        <code className="text-xs">
                          {r.provider ? `${r.provider}/` : ''}
                          {r.model}
                        </code>
                      ) : (
                        '—'
                      )}
                    </Td>
                    <Td className="max-w-md whitespace-normal break-words">{r.message}</Td>
                    <Td>
                      {r.user ? (
                        <Link
                          className="text-accent hover:underline"
                          to={`/logs?user=${encodeURIComponent(r.user.id)}`}
                        >
                          {r.user.email ?? r.user.id}
                        </Link>
                      ) : (
                        '—'
                      )}
                    </Td>
                    <Td>{r.app?.name ?? '—'}</Td>
                    <Td>{r.client ? toolLabel(r.client.tool) : '—'}</Td>
                    <Td>{r.client?.version ? <code className="text-xs">{r.client.version}</code> : '—'}</Td>
                  </tr>
                  {expanded.has(r.id) ? (
                    <tr>
                      <Td colSpan={10} className="max-w-[80vw] bg-surface-2/40 whitespace-normal">
                        {r.requestId ? (
                          <p className="mb-1 text-xs">
                            Request <code>{r.requestId}</code>
                          </p>
                        ) : null}
                        <pre className="max-h-64 overflow-auto whitespace-pre-wrap break-all text-xs">
                          {JSON.stringify(r.details, null, 2)}
                        </pre>
                      </Td>
                    </tr>
                  ) : null}
                </Fragment>
              ))}
            </tbody>
          </Table>
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
      )}
    </div>
  );
}
