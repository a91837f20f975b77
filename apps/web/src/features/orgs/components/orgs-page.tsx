import { Building2, KeyRound, Pencil, ShieldCheck, ShieldOff, Trash2, Users } from 'lucide-react';
import { useState } from 'react';
import { Badge, StatusBadge } from '../../../components/ui/badge';
import { Button } from '../../../components/ui/button';
import { ConfirmActionDialog } from '../../../components/ui/dialog';
import { TextField } from '../../../components/ui/field';
import { FilterBar, PageHeader, ReadOnlyNote, SegmentedTabs } from '../../../components/ui/page';
import { DataTable, type ListColumn } from '../../../components/ui/data-table';
import { RowAction } from '../../../components/ui/table';
import { formatDate, formatUsd } from '../../../lib/format';
import { oneOf, useQueryState } from '../../../lib/search-params';
import { useCan } from '../../auth/use-can';
import { useUsers } from '../../users/api/get-users';
import { useCreateOrg } from '../api/create-org';
import { useDeleteOrg } from '../api/delete-org';
import { useOrgs } from '../api/get-orgs';
import type { Org } from '../api/types';
import { useUpdateOrg } from '../api/update-org';
import { MembersDialog } from './members-dialog';
import { OrgKeysDialog } from './org-keys-dialog';
import { OrgDialog } from './org-dialog';

const STATUS_TABS = [
  { value: 'all', label: 'All' },
  { value: 'active', label: 'Active' },
  { value: 'suspended', label: 'Suspended' },
] as const;

/** Admins and viewers: organizations with spend caps, rollover, PII protection and members. */
export function OrgsPage() {
  const can = useCan();
  const canWrite = can('orgs:write');
  const qs = useQueryState();
  const search = qs.get('q');
  const status = oneOf(qs.get('status'), ['all', 'active', 'suspended'] as const, 'all');
  const membersOf = qs.get('members') || null;
  const keysOf = qs.get('keys') || null;
  const orgs = useOrgs();
  const users = useUsers({}, { enabled: can('users:read') });
  const create = useCreateOrg();
  const update = useUpdateOrg();
  const remove = useDeleteOrg();
  const [deleting, setDeleting] = useState<Org | null>(null);
  const [creating, setCreating] = useState(false);
  const [editing, setEditing] = useState<Org | null>(null);
  const [suspending, setSuspending] = useState<Org | null>(null);
  const userChoices = (users.data ?? []).map((u) => ({
    id: u.id,
    label: u.name && u.name !== u.email ? `${u.name} (${u.email})` : u.email,
  }));
  const q = search.trim().toLowerCase();
  const shown = (orgs.data ?? []).filter(
    (o) =>
      (status === 'all' || o.status === status) &&
      (!q || o.name.toLowerCase().includes(q) || o.slug.includes(q)),
  );
  const filtered = !!q || status !== 'all';
  const columns: ListColumn<Org>[] = [
    {
      id: 'org',
      header: 'Organization',
      cell: (o) => (
        <>
          <div className="font-medium">{o.name}</div>
          <div className="text-xs text-muted">{o.slug}</div>
        </>
      ),
    },
    {
      id: 'owner',
      header: 'Owner',
      priority: 'md',
      cell: (o) =>
        o.owner ? (
          <span title={o.owner.email}>{o.owner.name ?? o.owner.email}</span>
        ) : (
          <span className="text-muted">—</span>
        ),
    },
    { id: 'status', header: 'Status', cell: (o) => <StatusBadge status={o.status} /> },
    { id: 'members', header: 'Members', align: 'right', cell: (o) => o.members ?? 0 },
    { id: 'cap', header: 'Monthly cap', cell: (o) => formatUsd(o.spendCapUsd, 'none') },
    {
      id: 'rollover',
      header: 'Rollover',
      cell: (o) =>
        o.rollover ? (
          <span>on · {formatUsd(o.rolloverBalanceUsd)} carried</span>
        ) : (
          <span className="text-muted">off</span>
        ),
    },
    {
      id: 'pii',
      header: 'PII protection',
      cell: (o) => (o.piiProtection ? <Badge tone="ok">on</Badge> : <span className="text-muted">off</span>),
    },
    {
      id: 'created',
      header: 'Created',
      priority: 'lg',
      className: 'whitespace-nowrap',
      cell: (o) => <span title={o.createdAt}>{formatDate(o.createdAt)}</span>,
    },
  ];

  return (
    <div>
      <PageHeader
        title="Organizations"
        description="Teams that share a monthly spend cap, provider keys and PII protection. Suspending one stops its members' requests through it."
        actions={
          canWrite ? (
            <Button onClick={() => setCreating(true)}>
              <Building2 aria-hidden className="h-4 w-4" /> Create organization
            </Button>
          ) : null
        }
      />
      {!canWrite ? (
        <ReadOnlyNote>Read-only: your role can see organizations but not change them.</ReadOnlyNote>
      ) : null}
      <FilterBar label="Organization filters">
        <TextField
          label="Search"
          type="search"
          value={search}
          onChange={(e) => qs.set({ q: e.target.value })}
          placeholder="Name or slug"
          className="w-full sm:w-64"
        />
        <SegmentedTabs
          label="Status"
          value={status}
          options={STATUS_TABS}
          onChange={(v) => qs.set({ status: v === 'all' ? null : v })}
        />
      </FilterBar>
      <DataTable
        label="Organizations"
        columns={columns}
        rows={shown}
        rowKey={(o) => o.id}
        rowTestId="org-row"
        loading={orgs.isPending}
        error={orgs.isError ? orgs.error : null}
        onRetry={() => void orgs.refetch()}
        empty={{
          title: filtered ? 'No organizations match these filters.' : 'No organizations yet.',
          hint: filtered
            ? 'Change or clear the filters.'
            : canWrite
              ? 'Create one to group users under a shared cap.'
              : undefined,
        }}
        actions={(o) => (
          <>
            <RowAction
              icon={Users}
              text="Members"
              label={`Members of ${o.name}`}
              onClick={() => qs.set({ members: o.id })}
            />
            <RowAction
              icon={KeyRound}
              text="Provider keys"
              label={`Provider keys of ${o.name}`}
              onClick={() => qs.set({ keys: o.id })}
            />
            {canWrite ? (
              <>
                <RowAction icon={Pencil} text="Edit" label={`Edit ${o.name}`} onClick={() => setEditing(o)} />
                {o.status === 'active' ? (
                  <RowAction
                    icon={ShieldOff}
                    text="Suspend"
                    label={`Suspend ${o.name}`}
                    onClick={() => setSuspending(o)}
                    danger
                  />
                ) : (
                  <RowAction
                    icon={ShieldCheck}
                    text="Reactivate"
                    label={`Reactivate ${o.name}`}
                    disabled={update.isPending}
                    onClick={() => update.mutate({ id: o.id, body: { status: 'active' } })}
                  />
                )}
                <RowAction
                  icon={Trash2}
                  text="Delete"
                  label={`Delete ${o.name}`}
                  onClick={() => setDeleting(o)}
                  danger
                />
              </>
            ) : null}
          </>
        )}
      />
      <OrgKeysDialog
        orgId={keysOf}
        onClose={() => qs.set({ keys: null })}
        canManage={can('providers:credentials')}
      />
      <MembersDialog
        orgId={membersOf}
        onClose={() => qs.set({ members: null })}
        canWrite={canWrite}
        users={userChoices}
      />
      {canWrite ? (
        <>
          <OrgDialog
            mode="create"
            open={creating}
            onClose={() => setCreating(false)}
            users={userChoices}
            pending={create.isPending}
            submit={async (body) => {
              await create.mutateAsync(body);
              setCreating(false);
            }}
          />
          {editing ? (
            <OrgDialog
              key={editing.id}
              mode="edit"
              org={editing}
              open
              onClose={() => setEditing(null)}
              users={userChoices}
              pending={update.isPending}
              submit={async (body) => {
                await update.mutateAsync({ id: editing.id, body });
                setEditing(null);
              }}
            />
          ) : null}
          <ConfirmActionDialog
            target={suspending}
            onClose={() => setSuspending(null)}
            mutation={update}
            variables={(t) => ({ id: t.id, body: { status: 'suspended' as const } })}
            title="Suspend this organization?"
            body={
              suspending ? (
                <p>
                  <strong>{suspending.name}</strong> is suspended: gateway keys of the organization, its
                  members and its apps are refused until you reactivate it.
                </p>
              ) : null
            }
            confirmLabel="Suspend organization"
            pendingLabel="Suspending…"
          />
          <ConfirmActionDialog
            target={deleting}
            onClose={() => setDeleting(null)}
            mutation={remove}
            variables={(t) => t.id}
            title="Delete this organization?"
            body={
              deleting ? (
                <p>
                  <strong>{deleting.name}</strong> is deleted with its memberships, its gateway keys, its
                  provider keys and its own aliases; its apps are kept without an organization. This cannot be
                  undone: suspend it instead to keep everything.
                </p>
              ) : null
            }
            confirmLabel="Delete organization"
            pendingLabel="Deleting…"
          />
        </>
      ) : null}
    </div>
  );
}
