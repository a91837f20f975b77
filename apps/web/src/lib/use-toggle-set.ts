import { useState } from 'react';

/** A set of ids to open and close one at a time (e.g. a table's expanded rows): `has(id)` and `toggle(id)`. */
export function useToggleSet() {
  const [open, setOpen] = useState<Set<string>>(new Set());
  const toggle = (id: string) =>
    setOpen((s) => {
      const n = new Set(s);
      if (n.has(id)) n.delete(id);
      else n.add(id);
      return n;
    });
  return { has: (id: string) => open.has(id), toggle };
}
