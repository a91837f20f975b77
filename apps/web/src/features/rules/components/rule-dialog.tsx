import type { CreateRuleInput } from '@switchyard/core';
import { useId, useState, type ChangeEvent } from 'react';
import { Dialog, FormFooter } from '../../../components/ui/dialog';
import { CheckboxField, SelectField, TextAreaField, TextField } from '../../../components/ui/field';
import {
  DAY_LABELS,
  emptyRuleForm,
  ruleBodyOf,
  ruleFormOf,
  type RuleForm,
  type TriState,
} from '../rule-form';
import type { Rule } from '../api/types';

const TRI: { value: TriState; label: string }[] = [
  { value: 'any', label: 'Either' },
  { value: 'yes', label: 'Yes' },
  { value: 'no', label: 'No' },
];

/**
 * Create or edit a routing rule: its conditions (time window, caller, request, headers, metadata; all optional, all
 * must hold) and its action (route, strategy, preferred region).
 */
export function RuleDialog({
  open,
  rule,
  onClose,
  pending,
  submit,
  modelNames,
}: {
  open: boolean;
  rule?: Rule;
  onClose: () => void;
  pending: boolean;
  submit: (body: CreateRuleInput) => Promise<unknown>;
  modelNames: string[];
}) {
  const [f, setF] = useState<RuleForm>(() => (rule ? ruleFormOf(rule) : emptyRuleForm()));
  const [error, setError] = useState<unknown>(null);
  const listId = useId();
  const text = (k: keyof RuleForm) => ({
    value: f[k] as string,
    onChange: (e: ChangeEvent<HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement>) =>
      setF({ ...f, [k]: e.target.value }),
  });
  const close = () => {
    setF(rule ? ruleFormOf(rule) : emptyRuleForm());
    setError(null);
    onClose();
  };
  const toggleDay = (d: number) =>
    setF({ ...f, days: f.days.includes(d) ? f.days.filter((x) => x !== d) : [...f.days, d].sort() });
  return (
    <Dialog
      open={open}
      onClose={close}
      title={rule ? `Edit ${rule.name}` : 'Create a rule'}
      description="Every condition you fill in must hold (leave one empty to ignore it). The first enabled rule that matches decides."
      wide
    >
      <form
        noValidate
        aria-label={rule ? 'Edit rule' : 'New rule'}
        className="grid grid-cols-1 gap-3 sm:grid-cols-2"
        onSubmit={(e) => {
          e.preventDefault();
          setError(null);
          submit(ruleBodyOf(f)).catch((err: unknown) => setError(err));
        }}
      >
        <datalist id={listId}>
          {modelNames.map((c) => (
            <option key={c} value={c} />
          ))}
        </datalist>
        <TextField label="Name" {...text('name')} data-autofocus />
        <CheckboxField
          label="Enabled"
          checked={f.enabled}
          onChange={(e) => setF({ ...f, enabled: e.target.checked })}
          className="self-end"
        />
        <fieldset className="grid grid-cols-1 gap-3 rounded-md border border-border p-3 sm:col-span-2 sm:grid-cols-3">
          <legend className="px-1 text-sm font-medium">Time window</legend>
          <TextField
            label="Time zone"
            {...text('tz')}
            placeholder="UTC, Europe/Paris…"
            hint="Empty: any time."
          />
          <TextField label="From (HH:MM)" {...text('from')} placeholder="22:00" />
          <TextField
            label="To (HH:MM)"
            {...text('to')}
            placeholder="06:00"
            hint="Earlier than From: past midnight."
          />
          <div className="flex flex-wrap gap-3 sm:col-span-3" role="group" aria-label="Days">
            {DAY_LABELS.map((d, i) => (
              <CheckboxField key={d} label={d} checked={f.days.includes(i)} onChange={() => toggleDay(i)} />
            ))}
          </div>
        </fieldset>
        <fieldset className="grid grid-cols-1 gap-3 rounded-md border border-border p-3 sm:col-span-2 sm:grid-cols-3">
          <legend className="px-1 text-sm font-medium">Caller</legend>
          <TextField label="Roles" {...text('roles')} placeholder="user, admin" />
          <TextField label="Power levels" {...text('powerLevels')} placeholder="eco, balanced" />
          <TextField label="Regions" {...text('regions')} hint="Of the key (else its app)." />
          <TextField label="Organization ids" {...text('orgIds')} />
          <TextField label="App ids" {...text('appIds')} />
          <TextField label="Key ids" {...text('keyIds')} />
        </fieldset>
        <fieldset className="grid grid-cols-1 gap-3 rounded-md border border-border p-3 sm:col-span-2 sm:grid-cols-3">
          <legend className="px-1 text-sm font-medium">Request</legend>
          <TextField label="Endpoints" {...text('endpoints')} placeholder="chat, messages" />
          <TextField label="Formats" {...text('formats')} placeholder="openai, anthropic" />
          <SelectField label="Streaming" {...text('stream')}>
            {TRI.map((o) => (
              <option key={o.value} value={o.value}>
                {o.label}
              </option>
            ))}
          </SelectField>
          <SelectField label="With tools" {...text('hasTools')}>
            {TRI.map((o) => (
              <option key={o.value} value={o.value}>
                {o.label}
              </option>
            ))}
          </SelectField>
          <SelectField label="With images" {...text('hasImages')}>
            {TRI.map((o) => (
              <option key={o.value} value={o.value}>
                {o.label}
              </option>
            ))}
          </SelectField>
          <div className="grid grid-cols-2 gap-2">
            <TextField label="Min prompt tokens" inputMode="numeric" {...text('minPromptTokens')} />
            <TextField label="Max prompt tokens" inputMode="numeric" {...text('maxPromptTokens')} />
          </div>
          <TextAreaField
            label="Headers"
            {...text('headers')}
            className="sm:col-span-2"
            hint="One per line: name: value, name ~ regex, or name (present)."
          />
          <TextAreaField label="Metadata" {...text('metadata')} hint="One per line: key=value." />
        </fieldset>
        <fieldset className="grid grid-cols-1 gap-3 rounded-md border border-border p-3 sm:col-span-2 sm:grid-cols-3">
          <legend className="px-1 text-sm font-medium">Then</legend>
          <TextField
            label="Route to"
            list={listId}
            {...text('route')}
            hint="An alias, a power level or a model (provider/model)."
          />
          <SelectField label="Strategy" {...text('strategy')}>
            <option value="">Unchanged</option>
            <option value="cost">cost</option>
            <option value="balanced">balanced</option>
            <option value="quality">quality</option>
          </SelectField>
          <TextField
            label="Prefer region"
            {...text('region')}
            hint="Providers in it first; the others stay as fallbacks."
          />
        </fieldset>
        <FormFooter
          error={error}
          onCancel={close}
          pending={pending}
          submitLabel={rule ? 'Save changes' : 'Create rule'}
        />
      </form>
    </Dialog>
  );
}
