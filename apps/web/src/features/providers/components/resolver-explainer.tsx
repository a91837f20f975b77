import { ChevronDown, Play } from 'lucide-react';
import { useState } from 'react';
import { Button } from '../../../components/ui/button';

const STEPS = [
  {
    title: 'Look up alias',
    body: "The client asks for an alias (fast-chat), a power level (eco) or a raw model (openai/gpt-4o). An alias resolves to its weighted targets and fallbacks; an organization's alias wins over a global one.",
  },
  {
    title: 'Pick provider',
    body: 'Candidates are ordered by the alias strategy or the global routing strategy; disabled providers, missing capabilities, open circuits and full rate-limit buckets are skipped.',
  },
  {
    title: 'Check key',
    body: "The caller's own key (BYOK) wins, then the organization's, then the provider's stored or environment key. A candidate without a usable key is skipped.",
  },
  {
    title: 'Dispatch & bill',
    body: 'The call goes out; on failure the next candidate in order is tried (fallback chains, auto-fallback) up to the attempt cap. Tokens and cost land in the usage log and the spend counters.',
  },
];

/** What happens when a client asks for a model: the resolver's four steps, and a way to trace a request. */
export function ResolverExplainer({ onTrace, canTrace }: { onTrace: () => void; canTrace: boolean }) {
  // The steps are reference text: once hidden they stay hidden (per browser); the trace button stays in view.
  const [open, setOpen] = useState(() => localStorage.getItem('switchyard.resolverExplainer') !== 'closed');
  const toggle = () =>
    setOpen((o) => {
      localStorage.setItem('switchyard.resolverExplainer', o ? 'closed' : 'open');
      return !o;
    });
  return (
    <section
      aria-labelledby="resolver-heading"
      className="min-w-0 rounded-2xl border border-border bg-surface p-4"
    >
      <div className="mb-3 flex flex-wrap items-end justify-between gap-2">
        <div className="min-w-0">
          <h3 id="resolver-heading" className="font-semibold">
            Resolver trace
          </h3>
          <p className="text-sm text-muted">What happens when a client asks for a model.</p>
        </div>
        <div className="flex flex-wrap gap-2">
          <Button variant="ghost" onClick={toggle} aria-expanded={open} aria-controls="resolver-steps">
            <ChevronDown aria-hidden className={`h-4 w-4 transition ${open ? 'rotate-180' : ''}`} />{' '}
            {open ? 'Hide the steps' : 'Show the steps'}
          </Button>
          {canTrace ? (
            <Button onClick={onTrace}>
              <Play aria-hidden className="h-4 w-4" /> Trace this request
            </Button>
          ) : null}
        </div>
      </div>
      {open ? (
        <ol id="resolver-steps" className="grid grid-cols-1 gap-3 sm:grid-cols-2 xl:grid-cols-4">
          {STEPS.map((s, i) => (
            <li key={s.title} className="min-w-0 rounded-xl bg-surface-2/60 p-3">
              <p className="flex items-center gap-2 font-medium">
                <span className="hero-gradient grid h-6 w-6 shrink-0 place-items-center rounded-full text-xs text-white">
                  {i + 1}
                </span>
                {s.title}
              </p>
              <p className="mt-1 text-sm text-muted">{s.body}</p>
            </li>
          ))}
        </ol>
      ) : null}
    </section>
  );
}
