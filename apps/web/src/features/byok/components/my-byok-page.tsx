import { Plus } from 'lucide-react';
import { useState } from 'react';
import { StatusBadge } from '../../../components/ui/badge';
import { Button } from '../../../components/ui/button';
import { ConfirmActionDialog, FormError } from '../../../components/ui/dialog';
import { PageHeader } from '../../../components/ui/page';
import { DataTable, type ListColumn } from '../../../components/ui/data-table';
import { formatDate, formatNumber, formatRelative, formatUsd, plural } from '../../../lib/format';
import { useCan } from '../../auth/use-can';
import { useDeleteByok } from '../api/delete-byok';
import { useMyByok } from '../api/get-my-byok';
import { useMyByokUsage } from '../api/get-my-byok-usage';
import { useProviderOptions } from '../api/get-provider-options';
import { usePutByok } from '../api/put-byok';
import { useSetByokStatus } from '../api/set-byok-status';
import { useTestByok } from '../api/test-byok';
import type { ByokKey, ConnectionTest } from '../api/types';
import { maskKey } from '../byok-form';
import { ByokKeyDialog } from './byok-key-dialog';
import { KeyRowActions } from './key-row-actions';

function TestResult({ result }: { result: ConnectionTest | Error }) {
  if (result instanceof Error) return <span className="text-danger">Test failed: {result.message}</span>;
  if (result.success)
    return (
      <span className="text-ok">
        Works · {result.latencyMs} ms · {plural(result.modelsAvailable.length, 'model')}
      </span>
    );
  return <span className="text-danger">{result.error.message}</span>;
}

/** Everyone: their own provider keys (BYOK): add, test, rotate, delete; only the last four characters are shown. */
export function MyByokPage() {
  const can = useCan();
  const canWrite = can('byok:own');
  const keys = useMyByok();
  const providers = useProviderOptions(canWrite);
  const put = usePutByok();
  const del = useDeleteByok();
  const test = useTestByok();
  const setStatus = useSetByokStatus();
  const [dialog, setDialog] = useState<{ rotating: ByokKey | null } | null>(null);
  const [deleting, setDeleting] = useState<ByokKey | null>(null);
  const [results, setResults] = useState<Record<string, ConnectionTest | Error>>({});
  const [testing, setTesting] = useState<string | null>(null);

  const have = new Set((keys.data ?? []).map((k) => k.providerId));
  const choices = providers.isError ? null : (providers.data ?? []).filter((p) => !have.has(p.id));
  const runTest = (k: ByokKey) => {
    setTesting(k.providerId);
    test.mutate(k.providerId, {
      onSuccess: (r) => setResults((s) => ({ ...s, [k.providerId]: r })),
      onError: (e) => setResults((s) => ({ ...s, [k.providerId]: e })),
      onSettled: () => setTesting(null),
    });
  };

  const columns: ListColumn<ByokKey>[] = [
    {
      id: 'provider',
      header: 'Provider',
      cell: (k) => (
        <>
          <div className="font-medium">{k.provider.name}</div>
          <div className="text-xs text-muted">{k.provider.slug}</div>
        </>
      ),
    },
    {
      id: 'key',
      header: 'Key',
      cell: (k) => <code aria-label={`Key ending in ${k.last4}`}>{maskKey(k.last4)}</code>,
    },
    {
      id: 'label',
      header: 'Label',
      priority: 'md',
      cell: (k) => k.label ?? <span className="text-muted">—</span>,
    },
    {
      id: 'status',
      header: 'Status',
      cell: (k) => (
        <>
          <StatusBadge status={k.status} />
          {k.status === 'invalid' ? (
            <div className="mt-1 text-xs text-muted">not used until it passes a test or is replaced</div>
          ) : k.status === 'disabled' ? (
            <div className="mt-1 text-xs text-muted">turned off: not used until you turn it on</div>
          ) : null}
        </>
      ),
    },
    {
      id: 'lastTest',
      header: 'Last test',
      className: 'max-w-72 text-xs',
      cell: (k) => (
        <span aria-live="polite">
          {results[k.providerId] ? (
            <TestResult result={results[k.providerId]!} />
          ) : k.lastTestedAt ? (
            <span className={k.lastError ? 'text-danger' : 'text-muted'}>
              {formatRelative(k.lastTestedAt)}
              {k.lastError ? `: ${k.lastError}` : ': OK'}
            </span>
          ) : (
            <span className="text-muted">not tested</span>
          )}
        </span>
      ),
    },
  ];

  return (
    <div>
      <PageHeader
        title="My provider keys"
        description="Bring your own key: your requests to a provider use your key first, then your organization's, then the gateway's. Keys are stored encrypted and only their last four characters are ever shown."
        actions={
          canWrite ? (
            <Button onClick={() => setDialog({ rotating: null })}>
              <Plus aria-hidden className="h-4 w-4" /> Add key
            </Button>
          ) : null
        }
      />
      <MonthLine />
      {setStatus.error ? <FormError error={setStatus.error} /> : null}
      <DataTable
        label="My provider keys"
        columns={columns}
        rows={keys.data ?? []}
        rowKey={(k) => k.providerId}
        rowTestId="byok-row"
        loading={keys.isPending}
        error={keys.isError ? keys.error : null}
        onRetry={() => void keys.refetch()}
        skeletonRows={2}
        empty={{
          title: 'You have no provider keys.',
          hint: 'Add your own OpenAI, Anthropic or other provider key to pay for your requests with it.',
        }}
        actions={
          canWrite
            ? (k) => (
                <KeyRowActions
                  name={k.provider.name}
                  testing={testing === k.providerId}
                  onTest={() => runTest(k)}
                  off={k.status === 'disabled'}
                  statusPending={setStatus.isPending}
                  onStatus={(status) => setStatus.mutate({ providerId: k.providerId, status })}
                  replaceText="Rotate"
                  onReplace={() => setDialog({ rotating: k })}
                  onDelete={() => setDeleting(k)}
                />
              )
            : undefined
        }
      />
      {canWrite ? (
        <>
          <ByokKeyDialog
            key={dialog?.rotating?.providerId ?? 'new'}
            open={!!dialog}
            onClose={() => setDialog(null)}
            rotating={dialog?.rotating ?? null}
            providers={choices}
            pending={put.isPending}
            submit={async ({ providerId, apiKey, label }) => {
              await put.mutateAsync({ providerId, body: { apiKey, label } });
              setResults(({ [providerId]: _, ...rest }) => rest);
              setDialog(null);
            }}
          />
          <ConfirmActionDialog
            target={deleting}
            onClose={() => setDeleting(null)}
            mutation={del}
            variables={(t) => t.providerId}
            title="Delete this provider key?"
            body={
              deleting ? (
                <p>
                  Your {deleting.provider.name} key {maskKey(deleting.last4)} is removed. Your requests to{' '}
                  {deleting.provider.name} go back to your organization's or the gateway's key.
                </p>
              ) : null
            }
            confirmLabel="Delete key"
            pendingLabel="Deleting…"
          />
        </>
      ) : null}
    </div>
  );
}

/** This month on my own keys, against the monthly BYOK limits an admin set (if any). */
function MonthLine() {
  const usage = useMyByokUsage();
  const d = usage.data;
  if (!d || (d.month.requests === 0 && d.limits.monthlyRequests == null && d.limits.monthlySpendUsd == null))
    return null;
  const limited = d.limits.monthlyRequests != null || d.limits.monthlySpendUsd != null;
  return (
    <p className="mb-3 text-sm" data-testid="my-byok-month">
      This month on your own keys: {formatNumber(d.month.requests)} calls
      {d.limits.monthlyRequests != null ? ` of ${formatNumber(d.limits.monthlyRequests)}` : ''},{' '}
      {formatUsd(d.month.spendUsd)} at list price
      {d.limits.monthlySpendUsd != null ? ` of ${formatUsd(d.limits.monthlySpendUsd)}` : ''}.
      {limited ? ` Past a limit your keys rest until ${formatDate(d.month.resetsAt)}.` : ''}
    </p>
  );
}
