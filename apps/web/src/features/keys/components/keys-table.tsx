import { Ban } from 'lucide-react';
import { Badge, StatusBadge } from '../../../components/ui/badge';
import { ActionsTd, ActionsTh, RowAction, Table, Td, Th } from '../../../components/ui/table';
import { formatDate, formatNumber, formatRelative, formatUsd } from '../../../lib/format';
import type { GatewayKey } from '../api/types';

const OWNER_LABEL = { user: 'User', org: 'Org', app: 'App' } as const;

/** Keys with their limits; the owner column when `ownerName` is given, a revoke button when `onRevoke` is. */
export function KeysTable({
  keys,
  ownerName,
  onRevoke,
  label,
}: {
  keys: readonly GatewayKey[];
  ownerName?: (k: GatewayKey) => string;
  onRevoke?: (k: GatewayKey) => void;
  label: string;
}) {
  return (
    <Table label={label}>
      <thead>
        <tr>
          <Th>Name</Th>
          {ownerName ? <Th>Owner</Th> : null}
          <Th>Status</Th>
          <Th>Last used</Th>
          <Th>Expires</Th>
          <Th>RPM / TPM</Th>
          <Th>Budget</Th>
          <Th>Models</Th>
          {onRevoke ? <ActionsTh /> : null}
        </tr>
      </thead>
      <tbody>
        {keys.map((k) => (
          <tr key={k.id} data-testid="key-row">
            <Td>
              <div className="font-medium">{k.name}</div>
              <code className="text-xs text-muted">{k.prefix}…</code>
              {k.ipAllowlist.length > 0 ? (
                <div className="break-words text-xs text-muted" title="Allowed IPs">
                  from {k.ipAllowlist.join(', ')}
                </div>
              ) : null}
            </Td>
            {ownerName ? (
              <Td>
                <Badge tone="accent">{OWNER_LABEL[k.ownerType]}</Badge>{' '}
                <span className="ml-1">{ownerName(k)}</span>
              </Td>
            ) : null}
            <Td>
              <StatusBadge status={k.status} />
            </Td>
            <Td title={k.lastUsedAt ?? undefined}>{formatRelative(k.lastUsedAt)}</Td>
            <Td>{k.expiresAt ? formatDate(k.expiresAt) : 'never'}</Td>
            <Td className="whitespace-nowrap">
              {formatNumber(k.rpmLimit, '∞')} / {formatNumber(k.tpmLimit, '∞')}
            </Td>
            <Td className="whitespace-nowrap">
              {k.budgetUsd === null ? 'none' : `${formatUsd(k.budgetUsd)} / ${k.budgetPeriod ?? 'period'}`}
            </Td>
            <Td className="max-w-56">
              {k.allowedModels.length === 0 ? (
                <span className="text-muted">all</span>
              ) : (
                <span className="break-words text-xs">{k.allowedModels.join(', ')}</span>
              )}
            </Td>
            {onRevoke ? (
              <ActionsTd>
                {k.status !== 'revoked' ? (
                  <RowAction
                    icon={Ban}
                    text="Revoke"
                    label={`Revoke ${k.name}`}
                    onClick={() => onRevoke(k)}
                    danger
                    showText
                  />
                ) : null}
              </ActionsTd>
            ) : null}
          </tr>
        ))}
      </tbody>
    </Table>
  );
}
