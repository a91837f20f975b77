// Lists render through DataTable (data-table.tsx); these are the pieces it and the pages share.
import { Power, PowerOff, type LucideIcon } from 'lucide-react';
import { Skeleton } from './states';

/** Placeholder rows while a list loads. */
export function TableSkeleton({ rows = 4 }: { rows?: number }) {
  return (
    <div
      className="flex flex-col gap-2 rounded-2xl border border-border bg-surface p-4"
      aria-busy="true"
      aria-label="Loading"
    >
      {Array.from({ length: rows }, (_, i) => (
        <Skeleton key={i} className="h-8 w-full" />
      ))}
    </div>
  );
}

/**
 * A row's action: an icon with its word on wide screens, the icon alone (named by `label` for screen readers and
 * by a tooltip) where space is short; `showText` keeps the word for rows with few actions.
 */
export function RowAction({
  icon: Icon,
  text,
  label,
  onClick,
  danger = false,
  disabled = false,
  showText = false,
}: {
  icon: LucideIcon;
  text: string;
  label: string;
  onClick: () => void;
  danger?: boolean;
  disabled?: boolean;
  showText?: boolean;
}) {
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

/** Turns something with an on/off status (a stored key) off, or back on: the action names what it will do. */
export function OnOffAction({
  off,
  name,
  pending,
  onChange,
}: {
  /** Whether it is off now. */
  off: boolean;
  /** What it is, for the screen-reader label ("Turn off <name>"). */
  name: string;
  pending: boolean;
  onChange: (status: 'active' | 'disabled') => void;
}) {
  return (
    <RowAction
      icon={off ? Power : PowerOff}
      text={off ? 'Turn on' : 'Turn off'}
      label={`${off ? 'Turn on' : 'Turn off'} ${name}`}
      disabled={pending}
      onClick={() => onChange(off ? 'active' : 'disabled')}
      showText
    />
  );
}
