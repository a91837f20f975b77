import { KeyRound } from 'lucide-react';
import { Badge } from '../../../components/ui/badge';
import { Table, Td, Th } from '../../../components/ui/table';
import { formatDateTime, formatNumber, formatUsd } from '../../../lib/format';
import type { LogRecord } from '../api/types';
import { HttpStatusBadge } from './status-badge';

/** Gateway requests; the time opens the record's drawer. `showUser` is off on the caller's own usage. */
export function LogsTable({ rows, onOpen, showUser = true, label = 'Gateway logs' }: { rows: LogRecord[]; onOpen: (id: string) => void; showUser?: boolean; label?: string }) {
  return (
    <Table label={label}>
      <thead>
        <tr>
          <Th>Time</Th>
          <Th>Key</Th>
          {showUser ? <Th>User</Th> : null}
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
              <button type="button" onClick={() => onOpen(r.id)} className="text-left font-medium text-accent underline-offset-2 hover:underline" aria-label={`Open request ${r.requestId} at ${formatDateTime(r.createdAt)}`}>
                {formatDateTime(r.createdAt)}
              </button>
            </Td>
            <Td>{r.key ? <span title={r.key.prefix ?? undefined}>{r.key.name ?? r.key.prefix ?? r.key.id}</span> : <span className="text-muted">—</span>}</Td>
            {showUser ? <Td>{r.user ? (r.user.email ?? r.user.id) : <span className="text-muted">—</span>}</Td> : null}
            <Td><code className="text-xs">{r.endpoint}</code></Td>
            <Td><code className="text-xs">{r.requestedModel}</code></Td>
            <Td>
              {r.actualModel ? (
                <span className="inline-flex items-center gap-1">
                  <code className="text-xs">{r.provider ? `${r.provider}/` : ''}{r.actualModel}</code>
                  {r.isByok ? <Badge tone="accent"><KeyRound aria-hidden className="mr-1 h-3 w-3" />BYOK</Badge> : null}
                </span>
              ) : (
                <span className="text-muted">—</span>
              )}
            </Td>
            <Td className="text-right tabular-nums" title={`in ${r.tokensIn} · out ${r.tokensOut}${r.tokensCached ? ` · cached ${r.tokensCached}` : ''}`}>{formatNumber(r.tokensIn + r.tokensOut)}</Td>
            <Td className="text-right tabular-nums">{formatUsd(r.costUsd)}{r.savedUsd > 0 ? <div className="text-xs text-ok">saved {formatUsd(r.savedUsd)}</div> : null}</Td>
            <Td className="text-right tabular-nums">{formatNumber(r.latencyMs)} ms</Td>
            <Td><HttpStatusBadge status={r.status} code={r.errorCode} /></Td>
          </tr>
        ))}
      </tbody>
    </Table>
  );
}
