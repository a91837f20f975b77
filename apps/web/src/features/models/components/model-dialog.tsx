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
import { useFormSubmit } from '../../../lib/use-form-submit';
import type { ProviderChoice, RegistryModel } from '../api/types';
import {
  CONFIG_EXAMPLE,
  configText,
  parseConfigJson,
  readCreateModelForm,
  readUpdateModelForm,
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
  const f = useFormSubmit<CreateModelBody | UpdateModelBody>(
    (r) => (editing ? readUpdateModelForm(r) : readCreateModelForm(r)),
    (body) => (model ? onUpdate(model.id, body as UpdateModelBody) : onCreate(body as CreateModelBody)),
  );
  const [configError, setConfigError] = useState<string | undefined>();
  const [config, setConfig] = useState(() => configText(model?.config));
  const close = () => {
    f.reset();
    setConfigError(undefined);
    setConfig(configText(model?.config));
    onClose();
  };
  const err = f.err;
  const m = model;
  const checkConfig = () => {
    const r = parseConfigJson(config);
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
        key={m?.id ?? 'new'}
        onSubmit={f.onSubmit}
        noValidate
        className="grid grid-cols-1 gap-3 sm:grid-cols-2"
        aria-label={editing ? 'Edit model' : 'New model'}
      >
        {editing ? (
          <TextField
            label="Provider"
            value={`${m!.provider.name} (${m!.provider.slug})`}
            readOnly
            hint="A model stays with its provider; add it again under another one."
          />
        ) : (
          <SelectField
            label="Provider"
            name="providerId"
            defaultValue=""
            error={err('providerId')}
            data-autofocus
          >
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
          name="modelId"
          defaultValue={m?.modelId}
          required
          placeholder="e.g. gpt-4o-mini"
          hint="The id the provider's API expects."
          error={err('modelId')}
        />
        <TextField
          label="Display name"
          name="displayName"
          defaultValue={m?.displayName}
          required
          error={err('displayName')}
          className="sm:col-span-2"
        />
        <TextAreaField
          label="Description"
          name="description"
          defaultValue={m?.description ?? ''}
          error={err('description')}
          className="sm:col-span-2"
        />
        <TextField
          label="Input price per 1M"
          name="priceInputPer1M"
          inputMode="decimal"
          defaultValue={m ? String(m.priceInputPer1M) : '0'}
          error={err('priceInputPer1M')}
        />
        <TextField
          label="Output price per 1M"
          name="priceOutputPer1M"
          inputMode="decimal"
          defaultValue={m ? String(m.priceOutputPer1M) : '0'}
          error={err('priceOutputPer1M')}
        />
        <TextField
          label="Cached input price per 1M"
          name="priceCachedInputPer1M"
          inputMode="decimal"
          defaultValue={m?.priceCachedInputPer1M != null ? String(m.priceCachedInputPer1M) : ''}
          hint="Blank: not offered."
          error={err('priceCachedInputPer1M')}
        />
        <TextField
          label="Context window (tokens)"
          name="contextWindow"
          inputMode="numeric"
          defaultValue={m?.contextWindow != null ? String(m.contextWindow) : ''}
          error={err('contextWindow')}
        />
        <TextField
          label="Max output tokens"
          name="maxOutputTokens"
          inputMode="numeric"
          defaultValue={m?.maxOutputTokens != null ? String(m.maxOutputTokens) : ''}
          error={err('maxOutputTokens')}
        />
        <SelectField
          label="Quality tier"
          name="qualityTier"
          defaultValue={m?.qualityTier ?? 'balanced'}
          error={err('qualityTier')}
        >
          {QUALITY_TIER_VALUES.map((t) => (
            <option key={t} value={t}>
              {TIER_LABEL[t] ?? t}
            </option>
          ))}
        </SelectField>
        <TextField
          label="Quality score (0–100)"
          name="qualityScore"
          inputMode="numeric"
          defaultValue={String(m?.qualityScore ?? 50)}
          error={err('qualityScore')}
        />
        <TextField
          label="Priority"
          name="priority"
          inputMode="numeric"
          defaultValue={String(m?.priority ?? 100)}
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
              <CheckboxField
                key={c}
                label={c}
                name={`cap_${c}`}
                defaultChecked={m ? m.capabilities.includes(c) : c === 'chat'}
              />
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
            name="config"
            rows={6}
            spellCheck={false}
            className="font-mono"
            value={config}
            onChange={(e) => setConfig(e.target.value)}
            placeholder={CONFIG_EXAMPLE}
            onBlur={checkConfig}
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
              setConfig(CONFIG_EXAMPLE);
              setConfigError(undefined);
            }}
          >
            Insert example
          </Button>
        </div>
        {m && !m.priced ? (
          <CheckboxField
            label="Price known"
            name="priced"
            defaultChecked={false}
            hint="Not in power-level routing until priced: check this (or change a price) once the prices above are right, $0 included."
          />
        ) : null}
        <CheckboxField
          label="Enabled"
          name="enabled"
          defaultChecked={m?.enabled ?? true}
          hint="Disabled models are never routed to."
        />
        <CheckboxField
          label="Default for its scope"
          name="isDefault"
          defaultChecked={m?.isDefault ?? false}
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
