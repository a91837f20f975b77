import { Plus } from 'lucide-react';
import { useState } from 'react';
import { StatusBadge } from '../../../components/ui/badge';
import { Button } from '../../../components/ui/button';
import { ConfirmActionDialog, Dialog, FormError } from '../../../components/ui/dialog';
import { EmptyState, ErrorState, Skeleton } from '../../../components/ui/states';
import { formatRelative } from '../../../lib/format';
import { useProviderOptions } from '../../byok/api/get-provider-options';
import type { ConnectionTest } from '../../byok/api/types';
import { maskKey } from '../../byok/byok-form';
import { ByokKeyDialog } from '../../byok/components/byok-key-dialog';
import { KeyRowActions } from '../../byok/components/key-row-actions';
import { useDeleteOrgKey } from '../api/delete-org-key';
import { useOrg } from '../api/get-org';
import { useSetOrgKeyStatus } from '../api/set-org-key-status';
import { useTestOrgKey } from '../api/test-org-key';
import { usePutOrgKey } from '../api/put-org-key';
import type { OrgDetail } from '../api/types';

type OrgKey = OrgDetail['providerKeys'][number];

/**
 * An organization's own provider keys (used for its members' requests before the provider's key): each with its
 * status and last connection test, the key itself never (its last four characters). Those who manage them (super
 * admins, `providers:credentials`) add a key for a provider (one a user could bring a key for, that the org has
 * none for yet), replace, test and delete one and turn it off or on; a key turned off is kept but not used.
 */
export function OrgKeysDialog({
  orgId,
  onClose,
  canManage,
}: {
  orgId: string | null;
  onClose: () => void;
  canManage: boolean;
}) {
  const org = useOrg(orgId);
  const setStatus = useSetOrgKeyStatus();
  const test = useTestOrgKey();
  const put = usePutOrgKey();
  const del = useDeleteOrgKey();
  const providers = useProviderOptions(canManage && !!orgId);
  const [testing, setTesting] = useState<string | null>(null);
  const [results, setResults] = useState<Record<string, ConnectionTest | Error>>({});
  const [editing, setEditing] = useState<{ rotating: OrgKey | null } | null>(null);
  const [deleting, setDeleting] = useState<OrgKey | null>(null);
  const keys = org.data?.providerKeys ?? [];
  const have = new Set(keys.map((k) => k.providerId));
  const choices = (providers.data ?? []).filter((p) => !have.has(p.id));
  const close = () => {
    setResults({});
    setEditing(null);
    setDeleting(null);
    setStatus.reset();
    onClose();
  };
  const runTest = (providerId: string) => {
    setTesting(providerId);
    test.mutate(
      { orgId: orgId!, providerId },
      {
        onSuccess: (r) => setResults((s) => ({ ...s, [providerId]: r })),
        onError: (e) => setResults((s) => ({ ...s, [providerId]: e })),
        onSettled: () => setTesting(null),
      },
    );
  };
  return (
    <Dialog
      open={!!orgId}
      onClose={close}
      title={org.data ? `Provider keys of ${org.data.name}` : 'Provider keys'}
      wide
    >
      {org.isPending ? (
        <div className="flex flex-col gap-2" aria-busy="true">
          <Skeleton className="h-8" />
        </div>
      ) : org.isError ? (
        <ErrorState error={org.error} onRetry={() => void org.refetch()} />
      ) : (
        <div className="flex flex-col gap-3">
          <p className="text-sm text-muted">
            The organization&apos;s own key for a provider pays for its members&apos; requests there (after a
            member&apos;s own key, before the provider&apos;s). A key turned off, or refused by its provider
            in a test, is not used.
          </p>
          {canManage ? (
            providers.isError ? (
              <ErrorState error={providers.error} onRetry={() => void providers.refetch()} />
            ) : (
              <div>
                <Button
                  onClick={() => setEditing({ rotating: null })}
                  disabled={providers.isPending || choices.length === 0}
                >
                  <Plus aria-hidden className="h-4 w-4" /> Add key
                </Button>
                {providers.isSuccess && choices.length === 0 ? (
                  <span className="ml-2 text-xs text-muted">
                    Every provider that takes a key has one here.
                  </span>
                ) : null}
              </div>
            )
          ) : null}
          {keys.length === 0 ? (
            <EmptyState title="This organization has no provider keys." />
          ) : (
            <ul aria-label="Provider keys" className="divide-y divide-border rounded-xl border border-border">
              {keys.map((k) => {
                const result = results[k.providerId];
                return (
                  <li
                    key={k.providerId}
                    data-testid="org-key-row"
                    className="flex flex-wrap items-center gap-2 px-3 py-2"
                  >
                    <div className="min-w-0 flex-1">
                      <div className="truncate text-sm font-medium">
                        {k.provider.name} <code className="text-xs text-muted">••••{k.last4}</code>
                      </div>
                      <div className="truncate text-xs text-muted">
                        {k.provider.slug}
                        {k.label ? ` · ${k.label}` : ''}
                      </div>
                      <div className="text-xs" aria-live="polite" data-testid="org-key-last-test">
                        {result instanceof Error ? (
                          <span className="text-danger">Test failed: {result.message}</span>
                        ) : result && !result.success ? (
                          <span className="text-danger">Tested just now: {result.error.message}</span>
                        ) : result ? (
                          <span className="text-ok">Tested just now: works · {result.latencyMs} ms</span>
                        ) : k.lastTestedAt ? (
                          <span className={k.lastError ? 'text-danger' : 'text-muted'}>
                            Tested {formatRelative(k.lastTestedAt)}
                            {k.lastError ? `: ${k.lastError}` : ': OK'}
                          </span>
                        ) : (
                          <span className="text-muted">Never tested</span>
                        )}
                      </div>
                    </div>
                    <span data-testid="org-key-status">
                      <StatusBadge status={k.status} />
                    </span>
                    {canManage ? (
                      <KeyRowActions
                        name={k.provider.name}
                        testing={testing === k.providerId}
                        onTest={() => runTest(k.providerId)}
                        off={k.status === 'disabled'}
                        statusPending={setStatus.isPending}
                        onStatus={(status) =>
                          setStatus.mutate({ orgId: orgId!, providerId: k.providerId, status })
                        }
                        replaceText="Replace"
                        onReplace={() => setEditing({ rotating: k })}
                        onDelete={() => setDeleting(k)}
                      />
                    ) : null}
                  </li>
                );
              })}
            </ul>
          )}
          {setStatus.error ? <FormError error={setStatus.error} /> : null}
          {canManage && org.data ? (
            <>
              <ByokKeyDialog
                key={editing?.rotating?.providerId ?? 'new'}
                open={!!editing}
                onClose={() => setEditing(null)}
                rotating={editing?.rotating ?? null}
                providers={choices}
                org={org.data.name}
                pending={put.isPending}
                submit={async ({ providerId, apiKey, label }) => {
                  await put.mutateAsync({ orgId: orgId!, providerId, body: { apiKey, label } });
                  setResults(({ [providerId]: _, ...rest }) => rest);
                  setEditing(null);
                }}
              />
              <ConfirmActionDialog
                target={deleting}
                onClose={() => setDeleting(null)}
                mutation={del}
                variables={(t) => ({ orgId: orgId!, providerId: t.providerId })}
                title="Delete this provider key?"
                body={
                  deleting ? (
                    <p>
                      The {deleting.provider.name} key {maskKey(deleting.last4)} of {org.data.name} is
                      removed. Its members&apos; requests to {deleting.provider.name} go back to their own or
                      the provider&apos;s key.
                    </p>
                  ) : null
                }
                confirmLabel="Delete key"
                pendingLabel="Deleting…"
              />
            </>
          ) : null}
        </div>
      )}
    </Dialog>
  );
}
