import { MoreVertical, type LucideIcon } from 'lucide-react';
import { useEffect, useRef, useState } from 'react';
import { Link } from 'react-router';

export type MenuItem =
  | { label: string; icon?: LucideIcon; to: string; external?: boolean; onSelect?: undefined }
  | { label: string; icon?: LucideIcon; onSelect: () => void; to?: undefined; external?: undefined };

const ITEM = 'flex w-full items-center gap-2 rounded-lg px-3 py-2 text-left text-sm hover:bg-surface-2';

/**
 * A "more actions" (kebab) button and its menu: links and actions. Opening focuses the first item, the arrow keys
 * move between items; a choice, Escape (focus back on the button) or a click outside closes it.
 */
export function KebabMenu({ label, items }: { label: string; items: readonly MenuItem[] }) {
  const [open, setOpen] = useState(false);
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!open) return;
    const onDown = (e: MouseEvent) => {
      if (box.current && !box.current.contains(e.target as Node)) setOpen(false);
    };
    const items = () => [...(box.current?.querySelectorAll<HTMLElement>('[role="menuitem"]') ?? [])];
    items()[0]?.focus();
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') {
        setOpen(false);
        box.current?.querySelector<HTMLElement>('[aria-haspopup="menu"]')?.focus();
      }
      if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
        e.preventDefault();
        const all = items();
        const at = all.indexOf(document.activeElement as HTMLElement);
        const next = (at + (e.key === 'ArrowDown' ? 1 : all.length - 1)) % all.length;
        all[at < 0 ? 0 : next]?.focus();
      }
    };
    document.addEventListener('mousedown', onDown);
    document.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('mousedown', onDown);
      document.removeEventListener('keydown', onKey);
    };
  }, [open]);
  if (!items.length) return null;
  return (
    <div className="relative" ref={box}>
      <button
        type="button"
        aria-haspopup="menu"
        aria-expanded={open}
        aria-label={label}
        onClick={() => setOpen((o) => !o)}
        className="inline-flex h-full items-center rounded-lg border border-border bg-surface-2 px-2 py-2 hover:brightness-110"
      >
        <MoreVertical aria-hidden className="h-4 w-4" />
      </button>
      {open ? (
        <div
          role="menu"
          aria-label={label}
          className="absolute right-0 z-40 mt-2 w-64 rounded-xl border border-border bg-surface p-2 shadow-xl"
        >
          {items.map((item) => {
            const icon = item.icon ? <item.icon aria-hidden className="h-4 w-4 text-muted" /> : null;
            if (item.onSelect)
              return (
                <button
                  key={item.label}
                  type="button"
                  role="menuitem"
                  className={ITEM}
                  onClick={() => {
                    setOpen(false);
                    item.onSelect();
                  }}
                >
                  {icon}
                  {item.label}
                </button>
              );
            return item.external ? (
              <a
                key={item.label}
                role="menuitem"
                href={item.to}
                target="_blank"
                rel="noreferrer"
                className={ITEM}
                onClick={() => setOpen(false)}
              >
                {icon}
                {item.label}
              </a>
            ) : (
              <Link
                key={item.label}
                role="menuitem"
                to={item.to}
                className={ITEM}
                onClick={() => setOpen(false)}
              >
                {icon}
                {item.label}
              </Link>
            );
          })}
        </div>
      ) : null}
    </div>
  );
}
