import { USAGE_PERIODS, type UsagePeriod } from '@switchyard/core';
import { SegmentedTabs } from '../../../components/ui/page';
import { oneOf, useQueryState } from '../../../lib/search-params';

export const PERIOD_OPTIONS: readonly { value: UsagePeriod; label: string }[] = [
  { value: '7d', label: '7 days' },
  { value: '30d', label: '30 days' },
  { value: '90d', label: '90 days' },
  { value: 'all', label: 'All time' },
];

/** A period in words: "the last 30 days", "all time". */
export function periodSpan(period: UsagePeriod): string {
  if (period === 'all') return 'all time';
  return `the last ${PERIOD_OPTIONS.find((p) => p.value === period)?.label.toLowerCase() ?? period}`;
}

/** A figure's hint for a period: "in the last 30 days", "all time". */
export function periodHint(period: UsagePeriod): string {
  return period === 'all' ? 'all time' : `in ${periodSpan(period)}`;
}

/** The `period` query parameter (default 30 days) and its switch. */
export function usePeriod(fallback: UsagePeriod = '30d'): [UsagePeriod, (p: UsagePeriod) => void] {
  const qs = useQueryState();
  const period = oneOf<UsagePeriod>(qs.get('period'), USAGE_PERIODS, fallback);
  return [period, (p) => qs.set({ period: p === fallback ? null : p })];
}

export function PeriodTabs({ value, onChange }: { value: UsagePeriod; onChange: (p: UsagePeriod) => void }) {
  return <SegmentedTabs label="Period" value={value} options={PERIOD_OPTIONS} onChange={onChange} />;
}
