import { BookOpen } from 'lucide-react';
import type { ReactNode } from 'react';
import { Link } from 'react-router';

/** Where a page's help lives: an in-app page, or a document the server serves (opened in a new tab). */
export interface HelpLink {
  href: string;
  label: string;
  external?: boolean;
}

/**
 * The page's heading row: an optional eyebrow (the area it belongs to), the title, a line of explanation with a
 * help link, and the page's main actions.
 */
export function PageHeader({
  title,
  description,
  actions,
  eyebrow,
  help,
}: {
  title: string;
  description?: ReactNode;
  actions?: ReactNode;
  eyebrow?: string;
  help?: HelpLink;
}) {
  const helpLink = help ? (
    help.external ? (
      <a
        href={help.href}
        target="_blank"
        rel="noreferrer"
        className="inline-flex items-center gap-1 text-accent hover:underline"
      >
        <BookOpen aria-hidden className="h-3.5 w-3.5" />
        {help.label}
      </a>
    ) : (
      <Link to={help.href} className="inline-flex items-center gap-1 text-accent hover:underline">
        <BookOpen aria-hidden className="h-3.5 w-3.5" />
        {help.label}
      </Link>
    )
  ) : null;
  return (
    <div className="mb-4 flex flex-wrap items-end justify-between gap-3">
      <div className="min-w-0">
        {eyebrow ? (
          <p className="text-xs font-semibold tracking-wide text-accent uppercase" data-testid="page-eyebrow">
            {eyebrow}
          </p>
        ) : null}
        <h2 className="text-xl font-semibold">{title}</h2>
        {description || helpLink ? (
          <p className="mt-1 max-w-3xl text-sm text-muted">
            {description}
            {description && helpLink ? ' ' : null}
            {helpLink}
          </p>
        ) : null}
      </div>
      {actions ? <div className="flex flex-wrap gap-2">{actions}</div> : null}
    </div>
  );
}

/** Why the mutate buttons are missing. */
export function ReadOnlyNote({ children }: { children: ReactNode }) {
  return (
    <p role="note" className="mb-4 rounded-lg border border-border bg-surface-2 px-3 py-2 text-sm text-muted">
      {children}
    </p>
  );
}

/** A row of filters above a list; wraps on phones. */
export function FilterBar({ children, label = 'Filters' }: { children: ReactNode; label?: string }) {
  return (
    <div role="search" aria-label={label} className="mb-4 flex flex-wrap items-end gap-3">
      {children}
    </div>
  );
}

/** Tabs that live in the query string: buttons with aria-pressed (one list, no panels to switch). */
export function SegmentedTabs<T extends string>({
  label,
  value,
  options,
  onChange,
}: {
  label: string;
  value: T;
  options: readonly { value: T; label: string }[];
  onChange: (v: T) => void;
}) {
  return (
    <div
      role="group"
      aria-label={label}
      className="flex max-w-full flex-wrap gap-1 rounded-xl border border-border bg-surface p-1"
    >
      {options.map((o) => (
        <button
          key={o.value}
          type="button"
          aria-pressed={o.value === value}
          onClick={() => onChange(o.value)}
          className={`rounded-lg px-3 py-1.5 text-sm transition ${o.value === value ? 'bg-accent/15 font-medium text-fg' : 'text-muted hover:text-fg'}`}
        >
          {o.label}
        </button>
      ))}
    </div>
  );
}
