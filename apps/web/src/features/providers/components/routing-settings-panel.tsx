import { useEffect, useId, useRef } from 'react';
import { useLocation } from 'react-router';
import { Button } from '../../../components/ui/button';
import { FormError } from '../../../components/ui/dialog';
import { CheckboxField, TextField } from '../../../components/ui/field';
import { ErrorState, Skeleton } from '../../../components/ui/states';
import { formatRelative } from '../../../lib/format';
import { useZodForm } from '../../../lib/zod-form';
import { useRoutingRules } from '../api/get-routing-rules';
import type { RoutingRules } from '../api/types';
import { useUpdateRoutingRules } from '../api/update-routing-rules';
import {
  humanMs,
  routingSettingsDefaults,
  routingSettingsForm,
  type RoutingSettingsValues,
} from '../routing-settings-form';

const FIELDS: {
  name: Exclude<keyof RoutingSettingsValues, 'policyFallback' | 'defaultModel' | 'strategy'>;
  label: string;
  hint: string;
  ms?: boolean;
}[] = [
  {
    name: 'maxAttempts',
    label: 'Max attempts',
    hint: 'Targets tried per request (1–10), fallbacks included.',
  },
  { name: 'maxRetries', label: 'Retries', hint: 'Same-target retries of a 5xx, reset or 408/409 (0–5).' },
  {
    name: 'circuitFailureThreshold',
    label: 'Circuit opens after',
    hint: 'Failed requests in a row on one provider × model (1–100).',
  },
  {
    name: 'circuitOpenMs',
    label: 'Circuit open for (ms)',
    hint: 'Before one probe is let through.',
    ms: true,
  },
  {
    name: 'rateLimitCooldownMs',
    label: '429 cooldown (ms)',
    hint: 'When the provider sends no Retry-After.',
    ms: true,
  },
  {
    name: 'billingCooldownMs',
    label: 'Billing cooldown (ms)',
    hint: 'Out of credit or quota (402).',
    ms: true,
  },
  { name: 'authCooldownMs', label: 'Auth cooldown (ms)', hint: 'The key only, after 401/403.', ms: true },
  {
    name: 'modelNotFoundCooldownMs',
    label: 'Unknown-model cooldown (ms)',
    hint: 'The provider says the model does not exist.',
    ms: true,
  },
];

/** Retries, the circuit breaker, cooldowns, policy fallback and the default model: stored, used by the next request. */
export function RoutingSettingsPanel({ canEdit, suggestions }: { canEdit: boolean; suggestions: string[] }) {
  const rules = useRoutingRules();
  // Held here: a save changes `updatedAt`, which gives the form fresh defaults (a new instance) with the saved state.
  const save = useUpdateRoutingRules();
  if (rules.isPending) return <Skeleton className="h-56" />;
  if (rules.isError) return <ErrorState error={rules.error} onRetry={() => void rules.refetch()} />;
  return (
    <RoutingSettingsForm
      key={rules.data.updatedAt ?? 'default'}
      rules={rules.data}
      save={save}
      canEdit={canEdit}
      suggestions={suggestions}
    />
  );
}

function RoutingSettingsForm({
  rules,
  save,
  canEdit,
  suggestions,
}: {
  rules: RoutingRules;
  save: ReturnType<typeof useUpdateRoutingRules>;
  canEdit: boolean;
  suggestions: string[];
}) {
  const listId = useId();
  const f = useZodForm(routingSettingsForm, routingSettingsDefaults(rules), (body) => save.mutateAsync(body));
  const watched = f.form.watch();
  // The routing summary links here (`#routing-settings`): bring the form into view.
  const { hash } = useLocation();
  const ref = useRef<HTMLElement>(null);
  useEffect(() => {
    if (hash === '#routing-settings') ref.current?.scrollIntoView({ block: 'start' });
  }, [hash]);
  return (
    <section
      ref={ref}
      id="routing-settings"
      aria-labelledby="routing-settings-heading"
      className="min-w-0 rounded-2xl border border-border bg-surface p-4"
    >
      <div className="mb-3 flex flex-wrap items-baseline justify-between gap-2">
        <h3 id="routing-settings-heading" className="font-semibold">
          Retries, cooldowns and default model
        </h3>
        <p className="text-xs text-muted" role="status">
          {save.isPending
            ? 'Saving…'
            : save.isSuccess
              ? 'Saved: takes effect now'
              : rules.updatedAt
                ? `Changed ${formatRelative(rules.updatedAt)}`
                : 'Defaults'}
        </p>
      </div>
      <form
        onSubmit={(e) => void f.onSubmit(e)}
        noValidate
        aria-label="Routing settings"
        className="grid grid-cols-1 gap-3 sm:grid-cols-2 xl:grid-cols-4"
      >
        <datalist id={listId}>
          {suggestions.map((s) => (
            <option key={s} value={s} />
          ))}
        </datalist>
        {FIELDS.map((fd) => {
          const typed = Number(watched[fd.name]);
          return (
            <TextField
              key={fd.name}
              label={fd.label}
              {...f.register(fd.name)}
              inputMode="numeric"
              readOnly={!canEdit}
              error={f.err(fd.name)}
              hint={
                fd.ms && Number.isFinite(typed) && humanMs(typed) ? `${fd.hint} = ${humanMs(typed)}` : fd.hint
              }
            />
          );
        })}
        <TextField
          label="Default model"
          {...f.register('defaultModel')}
          list={listId}
          readOnly={!canEdit}
          error={f.err('defaultModel')}
          hint='For requests with no model or "default": an alias, a power level or provider/model (that model then carries the Default marker on the Models page, and marking a global model there sets this). Blank: refused.'
          className="sm:col-span-2"
          spellCheck={false}
          autoComplete="off"
        />
        <CheckboxField
          label="Fall back after a policy block"
          {...f.register('policyFallback')}
          disabled={!canEdit}
          hint="Off: a provider's content-policy refusal is the answer. On: the next provider is asked."
          className="sm:col-span-2 sm:self-center"
        />
        {canEdit ? (
          <div className="flex flex-wrap items-center gap-2 sm:col-span-2 xl:col-span-4">
            <Button type="submit" disabled={save.isPending || !f.form.formState.isDirty}>
              {save.isPending ? 'Saving…' : 'Save routing settings'}
            </Button>
            {f.formError ? <FormError error={f.formError} /> : null}
          </div>
        ) : null}
      </form>
    </section>
  );
}
