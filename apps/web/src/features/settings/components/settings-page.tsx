import { Switch } from '../../../components/ui/switch';
import { updateSettingsBody } from '@switchyard/core';
import { CheckCircle2, PlugZap, RefreshCw, XCircle } from 'lucide-react';
import { useId } from 'react';
import { z } from 'zod';
import { Link } from 'react-router';
import { Badge } from '../../../components/ui/badge';
import { Button } from '../../../components/ui/button';
import { Card } from '../../../components/ui/card';
import { FormError } from '../../../components/ui/dialog';
import { TextField } from '../../../components/ui/field';
import { PageHeader, ReadOnlyNote } from '../../../components/ui/page';
import { ErrorState, Skeleton } from '../../../components/ui/states';
import { formatDateTime, formatNumber, plural } from '../../../lib/format';
import { orNull, useZodForm } from '../../../lib/zod-form';
import { useCan } from '../../auth/use-can';
import { useSettings } from '../api/get-settings';
import { useSyncOllama } from '../api/sync-ollama';
import { useTestOllama } from '../api/test-ollama';
import type { GatewaySettings } from '../api/types';
import { useUpdateSettings } from '../api/update-settings';

function Toggle({
  label,
  hint,
  checked,
  disabled,
  reason,
  onChange,
}: {
  label: string;
  hint: string;
  checked: boolean;
  disabled: boolean;
  reason?: string;
  onChange: (v: boolean) => void;
}) {
  const id = useId();
  return (
    <div className="flex items-start justify-between gap-4 py-3">
      <div className="min-w-0">
        <p className="text-sm font-medium" id={id}>
          {label}
        </p>
        <p className="text-xs text-muted">{hint}</p>
      </div>
      <Switch checked={checked} aria-labelledby={id} disabled={disabled} title={reason} onChange={onChange} />
    </div>
  );
}

/** The Base URL as typed, checked by the API's own schema: blank is null (the integration off). */
const ollamaForm = z
  .object({ ollamaBaseUrl: z.string() })
  .transform((v): z.input<typeof updateSettingsBody> => ({ ollamaBaseUrl: orNull(v.ollamaBaseUrl) }))
  .pipe(updateSettingsBody);

function Ollama({ settings, canWrite }: { settings: GatewaySettings; canWrite: boolean }) {
  const test = useTestOllama();
  const save = useUpdateSettings();
  const sync = useSyncOllama();
  const f = useZodForm(ollamaForm, { ollamaBaseUrl: settings.ollamaBaseUrl ?? '' }, (body) =>
    save.mutateAsync(body),
  );
  const url = f.form.watch('ollamaBaseUrl');
  const saved = (settings.ollamaBaseUrl ?? '') === url.trim();
  // Test checks the URL the same way, then tries it without saving.
  const onTest = f.form.handleSubmit((v) => test.mutate(v.ollamaBaseUrl ? { baseUrl: v.ollamaBaseUrl } : {}));
  const result = test.data;
  return (
    <Card className="hover:border-border">
      <div className="flex flex-wrap items-center gap-2">
        <PlugZap aria-hidden className="h-5 w-5 text-accent" />
        <h3 className="font-medium">Ollama (self-hosted models)</h3>
        {settings.ollamaProvider ? (
          <Badge tone={settings.ollamaProvider.status === 'active' ? 'ok' : 'muted'}>
            {settings.ollamaProvider.status} · {plural(settings.ollamaProvider.modelCount, 'model')}
          </Badge>
        ) : (
          <Badge>not connected</Badge>
        )}
      </div>
      <p className="mt-1 text-sm text-muted">
        Route requests to a local or remote Ollama at zero cost. Models are referenced as{' '}
        <code>ollama/model-name</code>.
      </p>
      <form
        onSubmit={(e) => void f.onSubmit(e)}
        noValidate
        aria-label="Ollama connection"
        className="mt-3 flex flex-col gap-3"
      >
        <TextField
          label="Base URL"
          {...f.register('ollamaBaseUrl')}
          placeholder="http://localhost:11434"
          readOnly={!canWrite}
          error={f.err('ollamaBaseUrl')}
          hint="Blank turns the integration off."
          inputMode="url"
        />
        <div className="flex flex-wrap gap-2">
          {canWrite ? (
            <>
              <Button
                type="button"
                variant="subtle"
                onClick={() => void onTest()}
                disabled={test.isPending || (!url.trim() && !settings.ollamaBaseUrl)}
              >
                {test.isPending ? 'Testing…' : 'Test'}
              </Button>
              <Button type="submit" disabled={save.isPending || saved}>
                {save.isPending ? 'Saving…' : 'Save'}
              </Button>
              <Button
                type="button"
                variant="subtle"
                disabled={sync.isPending || !settings.ollamaBaseUrl || !saved}
                title={
                  !settings.ollamaBaseUrl ? 'Save a URL first' : !saved ? 'Save the URL first' : undefined
                }
                onClick={() => sync.mutate()}
              >
                <RefreshCw aria-hidden className="h-4 w-4" />{' '}
                {sync.isPending ? 'Adding…' : 'Add discovered models'}
              </Button>
            </>
          ) : null}
        </div>
      </form>
      {result ? (
        result.success ? (
          <div role="status" className="mt-3 rounded-lg bg-ok/10 px-3 py-2 text-sm">
            <p className="flex items-center gap-1 font-medium text-ok">
              <CheckCircle2 aria-hidden className="h-4 w-4" /> Reached {result.baseUrl} in{' '}
              {formatNumber(result.latencyMs)} ms
            </p>
            <p className="mt-1 text-muted">
              {result.models.length} {result.models.length === 1 ? 'model' : 'models'}
              {result.models.length ? ': ' : '.'}
              {result.models.join(', ')}
            </p>
          </div>
        ) : (
          <p
            role="alert"
            className="mt-3 flex items-center gap-1 rounded-lg bg-danger/10 px-3 py-2 text-sm text-danger"
          >
            <XCircle aria-hidden className="h-4 w-4" /> {result.error.message}
          </p>
        )
      ) : null}
      {test.error ? <FormError error={test.error} /> : null}
      {save.isSuccess && saved ? (
        <p role="status" className="mt-2 text-sm text-ok">
          Saved.
        </p>
      ) : null}
      {sync.data ? (
        <p role="status" className="mt-2 text-sm text-ok">
          {sync.data.added.length
            ? `Added ${sync.data.added.length} of ${sync.data.discovered.length} discovered models: ${sync.data.added.join(', ')}.`
            : `All ${sync.data.discovered.length} discovered models are already in the registry.`}{' '}
          <Link className="underline" to={`/llm/models?provider=${encodeURIComponent(sync.data.provider)}`}>
            See them
          </Link>
        </p>
      ) : null}
      {sync.error ? <FormError error={sync.error} /> : null}
      {f.formError ? <FormError error={f.formError} /> : null}
    </Card>
  );
}

/** Gateway settings: Ollama, body logging, routing debug headers. Viewers read. */
export function SettingsPage() {
  const can = useCan();
  const canWrite = can('settings:write');
  const settings = useSettings();
  const update = useUpdateSettings();
  const reason = canWrite ? undefined : 'Your role can read settings but not change them';
  return (
    <div className="flex flex-col gap-4">
      <PageHeader
        title="Settings"
        description="Gateway-wide switches. Changes apply at once, on every instance."
      />
      {!canWrite ? (
        <ReadOnlyNote>Read-only: your role can see the settings but not change them.</ReadOnlyNote>
      ) : null}
      {settings.isPending ? (
        <Skeleton className="h-48 w-full" />
      ) : settings.isError ? (
        <ErrorState error={settings.error} onRetry={() => void settings.refetch()} />
      ) : (
        <>
          <Card className="hover:border-border">
            <h3 className="font-medium">Logging and debugging</h3>
            <div className="divide-y divide-border">
              <Toggle
                label="Request body logging"
                hint="Keep each request and its response (up to 64 KiB each) with the log record. Off by default: bodies may hold personal data."
                checked={settings.data.bodyLogging}
                disabled={!canWrite || update.isPending}
                reason={reason}
                onChange={(v) => update.mutate({ bodyLogging: v })}
              />
              <Toggle
                label="Routing debug headers"
                hint="Also send x-switchyard-skipped (the candidates routing skipped, and why) on every answer, failed and cached ones included. x-switchyard-provider, -model and -attempts are always sent."
                checked={settings.data.debugHeaders}
                disabled={!canWrite || update.isPending}
                reason={reason}
                onChange={(v) => update.mutate({ debugHeaders: v })}
              />
            </div>
            {update.error ? <FormError error={update.error} /> : null}
            {settings.data.updatedAt ? (
              <p className="mt-2 text-xs text-muted">
                Last changed {formatDateTime(settings.data.updatedAt)}.
              </p>
            ) : null}
          </Card>
          <Ollama key={settings.data.ollamaBaseUrl ?? ''} settings={settings.data} canWrite={canWrite} />
        </>
      )}
    </div>
  );
}
