import { AlertTriangle, Inbox, RotateCw } from 'lucide-react';
import { Button } from './button';

export function Skeleton({ className = '' }: { className?: string }) {
  return <div aria-hidden className={`animate-pulse rounded-lg bg-surface-2 ${className}`} />;
}

export function EmptyState({ title, hint }: { title: string; hint?: string }) {
  return (
    <div className="flex flex-col items-center gap-2 rounded-2xl border border-dashed border-border p-10 text-center text-muted">
      <Inbox aria-hidden className="h-8 w-8" />
      <p className="font-medium text-fg">{title}</p>
      {hint ? <p className="text-sm">{hint}</p> : null}
    </div>
  );
}

export function ErrorState({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const message = error instanceof Error ? error.message : 'Something went wrong.';
  return (
    <div
      role="alert"
      className="flex flex-col items-center gap-3 rounded-2xl border border-danger/40 bg-danger/10 p-8 text-center"
    >
      <AlertTriangle aria-hidden className="h-7 w-7 text-danger" />
      <p className="text-sm">{message}</p>
      {onRetry ? (
        <Button variant="subtle" onClick={onRetry}>
          <RotateCw aria-hidden className="h-4 w-4" /> Retry
        </Button>
      ) : null}
    </div>
  );
}
