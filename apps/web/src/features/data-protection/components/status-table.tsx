import { SlidersHorizontal } from 'lucide-react';
import { Badge } from '../../../components/ui/badge';
import { DataTable, type ListColumn } from '../../../components/ui/data-table';
import { RowAction } from '../../../components/ui/table';
import { formatDateTime, formatRelative } from '../../../lib/format';
import type { DlpStatusRow } from '../api/types';
import { Switch } from '../../../components/ui/switch';

const SCOPE_LABEL: Record<DlpStatusRow['scope'], string> = {
  global: 'master key',
  org: 'organization (user keys)',
  app: 'app (app keys)',
};

/** Name, Status, Rules enabled, Last activity: one row per scope; the switch turns protection on or off. */
export function StatusTable({
  rows,
  canEdit,
  selected,
  pending,
  loading,
  error,
  onRetry,
  empty,
  onToggle,
  onEdit,
}: {
  rows: DlpStatusRow[];
  canEdit: boolean;
  selected: string | null;
  pending: boolean;
  loading: boolean;
  error: unknown;
  onRetry: () => void;
  empty: { title: string; hint?: string };
  onToggle: (row: DlpStatusRow, enabled: boolean) => void;
  onEdit: (row: DlpStatusRow) => void;
}) {
  const columns: ListColumn<DlpStatusRow>[] = [
    {
      id: 'name',
      header: 'Name',
      cell: (r) => (
        <div>
          <div className="font-medium">{r.name}</div>
          <div className="text-xs text-muted">{SCOPE_LABEL[r.scope]}</div>
        </div>
      ),
    },
    {
      id: 'status',
      header: 'Status',
      cell: (r) => (
        <div className="flex items-center gap-2">
          {canEdit ? (
            <Switch
              label={`Protection for ${r.name}`}
              checked={r.enabled}
              disabled={pending}
              onChange={(v) => onToggle(r, v)}
            />
          ) : null}
          {r.enabled ? <Badge tone="ok">on</Badge> : <Badge>off</Badge>}
        </div>
      ),
    },
    {
      id: 'rules',
      header: 'Rules enabled',
      cell: (r) => (
        <span data-testid="dlp-rules-enabled">
          {r.rulesEnabled}
          {r.isDefault ? <span className="ml-2 text-xs text-muted">default</span> : null}
          {r.notInForce ? (
            // The saved policy is refused (a check added since it was saved): the default applies in its place.
            <span className="ml-2" title={r.notInForce} data-testid="dlp-not-in-force">
              <Badge tone="warn">not in force: default applies</Badge>
            </span>
          ) : null}
        </span>
      ),
    },
    {
      id: 'last',
      header: 'Last activity',
      cell: (r) => (
        <span title={r.lastActivityAt ? formatDateTime(r.lastActivityAt) : undefined}>
          {formatRelative(r.lastActivityAt)}
        </span>
      ),
    },
  ];
  return (
    <DataTable
      label="Protection status"
      columns={columns}
      rows={rows}
      rowKey={(r) => r.key}
      rowTestId="dlp-status-row"
      rowClassName={(r) => (selected === r.key ? 'bg-accent/5' : '')}
      loading={loading}
      error={error}
      onRetry={onRetry}
      empty={empty}
      actions={(r) => (
        <RowAction
          icon={SlidersHorizontal}
          text={canEdit ? 'Rules' : 'View rules'}
          label={`${canEdit ? 'Edit' : 'View'} the rules of ${r.name}`}
          onClick={() => onEdit(r)}
          showText
        />
      )}
    />
  );
}
