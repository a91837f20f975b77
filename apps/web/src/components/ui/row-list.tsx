import { Plus, Trash2 } from 'lucide-react';
import type { ReactNode } from 'react';
import { Button } from './button';

/** The remove button of one row of an editable list (endpoints, rate-limit buckets). */
export function RemoveRowButton({
  label,
  onClick,
  disabled,
  text,
}: {
  label: string;
  onClick: () => void;
  disabled?: boolean | undefined;
  /** Visible text beside the icon (none: the icon alone). */
  text?: string;
}) {
  return (
    <Button
      type="button"
      variant="ghost"
      className="px-2 py-1 text-danger"
      onClick={onClick}
      aria-label={label}
      disabled={disabled}
    >
      <Trash2 aria-hidden className="h-4 w-4" />
      {text ? ` ${text}` : null}
    </Button>
  );
}

/** The add button under an editable list. */
export function AddRowButton({
  children,
  onClick,
  disabled,
}: {
  children: ReactNode;
  onClick: () => void;
  disabled?: boolean | undefined;
}) {
  return (
    <Button type="button" variant="subtle" className="mt-3" onClick={onClick} disabled={disabled}>
      <Plus aria-hidden className="h-4 w-4" /> {children}
    </Button>
  );
}
