import { RotateCcw } from 'lucide-react';
import { Button } from '../../../components/ui/button';
import { plural } from '../../../lib/format';
import { useReplayDeadLetters } from '../api/replay-dead-letters';

/**
 * An operator's retry of the usage records the database refused (once the cause is gone): each one written now leaves
 * the dead letter and joins the charts and totals; one refused again stays, with its new error.
 */
export function ReplayDeadLettersButton() {
  const replay = useReplayDeadLetters();
  return (
    <span className="inline-flex flex-wrap items-center gap-2">
      <Button
        type="button"
        variant="subtle"
        className="px-2 py-1 text-xs"
        disabled={replay.isPending}
        onClick={() => replay.mutate()}
      >
        <RotateCcw aria-hidden className="h-3.5 w-3.5" />
        {replay.isPending ? 'Retrying…' : 'Retry writing them'}
      </Button>
      {replay.isSuccess ? (
        <span role="status" data-testid="dead-letter-replay-result">
          {plural(replay.data.replayed, 'record')} written
          {replay.data.refused > 0
            ? `; ${plural(replay.data.refused, 'record')} still refused (kept, with the database's new error)`
            : ''}
          .
        </span>
      ) : null}
      {replay.isError ? (
        <span role="alert" className="text-danger">
          Retry failed: {replay.error.message}
        </span>
      ) : null}
    </span>
  );
}
