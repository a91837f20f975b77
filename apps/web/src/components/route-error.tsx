import { useRouteError } from 'react-router';
import { ErrorState } from './ui/states';

/**
 * What a page that failed to render or to load shows, instead of the router's developer screen. A page chunk that
 * is gone (a new version was deployed) is fixed by a reload, so that is the retry.
 */
export function RouteError() {
  const error = useRouteError();
  const stale = error instanceof Error && /dynamically imported module|Importing a module script failed|error loading dynamically/i.test(error.message);
  return (
    <div className="p-6">
      <ErrorState error={stale ? new Error('This page could not be loaded: the dashboard may have been updated. Reload to get the new version.') : error} onRetry={() => window.location.reload()} />
    </div>
  );
}
