import type { UpdatePowerLevelBody } from '@switchyard/core';
import { useId } from 'react';
import { Dialog, FormFooter } from '../../../components/ui/dialog';
import { CheckboxField, SelectField, TextAreaField, TextField } from '../../../components/ui/field';
import { useZodForm } from '../../../lib/zod-form';
import type { PowerLevel } from '../api/types';
import { powerLevelForm, powerLevelFormDefaults } from '../power-level-form';

/** Edit a power level: its name, description, the tier it draws from, the models tried first, enabled. */
export function PowerLevelDialog({
  level,
  refs,
  onClose,
  pending,
  submit,
}: {
  level: PowerLevel;
  refs: string[];
  onClose: () => void;
  pending: boolean;
  submit: (b: UpdatePowerLevelBody) => Promise<unknown>;
}) {
  const listId = useId();
  const f = useZodForm(powerLevelForm, powerLevelFormDefaults(level), submit);
  const { register } = f;
  return (
    <Dialog
      open
      onClose={onClose}
      title={`Edit power level ${level.name}`}
      description={`Clients send "${level.slug}" (or "auto" at this level).`}
      wide
    >
      <form
        onSubmit={(e) => void f.onSubmit(e)}
        noValidate
        aria-label="Edit power level"
        className="grid grid-cols-1 gap-3 sm:grid-cols-2"
      >
        <datalist id={listId}>
          {refs.map((r) => (
            <option key={r} value={r} />
          ))}
        </datalist>
        <TextField label="Name" {...register('name')} error={f.err('name')} data-autofocus />
        <SelectField
          label="Tier"
          {...register('tier')}
          error={f.err('tier')}
          hint="The models of this tier follow the listed ones (priced models only)."
        >
          <option value="eco">eco</option>
          <option value="balanced">balanced</option>
          <option value="precision">precision</option>
        </SelectField>
        <TextField
          label="Models tried first"
          {...register('modelRefs')}
          list={listId}
          error={f.err('modelRefs')}
          hint="provider/model references, comma-separated, in order. Empty: the tier alone, ordered by the global strategy."
          className="sm:col-span-2"
          spellCheck={false}
          autoComplete="off"
        />
        <TextAreaField
          label="Description"
          {...register('description')}
          error={f.err('description')}
          className="sm:col-span-2"
          rows={2}
        />
        <CheckboxField
          label="Enabled"
          {...register('enabled')}
          hint="A disabled level is not offered and does not route."
          className="sm:col-span-2"
        />
        <FormFooter error={f.formError} onCancel={onClose} pending={pending} submitLabel="Save changes" />
      </form>
    </Dialog>
  );
}
