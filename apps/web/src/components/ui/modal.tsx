import { AnimatePresence, motion } from 'framer-motion';
import { useEffect, useRef, type ReactNode } from 'react';

const FOCUSABLE = 'a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

/**
 * A dialog that traps focus, closes on Escape and on the backdrop, and gives focus back when it closes.
 * `onClose` may be a new function on every render: focus moves only when the dialog opens.
 */
export function Modal({ open, onClose, label, children, role = 'dialog', wide = false, placement = 'center' }: { open: boolean; onClose: () => void; label: string; children: ReactNode; role?: 'dialog' | 'alertdialog'; wide?: boolean; /** 'right': a full-height drawer from the right edge. */ placement?: 'center' | 'right' }) {
  const drawer = placement === 'right';
  const panel = useRef<HTMLDivElement>(null);
  const close = useRef(onClose);
  close.current = onClose;
  useEffect(() => {
    if (!open) return;
    const previous = document.activeElement as HTMLElement | null;
    const first = panel.current?.querySelector<HTMLElement>('[autofocus], [data-autofocus]') ?? panel.current?.querySelector<HTMLElement>(FOCUSABLE);
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
        } else if (e.shiftKey && document.activeElement === firstEl) {
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
  return (
    <AnimatePresence>
      {open ? (
        <motion.div
          className={drawer ? 'fixed inset-0 z-50 flex justify-end bg-black/50' : 'fixed inset-0 z-50 flex items-start justify-center overflow-y-auto bg-black/50 p-3 pt-[8vh] sm:p-4 sm:pt-[12vh]'}
          initial={{ opacity: 0 }}
          animate={{ opacity: 1 }}
          exit={{ opacity: 0 }}
          onMouseDown={(e) => e.target === e.currentTarget && close.current()}
        >
          <motion.div
            ref={panel}
            role={role}
            aria-modal="true"
            aria-label={label}
            tabIndex={-1}
            className={drawer ? `h-full w-full ${wide ? 'max-w-2xl' : 'max-w-lg'} min-w-0 overflow-y-auto border-l border-border bg-surface shadow-2xl` : `mb-8 w-full ${wide ? 'max-w-2xl' : 'max-w-lg'} min-w-0 rounded-2xl border border-border bg-surface shadow-2xl`}
            initial={drawer ? { x: 40 } : { y: 12, scale: 0.98 }}
            animate={drawer ? { x: 0 } : { y: 0, scale: 1 }}
            exit={drawer ? { x: 40 } : { y: 12, scale: 0.98 }}
          >
            {children}
          </motion.div>
        </motion.div>
      ) : null}
    </AnimatePresence>
  );
}
