import { AppWindow, Pause, Pencil, Play, Trash2 } from 'lucide-react';
import { useState } from 'react';
import { Badge } from '../../../components/ui/badge';
import { Button } from '../../../components/ui/button';
import { ConfirmActionDialog } from '../../../components/ui/dialog';
import { TextField } from '../../../components/ui/field';
import { FilterBar, PageHeader, ReadOnlyNote, SegmentedTabs } from '../../../components/ui/page';
import { DataTable, type ListColumn } from '../../../components/ui/data-table';
import { RowAction } from '../../../components/ui/table';
import { oneOf, useQueryState } from '../../../lib/search-params';
import { useCan } from '../../auth/use-can';
import { useOrgs } from '../../orgs/api/get-orgs';
import { useCreateApp } from '../api/create-app';
import { useDeleteApp } from '../api/delete-app';
import { useApps } from '../api/get-apps';
import type { App } from '../api/types';
import { useUpdateApp } from '../api/update-app';
import { AppDialog } from './app-dialog';

const TABS = [
  { value: 'all', label: 'All' },
  { value: 'active', label: 'Active' },
  { value: 'inactive', label: 'Inactive' },
] as const;

/** Admins and viewers: client apps, which get their own gateway keys; admins create, edit, deactivate. */
export function AppsPage() {
  const can = useCan();
  const canWrite = can('apps:write');
  const qs = useQueryState();
  const search = qs.get('q');
  const tab = oneOf(qs.get('status'), ['all', 'active', 'inactive'] as const, 'all');
  const apps = useApps();
  const orgs = useOrgs({ enabled: can('orgs:read') });
  const create = useCreateApp();
  const update = useUpdateApp();
  const remove = useDeleteApp();
  const [deleting, setDeleting] = useState<App | null>(null);
  const [creating, setCreating] = useState(false);
  const [editing, setEditing] = useState<App | null>(null);
  const [deactivating, setDeactivating] = useState<App | null>(null);
  const orgName = new Map((orgs.data ?? []).map((o) => [o.id, o.name]));
  const orgChoices = (orgs.data ?? []).map((o) => ({ id: o.id, label: `${o.name} (${o.slug})` }));
  const q = search.trim().toLowerCase();
  const shown = (apps.data ?? []).filter(
    (a) =>
      (tab === 'all' || (tab === 'active') === a.active) &&
      (!q || a.name.toLowerCase().includes(q) || a.slug.includes(q) || (a.contactEmail ?? '').includes(q)),
  );
  const filtered = !!q || tab !== 'all';
  const columns: ListColumn<App>[] = [
    {
      id: 'app',
      header: 'App',
      cell: (a) => (
        <div className="max-w-72">
          <div className="font-medium">{a.name}</div>
          <div className="text-xs text-muted">{a.slug}</div>
          {a.description ? (
            <div className="mt-1 whitespace-normal break-words text-xs text-muted">{a.description}</div>
          ) : null}
        </div>
      ),
    },
    {
      id: 'status',
      header: 'Status',
      cell: (a) => (a.active ? <Badge tone="ok">active</Badge> : <Badge tone="danger">inactive</Badge>),
    },
    {
      id: 'org',
      header: 'Organization',
      cell: (a) => (a.orgId ? (orgName.get(a.orgId) ?? a.orgId) : <span className="text-muted">—</span>),
    },
    {
      id: 'contact',
      header: 'Contact',
      priority: 'md',
      truncate: (a) => a.contactEmail ?? '',
      cell: (a) => a.contactEmail ?? <span className="text-muted">—</span>,
    },
    {
      id: 'pii',
      header: 'PII protection',
      cell: (a) => (a.piiProtection ? <Badge tone="ok">on</Badge> : <span className="text-muted">off</span>),
    },
  ];

  return (
    <div>
      <PageHeader
        title="Apps"
        description="Services that call the gateway with their own keys. Deactivating an app stops its keys at once."
        actions={
          canWrite ? (
            <Button onClick={() => setCreating(true)}>
              <AppWindow aria-hidden className="h-4 w-4" /> Create app
            </Button>
          ) : null
        }
      />
      {!canWrite ? <ReadOnlyNote>Read-only: your role can see apps but not change them.</ReadOnlyNote> : null}
      <FilterBar label="App filters">
        <TextField
          label="Search"
          type="search"
          value={search}
          onChange={(e) => qs.set({ q: e.target.value })}
          placeholder="Name, slug or contact"
          className="w-full sm:w-64"
        />
        <SegmentedTabs
          label="Status"
          value={tab}
          options={TABS}
          onChange={(v) => qs.set({ status: v === 'all' ? null : v })}
        />
      </FilterBar>
      <DataTable
        label="Apps"
        columns={columns}
        rows={shown}
        rowKey={(a) => a.id}
        rowTestId="app-row"
        loading={apps.isPending}
        error={apps.isError ? apps.error : null}
        onRetry={() => void apps.refetch()}
        empty={{
          title: filtered ? 'No apps match these filters.' : 'No apps yet.',
          hint: filtered
            ? 'Change or clear the filters.'
            : canWrite
              ? 'Create an app to give a service its own keys.'
              : undefined,
        }}
        actions={
          canWrite
            ? (a) => (
                <>
                  <RowAction
                    icon={Pencil}
                    text="Edit"
                    label={`Edit ${a.name}`}
                    onClick={() => setEditing(a)}
                  />
                  {a.active ? (
                    <RowAction
                      icon={Pause}
                      text="Deactivate"
                      label={`Deactivate ${a.name}`}
                      onClick={() => setDeactivating(a)}
                      danger
                    />
                  ) : (
                    <RowAction
                      icon={Play}
                      text="Activate"
                      label={`Activate ${a.name}`}
                      disabled={update.isPending}
                      onClick={() => update.mutate({ id: a.id, body: { active: true } })}
                    />
                  )}
                  <RowAction
                    icon={Trash2}
                    text="Delete"
                    label={`Delete ${a.name}`}
                    onClick={() => setDeleting(a)}
                    danger
                  />
                </>
              )
            : undefined
        }
      />
      {canWrite ? (
        <>
          <AppDialog
            open={creating}
            onClose={() => setCreating(false)}
            orgs={orgChoices}
            pending={create.isPending}
            submit={async (body) => {
              await create.mutateAsync(body);
              setCreating(false);
            }}
          />
          {editing ? (
            <AppDialog
              open
              app={editing}
              onClose={() => setEditing(null)}
              orgs={orgChoices}
              pending={update.isPending}
              submit={async (body) => {
                await update.mutateAsync({ id: editing.id, body });
                setEditing(null);
              }}
            />
          ) : null}
          <ConfirmActionDialog
            target={deactivating}
            onClose={() => setDeactivating(null)}
            mutation={update}
            variables={(t) => ({ id: t.id, body: { active: false } })}
            title="Deactivate this app?"
            body={
              deactivating ? (
                <p>
                  <strong>{deactivating.name}</strong>'s gateway keys are refused until you activate it again.
                </p>
              ) : null
            }
            confirmLabel="Deactivate app"
            pendingLabel="Deactivating…"
          />
          <ConfirmActionDialog
            target={deleting}
            onClose={() => setDeleting(null)}
            mutation={remove}
            variables={(t) => t.id}
            title="Delete this app?"
            body={
              deleting ? (
                <p>
                  <strong>{deleting.name}</strong> and its gateway keys are deleted. This cannot be undone;
                  deactivate it instead to keep its keys.
                </p>
              ) : null
            }
            confirmLabel="Delete app"
            pendingLabel="Deleting…"
          />
        </>
      ) : null}
    </div>
  );
}
