import { USAGE_PERIODS, type UsagePeriod } from '@switchyard/core';
import { SegmentedTabs } from '../../../components/ui/page';
import { oneOf, useQueryState } from '../../../lib/search-params';

export const PERIOD_OPTIONS: readonly { value: UsagePeriod; label: string }[] = [
  { value: '7d', label: '7 days' },
  { value: '30d', label: '30 days' },
  { value: '90d', label: '90 days' },
  { value: 'all', label: 'All time' },
];

/** The `period` query parameter (default 30 days) and its switch. */
export function usePeriod(fallback: UsagePeriod = '30d'): [UsagePeriod, (p: UsagePeriod) => void] {
  const qs = useQueryState();
  const period = oneOf<UsagePeriod>(qs.get('period'), USAGE_PERIODS, fallback);
  return [period, (p) => qs.set({ period: p === fallback ? null : p })];
}

export function PeriodTabs({ value, onChange }: { value: UsagePeriod; onChange: (p: UsagePeriod) => void }) {
  return <SegmentedTabs label="Period" value={value} options={PERIOD_OPTIONS} onChange={onChange} />;
}
