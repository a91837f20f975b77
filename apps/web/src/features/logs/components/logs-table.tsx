import { CLIENT_TOOLS } from '@switchyard/core';
import { KeyRound } from 'lucide-react';
import { Badge } from '../../../components/ui/badge';
import { DataTable, type DataTableProps, type ListColumn } from '../../../components/ui/data-table';
import { formatDateTime, formatNumber, formatUsd } from '../../../lib/format';
import type { LogRecord } from '../api/types';
import { HttpStatusBadge } from './status-badge';

/** The calling tool and version; the raw user-agent on hover. */
function ToolCell({ client, onTool }: { client: LogRecord['client']; onTool?: (tool: string) => void }) {
  if (!client?.tool)
    return (
      <span className="text-muted" title={client?.userAgent ?? undefined}>
        —
      </span>
    );
  const tool = client.tool;
  const text = `${toolLabel(tool)}${client.version ? ` ${client.version}` : ''}`;
  return onTool ? (
    <button
      type="button"
      data-testid="log-tool"
      title={client.userAgent ?? undefined}
      onClick={() => onTool(tool)}
      className="whitespace-nowrap text-left text-xs hover:underline"
      aria-label={`${text}: show only ${toolLabel(tool)} requests`}
    >
      {text}
    </button>
  ) : (
    <span data-testid="log-tool" className="whitespace-nowrap text-xs" title={client.userAgent ?? undefined}>
      {text}
    </span>
  );
}

/**
 * The provider reported no usage (or not all of it): the gateway estimated the tokens, and the cost priced from them.
 * Shown beside the figures so an estimate is never read as measured.
 */
export function EstimatedMark() {
  return (
    <div
      className="text-xs text-amber-500"
      data-testid="tokens-estimated"
      title="The provider reported no usage (or not all of it): the gateway estimated these tokens, and the cost from them."
    >
      estimated
    </div>
  );
}

/** A tool's display name (`claude-code` → Claude Code); unknown tools as recorded. */
export function toolLabel(tool: string): string {
  return CLIENT_TOOLS.find((t) => t.id === tool)?.label ?? tool;
}

type State = Pick<
  DataTableProps<LogRecord>,
  'loading' | 'error' | 'onRetry' | 'empty' | 'footer' | 'skeletonRows'
>;

const actual = (r: LogRecord) =>
  r.actualModel ? `${r.provider ? `${r.provider}/` : ''}${r.actualModel}` : '';

/**
 * Gateway requests (with loading, error and empty states); the time opens the record's drawer. `showUser` is off
 * on the caller's own usage.
 */
export function LogsTable({
  rows,
  onOpen,
  onTool,
  showUser = true,
  label = 'Gateway logs',
  ...state
}: {
  rows: LogRecord[];
  onOpen: (id: string) => void;
  /** Filter on a row's tool (the operators' logs page); without it the tool is plain text. */
  onTool?: (tool: string) => void;
  showUser?: boolean;
  label?: string;
} & State) {
  const columns: ListColumn<LogRecord>[] = [
    {
      id: 'time',
      header: 'Time',
      className: 'whitespace-nowrap',
      cell: (r) => (
        <button
          type="button"
          onClick={() => onOpen(r.id)}
          className="text-left font-medium text-accent underline-offset-2 hover:underline"
          aria-label={`Open request ${r.requestId} at ${formatDateTime(r.createdAt)}`}
        >
          {formatDateTime(r.createdAt)}
        </button>
      ),
    },
    {
      id: 'key',
      header: 'Key',
      priority: 'xl',
      truncate: (r) => (r.key ? (r.key.name ?? r.key.prefix ?? r.key.id) : ''),
      width: 'w-[12%]',
      cell: (r) =>
        r.key ? <span>{r.key.name ?? r.key.prefix ?? r.key.id}</span> : <span className="text-muted">—</span>,
    },
    ...(showUser
      ? [
          {
            id: 'user',
            header: 'User',
            truncate: (r: LogRecord) => (r.user ? (r.user.email ?? r.user.id) : ''),
            width: 'w-[16%]',
            cell: (r: LogRecord) =>
              r.user ? (r.user.email ?? r.user.id) : <span className="text-muted">—</span>,
          },
        ]
      : []),
    {
      id: 'tool',
      header: 'Tool',
      priority: 'lg',
      cell: (r) => <ToolCell client={r.client} onTool={onTool} />,
    },
    {
      id: 'endpoint',
      header: 'Endpoint',
      priority: 'xl',
      cell: (r) => <code className="text-xs">{r.endpoint}</code>,
    },
    {
      id: 'requested',
      header: 'Requested',
      truncate: (r) => r.requestedModel,
      width: 'w-[14%]',
      cell: (r) => <code className="text-xs">{r.requestedModel}</code>,
    },
    {
      id: 'actual',
      header: 'Actual',
      truncate: actual,
      width: 'w-[18%]',
      cell: (r) =>
        r.actualModel ? (
          <span className="flex min-w-0 items-center gap-1 max-sm:flex-wrap">
            <code className="min-w-0 truncate text-xs max-sm:whitespace-normal max-sm:break-all">
              {actual(r)}
            </code>
            {r.isByok ? (
              <Badge tone="accent">
                <KeyRound aria-hidden className="mr-1 h-3 w-3" />
                BYOK
              </Badge>
            ) : null}
            {r.cacheHit ? <Badge tone="ok">cache hit</Badge> : null}
          </span>
        ) : (
          <span className="text-muted">—</span>
        ),
    },
    {
      id: 'tokens',
      header: 'Tokens',
      align: 'right',
      priority: 'lg',
      cell: (r) => (
        <>
          <span
            title={`in ${r.tokensIn} · out ${r.tokensOut}${r.tokensCached ? ` · cached ${r.tokensCached}` : ''}${r.tokensEstimated ? ' (estimated by the gateway)' : ''}`}
          >
            {formatNumber(r.tokensIn + r.tokensOut)}
          </span>
          {r.tokensEstimated ? <EstimatedMark /> : null}
        </>
      ),
    },
    {
      id: 'cost',
      header: 'Cost',
      align: 'right',
      cell: (r) => (
        <>
          {formatUsd(r.costUsd)}
          {r.savedUsd > 0 ? <div className="text-xs text-ok">saved {formatUsd(r.savedUsd)}</div> : null}
          {r.cacheHit ? (
            <div className="text-xs text-ok" data-testid="cache-saved">
              cache saved {formatUsd(r.cacheSavedUsd)}
            </div>
          ) : null}
        </>
      ),
    },
    {
      id: 'latency',
      header: 'Latency',
      align: 'right',
      priority: 'md',
      className: 'whitespace-nowrap',
      cell: (r) => `${formatNumber(r.latencyMs)} ms`,
    },
    { id: 'status', header: 'Status', cell: (r) => <HttpStatusBadge status={r.status} code={r.errorCode} /> },
  ];
  return (
    <DataTable
      {...state}
      label={label}
      columns={columns}
      rows={rows}
      rowKey={(r) => r.id}
      rowTestId="log-row"
      rowClassName={() => 'hover:bg-surface-2/40'}
    />
  );
}
