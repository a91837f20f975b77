import type { CreateAliasBody, UpdateAliasBody } from '@switchyard/core';
import { Plus, Trash2 } from 'lucide-react';
import { useId, useState, type FormEvent } from 'react';
import { Button } from '../../../components/ui/button';
import { Dialog, FormFooter } from '../../../components/ui/dialog';
import { CheckboxField, SelectField, TextAreaField, TextField } from '../../../components/ui/field';
import { ManagedNotice } from '../../../components/ui/managed-badge';
import { sentence, type FieldErrors } from '../../../lib/forms';
import type { Alias } from '../api/types';
import { serverFieldErrors } from '../provider-form';
import {
  ALIAS_STRATEGY_LABELS,
  ALIAS_STRATEGY_VALUES,
  newTargetRow,
  readCreateAliasForm,
  readUpdateAliasForm,
  type TargetRow,
} from '../routing-form';

type Props =
  | { mode: 'create'; alias?: undefined; submit: (b: CreateAliasBody) => Promise<unknown> }
  | { mode: 'edit'; alias: Alias; submit: (b: UpdateAliasBody) => Promise<unknown> };

/** Create or edit an alias: the requested name, weighted targets, strategy, fallbacks, scope. */
export function AliasDialog({
  onClose,
  pending,
  refs,
  orgs,
  ...p
}: Props & {
  onClose: () => void;
  pending: boolean;
  refs: string[];
  orgs: { id: string; name: string }[] | null;
}) {
  const a = p.alias;
  const listId = useId();
  const [name, setName] = useState(a?.name ?? '');
  const [orgId, setOrgId] = useState(a?.orgId ?? '');
  const [strategy, setStrategy] = useState<string>(a?.strategy ?? 'quota-aware');
  const [targets, setTargets] = useState<TargetRow[]>(() =>
    a?.targets.length ? a.targets.map((t) => newTargetRow(t.ref, String(t.weight))) : [newTargetRow()],
  );
  const [fallbacks, setFallbacks] = useState((a?.fallbacks ?? []).join(', '));
  const [description, setDescription] = useState(a?.description ?? '');
  const [enabled, setEnabled] = useState(a?.enabled ?? true);
  const [cacheTtl, setCacheTtl] = useState(a?.cacheTtlSeconds != null ? String(a.cacheTtlSeconds) : '');
  const [errors, setErrors] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<unknown>(null);
  const err = (n: string) => sentence(errors[n]);

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    const values = { name, orgId, strategy, targets, fallbacks, description, enabled, cacheTtl };
    const parsed = p.mode === 'create' ? readCreateAliasForm(values) : readUpdateAliasForm(values);
    setFormError(null);
    if (!parsed.ok) return setErrors(parsed.errors);
    setErrors({});
    try {
      if (p.mode === 'create') await p.submit(parsed.data as CreateAliasBody);
      else await p.submit(parsed.data as UpdateAliasBody);
    } catch (error) {
      const fields = serverFieldErrors(error, 'name', 'This name is already taken in this scope');
      if (Object.keys(fields).length) setErrors(fields);
      else setFormError(error);
    }
  };
  const setTarget = (i: number, patch: Partial<TargetRow>) =>
    setTargets((ts) => ts.map((t, j) => (j === i ? { ...t, ...patch } : t)));

  return (
    <Dialog
      open
      onClose={onClose}
      title={a ? `Edit alias ${a.name}` : 'Create an alias'}
      description="Clients ask for the alias; the gateway picks one of its targets."
      wide
    >
      <form
        onSubmit={(e) => void onSubmit(e)}
        noValidate
        aria-label={a ? 'Edit alias' : 'New alias'}
        className="grid grid-cols-1 gap-3 sm:grid-cols-2"
      >
        <ManagedNotice managed={a?.managedByConfig} what="alias" />
        <datalist id={listId}>
          {refs.map((r) => (
            <option key={r} value={r} />
          ))}
        </datalist>
        <TextField
          label="Alias name"
          value={name}
          onChange={(e) => setName(e.target.value)}
          error={err('name')}
          placeholder="fast-chat"
          hint="What clients send as the model."
          data-autofocus
        />
        {a ? (
          <TextField
            label="Scope"
            value={a.orgName ? `Organization: ${a.orgName}` : a.scope}
            readOnly
            hint="The scope cannot change."
          />
        ) : (
          <SelectField
            label="Scope"
            value={orgId}
            onChange={(e) => setOrgId(e.target.value)}
            error={err('orgId')}
            hint={
              orgs
                ? 'An organization alias wins over a global one for its members.'
                : 'Your role cannot list organizations.'
            }
          >
            <option value="">Global</option>
            {(orgs ?? []).map((o) => (
              <option key={o.id} value={o.id}>
                Organization: {o.name}
              </option>
            ))}
          </SelectField>
        )}
        <SelectField
          label="Strategy"
          value={strategy}
          onChange={(e) => setStrategy(e.target.value)}
          error={err('strategy')}
          className="sm:col-span-2"
          hint={ALIAS_STRATEGY_LABELS[strategy as keyof typeof ALIAS_STRATEGY_LABELS]}
        >
          {ALIAS_STRATEGY_VALUES.map((s) => (
            <option key={s} value={s}>
              {s === 'quota-aware' ? 'auto (quota-aware)' : s}
            </option>
          ))}
        </SelectField>
        <fieldset className="min-w-0 rounded-xl border border-border p-3 sm:col-span-2">
          <legend className="px-1 text-sm font-medium">Targets</legend>
          <ul className="flex flex-col gap-2">
            {targets.map((t, i) => (
              <li key={t.key} className="flex items-start gap-2" data-testid="alias-target">
                <TextField
                  label={`Target ${i + 1} model`}
                  list={listId}
                  value={t.ref}
                  onChange={(e) => setTarget(i, { ref: e.target.value })}
                  error={err(`targets.${i}.ref`)}
                  placeholder="provider/model"
                  className="min-w-0 flex-1"
                  spellCheck={false}
                  autoComplete="off"
                />
                <TextField
                  label="Weight"
                  inputMode="numeric"
                  value={t.weight}
                  onChange={(e) => setTarget(i, { weight: e.target.value })}
                  error={err(`targets.${i}.weight`)}
                  className="w-20 shrink-0"
                />
                <Button
                  type="button"
                  variant="ghost"
                  className="mt-6 shrink-0 px-2 text-danger"
                  onClick={() => setTargets((ts) => ts.filter((_, j) => j !== i))}
                  aria-label={`Remove target ${i + 1}`}
                  disabled={targets.length === 1}
                >
                  <Trash2 aria-hidden className="h-4 w-4" />
                </Button>
              </li>
            ))}
          </ul>
          {err('targets') && !Object.keys(errors).some((k) => k.startsWith('targets.')) ? (
            <p className="mt-1 text-xs text-danger">{err('targets')}</p>
          ) : null}
          <Button
            type="button"
            variant="subtle"
            className="mt-2"
            onClick={() => setTargets((ts) => [...ts, newTargetRow()])}
          >
            <Plus aria-hidden className="h-4 w-4" /> Add target
          </Button>
        </fieldset>
        <TextField
          label="Fallbacks"
          value={fallbacks}
          onChange={(e) => setFallbacks(e.target.value)}
          error={err('fallbacks')}
          hint="Tried in this order when every target fails; comma-separated."
          className="sm:col-span-2"
          spellCheck={false}
        />
        <TextField
          label="Response cache (seconds)"
          value={cacheTtl}
          onChange={(e) => setCacheTtl(e.target.value)}
          error={err('cacheTtlSeconds')}
          inputMode="numeric"
          placeholder="off"
          hint="Identical requests through this alias are answered from the cache (cost 0) for this long; empty = off. A request can still send x-switchyard-cache: no-store."
          className="sm:col-span-2"
        />
        <TextAreaField
          label="Description"
          value={description}
          onChange={(e) => setDescription(e.target.value)}
          error={err('description')}
          className="sm:col-span-2"
          rows={2}
        />
        <CheckboxField
          label="Enabled"
          checked={enabled}
          onChange={(e) => setEnabled(e.target.checked)}
          className="sm:col-span-2"
        />
        <FormFooter
          error={formError}
          onCancel={onClose}
          pending={pending}
          submitLabel={a ? 'Save changes' : 'Create alias'}
        />
      </form>
    </Dialog>
  );
}
