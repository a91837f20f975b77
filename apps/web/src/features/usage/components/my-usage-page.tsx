import { Download } from 'lucide-react';
import { useOutletContext } from 'react-router';
import { Button } from '../../../components/ui/button';
import { LoadMore } from '../../../components/ui/load-more';
import { FilterBar, PageHeader } from '../../../components/ui/page';
import { Stat } from '../../../components/ui/stat';
import { ErrorState, Skeleton } from '../../../components/ui/states';
import { formatNumber, formatUsd, plural } from '../../../lib/format';
import { useQueryState } from '../../../lib/search-params';
import type { MeResponse } from '../../auth/api/me';
import { useMyLogs } from '../../logs/api/get-my-logs';
import { LogDrawer } from '../../logs/components/log-drawer';
import { LogsTable } from '../../logs/components/logs-table';
import { useMyUsage } from '../api/get-my-usage';
import { ExportDialog } from './export-dialog';
import { CostReportButton } from './cost-report-button';
import { PeriodTabs, periodHint, periodSpan, usePeriod } from './period-tabs';
import { CallsCard } from './calls-card';
import { DeadLetterNotice } from './dead-letter-notice';

/** Everyone's own traffic: totals (with what BYOK saved), calls over time, recent requests with their trace, CSV export. */
export function MyUsagePage({ home = false }: { home?: boolean }) {
  const me = useOutletContext<MeResponse>();
  const qs = useQueryState();
  const [period, setPeriod] = usePeriod();
  const usage = useMyUsage(period);
  const logs = useMyLogs({});
  const rows = logs.data?.pages.flatMap((p) => p.data) ?? [];
  const t = usage.data?.totals;
  const span = periodSpan(period);

  return (
    <div className="flex flex-col gap-4">
      {home ? (
        <section className="hero-gradient rounded-2xl p-5 text-white shadow-lg">
          <h2 className="text-xl font-semibold">Welcome, {me.user.name}</h2>
          <p className="mt-1 max-w-2xl break-words text-sm opacity-90">
            Your usage of the gateway. Send OpenAI- or Anthropic-format requests to{' '}
            <code className="rounded bg-white/20 px-1">{window.location.origin}/v1</code> with one of your
            keys.
          </p>
        </section>
      ) : null}
      <PageHeader
        title="My usage"
        description="Your own requests through the gateway: what they cost, what your provider keys saved, and each request's route."
        actions={
          <Button variant="subtle" onClick={() => qs.set({ export: '1' }, { push: true })}>
            <Download aria-hidden className="h-4 w-4" /> Export my usage
          </Button>
        }
      />
      <FilterBar label="Usage period">
        <PeriodTabs value={period} onChange={setPeriod} />
        <CostReportButton scope="self" period={period} />
      </FilterBar>
      {usage.isPending ? (
        <div className="grid grid-cols-2 gap-3 lg:grid-cols-5">
          {Array.from({ length: 5 }, (_, i) => (
            <Skeleton key={i} className="h-20" />
          ))}
        </div>
      ) : usage.isError ? (
        <ErrorState error={usage.error} onRetry={() => void usage.refetch()} />
      ) : (
        <>
          <div className="grid grid-cols-2 gap-3 lg:grid-cols-5">
            <Stat
              label="Requests"
              value={formatNumber(t!.requests)}
              hint={periodHint(period)}
              testId="my-requests"
            />
            <Stat
              label="Errors"
              value={formatNumber(t!.errors)}
              hint={t!.requests ? `${((t!.errors / t!.requests) * 100).toFixed(1)}% of requests` : undefined}
            />
            <Stat label="Tokens" value={formatNumber(t!.tokens)} />
            <Stat label="Cost" value={formatUsd(t!.costUsd)} hint="billed to the gateway" />
            <Stat
              label="Saved by BYOK"
              value={formatUsd(t!.savedUsd)}
              hint={`${plural(t!.byokRequests, 'call')} on your own keys`}
              testId="my-byok-calls"
            />
            <Stat
              label="Saved by cache"
              value={formatUsd(t!.cacheSavedUsd)}
              hint={`${plural(t!.cacheHits, 'call')} answered from the cache`}
            />
          </div>
          <DeadLetterNotice deadLetters={usage.data.deadLetters} />
          <CallsCard usage={usage.data} periodSpan={span} whose="Your" />
        </>
      )}
      <section aria-label="My recent requests">
        <h3 className="mb-2 font-medium">My recent requests</h3>
        <LogsTable
          rows={rows}
          showUser={false}
          label="My recent requests"
          onOpen={(id) => qs.set({ log: id }, { push: true })}
          loading={logs.isPending}
          error={!logs.data ? logs.error : null}
          onRetry={() => void logs.refetch()}
          empty={{
            title: 'No requests yet.',
            hint: 'Create a key under My keys and call /v1/chat/completions with it.',
          }}
          footer={
            <LoadMore
              shown={rows.length}
              noun={['request', 'requests']}
              hasMore={!!logs.hasNextPage}
              loading={logs.isFetchingNextPage}
              onMore={() => void logs.fetchNextPage()}
            />
          }
        />
      </section>
      <LogDrawer id={qs.get('log') || null} scope="self" onClose={() => qs.set({ log: null })} />
      <ExportDialog open={qs.get('export') === '1'} onClose={() => qs.set({ export: null })} scope="self" />
    </div>
  );
}
