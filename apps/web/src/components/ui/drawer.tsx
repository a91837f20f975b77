import type { ReactNode } from 'react';
import { DialogHeader } from './dialog';
import { Modal } from './modal';

/**
 * A panel that slides in from the right (full width on phones): a labelled modal dialog that traps focus, closes on
 * Escape and on the backdrop, and gives focus back when it closes. The panel itself takes focus on opening.
 */
export function Drawer({
  open,
  onClose,
  title,
  description,
  children,
}: {
  open: boolean;
  onClose: () => void;
  title: string;
  description?: ReactNode;
  children: ReactNode;
}) {
  return (
    <Modal
      open={open}
      onClose={onClose}
      label={title}
      placement="right"
      wide
      titled
      described={!!description}
      initialFocus="panel"
    >
      <DialogHeader title={title} description={description} onClose={onClose} />
      {/* Focusable, so a keyboard alone can scroll a long body (a log's trace and bodies). */}
      <div role="region" aria-label={title} tabIndex={0} className="min-h-0 flex-1 overflow-y-auto px-5 py-4">
        {children}
      </div>
    </Modal>
  );
}
