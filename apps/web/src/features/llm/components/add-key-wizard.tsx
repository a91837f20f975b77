import { ArrowLeft, ArrowRight, KeyRound, PlugZap } from 'lucide-react';
import { useMemo, useState } from 'react';
import { Link } from 'react-router';
import { Button } from '../../../components/ui/button';
import { Dialog } from '../../../components/ui/dialog';
import { SelectField, TextField } from '../../../components/ui/field';
import { ErrorState, Skeleton } from '../../../components/ui/states';
import { withQuery } from '../../../lib/search-params';
import { useZodForm } from '../../../lib/zod-form';
import { useCreateProvider } from '../../providers/api/create-provider';
import { useModelRefs } from '../../providers/api/get-model-refs';
import { useProviderTypes } from '../../providers/api/get-provider-types';
import { useProviders } from '../../providers/api/get-providers';
import { useImportModels } from '../../providers/api/import-models';
import { useTestKey } from '../../providers/api/test-key';
import { useTestProvider } from '../../providers/api/test-provider';
import type { ConnectionTest, Provider } from '../../providers/api/types';
import { useUpdateProvider } from '../../providers/api/update-provider';
import { ConnectionResult } from '../../providers/components/connection-result';
import { ModelChecklist } from '../../providers/components/model-checklist';
import { importNotice } from '../../providers/import-notice';
import { initialChecked, modelChoices } from '../../providers/model-choices';
import {
  addKeyDefaults,
  addKeyForm,
  freeSlug,
  resolveTarget,
  type AddKeyValues,
  type KeyTarget,
} from '../add-key-form';

const STEPS = [
  { id: 'provider', label: 'Provider' },
  { id: 'key', label: 'Key & test' },
  { id: 'models', label: 'Models' },
  { id: 'done', label: 'Done' },
] as const;
type Step = (typeof STEPS)[number]['id'];

interface Tested {
  target: KeyTarget;
  values: AddKeyValues;
  result: ConnectionTest & { success: true };
}

/**
 * Add or rotate an LLM provider key (super admin): pick a provider (configured, or a new one of a catalogue type),
 * paste the key, test it with a real call, choose the models to import (the provider's listing, else the
 * catalogue's), then save: the key is stored encrypted, the stored key tested again (the keys list shows that
 * test) and the chosen models imported.
 */
export function AddKeyWizard({ onClose, providerId }: { onClose: () => void; providerId?: string }) {
  const providers = useProviders();
  const types = useProviderTypes();
  const refs = useModelRefs();
  const testKey = useTestKey();
  const testStored = useTestProvider();
  const create = useCreateProvider();
  const update = useUpdateProvider();
  const importer = useImportModels();
  const [step, setStep] = useState<Step>(providerId ? 'key' : 'provider');
  const [failed, setFailed] = useState<ConnectionTest | { error: unknown } | null>(null);
  const [tested, setTested] = useState<Tested | null>(null);
  const [checked, setChecked] = useState<Set<string>>(new Set());
  const [saving, setSaving] = useState(false);
  const [saveError, setSaveError] = useState<unknown>(null);
  const [outcome, setOutcome] = useState<{
    provider: Provider;
    notice: string | null;
    test: ConnectionTest | null;
  } | null>(null);
  const providerList = useMemo(() => providers.data ?? [], [providers.data]);
  const typeList = useMemo(() => (types.data ?? []).filter((t) => t.type !== 'mock'), [types.data]);
  const f = useZodForm(addKeyForm(providerList, typeList), addKeyDefaults(providerId), async (values) => {
    setFailed(null);
    const target = resolveTarget(values.target, providerList, typeList)!;
    const stored = target.kind === 'provider' ? target.provider : null;
    const type = target.kind === 'provider' ? target.provider.type : target.type.type;
    const r = await testKey
      .mutateAsync({
        type,
        baseUrl: (stored ? stored.baseUrl : values.baseUrl) || null,
        apiKey: values.apiKey.trim(),
        ...(stored ? { config: stored.config } : {}),
      })
      .catch((error: unknown) => ({ error }));
    if (!('success' in r) || !r.success) {
      setFailed(r);
      return;
    }
    const next: Tested = { target, values, result: r };
    setTested(next);
    setChecked(initialChecked(choicesOf(next), existingOf(next)));
    setStep('models');
  });
  const target = resolveTarget(f.form.watch('target'), providerList, typeList);
  const typeOf = (t: KeyTarget) =>
    t.kind === 'new' ? t.type : (types.data ?? []).find((x) => x.type === t.provider.type);
  const choicesOf = (t: Tested) => modelChoices(t.result, typeOf(t.target));
  const existingOf = (t: Tested) =>
    new Set(
      t.target.kind === 'provider'
        ? (refs.data ?? [])
            .filter((m) => m.providerId === (t.target as { provider: Provider }).provider.id)
            .map((m) => m.modelId)
        : [],
    );

  const save = async () => {
    if (!tested) return;
    setSaving(true);
    setSaveError(null);
    try {
      const { target: t, values } = tested;
      const apiKey = values.apiKey.trim();
      const provider =
        t.kind === 'provider'
          ? await update.mutateAsync({
              id: t.provider.id,
              // A provider the seed disabled for its missing key comes back with one.
              body: {
                apiKey,
                ...(t.provider.status === 'disabled' && t.provider.disabledReason
                  ? { status: 'active' }
                  : {}),
              },
            })
          : await create.mutateAsync({
              type: t.type.type,
              name: t.type.displayName,
              slug: freeSlug(t.type.type, new Set(providerList.map((p) => p.slug))),
              baseUrl: values.baseUrl || null,
              apiKey,
              priority: 50,
              autoFallback: true,
              status: 'active',
              rateLimitBuckets: [],
              config: {},
              baseUrlWeight: 1,
              endpoints: [],
            });
      // The stored key, tested once more: the keys list shows when and how it went.
      const test = await testStored.mutateAsync(provider.id).catch(() => null);
      const existing = existingOf(tested);
      const models = choicesOf(tested).models.filter((m) => checked.has(m) && !existing.has(m));
      const notice = models.length
        ? importNotice(
            await importer.mutateAsync({
              providerId: provider.id,
              body: { models: models.map((modelId) => ({ modelId })) },
            }),
          )
        : null;
      setOutcome({ provider, notice, test });
      setStep('done');
    } catch (e) {
      setSaveError(e);
    } finally {
      setSaving(false);
    }
  };

  const loading = providers.isPending || types.isPending;
  const current = STEPS.findIndex((s) => s.id === step);
  return (
    <Dialog
      open
      onClose={onClose}
      title="Add an LLM key"
      description="Store a provider key encrypted, test it with a real call and import the models it serves."
      wide
      contained
    >
      <ol className="mb-4 flex flex-wrap gap-2 text-xs" aria-label="Steps">
        {STEPS.map((s, i) => (
          <li
            key={s.id}
            aria-current={s.id === step ? 'step' : undefined}
            className={`rounded-full border px-3 py-1 ${s.id === step ? 'border-accent bg-accent/15 font-medium text-fg' : i < current ? 'border-border text-fg' : 'border-border text-muted'}`}
          >
            {i + 1}. {s.label}
          </li>
        ))}
      </ol>
      {loading ? (
        <Skeleton className="h-40" />
      ) : providers.isError || types.isError ? (
        <ErrorState error={providers.error ?? types.error} onRetry={() => void providers.refetch()} />
      ) : step === 'provider' || step === 'key' ? (
        <form
          onSubmit={(e) => void f.onSubmit(e)}
          noValidate
          aria-label="LLM key"
          className="flex flex-col gap-3"
        >
          {step === 'provider' ? (
            <>
              <SelectField label="Provider" {...f.register('target')} error={f.err('target')} data-autofocus>
                <option value="">Choose…</option>
                <optgroup label="Configured providers (replace the key)">
                  {providerList.map((p) => (
                    <option key={p.id} value={`p:${p.id}`}>
                      {p.name} ({p.slug})
                      {p.hasApiKey
                        ? ` · key ••••${p.apiKeyLast4 ?? ''}`
                        : p.apiKeyEnv
                          ? ` · $${p.apiKeyEnv}`
                          : ' · no key'}
                    </option>
                  ))}
                </optgroup>
                <optgroup label="New provider">
                  {typeList.map((t) => (
                    <option key={t.type} value={`t:${t.type}`}>
                      {t.displayName}
                    </option>
                  ))}
                </optgroup>
              </SelectField>
              {target?.kind === 'new' ? (
                <TextField
                  label="Base URL"
                  type="url"
                  {...f.register('baseUrl')}
                  placeholder={target.type.defaultBaseUrl ?? 'https://llm.example.com/v1'}
                  hint={
                    target.type.baseUrlRequired
                      ? 'Required for this type.'
                      : `Blank: ${target.type.defaultBaseUrl ?? 'the default'}`
                  }
                  error={f.err('baseUrl')}
                />
              ) : null}
              <div className="flex justify-end gap-2">
                <Button type="button" variant="ghost" onClick={onClose}>
                  Cancel
                </Button>
                <Button
                  type="button"
                  onClick={() =>
                    void f.form.trigger(['target', 'baseUrl']).then((ok) => (ok ? setStep('key') : undefined))
                  }
                >
                  Next <ArrowRight aria-hidden className="h-4 w-4" />
                </Button>
              </div>
            </>
          ) : (
            <>
              <p className="text-sm">
                {target?.kind === 'provider'
                  ? `New key for ${target.provider.name} (${target.provider.slug}).`
                  : target
                    ? `Key for a new ${target.type.displayName} provider.`
                    : null}
              </p>
              <TextField
                label="API key"
                type="password"
                autoComplete="off"
                spellCheck={false}
                {...f.register('apiKey', { onChange: () => setFailed(null) })}
                placeholder={(target?.kind === 'new' ? target.type.keyHint : null) ?? 'sk-...'}
                error={f.err('apiKey')}
                hint="Tested with a real call (the provider's model list) before anything is saved."
                data-autofocus
              />
              {failed ? <ConnectionResult result={failed} /> : null}
              <div className="flex justify-between gap-2">
                <Button type="button" variant="ghost" onClick={() => setStep('provider')}>
                  <ArrowLeft aria-hidden className="h-4 w-4" /> Back
                </Button>
                <Button type="submit" disabled={testKey.isPending}>
                  <PlugZap aria-hidden className="h-4 w-4" /> {testKey.isPending ? 'Testing…' : 'Test key'}
                </Button>
              </div>
            </>
          )}
        </form>
      ) : step === 'models' && tested ? (
        <div className="flex flex-col gap-3">
          <ConnectionResult result={tested.result} />
          <ModelChecklist
            choices={choicesOf(tested)}
            existing={existingOf(tested)}
            checked={checked}
            onChange={setChecked}
          />
          {saveError ? <ErrorState error={saveError} /> : null}
          <div className="flex justify-between gap-2">
            <Button type="button" variant="ghost" onClick={() => setStep('key')} disabled={saving}>
              <ArrowLeft aria-hidden className="h-4 w-4" /> Back
            </Button>
            <Button type="button" onClick={() => void save()} disabled={saving}>
              <KeyRound aria-hidden className="h-4 w-4" />
              {saving
                ? 'Saving…'
                : checked.size
                  ? `Save key and import ${checked.size} model${checked.size === 1 ? '' : 's'}`
                  : 'Save key'}
            </Button>
          </div>
        </div>
      ) : outcome ? (
        <div className="flex flex-col gap-3" data-testid="wizard-done">
          <p role="status" className="rounded-lg bg-ok/10 px-3 py-2 text-sm text-ok">
            Key saved for {outcome.provider.name} ({outcome.provider.slug}), ending in ••••
            {outcome.provider.apiKeyLast4 ?? ''}.
          </p>
          {outcome.test ? <ConnectionResult result={outcome.test} /> : null}
          {outcome.notice ? <p className="text-sm">{outcome.notice}</p> : null}
          <div className="flex justify-end gap-2">
            <Link
              to={withQuery('/llm/models', { provider: outcome.provider.slug })}
              onClick={onClose}
              className="inline-flex items-center rounded-lg border border-border bg-surface-2 px-4 py-2 text-sm"
            >
              Its models
            </Link>
            <Button type="button" onClick={onClose}>
              Done
            </Button>
          </div>
        </div>
      ) : null}
    </Dialog>
  );
}
