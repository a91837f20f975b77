import { useEffect, useState, type ReactNode } from 'react';
import { BarChart, DoughnutChart, LineChart, themeColor } from '../../../components/charts';
import { SegmentedTabs } from '../../../components/ui/page';
import { ErrorState, Skeleton } from '../../../components/ui/states';
import { formatNumber, formatUsd, plural } from '../../../lib/format';
import { oneOf, useQueryState } from '../../../lib/search-params';
import { CostReportButton } from '../../usage/components/cost-report-button';
import { useCan } from '../../auth/use-can';
import { DeadLetterNotice } from '../../usage/components/dead-letter-notice';
import { ReplayDeadLettersButton } from '../../usage/components/replay-dead-letters-button';
import { useLlmUsage } from '../api/get-llm-usage';
import { useProviders } from '../api/get-providers';
import { USAGE_PERIODS, type UsagePeriod } from '../api/types';
import {
  callsOverTime,
  costByProvider,
  isEmptyChart,
  latencyByProvider,
  popularModels,
  successRateByProvider,
} from '../charts';

const PERIOD_OPTIONS: { value: UsagePeriod; label: string }[] = [
  { value: '7d', label: 'Last 7d' },
  { value: '30d', label: 'Last 30d' },
  { value: '90d', label: 'Last 90d' },
  { value: 'all', label: 'All time' },
];

function ChartCard({
  title,
  empty,
  className = '',
  children,
}: {
  title: string;
  empty: boolean;
  className?: string;
  children: ReactNode;
}) {
  return (
    <figure className={`flex min-w-0 flex-col rounded-2xl border border-border bg-surface p-4 ${className}`}>
      <figcaption className="mb-2 text-sm font-medium">{title}</figcaption>
      <div className="relative min-w-0">
        {empty ? (
          <p className="grid h-64 place-items-center text-sm text-muted">No traffic in this period.</p>
        ) : (
          children
        )}
      </div>
    </figure>
  );
}

/** The <html data-theme> value, followed: charts read theme colours when they draw, so they redraw on a switch. */
function useDocumentTheme(): string {
  const [theme, setTheme] = useState(() => document.documentElement.dataset.theme ?? '');
  useEffect(() => {
    const obs = new MutationObserver(() => setTheme(document.documentElement.dataset.theme ?? ''));
    obs.observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme'] });
    return () => obs.disconnect();
  }, []);
  return theme;
}

/** Usage analytics for 7 / 30 / 90 days or all time (period in the query string). */
export function UsageAnalytics() {
  const qs = useQueryState();
  const period = oneOf(qs.get('period'), USAGE_PERIODS, '30d');
  const usage = useLlmUsage(period);
  const theme = useDocumentTheme();
  const providers = useProviders();
  const can = useCan();
  const colors = new Map((providers.data ?? []).map((p) => [p.id, p.color]));
  return (
    <section aria-labelledby="usage-heading" className="min-w-0">
      <div className="mb-3 flex flex-wrap items-end justify-between gap-3">
        <div className="min-w-0">
          <h3 id="usage-heading" className="font-semibold">
            Usage analytics
          </h3>
          {usage.data ? (
            <p className="text-sm text-muted" data-testid="usage-totals">
              {plural(usage.data.totals.requests, 'call')} · {plural(usage.data.totals.errors, 'error')} ·{' '}
              {formatUsd(usage.data.totals.costUsd)} · {plural(usage.data.totals.tokens, 'token')}
            </p>
          ) : null}
        </div>
        <div className="flex flex-wrap items-center gap-2">
          <CostReportButton scope="any" period={period} />
          <SegmentedTabs
            label="Time range"
            value={period}
            options={PERIOD_OPTIONS}
            onChange={(v) => qs.set({ period: v === '30d' ? null : v })}
          />
        </div>
      </div>
      {usage.data ? (
        <DeadLetterNotice
          deadLetters={usage.data.deadLetters}
          action={can('settings:write') ? <ReplayDeadLettersButton /> : undefined}
        />
      ) : null}
      {usage.isPending ? (
        <div className="grid grid-cols-1 gap-3 lg:grid-cols-2" aria-busy="true" aria-label="Loading usage">
          {[0, 1, 2, 3].map((i) => (
            <Skeleton key={i} className="h-72" />
          ))}
        </div>
      ) : usage.isError ? (
        <ErrorState error={usage.error} onRetry={() => void usage.refetch()} />
      ) : (
        (() => {
          const calls = callsOverTime(usage.data);
          const cost = costByProvider(usage.data, colors);
          const latency = latencyByProvider(usage.data, colors);
          const success = successRateByProvider(usage.data, colors);
          const models = popularModels(usage.data);
          return (
            <div
              key={theme}
              className={`grid grid-cols-1 gap-3 lg:grid-cols-2 ${usage.isFetching ? 'opacity-70' : ''}`}
            >
              <ChartCard title="API calls over time" empty={isEmptyChart(calls)}>
                <LineChart
                  height={256}
                  data={calls}
                  options={{
                    scales: {
                      x: {
                        ticks: {
                          color: themeColor('muted'),
                          maxRotation: 0,
                          autoSkip: true,
                          autoSkipPadding: 16,
                          maxTicksLimit: 6,
                        },
                        grid: { display: false },
                      },
                      y: {
                        beginAtZero: true,
                        ticks: { color: themeColor('muted'), maxTicksLimit: 6, precision: 0 },
                        grid: { color: themeColor('border') },
                      },
                    },
                  }}
                  label={`API calls per ${usage.data.bucket}, ${formatNumber(usage.data.totals.requests)} in total`}
                />
              </ChartCard>
              <ChartCard title="Cost by provider" empty={isEmptyChart(cost)}>
                <DoughnutChart
                  height={256}
                  data={cost}
                  options={{
                    plugins: {
                      legend: { position: 'bottom', labels: { color: themeColor('muted'), boxWidth: 12 } },
                    },
                  }}
                  label={`Cost by provider: ${(cost.labels ?? []).map((l, i) => `${l} ${formatUsd(cost.datasets[0]?.data[i])}`).join(', ')}`}
                />
              </ChartCard>
              <ChartCard title="Latency by provider" empty={isEmptyChart(latency)}>
                <BarChart
                  height={256}
                  data={latency}
                  label="Average latency and time to first token by provider, in milliseconds"
                />
              </ChartCard>
              <ChartCard
                title="Success rate by provider"
                empty={isEmptyChart(success) && !(success.labels ?? []).length}
              >
                <BarChart
                  height={256}
                  data={success}
                  options={{
                    plugins: { legend: { display: false } },
                    scales: {
                      x: { ticks: { color: themeColor('muted') }, grid: { display: false } },
                      y: {
                        beginAtZero: true,
                        max: 100,
                        ticks: { color: themeColor('muted') },
                        grid: { color: themeColor('border') },
                      },
                    },
                  }}
                  label={`Success rate by provider: ${(success.labels ?? []).map((l, i) => `${l} ${success.datasets[0]?.data[i]}%`).join(', ')}`}
                />
              </ChartCard>
              <ChartCard title="Popular models" empty={isEmptyChart(models)} className="lg:col-span-2">
                <BarChart
                  height={Math.max(160, 28 * (models.labels?.length ?? 0) + 40)}
                  data={models}
                  options={{
                    indexAxis: 'y',
                    plugins: { legend: { display: false } },
                    scales: {
                      x: {
                        beginAtZero: true,
                        ticks: { color: themeColor('muted') },
                        grid: { color: themeColor('border') },
                      },
                      y: { ticks: { color: themeColor('muted'), autoSkip: false }, grid: { display: false } },
                    },
                  }}
                  label={`Most requested models: ${(models.labels ?? []).join(', ')}`}
                />
              </ChartCard>
            </div>
          );
        })()
      )}
    </section>
  );
}
