import { hasProviderLogo, ProviderLogo } from '../../../components/ui/provider-logo';
import { ChevronRight, KeyRound, Settings, Trash2, Zap } from 'lucide-react';
import { useState, type CSSProperties } from 'react';
import { Badge } from '../../../components/ui/badge';
import { ManagedBadge } from '../../../components/ui/managed-badge';
import { Button } from '../../../components/ui/button';
import { ConfirmActionDialog } from '../../../components/ui/dialog';
import { EmptyState, ErrorState, Skeleton } from '../../../components/ui/states';
import { formatRelative, formatUsd } from '../../../lib/format';
import { useDeleteProvider } from '../api/delete-provider';
import { useProviderTypes } from '../api/get-provider-types';
import { useCheckProvider } from '../api/check-provider';
import { useResetProvider } from '../api/reset-provider';
import { useTestProvider } from '../api/test-provider';
import type { ConnectionTest, Provider } from '../api/types';
import { useLiveProviders } from '../hooks/use-live-providers';
import { ConnectionResult } from './connection-result';
import { ProviderHealthActions, ProviderHealthSummary } from './provider-health';

type CardStatus = 'active' | 'disabled' | 'error' | 'down' | 'degraded';

/**
 * What the card's badge says: disabled, error (its last connection test failed), down or degraded (live: a
 * cooldown, an open circuit or a failed health check), else active.
 */
export function providerStatus(p: Pick<Provider, 'status' | 'health'>): CardStatus {
  if (p.status === 'disabled') return 'disabled';
  if (p.status === 'error') return 'error';
  if (p.health.status === 'down' || p.health.status === 'degraded') return p.health.status;
  return 'active';
}

const TONE: Record<CardStatus, 'ok' | 'danger' | 'warn' | 'muted'> = {
  active: 'ok',
  error: 'danger',
  down: 'danger',
  degraded: 'warn',
  disabled: 'muted',
};

function keyLine(p: Provider): string {
  if (p.hasApiKey) return `key ••••${p.apiKeyLast4 ?? ''}`;
  if (p.apiKeyEnv) return `key from $${p.apiKeyEnv}${p.envResolved === false ? ' (not set)' : ''}`;
  if (p.auth.length)
    return `auth ${p.auth.map((a) => (a.resolved ? a.name : `${a.name} (not set)`)).join(', ')}`;
  return 'no key';
}

function ProviderCard({
  p,
  typeName,
  canWrite,
  onConfigure,
  onDelete,
  onTest,
  testing,
  onCheck,
  checking,
  onReset,
  result,
  index,
}: {
  p: Provider;
  typeName: string;
  canWrite: boolean;
  onConfigure: () => void;
  onDelete: () => void;
  onTest: () => void;
  testing: boolean;
  onCheck: () => void;
  checking: boolean;
  onReset: () => void;
  result: ConnectionTest | { error: unknown } | undefined;
  index: number;
}) {
  const status = providerStatus(p);
  return (
    <li
      style={{ '--sy-delay': `${Math.min(index, 8) * 40}ms` } as CSSProperties}
      className="sy-rise-in flex min-w-0 flex-col gap-3 rounded-2xl border border-border bg-surface p-4 shadow-sm transition hover:border-accent/40 motion-safe:hover:scale-[1.01]"
      data-testid="provider-card"
      aria-label={p.name}
    >
      <div className="flex items-start gap-3">
        {hasProviderLogo(p.type) ? (
          <div className="grid h-11 w-11 shrink-0 place-items-center rounded-xl border border-border bg-surface-2">
            <ProviderLogo type={p.type} className="h-6 w-6" />
          </div>
        ) : (
          // A custom endpoint has no brand: its initial on the colour chosen for it.
          <div
            className="grid h-11 w-11 shrink-0 place-items-center rounded-xl text-lg font-bold text-white"
            style={{ backgroundColor: p.color }}
            aria-hidden
          >
            {p.name.trim().charAt(0).toUpperCase() || '?'}
          </div>
        )}
        <div className="min-w-0 flex-1">
          <h3 className="truncate font-semibold">{p.name}</h3>
          <p className="truncate text-xs text-muted">
            {typeName} · {p.slug}
          </p>
        </div>
        <ManagedBadge managed={p.managedByConfig} />
        <span data-testid="provider-status">
          <Badge tone={TONE[status]}>{status}</Badge>
        </span>
      </div>
      <ProviderHealthSummary p={p} />
      <dl className="grid grid-cols-2 gap-2 text-sm">
        <div>
          <dt
            className="text-xs text-muted"
            title="Its enabled models that every caller can be routed to, of its global models; models for one organization or user only are counted apart."
          >
            Models
          </dt>
          <dd className="font-medium tabular-nums" data-testid="provider-models">
            {p.modelCounts.enabled}{' '}
            <span className="font-normal text-muted">enabled of {p.modelCounts.global}</span>
          </dd>
          {p.modelCounts.scoped ? (
            <dd className="text-xs text-muted tabular-nums" data-testid="provider-models-scoped">
              + {p.modelCounts.scoped} scoped to an organization or user
            </dd>
          ) : null}
        </div>
        <div>
          <dt
            className="text-xs text-muted"
            title="The mean of (input + output price) / 2 over its enabled models with a known price; spend is on the Usage page."
          >
            Avg list price / 1M tokens
          </dt>
          <dd className="font-medium tabular-nums" data-testid="provider-list-price">
            {p.avgCostPer1M === null ? '—' : formatUsd(p.avgCostPer1M)}
          </dd>
        </div>
        <div>
          <dt className="text-xs text-muted">Priority</dt>
          <dd className="tabular-nums">
            {p.priority}
            {p.autoFallback ? ' · auto-fallback' : ''}
          </dd>
        </div>
        <div className="min-w-0">
          <dt className="text-xs text-muted">Credentials</dt>
          <dd className="flex items-center gap-1 truncate">
            <KeyRound aria-hidden className="h-3.5 w-3.5 shrink-0 text-muted" />
            <span className="truncate">{keyLine(p)}</span>
          </dd>
        </div>
      </dl>
      {p.lastTestedAt ? (
        <p className="text-xs text-muted">Last tested {formatRelative(p.lastTestedAt)}</p>
      ) : null}
      {result ? <ConnectionResult result={result} compact /> : null}
      <ProviderHealthActions
        p={p}
        canWrite={canWrite}
        onCheck={onCheck}
        checking={checking}
        onReset={onReset}
      />
      {canWrite ? (
        <div className="mt-auto grid grid-cols-3 gap-1 border-t border-border pt-3">
          <Button
            variant="ghost"
            className="px-1! py-1 text-blue-500"
            onClick={onConfigure}
            aria-label={`Configure ${p.name}`}
          >
            <Settings aria-hidden className="h-4 w-4" /> Configure
          </Button>
          <Button
            variant="ghost"
            className="px-1! py-1 text-green-500"
            onClick={onTest}
            disabled={testing}
            aria-label={`Test ${p.name}`}
          >
            <Zap aria-hidden className="h-4 w-4" /> {testing ? 'Testing…' : 'Test'}
          </Button>
          <Button
            variant="ghost"
            className="px-1! py-1 text-danger"
            onClick={onDelete}
            aria-label={`Delete ${p.name}`}
          >
            <Trash2 aria-hidden className="h-4 w-4" /> Delete
          </Button>
        </div>
      ) : null}
    </li>
  );
}

/** The provider cards: one column on phones, two on tablets, three on desktops. */
export function ProviderCards({
  canWrite,
  onConfigure,
}: {
  canWrite: boolean;
  onConfigure: (p: Provider) => void;
}) {
  const providers = useLiveProviders();
  const types = useProviderTypes();
  const test = useTestProvider();
  const remove = useDeleteProvider();
  const check = useCheckProvider();
  const reset = useResetProvider();
  const [checkingId, setCheckingId] = useState<string | null>(null);
  const [resetting, setResetting] = useState<Provider | null>(null);
  const [results, setResults] = useState<Record<string, ConnectionTest | { error: unknown }>>({});
  const [testingId, setTestingId] = useState<string | null>(null);
  const [deleting, setDeleting] = useState<Provider | null>(null);
  const typeNames = new Map((types.data ?? []).map((t) => [t.type, t.displayName]));

  const runTest = (p: Provider) => {
    setTestingId(p.id);
    test.mutate(p.id, {
      onSuccess: (r) => setResults((s) => ({ ...s, [p.id]: r })),
      onError: (error) => setResults((s) => ({ ...s, [p.id]: { error } })),
      onSettled: () => setTestingId(null),
    });
  };

  if (providers.isPending) {
    return (
      <div
        className="grid grid-cols-1 gap-3 sm:grid-cols-2 lg:grid-cols-3"
        aria-busy="true"
        aria-label="Loading providers"
      >
        {[0, 1, 2].map((i) => (
          <Skeleton key={i} className="h-52" />
        ))}
      </div>
    );
  }
  if (providers.isError)
    return <ErrorState error={providers.error} onRetry={() => void providers.refetch()} />;
  if (providers.data.length === 0) {
    return (
      <EmptyState
        title="No providers configured yet."
        hint={canWrite ? "Click 'Add provider' to get started." : 'An admin can add one.'}
      />
    );
  }
  const card = (p: Provider, i: number) => (
    <ProviderCard
      key={p.id}
      index={i}
      p={p}
      typeName={typeNames.get(p.type) ?? p.type}
      canWrite={canWrite}
      onConfigure={() => onConfigure(p)}
      onDelete={() => setDeleting(p)}
      onTest={() => runTest(p)}
      testing={testingId === p.id}
      onCheck={() => {
        setCheckingId(p.id);
        check.mutate(p.id, { onSettled: () => setCheckingId(null) });
      }}
      checking={checkingId === p.id}
      onReset={() => setResetting(p)}
      result={results[p.id]}
    />
  );
  // What can route comes first; disabled providers wait folded under a disclosure.
  const active = providers.data.filter((p) => p.status !== 'disabled');
  const disabled = providers.data.filter((p) => p.status === 'disabled');
  return (
    <>
      {active.length ? (
        <ul className="grid grid-cols-1 gap-3 sm:grid-cols-2 lg:grid-cols-3" aria-label="Providers">
          {active.map(card)}
        </ul>
      ) : (
        <EmptyState
          title="No provider is enabled."
          hint="Requests cannot route until one is: configure a provider below."
        />
      )}
      {disabled.length ? (
        <details
          className="group mt-3 rounded-2xl border border-border bg-surface/50"
          data-testid="disabled-providers"
        >
          <summary className="flex cursor-pointer list-none items-center gap-2 rounded-2xl px-4 py-3 text-sm font-medium text-muted hover:text-fg [&::-webkit-details-marker]:hidden">
            <ChevronRight aria-hidden className="h-4 w-4 transition group-open:rotate-90" />
            Disabled ({disabled.length})<span className="font-normal">· their models cannot route</span>
          </summary>
          <ul
            className="grid grid-cols-1 gap-3 px-3 pb-3 sm:grid-cols-2 lg:grid-cols-3"
            aria-label="Disabled providers"
          >
            {disabled.map(card)}
          </ul>
        </details>
      ) : null}
      <ConfirmActionDialog
        target={resetting}
        onClose={() => setResetting(null)}
        mutation={reset}
        variables={(t) => ({ id: t.id })}
        title="Reset this provider's state?"
        body={
          resetting ? (
            <p>
              Routing tries <strong>{resetting.name}</strong> again at once: its cooldowns
              {resetting.health.cooldowns.length ? ` (${resetting.health.cooldowns.length} now)` : ''}, those
              of callers&apos; own keys on it
              {resetting.health.callerKeyCooldowns ? ` (${resetting.health.callerKeyCooldowns} now)` : ''},
              open circuits and the current rate-limit windows are cleared on every instance. If the cause
              remains, the next failure cools it down again. The reset is recorded in the audit log.
            </p>
          ) : null
        }
        confirmLabel="Reset"
        pendingLabel="Resetting…"
        danger={false}
      />
      <ConfirmActionDialog
        target={deleting}
        onClose={() => setDeleting(null)}
        mutation={remove}
        variables={(t) => t.id}
        title="Delete this provider?"
        body={
          deleting ? (
            <p>
              <strong>{deleting.name}</strong> ({deleting.slug}) and its {deleting.modelCount} model
              {deleting.modelCount === 1 ? '' : 's'} are deleted. Aliases and chains that name them stop
              resolving to them; past usage stays in the logs.
            </p>
          ) : null
        }
        confirmLabel="Delete provider"
        pendingLabel="Deleting…"
      />
    </>
  );
}
