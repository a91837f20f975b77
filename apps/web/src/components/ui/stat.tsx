import type { ReactNode } from 'react';
import { Link } from 'react-router';

/** A figure with its label; with `to`, the whole card links to the detail behind it. */
export function Stat({
  label,
  value,
  hint,
  to,
  testId,
}: {
  label: string;
  value: ReactNode;
  hint?: ReactNode;
  to?: string;
  testId?: string;
}) {
  const body = (
    <>
      <p className="text-xs font-medium uppercase tracking-wide text-muted">{label}</p>
      <p className="mt-1 break-words text-xl font-semibold tabular-nums sm:text-2xl" data-testid={testId}>
        {value}
      </p>
      {hint ? <p className="mt-0.5 text-xs text-muted">{hint}</p> : null}
    </>
  );
  const cls = 'block min-w-0 rounded-2xl border border-border bg-surface p-4 shadow-sm';
  return to ? (
    <Link to={to} className={`${cls} transition hover:border-accent/60`}>
      {body}
    </Link>
  ) : (
    <div className={cls}>{body}</div>
  );
}
