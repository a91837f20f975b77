import { Plus } from 'lucide-react';
import { useMemo, useState } from 'react';
import { Button } from '../../../components/ui/button';
import { FilterBar, PageHeader, ReadOnlyNote, SegmentedTabs } from '../../../components/ui/page';
import { SelectField, TextField } from '../../../components/ui/field';
import { oneOf, useQueryState } from '../../../lib/search-params';
import { useApps } from '../../apps/api/get-apps';
import { useCan } from '../../auth/use-can';
import { useOrgs } from '../../orgs/api/get-orgs';
import { useUsers } from '../../users/api/get-users';
import { useCreateKey } from '../api/create-key';
import { useKeys } from '../api/get-keys';
import { useRevokeKey } from '../api/revoke-key';
import type { CreatedGatewayKey, GatewayKey, KeyOwnerType, KeyStatus } from '../api/types';
import { CreateKeyDialog, type OwnerChoices } from './create-key-dialog';
import { KeyRevealDialog } from './key-reveal-dialog';
import { KeysTable } from './keys-table';
import { RevokeKeyDialog } from './revoke-key-dialog';

const STATUS_TABS = [
  { value: 'all', label: 'All' },
  { value: 'active', label: 'Active' },
  { value: 'expired', label: 'Expired' },
  { value: 'revoked', label: 'Revoked' },
] as const;
type StatusTab = (typeof STATUS_TABS)[number]['value'];

/** Admin: every gateway key, for users, organizations and apps. Viewers read, admins create and revoke. */
export function GatewayKeysPage() {
  const can = useCan();
  const canWrite = can('keys:write-any');
  const qs = useQueryState();
  const status = oneOf<StatusTab>(
    qs.get('status'),
    STATUS_TABS.map((t) => t.value),
    'all',
  );
  const ownerType = oneOf<KeyOwnerType | ''>(qs.get('owner'), ['user', 'org', 'app'], '');
  const search = qs.get('q');
  const keys = useKeys({
    status: status === 'all' ? undefined : (status as KeyStatus),
    ownerType: ownerType || undefined,
  });
  const users = useUsers({}, { enabled: can('users:read') });
  const orgs = useOrgs({ enabled: can('orgs:read') });
  const apps = useApps({ enabled: can('apps:read') });
  const create = useCreateKey();
  const revoke = useRevokeKey();
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<CreatedGatewayKey | null>(null);
  const [revoking, setRevoking] = useState<GatewayKey | null>(null);

  const names = useMemo(() => {
    const m = new Map<string, string>();
    for (const u of users.data ?? []) m.set(`user:${u.id}`, u.email);
    for (const o of orgs.data ?? []) m.set(`org:${o.id}`, o.name);
    for (const a of apps.data ?? []) m.set(`app:${a.id}`, a.name);
    return m;
  }, [users.data, orgs.data, apps.data]);
  const ownerName = (k: GatewayKey) =>
    k.ownerId ? (names.get(`${k.ownerType}:${k.ownerId}`) ?? k.ownerId) : '—';
  const owners: OwnerChoices = {
    user: (users.data ?? [])
      .filter((u) => u.status === 'active')
      .map((u) => ({ id: u.id, label: u.name && u.name !== u.email ? `${u.name} (${u.email})` : u.email })),
    org: (orgs.data ?? []).map((o) => ({ id: o.id, label: `${o.name} (${o.slug})` })),
    app: (apps.data ?? []).map((a) => ({ id: a.id, label: `${a.name} (${a.slug})` })),
  };
  const shown = (keys.data ?? []).filter((k) => {
    const q = search.trim().toLowerCase();
    return (
      !q ||
      k.name.toLowerCase().includes(q) ||
      k.prefix.toLowerCase().includes(q) ||
      ownerName(k).toLowerCase().includes(q)
    );
  });
  const filtered = status !== 'all' || !!ownerType || !!search;

  return (
    <div>
      <PageHeader
        title="Gateway keys"
        description="Keys for users, organizations and apps to call /v1. The full key is shown once, at creation."
        actions={
          canWrite ? (
            <Button onClick={() => setCreating(true)}>
              <Plus aria-hidden className="h-4 w-4" /> Create key
            </Button>
          ) : null
        }
      />
      {!canWrite ? (
        <ReadOnlyNote>Read-only: your role can see keys but not create or revoke them.</ReadOnlyNote>
      ) : null}
      <FilterBar label="Key filters">
        <SegmentedTabs
          label="Status"
          value={status}
          options={STATUS_TABS}
          onChange={(v) => qs.set({ status: v === 'all' ? null : v })}
        />
        <SelectField
          label="Owner type"
          value={ownerType}
          onChange={(e) => qs.set({ owner: e.target.value })}
          className="w-40"
        >
          <option value="">Any</option>
          <option value="user">User</option>
          <option value="org">Organization</option>
          <option value="app">App</option>
        </SelectField>
        <TextField
          label="Search"
          type="search"
          value={search}
          onChange={(e) => qs.set({ q: e.target.value })}
          placeholder="Name, prefix or owner"
          className="w-full sm:w-64"
        />
      </FilterBar>
      <KeysTable
        label="Gateway keys"
        keys={shown}
        ownerName={ownerName}
        onRevoke={canWrite ? setRevoking : undefined}
        loading={keys.isPending}
        error={keys.isError ? keys.error : null}
        onRetry={() => void keys.refetch()}
        empty={{
          title: filtered ? 'No keys match these filters.' : 'No gateway keys yet.',
          hint: filtered
            ? 'Change or clear the filters.'
            : canWrite
              ? 'Create one for a user, an organization or an app.'
              : undefined,
        }}
      />
      {canWrite ? (
        <>
          <CreateKeyDialog
            open={creating}
            onClose={() => setCreating(false)}
            owners={owners}
            pending={create.isPending}
            submit={async (body) => {
              const k = await create.mutateAsync(body);
              setCreating(false);
              setCreated(k);
            }}
          />
          <RevokeKeyDialog target={revoking} onClose={() => setRevoking(null)} mutation={revoke} />
        </>
      ) : null}
      <KeyRevealDialog created={created} onClose={() => setCreated(null)} />
    </div>
  );
}
