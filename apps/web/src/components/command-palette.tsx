import { Search } from 'lucide-react';
import { useMemo, useState } from 'react';
import { Modal } from './ui/modal';

export interface PaletteAction {
  id: string;
  label: string;
  hint?: string;
  keywords?: string;
  run: () => void;
}

/** Case-insensitive match on label and keywords; every word of the query must appear. Label matches come first. */
export function filterActions(actions: readonly PaletteAction[], query: string): PaletteAction[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return [...actions];
  const matches = actions.filter((a) => {
    const hay = `${a.label} ${a.keywords ?? ''} ${a.hint ?? ''}`.toLowerCase();
    return words.every((w) => hay.includes(w));
  });
  const inLabel = (a: PaletteAction) => words.every((w) => a.label.toLowerCase().includes(w));
  return [...matches.filter(inLabel), ...matches.filter((a) => !inLabel(a))];
}

export function CommandPalette({ open, onClose, actions }: { open: boolean; onClose: () => void; actions: readonly PaletteAction[] }) {
  const [query, setQuery] = useState('');
  const [active, setActive] = useState(0);
  const shown = useMemo(() => filterActions(actions, query), [actions, query]);
  const close = () => {
    setQuery('');
    setActive(0);
    onClose();
  };
  const run = (a: PaletteAction | undefined) => {
    if (!a) return;
    close();
    a.run();
  };
  return (
    <Modal open={open} onClose={close} label="Command palette">
      <div className="flex items-center gap-2 border-b border-border px-4">
        <Search aria-hidden className="h-4 w-4 text-muted" />
        <input
          autoFocus
          aria-label="Search pages and actions"
          placeholder="Jump to a page or run an action…"
          className="w-full bg-transparent py-3 text-sm outline-none"
          value={query}
          onChange={(e) => {
            setQuery(e.target.value);
            setActive(0);
          }}
          onKeyDown={(e) => {
            if (e.key === 'ArrowDown') {
              e.preventDefault();
              setActive((i) => Math.min(i + 1, Math.max(0, shown.length - 1)));
            } else if (e.key === 'ArrowUp') {
              e.preventDefault();
              setActive((i) => Math.max(i - 1, 0));
            } else if (e.key === 'Enter') {
              e.preventDefault();
              run(shown[active]);
            }
          }}
        />
      </div>
      <ul role="listbox" aria-label="Results" className="max-h-80 overflow-y-auto p-2">
        {shown.length === 0 ? <li className="px-3 py-6 text-center text-sm text-muted">Nothing matches “{query}”.</li> : null}
        {shown.map((a, i) => (
          <li key={a.id} role="option" aria-selected={i === active}>
            <button
              type="button"
              onMouseEnter={() => setActive(i)}
              onClick={() => run(a)}
              className={`flex w-full items-center justify-between rounded-lg px-3 py-2 text-left text-sm ${i === active ? 'bg-accent/15 text-fg' : 'text-muted'}`}
            >
              <span>{a.label}</span>
              {a.hint ? <span className="text-xs">{a.hint}</span> : null}
            </button>
          </li>
        ))}
      </ul>
    </Modal>
  );
}
