import { RotateCw } from 'lucide-react';
import { Badge } from '../../../components/ui/badge';
import { DataTable, type ListColumn } from '../../../components/ui/data-table';
import { RowAction } from '../../../components/ui/table';
import { formatRelative } from '../../../lib/format';
import { useProviders } from '../../providers/api/get-providers';
import type { Provider } from '../../providers/api/types';

/** Where a provider's key comes from: stored (encrypted) in the database, an `_env` reference, or nowhere. */
export function keySource(p: Provider): 'database' | '_env' | 'none' | 'keyless' {
  if (p.hasApiKey) return 'database';
  if (p.apiKeyEnv) return '_env';
  return p.config.keyless === true || p.type === 'mock' ? 'keyless' : 'none';
}

/**
 * Provider keys, one row per provider: whether it has a key and from where (database or `_env`), the key's last
 * connection test and its result; super admins rotate a key through the add-key wizard.
 */
export function ProviderKeys({ onRotate }: { onRotate: ((p: Provider) => void) | null }) {
  const providers = useProviders();
  const columns: ListColumn<Provider>[] = [
    {
      id: 'provider',
      header: 'Provider',
      cell: (p) => (
        <>
          <div className="font-medium">{p.name}</div>
          <div className="text-xs text-muted">{p.slug}</div>
        </>
      ),
    },
    {
      id: 'key',
      header: 'Key',
      cell: (p) => {
        const source = keySource(p);
        if (source === 'database') return <Badge tone="ok">••••{p.apiKeyLast4 ?? ''}</Badge>;
        if (source === '_env')
          return p.envResolved ? (
            <Badge tone="ok">${p.apiKeyEnv}</Badge>
          ) : (
            <span title="The variable is not set on the server">
              <Badge tone="danger">${p.apiKeyEnv} not set</Badge>
            </span>
          );
        return <span className="text-muted">{source === 'keyless' ? 'not needed' : 'no key'}</span>;
      },
    },
    {
      id: 'source',
      header: 'From',
      priority: 'md',
      cell: (p) => {
        const source = keySource(p);
        return source === 'database' ? 'database (encrypted)' : source === '_env' ? '_env' : '—';
      },
    },
    {
      id: 'tested',
      header: 'Last tested',
      cell: (p) =>
        p.lastTest ? (
          <div className="min-w-0" data-testid="key-last-test">
            <span title={p.lastTest.at}>{formatRelative(p.lastTest.at)}</span>{' '}
            {p.lastTest.ok ? (
              <Badge tone="ok">passed</Badge>
            ) : (
              <>
                <Badge tone="danger">failed</Badge>
                {p.lastTest.error ? (
                  <div className="truncate text-xs text-danger" title={p.lastTest.error}>
                    {p.lastTest.error}
                  </div>
                ) : null}
              </>
            )}
          </div>
        ) : (
          <span className="text-muted">never</span>
        ),
    },
  ];
  return (
    <section aria-labelledby="provider-keys-heading" className="min-w-0">
      <h3 id="provider-keys-heading" className="mb-1 font-semibold">
        Provider keys
      </h3>
      <p className="mb-3 text-sm text-muted">
        The keys the gateway pays with, per provider. A key stored in the database wins over an environment
        variable; users&apos; and organizations&apos; own keys are under BYOK.
      </p>
      <DataTable
        label="Provider keys"
        columns={columns}
        rows={providers.data ?? []}
        rowKey={(p) => p.id}
        rowTestId="provider-key-row"
        loading={providers.isPending}
        error={providers.isError ? providers.error : null}
        onRetry={() => void providers.refetch()}
        empty={{ title: 'No providers yet.', hint: 'Add an LLM key to create one.' }}
        actions={
          onRotate
            ? (p) => (
                <RowAction
                  icon={RotateCw}
                  text={keySource(p) === 'database' ? 'Rotate' : 'Set key'}
                  label={`${keySource(p) === 'database' ? 'Rotate the key of' : 'Set a key for'} ${p.name}`}
                  onClick={() => onRotate(p)}
                  showText
                />
              )
            : undefined
        }
      />
    </section>
  );
}
