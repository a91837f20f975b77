import { Activity, ChevronRight, RotateCcw, ShieldAlert, Timer } from 'lucide-react';
import { useId, useState } from 'react';
import { Button } from '../../../components/ui/button';
import { ErrorState, Skeleton } from '../../../components/ui/states';
import { formatDateTime, formatNumber, formatRelative } from '../../../lib/format';
import { useProviderHealth } from '../api/get-provider-health';
import type { Provider, ProviderHealthDetail, ProviderLive } from '../api/types';

const SCOPE_LABEL: Record<ProviderLive['cooldowns'][number]['scope'], string> = {
  provider: 'Whole provider',
  key: "Provider's own key",
  model: 'Model',
};

/** Why a target cools down, in one line: the classification, the upstream status and kind. */
function why(c: ProviderLive['cooldowns'][number]): string {
  const parts = [c.reason ?? 'after a failure'];
  if (c.status !== null || c.kind) parts.push(`(${[c.status || null, c.kind].filter(Boolean).join(' ')})`);
  return parts.join(' ');
}

/** The live state on a provider card: cooldowns (what, until when, why), circuits, the last error and check. */
export function ProviderHealthSummary({ p }: { p: Provider }) {
  const h = p.health;
  return (
    <div className="flex flex-col gap-1.5 text-xs" data-testid="provider-health">
      {h.reason ? (
        <p className="flex items-start gap-1.5 break-words text-danger" data-testid="provider-health-reason">
          <ShieldAlert aria-hidden className="mt-0.5 h-3.5 w-3.5 shrink-0" />
          <span className="min-w-0">{h.reason}</span>
        </p>
      ) : null}
      {h.cooldowns.length ? (
        <ul className="flex flex-col gap-1" aria-label="Cooldowns" data-testid="provider-cooldowns">
          {h.cooldowns.map((c) => (
            <li key={`${c.scope}:${c.modelRegistryId ?? ''}`} className="rounded-lg bg-danger/10 px-2 py-1">
              <span className="font-medium">
                {SCOPE_LABEL[c.scope]}
                {c.modelId ? ` ${c.modelId}` : ''}
              </span>{' '}
              cooling down until{' '}
              <time dateTime={c.until} title={formatDateTime(c.until)}>
                {formatRelative(c.until)}
              </time>
              : {why(c)}
            </li>
          ))}
        </ul>
      ) : null}
      {h.circuits.length ? (
        <ul className="flex flex-col gap-1" aria-label="Circuits" data-testid="provider-circuits">
          {h.circuits.map((c) => (
            <li key={c.modelRegistryId} className="rounded-lg bg-amber-500/10 px-2 py-1">
              <span className="font-medium">{c.modelId}</span>: circuit {c.phase} after {c.failures} failure
              {c.failures === 1 ? '' : 's'}
              {c.retryAt ? `, retried ${formatRelative(c.retryAt)}` : ''}
            </li>
          ))}
        </ul>
      ) : null}
      {h.lastError ? (
        <p className="break-words text-muted" data-testid="provider-last-error">
          Last error {formatRelative(h.lastError.at)} (
          {h.lastError.source === 'probe' ? 'health check' : 'traffic'}
          {h.lastError.model ? `, ${h.lastError.model}` : ''}):{' '}
          <span className="text-fg">
            {h.lastError.status ? `${h.lastError.status} ` : ''}
            {h.lastError.kind}
          </span>{' '}
          — {h.lastError.message}
        </p>
      ) : p.lastError ? (
        <p className="break-words text-danger" data-testid="provider-last-error">
          {p.lastError}
        </p>
      ) : null}
      <p className="flex items-center gap-1 text-muted" data-testid="provider-check">
        <Activity aria-hidden className="h-3.5 w-3.5 shrink-0" />
        {h.check.enabled
          ? `Checked every ${h.check.intervalSec} s (${h.check.probe === 'chat' ? 'chat' : 'model list'})`
          : 'Background checks off'}
        {h.lastCheckAt
          ? ` · last ${formatRelative(h.lastCheckAt)}: ${h.lastCheckOk ? `ok in ${formatNumber(h.lastLatencyMs)} ms` : 'failed'}`
          : ''}
      </p>
    </div>
  );
}

/** Latency of the last checks, oldest to newest: one bar each, failures in red. */
function LatencyBars({ history }: { history: ProviderHealthDetail['history'] }) {
  const points = [...history].reverse();
  const max = Math.max(1, ...points.map((x) => x.latencyMs));
  return (
    <div
      className="flex h-10 items-end gap-px"
      role="img"
      aria-label={`Latency of the last ${points.length} check${points.length === 1 ? '' : 's'}: ${points
        .slice(-5)
        .map((x) => (x.ok ? `${x.latencyMs} ms` : 'failed'))
        .join(', ')}`}
    >
      {points.map((x) => (
        <span
          key={x.at}
          title={`${formatDateTime(x.at)}: ${x.ok ? `${x.latencyMs} ms` : (x.error ?? 'failed')}`}
          className={`w-1.5 min-w-0 flex-1 rounded-sm ${x.ok ? 'bg-ok/70' : 'bg-danger'}`}
          style={{ height: `${Math.max(8, (x.latencyMs / max) * 100)}%` }}
        />
      ))}
    </div>
  );
}

/** The health detail, loaded when opened: latency history and the rate-limit buckets' headroom. */
function HealthDetail({ id }: { id: string }) {
  const q = useProviderHealth(id);
  if (q.isPending) return <Skeleton className="h-16" />;
  if (q.isError) return <ErrorState error={q.error} onRetry={() => void q.refetch()} />;
  const d = q.data;
  return (
    <div className="flex flex-col gap-2" data-testid="provider-health-detail">
      {d.history.length ? (
        <LatencyBars history={d.history} />
      ) : (
        <p className="text-muted">No health check yet.</p>
      )}
      {d.headroom.length ? (
        <ul className="flex flex-col gap-1" aria-label="Rate-limit headroom" data-testid="provider-headroom">
          {d.headroom.map((b) => (
            <li key={b.bucket} className="flex flex-col gap-0.5">
              <span>
                <span className="font-medium">{b.bucket}</span>: {formatNumber(b.remaining)} of{' '}
                {formatNumber(b.limit)} {b.unit} left
                {b.models === 'all' ? '' : ` (${b.models.join(', ')})`}
                {/* The window slides: what it counts leaves it bit by bit, all of it by resetsAt. */}
                {b.used > 0 ? `, all back ${formatRelative(b.resetsAt)}` : ''}
              </span>
              <span className="h-1.5 overflow-hidden rounded-full bg-surface-2" aria-hidden>
                <span
                  className="block h-full bg-accent"
                  style={{ width: `${Math.min(100, (b.remaining / b.limit) * 100)}%` }}
                />
              </span>
            </li>
          ))}
        </ul>
      ) : (
        <p className="text-muted">No rate-limit buckets.</p>
      )}
    </div>
  );
}

/** History and headroom, folded; "Check now" and "Reset" for those who may change the provider. */
export function ProviderHealthActions({
  p,
  canWrite,
  onCheck,
  checking,
  onReset,
}: {
  p: Provider;
  canWrite: boolean;
  onCheck: () => void;
  checking: boolean;
  onReset: () => void;
}) {
  const [open, setOpen] = useState(false);
  const panelId = useId();
  return (
    <div className="flex flex-col gap-2 text-xs">
      <button
        type="button"
        className="flex cursor-pointer items-center gap-1 self-start text-muted hover:text-fg"
        aria-expanded={open}
        aria-controls={open ? panelId : undefined}
        onClick={() => setOpen((o) => !o)}
      >
        <ChevronRight aria-hidden className={`h-3.5 w-3.5 transition ${open ? 'rotate-90' : ''}`} />
        Health history and headroom
      </button>
      {open ? (
        <div id={panelId}>
          <HealthDetail id={p.id} />
        </div>
      ) : null}
      {canWrite ? (
        <div className="flex flex-wrap gap-1">
          <Button
            variant="ghost"
            className="px-1! py-1"
            onClick={onCheck}
            disabled={checking}
            aria-label={`Check now: ${p.name}`}
          >
            <Timer aria-hidden className="h-4 w-4" /> {checking ? 'Checking…' : 'Check now'}
          </Button>
          <Button
            variant="ghost"
            className="px-1! py-1"
            onClick={onReset}
            aria-label={`Reset cooldowns: ${p.name}`}
          >
            <RotateCcw aria-hidden className="h-4 w-4" /> Reset cooldowns
          </Button>
        </div>
      ) : null}
    </div>
  );
}
