import { ConfirmActionDialog, type ConfirmableMutation } from '../../../components/ui/dialog';
import type { GatewayKey } from '../api/types';

/** Confirms a revoke (`mutation` takes the key's id); the key stops working at once. */
export function RevokeKeyDialog({
  target,
  onClose,
  mutation,
}: {
  target: GatewayKey | null;
  onClose: () => void;
  mutation: ConfirmableMutation<string>;
}) {
  return (
    <ConfirmActionDialog
      target={target}
      onClose={onClose}
      mutation={mutation}
      variables={(k) => k.id}
      title="Revoke this key?"
      body={
        target ? (
          <p>
            <strong>{target.name}</strong> (<code>{target.prefix}…</code>) stops working at once. Requests
            that use it will be refused. This cannot be undone.
          </p>
        ) : null
      }
      confirmLabel="Revoke key"
      pendingLabel="Revoking…"
    />
  );
}
