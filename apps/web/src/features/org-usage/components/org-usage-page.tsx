import { SelectField } from '../../../components/ui/field';
import { PageHeader } from '../../../components/ui/page';
import { Stat } from '../../../components/ui/stat';
import { ErrorState, Skeleton } from '../../../components/ui/states';
import { formatNumber, formatUsd, plural } from '../../../lib/format';
import { useQueryState } from '../../../lib/search-params';
import { useFeedback } from '../../feedback/api/get-feedback';
import { FeedbackTable } from '../../feedback/components/feedback-table';
import { RatingOptions } from '../../feedback/components/rating-options';
import { CallsCard } from '../../usage/components/calls-card';
import { DeadLetterNotice } from '../../usage/components/dead-letter-notice';
import { CostReportButton } from '../../usage/components/cost-report-button';
import { PeriodTabs, periodHint, periodSpan, usePeriod } from '../../usage/components/period-tabs';
import { useOrgUsage } from '../api/get-org-usage';
import { AdministeredOrgPage, useAdministeredOrg } from './administered-org';

/**
 * An organization's usage for its owners and admins: its requests, cost and errors over a period, calls over time,
 * its models (with their feedback), its members by spend, and the scores given to its requests with their comments. The organization is the `org` query parameter (the
 * first one administered when absent).
 */
export function OrgUsagePage() {
  const state = useAdministeredOrg();
  const [period, setPeriod] = usePeriod();
  const usage = useOrgUsage(state.org?.id ?? null, period);
  const span = periodSpan(period);

  return (
    <div className="flex flex-col gap-4">
      <PageHeader
        title="Organization usage"
        description="The requests of an organization you own or administer: what they cost, which models answered them (with the feedback they got) and who sent them."
      />
      <AdministeredOrgPage
        state={state}
        label="Organization and period"
        filters={(org) => (
          <>
            <PeriodTabs value={period} onChange={setPeriod} />
            <CostReportButton scope={{ orgId: org.id }} period={period} />
          </>
        )}
      >
        {(org) => (
          <>
            {usage.isPending ? (
              <div className="grid grid-cols-2 gap-3 lg:grid-cols-4">
                {Array.from({ length: 4 }, (_, i) => (
                  <Skeleton key={i} className="h-20" />
                ))}
              </div>
            ) : usage.isError ? (
              <ErrorState error={usage.error} onRetry={() => void usage.refetch()} />
            ) : (
              <>
                <div className="grid grid-cols-2 gap-3 lg:grid-cols-4">
                  <Stat
                    label="Requests"
                    value={formatNumber(usage.data.totals.requests)}
                    hint={periodHint(period)}
                    testId="org-requests"
                  />
                  <Stat
                    label="Errors"
                    value={formatNumber(usage.data.totals.errors)}
                    hint={
                      usage.data.totals.requests
                        ? `${((usage.data.totals.errors / usage.data.totals.requests) * 100).toFixed(1)}% of requests`
                        : undefined
                    }
                  />
                  <Stat label="Cost" value={formatUsd(usage.data.totals.costUsd)} testId="org-cost" />
                  <Stat
                    label="Saved by BYOK"
                    value={formatUsd(usage.data.totals.savedUsd)}
                    hint={`${plural(usage.data.totals.byokRequests, 'call')} on members' own keys`}
                  />
                </div>
                <DeadLetterNotice deadLetters={usage.data.deadLetters} />
                <CallsCard usage={usage.data} periodSpan={span} whose="Its" />
                <section aria-label="Members by spend" className="rounded-2xl border border-border p-4">
                  <h3 className="mb-2 font-medium">Members by spend</h3>
                  {usage.data.topUsers.length === 0 ? (
                    <p className="text-sm text-muted">No member sent a request in this period.</p>
                  ) : (
                    <ol className="divide-y divide-border text-sm">
                      {usage.data.topUsers.map((u, i) => (
                        <li key={u.userId} className="flex items-center gap-3 py-2" data-testid="org-member">
                          <span className="w-5 text-right text-muted tabular-nums">{i + 1}</span>
                          <span className="min-w-0 flex-1 truncate">{u.name || u.email || u.userId}</span>
                          <span className="text-xs text-muted tabular-nums">
                            {plural(u.requests, 'call')}
                          </span>
                          <span className="font-medium tabular-nums">{formatUsd(u.costUsd)}</span>
                        </li>
                      ))}
                    </ol>
                  )}
                </section>
              </>
            )}
            <OrgFeedback orgId={org.id} />
          </>
        )}
      </AdministeredOrgPage>
    </div>
  );
}

/** The scores given to the organization's requests, newest first, with their comments; bad or good ones only. */
function OrgFeedback({ orgId }: { orgId: string }) {
  const qs = useQueryState();
  const raw = qs.get('rating');
  const rating = raw === 'bad' || raw === 'good' ? raw : undefined;
  const feedback = useFeedback({ orgId }, rating ? { rating } : {});
  return (
    <section aria-label="Feedback" className="rounded-2xl border border-border p-4">
      <div className="mb-2 flex flex-wrap items-end justify-between gap-3">
        <h3 className="font-medium">Feedback</h3>
        <SelectField
          label="Rating"
          value={rating ?? ''}
          onChange={(e) => qs.set({ rating: e.target.value || null })}
          className="min-w-40"
        >
          <RatingOptions />
        </SelectField>
      </div>
      <FeedbackTable
        query={feedback}
        showUser
        label="Organization feedback"
        empty={{
          title: rating ? `No ${rating} scores.` : 'No scores given to its requests yet.',
          hint: "A member's app scores a request with POST /v1/feedback and the x-request-id of its answer.",
        }}
      />
    </section>
  );
}
