import type { CSSProperties, ReactNode } from 'react';
import {
  Activity,
  Brain,
  DollarSign,
  Minus,
  Server,
  Sparkles,
  TrendingDown,
  TrendingUp,
  type LucideIcon,
} from 'lucide-react';
import { Link } from 'react-router';
import { ErrorState, Skeleton } from '../../../components/ui/states';
import { formatNumber, formatUsd, plural } from '../../../lib/format';
import { useLlmStats } from '../api/get-llm-stats';
import { trendLabel } from '../charts';

function Trend({
  changePct,
  lowerIsBetter = false,
  versus = 'vs previous 30 days',
}: {
  changePct: number | null;
  lowerIsBetter?: boolean;
  versus?: string;
}) {
  const t = trendLabel(changePct);
  const good =
    t.direction === 'flat' || t.direction === 'new' ? null : (t.direction === 'up') !== lowerIsBetter;
  const Icon =
    t.direction === 'up'
      ? TrendingUp
      : t.direction === 'down'
        ? TrendingDown
        : t.direction === 'new'
          ? Sparkles
          : Minus;
  const tone = good === null ? 'text-muted' : good ? 'text-ok' : 'text-danger';
  return (
    <p className={`mt-1 flex items-center gap-1 text-xs ${tone}`} data-testid="stat-trend">
      <Icon aria-hidden className="h-3.5 w-3.5" />
      <span>{t.direction === 'new' ? 'new: nothing to compare with' : `${t.text} ${versus}`}</span>
    </p>
  );
}

function StatCard({
  testId,
  icon: Icon,
  iconClass,
  label,
  value,
  children,
  index,
}: {
  testId: string;
  icon: LucideIcon;
  iconClass: string;
  label: string;
  value: string;
  children?: ReactNode;
  index: number;
}) {
  return (
    <div
      style={{ '--sy-delay': `${index * 50}ms` } as CSSProperties}
      className="sy-rise-in min-w-0 rounded-2xl border border-border bg-surface p-4 shadow-sm transition hover:border-accent/40"
      data-testid={testId}
    >
      <div className="flex items-start justify-between gap-3">
        <div className="min-w-0">
          <p className="text-sm text-muted">{label}</p>
          <p className="mt-1 truncate text-2xl font-semibold tabular-nums" data-testid="stat-value">
            {value}
          </p>
        </div>
        <div className={`grid h-10 w-10 shrink-0 place-items-center rounded-xl ${iconClass}`}>
          <Icon aria-hidden className="h-5 w-5" />
        </div>
      </div>
      {children}
    </div>
  );
}

/** Providers, active models, API calls and cost over 30 days, with the API's trends; refreshed every 30 s. */
export function StatCards() {
  const stats = useLlmStats();
  if (stats.isPending) {
    return (
      <div
        className="grid grid-cols-1 gap-3 sm:grid-cols-2 xl:grid-cols-4"
        aria-busy="true"
        aria-label="Loading statistics"
      >
        {[0, 1, 2, 3].map((i) => (
          <Skeleton key={i} className="h-28" />
        ))}
      </div>
    );
  }
  if (stats.isError) return <ErrorState error={stats.error} onRetry={() => void stats.refetch()} />;
  const s = stats.data;
  return (
    <section aria-label="Statistics" className="grid grid-cols-1 gap-3 sm:grid-cols-2 xl:grid-cols-4">
      <StatCard
        index={0}
        testId="stat-providers"
        icon={Server}
        iconClass="bg-blue-500/15 text-blue-500"
        label="Providers"
        value={formatNumber(s.totalProviders)}
      >
        <p className="mt-1 text-xs text-muted">{formatNumber(s.activeProviders)} active</p>
      </StatCard>
      <StatCard
        index={1}
        testId="stat-models"
        icon={Brain}
        iconClass="bg-purple-500/15 text-purple-500"
        label="Active models"
        value={formatNumber(s.activeModels)}
      >
        <p className="mt-1 text-xs text-muted">
          <Link to="/llm/models?status=enabled" className="underline hover:text-fg">
            enabled in the registry
          </Link>{' '}
          · {formatNumber(s.modelsUsed24h.value)} answered in the last 24 h
        </p>
        <Trend changePct={s.modelsUsed24h.changePct} versus="models used vs the 24 h before" />
      </StatCard>
      <StatCard
        index={2}
        testId="stat-calls"
        icon={Activity}
        iconClass="bg-green-500/15 text-green-500"
        label="API calls (30 days)"
        value={formatNumber(s.apiCalls30d.value)}
      >
        <Trend changePct={s.apiCalls30d.changePct} />
      </StatCard>
      <StatCard
        index={3}
        testId="stat-cost"
        icon={DollarSign}
        iconClass="bg-amber-500/15 text-amber-500"
        label="Cost (30 days)"
        value={formatUsd(s.cost30d.valueUsd)}
      >
        {s.cost30d.unpricedCalls > 0 ? (
          <p className="mt-1 text-xs text-warning" data-testid="stat-cost-unpriced">
            {plural(s.cost30d.unpricedCalls, 'call')} to{' '}
            <Link to="/llm/models" className="underline hover:text-fg">
              models with no known price
            </Link>{' '}
            counted as $0: the cost is at least this
          </p>
        ) : null}
        <Trend changePct={s.cost30d.changePct} lowerIsBetter />
      </StatCard>
    </section>
  );
}
