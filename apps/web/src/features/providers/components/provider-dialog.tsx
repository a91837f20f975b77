import type { CreateProviderBody, UpdateProviderBody } from '@switchyard/core';
import { Eye, EyeOff, PlugZap } from 'lucide-react';
import { useMemo, useState, type FormEvent } from 'react';
import { Button } from '../../../components/ui/button';
import { Dialog, FormFooter } from '../../../components/ui/dialog';
import { CheckboxField, SelectField, TextAreaField, TextField } from '../../../components/ui/field';
import { Skeleton } from '../../../components/ui/states';
import { ManagedNotice } from '../../../components/ui/managed-badge';
import { FormReader, sentence, type FieldErrors } from '../../../lib/forms';
import { slugify } from '../../../lib/slug';
import { useProviderTypes } from '../api/get-provider-types';
import { useTestKey } from '../api/test-key';
import { useTestProvider } from '../api/test-provider';
import type { ConnectionTest, Provider } from '../api/types';
import {
  bucketRowsFrom,
  endpointRowsFrom,
  canTestConnection,
  readCreateProviderForm,
  readUpdateProviderForm,
  serverFieldErrors,
  timeoutSeconds,
  TIMEOUT_FIELDS,
  type BucketRow,
  type EndpointRow,
} from '../provider-form';
import { AuthVariables } from '../../models/components/auth-variables';
import { AUTH_EXAMPLE } from '../../models/model-form';
import { initialChecked, modelChoices } from '../model-choices';
import { BucketEditor } from './bucket-editor';
import { EndpointEditor } from './endpoint-editor';
import { ConnectionResult } from './connection-result';
import { ModelChecklist } from './model-checklist';

export interface ProviderSaved {
  provider: Provider;
  /** Discovered models checked to be added to the registry. */
  models: string[];
}

type Submit =
  | {
      mode: 'create';
      provider?: undefined;
      submit: (b: CreateProviderBody, models: string[]) => Promise<unknown>;
    }
  | {
      mode: 'edit';
      provider: Provider;
      submit: (b: UpdateProviderBody, models: string[]) => Promise<unknown>;
    };

/**
 * Add or configure a provider: type from the catalogue, name, slug, base URL, API key (super admin only), Test
 * Connection, priority, auto-fallback, the discovered models to add to the registry, and rate-limit buckets.
 */
export function ProviderDialog({
  onClose,
  canSetKey,
  pending,
  existingModels = [],
  ...p
}: Submit & { onClose: () => void; canSetKey: boolean; pending: boolean; existingModels?: string[] }) {
  const types = useProviderTypes();
  const stored = p.provider ?? null;
  const [type, setType] = useState(stored?.type ?? '');
  const [name, setName] = useState(stored?.name ?? '');
  const [slug, setSlug] = useState(stored?.slug ?? '');
  const [slugTouched, setSlugTouched] = useState(!!stored);
  const [baseUrl, setBaseUrl] = useState(stored?.baseUrl ?? '');
  const [apiKey, setApiKey] = useState('');
  const [showKey, setShowKey] = useState(false);
  const [buckets, setBuckets] = useState<BucketRow[]>(() => bucketRowsFrom(stored?.rateLimitBuckets));
  const [endpoints, setEndpoints] = useState<EndpointRow[]>(() => endpointRowsFrom(stored?.endpoints));
  const [result, setResult] = useState<ConnectionTest | { error: unknown } | null>(null);
  const [checked, setChecked] = useState<Set<string>>(new Set());
  const [errors, setErrors] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<unknown>(null);
  const testKey = useTestKey();
  const testStored = useTestProvider();
  const testing = testKey.isPending || testStored.isPending;

  const catalogue = types.data ?? [];
  const def = catalogue.find((t) => t.type === type);
  // The first catalogue entry (not the built-in mock) until one is chosen.
  const effectiveType = def ?? (stored ? undefined : catalogue.find((t) => t.type !== 'mock'));
  const currentType = stored ? def : effectiveType;
  const existing = useMemo(() => new Set(existingModels), [existingModels]);
  // The provider's own listing after a passing test, else the catalogue's models of the type.
  const choices = useMemo(() => modelChoices(result, currentType), [result, currentType]);
  const err = (n: string) => sentence(errors[n]);
  const keyReason = canSetKey ? null : 'Only a super admin may set provider keys.';
  const testable = canTestConnection({ type: currentType, apiKey, baseUrl, stored });

  const runTest = async () => {
    if (!currentType) return;
    setResult(null);
    try {
      // A saved provider without a new key or URL is tested with what is stored.
      const r =
        stored && !apiKey.trim() && baseUrl.trim() === (stored.baseUrl ?? '')
          ? await testStored.mutateAsync(stored.id)
          : await testKey.mutateAsync({
              type: currentType.type,
              baseUrl: baseUrl.trim() || null,
              apiKey: apiKey.trim() || null,
              ...(stored ? { config: stored.config } : {}),
            });
      setResult(r);
      if (r.success) setChecked(initialChecked(modelChoices(r, currentType), existing));
    } catch (e) {
      setResult({ error: e });
    }
  };

  const onSubmit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const reader = FormReader.of(e.currentTarget);
    const ctx = {
      type: currentType,
      canSetKey,
      buckets,
      endpoints,
      storedConfig: stored?.config,
      ...(stored ? { storedCheck: stored.health.check } : {}),
    };
    const parsed =
      p.mode === 'create' ? readCreateProviderForm(reader, ctx) : readUpdateProviderForm(reader, ctx);
    setFormError(null);
    if (!parsed.ok) {
      setErrors(parsed.errors);
      return;
    }
    setErrors({});
    const models = choices.models.filter((m) => checked.has(m) && !existing.has(m));
    try {
      if (p.mode === 'create') await p.submit(parsed.data as CreateProviderBody, models);
      else await p.submit(parsed.data as UpdateProviderBody, models);
    } catch (error) {
      const fields = serverFieldErrors(error, 'slug', 'This slug is already taken: choose another');
      if (Object.keys(fields).length) setErrors(fields);
      else setFormError(error);
    }
  };

  return (
    <Dialog
      open
      onClose={onClose}
      title={stored ? `Configure ${stored.name}` : 'Add a provider'}
      description={
        stored
          ? `${stored.slug} · ${def?.displayName ?? stored.type}`
          : 'Connect an LLM provider. Requests are routed to it by priority, strategy and health.'
      }
      wide
      contained
    >
      {types.isPending ? (
        <Skeleton className="h-64" />
      ) : (
        <form
          onSubmit={(e) => void onSubmit(e)}
          noValidate
          aria-label={stored ? 'Configure provider' : 'New provider'}
          className="grid grid-cols-1 gap-3 sm:grid-cols-2"
        >
          <ManagedNotice managed={stored?.managedByConfig} what="provider" />
          {stored ? (
            <input type="hidden" name="type" value={stored.type} />
          ) : (
            <SelectField
              label="Provider type"
              name="type"
              value={effectiveType?.type ?? ''}
              onChange={(e) => {
                setType(e.target.value);
                setResult(null);
                setChecked(new Set());
                const t = catalogue.find((x) => x.type === e.target.value);
                if (!name || catalogue.some((x) => x.displayName === name)) {
                  setName(t?.displayName ?? '');
                  if (!slugTouched) setSlug(slugify(t?.type ?? ''));
                }
              }}
              error={err('type')}
              hint={
                effectiveType?.docsUrl ? (
                  <a className="underline" href={effectiveType.docsUrl} target="_blank" rel="noreferrer">
                    {effectiveType.displayName} docs
                  </a>
                ) : undefined
              }
              className="sm:col-span-2"
              data-autofocus
            >
              {catalogue.map((t) => (
                <option key={t.type} value={t.type}>
                  {t.displayName}
                </option>
              ))}
            </SelectField>
          )}
          <TextField
            label="Name"
            name="name"
            value={name}
            onChange={(e) => {
              setName(e.target.value);
              if (!slugTouched) setSlug(slugify(e.target.value));
            }}
            error={err('name')}
            data-autofocus={stored ? true : undefined}
          />
          <TextField
            label="Slug"
            name="slug"
            value={slug}
            readOnly={!!stored}
            onChange={(e) => {
              setSlugTouched(true);
              setSlug(e.target.value);
            }}
            error={err('slug')}
            hint={
              stored ? 'Model refs start with it; it cannot change.' : 'Model refs are "<slug>/<model-id>".'
            }
          />
          <TextField
            label="Base URL"
            name="baseUrl"
            type="url"
            value={baseUrl}
            onChange={(e) => {
              setBaseUrl(e.target.value);
              setResult(null);
            }}
            placeholder={currentType?.defaultBaseUrl ?? 'https://llm.example.com/v1'}
            error={err('baseUrl')}
            hint={
              currentType?.baseUrlRequired
                ? 'Required for this type.'
                : currentType?.defaultBaseUrl
                  ? `Blank: ${currentType.defaultBaseUrl}`
                  : undefined
            }
            className="sm:col-span-2"
          />
          <div className="flex min-w-0 flex-col gap-1 sm:col-span-2">
            <div className="flex items-end gap-2">
              <TextField
                label="API key"
                name="apiKey"
                type={showKey ? 'text' : 'password'}
                autoComplete="off"
                spellCheck={false}
                value={apiKey}
                onChange={(e) => {
                  setApiKey(e.target.value);
                  setResult(null);
                }}
                disabled={!canSetKey}
                placeholder={
                  stored?.hasApiKey
                    ? `••••${stored.apiKeyLast4 ?? ''} stored: blank keeps it`
                    : stored?.apiKeyEnv
                      ? `from $${stored.apiKeyEnv}`
                      : (currentType?.keyHint ?? (currentType?.keyOptional ? 'optional' : 'sk-...'))
                }
                error={err('apiKey')}
                hint={
                  keyReason ??
                  (currentType?.envKey
                    ? `Or set ${currentType.envKey} in the gateway's environment.`
                    : undefined)
                }
                className="flex-1"
              />
              <Button
                type="button"
                variant="subtle"
                className={`px-3 ${err('apiKey') || keyReason || currentType?.envKey ? 'mb-5' : ''}`}
                onClick={() => setShowKey((s) => !s)}
                aria-label={showKey ? 'Hide API key' : 'Show API key'}
                aria-pressed={showKey}
                disabled={!canSetKey}
              >
                {showKey ? (
                  <EyeOff aria-hidden className="h-4 w-4" />
                ) : (
                  <Eye aria-hidden className="h-4 w-4" />
                )}
              </Button>
            </div>
          </div>
          {currentType?.keyOptional && currentType.type !== 'mock' ? (
            <CheckboxField
              label="Keyless endpoint"
              name="keyless"
              defaultChecked={stored?.config.keyless === true}
              hint="Route to it without an API key (a local or private server). Unchecked, requests need a key: this one, an organization's or the caller's own."
              className="sm:col-span-2"
            />
          ) : null}
          {currentType?.type === 'anthropic' ? (
            <CheckboxField
              label="Web search enabled at Anthropic"
              name="webSearch"
              defaultChecked={stored?.config.webSearch === true}
              hint="Codex and other Responses clients' web_search then runs as Anthropic's web search (billed by Anthropic per search). Unchecked, it is dropped and the answer says so."
              className="sm:col-span-2"
            />
          ) : null}
          {currentType && currentType.nativeResponses !== null ? (
            <CheckboxField
              key={`responses-${currentType.type}`}
              label="Serves the Responses API itself"
              name="responsesApi"
              defaultChecked={
                typeof stored?.config.responsesApi === 'boolean'
                  ? stored.config.responsesApi
                  : currentType.nativeResponses
              }
              hint={`/v1/responses requests go to this provider's own Responses API${currentType.type === 'azure-openai' ? ' (/openai/v1/responses, the deployment as the model)' : ''}, built-in tools and reasoning items included. Unchecked, they are translated to its chat completions.`}
              className="sm:col-span-2"
            />
          ) : null}
          <div className="sm:col-span-2" data-testid="provider-auth">
            <p className="mb-1 text-sm font-medium">Auth variables</p>
            <AuthVariables
              entries={stored?.auth ?? []}
              none="None besides the key above. Several variables (an endpoint's key, version and region) go here."
            />
            {canSetKey ? (
              <TextAreaField
                label="Change auth variables (JSON)"
                name="auth"
                rows={3}
                spellCheck={false}
                className="font-mono"
                placeholder={AUTH_EXAMPLE}
                error={err('auth')}
                hint={
                  <>
                    Each a literal secret (stored encrypted, never shown again),{' '}
                    <code>{'{"_env": "VAR"}'}</code> or <code>null</code> to remove it: apiKey, accessKeyId,
                    secretAccessKey, sessionToken make the key, others (apiVersion, region, …) replace the
                    setting of that name. Blank: unchanged.
                  </>
                }
              />
            ) : null}
          </div>
          <div className="flex flex-col gap-2 sm:col-span-2">
            <div className="flex flex-wrap items-center gap-2">
              <Button
                type="button"
                variant="subtle"
                onClick={() => void runTest()}
                disabled={!testable || testing}
              >
                <PlugZap aria-hidden className="h-4 w-4" /> {testing ? 'Testing…' : 'Test connection'}
              </Button>
              {!testable ? (
                <span className="text-xs text-muted">
                  {currentType?.baseUrlRequired && !baseUrl.trim()
                    ? 'Enter the base URL first.'
                    : 'Enter an API key first.'}
                </span>
              ) : null}
            </div>
            {result ? <ConnectionResult result={result} /> : null}
          </div>
          <ModelChecklist
            choices={choices}
            existing={existing}
            checked={checked}
            onChange={setChecked}
            className="sm:col-span-2"
          />
          <TextField
            label="Priority"
            name="priority"
            type="number"
            min={1}
            max={100}
            inputMode="numeric"
            defaultValue={stored?.priority ?? 50}
            error={err('priority')}
            hint="1–100: lower is tried first among equals."
          />
          {stored ? (
            <TextField
              label="Routing region"
              name="region"
              defaultValue={stored.region ?? ''}
              error={err('region')}
              placeholder="eu-west"
              hint="A label routing rules can prefer (a rule's region action); blank = none."
            />
          ) : null}
          {stored ? (
            <SelectField
              label="Status"
              name="status"
              defaultValue={stored.status === 'disabled' ? 'disabled' : 'active'}
              error={err('status')}
            >
              <option value="active">active</option>
              <option value="disabled">disabled</option>
            </SelectField>
          ) : (
            <div />
          )}
          <CheckboxField
            label="Auto-fallback"
            name="autoFallback"
            defaultChecked={stored?.autoFallback ?? true}
            hint="When another provider fails, requests may fall back to this one."
            className="sm:col-span-2"
          />
          <fieldset className="grid min-w-0 grid-cols-1 gap-3 rounded-xl border border-border p-3 sm:col-span-2 sm:grid-cols-3">
            <legend className="px-1 text-sm font-medium">Time limits (seconds; blank = the server's)</legend>
            {TIMEOUT_FIELDS.map((f) => (
              <TextField
                key={f.name}
                label={f.label}
                name={f.name}
                type="number"
                min={0.1}
                max={3600}
                step="any"
                inputMode="decimal"
                defaultValue={timeoutSeconds(stored?.config, f.key)}
                error={err(f.name)}
              />
            ))}
          </fieldset>
          <fieldset
            className="grid min-w-0 grid-cols-1 gap-3 rounded-xl border border-border p-3 sm:col-span-2 sm:grid-cols-3"
            data-testid="health-check-settings"
          >
            <legend className="px-1 text-sm font-medium">Health checks</legend>
            <CheckboxField
              label="Check this provider in the background"
              name="healthCheck"
              defaultChecked={stored?.health.check.enabled ?? false}
              hint={
                stored?.health.check.isDefault
                  ? `Default for this provider: ${stored.health.check.enabled ? 'on (it is free)' : 'off (it is paid)'}.`
                  : 'Unset, checks are on for free providers (mock, local) and off for paid ones.'
              }
              className="sm:col-span-3"
            />
            <TextField
              label="Every (seconds)"
              name="healthCheckInterval"
              type="number"
              min={10}
              max={86_400}
              step={1}
              inputMode="numeric"
              defaultValue={String(stored?.health.check.intervalSec ?? 60)}
              error={err('healthCheckInterval')}
            />
            <SelectField
              label="Probe"
              name="healthCheckProbe"
              defaultValue={stored?.health.check.probe ?? 'models'}
              hint="Chat spends one output token per check."
            >
              <option value="models">List models (free)</option>
              <option value="chat">Chat, one token</option>
            </SelectField>
            <TextField
              label="Chat model"
              name="healthCheckModel"
              placeholder="first enabled model"
              defaultValue={stored?.health.check.model ?? ''}
              error={err('healthCheckModel')}
            />
          </fieldset>
          <div className="sm:col-span-2">
            <EndpointEditor
              rows={endpoints}
              onChange={setEndpoints}
              errors={(n) => errors[n]}
              baseUrlWeight={stored?.baseUrlWeight ?? 1}
            />
            {err('endpoints') && !Object.keys(errors).some((k) => k.startsWith('endpoints.')) ? (
              <p className="mt-1 text-xs text-danger">{err('endpoints')}</p>
            ) : null}
          </div>
          <div className="sm:col-span-2">
            <BucketEditor rows={buckets} onChange={setBuckets} errors={(n) => errors[n]} />
            {err('rateLimitBuckets') &&
            !Object.keys(errors).some((k) => k.startsWith('rateLimitBuckets.')) ? (
              <p className="mt-1 text-xs text-danger">{err('rateLimitBuckets')}</p>
            ) : null}
          </div>
          <FormFooter
            error={formError}
            onCancel={onClose}
            pending={pending}
            submitLabel={stored ? 'Save changes' : 'Add provider'}
          />
        </form>
      )}
    </Dialog>
  );
}
