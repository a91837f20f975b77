import { useState } from 'react';
import { Badge } from '../../../components/ui/badge';
import { Dialog, FormFooter } from '../../../components/ui/dialog';
import { TextField } from '../../../components/ui/field';
import { EmptyState, ErrorState, Skeleton } from '../../../components/ui/states';
import { formatDate, formatNumber, formatRelative, formatUsd } from '../../../lib/format';
import { useZodForm } from '../../../lib/zod-form';
import { useUserByok } from '../api/get-user-byok';
import type { User } from '../api/types';
import { useUpdateUser } from '../api/update-user';
import { byokLimitDefaults, byokLimitsForm, type ByokLimitValues } from '../user-form';

/**
 * One user's BYOK: the providers they brought keys for (last four), each key's calls, the list price it paid (the
 * platform's saving) and last use, from real usage rows; this month's use against the monthly BYOK limits, which
 * admins change here.
 */
export function UserByokDialog({
  user,
  canWrite,
  onClose,
}: {
  user: User | null;
  canWrite: boolean;
  onClose: () => void;
}) {
  const byok = useUserByok(user?.id ?? null);
  const d = byok.data;
  return (
    <Dialog open={!!user} onClose={onClose} title={user ? `BYOK: ${user.email}` : 'BYOK'} wide>
      {byok.isPending ? <Skeleton className="h-24" /> : null}
      {byok.isError ? <ErrorState error={byok.error} onRetry={() => void byok.refetch()} /> : null}
      {d && user ? (
        <div className="flex flex-col gap-4">
          {d.providers.length === 0 ? (
            <EmptyState
              title="No provider keys of their own."
              hint="Calls use the organization's or the platform's keys."
            />
          ) : (
            <table className="w-full text-sm" aria-label="BYOK providers">
              <thead className="text-left text-xs text-muted">
                <tr>
                  <th className="py-1">Provider</th>
                  <th>Key</th>
                  <th className="text-right">Calls</th>
                  <th className="text-right">Saved</th>
                  <th>Last used</th>
                </tr>
              </thead>
              <tbody>
                {d.providers.map((p) => (
                  <tr key={p.providerId} className="border-t border-border" data-testid="byok-provider-row">
                    <td className="py-1.5">
                      {p.name} <code className="text-xs text-muted">{p.slug}</code>
                    </td>
                    <td>
                      <code>••••{p.last4}</code>{' '}
                      {p.status === 'active' ? null : <Badge tone="warn">{p.status}</Badge>}
                    </td>
                    <td className="text-right">{formatNumber(p.requests)}</td>
                    <td className="text-right">{formatUsd(p.savedUsd)}</td>
                    <td title={p.lastUsedAt ?? undefined}>{formatRelative(p.lastUsedAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <p className="text-sm" data-testid="byok-month">
            This month (since {formatDate(d.month.since)}): {formatNumber(d.month.requests)} calls
            {d.limits.monthlyRequests != null ? ` of ${formatNumber(d.limits.monthlyRequests)}` : ''} ·{' '}
            {formatUsd(d.month.spendUsd)} at list price
            {d.limits.monthlySpendUsd != null ? ` of ${formatUsd(d.limits.monthlySpendUsd)}` : ''} paid by
            their own keys; resets {formatDate(d.month.resetsAt)}.
          </p>
          {canWrite ? (
            <ByokLimitsForm
              key={user.id}
              userId={user.id}
              initial={byokLimitDefaults(d.limits)}
              onDone={onClose}
            />
          ) : null}
        </div>
      ) : null}
    </Dialog>
  );
}

function ByokLimitsForm({
  userId,
  initial,
  onDone,
}: {
  userId: string;
  initial: ByokLimitValues;
  onDone: () => void;
}) {
  const update = useUpdateUser();
  const [saved, setSaved] = useState(false);
  const f = useZodForm(byokLimitsForm, initial, async (body) => {
    setSaved(false);
    await update.mutateAsync({ id: userId, body });
    setSaved(true);
  });
  return (
    <form
      onSubmit={(e) => void f.onSubmit(e)}
      noValidate
      aria-label="BYOK limits"
      className="grid grid-cols-1 gap-3 sm:grid-cols-2"
    >
      <TextField
        label="BYOK calls per month"
        inputMode="numeric"
        {...f.register('byokMonthlyRequestLimit')}
        error={f.err('byokMonthlyRequestLimit')}
        hint="Calls their own keys may make per calendar month (UTC); past it they get 429 byok_limit_reached. Blank: unlimited."
      />
      <TextField
        label="BYOK spend per month (USD)"
        inputMode="decimal"
        {...f.register('byokMonthlySpendLimitUsd')}
        error={f.err('byokMonthlySpendLimitUsd')}
        hint="List price of the calls their own keys pay per calendar month. Blank: unlimited."
      />
      {saved ? (
        <p role="status" className="text-sm text-ok sm:col-span-2">
          Limits saved.
        </p>
      ) : null}
      <FormFooter
        error={f.formError}
        onCancel={onDone}
        pending={update.isPending}
        submitLabel="Save limits"
      />
    </form>
  );
}
