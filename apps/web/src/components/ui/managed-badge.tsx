import { Badge } from './badge';

const OVERWRITE = 'the next `switchyard config apply` overwrites changes made here';

/** Marks an object the applied configuration file lists (README "GitOps"). */
export function ManagedBadge({ managed }: { managed: boolean }) {
  if (!managed) return null;
  return (
    <span data-testid="managed-badge" title={`Listed in the configuration file: ${OVERWRITE}.`}>
      <Badge tone="muted">managed by config file</Badge>
    </span>
  );
}

/** The warning an edit form shows for an object the configuration file manages (the edit is allowed). */
export function ManagedNotice({ managed, what }: { managed: boolean | undefined; what: string }) {
  if (!managed) return null;
  return (
    <p
      role="note"
      data-testid="managed-notice"
      className="col-span-full rounded-lg bg-amber-500/15 px-3 py-2 text-sm text-amber-500"
    >
      This {what} is managed by the configuration file: {OVERWRITE}. Change the file to keep the change.
    </p>
  );
}
