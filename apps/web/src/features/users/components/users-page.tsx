import { ROLE_VALUES, type RoleValue } from '@switchyard/core';
import { KeyRound, Pencil, ShieldCheck, ShieldOff, UserPlus } from 'lucide-react';
import { useState } from 'react';
import { Badge, StatusBadge } from '../../../components/ui/badge';
import { Button } from '../../../components/ui/button';
import { ConfirmActionDialog } from '../../../components/ui/dialog';
import { SelectField, TextField } from '../../../components/ui/field';
import { FilterBar, PageHeader, ReadOnlyNote, SegmentedTabs } from '../../../components/ui/page';
import { DataTable, type ListColumn } from '../../../components/ui/data-table';
import { RowAction } from '../../../components/ui/table';
import { formatRelative, formatUsd } from '../../../lib/format';
import { oneOf, useQueryState } from '../../../lib/search-params';
import { useDebounced } from '../../../lib/use-debounced';
import { useMe } from '../../auth/api/me';
import { useCan } from '../../auth/use-can';
import { useCreateUser } from '../api/create-user';
import { useUsers } from '../api/get-users';
import type { CreatedUser, User, UserStatus } from '../api/types';
import { useUpdateUser } from '../api/update-user';
import { UserByokDialog } from './user-byok-dialog';
import { CreatedUserDialog, CreateUserDialog, EditUserDialog, ROLE_LABEL } from './user-dialogs';

const STATUS_TABS = [
  { value: 'all', label: 'All' },
  { value: 'active', label: 'Active' },
  { value: 'suspended', label: 'Suspended' },
] as const;

/** Admins and viewers: every user with role, status, weekly cap and power level; admins add, edit and suspend. */
export function UsersPage() {
  const can = useCan();
  const canWrite = can('users:write');
  const me = useMe().data;
  const actorRole: RoleValue = me?.user.role ?? 'viewer';
  const qs = useQueryState();
  const search = qs.get('q');
  const role = oneOf<RoleValue | ''>(qs.get('role'), ROLE_VALUES, '');
  const status = oneOf(qs.get('status'), ['all', 'active', 'suspended'] as const, 'all');
  const debounced = useDebounced(search.trim());
  const users = useUsers({
    search: debounced || undefined,
    role: role || undefined,
    status: status === 'all' ? undefined : (status as UserStatus),
  });
  const create = useCreateUser();
  const update = useUpdateUser();
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<CreatedUser | null>(null);
  const [editing, setEditing] = useState<User | null>(null);
  const [suspending, setSuspending] = useState<User | null>(null);
  const [byokOf, setByokOf] = useState<User | null>(null);
  const filtered = !!search || !!role || status !== 'all';
  const columns: ListColumn<User>[] = [
    {
      id: 'user',
      header: 'User',
      truncate: (u) => `${u.name} <${u.email}>`,
      width: 'w-[28%]',
      cell: (u) => (
        <>
          <div className="truncate font-medium">{u.name}</div>
          <div className="truncate text-xs text-muted">{u.email}</div>
        </>
      ),
    },
    {
      id: 'role',
      header: 'Role',
      cell: (u) => (
        <Badge tone={u.role === 'super_admin' || u.role === 'admin' ? 'accent' : 'muted'}>
          {ROLE_LABEL[u.role] ?? u.role}
        </Badge>
      ),
    },
    { id: 'status', header: 'Status', cell: (u) => <StatusBadge status={u.status} /> },
    {
      id: 'org',
      header: 'Organization',
      priority: 'md',
      truncate: (u) => (u.orgs ?? []).map((o) => o.name).join(', '),
      cell: (u) =>
        u.orgs?.length ? (
          u.orgs.map((o) => (
            <div key={o.id} className="truncate">
              {o.name}
              {o.role !== 'member' ? <span className="text-xs text-muted"> · {o.role}</span> : null}
            </div>
          ))
        ) : (
          <span className="text-muted">—</span>
        ),
    },
    { id: 'cap', header: 'Weekly cap', cell: (u) => formatUsd(u.weeklyCapUsd, 'none') },
    { id: 'power', header: 'Power level', priority: 'md', cell: (u) => u.powerLevel ?? '—' },
    {
      id: 'login',
      header: 'Last sign-in',
      priority: 'md',
      cell: (u) => <span title={u.lastLoginAt ?? undefined}>{formatRelative(u.lastLoginAt)}</span>,
    },
  ];

  return (
    <div>
      <PageHeader
        title="Users"
        description="People who sign in to the dashboard and own gateway keys. Suspending a user signs them out and stops their keys."
        actions={
          canWrite ? (
            <Button onClick={() => setCreating(true)}>
              <UserPlus aria-hidden className="h-4 w-4" /> Add user
            </Button>
          ) : null
        }
      />
      {!canWrite ? (
        <ReadOnlyNote>Read-only: your role can see users but not change them.</ReadOnlyNote>
      ) : null}
      <FilterBar label="User filters">
        <TextField
          label="Search"
          type="search"
          value={search}
          onChange={(e) => qs.set({ q: e.target.value })}
          placeholder="Email or name"
          className="w-full sm:w-64"
        />
        <SelectField
          label="Role"
          value={role}
          onChange={(e) => qs.set({ role: e.target.value })}
          className="w-40"
        >
          <option value="">Any</option>
          {ROLE_VALUES.map((r) => (
            <option key={r} value={r}>
              {ROLE_LABEL[r]}
            </option>
          ))}
        </SelectField>
        <SegmentedTabs
          label="Status"
          value={status}
          options={STATUS_TABS}
          onChange={(v) => qs.set({ status: v === 'all' ? null : v })}
        />
      </FilterBar>
      <DataTable
        label="Users"
        columns={columns}
        rows={users.data ?? []}
        rowKey={(u) => u.id}
        rowTestId="user-row"
        loading={users.isPending}
        error={users.isError ? users.error : null}
        onRetry={() => void users.refetch()}
        empty={{
          title: filtered ? 'No users match these filters.' : 'No users yet.',
          hint: filtered ? 'Change or clear the filters.' : undefined,
        }}
        actions={(u) => (
          <>
            <RowAction
              icon={KeyRound}
              text="BYOK"
              label={`BYOK of ${u.email}`}
              onClick={() => setByokOf(u)}
              showText
            />
            {canWrite ? (
              <>
                <RowAction
                  icon={Pencil}
                  text="Edit"
                  label={`Edit ${u.email}`}
                  onClick={() => setEditing(u)}
                  showText
                />
                {u.id === me?.user.id ? null : u.status === 'active' ? (
                  <RowAction
                    icon={ShieldOff}
                    text="Suspend"
                    label={`Suspend ${u.email}`}
                    onClick={() => setSuspending(u)}
                    danger
                    showText
                  />
                ) : (
                  <RowAction
                    icon={ShieldCheck}
                    text="Reactivate"
                    label={`Reactivate ${u.email}`}
                    disabled={update.isPending}
                    onClick={() => update.mutate({ id: u.id, body: { status: 'active' } })}
                    showText
                  />
                )}
              </>
            ) : null}
          </>
        )}
      />
      <UserByokDialog user={byokOf} canWrite={canWrite} onClose={() => setByokOf(null)} />
      {canWrite ? (
        <>
          <CreateUserDialog
            open={creating}
            onClose={() => setCreating(false)}
            actorRole={actorRole}
            pending={create.isPending}
            submit={async (body) => {
              const u = await create.mutateAsync(body);
              setCreating(false);
              if (u.generatedPassword) setCreated(u);
            }}
          />
          <EditUserDialog
            user={editing}
            onClose={() => setEditing(null)}
            actorRole={actorRole}
            pending={update.isPending}
            submit={async (body) => {
              await update.mutateAsync({ id: editing!.id, body });
              setEditing(null);
            }}
          />
          <ConfirmActionDialog
            target={suspending}
            onClose={() => setSuspending(null)}
            mutation={update}
            variables={(t) => ({ id: t.id, body: { status: 'suspended' as const } })}
            title="Suspend this user?"
            body={
              suspending ? (
                <p>
                  <strong>{suspending.email}</strong> is signed out everywhere and their gateway keys stop
                  working until you reactivate them.
                </p>
              ) : null
            }
            confirmLabel="Suspend user"
            pendingLabel="Suspending…"
          />
          <CreatedUserDialog created={created} onClose={() => setCreated(null)} />
        </>
      ) : null}
      {update.isError && !suspending && !editing ? (
        <p role="alert" className="mt-3 text-sm text-danger">
          {update.error.message}
        </p>
      ) : null}
    </div>
  );
}
