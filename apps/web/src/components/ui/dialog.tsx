import { X } from 'lucide-react';
import type { ReactNode } from 'react';
import { Button } from './button';
import { Modal, ModalDescription, ModalTitle } from './modal';

/** A titled dialog: header with a close button, a body, and an optional footer of actions. */
export function Dialog({
  open,
  onClose,
  title,
  description,
  children,
  footer,
  wide,
  role,
  placement,
  contained = false,
}: {
  open: boolean;
  onClose: () => void;
  title: string;
  description?: ReactNode;
  children?: ReactNode;
  footer?: ReactNode;
  wide?: boolean;
  role?: 'dialog' | 'alertdialog';
  placement?: 'center' | 'right';
  /** At most 90% of the screen's height, the body scrolling between header and footer; a blurred backdrop. */
  contained?: boolean;
}) {
  return (
    <Modal
      contained={contained}
      open={open}
      onClose={onClose}
      label={title}
      wide={wide}
      role={role}
      placement={placement}
      titled
      described={!!description}
    >
      <DialogHeader title={title} description={description} onClose={onClose} />
      {children ? (
        <div className={contained ? 'min-h-0 flex-1 overflow-y-auto px-5 py-4' : 'px-5 py-4'}>{children}</div>
      ) : null}
      {footer ? (
        <div className="flex flex-wrap justify-end gap-2 border-t border-border px-5 py-3">{footer}</div>
      ) : null}
    </Modal>
  );
}

/** A dialog's title, optional description and close button (inside a `Modal` with `titled`, which they name and describe). */
export function DialogHeader({
  title,
  description,
  onClose,
}: {
  title: string;
  description?: ReactNode;
  onClose: () => void;
}) {
  return (
    <div className="flex items-start gap-3 border-b border-border px-5 py-4">
      <div className="min-w-0 flex-1">
        <ModalTitle className="text-base font-semibold">{title}</ModalTitle>
        {description ? (
          <ModalDescription asChild>
            <div className="mt-1 text-sm text-muted">{description}</div>
          </ModalDescription>
        ) : null}
      </div>
      <button
        type="button"
        aria-label="Close"
        onClick={onClose}
        className="-mr-2 rounded-lg p-2 text-muted hover:bg-surface-2 hover:text-fg"
      >
        <X aria-hidden className="h-4 w-4" />
      </button>
    </div>
  );
}

/** "Are you sure?": names what happens, shows the API's error if the action fails. */
export function ConfirmDialog({
  open,
  onClose,
  title,
  body,
  confirmLabel,
  pendingLabel,
  onConfirm,
  pending = false,
  error,
  danger = true,
}: {
  open: boolean;
  onClose: () => void;
  title: string;
  body: ReactNode;
  confirmLabel: string;
  pendingLabel?: string;
  onConfirm: () => void;
  pending?: boolean;
  error?: unknown;
  danger?: boolean;
}) {
  return (
    <Dialog
      open={open}
      onClose={onClose}
      title={title}
      role="alertdialog"
      footer={
        <>
          <Button variant="ghost" type="button" onClick={onClose}>
            Cancel
          </Button>
          <Button
            variant={danger ? 'danger' : 'primary'}
            type="button"
            disabled={pending}
            onClick={onConfirm}
          >
            {pending ? (pendingLabel ?? 'Working…') : confirmLabel}
          </Button>
        </>
      }
    >
      <div className="text-sm">{body}</div>
      {error ? <FormError error={error} /> : null}
    </Dialog>
  );
}

/** What ConfirmActionDialog needs of a react-query mutation. */
export interface ConfirmableMutation<V> {
  mutate: (variables: V, options: { onSuccess: () => void }) => void;
  reset: () => void;
  isPending: boolean;
  error: unknown;
}

/**
 * "Are you sure?" about one item: open while `target` is set. Confirming runs `mutation` with `variables(target)` and
 * closes when it succeeds (its error shows otherwise); closing clears the mutation's error.
 */
export function ConfirmActionDialog<T, V>({
  target,
  onClose,
  mutation,
  variables,
  ...rest
}: {
  target: T | null;
  onClose: () => void;
  mutation: ConfirmableMutation<V>;
  variables: (target: T) => V;
  title: string;
  body: ReactNode;
  confirmLabel: string;
  pendingLabel?: string;
  danger?: boolean;
}) {
  return (
    <ConfirmDialog
      {...rest}
      open={target !== null}
      onClose={() => {
        onClose();
        mutation.reset();
      }}
      pending={mutation.isPending}
      error={mutation.error}
      onConfirm={() => target !== null && mutation.mutate(variables(target), { onSuccess: onClose })}
    />
  );
}

/**
 * The end of a dialog's form: the error that belongs to no one field (if any), Cancel, and the submit button, which
 * reads `pendingLabel` and is disabled while the request is in flight. Spans both columns of a two-column form.
 */
export function FormFooter({
  error,
  onCancel,
  pending,
  submitLabel,
  pendingLabel = 'Saving…',
}: {
  error?: unknown;
  onCancel: () => void;
  pending: boolean;
  submitLabel: string;
  pendingLabel?: string;
}) {
  return (
    <>
      {error ? (
        <div className="sm:col-span-2">
          <FormError error={error} />
        </div>
      ) : null}
      <div className="flex justify-end gap-2 sm:col-span-2">
        <Button type="button" variant="ghost" onClick={onCancel}>
          Cancel
        </Button>
        <Button type="submit" disabled={pending}>
          {pending ? pendingLabel : submitLabel}
        </Button>
      </div>
    </>
  );
}

/** An error that belongs to no one field. */
export function FormError({ error }: { error: unknown }) {
  const message =
    error instanceof Error ? error.message : typeof error === 'string' ? error : 'Something went wrong.';
  return (
    <p role="alert" className="mt-3 rounded-lg bg-danger/10 px-3 py-2 text-sm text-danger">
      {message}
    </p>
  );
}
