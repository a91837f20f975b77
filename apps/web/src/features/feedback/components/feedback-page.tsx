import { useState, type FormEvent } from 'react';
import { Badge } from '../../../components/ui/badge';
import { DataTable, type ListColumn } from '../../../components/ui/data-table';
import { SelectField, TextField } from '../../../components/ui/field';
import { FilterActions, filtersClass, FiltersToggle } from '../../../components/ui/filters-toggle';
import { LoadMore } from '../../../components/ui/load-more';
import { PageHeader } from '../../../components/ui/page';
import { ErrorState } from '../../../components/ui/states';
import { formatDateTime } from '../../../lib/format';
import { useQueryState } from '../../../lib/search-params';
import { useCan } from '../../auth/use-can';
import { LogDrawer } from '../../logs/components/log-drawer';
import { useUsers } from '../../users/api/get-users';
import { UserFilterSelect } from '../../users/components/user-filter-select';
import { useFeedback, type FeedbackEntry } from '../api/get-feedback';
import { answeredBy, FEEDBACK_PARAMS, feedbackFiltersFromParams, scoreLabel } from '../feedback-filters';

/**
 * The scores apps gave to requests (`POST /v1/feedback`), newest first, with their comments: operators read every
 * one, a user their own. A score opens the rated request's log (its trace, attempts and every score it has).
 */
export function FeedbackPage() {
  const can = useCan();
  const operator = can('logs:read');
  const scope = operator ? 'any' : 'self';
  const qs = useQueryState();
  const [showFilters, setShowFilters] = useState(false);
  const filters = feedbackFiltersFromParams((k) => qs.get(k), { operator });
  const feedback = useFeedback(scope, filters);
  const users = useUsers({}, { enabled: operator && can('users:read') });
  const rows = feedback.data?.pages.flatMap((p) => p.data) ?? [];
  const params = operator ? FEEDBACK_PARAMS : FEEDBACK_PARAMS.filter((k) => k !== 'user');
  const active = params.filter((k) => qs.get(k)).length;
  const onSubmit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const fd = new FormData(e.currentTarget);
    qs.set(Object.fromEntries(params.map((k) => [k, String(fd.get(k) ?? '').trim()])), { push: true });
  };

  const columns: ListColumn<FeedbackEntry>[] = [
    {
      id: 'time',
      header: 'Given',
      className: 'whitespace-nowrap',
      cell: (r) =>
        r.logId ? (
          <button
            type="button"
            onClick={() => qs.set({ log: r.logId }, { push: true })}
            className="text-left font-medium text-accent underline-offset-2 hover:underline"
            aria-label={`${formatDateTime(r.at)}: open the rated request ${r.requestId}`}
          >
            {formatDateTime(r.at)}
          </button>
        ) : (
          <span title="The rated request's log record is gone (retention)">{formatDateTime(r.at)}</span>
        ),
    },
    {
      id: 'score',
      header: 'Score',
      cell: (r) => {
        const s = scoreLabel(r.score);
        return <Badge tone={s.tone}>{s.text}</Badge>;
      },
    },
    {
      id: 'comment',
      header: 'Comment',
      className: 'min-w-48',
      cell: (r) =>
        r.comment ? (
          <div className="max-w-md whitespace-normal break-words">{r.comment}</div>
        ) : (
          <span className="text-muted">—</span>
        ),
    },
    {
      id: 'model',
      header: 'Model',
      width: 'w-[16%]',
      truncate: (r) => answeredBy(r) ?? '',
      cell: (r) => {
        const m = answeredBy(r);
        return m ? <code className="text-xs">{m}</code> : <span className="text-muted">—</span>;
      },
    },
    ...(operator
      ? [
          {
            id: 'user',
            header: 'User',
            priority: 'md' as const,
            width: 'w-[14%]',
            truncate: (r: FeedbackEntry) => (r.user ? (r.user.email ?? r.user.id) : ''),
            cell: (r: FeedbackEntry) => (r.user ? (r.user.email ?? r.user.id) : '—'),
          },
        ]
      : []),
    { id: 'rater', header: 'Rated with', priority: 'lg', cell: (r) => r.rater },
  ];

  return (
    <div>
      <PageHeader
        title="Feedback"
        description={
          operator
            ? 'Scores apps gave to requests through POST /v1/feedback, newest first: 0 is bad, 1 good. Open one for the request it rates.'
            : 'Scores your keys gave to your requests through POST /v1/feedback, newest first: 0 is bad, 1 good. Open one for the request it rates.'
        }
      />
      <FiltersToggle
        open={showFilters}
        onToggle={() => setShowFilters((o) => !o)}
        active={active}
        controls="feedback-filters"
      />
      <form
        key={`${params.map((k) => qs.get(k)).join('\u0000')}|${users.isSuccess}`}
        onSubmit={onSubmit}
        role="search"
        aria-label="Feedback filters"
        id="feedback-filters"
        className={`mb-4 ${filtersClass(showFilters)} grid-cols-1 items-end gap-3 sm:grid-cols-2 lg:grid-cols-4`}
      >
        <SelectField label="Rating" name="rating" defaultValue={qs.get('rating')}>
          <option value="">Any</option>
          <option value="bad">Bad (under 0.5)</option>
          <option value="good">Good (0.5 or more)</option>
        </SelectField>
        <SelectField label="Comment" name="commented" defaultValue={qs.get('commented')}>
          <option value="">Any</option>
          <option value="true">With a comment</option>
          <option value="false">Without</option>
        </SelectField>
        <TextField label="Model" name="model" defaultValue={qs.get('model')} placeholder="e.g. gpt-4o" />
        {operator ? <UserFilterSelect userId={qs.get('user')} users={users.data} /> : null}
        <TextField label="From" name="from" type="date" defaultValue={qs.get('from')} />
        <TextField label="To" name="to" type="date" defaultValue={qs.get('to')} />
        <FilterActions
          active={active > 0}
          onClear={() => qs.set(Object.fromEntries(params.map((k) => [k, null])), { push: true })}
        />
      </form>
      <DataTable
        label="Feedback"
        columns={columns}
        rows={rows}
        rowKey={(r) => r.id}
        rowTestId="feedback-row"
        loading={feedback.isPending}
        error={!feedback.data ? feedback.error : null}
        onRetry={() => void feedback.refetch()}
        skeletonRows={6}
        empty={{
          title: active > 0 ? 'No scores match these filters.' : 'No scores given yet.',
          hint:
            active > 0
              ? 'Widen the date range or clear the filters.'
              : 'An app scores a request with POST /v1/feedback and the x-request-id of its answer.',
        }}
        footer={
          <>
            <LoadMore
              shown={rows.length}
              noun={['score', 'scores']}
              hasMore={!!feedback.hasNextPage}
              loading={feedback.isFetchingNextPage}
              onMore={() => void feedback.fetchNextPage()}
            />
            {feedback.isFetchNextPageError ? (
              <ErrorState error={feedback.error} onRetry={() => void feedback.fetchNextPage()} />
            ) : null}
          </>
        }
      />
      <LogDrawer id={qs.get('log') || null} scope={scope} onClose={() => qs.set({ log: null })} />
    </div>
  );
}
