import { Pencil, Plus, Trash2 } from 'lucide-react';
import { useState } from 'react';
import { Badge } from '../../../components/ui/badge';
import { ManagedBadge } from '../../../components/ui/managed-badge';
import { Button } from '../../../components/ui/button';
import { DataTable, type ListColumn } from '../../../components/ui/data-table';
import { ConfirmActionDialog, ConfirmDialog } from '../../../components/ui/dialog';
import { RowAction } from '../../../components/ui/table';
import { useCan } from '../../auth/use-can';
import { useOrgs } from '../../orgs/api/get-orgs';
import { useBulkAliases } from '../api/bulk-aliases';
import { useCreateAlias } from '../api/create-alias';
import { useDeleteAlias } from '../api/delete-alias';
import { useAliases } from '../api/get-aliases';
import type { Alias } from '../api/types';
import { useUpdateAlias } from '../api/update-alias';
import { AliasDialog } from './alias-dialog';

const ALIAS_COLUMNS: ListColumn<Alias>[] = [
  {
    id: 'name',
    header: 'Requested name',
    cell: (a) => (
      <>
        <div className="font-medium">{a.name}</div>
        {!a.enabled ? <Badge>disabled</Badge> : null}
        <ManagedBadge managed={a.managedByConfig} />
        {a.description ? (
          <div className="max-w-64 whitespace-normal text-xs text-muted">{a.description}</div>
        ) : null}
      </>
    ),
  },
  {
    id: 'targets',
    header: 'Targets (weight)',
    cell: (a) => (
      <ul className="flex flex-col gap-0.5">
        {a.targets.map((t) => (
          <li key={t.ref} className="whitespace-nowrap max-sm:whitespace-normal max-sm:break-all">
            {t.ref} <span className="text-xs text-muted">× {t.weight}</span>
          </li>
        ))}
      </ul>
    ),
  },
  {
    id: 'strategy',
    header: 'Strategy',
    priority: 'md',
    cell: (a) => (
      <>
        {a.strategy === 'quota-aware' ? 'auto (quota-aware)' : a.strategy}
        {a.cacheTtlSeconds != null ? (
          <div className="text-xs text-muted">cache {a.cacheTtlSeconds.toLocaleString('en-US')} s</div>
        ) : null}
      </>
    ),
  },
  {
    id: 'fallbacks',
    header: 'Fallbacks',
    priority: 'lg',
    cell: (a) => (a.fallbacks.length ? a.fallbacks.join(' → ') : <span className="text-muted">—</span>),
  },
  {
    id: 'scope',
    header: 'Scope',
    cell: (a) => (a.orgId ? <Badge tone="accent">{a.orgName ?? a.orgId}</Badge> : <Badge>global</Badge>),
  },
];

/** Aliases: requested name → weighted targets, strategy, scope; create, edit and delete for admins. */
export function AliasesTable({ canWrite, refs }: { canWrite: boolean; refs: string[] }) {
  const can = useCan();
  const aliases = useAliases();
  const orgs = useOrgs({ enabled: canWrite && can('orgs:read') });
  const create = useCreateAlias();
  const update = useUpdateAlias();
  const remove = useDeleteAlias();
  const [creating, setCreating] = useState(false);
  const [editing, setEditing] = useState<Alias | null>(null);
  const [deleting, setDeleting] = useState<Alias | null>(null);
  const orgChoices = orgs.data ? orgs.data.map((o) => ({ id: o.id, name: o.name })) : null;
  const bulk = useBulkAliases();
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [confirming, setConfirming] = useState<'enable' | 'disable' | 'delete' | null>(null);
  // Only ids still listed count (a deleted or filtered-out alias drops out of the selection).
  const listed = new Set((aliases.data ?? []).map((a) => a.id));
  const chosen = [...selected].filter((id) => listed.has(id));
  const chosenNames = (aliases.data ?? []).filter((a) => selected.has(a.id)).map((a) => a.name);
  const toggle = (id: string) =>
    setSelected((s) => {
      const next = new Set(s);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });
  const allChecked = chosen.length > 0 && chosen.length === listed.size;
  const columns: ListColumn<Alias>[] = canWrite
    ? [
        {
          id: 'select',
          header: (
            <input
              type="checkbox"
              aria-label="Select all aliases"
              checked={allChecked}
              onChange={() => setSelected(allChecked ? new Set() : new Set(listed))}
            />
          ),
          cardLabel: 'Select',
          headerInCard: 'Select all',
          className: 'w-8',
          cell: (a) => (
            <input
              type="checkbox"
              aria-label={`Select alias ${a.name}`}
              checked={selected.has(a.id)}
              onChange={() => toggle(a.id)}
            />
          ),
        },
        ...ALIAS_COLUMNS,
      ]
    : ALIAS_COLUMNS;

  return (
    <section aria-labelledby="aliases-heading" className="min-w-0">
      <div className="mb-3 flex flex-wrap items-end justify-between gap-2">
        <div className="min-w-0">
          <h3 id="aliases-heading" className="font-semibold">
            Aliases
          </h3>
          <p className="text-sm text-muted">
            A name clients ask for, resolved to one of its targets by its strategy. An organization's alias
            wins over a global one.
          </p>
        </div>
        {canWrite ? (
          <Button onClick={() => setCreating(true)}>
            <Plus aria-hidden className="h-4 w-4" /> Create alias
          </Button>
        ) : null}
      </div>
      {canWrite && chosen.length ? (
        <div
          role="toolbar"
          aria-label="Selected aliases"
          className="mb-2 flex flex-wrap items-center gap-2 rounded-xl bg-surface-2/60 px-3 py-2 text-sm"
        >
          <span className="font-medium">{chosen.length} selected</span>
          <Button variant="subtle" className="px-3 py-1" onClick={() => setConfirming('enable')}>
            Enable
          </Button>
          <Button variant="subtle" className="px-3 py-1" onClick={() => setConfirming('disable')}>
            Disable
          </Button>
          <Button variant="subtle" className="px-3 py-1 text-danger" onClick={() => setConfirming('delete')}>
            Delete
          </Button>
          <Button variant="ghost" className="px-3 py-1" onClick={() => setSelected(new Set())}>
            Clear
          </Button>
        </div>
      ) : null}
      <DataTable
        label="Aliases"
        columns={columns}
        rows={aliases.data ?? []}
        rowKey={(a) => a.id}
        rowTestId="alias-row"
        loading={aliases.isPending}
        error={aliases.isError ? aliases.error : null}
        onRetry={() => void aliases.refetch()}
        skeletonRows={3}
        empty={{
          title: 'No aliases yet.',
          hint: canWrite ? 'Create one to give clients a stable model name.' : undefined,
        }}
        actions={
          canWrite
            ? (a) => (
                <>
                  <RowAction
                    icon={Pencil}
                    text="Edit"
                    label={`Edit alias ${a.name}`}
                    onClick={() => setEditing(a)}
                    showText
                  />
                  <RowAction
                    icon={Trash2}
                    text="Delete"
                    label={`Delete alias ${a.name}`}
                    onClick={() => setDeleting(a)}
                    danger
                    showText
                  />
                </>
              )
            : undefined
        }
      />
      {canWrite && creating ? (
        <AliasDialog
          mode="create"
          onClose={() => setCreating(false)}
          pending={create.isPending}
          refs={refs}
          orgs={orgChoices}
          submit={async (body) => {
            await create.mutateAsync(body);
            setCreating(false);
          }}
        />
      ) : null}
      {canWrite && editing ? (
        <AliasDialog
          mode="edit"
          alias={editing}
          onClose={() => setEditing(null)}
          pending={update.isPending}
          refs={refs}
          orgs={orgChoices}
          submit={async (body) => {
            await update.mutateAsync({ id: editing.id, body });
            setEditing(null);
          }}
        />
      ) : null}
      <ConfirmDialog
        open={confirming !== null}
        onClose={() => {
          setConfirming(null);
          bulk.reset();
        }}
        title={
          confirming === 'delete'
            ? `Delete ${chosen.length} aliases?`
            : `${confirming === 'enable' ? 'Enable' : 'Disable'} ${chosen.length} aliases?`
        }
        body={
          <>
            <p className="break-words">{chosenNames.join(', ')}</p>
            <p className="mt-2 text-sm text-muted">
              {confirming === 'delete'
                ? 'Clients asking for these names get "model not found" (or a global alias of that name) from now on.'
                : confirming === 'disable'
                  ? 'Clients asking for these names get "model not found" until they are enabled again.'
                  : 'Clients can ask for these names again at once.'}
            </p>
          </>
        }
        confirmLabel={
          confirming === 'delete'
            ? 'Delete aliases'
            : confirming === 'enable'
              ? 'Enable aliases'
              : 'Disable aliases'
        }
        pendingLabel="Saving…"
        danger={confirming !== 'enable'}
        pending={bulk.isPending}
        error={bulk.error}
        onConfirm={() => {
          if (!confirming) return;
          bulk.mutate(
            { action: confirming, ids: chosen },
            {
              onSuccess: () => {
                setConfirming(null);
                setSelected(new Set());
              },
            },
          );
        }}
      />
      <ConfirmActionDialog
        target={deleting}
        onClose={() => setDeleting(null)}
        mutation={remove}
        variables={(t) => t.id}
        title="Delete this alias?"
        body={
          deleting ? (
            <p>
              Clients asking for <strong>{deleting.name}</strong> get "model not found" (or a global alias of
              that name) from now on.
            </p>
          ) : null
        }
        confirmLabel="Delete alias"
        pendingLabel="Deleting…"
      />
    </section>
  );
}
