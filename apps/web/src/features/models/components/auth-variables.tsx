import type { AuthEntry } from '@switchyard/core';
import { Badge } from '../../../components/ui/badge';

/** Auth variables as the API shows them: the env name (resolved or not) or a secret's last four, never a value. */
export function AuthVariables({ entries, none }: { entries: readonly AuthEntry[]; none: string }) {
  if (entries.length === 0) return <p className="mb-2 text-xs text-muted">{none}</p>;
  return (
    <ul className="mb-2 flex flex-wrap gap-2" aria-label="Auth variables">
      {entries.map((a) => (
        <li key={a.name} className="rounded-lg border border-border px-2 py-1 text-xs">
          <code>{a.name}</code>{' '}
          {a.kind === 'env' ? (
            <>
              from <code>{a.env}</code>{' '}
              <Badge tone={a.resolved ? 'ok' : 'warn'}>{a.resolved ? 'resolved' : 'unresolved'}</Badge>
            </>
          ) : (
            <span className="text-muted">secret ••••{a.last4 ?? ''}</span>
          )}
        </li>
      ))}
    </ul>
  );
}
