import { Users, Wallet } from 'lucide-react';
import { useState } from 'react';
import { Button } from '../../../components/ui/button';
import { ErrorState, Skeleton } from '../../../components/ui/states';
import { Table, Td, Th } from '../../../components/ui/table';
import { formatNumber, formatUsd } from '../../../lib/format';
import { useByokOverview } from '../api/get-byok-overview';

/** Bring your own key: who uses their own provider keys and what it saved. */
export function ByokPanel() {
  const byok = useByokOverview();
  const [open, setOpen] = useState(false);
  return (
    <section aria-labelledby="byok-heading" className="min-w-0 rounded-2xl border border-border bg-surface p-4">
      <h3 id="byok-heading" className="font-semibold">BYOK</h3>
      <p className="mt-1 text-sm text-muted">Bring your own key: users pay providers with their own API keys; the gateway still routes, limits and logs.</p>
      {byok.isPending ? (
        <Skeleton className="mt-3 h-20" />
      ) : byok.isError ? (
        <div className="mt-3"><ErrorState error={byok.error} onRetry={() => void byok.refetch()} /></div>
      ) : (
        <>
          <dl className="mt-3 grid grid-cols-2 gap-3">
            <div className="rounded-xl bg-surface-2/60 p-3">
              <dt className="flex items-center gap-1.5 text-xs text-muted"><Users aria-hidden className="h-3.5 w-3.5" /> Users with BYOK</dt>
              <dd className="mt-1 text-xl font-semibold tabular-nums" data-testid="byok-users">{formatNumber(byok.data.totalUsers)}</dd>
            </div>
            <div className="rounded-xl bg-surface-2/60 p-3">
              <dt className="flex items-center gap-1.5 text-xs text-muted"><Wallet aria-hidden className="h-3.5 w-3.5" /> Cost saved</dt>
              <dd className="mt-1 text-xl font-semibold tabular-nums" data-testid="byok-saved">{formatUsd(byok.data.totalSavedUsd)}</dd>
            </div>
          </dl>
          <Button variant="subtle" className="mt-3" onClick={() => setOpen((o) => !o)} aria-expanded={open} aria-controls="byok-users">
            {open ? 'Hide users' : 'View users'}
          </Button>
          {open ? (
            <div id="byok-users" className="mt-3">
              {byok.data.users.length === 0 ? (
                <p className="text-sm text-muted">Nobody has added a provider key yet.</p>
              ) : (
                <Table label="Users with BYOK">
                  <thead>
                    <tr>
                      <Th>User</Th>
                      <Th>Providers</Th>
                      <Th className="text-right">Requests</Th>
                      <Th className="text-right">Saved</Th>
                    </tr>
                  </thead>
                  <tbody>
                    {byok.data.users.map((u) => (
                      <tr key={u.userId}>
                        <Td>
                          <div className="font-medium">{u.name ?? u.email}</div>
                          {u.name ? <div className="text-xs text-muted">{u.email}</div> : null}
                        </Td>
                        <Td>{u.providers.join(', ') || '—'}</Td>
                        <Td className="text-right tabular-nums">{formatNumber(u.byokRequests)}</Td>
                        <Td className="text-right tabular-nums">{formatUsd(u.savedUsd)}</Td>
                      </tr>
                    ))}
                  </tbody>
                </Table>
              )}
            </div>
          ) : null}
        </>
      )}
    </section>
  );
}
