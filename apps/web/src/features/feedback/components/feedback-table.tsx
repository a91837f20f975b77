import { Badge } from '../../../components/ui/badge';
import { DataTable, type DataTableProps, type ListColumn } from '../../../components/ui/data-table';
import { LoadMore } from '../../../components/ui/load-more';
import { ErrorState } from '../../../components/ui/states';
import { formatDateTime } from '../../../lib/format';
import type { FeedbackEntry, useFeedback } from '../api/get-feedback';
import { answeredBy, scoreLabel } from '../feedback-filters';

/**
 * A feedback list's pages, newest first: when, the score, its comment, the model that answered, who sent the request
 * and with which key, with "Load more". With `onOpen` the time opens the rated request's log (when it is still kept).
 */
export function FeedbackTable({
  query,
  onOpen,
  showUser,
  empty,
  label = 'Feedback',
}: {
  query: ReturnType<typeof useFeedback>;
  onOpen?: (logId: string) => void;
  showUser: boolean;
  empty: DataTableProps<FeedbackEntry>['empty'];
  label?: string;
}) {
  const rows = query.data?.pages.flatMap((p) => p.data) ?? [];
  const columns: ListColumn<FeedbackEntry>[] = [
    {
      id: 'time',
      header: 'Given',
      className: 'whitespace-nowrap',
      cell: (r) =>
        onOpen && r.logId ? (
          <button
            type="button"
            onClick={() => onOpen(r.logId!)}
            className="text-left font-medium text-accent underline-offset-2 hover:underline"
            aria-label={`${formatDateTime(r.at)}: open the rated request ${r.requestId}`}
          >
            {formatDateTime(r.at)}
          </button>
        ) : (
          formatDateTime(r.at)
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
    ...(showUser
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
    <DataTable
      label={label}
      columns={columns}
      rows={rows}
      rowKey={(r) => r.id}
      rowTestId="feedback-row"
      loading={query.isPending}
      error={!query.data ? query.error : null}
      onRetry={() => void query.refetch()}
      skeletonRows={4}
      empty={empty}
      footer={
        <>
          <LoadMore
            shown={rows.length}
            noun={['score', 'scores']}
            hasMore={!!query.hasNextPage}
            loading={query.isFetchingNextPage}
            onMore={() => void query.fetchNextPage()}
          />
          {query.isFetchNextPageError ? (
            <ErrorState error={query.error} onRetry={() => void query.fetchNextPage()} />
          ) : null}
        </>
      }
    />
  );
}
