import { Users, Wallet } from 'lucide-react';
import { useState } from 'react';
import { Button } from '../../../components/ui/button';
import { DataTable, type ListColumn } from '../../../components/ui/data-table';
import { ErrorState, Skeleton } from '../../../components/ui/states';
import { formatNumber, formatUsd } from '../../../lib/format';
import { useByokOverview } from '../api/get-byok-overview';
import type { ByokOverview } from '../api/types';

const USER_COLUMNS: ListColumn<ByokOverview['users'][number]>[] = [
  {
    id: 'user',
    header: 'User',
    cell: (u) => (
      <>
        <div className="font-medium">{u.name ?? u.email}</div>
        {u.name ? <div className="text-xs text-muted">{u.email}</div> : null}
      </>
    ),
  },
  { id: 'providers', header: 'Providers', priority: 'md', cell: (u) => u.providers.join(', ') || '—' },
  { id: 'requests', header: 'Requests', align: 'right', cell: (u) => formatNumber(u.byokRequests) },
  { id: 'saved', header: 'Saved', align: 'right', cell: (u) => formatUsd(u.savedUsd) },
];

/** Bring your own key: who uses their own provider keys and what it saved. */
export function ByokPanel() {
  const byok = useByokOverview();
  const [open, setOpen] = useState(false);
  return (
    <section
      aria-labelledby="byok-heading"
      className="min-w-0 rounded-2xl border border-border bg-surface p-4"
    >
      <h3 id="byok-heading" className="font-semibold">
        BYOK
      </h3>
      <p className="mt-1 text-sm text-muted">
        Bring your own key: users pay providers with their own API keys; the gateway still routes, limits and
        logs.
      </p>
      {byok.isPending ? (
        <Skeleton className="mt-3 h-20" />
      ) : byok.isError ? (
        <div className="mt-3">
          <ErrorState error={byok.error} onRetry={() => void byok.refetch()} />
        </div>
      ) : (
        <>
          <dl className="mt-3 grid grid-cols-2 gap-3">
            <div className="rounded-xl bg-surface-2/60 p-3">
              <dt className="flex items-center gap-1.5 text-xs text-muted">
                <Users aria-hidden className="h-3.5 w-3.5" /> Users with BYOK
              </dt>
              <dd className="mt-1 text-xl font-semibold tabular-nums" data-testid="byok-users">
                {formatNumber(byok.data.totalUsers)}
              </dd>
            </div>
            <div className="rounded-xl bg-surface-2/60 p-3">
              <dt className="flex items-center gap-1.5 text-xs text-muted">
                <Wallet aria-hidden className="h-3.5 w-3.5" /> Cost saved, all time
              </dt>
              <dd className="mt-1 text-xl font-semibold tabular-nums" data-testid="byok-saved">
                {formatUsd(byok.data.totalSavedUsd)}
              </dd>
            </div>
          </dl>
          <Button
            variant="subtle"
            className="mt-3"
            onClick={() => setOpen((o) => !o)}
            aria-expanded={open}
            aria-controls="byok-users"
          >
            {open ? 'Hide users' : 'View users'}
          </Button>
          {open ? (
            <div id="byok-users" className="mt-3">
              <DataTable
                label="Users with BYOK"
                columns={USER_COLUMNS}
                rows={byok.data.users}
                rowKey={(u) => u.userId}
                empty={{ title: 'Nobody has added a provider key yet.' }}
              />
            </div>
          ) : null}
        </>
      )}
    </section>
  );
}
