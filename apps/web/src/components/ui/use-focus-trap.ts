import { useEffect, useRef, type MouseEvent } from 'react';

const FOCUSABLE = 'a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

/**
 * What a modal panel needs while it is open: Tab and Shift+Tab stay inside the panel, Escape and a press on the
 * backdrop close it, and focus goes back where it was when it closes. `initialFocus` picks what takes focus on opening:
 * the panel itself, or the first `[autofocus]`/`[data-autofocus]` element (else the first focusable one).
 * `onClose` may be a new function on every render: focus moves only when the panel opens.
 */
export function useFocusTrap<T extends HTMLElement>(open: boolean, onClose: () => void, initialFocus: 'panel' | 'first' = 'first') {
  const panel = useRef<T>(null);
  const close = useRef(onClose);
  close.current = onClose;
  const initial = useRef(initialFocus);
  initial.current = initialFocus;
  useEffect(() => {
    if (!open) return;
    const previous = document.activeElement as HTMLElement | null;
    const first = initial.current === 'first' ? (panel.current?.querySelector<HTMLElement>('[autofocus], [data-autofocus]') ?? panel.current?.querySelector<HTMLElement>(FOCUSABLE)) : null;
    (first ?? panel.current)?.focus();
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') {
        e.preventDefault();
        close.current();
      } else if (e.key === 'Tab' && panel.current) {
        const items = [...panel.current.querySelectorAll<HTMLElement>(FOCUSABLE)];
        if (items.length === 0) return;
        const [firstEl, lastEl] = [items[0]!, items[items.length - 1]!];
        if (!panel.current.contains(document.activeElement)) {
          e.preventDefault();
          firstEl.focus();
        } else if (e.shiftKey && (document.activeElement === firstEl || document.activeElement === panel.current)) {
          e.preventDefault();
          lastEl.focus();
        } else if (!e.shiftKey && document.activeElement === lastEl) {
          e.preventDefault();
          firstEl.focus();
        }
      }
    };
    document.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('keydown', onKey);
      previous?.focus?.();
    };
  }, [open]);
  /** For the backdrop's onMouseDown: closes on a press on the backdrop itself, not on the panel. */
  const onBackdropMouseDown = (e: MouseEvent) => {
    if (e.target === e.currentTarget) close.current();
  };
  return { panel, onBackdropMouseDown };
}
