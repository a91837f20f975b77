import { AlertTriangle } from 'lucide-react';
import type { ReactNode } from 'react';
import { formatUsd, plural } from '../../../lib/format';
import type { UsageResponse } from '../api/types';

/**
 * Requests of the period whose usage records the database refused: paid for, and counted in budgets, but in none of
 * the charts or totals beside this (they are kept in the dead letter, UsageDeadLetter, for an operator). Nothing
 * when there are none.
 */
export function DeadLetterNotice({
  deadLetters,
  action,
}: {
  deadLetters: UsageResponse['deadLetters'];
  /** What an operator can do about them (retry writing them), shown after the text. */
  action?: ReactNode;
}) {
  const { records, costUsd, savedUsd, unreadable, truncated } = deadLetters;
  if (records === 0) return null;
  const spend = `${formatUsd(costUsd)}${savedUsd > 0 ? ` (and ${formatUsd(savedUsd)} on BYOK keys)` : ''}`;
  return (
    <p
      role="status"
      data-testid="dead-letter-notice"
      className="mb-3 flex items-start gap-2 rounded-lg border border-amber-500/40 bg-amber-500/10 px-3 py-2 text-sm"
    >
      <AlertTriangle aria-hidden className="mt-0.5 h-4 w-4 shrink-0 text-amber-500" />
      <span>
        {truncated ? 'At least ' : ''}
        {plural(records, 'request')} costing {truncated ? 'at least ' : ''}
        {spend}
        {unreadable > 0 ? ` (${plural(unreadable, 'record')} of unknown cost)` : ''}{' '}
        {records === 1 ? 'is' : 'are'} not in these charts or totals: the database refused{' '}
        {records === 1 ? 'its usage record' : 'their usage records'}, kept in the dead letter
        (UsageDeadLetter) for an operator. Budgets count {records === 1 ? 'it' : 'them'}.
        {truncated
          ? ' There are more dead letters than a page reads: only the newest were counted here.'
          : ''}
        {action ? <> {action}</> : null}
      </span>
    </p>
  );
}
