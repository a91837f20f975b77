import { ConfirmDialog } from '../../../components/ui/dialog';
import type { GatewayKey } from '../api/types';

/** Confirms a revoke; the key stops working at once. */
export function RevokeKeyDialog({ target, onClose, onConfirm, pending, error }: { target: GatewayKey | null; onClose: () => void; onConfirm: (k: GatewayKey) => void; pending: boolean; error: unknown }) {
  return (
    <ConfirmDialog
      open={!!target}
      onClose={onClose}
      title="Revoke this key?"
      body={
        target ? (
          <p>
            <strong>{target.name}</strong> (<code>{target.prefix}…</code>) stops working at once. Requests that use it will be refused. This cannot be undone.
          </p>
        ) : null
      }
      confirmLabel="Revoke key"
      pendingLabel="Revoking…"
      pending={pending}
      error={error}
      onConfirm={() => target && onConfirm(target)}
    />
  );
}
