import { AlertTriangle } from 'lucide-react';
import { Button } from '../../../components/ui/button';
import { CopyButton } from '../../../components/ui/copy-button';
import { Dialog } from '../../../components/ui/dialog';
import type { CreatedGatewayKey } from '../api/types';

/** The full key, shown once after creation, with a copy button and a warning that it cannot be shown again. */
export function KeyRevealDialog({
  created,
  onClose,
}: {
  created: CreatedGatewayKey | null;
  onClose: () => void;
}) {
  return (
    <Dialog
      open={!!created}
      onClose={onClose}
      title="Your new gateway key"
      description={created ? `“${created.name}” is ready. Use it as a Bearer token on /v1.` : undefined}
      footer={
        <Button type="button" onClick={onClose}>
          I have saved it
        </Button>
      }
    >
      {created ? (
        <div className="flex flex-col gap-3">
          <div
            role="alert"
            className="flex items-start gap-2 rounded-lg border border-amber-500/40 bg-amber-500/10 px-3 py-2 text-sm"
          >
            <AlertTriangle aria-hidden className="mt-0.5 h-4 w-4 shrink-0 text-amber-500" />
            <span>
              Copy this key now. It is shown only once: Switchyard stores only its hash and cannot show it
              again.
            </span>
          </div>
          <label htmlFor="new-key-value" className="text-sm font-medium">
            Key
          </label>
          <input
            id="new-key-value"
            readOnly
            value={created.key}
            data-testid="new-key-value"
            onFocus={(e) => e.currentTarget.select()}
            className="w-full min-w-0 rounded-lg border border-border bg-surface-2 px-3 py-2 font-mono text-xs"
          />
          <div>
            <CopyButton value={created.key} label="Copy key" />
          </div>
        </div>
      ) : null}
    </Dialog>
  );
}
