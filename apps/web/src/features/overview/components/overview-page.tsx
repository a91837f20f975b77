import { Activity, Coins, Database, Network, Trophy } from 'lucide-react';
import { useQueryClient } from '@tanstack/react-query';
import { useMemo, type ReactNode } from 'react';
import { Link, useOutletContext } from 'react-router';
import { BarChart, DoughnutChart, LineChart, SERIES_COLORS, themeColor } from '../../../components/charts';
import { Card } from '../../../components/ui/card';
import { Stat } from '../../../components/ui/stat';
import { EmptyState, ErrorState, Skeleton } from '../../../components/ui/states';
import { formatNumber, formatUsd } from '../../../lib/format';
import type { MeResponse } from '../../auth/api/me';
import { throttle, useLiveEvents } from '../../live/use-live-events';
import { useLive } from '../../usage/api/get-live';
import { usageKeys } from '../../usage/api/types';
import { useUsage } from '../../usage/api/get-usage';
import { useForecast } from '../../usage/api/get-forecast';
import { forecastBasis } from '../../usage/forecast';
import { bucketLabel, routingShares, weightedMean } from '../../usage/chart-data';
import { DeadLetterNotice } from '../../usage/components/dead-letter-notice';
import { ReplayDeadLettersButton } from '../../usage/components/replay-dead-letters-button';
import { useCan } from '../../auth/use-can';
import { ratingsLabel } from '../../usage/ratings';
import { useReadiness } from '../api/get-readiness';

const ROLE_LABEL: Record<string, string> = {
  super_admin: 'Super admin',
  admin: 'Admin',
  user: 'User',
  viewer: 'Viewer',
};

function Panel({
  title,
  icon,
  action,
  children,
  className = '',
}: {
  title: string;
  icon: ReactNode;
  action?: ReactNode;
  children: ReactNode;
  className?: string;
}) {
  return (
    <Card className={`min-w-0 hover:border-border ${className}`}>
      <div className="mb-3 flex flex-wrap items-center gap-2">
        {icon}
        <h3 className="font-medium">{title}</h3>
        {action ? <div className="ml-auto text-sm">{action}</div> : null}
      </div>
      {children}
    </Card>
  );
}

function Live({ streaming }: { streaming: boolean }) {
  const live = useLive({ polling: !streaming });
  if (live.isPending) return <Skeleton className="h-56 w-full" />;
  if (live.isError) return <ErrorState error={live.error} onRetry={() => void live.refetch()} />;
  const m = live.data.minutes;
  const avg = weightedMean(m.map((p) => ({ value: p.avgLatencyMs, weight: p.requests })));
  const p95 = m.reduce<number | null>(
    (mx, p) => (p.p95LatencyMs === null ? mx : Math.max(mx ?? 0, p.p95LatencyMs)),
    null,
  );
  const { totals } = live.data;
  return (
    <>
      <div className="mb-3 grid grid-cols-2 gap-3 sm:grid-cols-4">
        <Stat
          label="Requests / min"
          value={formatNumber(totals.requestsPerMinute)}
          hint={`${formatNumber(totals.requests)} in the hour`}
          to="/logs"
          testId="live-rpm"
        />
        <Stat
          label="Errors"
          value={formatNumber(totals.errors)}
          hint={
            totals.requests ? `${((totals.errors / totals.requests) * 100).toFixed(1)}% of requests` : 'none'
          }
          to="/logs?status=error"
        />
        <Stat
          label="Avg latency"
          value={avg === null ? '—' : `${formatNumber(avg)} ms`}
          hint="weighted by requests"
        />
        <Stat
          label="Worst p95"
          value={p95 === null ? '—' : `${formatNumber(p95)} ms`}
          hint="highest minute"
        />
      </div>
      {totals.requests === 0 ? (
        <p className="text-sm text-muted">No requests in the last hour.</p>
      ) : (
        <div className="grid grid-cols-1 gap-4 lg:grid-cols-2">
          <BarChart
            label="Requests and errors per minute over the last 60 minutes"
            height={180}
            data={{
              labels: m.map((p) => bucketLabel(p.t, 'minute')),
              // Bars: each minute is a count of its own, not a point on a curve.
              datasets: [
                { label: 'Requests', data: m.map((p) => p.requests), backgroundColor: SERIES_COLORS[0] },
                { label: 'Errors', data: m.map((p) => p.errors), backgroundColor: SERIES_COLORS[4] },
              ],
            }}
            options={{
              scales: {
                x: {
                  stacked: false,
                  grid: { display: false },
                  ticks: { maxRotation: 0, autoSkip: true, maxTicksLimit: 8 },
                },
                y: {
                  beginAtZero: true,
                  ticks: { precision: 0, maxTicksLimit: 6 },
                  grid: { color: themeColor('border') },
                },
              },
            }}
          />
          <BarChart
            label="Average and p95 latency per minute over the last 60 minutes, in milliseconds"
            height={180}
            data={{
              labels: m.map((p) => bucketLabel(p.t, 'minute')),
              datasets: [
                { label: 'Avg ms', data: m.map((p) => p.avgLatencyMs), backgroundColor: SERIES_COLORS[2] },
                { label: 'p95 ms', data: m.map((p) => p.p95LatencyMs), backgroundColor: SERIES_COLORS[3] },
              ],
            }}
          />
        </div>
      )}
    </>
  );
}

function Week() {
  const usage = useUsage('7d');
  const forecast = useForecast();
  const can = useCan();
  if (usage.isPending) {
    return (
      <div className="grid grid-cols-1 gap-4 lg:grid-cols-2">
        <Skeleton className="h-64" />
        <Skeleton className="h-64" />
      </div>
    );
  }
  if (usage.isError) return <ErrorState error={usage.error} onRetry={() => void usage.refetch()} />;
  const u = usage.data;
  const shares = routingShares(u.byProvider);
  return (
    <div className="grid grid-cols-1 gap-4 lg:grid-cols-2">
      <Panel
        title="Cost trends · last 7 days"
        icon={<Coins aria-hidden className="h-5 w-5 text-accent" />}
        action={
          <Link className="text-accent hover:underline" to="/llm/spend?period=7d">
            Usage by user
          </Link>
        }
        className="lg:col-span-2"
      >
        <div className="mb-3 grid grid-cols-2 gap-3 sm:grid-cols-3 xl:grid-cols-6">
          <Stat label="Cost" value={formatUsd(u.totals.costUsd)} testId="week-cost" />
          <Stat label="Requests" value={formatNumber(u.totals.requests)} to="/logs" />
          <Stat label="Tokens" value={formatNumber(u.totals.tokens)} />
          <Stat
            label="Saved by BYOK"
            value={formatUsd(u.totals.savedUsd)}
            hint={`${formatNumber(u.totals.byokRequests)} BYOK calls`}
            to="/logs?byok=true"
          />
          <Stat
            label="Saved by cache"
            value={formatUsd(u.totals.cacheSavedUsd)}
            hint={`${formatNumber(u.totals.cacheHits)} cache hits`}
            to="/logs?cache=hit"
            testId="week-cache-saved"
          />
          <Stat
            label="Month-end forecast"
            value={forecast.data ? formatUsd(forecast.data.total.projectedUsd) : '—'}
            hint={forecast.data ? forecastBasis(forecast.data.total) : undefined}
            to="/llm/spend"
            testId="month-forecast"
          />
        </div>
        <DeadLetterNotice
          deadLetters={u.deadLetters}
          action={can('settings:write') ? <ReplayDeadLettersButton /> : undefined}
        />
        {u.totals.requests === 0 ? (
          <p className="text-sm text-muted">No traffic in the last 7 days.</p>
        ) : (
          <LineChart
            label="Cost per hour over the last 7 days, in US dollars"
            data={{
              labels: u.series.map((p) => bucketLabel(p.t, u.bucket)),
              datasets: [
                {
                  label: 'Cost (USD)',
                  data: u.series.map((p) => p.costUsd),
                  borderColor: SERIES_COLORS[1],
                  backgroundColor: 'rgba(139,92,246,0.15)',
                  fill: true,
                  pointRadius: 0,
                  tension: 0.3,
                  yAxisID: 'y',
                },
                {
                  label: 'Requests',
                  data: u.series.map((p) => p.requests),
                  borderColor: SERIES_COLORS[0],
                  pointRadius: 0,
                  tension: 0.3,
                  yAxisID: 'y1',
                },
              ],
            }}
            options={{
              scales: {
                y: {
                  position: 'left',
                  beginAtZero: true,
                  ticks: { maxTicksLimit: 6, callback: (v) => formatUsd(Number(v)) },
                  grid: { color: themeColor('border') },
                },
                y1: {
                  position: 'right',
                  beginAtZero: true,
                  grid: { drawOnChartArea: false },
                  ticks: { precision: 0, maxTicksLimit: 6 },
                },
              },
            }}
          />
        )}
      </Panel>
      <Panel
        title="Provider load & routing"
        icon={<Network aria-hidden className="h-5 w-5 text-accent-2" />}
        action={<span className="text-muted">last 7 days</span>}
      >
        {shares.length === 0 ? (
          <EmptyState title="No provider has served a request yet." />
        ) : (
          <>
            <DoughnutChart
              label="Share of requests by provider over the last 7 days"
              height={180}
              data={{
                labels: shares.map((s) => s.provider),
                datasets: [
                  {
                    data: shares.map((s) => s.requests),
                    backgroundColor: shares.map((_, i) => SERIES_COLORS[i % SERIES_COLORS.length]!),
                  },
                ],
              }}
              // The list below is the legend (colour, name, share), and it wraps on phones.
              options={{ plugins: { legend: { display: false } } }}
            />
            <ul aria-label="Providers" className="mt-3 divide-y divide-border text-sm">
              {shares.map((s, i) => (
                <li key={s.providerId ?? s.provider}>
                  <Link
                    to={s.slug ? `/logs?provider=${encodeURIComponent(s.slug)}` : '/logs?status=error'}
                    className="grid grid-cols-[auto_1fr_auto] items-center gap-x-3 gap-y-0.5 py-2 hover:bg-surface-2/40"
                    data-testid="provider-load"
                  >
                    <span
                      aria-hidden
                      className="h-2.5 w-2.5 rounded-full"
                      style={{ background: SERIES_COLORS[i % SERIES_COLORS.length] }}
                    />
                    <span className="min-w-0 font-medium">{s.provider}</span>
                    <span className="font-medium tabular-nums">{s.share}%</span>
                    <span className="col-start-2 col-end-4 text-xs text-muted tabular-nums">
                      {formatNumber(s.requests)} req ·{' '}
                      {s.successRate === null ? '—' : `${Math.round(s.successRate * 1000) / 10}% ok`} ·{' '}
                      {s.avgLatencyMs === null ? '—' : `${formatNumber(s.avgLatencyMs)} ms`} ·{' '}
                      {formatUsd(s.costUsd)}
                    </span>
                  </Link>
                </li>
              ))}
            </ul>
          </>
        )}
      </Panel>
      <Panel
        title="Top spending users"
        icon={<Trophy aria-hidden className="h-5 w-5 text-amber-500" />}
        action={
          <Link className="text-accent hover:underline" to="/llm/spend?period=7d">
            All users
          </Link>
        }
      >
        {u.topUsers.length === 0 ? (
          <EmptyState title="No user traffic in the last 7 days." />
        ) : (
          <ol aria-label="Top spending users" className="divide-y divide-border text-sm">
            {u.topUsers.map((t, i) => (
              <li key={t.userId}>
                <Link
                  to={`/logs?user=${encodeURIComponent(t.userId)}`}
                  className="flex items-center gap-3 py-2 hover:bg-surface-2/40"
                  data-testid="top-user"
                >
                  <span className="w-5 text-right text-muted tabular-nums">{i + 1}</span>
                  <span className="min-w-0 flex-1 truncate">{t.email ?? t.userId}</span>
                  <span className="text-xs text-muted tabular-nums">{formatNumber(t.requests)} req</span>
                  <span className="font-medium tabular-nums">{formatUsd(t.costUsd)}</span>
                </Link>
              </li>
            ))}
          </ol>
        )}
        {u.byModel.length ? (
          <>
            <h4 className="mb-1 mt-4 text-xs font-medium uppercase tracking-wide text-muted">
              Busiest models
            </h4>
            <ul className="flex flex-wrap gap-2 text-xs">
              {u.byModel.slice(0, 6).map((m) => (
                <li key={m.ref}>
                  <Link
                    className="inline-block rounded-lg bg-surface-2 px-2 py-1 hover:text-accent"
                    to={`/logs?model=${encodeURIComponent(m.modelId)}`}
                  >
                    <code>{m.ref}</code> · {formatNumber(m.requests)}
                    {ratingsLabel(m.feedback) ? ` · ${ratingsLabel(m.feedback)}` : ''}
                  </Link>
                </li>
              ))}
            </ul>
          </>
        ) : null}
      </Panel>
    </div>
  );
}

/** Operators' home: the last hour live, the week's cost, provider load and top spenders. Users land on their own usage (app/router.tsx). */
export function OverviewPage() {
  const me = useOutletContext<MeResponse>();
  const ready = useReadiness();
  const qc = useQueryClient();
  // A finished call refetches the live tiles (at most once a second); while the stream is down they poll instead.
  const refreshLive = useMemo(
    () => throttle(() => void qc.invalidateQueries({ queryKey: usageKeys.live }), 1000),
    [qc],
  );
  const stream = useLiveEvents({ call: refreshLive });
  return (
    <div className="flex flex-col gap-4">
      <section className="hero-gradient flex flex-wrap items-center gap-x-6 gap-y-2 rounded-2xl p-5 text-white shadow-lg">
        <div className="min-w-0 flex-1">
          <p className="text-sm opacity-80">Signed in as {ROLE_LABEL[me.user.role] ?? me.user.role}</p>
          <h2 className="text-xl font-semibold">Welcome, {me.user.name}</h2>
        </div>
        <p className="flex items-center gap-2 text-sm">
          <Database aria-hidden className="h-4 w-4" /> Database:{' '}
          <span data-testid="db-status" className="font-medium">
            {ready.isPending
              ? '…'
              : ready.isError
                ? 'Unknown'
                : ready.data.database === 'ok'
                  ? 'Reachable'
                  : 'Unreachable'}
          </span>
        </p>
      </section>
      <Panel
        title="Live · last 60 minutes"
        icon={<Activity aria-hidden className="h-5 w-5 text-ok" />}
        action={
          <span className="text-muted" data-testid="live-status">
            {stream === 'open' ? 'live' : 'refreshes every 15 s'}
          </span>
        }
      >
        <Live streaming={stream === 'open'} />
      </Panel>
      <Week />
    </div>
  );
}
