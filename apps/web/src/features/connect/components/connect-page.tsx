import { GUIDE_TOOLS, toolSnippets, type GuideToolId } from '@switchyard/core';
import { AlertTriangle, FileText, Play, Plus } from 'lucide-react';
import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { Badge } from '../../../components/ui/badge';
import { Button } from '../../../components/ui/button';
import { Card } from '../../../components/ui/card';
import { CopyButton } from '../../../components/ui/copy-button';
import { SelectField, TextField } from '../../../components/ui/field';
import { PageHeader, SegmentedTabs } from '../../../components/ui/page';
import { ErrorState, Skeleton } from '../../../components/ui/states';
import { ApiError } from '../../../lib/api-client';
import { oneOf, useQueryState } from '../../../lib/search-params';
import { useCan } from '../../auth/use-can';
import { useCreateMyKey } from '../../keys/api/create-my-key';
import { useMyKeys } from '../../keys/api/get-my-keys';
import { TraceView } from '../../logs/components/log-drawer';
import { HttpStatusBadge } from '../../logs/components/status-badge';
import { useKeyModels } from '../api/get-key-models';
import { useProbe } from '../api/probe';
import { gatewayBaseUrl } from '../gateway-url';

const TOOL_IDS = GUIDE_TOOLS.map((t) => t.id);
const TOOL_TABS = GUIDE_TOOLS.map((t) => ({ value: t.id, label: t.label }));

function Step({ n, title, children }: { n: number; title: string; children: React.ReactNode }) {
  return (
    <Card className="mb-4 hover:border-border">
      <h3 className="mb-3 flex items-center gap-2 text-base font-semibold">
        <span className="inline-flex h-6 w-6 items-center justify-center rounded-full bg-accent/15 text-xs text-accent">
          {n}
        </span>
        {title}
      </h3>
      {children}
    </Card>
  );
}

/**
 * Everyone: how to point a coding tool or SDK at this gateway — the exact environment or config file for this server,
 * with one of your keys and a model it may use filled in, and a probe that makes a real call and shows the resolver trace.
 * The same text is served as Markdown at /api/v1/guide (from the same source in @switchyard/core).
 */
export function ConnectPage() {
  const can = useCan();
  const canCreate = can('keys:own');
  const qs = useQueryState();
  const tool = oneOf<GuideToolId>(qs.get('tool'), TOOL_IDS, 'claude-code');
  const meta = GUIDE_TOOLS.find((t) => t.id === tool)!;
  const baseUrl = gatewayBaseUrl();

  const keys = useMyKeys();
  const active = (keys.data ?? []).filter((k) => k.status === 'active');
  const [keyId, setKeyId] = useState<string | null>(null);
  // Full keys known in this page's memory only: one created here, or one pasted. Never stored.
  const [secrets, setSecrets] = useState<Record<string, string>>({});
  const [justCreated, setJustCreated] = useState<string | null>(null);
  const [creating, setCreating] = useState(false);
  const create = useCreateMyKey();
  const chosen = active.find((k) => k.id === keyId) ?? active[0] ?? null;
  const fullKey = chosen ? (secrets[chosen.id] ?? null) : null;

  const models = useKeyModels(chosen?.id ?? null);
  const [model, setModel] = useState<string | null>(null);
  const modelIds = models.data?.map((m) => m.id) ?? [];
  const defaultModel = modelIds.includes('chat.default') ? 'chat.default' : (modelIds[0] ?? 'chat.default');
  const chosenModel = model && modelIds.includes(model) ? model : defaultModel;
  const smallModel = modelIds.includes('eco') ? 'eco' : chosenModel;

  const probe = useProbe();
  const keyText = fullKey ?? (chosen ? `<your key ${chosen.prefix}…>` : '<SWITCHYARD_API_KEY>');
  const snippets = toolSnippets(tool, { baseUrl, key: keyText, model: chosenModel, smallModel });

  const onCreate = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const name = String(new FormData(e.currentTarget).get('name') ?? '').trim() || meta.label;
    create.mutate(
      { name },
      {
        onSuccess: (k) => {
          setSecrets((s) => ({ ...s, [k.id]: k.key }));
          setJustCreated(k.id);
          setKeyId(k.id);
          setCreating(false);
        },
      },
    );
  };
  const onPaste = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const v = String(new FormData(e.currentTarget).get('paste') ?? '').trim();
    if (chosen && v) setSecrets((s) => ({ ...s, [chosen.id]: v }));
  };
  const createError =
    create.error instanceof ApiError
      ? create.error.message
      : create.error
        ? 'The key could not be created.'
        : null;

  return (
    <div>
      <PageHeader
        title="Connect a tool"
        description={
          <>
            Point Claude Code, Codex, OpenCode, Cursor, Continue, the AI SDK, the OpenAI and Anthropic SDKs or
            curl at this gateway: <code className="break-all">{baseUrl}</code>.
          </>
        }
        actions={
          <a
            className="inline-flex items-center gap-2 rounded-lg px-4 py-2 text-sm font-medium text-accent hover:underline"
            href={`${baseUrl}/api/v1/guide?tool=${tool}`}
            target="_blank"
            rel="noreferrer"
          >
            <FileText aria-hidden className="h-4 w-4" /> This guide as Markdown (for AI agents)
          </a>
        }
      />

      <Step n={1} title="A gateway key">
        {keys.isPending ? (
          <Skeleton className="h-10 w-full" />
        ) : keys.isError ? (
          <ErrorState error={keys.error} onRetry={() => void keys.refetch()} />
        ) : (
          <div className="flex flex-col gap-3">
            <div className="flex flex-wrap items-end gap-3">
              {active.length > 0 ? (
                <SelectField
                  label="Key"
                  className="min-w-64"
                  value={chosen?.id ?? ''}
                  onChange={(e) => {
                    setKeyId(e.target.value);
                    probe.reset();
                  }}
                >
                  {active.map((k) => (
                    <option key={k.id} value={k.id}>
                      {k.name} ({k.prefix}…)
                    </option>
                  ))}
                </SelectField>
              ) : (
                <p className="text-sm text-muted">You have no active key yet.</p>
              )}
              {canCreate && !creating ? (
                <Button type="button" variant="subtle" onClick={() => setCreating(true)}>
                  <Plus aria-hidden className="h-4 w-4" /> Create one here
                </Button>
              ) : null}
            </div>
            {creating ? (
              <form onSubmit={onCreate} aria-label="Create a key" className="flex flex-wrap items-end gap-3">
                <TextField
                  label="New key name"
                  name="name"
                  defaultValue={meta.label}
                  maxLength={100}
                  error={createError ?? undefined}
                />
                <Button type="submit" disabled={create.isPending}>
                  {create.isPending ? 'Creating…' : 'Create key'}
                </Button>
                <Button type="button" variant="subtle" onClick={() => setCreating(false)}>
                  Cancel
                </Button>
              </form>
            ) : null}
            {chosen && justCreated === chosen.id && fullKey ? (
              <div
                role="alert"
                className="flex flex-col gap-2 rounded-lg border border-amber-500/40 bg-amber-500/10 px-3 py-2 text-sm"
              >
                <span className="flex items-start gap-2">
                  <AlertTriangle aria-hidden className="mt-0.5 h-4 w-4 shrink-0 text-amber-500" />
                  Copy this key now: it is shown only once, and only on this page until you leave it. The
                  snippets below include it.
                </span>
                <code data-testid="connect-new-key" className="break-all font-mono text-xs">
                  {fullKey}
                </code>
                <div>
                  <CopyButton value={fullKey} label="Copy key" />
                </div>
              </div>
            ) : chosen && !fullKey ? (
              <form
                onSubmit={onPaste}
                aria-label="Use the full key"
                className="flex flex-wrap items-end gap-3"
              >
                <TextField
                  label={`Paste the full ${chosen.prefix}… key to fill it in and probe (kept in this page only)`}
                  name="paste"
                  type="password"
                  autoComplete="off"
                  className="min-w-72"
                />
                <Button type="submit" variant="subtle">
                  Use it
                </Button>
              </form>
            ) : null}
          </div>
        )}
      </Step>

      <Step n={2} title="A model this key may use">
        {!chosen ? (
          <p className="text-sm text-muted">
            Choose or create a key first; the snippets use <code>chat.default</code> until then.
          </p>
        ) : models.isPending ? (
          <Skeleton className="h-10 w-64" />
        ) : models.isError ? (
          <ErrorState error={models.error} onRetry={() => void models.refetch()} />
        ) : (
          <SelectField
            label="Model"
            className="min-w-64"
            value={chosenModel}
            onChange={(e) => {
              setModel(e.target.value);
              probe.reset();
            }}
            hint="What the gateway's /v1/models lists for this key. An alias lets the gateway balance and fall back behind one name."
          >
            {(models.data ?? []).map((m) => (
              <option key={m.id} value={m.id}>
                {m.id}
                {m.switchyard_kind !== 'model' ? ` (${m.switchyard_kind})` : ''}
              </option>
            ))}
          </SelectField>
        )}
      </Step>

      <Step n={3} title="Configure the tool">
        <SegmentedTabs
          label="Tool"
          value={tool}
          options={TOOL_TABS}
          onChange={(v) => {
            qs.set({ tool: v === 'claude-code' ? null : v });
            probe.reset();
          }}
        />
        <p className="mt-3 text-sm text-muted">{meta.summary}</p>
        {snippets.map((s) => (
          <figure key={s.title} className="mt-4" data-testid="connect-snippet">
            <figcaption className="mb-1 flex flex-wrap items-center justify-between gap-2 text-sm">
              <span className="font-medium">
                {s.title}
                {s.path ? (
                  <>
                    {' '}
                    — <code className="text-xs">{s.path}</code>
                  </>
                ) : null}
              </span>
              <CopyButton value={s.code} label={`Copy ${s.title}`} />
            </figcaption>
            <pre className="max-w-full overflow-x-auto rounded-xl border border-border bg-surface-2 p-3 text-xs">
              <code>{s.code}</code>
            </pre>
          </figure>
        ))}
      </Step>

      <Step n={4} title="Probe">
        <p className="mb-3 text-sm text-muted">
          A real, tiny request through the gateway with this key and model (
          {meta.format === 'anthropic' ? 'Anthropic Messages' : 'OpenAI chat completions'}), then the routing
          decision it got.
        </p>
        <Button
          type="button"
          disabled={!fullKey || probe.isPending}
          onClick={() =>
            probe.mutate({
              baseUrl,
              key: fullKey!,
              model: chosenModel,
              format: meta.format === 'anthropic' ? 'anthropic' : 'openai',
            })
          }
        >
          <Play aria-hidden className="h-4 w-4" /> {probe.isPending ? 'Probing…' : 'Probe'}
        </Button>
        {!fullKey ? (
          <p className="mt-2 text-xs text-muted">
            The probe needs the full key: create one here or paste it above.
          </p>
        ) : null}
        {probe.error ? (
          <div className="mt-3">
            <ErrorState error={probe.error} />
          </div>
        ) : null}
        {probe.data ? (
          <div className="mt-4" data-testid="probe-result" aria-live="polite">
            <dl className="grid grid-cols-[minmax(7rem,auto)_1fr] gap-x-4 gap-y-1 text-sm">
              <dt className="text-muted">Status</dt>
              <dd>
                <HttpStatusBadge status={probe.data.status} code={probe.data.ok ? null : 'probe_failed'} />
              </dd>
              <dt className="text-muted">Served by</dt>
              <dd>
                {probe.data.provider ? (
                  <code data-testid="probe-served-by">
                    {probe.data.provider}/{probe.data.model}
                  </code>
                ) : (
                  '—'
                )}
              </dd>
              <dt className="text-muted">{probe.data.ok ? 'Answer' : 'Error'}</dt>
              <dd className="break-words">{probe.data.text || '(empty)'}</dd>
              <dt className="text-muted">Request ID</dt>
              <dd>
                <code className="break-all text-xs">{probe.data.requestId}</code>
              </dd>
            </dl>
            <h4 className="mb-2 mt-4 text-sm font-semibold">Resolver trace</h4>
            {probe.data.log?.trace?.plan ? (
              <TraceView plan={probe.data.log.trace.plan} />
            ) : (
              <p className="text-sm text-muted">
                {probe.data.log
                  ? 'No trace was recorded for this request.'
                  : 'The request was not found in your logs yet; open My usage in a moment.'}
              </p>
            )}
            {probe.data.ok ? (
              <p className="mt-3 text-sm">
                <Badge tone="ok">ready</Badge> Configure {meta.label} as above. Its calls appear in{' '}
                {can('logs:read') && meta.logsTool ? (
                  <Link className="text-accent hover:underline" to={`/logs?tool=${meta.logsTool}`}>
                    the logs, filtered to {meta.label}
                  </Link>
                ) : (
                  <Link className="text-accent hover:underline" to="/my-usage">
                    My usage
                  </Link>
                )}
                .
              </p>
            ) : null}
          </div>
        ) : null}
      </Step>
    </div>
  );
}
