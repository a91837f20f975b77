import { ShieldOff } from 'lucide-react';
import { Link } from 'react-router';

/** One calm page for a URL the signed-in role may not open (instead of every panel failing with a 403). */
export function NotAllowed({ roleLabel }: { roleLabel: string }) {
  return (
    <section
      aria-labelledby="not-allowed-title"
      className="mx-auto flex max-w-lg flex-col items-center gap-3 rounded-2xl border border-border bg-surface p-10 text-center"
    >
      <ShieldOff aria-hidden className="h-8 w-8 text-muted" />
      <h2 id="not-allowed-title" className="text-lg font-semibold">
        You don't have access to this page
      </h2>
      <p className="text-sm text-muted">
        Your role ({roleLabel}) can't open it. If you need it, ask an administrator to change your role.
      </p>
      <Link
        to="/"
        className="mt-2 rounded-lg bg-accent px-4 py-2 text-sm font-medium text-white hover:opacity-90"
      >
        Go to your home page
      </Link>
    </section>
  );
}
