import { Activity, Brain, DollarSign, type LucideIcon } from 'lucide-react';
import { useState } from 'react';
import { FormError } from '../../../components/ui/dialog';
import { ErrorState, Skeleton } from '../../../components/ui/states';
import { formatRelative, plural } from '../../../lib/format';
import { useRoutingRules } from '../api/get-routing-rules';
import type { GlobalStrategy } from '../api/types';
import { useUpdateRoutingRules } from '../api/update-routing-rules';

const STRATEGIES: {
  value: GlobalStrategy;
  label: string;
  icon: LucideIcon;
  tone: string;
  bestFor: string;
}[] = [
  {
    value: 'cost',
    label: 'Cost optimized',
    icon: DollarSign,
    tone: 'text-green-500 border-green-500/60 bg-green-500/10',
    bestFor: 'High-volume, cost-sensitive work',
  },
  {
    value: 'balanced',
    label: 'Balanced',
    icon: Activity,
    tone: 'text-blue-500 border-blue-500/60 bg-blue-500/10',
    bestFor: 'General purpose',
  },
  {
    value: 'quality',
    label: 'Quality optimized',
    icon: Brain,
    tone: 'text-purple-500 border-purple-500/60 bg-purple-500/10',
    bestFor: 'Complex reasoning, high accuracy',
  },
];

/** The global routing strategy: saved as soon as it is picked (super admins only). */
export function StrategyPanel({ canChange }: { canChange: boolean }) {
  const rules = useRoutingRules();
  const update = useUpdateRoutingRules();
  // The pick is held in React state from the change event itself: a controlled radio whose
  // checked value waited for the mutation's pending state (delivered a tick later) was reset
  // by React right after the click, so the choice flickered back before it showed as saving.
  const [picked, setPicked] = useState<GlobalStrategy | null>(null);
  if (rules.isPending) return <Skeleton className="h-40" />;
  if (rules.isError) return <ErrorState error={rules.error} onRetry={() => void rules.refetch()} />;
  const current = picked ?? rules.data.strategy;
  return (
    <section
      aria-labelledby="strategy-heading"
      className="min-w-0 rounded-2xl border border-border bg-surface p-4"
    >
      <div className="mb-3 flex flex-wrap items-baseline justify-between gap-2">
        <h3 id="strategy-heading" className="font-semibold">
          Routing strategy
        </h3>
        <p className="text-xs text-muted" role="status">
          {update.isPending
            ? 'Saving…'
            : update.isSuccess
              ? 'Saved: takes effect now'
              : rules.data.updatedAt
                ? `Changed ${formatRelative(rules.data.updatedAt)}`
                : 'Default'}
        </p>
      </div>
      {!canChange ? (
        <p className="mb-3 text-xs text-muted" role="note">
          Only a super admin can change the routing strategy.
        </p>
      ) : null}
      <fieldset disabled={!canChange || update.isPending} className="grid grid-cols-1 gap-2 md:grid-cols-3">
        <legend className="sr-only">Routing strategy</legend>
        {STRATEGIES.map((s) => {
          const selected = current === s.value;
          return (
            <label
              key={s.value}
              className={`flex min-w-0 cursor-pointer items-start gap-3 rounded-xl border p-3 transition has-[:disabled]:cursor-not-allowed ${selected ? s.tone : 'border-border hover:border-accent/40'}`}
            >
              <input
                type="radio"
                name="strategy"
                value={s.value}
                checked={selected}
                onChange={() => {
                  setPicked(s.value);
                  // On success the saved rules are already in the cache; on failure the server's value shows again.
                  update.mutate({ strategy: s.value }, { onSettled: () => setPicked(null) });
                }}
                className="mt-1 accent-[var(--sy-accent)]"
              />
              <span className="min-w-0">
                <span className="flex items-center gap-1.5 font-medium text-fg">
                  <s.icon aria-hidden className="h-4 w-4" /> {s.label}
                </span>
                <span className="mt-1 block text-sm text-muted">{rules.data.strategies[s.value]}</span>
                <span className="mt-1 block text-xs text-muted">Best for: {s.bestFor}</span>
              </span>
            </label>
          );
        })}
      </fieldset>
      {update.isError ? <FormError error={update.error} /> : null}
      <p className="mt-3 text-xs text-muted">
        Up to {plural(rules.data.maxAttempts, 'attempt')} per request
        {rules.data.policyFallback ? '; falls back after a policy block' : ''}.
      </p>
    </section>
  );
}
