import { AnimatePresence, motion } from 'framer-motion';
import type { ReactNode } from 'react';
import { useFocusTrap } from './use-focus-trap';

/**
 * A dialog that traps focus, closes on Escape and on the backdrop, and gives focus back when it closes.
 * `onClose` may be a new function on every render: focus moves only when the dialog opens.
 */
export function Modal({ open, onClose, label, children, role = 'dialog', wide = false, placement = 'center' }: { open: boolean; onClose: () => void; label: string; children: ReactNode; role?: 'dialog' | 'alertdialog'; wide?: boolean; /** 'right': a full-height drawer from the right edge. */ placement?: 'center' | 'right' }) {
  const drawer = placement === 'right';
  const { panel, onBackdropMouseDown } = useFocusTrap<HTMLDivElement>(open, onClose);
  return (
    <AnimatePresence>
      {open ? (
        <motion.div
          className={drawer ? 'fixed inset-0 z-50 flex justify-end bg-black/50' : 'fixed inset-0 z-50 flex items-start justify-center overflow-y-auto bg-black/50 p-3 pt-[8vh] sm:p-4 sm:pt-[12vh]'}
          initial={{ opacity: 0 }}
          animate={{ opacity: 1 }}
          exit={{ opacity: 0 }}
          onMouseDown={onBackdropMouseDown}
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
