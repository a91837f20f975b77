import { Plus } from 'lucide-react';
import { useState } from 'react';
import { Button } from '../../../components/ui/button';
import { FilterBar, PageHeader, SegmentedTabs } from '../../../components/ui/page';
import { oneOf, useQueryState } from '../../../lib/search-params';
import { useCan } from '../../auth/use-can';
import { useCreateMyKey } from '../api/create-my-key';
import { useMyKeys } from '../api/get-my-keys';
import { useRevokeMyKey } from '../api/revoke-my-key';
import type { CreatedGatewayKey, GatewayKey } from '../api/types';
import { CreateKeyDialog } from './create-key-dialog';
import { KeyRevealDialog } from './key-reveal-dialog';
import { KeysTable } from './keys-table';
import { RevokeKeyDialog } from './revoke-key-dialog';

const TABS = [
  { value: 'active', label: 'Active' },
  { value: 'all', label: 'All' },
] as const;
type Tab = (typeof TABS)[number]['value'];

/** Everyone: their own gateway keys: create (shown once), copy, revoke. */
export function MyKeysPage() {
  const can = useCan();
  const canWrite = can('keys:own');
  const qs = useQueryState();
  const tab = oneOf<Tab>(qs.get('show'), ['active', 'all'], 'active');
  const keys = useMyKeys();
  const create = useCreateMyKey();
  const revoke = useRevokeMyKey();
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<CreatedGatewayKey | null>(null);
  const [revoking, setRevoking] = useState<GatewayKey | null>(null);
  const shown = (keys.data ?? []).filter((k) => tab === 'all' || k.status === 'active');
  const origin = window.location.origin;

  return (
    <div>
      <PageHeader
        title="My keys"
        description={
          <>
            Your gateway keys. Send them as <code>Authorization: Bearer …</code> to{' '}
            <code className="break-all">{origin}/v1</code>.
          </>
        }
        actions={
          canWrite ? (
            <Button onClick={() => setCreating(true)}>
              <Plus aria-hidden className="h-4 w-4" /> Create key
            </Button>
          ) : null
        }
      />
      <FilterBar label="Key filters">
        <SegmentedTabs
          label="Show"
          value={tab}
          options={TABS}
          onChange={(v) => qs.set({ show: v === 'active' ? null : v })}
        />
      </FilterBar>
      <KeysTable
        label="My keys"
        keys={shown}
        onRevoke={canWrite ? setRevoking : undefined}
        loading={keys.isPending}
        error={keys.isError ? keys.error : null}
        onRetry={() => void keys.refetch()}
        empty={{
          title:
            tab === 'active' && (keys.data?.length ?? 0) > 0 ? 'No active keys.' : 'You have no keys yet.',
          hint: canWrite ? 'Create a key to call the gateway from your code.' : undefined,
        }}
      />
      {canWrite ? (
        <>
          <CreateKeyDialog
            open={creating}
            onClose={() => setCreating(false)}
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
