import { Ban } from 'lucide-react';
import { Badge, StatusBadge } from '../../../components/ui/badge';
import { DataTable, type DataTableProps, type ListColumn } from '../../../components/ui/data-table';
import { RowAction } from '../../../components/ui/table';
import { formatDate, formatNumber, formatRelative, formatUsd } from '../../../lib/format';
import type { GatewayKey } from '../api/types';

const OWNER_LABEL = { user: 'User', org: 'Org', app: 'App' } as const;

type State = Pick<DataTableProps<GatewayKey>, 'loading' | 'error' | 'onRetry' | 'empty'>;

/**
 * Keys with their limits (with loading, error and empty states); the owner column when `ownerName` is given, a
 * revoke button when `onRevoke` is.
 */
export function KeysTable({
  keys,
  ownerName,
  onRevoke,
  label,
  ...state
}: {
  keys: readonly GatewayKey[];
  ownerName?: (k: GatewayKey) => string;
  onRevoke?: (k: GatewayKey) => void;
  label: string;
} & State) {
  const columns: ListColumn<GatewayKey>[] = [
    {
      id: 'name',
      header: 'Name',
      cell: (k) => (
        <div className="max-w-64">
          <div className="break-words font-medium">{k.name}</div>
          <code className="text-xs text-muted">{k.prefix}…</code>
          {k.ipAllowlist.length > 0 ? (
            <div className="break-words text-xs text-muted" title="Allowed IPs">
              from {k.ipAllowlist.join(', ')}
            </div>
          ) : null}
        </div>
      ),
    },
    ...(ownerName
      ? [
          {
            id: 'owner',
            header: 'Owner',
            truncate: (k: GatewayKey) => ownerName(k),
            width: 'w-[16%]',
            cell: (k: GatewayKey) => (
              <>
                <Badge tone="accent">{OWNER_LABEL[k.ownerType]}</Badge>{' '}
                <span className="ml-1">{ownerName(k)}</span>
              </>
            ),
          },
        ]
      : []),
    { id: 'status', header: 'Status', cell: (k) => <StatusBadge status={k.status} /> },
    {
      id: 'used',
      header: 'Last used',
      priority: 'md',
      cell: (k) => <span title={k.lastUsedAt ?? undefined}>{formatRelative(k.lastUsedAt)}</span>,
    },
    {
      id: 'expires',
      header: 'Expires',
      priority: 'lg',
      cell: (k) => (k.expiresAt ? formatDate(k.expiresAt) : 'never'),
    },
    {
      id: 'limits',
      header: 'RPM / TPM',
      className: 'whitespace-nowrap',
      cell: (k) => `${formatNumber(k.rpmLimit, '∞')} / ${formatNumber(k.tpmLimit, '∞')}`,
    },
    {
      id: 'cache',
      header: 'Cache',
      priority: 'lg',
      className: 'whitespace-nowrap',
      cell: (k) => (k.cacheTtlSeconds === null ? 'off' : `${formatNumber(k.cacheTtlSeconds)} s`),
    },
    {
      id: 'budget',
      header: 'Budget',
      className: 'whitespace-nowrap',
      cell: (k) =>
        k.budgetUsd === null ? 'none' : `${formatUsd(k.budgetUsd)} / ${k.budgetPeriod ?? 'period'}`,
    },
    {
      id: 'models',
      header: 'Models',
      priority: 'md',
      truncate: (k) => (k.allowedModels.length === 0 ? 'all' : k.allowedModels.join(', ')),
      width: 'w-[16%]',
      cell: (k) =>
        k.allowedModels.length === 0 ? (
          <span className="text-muted">all</span>
        ) : (
          <span className="text-xs">{k.allowedModels.join(', ')}</span>
        ),
    },
  ];
  return (
    <DataTable
      {...state}
      label={label}
      columns={columns}
      rows={keys}
      rowKey={(k) => k.id}
      rowTestId="key-row"
      actions={
        onRevoke
          ? (k) =>
              k.status !== 'revoked' ? (
                <RowAction
                  icon={Ban}
                  text="Revoke"
                  label={`Revoke ${k.name}`}
                  onClick={() => onRevoke(k)}
                  danger
                  showText
                />
              ) : null
          : undefined
      }
    />
  );
}
