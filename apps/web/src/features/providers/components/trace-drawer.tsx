import { CircleCheck, CircleX } from 'lucide-react';
import { useEffect, useId, useState, type FormEvent } from 'react';
import { Badge } from '../../../components/ui/badge';
import { Button } from '../../../components/ui/button';
import { Dialog, FormError } from '../../../components/ui/dialog';
import { CheckboxField, SelectField, TextField } from '../../../components/ui/field';
import { FormReader, sentence, type FieldErrors } from '../../../lib/forms';
import { formatUsd } from '../../../lib/format';
import { useCan } from '../../auth/use-can';
import { useKeys } from '../../keys/api/get-keys';
import { useUsers } from '../../users/api/get-users';
import { useTraceRequest } from '../api/trace-request';
import type { TraceResult } from '../api/types';
import { readTraceForm, runAsFields, traceSubmitBody, type TraceStart } from '../routing-form';

function lookupText(l: TraceResult['trace']['lookup']): string {
  const extra = Object.entries(l)
    .filter(([k, v]) => k !== 'kind' && v !== null && v !== undefined && typeof v !== 'object')
    .map(([k, v]) => `${k}: ${String(v)}`);
  return [l.kind, ...extra].join(' · ');
}

/** What a replay of a logged request planned with: its size, needs and the rule inputs it kept. */
export function replayText(q: TraceResult['request']): string {
  const parts = [
    `${q.promptTokens} prompt tokens`,
    `max tokens ${q.maxTokens ?? 'model default'}`,
    ...(q.choices !== undefined && q.choices > 1 ? [`${q.choices} answers`] : []),
    `needs ${q.needs.join(', ')}`,
  ];
  const pairs = (o: Record<string, string>) =>
    Object.entries(o)
      .map(([k, v]) => `${k}: ${v}`)
      .join(', ');
  if (Object.keys(q.headers).length > 0) parts.push(`headers ${pairs(q.headers)}`);
  if (Object.keys(q.metadata).length > 0) parts.push(`metadata ${pairs(q.metadata)}`);
  if (q.loggedInputs === 'protected')
    parts.push('the header and metadata values rules look at were not kept (data protection applied to it)');
  return parts.join(' · ');
}

function Result({ r }: { r: TraceResult }) {
  return (
    <div className="flex flex-col gap-4" data-testid="trace-result">
      {r.request.requestId ? (
        <p className="text-sm" data-testid="trace-replay">
          Logged request <code className="break-all text-xs">{r.request.requestId}</code>, planned as if sent
          now: {replayText(r.request)}
        </p>
      ) : null}
      {r.ok && r.chosen ? (
        <div className="rounded-xl bg-ok/10 p-3 text-sm" role="status">
          <p className="flex items-center gap-2 font-medium text-ok">
            <CircleCheck aria-hidden className="h-4 w-4" /> Chosen:{' '}
            <span data-testid="trace-chosen">{r.chosen.ref}</span>
          </p>
          <dl className="mt-2 grid grid-cols-2 gap-x-3 gap-y-1 text-xs">
            <dt className="text-muted">Provider</dt>
            <dd>{r.chosen.providerName}</dd>
            <dt className="text-muted">Model</dt>
            <dd className="break-all">{r.chosen.modelId}</dd>
            <dt className="text-muted">Key</dt>
            <dd>{r.chosen.keySource}</dd>
            <dt className="text-muted">Estimated cost</dt>
            <dd data-testid="trace-cost">{formatUsd(r.chosen.estimatedCostUsd)}</dd>
            {r.chosen.isFallback ? (
              <>
                <dt className="text-muted">Note</dt>
                <dd>a fallback</dd>
              </>
            ) : null}
          </dl>
        </div>
      ) : (
        <div className="rounded-xl bg-danger/10 p-3 text-sm text-danger" role="alert">
          <p className="flex items-center gap-2 font-medium">
            <CircleX aria-hidden className="h-4 w-4" /> No model would serve this request
          </p>
          {r.error ? (
            <p className="mt-1">
              {r.error.message}{' '}
              <span className="text-xs">
                ({r.error.code}, HTTP {r.error.httpStatus})
              </span>
            </p>
          ) : null}
        </div>
      )}
      <dl className="grid grid-cols-[auto_1fr] gap-x-3 gap-y-1 text-sm">
        <dt className="text-muted">Requested</dt>
        <dd className="break-all">{r.trace.requested || '(no model)'}</dd>
        {r.trace.defaultModel !== undefined ? (
          <>
            <dt className="text-muted">Default model</dt>
            <dd className="break-all" data-testid="trace-default-model">
              → {r.trace.defaultModel}
            </dd>
          </>
        ) : null}
        <dt className="text-muted">Lookup</dt>
        <dd className="break-words">{lookupText(r.trace.lookup)}</dd>
        <dt className="text-muted">Strategy</dt>
        <dd>{r.trace.strategy}</dd>
        <dt className="text-muted">Caller</dt>
        <dd className="break-all" data-testid="trace-caller">
          {r.caller.keyId ? `key ${r.caller.keyId} · ` : ''}
          {r.caller.userId ? `user ${r.caller.userId}` : 'operator'}
          {r.caller.powerLevel ? ` · power level ${r.caller.powerLevel}` : ''}
          {r.caller.note ? (
            <span className="block text-xs text-muted" data-testid="trace-caller-note">
              {r.caller.note}
            </span>
          ) : null}
        </dd>
        <dt className="text-muted">Attempts</dt>
        <dd>up to {r.trace.attempts}</dd>
      </dl>
      <div>
        <h3 className="mb-2 text-sm font-medium">Candidates</h3>
        {r.trace.candidates.length === 0 ? (
          <p className="text-sm text-muted">No candidate.</p>
        ) : (
          <ol className="flex flex-col gap-1.5" aria-label="Candidates">
            {r.trace.candidates.map((c, i) => (
              <li
                key={`${c.ref}-${i}`}
                className={`min-w-0 rounded-lg border px-3 py-2 text-sm ${c.kept ? 'border-ok/40' : 'border-border opacity-80'}`}
                data-testid="trace-candidate"
                data-kept={c.kept}
              >
                <div className="flex flex-wrap items-center gap-2">
                  {c.kept ? <Badge tone="ok">kept</Badge> : <Badge tone="danger">skipped</Badge>}
                  <span className="min-w-0 break-all font-medium">{c.ref}</span>
                  {r.trace.order.includes(c.ref) ? (
                    <span className="text-xs text-muted">#{r.trace.order.indexOf(c.ref) + 1} in order</span>
                  ) : null}
                </div>
                <p className="mt-1 text-xs text-muted">
                  via {c.via}
                  {c.reason ? ` · ${c.reason}` : ''}
                  {c.detail ? ` · ${c.detail}` : ''}
                  {c.key ? ` · key: ${c.key}` : ''}
                  {c.score !== undefined ? ` · score ${c.score}` : ''}
                </p>
              </li>
            ))}
          </ol>
        )}
      </div>
      {r.attempts.length > 1 ? (
        <div>
          <h3 className="mb-2 text-sm font-medium">Would try, in order</h3>
          <ol className="list-decimal pl-5 text-sm">
            {r.attempts.map((a) => (
              <li key={a.ref} className="break-all">
                {a.ref}{' '}
                <span className="text-xs text-muted">
                  ({a.keySource}, ~{formatUsd(a.estimatedCostUsd)})
                </span>
              </li>
            ))}
          </ol>
        </div>
      ) : null}
    </div>
  );
}

/**
 * "Trace this request": a dry run of the resolver (no provider is called), every candidate kept or skipped and why;
 * as me, a user or a gateway key. A result is cleared as soon as an input changes (it no longer answers the form).
 * Opened with `start` (a log entry's "Re-trace"), the form starts from it and runs at once: a start with a request id
 * replays that logged request (its size, needs, max tokens, rule inputs and caller, rebuilt by the server), and the
 * form then holds its values; tracing from the form goes on replaying it with the form's fields on top.
 */
export function TraceDrawer({
  open,
  onClose,
  suggestions,
  start = null,
}: {
  open: boolean;
  onClose: () => void;
  suggestions: string[];
  start?: TraceStart | null;
}) {
  const listId = useId();
  const can = useCan();
  const trace = useTraceRequest();
  const users = useUsers({}, { enabled: open && can('users:read') });
  const keys = useKeys({ status: 'active' }, { enabled: open && can('keys:read-any') });
  const [errors, setErrors] = useState<FieldErrors>({});
  const err = (n: string) => sentence(errors[n]);
  const { mutate, reset } = trace;
  // Controlled: the choice survives the user and key lists arriving (their options replace the placeholder).
  const [runAs, setRunAs] = useState(start?.runAs ?? '');
  useEffect(() => setRunAs(start?.runAs ?? ''), [start]);
  // A logged request's replay, as the server rebuilt it: the form shows its values (kept while the form is edited).
  const [replayed, setReplayed] = useState<TraceResult['request'] | null>(null);
  useEffect(() => {
    setReplayed(null);
    if (!open) return reset();
    if (start?.requestId) mutate({ requestId: start.requestId });
    else if (start)
      mutate({
        model: start.model,
        endpoint: (start.endpoint ?? 'chat') as 'chat',
        stream: start.stream ?? false,
        ...runAsFields(start.runAs ?? ''),
      });
  }, [open, start, mutate, reset]);
  const replay = trace.data?.request;
  useEffect(() => {
    if (replay?.requestId && replay.requestId === start?.requestId) setReplayed((r) => r ?? replay);
  }, [replay, start]);
  const onSubmit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const parsed = readTraceForm(FormReader.of(e.currentTarget));
    if (!parsed.ok) return setErrors(parsed.errors);
    setErrors({});
    trace.mutate(traceSubmitBody(parsed.data, start, runAs));
  };
  // A changed input makes the shown result stale: clear it (and any error) until the next trace.
  const onChange = () => {
    if (trace.data || trace.isError) trace.reset();
  };
  const startAs = start?.runAs ?? '';
  const knownUser = (users.data ?? []).some((u) => `user:${u.id}` === startAs);
  const knownKey = (keys.data ?? []).some((k) => `key:${k.id}` === startAs);
  return (
    <Dialog
      open={open}
      onClose={onClose}
      title="Trace a request"
      description="A dry run: the resolver plans the request as the gateway would, without calling a provider."
      placement="right"
      wide
    >
      <form
        key={start ? `${JSON.stringify(start)}${replayed ? ':replayed' : ''}` : 'blank'}
        onSubmit={onSubmit}
        onChange={onChange}
        noValidate
        aria-label="Trace request"
        className="grid grid-cols-2 gap-3"
      >
        <datalist id={listId}>
          {suggestions.map((s) => (
            <option key={s} value={s} />
          ))}
        </datalist>
        <TextField
          label="Model"
          name="model"
          list={listId}
          defaultValue={start?.model ?? ''}
          error={err('model')}
          placeholder="alias, power level or provider/model"
          className="col-span-2"
          spellCheck={false}
          autoComplete="off"
          data-autofocus
        />
        <SelectField
          label="Run as"
          name="runAs"
          value={runAs}
          onChange={(e) => setRunAs(e.target.value)}
          error={err('userId') || err('keyId')}
          className="col-span-2"
          hint="Plan as that user (their power level, organization, keys) or that gateway key (its allowed models, limits) would be planned."
        >
          <option value="">Me (operator view)</option>
          {startAs && !knownUser && !knownKey ? (
            <option value={startAs}>
              {startAs.startsWith('key:') ? 'the key of that request' : 'the user of that request'}
            </option>
          ) : null}
          {users.data?.length ? (
            <optgroup label="Users">
              {users.data.map((u) => (
                <option key={u.id} value={`user:${u.id}`}>
                  {u.email}
                </option>
              ))}
            </optgroup>
          ) : null}
          {keys.data?.length ? (
            <optgroup label="Gateway keys">
              {keys.data.map((k) => (
                <option key={k.id} value={`key:${k.id}`}>
                  {k.name} ({k.prefix}…)
                </option>
              ))}
            </optgroup>
          ) : null}
        </SelectField>
        <SelectField
          label="Endpoint"
          name="endpoint"
          defaultValue={replayed?.endpoint ?? start?.endpoint ?? 'chat'}
          error={err('endpoint')}
        >
          <option value="chat">chat</option>
          <option value="messages">messages</option>
          <option value="responses">responses</option>
          <option value="embeddings">embeddings</option>
        </SelectField>
        <TextField
          label="Prompt tokens"
          name="promptTokens"
          inputMode="numeric"
          defaultValue={String(replayed?.promptTokens ?? 100)}
          error={err('promptTokens')}
        />
        <TextField
          label="Max tokens"
          name="maxTokens"
          inputMode="numeric"
          placeholder="model default"
          defaultValue={replayed?.maxTokens == null ? '' : String(replayed.maxTokens)}
          error={err('maxTokens')}
        />
        <TextField
          label="Answers (n)"
          name="n"
          inputMode="numeric"
          placeholder="1"
          defaultValue={replayed?.choices == null ? '' : String(replayed.choices)}
          error={err('n')}
          hint="How many answers a chat request asks for: its cost estimate and budget reservations count each."
        />
        <CheckboxField
          label="Stream"
          name="stream"
          defaultChecked={replayed?.stream ?? start?.stream ?? false}
          className="self-end"
        />
        <div className="col-span-2 flex justify-end">
          <Button type="submit" disabled={trace.isPending}>
            {trace.isPending ? 'Tracing…' : 'Trace'}
          </Button>
        </div>
      </form>
      {trace.isError ? <FormError error={trace.error} /> : null}
      {trace.data ? (
        <div className="mt-4 border-t border-border pt-4">
          <Result r={trace.data} />
        </div>
      ) : null}
    </Dialog>
  );
}
