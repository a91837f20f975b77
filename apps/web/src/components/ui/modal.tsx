import * as DialogPrimitive from '@radix-ui/react-dialog';
import { useRef, type ReactNode } from 'react';
import './motion.css';

/** What takes focus when the panel opens: an element marked `data-autofocus`, else the first one (`first`) or the panel. */
function focusOnOpen(initialFocus: 'panel' | 'first') {
  return (e: Event) => {
    const panel = e.currentTarget as HTMLElement;
    const marked = panel.querySelector<HTMLElement>('[data-autofocus]');
    if (marked) {
      e.preventDefault();
      marked.focus();
    } else if (initialFocus === 'panel') {
      e.preventDefault();
      panel.focus();
    }
  };
}

/**
 * A modal dialog on Radix's primitive: it traps focus, closes on Escape and on the backdrop, and gives focus back
 * when it closes. `label` names it (a visually hidden title) unless `titled`: then a `DialogHeader` inside names it.
 * `onClose` may be a new function on every render: focus moves only when the dialog opens.
 */
export function Modal({
  open,
  onClose,
  label,
  children,
  role = 'dialog',
  wide = false,
  placement = 'center',
  titled = false,
  described = false,
  initialFocus = 'first',
  contained = false,
}: {
  open: boolean;
  onClose: () => void;
  label: string;
  children: ReactNode;
  role?: 'dialog' | 'alertdialog';
  wide?: boolean;
  /** 'right': a full-height drawer from the right edge. */
  placement?: 'center' | 'right';
  /** A `DialogHeader` inside renders the title. */
  titled?: boolean;
  /** A `DialogHeader` inside renders a description. */
  described?: boolean;
  initialFocus?: 'panel' | 'first';
  /** A long form: the panel stays within 90% of the screen's height and scrolls inside; the page behind blurs. */
  contained?: boolean;
}) {
  const drawer = placement === 'right';
  // Where focus was when the dialog opened (read while rendering the opening: an `autoFocus` control inside takes
  // focus before any effect runs); it goes back there on closing.
  const returnTo = useRef<HTMLElement | null>(null);
  const wasOpen = useRef(false);
  if (open && !wasOpen.current && typeof document !== 'undefined')
    returnTo.current = document.activeElement as HTMLElement | null;
  wasOpen.current = open;
  const width = wide ? 'max-w-2xl' : 'max-w-lg';
  return (
    <DialogPrimitive.Root open={open} onOpenChange={(o) => (o ? undefined : onClose())}>
      <DialogPrimitive.Portal>
        {/* The content sits inside the overlay, which scrolls a dialog taller than the screen; a press on it closes. */}
        <DialogPrimitive.Overlay
          className={
            drawer
              ? 'sy-fade-in fixed inset-0 z-50 flex justify-end bg-black/50'
              : contained
                ? 'sy-fade-in fixed inset-0 z-50 flex items-center justify-center bg-black/50 p-3 backdrop-blur-sm sm:p-4'
                : 'sy-fade-in fixed inset-0 z-50 flex items-start justify-center overflow-y-auto bg-black/50 p-3 pt-[8vh] sm:p-4 sm:pt-[12vh]'
          }
        >
          <DialogPrimitive.Content
            role={role}
            {...(described ? {} : { 'aria-describedby': undefined })}
            aria-modal="true"
            onOpenAutoFocus={focusOnOpen(initialFocus)}
            onCloseAutoFocus={() => {
              const el = returnTo.current;
              if (el?.isConnected) el.focus();
            }}
            className={
              drawer
                ? `sy-slide-in flex h-full w-full ${width} min-w-0 flex-col overflow-y-auto border-l border-border bg-surface shadow-2xl outline-none`
                : contained
                  ? `sy-rise-in flex max-h-[90vh] w-full ${width} min-w-0 flex-col overflow-hidden rounded-2xl border border-border bg-surface shadow-2xl outline-none`
                  : `sy-rise-in mb-8 w-full ${width} min-w-0 rounded-2xl border border-border bg-surface shadow-2xl outline-none`
            }
          >
            {titled ? null : <DialogPrimitive.Title className="sr-only">{label}</DialogPrimitive.Title>}
            {children}
          </DialogPrimitive.Content>
        </DialogPrimitive.Overlay>
      </DialogPrimitive.Portal>
    </DialogPrimitive.Root>
  );
}

export const ModalTitle = DialogPrimitive.Title;
export const ModalDescription = DialogPrimitive.Description;
