import { CheckCircle2, CircleSlash, FlaskConical } from 'lucide-react';
import { useState } from 'react';
import { Button } from '../../../components/ui/button';
import { Card } from '../../../components/ui/card';
import { FormError } from '../../../components/ui/dialog';
import { SelectField, TextAreaField, TextField } from '../../../components/ui/field';
import { TraceView } from '../../logs/components/log-drawer';
import { useTestRules } from '../api/test-rules';
import type { TestRulesResult } from '../api/types';

/** `name: value` lines → a header map (lower-case names). */
function headerMap(text: string): Record<string, string> | undefined {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const i = line.indexOf(':');
    if (i > 0) out[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
  }
  return Object.keys(out).length ? out : undefined;
}

/**
 * "Test against trace": a request id from the logs (its caller, model, size and time), or a described request, checked
 * against the saved rules — each rule with each condition, the rule that decides, and the plan it gets. No provider
 * is called.
 */
export function RuleTester({ initialRequestId = '' }: { initialRequestId?: string }) {
  const test = useTestRules();
  const [requestId, setRequestId] = useState(initialRequestId);
  const [model, setModel] = useState('');
  const [endpoint, setEndpoint] = useState<'chat' | 'messages' | 'responses' | 'embeddings'>('chat');
  const [headers, setHeaders] = useState('');
  const [at, setAt] = useState('');
  const [localError, setLocalError] = useState<string | null>(null);
  const r = test.data;
  return (
    <Card className="mt-6 p-4" data-testid="rule-tester">
      <h2 className="mb-1 flex items-center gap-2 text-base font-semibold">
        <FlaskConical aria-hidden className="h-4 w-4" /> Test the rules
      </h2>
      <p className="mb-3 text-sm text-muted">
        Paste a request id from the logs to test the request as it was sent (its caller, model, size, time,
        needs, agent, and the header and metadata values rules looked at), or describe one. Nothing is sent to
        a provider.
      </p>
      <form
        aria-label="Test the rules"
        className="grid grid-cols-1 gap-3 sm:grid-cols-3"
        onSubmit={(e) => {
          e.preventDefault();
          setLocalError(null);
          let iso: string | undefined;
          if (at.trim()) {
            const t = Date.parse(at.trim());
            if (Number.isNaN(t)) return setLocalError('The time is not a date (e.g. 2026-03-04T23:00:00Z).');
            iso = new Date(t).toISOString();
          }
          if (!requestId.trim() && !model.trim()) return setLocalError('Give a request id or a model.');
          const h = headerMap(headers);
          test.mutate({
            ...(requestId.trim() ? { requestId: requestId.trim() } : { endpoint }),
            ...(model.trim() ? { model: model.trim() } : {}),
            ...(h ? { headers: h } : {}),
            ...(iso ? { at: iso } : {}),
          });
        }}
      >
        <TextField
          label="Request id (from the logs)"
          value={requestId}
          onChange={(e) => setRequestId(e.target.value)}
        />
        <TextField
          label="Model"
          value={model}
          onChange={(e) => setModel(e.target.value)}
          hint="Overrides the logged request's."
        />
        <SelectField
          label="Endpoint"
          value={endpoint}
          onChange={(e) => setEndpoint(e.target.value as typeof endpoint)}
          disabled={requestId.trim() !== ''}
        >
          <option value="chat">chat (OpenAI)</option>
          <option value="responses">responses (OpenAI)</option>
          <option value="messages">messages (Anthropic)</option>
          <option value="embeddings">embeddings</option>
        </SelectField>
        <TextAreaField
          label="Headers"
          value={headers}
          onChange={(e) => setHeaders(e.target.value)}
          hint="One per line: name: value. Over the logged request's own."
          className="sm:col-span-2"
        />
        <TextField
          label="At (ISO time)"
          value={at}
          onChange={(e) => setAt(e.target.value)}
          hint="Empty: the request's time, else now."
        />
        <div className="flex items-end sm:col-span-3">
          <Button type="submit" disabled={test.isPending}>
            {test.isPending ? 'Testing…' : 'Test'}
          </Button>
        </div>
      </form>
      {localError ? <FormError error={localError} /> : null}
      {test.isError ? <FormError error={test.error} /> : null}
      {r ? (
        <div className="mt-4 space-y-3" data-testid="rule-test-result">
          <p className="text-sm">
            {r.match ? (
              <>
                Rule <strong data-testid="rule-test-match">{r.match.name}</strong> applies
              </>
            ) : (
              <span data-testid="rule-test-match">No rule applies</span>
            )}{' '}
            <span className="text-muted">
              ({r.request.model}, {r.request.endpoint}, {r.request.promptTokens} tokens, at {r.request.at};
              caller {r.caller.role ?? 'no role'}
              {r.caller.region ? `, region ${r.caller.region}` : ''})
            </span>
          </p>
          <TestedInputs result={r} />
          <ul className="space-y-2">
            {r.rules.map((x) => (
              <li
                key={x.id}
                className="rounded-md border border-border p-2 text-sm"
                data-testid="rule-test-row"
              >
                <div className="flex items-center gap-2 font-medium">
                  {x.matched ? (
                    <CheckCircle2 aria-hidden className="h-4 w-4 text-ok" />
                  ) : (
                    <CircleSlash aria-hidden className="h-4 w-4 text-muted" />
                  )}
                  {x.name}
                  {!x.enabled ? <span className="text-xs text-muted">(disabled)</span> : null}
                  {x.chosen ? <span className="text-xs text-ok">decides</span> : null}
                </div>
                {x.checks.length ? (
                  <ul className="mt-1 flex flex-wrap gap-x-4 text-xs">
                    {x.checks.map((c, i) => (
                      <li key={i} className={c.ok ? 'text-ok' : 'text-danger'}>
                        {c.ok ? '✓' : '✗'} {c.kind} {c.field}: {c.detail}
                      </li>
                    ))}
                  </ul>
                ) : (
                  <p className="mt-1 text-xs text-muted">No conditions: always matches.</p>
                )}
              </li>
            ))}
          </ul>
          <p className="text-sm" data-testid="rule-test-chosen">
            {r.plan.chosen ? (
              <>
                Would go to <code>{r.plan.chosen.ref}</code>
              </>
            ) : (
              <>No route: {r.plan.error?.message}</>
            )}
          </p>
          <TraceView plan={r.plan.trace} />
        </div>
      ) : null}
    </Card>
  );
}

/** `name: value; …` of a value map, or null when it is empty. */
function pairs(m: Record<string, string>): string | null {
  const e = Object.entries(m);
  return e.length ? e.map(([k, v]) => `${k}: ${v}`).join('; ') : null;
}

/**
 * What the request was tested with beyond its model: its needs, and the header and metadata values (a logged
 * request's as its record kept them, under any given here), or why a logged request's were not kept.
 */
function TestedInputs({ result: r }: { result: TestRulesResult }) {
  const headers = pairs(r.request.headers);
  const metadata = pairs(r.request.metadata);
  const looked = r.rules.some((x) => x.checks.some((c) => c.kind === 'header' || c.kind === 'metadata'));
  const logged = r.request.loggedInputs;
  return (
    <div className="space-y-1 text-xs text-muted" data-testid="rule-test-inputs">
      <p>
        Needs {r.request.needs.join(', ')}
        {headers ? <>; headers {headers}</> : null}
        {metadata ? <>; metadata {metadata}</> : null}
        {logged === 'kept' && (headers || metadata) ? ' (as logged, under any given above)' : null}
      </p>
      {logged === 'protected' && looked ? (
        <p data-testid="rule-test-inputs-note">
          This request&apos;s header and metadata values were not kept: data protection applied to it. Give
          them above to test them.
        </p>
      ) : null}
      {logged === 'none' && looked ? (
        <p data-testid="rule-test-inputs-note">
          No header or metadata values were logged for this request (no rule looked at any when it was made).
          Give them above to test them.
        </p>
      ) : null}
    </div>
  );
}
