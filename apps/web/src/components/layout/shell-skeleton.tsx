import { Skeleton } from '../ui/states';

/** What the first paint shows while the session and the first page load (a few hundred milliseconds at most). */
export function ShellSkeleton() {
  return (
    <div className="flex min-h-full" aria-busy="true" aria-label="Loading Switchyard">
      <div className="hidden w-60 shrink-0 border-r border-border bg-surface md:block" />
      <div className="flex min-w-0 flex-1 flex-col gap-4 p-4 md:p-6">
        <Skeleton className="h-10 w-60" />
        <Skeleton className="h-40 w-full" />
      </div>
    </div>
  );
}
