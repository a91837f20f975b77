import { RotateCw, WifiOff } from 'lucide-react';
import { useRouteError } from 'react-router';
import { isUnreachable } from '../lib/api-client';
import { useDocumentTitle } from '../lib/use-document-title';
import { ErrorState } from './ui/states';

/** The whole screen when the API does not answer at all (server down, restarting, or the device offline). */
export function Unreachable({ onRetry }: { onRetry: () => void }) {
  useDocumentTitle("Can't reach Switchyard");
  return (
    <main className="grid min-h-full place-items-center p-6">
      <section
        role="alert"
        aria-labelledby="unreachable-title"
        className="flex max-w-md flex-col items-center gap-3 rounded-2xl border border-border bg-surface p-10 text-center"
      >
        <WifiOff aria-hidden className="h-8 w-8 text-muted" />
        <h1 id="unreachable-title" className="text-lg font-semibold">
          Can't reach Switchyard
        </h1>
        <p className="text-sm text-muted">
          The server may be down or restarting, or this device is offline. Your work is safe; try again in a
          moment.
        </p>
        <button
          type="button"
          onClick={onRetry}
          className="mt-2 inline-flex items-center gap-2 rounded-lg bg-accent px-4 py-2 text-sm font-medium text-white hover:opacity-90"
        >
          <RotateCw aria-hidden className="h-4 w-4" /> Try again
        </button>
      </section>
    </main>
  );
}

/**
 * What a page that failed to render or to load shows, instead of the router's developer screen. A page chunk that
 * is gone (a new version was deployed) is fixed by a reload, so that is the retry.
 */
export function RouteError() {
  const error = useRouteError();
  useDocumentTitle(isUnreachable(error) ? "Can't reach Switchyard" : 'Error');
  if (isUnreachable(error)) return <Unreachable onRetry={() => window.location.reload()} />;
  const stale =
    error instanceof Error &&
    /dynamically imported module|Importing a module script failed|error loading dynamically/i.test(
      error.message,
    );
  return (
    <div className="p-6">
      <ErrorState
        error={
          stale
            ? new Error(
                'This page could not be loaded: the dashboard may have been updated. Reload to get the new version.',
              )
            : error
        }
        onRetry={() => window.location.reload()}
      />
    </div>
  );
}
