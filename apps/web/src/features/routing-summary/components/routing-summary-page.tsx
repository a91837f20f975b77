import { ArrowRight, Pencil } from 'lucide-react';
import type { ReactNode } from 'react';
import { Link } from 'react-router';
import { Badge } from '../../../components/ui/badge';
import { PageHeader } from '../../../components/ui/page';
import { EmptyState, ErrorState, Skeleton } from '../../../components/ui/states';
import { formatRelative, plural } from '../../../lib/format';
import { useAliases } from '../../providers/api/get-aliases';
import { useChains } from '../../providers/api/get-chains';
import { usePowerLevels } from '../../providers/api/get-power-levels';
import { useRoutingRules } from '../../providers/api/get-routing-rules';
import type { Provider } from '../../providers/api/types';
import { useLiveProviders } from '../../providers/hooks/use-live-providers';
import { humanMs } from '../../providers/routing-settings-form';
import { llmPath } from '../../llm/tabs';

const ROUTING_TAB = llmPath('routing');
const PROVIDERS_TAB = llmPath('providers');

/** A titled card with a link to where its settings are edited. */
function Panel({
  id,
  title,
  edit,
  editLabel,
  children,
}: {
  id: string;
  title: string;
  edit: string;
  editLabel: string;
  children: ReactNode;
}) {
  return (
    <section aria-labelledby={id} className="min-w-0 rounded-2xl border border-border bg-surface p-4">
      <div className="mb-3 flex flex-wrap items-baseline justify-between gap-2">
        <h3 id={id} className="font-semibold">
          {title}
        </h3>
        <Link to={edit} className="inline-flex items-center gap-1 text-sm text-accent hover:underline">
          <Pencil aria-hidden className="h-3.5 w-3.5" /> {editLabel}
        </Link>
      </div>
      {children}
    </section>
  );
}

/** One query's states: a skeleton, the error with a retry, or its content. */
function Loaded<T>({
  q,
  children,
}: {
  q: { isPending: boolean; isError: boolean; error: unknown; data: T | undefined; refetch: () => unknown };
  children: (data: T) => ReactNode;
}) {
  if (q.isPending) return <Skeleton className="h-24" />;
  if (q.isError || q.data === undefined)
    return <ErrorState error={q.error} onRetry={() => void q.refetch()} />;
  return <>{children(q.data)}</>;
}

function Facts({ rows }: { rows: [string, ReactNode][] }) {
  return (
    <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-1.5 text-sm">
      {rows.map(([k, v]) => (
        <div key={k} className="contents">
          <dt className="text-muted">{k}</dt>
          <dd className="min-w-0 break-words">{v}</dd>
        </div>
      ))}
    </dl>
  );
}

function healthTone(p: Provider): 'ok' | 'warn' | 'danger' | 'muted' {
  if (p.status === 'disabled' || p.health.status === 'disabled') return 'muted';
  if (p.status === 'error' || p.health.status === 'down') return 'danger';
  return p.health.status === 'degraded' ? 'warn' : 'ok';
}

/**
 * Routing at a glance (read-only): the strategy and rules, the default model, aliases, fallback chains, power levels
 * and each provider's live health, every part linking to where it is edited.
 */
export function RoutingSummaryPage() {
  const rules = useRoutingRules();
  const aliases = useAliases();
  const chains = useChains();
  const levels = usePowerLevels();
  const providers = useLiveProviders();
  return (
    <div className="flex min-w-0 flex-col gap-4">
      <PageHeader
        title="Routing summary"
        description="How a request is routed right now, in one read-only view. Each section links to where it is edited."
      />
      <div className="grid grid-cols-1 gap-4 xl:grid-cols-2">
        <Panel
          id="summary-strategy"
          title="Strategy and rules"
          edit={PROVIDERS_TAB}
          editLabel="Change strategy"
        >
          <Loaded q={rules}>
            {(r) => (
              <div className="flex flex-col gap-3" data-testid="summary-rules">
                <p className="text-sm">
                  <Badge>{r.strategy}</Badge> <span className="text-muted">{r.strategies[r.strategy]}</span>
                </p>
                <Facts
                  rows={[
                    [
                      'Default model',
                      r.defaultModel ? (
                        <code data-testid="summary-default-model">{r.defaultModel}</code>
                      ) : (
                        <span className="text-muted">none: a request without a model is refused</span>
                      ),
                    ],
                    ['Attempts per request', `up to ${r.maxAttempts}`],
                    [
                      'Retries',
                      <span data-testid="summary-retries">{plural(r.maxRetries, 'retry', 'retries')}</span>,
                    ],
                    [
                      'Circuit breaker',
                      `opens after ${plural(r.circuitFailureThreshold, 'failure')}, for ${humanMs(r.circuitOpenMs)}`,
                    ],
                    [
                      'Cooldowns',
                      `429 ${humanMs(r.rateLimitCooldownMs)} · billing ${humanMs(r.billingCooldownMs)} · auth ${humanMs(r.authCooldownMs)} · unknown model ${humanMs(r.modelNotFoundCooldownMs)}`,
                    ],
                    ['After a policy block', r.policyFallback ? 'falls back' : 'stops'],
                    ['Changed', r.updatedAt ? formatRelative(r.updatedAt) : 'never (defaults)'],
                  ]}
                />
                <Link
                  to={`${ROUTING_TAB}#routing-settings`}
                  className="inline-flex items-center gap-1 text-sm text-accent hover:underline"
                >
                  <Pencil aria-hidden className="h-3.5 w-3.5" /> Edit retries, cooldowns and default model
                </Link>
              </div>
            )}
          </Loaded>
        </Panel>
        <Panel
          id="summary-providers"
          title="Provider health (live)"
          edit={PROVIDERS_TAB}
          editLabel="Manage providers"
        >
          <Loaded q={providers}>
            {(list) =>
              list.length === 0 ? (
                <EmptyState title="No providers yet" />
              ) : (
                <ul className="flex flex-col gap-2" aria-label="Provider health">
                  {list.map((p) => (
                    <li key={p.id} className="flex flex-wrap items-center gap-2 text-sm">
                      <span className="font-medium">{p.name}</span>
                      <Badge tone={healthTone(p)}>{p.status === 'active' ? p.health.status : p.status}</Badge>
                      {p.endpoints.length > 0 ? (
                        <span className="text-xs text-muted">
                          {plural(p.endpoints.filter((e) => e.enabled).length + 1, 'endpoint')}
                        </span>
                      ) : null}
                      {p.health.reason ? <span className="text-xs text-muted">{p.health.reason}</span> : null}
                    </li>
                  ))}
                </ul>
              )
            }
          </Loaded>
        </Panel>
        <Panel id="summary-aliases" title="Aliases" edit={ROUTING_TAB} editLabel="Edit aliases">
          <Loaded q={aliases}>
            {(list) =>
              list.length === 0 ? (
                <EmptyState title="No aliases" />
              ) : (
                <ul className="flex flex-col gap-2" aria-label="Aliases">
                  {list.map((a) => (
                    <li key={a.id} className="text-sm" data-testid="summary-alias">
                      <div className="flex flex-wrap items-center gap-2">
                        <code className="font-medium">{a.name}</code>
                        <Badge>{a.orgName ?? 'global'}</Badge>
                        <Badge>{a.strategy}</Badge>
                        {!a.enabled ? <Badge tone="warn">disabled</Badge> : null}
                      </div>
                      <p className="mt-0.5 break-words text-xs text-muted">
                        {a.targets.map((t) => `${t.ref}${t.weight !== 1 ? ` ×${t.weight}` : ''}`).join(', ')}
                        {a.fallbacks.length ? ` · then ${a.fallbacks.join(' → ')}` : ''}
                      </p>
                    </li>
                  ))}
                </ul>
              )
            }
          </Loaded>
        </Panel>
        <Panel id="summary-chains" title="Fallback chains" edit={ROUTING_TAB} editLabel="Edit chains">
          <Loaded q={chains}>
            {(list) =>
              list.length === 0 ? (
                <EmptyState title="No fallback chains" />
              ) : (
                <ul className="flex flex-col gap-2" aria-label="Fallback chains">
                  {list.map((c) => (
                    <li key={c.id} className="flex flex-wrap items-center gap-1 text-sm">
                      <code>{c.modelRef}</code>
                      {c.targets.map((t) => (
                        <span key={t} className="inline-flex items-center gap-1">
                          <ArrowRight aria-hidden className="h-3 w-3 text-muted" />
                          <code className="text-muted">{t}</code>
                        </span>
                      ))}
                      {!c.enabled ? <Badge tone="warn">disabled</Badge> : null}
                    </li>
                  ))}
                </ul>
              )
            }
          </Loaded>
        </Panel>
        <Panel id="summary-levels" title="Power levels" edit={PROVIDERS_TAB} editLabel="Edit power levels">
          <Loaded q={levels}>
            {(list) => (
              <ul className="flex flex-col gap-2" aria-label="Power levels">
                {list.map((l) => (
                  <li key={l.id} className="text-sm">
                    <div className="flex flex-wrap items-center gap-2">
                      <span className="font-medium">{l.name}</span>
                      <code className="text-xs">{l.slug}</code>
                      <Badge>tier {l.tier}</Badge>
                      {!l.enabled ? <Badge tone="warn">disabled</Badge> : null}
                    </div>
                    <p className="mt-0.5 break-words text-xs text-muted">
                      {l.models.length
                        ? `${plural(l.models.length, 'model')} now: ${l.models
                            .slice(0, 4)
                            .map((m) => m.ref)
                            .join(', ')}${l.models.length > 4 ? ', …' : ''}`
                        : 'no model routes here now'}
                    </p>
                  </li>
                ))}
              </ul>
            )}
          </Loaded>
        </Panel>
      </div>
    </div>
  );
}
