import {
  CAPABILITY_VALUES,
  QUALITY_TIER_VALUES,
  type CreateModelBody,
  type UpdateModelBody,
} from '@switchyard/core';
import { useState } from 'react';
import { Button } from '../../../components/ui/button';
import { Dialog, FormFooter } from '../../../components/ui/dialog';
import { CheckboxField, SelectField, TextAreaField, TextField } from '../../../components/ui/field';
import { ManagedNotice } from '../../../components/ui/managed-badge';
import { useZodForm } from '../../../lib/zod-form';
import type { ProviderChoice, RegistryModel } from '../api/types';
import type { ModelFormValues } from '../model-form';
import {
  CONFIG_EXAMPLE,
  createModelForm,
  modelFormDefaults,
  parseConfigJson,
  updateModelForm,
} from '../model-form';

const TIER_LABEL: Record<string, string> = {
  eco: 'Eco (cheap, simple tasks)',
  balanced: 'Balanced',
  precision: 'Precision (best quality)',
};

/** Add (no `model`) or edit a registry entry. API field errors land next to their fields. */
export function ModelDialog({
  open,
  model,
  providers,
  onClose,
  onCreate,
  onUpdate,
  pending,
}: {
  open: boolean;
  model: RegistryModel | null;
  providers: ProviderChoice[];
  onClose: () => void;
  onCreate: (body: CreateModelBody) => Promise<unknown>;
  onUpdate: (id: string, body: UpdateModelBody) => Promise<unknown>;
  pending: boolean;
}) {
  const editing = !!model;
  const defaults = modelFormDefaults(model);
  const f = useZodForm<ModelFormValues, CreateModelBody | UpdateModelBody>(
    editing ? updateModelForm : createModelForm,
    defaults,
    (body) => (model ? onUpdate(model.id, body as UpdateModelBody) : onCreate(body as CreateModelBody)),
  );
  const { register } = f;
  const [configError, setConfigError] = useState<string | undefined>();
  const close = () => {
    f.reset(defaults);
    setConfigError(undefined);
    onClose();
  };
  const err = f.err;
  const m = model;
  const checkConfig = () => {
    const r = parseConfigJson(f.form.getValues('config'));
    setConfigError(r.ok ? undefined : r.error);
  };
  return (
    <Dialog
      open={open}
      onClose={close}
      title={editing ? `Edit ${m?.displayName ?? 'model'}` : 'Add a model'}
      description="Prices are USD per 1M tokens. Lower priority numbers are tried first."
      wide
    >
      <form
        onSubmit={(e) => void f.onSubmit(e)}
        noValidate
        className="grid grid-cols-1 gap-3 sm:grid-cols-2"
        aria-label={editing ? 'Edit model' : 'New model'}
      >
        <ManagedNotice managed={m?.managedByConfig} what="model" />
        {editing ? (
          <TextField
            label="Provider"
            value={`${m!.provider.name} (${m!.provider.slug})`}
            readOnly
            hint="A model stays with its provider; add it again under another one."
          />
        ) : (
          <SelectField label="Provider" {...register('providerId')} error={err('providerId')} data-autofocus>
            <option value="" disabled>
              Choose…
            </option>
            {providers.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name} ({p.slug})
              </option>
            ))}
          </SelectField>
        )}
        <TextField
          label="Model ID"
          {...register('modelId')}
          required
          placeholder="e.g. gpt-4o-mini"
          hint="The id the provider's API expects."
          error={err('modelId')}
        />
        <TextField
          label="Display name"
          {...register('displayName')}
          required
          error={err('displayName')}
          className="sm:col-span-2"
        />
        <TextAreaField
          label="Description"
          {...register('description')}
          error={err('description')}
          className="sm:col-span-2"
        />
        <TextField
          label="Input price per 1M"
          inputMode="decimal"
          {...register('priceInputPer1M')}
          error={err('priceInputPer1M')}
        />
        <TextField
          label="Output price per 1M"
          inputMode="decimal"
          {...register('priceOutputPer1M')}
          error={err('priceOutputPer1M')}
        />
        <TextField
          label="Cached input price per 1M"
          inputMode="decimal"
          {...register('priceCachedInputPer1M')}
          hint="Blank: not offered."
          error={err('priceCachedInputPer1M')}
        />
        <TextField
          label="Context window (tokens)"
          inputMode="numeric"
          {...register('contextWindow')}
          error={err('contextWindow')}
        />
        <TextField
          label="Max output tokens"
          inputMode="numeric"
          {...register('maxOutputTokens')}
          error={err('maxOutputTokens')}
        />
        <SelectField label="Quality tier" {...register('qualityTier')} error={err('qualityTier')}>
          {QUALITY_TIER_VALUES.map((t) => (
            <option key={t} value={t}>
              {TIER_LABEL[t] ?? t}
            </option>
          ))}
        </SelectField>
        <TextField
          label="Quality score (0–100)"
          inputMode="numeric"
          {...register('qualityScore')}
          error={err('qualityScore')}
        />
        <TextField
          label="Priority"
          inputMode="numeric"
          {...register('priority')}
          hint="0–10000; lower is tried first."
          error={err('priority')}
        />
        <fieldset
          className="sm:col-span-2"
          aria-describedby={err('capabilities') ? 'model-caps-error' : undefined}
        >
          <legend className="mb-1 text-sm font-medium">Capabilities</legend>
          <div className="flex flex-wrap gap-x-4 gap-y-2">
            {CAPABILITY_VALUES.map((c) => (
              <CheckboxField key={c} label={c} {...register(`cap_${c}`)} />
            ))}
          </div>
          {err('capabilities') ? (
            <p id="model-caps-error" className="mt-1 text-xs text-danger">
              {err('capabilities')}
            </p>
          ) : null}
        </fieldset>
        <div className="sm:col-span-2">
          <TextAreaField
            label="Config (JSON)"
            {...register('config', { onBlur: checkConfig })}
            rows={6}
            spellCheck={false}
            className="font-mono"
            placeholder={CONFIG_EXAMPLE}
            error={configError ?? err('config')}
            hint={
              <>
                A JSON object of model parameters, e.g.{' '}
                <code>{'{"temperature": 0, "max_tokens": 2000}'}</code>. Blank: none.
              </>
            }
          />
          <Button
            type="button"
            variant="ghost"
            className="mt-1 px-2 py-1 text-xs"
            onClick={() => {
              f.form.setValue('config', CONFIG_EXAMPLE, { shouldDirty: true });
              setConfigError(undefined);
            }}
          >
            Insert example
          </Button>
        </div>
        {m && !m.priced ? (
          <CheckboxField
            label="Price known"
            {...register('priced')}
            hint="Not in power-level routing until priced: check this (or change a price) once the prices above are right, $0 included."
          />
        ) : null}
        <CheckboxField label="Enabled" {...register('enabled')} hint="Disabled models are never routed to." />
        <CheckboxField
          label="Default for its scope"
          {...register('isDefault')}
          hint="Replaces the current default."
        />
        <FormFooter
          error={f.formError}
          onCancel={close}
          pending={pending}
          submitLabel={editing ? 'Save changes' : 'Add model'}
        />
      </form>
    </Dialog>
  );
}
