import { Fragment, type FormEvent } from 'react';
import { Badge } from '../../../components/ui/badge';
import { DataTable, type ListColumn } from '../../../components/ui/data-table';
import { TextField } from '../../../components/ui/field';
import { FilterActions } from '../../../components/ui/filters-toggle';
import { PageHeader } from '../../../components/ui/page';
import { LoadMore } from '../../../components/ui/load-more';
import { ErrorState } from '../../../components/ui/states';
import { formatDateTime } from '../../../lib/format';
import { useQueryState } from '../../../lib/search-params';
import { useToggleSet } from '../../../lib/use-toggle-set';
import { useAudit, type AuditEntry } from '../api/get-audit';
import {
  AUDIT_PARAMS,
  auditFiltersFromParams,
  changedFields,
  ENTITY_TYPES,
  KNOWN_ACTIONS,
} from '../audit-filters';

function show(v: unknown): string {
  if (v === undefined) return '—';
  return typeof v === 'string' ? v : JSON.stringify(v);
}

function Details({ entry }: { entry: AuditEntry }) {
  const changes = changedFields(entry.before, entry.after);
  if (changes.length === 0) return <p className="text-xs text-muted">No recorded field changes.</p>;
  return (
    <dl className="grid grid-cols-1 gap-x-4 gap-y-1 text-xs sm:grid-cols-[minmax(8rem,auto)_1fr]">
      {changes.map((c) => (
        <Fragment key={c.field}>
          <dt className="font-medium">{c.field}</dt>
          <dd className="min-w-0 break-all">
            {entry.before != null ? (
              <>
                <span className="text-danger line-through">{show(c.before)}</span> →{' '}
              </>
            ) : null}
            <span className="text-ok">{show(c.after)}</span>
          </dd>
        </Fragment>
      ))}
    </dl>
  );
}

const COLUMNS: ListColumn<AuditEntry>[] = [
  {
    id: 'when',
    header: 'When',
    className: 'whitespace-nowrap',
    cell: (r) => <span title={r.createdAt}>{formatDateTime(r.createdAt)}</span>,
  },
  {
    id: 'actor',
    header: 'Actor',
    truncate: (r) => r.actorEmail ?? 'system',
    cell: (r) => r.actorEmail ?? <span className="text-muted">system</span>,
  },
  { id: 'action', header: 'Action', cell: (r) => <Badge tone="accent">{r.action}</Badge> },
  {
    id: 'entity',
    header: 'Entity',
    cell: (r) => (
      <>
        <div>{r.entityType}</div>
        {r.entityId ? <code className="break-all text-xs text-muted">{r.entityId}</code> : null}
      </>
    ),
  },
  {
    id: 'ip',
    header: 'IP',
    priority: 'md',
    cell: (r) => <span className="text-xs text-muted">{r.ip ?? '—'}</span>,
  },
];

/** Admins and viewers: who changed what and when, filtered in the query string, paged with "Load more". */
export function AuditPage() {
  const qs = useQueryState();
  const filters = auditFiltersFromParams((k) => qs.get(k));
  const audit = useAudit(filters);
  const expanded = useToggleSet();
  const rows = audit.data?.pages.flatMap((p) => p.data) ?? [];
  const filtered = AUDIT_PARAMS.some((k) => qs.get(k));

  const onSubmit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const fd = new FormData(e.currentTarget);
    qs.set(Object.fromEntries(AUDIT_PARAMS.map((k) => [k, String(fd.get(k) ?? '').trim()])), { push: true });
  };

  return (
    <div>
      <PageHeader
        title="Audit log"
        description="Every change made through the admin API: who, when, what, and the fields before and after (secrets masked)."
      />
      <form
        key={qs.params.toString()}
        onSubmit={onSubmit}
        role="search"
        aria-label="Audit filters"
        className="mb-4 grid grid-cols-1 items-end gap-3 sm:grid-cols-2 lg:grid-cols-4"
      >
        <TextField
          label="Action"
          name="action"
          defaultValue={qs.get('action')}
          list="audit-actions"
          placeholder="e.g. user.create"
        />
        <datalist id="audit-actions">
          {KNOWN_ACTIONS.map((a) => (
            <option key={a} value={a} />
          ))}
        </datalist>
        <TextField
          label="Entity type"
          name="entityType"
          defaultValue={qs.get('entityType')}
          list="audit-entity-types"
          placeholder="e.g. User"
        />
        <datalist id="audit-entity-types">
          {ENTITY_TYPES.map((t) => (
            <option key={t} value={t} />
          ))}
        </datalist>
        <TextField label="Entity ID" name="entityId" defaultValue={qs.get('entityId')} />
        <TextField label="Actor" name="actor" defaultValue={qs.get('actor')} placeholder="Email or user id" />
        <TextField label="From" name="from" type="date" defaultValue={qs.get('from')} />
        <TextField label="To" name="to" type="date" defaultValue={qs.get('to')} />
        <FilterActions
          active={filtered}
          onClear={() => qs.set(Object.fromEntries(AUDIT_PARAMS.map((k) => [k, null])), { push: true })}
        />
      </form>
      <DataTable
        label="Audit entries"
        columns={COLUMNS}
        rows={rows}
        rowKey={(r) => r.id}
        rowTestId="audit-row"
        loading={audit.isPending}
        error={!audit.data ? audit.error : null}
        onRetry={() => void audit.refetch()}
        skeletonRows={6}
        empty={{
          title: filtered ? 'No entries match these filters.' : 'Nothing has been changed yet.',
          hint: filtered ? 'Widen the date range or clear the filters.' : undefined,
        }}
        details={{
          isOpen: (r) => expanded.has(r.id),
          toggle: (r) => expanded.toggle(r.id),
          label: (r) => `Details of ${r.action} at ${formatDateTime(r.createdAt)}`,
          render: (r) => <Details entry={r} />,
        }}
        footer={
          <>
            <LoadMore
              shown={rows.length}
              noun={['entry', 'entries']}
              hasMore={!!audit.hasNextPage}
              loading={audit.isFetchingNextPage}
              onMore={() => void audit.fetchNextPage()}
            />
            {audit.isFetchNextPageError ? (
              <ErrorState error={audit.error} onRetry={() => void audit.fetchNextPage()} />
            ) : null}
          </>
        }
      />
    </div>
  );
}
