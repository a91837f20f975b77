import { Pencil, Plus, Trash2 } from 'lucide-react';
import { useState } from 'react';
import { Badge } from '../../../components/ui/badge';
import { Button } from '../../../components/ui/button';
import { DataTable, type ListColumn } from '../../../components/ui/data-table';
import { ConfirmActionDialog } from '../../../components/ui/dialog';
import { RowAction } from '../../../components/ui/table';
import { useCan } from '../../auth/use-can';
import { useOrgs } from '../../orgs/api/get-orgs';
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
          <li key={t.ref} className="whitespace-nowrap">
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
    cell: (a) => (a.strategy === 'quota-aware' ? 'auto (quota-aware)' : a.strategy),
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
      <DataTable
        label="Aliases"
        columns={ALIAS_COLUMNS}
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
