import { CLIENT_TOOLS } from '@switchyard/core';
import { KeyRound } from 'lucide-react';
import { Badge } from '../../../components/ui/badge';
import { Table, Td, Th } from '../../../components/ui/table';
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

/** A tool's display name (`claude-code` → Claude Code); unknown tools as recorded. */
export function toolLabel(tool: string): string {
  return CLIENT_TOOLS.find((t) => t.id === tool)?.label ?? tool;
}

/** Gateway requests; the time opens the record's drawer. `showUser` is off on the caller's own usage. */
export function LogsTable({
  rows,
  onOpen,
  onTool,
  showUser = true,
  label = 'Gateway logs',
}: {
  rows: LogRecord[];
  onOpen: (id: string) => void;
  /** Filter on a row's tool (the operators' logs page); without it the tool is plain text. */
  onTool?: (tool: string) => void;
  showUser?: boolean;
  label?: string;
}) {
  return (
    <Table label={label}>
      <thead>
        <tr>
          <Th>Time</Th>
          <Th>Key</Th>
          {showUser ? <Th>User</Th> : null}
          <Th>Tool</Th>
          <Th>Endpoint</Th>
          <Th>Requested</Th>
          <Th>Actual</Th>
          <Th className="text-right">Tokens</Th>
          <Th className="text-right">Cost</Th>
          <Th className="text-right">Latency</Th>
          <Th>Status</Th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.id} data-testid="log-row" className="hover:bg-surface-2/40">
            <Td className="whitespace-nowrap">
              <button
                type="button"
                onClick={() => onOpen(r.id)}
                className="text-left font-medium text-accent underline-offset-2 hover:underline"
                aria-label={`Open request ${r.requestId} at ${formatDateTime(r.createdAt)}`}
              >
                {formatDateTime(r.createdAt)}
              </button>
            </Td>
            <Td>
              {r.key ? (
                <span title={r.key.prefix ?? undefined}>{r.key.name ?? r.key.prefix ?? r.key.id}</span>
              ) : (
                <span className="text-muted">—</span>
              )}
            </Td>
            {showUser ? (
              <Td>{r.user ? (r.user.email ?? r.user.id) : <span className="text-muted">—</span>}</Td>
            ) : null}
            <Td>
              <ToolCell client={r.client} onTool={onTool} />
            </Td>
            <Td>
              <code className="text-xs">{r.endpoint}</code>
            </Td>
            <Td>
              <code className="text-xs">{r.requestedModel}</code>
            </Td>
            <Td>
              {r.actualModel ? (
                <span className="inline-flex items-center gap-1">
                  <code className="text-xs">
                    {r.provider ? `${r.provider}/` : ''}
                    {r.actualModel}
                  </code>
                  {r.isByok ? (
                    <Badge tone="accent">
                      <KeyRound aria-hidden className="mr-1 h-3 w-3" />
                      BYOK
                    </Badge>
                  ) : null}
                </span>
              ) : (
                <span className="text-muted">—</span>
              )}
            </Td>
            <Td
              className="text-right tabular-nums"
              title={`in ${r.tokensIn} · out ${r.tokensOut}${r.tokensCached ? ` · cached ${r.tokensCached}` : ''}`}
            >
              {formatNumber(r.tokensIn + r.tokensOut)}
            </Td>
            <Td className="text-right tabular-nums">
              {formatUsd(r.costUsd)}
              {r.savedUsd > 0 ? <div className="text-xs text-ok">saved {formatUsd(r.savedUsd)}</div> : null}
            </Td>
            <Td className="text-right tabular-nums">{formatNumber(r.latencyMs)} ms</Td>
            <Td>
              <HttpStatusBadge status={r.status} code={r.errorCode} />
            </Td>
          </tr>
        ))}
      </tbody>
    </Table>
  );
}
