import { AnimatePresence, motion } from 'framer-motion';
import type { ReactNode } from 'react';
import { DialogHeader } from './dialog';
import { useFocusTrap } from './use-focus-trap';

/**
 * A panel that slides in from the right (full width on phones): a labelled modal dialog that traps focus, closes on
 * Escape and on the backdrop, and gives focus back when it closes.
 */
export function Drawer({ open, onClose, title, description, children }: { open: boolean; onClose: () => void; title: string; description?: ReactNode; children: ReactNode }) {
  const { panel, onBackdropMouseDown } = useFocusTrap<HTMLDivElement>(open, onClose, 'panel');
  return (
    <AnimatePresence>
      {open ? (
        <motion.div className="fixed inset-0 z-50 flex justify-end bg-black/50" initial={{ opacity: 0 }} animate={{ opacity: 1 }} exit={{ opacity: 0 }} onMouseDown={onBackdropMouseDown}>
          <motion.div
            ref={panel}
            role="dialog"
            aria-modal="true"
            aria-label={title}
            tabIndex={-1}
            className="flex h-full w-full min-w-0 max-w-2xl flex-col border-l border-border bg-surface shadow-2xl outline-none"
            initial={{ x: 40 }}
            animate={{ x: 0 }}
            exit={{ x: 40 }}
          >
            <DialogHeader title={title} description={description} onClose={onClose} />
            <div className="min-h-0 flex-1 overflow-y-auto px-5 py-4">{children}</div>
          </motion.div>
        </motion.div>
      ) : null}
    </AnimatePresence>
  );
}
