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
import { formatRelative } from '../../../lib/format';
import { ManagedNotice } from '../../../components/ui/managed-badge';
import { useZodForm } from '../../../lib/zod-form';
import { useOrgs } from '../../orgs/api/get-orgs';
import { useUsers } from '../../users/api/get-users';
import type { ProviderChoice, RegistryModel } from '../api/types';
import { AuthVariables } from './auth-variables';
import type { ModelFormValues } from '../model-form';
import {
  AUTH_EXAMPLE,
  CONFIG_EXAMPLE,
  createModelForm,
  modelFormDefaults,
  parseAuthJson,
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
  canSetAuth = false,
  onDelete,
  onTest,
  testing = false,
}: {
  open: boolean;
  model: RegistryModel | null;
  providers: ProviderChoice[];
  onClose: () => void;
  onCreate: (body: CreateModelBody) => Promise<unknown>;
  onUpdate: (id: string, body: UpdateModelBody) => Promise<unknown>;
  pending: boolean;
  /** Super admins: the model's own auth is a credential. */
  canSetAuth?: boolean;
  /** Edit only: asks to delete the model (the page confirms). */
  onDelete?: () => void;
  /** Edit only: runs "Test model". */
  onTest?: () => void;
  testing?: boolean;
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
  const [authError, setAuthError] = useState<string | undefined>();
  const scopeKind = f.form.watch('scopeKind');
  const orgs = useOrgs({ enabled: open && scopeKind === 'org' });
  const users = useUsers({}, { enabled: open && scopeKind === 'user' });
  const checkAuth = () => {
    const r = parseAuthJson(f.form.getValues('auth'));
    setAuthError(r.ok ? undefined : r.error);
  };
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
          hint="How the dashboard names it; clients use the ref or the model ID."
          error={err('displayName')}
          className="sm:col-span-2"
        />
        <TextAreaField
          label="Description"
          {...register('description')}
          hint="Optional: what it is good for. Search finds it."
          error={err('description')}
          className="sm:col-span-2"
        />
        <TextField
          label="Input price per 1M"
          inputMode="decimal"
          {...register('priceInputPer1M')}
          hint="USD per 1M prompt tokens, the list price; cost routing and budgets use it."
          error={err('priceInputPer1M')}
        />
        <TextField
          label="Output price per 1M"
          inputMode="decimal"
          {...register('priceOutputPer1M')}
          hint="USD per 1M generated tokens."
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
          hint="Requests that need more are routed elsewhere. Blank: unknown."
          error={err('contextWindow')}
        />
        <TextField
          label="Max output tokens"
          inputMode="numeric"
          {...register('maxOutputTokens')}
          hint="Used to estimate cost when a request sets no max_tokens."
          error={err('maxOutputTokens')}
        />
        <SelectField
          label="Quality tier"
          {...register('qualityTier')}
          hint="The power level it serves (auto, eco, balanced, precision)."
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
          inputMode="numeric"
          {...register('qualityScore')}
          hint="Orders models within a tier for the quality strategy, and counts in the balanced strategy (the default) with the tier."
          error={err('qualityScore')}
        />
        <TextField
          label="Priority"
          inputMode="numeric"
          {...register('priority')}
          hint="0–10000: breaks ties, lower first, between models the routing strategy scores the same (after the provider's priority)."
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
            error={
              configError ??
              err('config') ??
              (m?.configProblem
                ? `The stored config is not applied (${m.configProblem}): fix it to save the model.`
                : undefined)
            }
            hint={
              <>
                Default request parameters, sent when a request does not set them (the client's own value
                wins), e.g. <code>{'{"temperature": 0, "max_tokens": 2000}'}</code>: temperature, top_p,
                top_k, max_tokens, stop, seed, presence_penalty, frequency_penalty. Blank: none. When the
                model ID does not say which model it is (a Bedrock inference profile ARN, an Azure deployment
                name), <code>{'"baseModel": "o3-mini"'}</code> names it, so requests are adapted to it (never
                sent).
              </>
            }
          />
          <InsertExample
            onClick={() => {
              f.form.setValue('config', CONFIG_EXAMPLE, { shouldDirty: true });

              setConfigError(undefined);
            }}
          />
        </div>
        <SelectField
          label="Scope"
          {...register('scopeKind')}
          hint="Global: every caller. Organization or user: only their callers see and route to it."
          error={err('scope')}
        >
          <option value="global">Global</option>
          <option value="org">One organization</option>
          <option value="user">One user</option>
        </SelectField>
        {scopeKind === 'org' ? (
          <SelectField
            label="Organization"
            {...register('scopeOwner')}
            hint="Its members' keys (and its apps') route to this model."
            error={err('scopeOwner')}
          >
            <option value="">Choose…</option>
            {(orgs.data ?? []).map((o) => (
              <option key={o.id} value={o.id}>
                {o.name}
              </option>
            ))}
          </SelectField>
        ) : scopeKind === 'user' ? (
          <SelectField
            label="User"
            {...register('scopeOwner')}
            hint="Only this user's keys route to this model."
            error={err('scopeOwner')}
          >
            <option value="">Choose…</option>
            {(users.data ?? []).map((u) => (
              <option key={u.id} value={u.id}>
                {u.name === u.email ? u.email : `${u.name} (${u.email})`}
              </option>
            ))}
          </SelectField>
        ) : (
          <div aria-hidden className="max-sm:hidden" />
        )}
        <div className="sm:col-span-2" data-testid="model-auth">
          <p className="mb-1 text-sm font-medium">Auth (over the provider&apos;s)</p>
          <AuthVariables entries={m?.auth ?? []} none="None: calls use the provider's key and settings." />
          {canSetAuth ? (
            <>
              <TextAreaField
                label="Change auth (JSON)"
                {...register('auth', { onBlur: checkAuth })}
                rows={4}
                spellCheck={false}
                className="font-mono"
                placeholder={AUTH_EXAMPLE}
                error={authError ?? err('auth')}
                hint={
                  <>
                    Variables to set: a literal secret (stored encrypted, never shown again),{' '}
                    <code>{'{"_env": "VAR"}'}</code> (read from the server environment) or <code>null</code>{' '}
                    to remove one. Names: apiKey, accessKeyId, secretAccessKey, sessionToken, apiVersion,
                    region, deployment. Variables not named stay. Blank: unchanged.
                  </>
                }
              />
              <InsertExample
                onClick={() => {
                  f.form.setValue('auth', AUTH_EXAMPLE, { shouldDirty: true });

                  setAuthError(undefined);
                }}
              />
            </>
          ) : (
            <p className="text-xs text-muted">Only a super admin may change a model&apos;s auth.</p>
          )}
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
          hint="Replaces the current default. A global model's marker is the gateway-wide default (the routing settings' default model: changing one changes the other); an organization's or user's default answers their requests that name no model, before it."
        />
        {m ? (
          <div className="flex flex-wrap items-center gap-2 sm:col-span-2" data-testid="model-health">
            {onTest ? (
              <Button type="button" variant="subtle" disabled={testing} onClick={onTest}>
                {testing ? 'Testing…' : 'Test model'}
              </Button>
            ) : null}
            <span className="text-xs text-muted">
              {m.health
                ? `Last test ${formatRelative(m.health.checkedAt)}: ${m.health.ok ? `answered in ${m.health.latencyMs} ms` : `failed${m.health.error ? ` (${m.health.error})` : ''}`}`
                : 'Never tested: a test makes one real one-token call.'}
            </span>
            {onDelete ? (
              <Button type="button" variant="danger" className="ml-auto" onClick={onDelete}>
                Delete model
              </Button>
            ) : null}
          </div>
        ) : null}
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

/** Fills a JSON field with its example (config, auth). */
function InsertExample({ onClick }: { onClick: () => void }) {
  return (
    <Button type="button" variant="ghost" className="mt-1 px-2 py-1 text-xs" onClick={onClick}>
      Insert example
    </Button>
  );
}
