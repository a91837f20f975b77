import { ChevronDown, ChevronRight, type LucideIcon } from 'lucide-react';
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

/** The actions column: stays in view at the right edge while the rest of the row scrolls. */
export function ActionsTh() {
  return (
    <th scope="col" className="sticky right-0 border-b border-border bg-surface px-3 py-2">
      <span className="sr-only">Actions</span>
    </th>
  );
}

export function ActionsTd({ children }: { children: ReactNode }) {
  return (
    <td className="sticky right-0 border-b border-border bg-surface px-2 py-1.5 align-top shadow-[-8px_0_8px_-8px_rgba(0,0,0,0.25)]">
      <div className="flex justify-end gap-0.5">{children}</div>
    </td>
  );
}

/**
 * A row's action: an icon with its word on wide screens, the icon alone (named by `label` for screen readers and
 * by a tooltip) where space is short; `showText` keeps the word for rows with few actions.
 */
export function RowAction({ icon: Icon, text, label, onClick, danger = false, disabled = false, showText = false }: { icon: LucideIcon; text: string; label: string; onClick: () => void; danger?: boolean; disabled?: boolean; showText?: boolean }) {
  return (
    <button
      type="button"
      aria-label={label}
      title={label}
      disabled={disabled}
      onClick={onClick}
      className={`inline-flex items-center gap-1.5 rounded-lg px-2 py-1.5 text-sm transition hover:bg-surface-2 disabled:cursor-not-allowed disabled:opacity-50 ${danger ? 'text-danger' : 'text-fg'}`}
    >
      <Icon aria-hidden className="h-4 w-4" />
      <span className={showText ? undefined : 'hidden 2xl:inline'}>{text}</span>
    </button>
  );
}

/** The header over ExpandTd's column. */
export function ExpandTh() {
  return (
    <Th>
      <span className="sr-only">Details</span>
    </Th>
  );
}

/** A row's first cell: the chevron that shows or hides the row's details below it. */
export function ExpandTd({ open, onToggle, label }: { open: boolean; onToggle: () => void; label: string }) {
  return (
    <Td className="w-8">
      <button type="button" aria-expanded={open} aria-label={label} onClick={onToggle} className="rounded p-1 text-muted hover:bg-surface-2 hover:text-fg">
        {open ? <ChevronDown aria-hidden className="h-4 w-4" /> : <ChevronRight aria-hidden className="h-4 w-4" />}
      </button>
    </Td>
  );
}
