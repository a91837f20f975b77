import { useId, useState, type FormEvent } from 'react';
import { Dialog, FormFooter } from '../../../components/ui/dialog';
import { SelectField, TextAreaField, TextField } from '../../../components/ui/field';
import { AddRowButton, RemoveRowButton } from '../../../components/ui/row-list';
import { useModelRefs } from '../../providers/api/get-model-refs';
import {
  experimentBodyOf,
  experimentFormDefaults,
  percentTotal,
  type ExperimentFormState,
} from '../experiment-form';
import type { CreateExperimentBody } from '@switchyard/core';

const TARGET_HINT =
  'An alias (the experiment’s own alias = as configured), a power level or a model (provider/model).';

/** Create an experiment: the alias, its variants (name, percent, target), stickiness and an optional window. */
export function ExperimentDialog({
  open,
  onClose,
  pending,
  aliases,
  levels,
  submit,
}: {
  open: boolean;
  onClose: () => void;
  pending: boolean;
  aliases: string[];
  levels: string[];
  submit: (b: CreateExperimentBody) => Promise<unknown>;
}) {
  const [f, setF] = useState<ExperimentFormState>(() => experimentFormDefaults(aliases[0] ?? ''));
  const [error, setError] = useState<unknown>(null);
  const refs = useModelRefs(open);
  const listId = useId();
  const choices = [...aliases, ...levels, ...(refs.data ?? []).map((m) => `${m.provider.slug}/${m.modelId}`)];
  const close = () => {
    setF(experimentFormDefaults(aliases[0] ?? ''));
    setError(null);
    onClose();
  };
  const setVariant = (i: number, over: Partial<ExperimentFormState['variants'][number]>) =>
    setF((s) => ({ ...s, variants: s.variants.map((v, j) => (j === i ? { ...v, ...over } : v)) }));
  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    const r = experimentBodyOf(f);
    if (!r.ok) {
      setError(r.error);
      return;
    }
    setError(null);
    try {
      await submit(r.body);
      setF(experimentFormDefaults(aliases[0] ?? ''));
    } catch (err) {
      setError(err);
    }
  };
  const total = percentTotal(f.variants);
  return (
    <Dialog
      open={open}
      onClose={close}
      title="Create an experiment"
      description="Split an alias’s traffic between variants. It is a draft until you start it."
      wide
      contained
    >
      <form
        onSubmit={(e) => void onSubmit(e)}
        noValidate
        aria-label="New experiment"
        className="grid grid-cols-1 gap-3 sm:grid-cols-2"
      >
        <datalist id={listId}>
          {choices.map((c) => (
            <option key={c} value={c} />
          ))}
        </datalist>
        <TextField
          label="Name"
          value={f.name}
          onChange={(e) => setF({ ...f, name: e.target.value })}
          data-autofocus
        />
        <SelectField
          label="Alias"
          value={f.alias}
          onChange={(e) => setF({ ...f, alias: e.target.value })}
          hint="The alias whose traffic is split."
        >
          {aliases.length === 0 ? <option value="">No aliases yet</option> : null}
          {aliases.map((a) => (
            <option key={a} value={a}>
              {a}
            </option>
          ))}
        </SelectField>
        <TextAreaField
          label="Description"
          value={f.description}
          maxLength={1000}
          onChange={(e) => setF({ ...f, description: e.target.value })}
          className="sm:col-span-2"
        />
        <SelectField
          label="Sticky per"
          value={f.stickiness}
          onChange={(e) => setF({ ...f, stickiness: e.target.value as ExperimentFormState['stickiness'] })}
          hint="User and key keep each caller on one variant; request draws anew each time."
        >
          <option value="user">user</option>
          <option value="key">gateway key</option>
          <option value="request">request</option>
        </SelectField>
        <div />
        <TextField
          label="Starts at (optional)"
          type="datetime-local"
          value={f.startsAt}
          onChange={(e) => setF({ ...f, startsAt: e.target.value })}
          hint="Empty: when you start it."
        />
        <TextField
          label="Ends at (optional)"
          type="datetime-local"
          value={f.endsAt}
          onChange={(e) => setF({ ...f, endsAt: e.target.value })}
          hint="Empty: until you stop it."
        />
        <fieldset className="sm:col-span-2">
          <legend className="mb-2 text-sm font-medium">
            Variants{' '}
            <span className={total === 100 ? 'text-muted' : 'text-danger'}>(total {total}% of 100%)</span>
          </legend>
          <div className="flex flex-col gap-2">
            {f.variants.map((v, i) => (
              <div
                key={i}
                className="grid grid-cols-[1fr_6rem_2fr_auto] items-end gap-2"
                data-testid="variant-row"
              >
                <TextField
                  label={`Variant ${i + 1} name`}
                  value={v.name}
                  onChange={(e) => setVariant(i, { name: e.target.value })}
                />
                <TextField
                  label="Percent"
                  inputMode="numeric"
                  value={v.percent}
                  onChange={(e) => setVariant(i, { percent: e.target.value })}
                />
                <TextField
                  label="Target"
                  list={listId}
                  value={v.target}
                  onChange={(e) => setVariant(i, { target: e.target.value })}
                  hint={i === 0 ? TARGET_HINT : undefined}
                />
                <RemoveRowButton
                  label={`Remove variant ${i + 1}`}
                  disabled={f.variants.length <= 2}
                  onClick={() => setF({ ...f, variants: f.variants.filter((_, j) => j !== i) })}
                />
              </div>
            ))}
          </div>
          <AddRowButton
            disabled={f.variants.length >= 10}
            onClick={() =>
              setF({
                ...f,
                variants: [
                  ...f.variants,
                  { name: `variant-${f.variants.length + 1}`, percent: '0', target: '' },
                ],
              })
            }
          >
            Add variant
          </AddRowButton>
        </fieldset>
        <FormFooter error={error} onCancel={close} pending={pending} submitLabel="Create experiment" />
      </form>
    </Dialog>
  );
}
