import type { ReactNode, ThHTMLAttributes, TdHTMLAttributes } from 'react';
import { Skeleton } from './states';

/** A table that scrolls sideways inside its own box, never the page (`relative`: visually hidden headers stay inside it too). */
export function Table({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="relative max-w-full overflow-x-auto rounded-2xl border border-border bg-surface" role="region" aria-label={label} tabIndex={0}>
      <table className="w-full min-w-max border-collapse text-left text-sm">{children}</table>
    </div>
  );
}

export function Th({ className = '', ...props }: ThHTMLAttributes<HTMLTableCellElement>) {
  return <th scope="col" {...props} className={`whitespace-nowrap border-b border-border bg-surface-2/60 px-3 py-2 text-xs font-medium uppercase tracking-wide text-muted ${className}`} />;
}

export function Td({ className = '', ...props }: TdHTMLAttributes<HTMLTableCellElement>) {
  return <td {...props} className={`border-b border-border px-3 py-2 align-top ${className}`} />;
}

/** Placeholder rows while a list loads. */
export function TableSkeleton({ rows = 4 }: { rows?: number }) {
  return (
    <div className="flex flex-col gap-2 rounded-2xl border border-border bg-surface p-4" aria-busy="true" aria-label="Loading">
      {Array.from({ length: rows }, (_, i) => (
        <Skeleton key={i} className="h-8 w-full" />
      ))}
    </div>
  );
}
