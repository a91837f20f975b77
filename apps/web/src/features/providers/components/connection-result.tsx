import { CircleCheck, CircleX } from 'lucide-react';
import type { ConnectionTest } from '../api/types';

/** A connection test's outcome: latency and model count, or the error. */
export function ConnectionResult({
  result,
  compact = false,
}: {
  result: ConnectionTest | { error: unknown };
  compact?: boolean;
}) {
  if ('success' in result && result.success) {
    return (
      <p
        role="status"
        data-testid="test-result"
        data-ok="true"
        className={`flex items-start gap-2 rounded-lg bg-ok/10 px-3 py-2 text-sm text-ok ${compact ? 'text-xs' : ''}`}
      >
        <CircleCheck aria-hidden className="mt-0.5 h-4 w-4 shrink-0" />
        <span>
          Connected in {result.latencyMs} ms · {result.modelsAvailable.length} model
          {result.modelsAvailable.length === 1 ? '' : 's'} available
        </span>
      </p>
    );
  }
  const message =
    'success' in result
      ? `${result.error.message}${result.latencyMs ? ` (${result.latencyMs} ms)` : ''}`
      : result.error instanceof Error
        ? result.error.message
        : 'The test failed.';
  return (
    <p
      role="alert"
      data-testid="test-result"
      data-ok="false"
      className={`flex items-start gap-2 rounded-lg bg-danger/10 px-3 py-2 text-sm text-danger ${compact ? 'text-xs' : ''}`}
    >
      <CircleX aria-hidden className="mt-0.5 h-4 w-4 shrink-0" />
      <span className="min-w-0 break-words">{message}</span>
    </p>
  );
}
