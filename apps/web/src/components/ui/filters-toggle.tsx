import { SlidersHorizontal } from 'lucide-react';
import { Button } from './button';

/**
 * On phones a long filter form folds away behind this button (wider screens always show it): pair it with
 * `filtersClass(open)` on the form.
 */
export function FiltersToggle({
  open,
  onToggle,
  active,
  controls,
}: {
  open: boolean;
  onToggle: () => void;
  active: number;
  controls: string;
}) {
  return (
    <Button
      type="button"
      variant="subtle"
      className="mb-3 sm:hidden"
      aria-expanded={open}
      aria-controls={controls}
      onClick={onToggle}
    >
      <SlidersHorizontal aria-hidden className="h-4 w-4" /> Filters{active ? ` · ${active} on` : ''}
    </Button>
  );
}

/** The form's visibility: folded on phones unless open, always shown from `sm` up. */
export const filtersClass = (open: boolean) => (open ? 'grid' : 'hidden sm:grid');

/** A filter form's buttons: Apply (the form's submit) and, while any filter is on, Clear. */
export function FilterActions({ active, onClear }: { active: boolean; onClear: () => void }) {
  return (
    <div className="flex gap-2">
      <Button type="submit">Apply</Button>
      {active ? (
        <Button type="button" variant="ghost" onClick={onClear}>
          Clear
        </Button>
      ) : null}
    </div>
  );
}
