import { useNavigate } from 'react-router';
import { Badge } from '../../../components/ui/badge';
import { DataTable, type ListColumn } from '../../../components/ui/data-table';
import type { ReactNode } from 'react';
import { formatDateTime } from '../../../lib/format';
import { ApiError } from '../../../lib/api-client';
import { useDlpEventLog } from '../api/get-event-log';
import type { DlpEventDto } from '../api/types';

const ACTION_TONE = { mask: 'accent', redact: 'warn', block: 'danger', detect: 'muted' } as const;

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

/** When, Kind, Scope, Rule, Matches, Size, Request (opens the log entry for those who may read logs), Detail. */
export function ActivityTable({
  rows,
  canOpenLogs,
  loading,
  error,
  onRetry,
  empty,
  footer,
}: {
  rows: DlpEventDto[];
  canOpenLogs: boolean;
  loading: boolean;
  error: unknown;
  onRetry: () => void;
  empty: { title: string; hint?: string };
  footer?: ReactNode;
}) {
  const navigate = useNavigate();
  const lookup = useDlpEventLog();
  const open = (e: DlpEventDto) =>
    lookup.mutate(e.id, {
      onSuccess: ({ logId }) => void navigate(`/logs?log=${encodeURIComponent(logId)}`),
    });
  // A 404 whose log was deleted by retention says so (the API's words); any other 404 is a log not written yet.
  const missing =
    lookup.error instanceof ApiError && lookup.error.status === 404 && lookup.error.code !== 'log_pruned';
  const columns: ListColumn<DlpEventDto>[] = [
    { id: 'when', header: 'When', cell: (e) => formatDateTime(e.createdAt), className: 'whitespace-nowrap' },
    { id: 'kind', header: 'Kind', cell: (e) => e.kind },
    {
      id: 'scope',
      header: 'Scope',
      cell: (e) => (
        <div>
          <div>{e.scopeName}</div>
          <div className="text-xs text-muted">{e.scope}</div>
        </div>
      ),
    },
    { id: 'rule', header: 'Rule', cell: (e) => e.rule },
    { id: 'matches', header: 'Matches', cell: (e) => e.matches, align: 'right' },
    {
      id: 'size',
      header: 'Size',
      cell: (e) => formatBytes(e.sizeBytes),
      priority: 'lg',
      className: 'whitespace-nowrap',
    },
    {
      id: 'request',
      header: 'Request',
      cell: (e) =>
        canOpenLogs ? (
          <button
            type="button"
            className="font-mono text-xs text-accent underline-offset-2 hover:underline"
            aria-label={`Open the log entry of request ${e.requestId}`}
            disabled={lookup.isPending}
            onClick={() => open(e)}
          >
            {e.requestId.slice(0, 12)}
          </button>
        ) : (
          <span className="font-mono text-xs" title={e.requestId}>
            {e.requestId.slice(0, 12)}
          </span>
        ),
    },
    {
      id: 'detail',
      header: 'Detail',
      cell: (e) => (
        <span>
          <Badge tone={ACTION_TONE[e.action]}>{e.action}</Badge> <span className="text-sm">{e.detail}</span>
        </span>
      ),
    },
  ];
  return (
    <>
      {lookup.isError ? (
        <p role="alert" className="mb-2 rounded-lg bg-danger/10 px-3 py-2 text-sm text-danger">
          {missing
            ? 'That request has no log entry (yet): records are written a moment after the request ends.'
            : lookup.error.message}
        </p>
      ) : null}
      <DataTable
        label="Recent activity"
        columns={columns}
        rows={rows}
        rowKey={(e) => e.id}
        rowTestId="dlp-activity-row"
        loading={loading}
        error={error}
        onRetry={onRetry}
        empty={empty}
        footer={footer}
      />
    </>
  );
}
