import { ArrowRight, CheckCircle2, CircleSlash, FlaskConical, KeyRound, Route } from 'lucide-react';
import type { ReactNode } from 'react';
import { Link } from 'react-router';
import { Badge } from '../../../components/ui/badge';
import { Drawer } from '../../../components/ui/drawer';
import { ErrorState, Skeleton } from '../../../components/ui/states';
import { formatDateTime, formatNumber, formatUsd } from '../../../lib/format';
import { useCan } from '../../auth/use-can';
import { llmPath } from '../../llm/tabs';
import { retraceHref } from '../../providers/routing-form';
import { useLog } from '../api/get-log';
import { useMyLog } from '../api/get-my-log';
import type { AttemptLog, LogDetail, Trace } from '../api/types';
import { splitOutcome } from '../log-filters';
import { toolLabel } from './logs-table';
import { HttpStatusBadge } from './status-badge';

const KEY_SOURCE: Record<string, string> = {
  byok: 'user key (BYOK)',
  org: 'organization key',
  provider: 'provider key',
};

function Row({ label, children }: { label: string; children: ReactNode }) {
  return (
    <>
      <dt className="text-muted">{label}</dt>
      <dd className="min-w-0 break-words">{children}</dd>
    </>
  );
}

function Section({ title, children }: { title: string; children: ReactNode }) {
  return (
    <section className="mt-5" aria-label={title}>
      <h3 className="mb-2 text-sm font-semibold">{title}</h3>
      {children}
    </section>
  );
}

function lookupText(plan: Trace): string {
  const l = plan.lookup;
  if (l.kind === 'alias')
    return `alias ${l.alias ?? plan.requested}${l.scope ? ` (${l.scope})` : ''}${l.aliasStrategy ? `, ${l.aliasStrategy}` : ''}`;
  if (l.kind === 'power-level') return `power level ${l.level ?? ''}${l.tier ? ` → tier ${l.tier}` : ''}`;
  if (l.kind === 'direct') return 'a provider/model ref';
  if (l.kind === 'bare') return 'a bare model id (every provider that has it)';
  return 'not found';
}

/** The resolver's decision for one request (also shown after a probe on the Connect a tool page). */
export function TraceView({ plan }: { plan: Trace }) {
  const orderIndex = new Map(plan.order.map((r, i) => [r, i + 1]));
  return (
    <div data-testid="resolver-trace">
      <p className="text-sm">
        {plan.defaultModel !== undefined ? (
          <>
            <code>{plan.requested || '(no model)'}</code> → default model <code>{plan.defaultModel}</code>
            ,{' '}
          </>
        ) : (
          <code>{plan.requested}</code>
        )}{' '}
        resolved as {lookupText(plan)}; strategy <Badge tone="accent">{plan.strategy}</Badge>; {plan.attempts}{' '}
        {plan.attempts === 1 ? 'attempt' : 'attempts'} planned.
      </p>
      {plan.experiment ? (
        <p className="mt-1 text-sm" data-testid="trace-experiment">
          <code>
            experiment: {plan.experiment.name} → {plan.experiment.variant} ({plan.experiment.target})
          </code>{' '}
          <span className="text-muted">
            {plan.experiment.unresolved
              ? 'the variant names nothing routable: the alias routed as configured'
              : `bucket ${plan.experiment.bucket} of 10,000, ${plan.experiment.sticky === 'request' ? 'drawn for this request' : `sticky per ${plan.experiment.sticky}`}`}
          </span>
        </p>
      ) : null}
      {plan.order.length ? (
        <ol aria-label="Planned order" className="mt-2 flex flex-wrap items-center gap-1 text-xs">
          {plan.order.map((r, i) => (
            <li key={r} className="inline-flex items-center gap-1">
              {i > 0 ? <ArrowRight aria-hidden className="h-3 w-3 text-muted" /> : null}
              <code className="rounded bg-surface-2 px-1.5 py-0.5">
                {i + 1}. {r}
              </code>
            </li>
          ))}
        </ol>
      ) : null}
      <ul aria-label="Candidates" className="mt-3 divide-y divide-border rounded-xl border border-border">
        {plan.candidates.map((c, i) => (
          <li
            key={`${c.ref}-${i}`}
            data-testid="trace-candidate"
            className="flex flex-wrap items-start gap-2 px-3 py-2 text-sm"
          >
            {c.kept ? (
              <CheckCircle2 aria-hidden className="mt-0.5 h-4 w-4 text-ok" />
            ) : (
              <CircleSlash aria-hidden className="mt-0.5 h-4 w-4 text-danger" />
            )}
            <div className="min-w-0 flex-1">
              <div className="flex flex-wrap items-center gap-2">
                <code className="break-all">{c.ref}</code>
                <Badge tone={c.kept ? 'ok' : 'danger'}>
                  {c.kept ? `kept${orderIndex.has(c.ref) ? ` · #${orderIndex.get(c.ref)}` : ''}` : 'skipped'}
                </Badge>
                {c.key ? <Badge>{KEY_SOURCE[c.key] ?? c.key}</Badge> : null}
                {typeof c.score === 'number' ? (
                  <span className="text-xs text-muted">score {c.score}</span>
                ) : null}
              </div>
              <p className="text-xs text-muted">
                via {c.via}
                {c.reason ? (
                  <>
                    {' '}
                    · <span className="text-danger">{c.reason.replace(/_/g, ' ')}</span>
                  </>
                ) : null}
                {c.detail ? <> · {c.detail}</> : null}
              </p>
            </div>
          </li>
        ))}
        {plan.candidates.length === 0 ? (
          <li className="px-3 py-2 text-sm text-muted">No candidates.</li>
        ) : null}
      </ul>
    </div>
  );
}

function Attempts({ attempts }: { attempts: AttemptLog[] }) {
  if (attempts.length === 0) return <p className="text-sm text-muted">No provider was called.</p>;
  return (
    <ol aria-label="Attempts" className="relative ml-2 border-l border-border pl-4">
      {attempts.map((a, i) => {
        const o = splitOutcome(a.outcome);
        const ok = o.kind === 'ok';
        return (
          <li key={i} data-testid="attempt" className="mb-3 last:mb-0">
            <span
              aria-hidden
              className={`absolute -left-[5px] mt-1.5 h-2.5 w-2.5 rounded-full ${ok ? 'bg-ok' : 'bg-danger'}`}
            />
            <div className="flex flex-wrap items-center gap-2 text-sm">
              <span className="font-medium">#{i + 1}</span>
              <code className="break-all">
                {a.provider}/{a.model}
              </code>
              <Badge tone={ok ? 'ok' : o.kind === 'skipped' ? 'warn' : 'danger'}>
                {o.kind.replace(/_/g, ' ')}
                {o.detail ? `: ${o.detail.replace(/_/g, ' ')}` : ''}
              </Badge>
            </div>
            <p className="text-xs text-muted">
              <KeyRound aria-hidden className="mr-1 inline h-3 w-3" />
              {KEY_SOURCE[a.key] ?? a.key} · status {a.status ?? '—'} · {formatNumber(a.ms)} ms
              {a.endpoint ? <> · endpoint {a.endpoint}</> : null}
            </p>
          </li>
        );
      })}
    </ol>
  );
}

function Body({ label, text }: { label: string; text: string }) {
  let shown = text;
  try {
    shown = JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    // not JSON (a stream): as is
  }
  return (
    <details className="mb-2 rounded-xl border border-border" open={false}>
      <summary className="cursor-pointer px-3 py-2 text-sm font-medium">{label}</summary>
      <pre className="max-h-80 overflow-auto whitespace-pre-wrap break-all border-t border-border p-3 text-xs">
        {shown || '(empty)'}
      </pre>
    </details>
  );
}

/** Endpoints the resolver dry run takes (count_tokens is free and never routed). */
const TRACEABLE = new Set(['chat', 'messages', 'responses', 'embeddings']);

function Detail({ log, scope }: { log: LogDetail; scope: 'any' | 'self' }) {
  const can = useCan();
  const canTrace = can('routing:trace');
  const canTestRules = can('routing:read');
  const plan = log.trace?.plan ?? null;
  const attempts = log.trace?.attempts ?? [];
  const bodies = log.trace?.bodies;
  return (
    <div>
      <dl className="grid grid-cols-[minmax(7rem,auto)_1fr] gap-x-4 gap-y-1 text-sm">
        <Row label="Time">{formatDateTime(log.createdAt)}</Row>
        <Row label="Status">
          <HttpStatusBadge status={log.status} code={log.errorCode} />
        </Row>
        <Row label="Endpoint">
          <code>{log.endpoint}</code>
          {log.stream ? ' (stream)' : ''}
        </Row>
        <Row label="Requested">
          <code>{log.requestedModel}</code>
        </Row>
        <Row label="Served by">
          {log.actualModel ? (
            <code>
              {log.provider}/{log.actualModel}
            </code>
          ) : (
            '—'
          )}
          {log.isByok ? (
            <>
              {' '}
              <Badge tone="accent">BYOK</Badge>
            </>
          ) : null}
          {log.cacheHit ? (
            <>
              {' '}
              <Badge tone="ok">cache hit</Badge>
            </>
          ) : null}
        </Row>
        {log.user ? <Row label="User">{log.user.email ?? log.user.id}</Row> : null}
        <Row label="Key">
          {log.key ? `${log.key.name ?? ''} ${log.key.prefix ? `(${log.key.prefix}…)` : ''}` : '—'}
        </Row>
        <Row label="Tokens">
          in {formatNumber(log.tokensIn)} · out {formatNumber(log.tokensOut)}
          {log.tokensCached ? ` · cached ${formatNumber(log.tokensCached)}` : ''}
          {log.tokensEstimated ? (
            <>
              {' '}
              <Badge tone="warn">estimated</Badge>{' '}
              <span className="text-xs text-muted" data-testid="tokens-estimated-note">
                The provider reported no usage (or not all of it): the gateway estimated these tokens, and the
                cost from them.
              </span>
            </>
          ) : null}
        </Row>
        <Row label="Cost">
          {formatUsd(log.costUsd)}
          {log.savedUsd > 0 ? ` (BYOK saved ${formatUsd(log.savedUsd)})` : ''}
          {log.cacheHit ? ` (from the cache: saved ${formatUsd(log.cacheSavedUsd)})` : ''}
        </Row>
        <Row label="Latency">
          {formatNumber(log.latencyMs)} ms
          {log.ttftMs !== null ? ` · first token ${formatNumber(log.ttftMs)} ms` : ''}
        </Row>
        <Row label="Request ID">
          <code className="break-all text-xs">{log.requestId}</code>
        </Row>
        {log.client ? (
          <>
            <Row label="Tool">
              {log.client.tool
                ? `${toolLabel(log.client.tool)}${log.client.version ? ` ${log.client.version}` : ''}`
                : '—'}
              {log.client.app ? (
                <>
                  {' '}
                  · app <code>{log.client.app}</code>
                </>
              ) : null}
              {log.client.originator ? (
                <>
                  {' '}
                  · originator <code>{log.client.originator}</code>
                </>
              ) : null}
            </Row>
            {log.client.sessionId ? (
              <Row label="Session">
                {scope === 'any' ? (
                  <Link
                    className="break-all text-xs text-accent hover:underline"
                    to={`/logs?session=${encodeURIComponent(log.client.sessionId)}`}
                  >
                    {log.client.sessionId}
                  </Link>
                ) : (
                  <code className="break-all text-xs">{log.client.sessionId}</code>
                )}
              </Row>
            ) : null}
            {log.client.userAgent ? (
              <Row label="User-agent">
                <code className="break-all text-xs">{log.client.userAgent}</code>
              </Row>
            ) : null}
          </>
        ) : null}
      </dl>
      {scope === 'any' && (canTrace || canTestRules) ? (
        <div className="mt-3 flex flex-wrap gap-x-4 gap-y-1">
          {canTrace ? (
            <Link
              to={retraceHref({
                model: log.requestedModel,
                endpoint: TRACEABLE.has(log.endpoint) ? log.endpoint : undefined,
                stream: log.stream,
                runAs: log.key ? `key:${log.key.id}` : log.user ? `user:${log.user.id}` : undefined,
                requestId: log.requestId,
              })}
              className="inline-flex items-center gap-1 text-sm font-medium text-accent underline"
            >
              <Route aria-hidden className="h-4 w-4" /> Re-trace this request
            </Link>
          ) : null}
          {canTestRules ? (
            // The rules tester replays the logged request itself: its needs, agent and the values rules looked at.
            <Link
              to={`${llmPath('rules')}?${new URLSearchParams({ request: log.requestId }).toString()}`}
              className="inline-flex items-center gap-1 text-sm font-medium text-accent underline"
            >
              <FlaskConical aria-hidden className="h-4 w-4" /> Test it against the rules
            </Link>
          ) : null}
        </div>
      ) : null}
      <Section title="Resolver trace">
        {log.trace?.cache ? (
          <p className="mb-2 text-sm" data-testid="log-cache">
            <code>{log.trace.cache.summary}</code>
          </p>
        ) : null}
        {log.trace?.dlp ? (
          <p className="mb-2 text-sm" data-testid="log-dlp">
            <code>{log.trace.dlp.summary}</code>{' '}
            <span className="text-muted">
              ({log.trace.dlp.scope === 'global' ? 'global policy' : `policy of ${log.trace.dlp.scopeName}`})
            </span>
          </p>
        ) : null}
        {plan?.agent ? (
          <p className="mb-2 text-sm" data-testid="log-agent">
            <code>
              agent: {plan.agent.id} ({plan.agent.effort}) → {plan.agent.model}
            </code>{' '}
            <span className="text-muted">
              ({plan.agent.name}, named by{' '}
              {plan.agent.via === 'model' ? 'the model' : 'the x-switchyard-agent header'})
            </span>
          </p>
        ) : null}
        {plan?.rule ? (
          <p className="mb-2 text-sm" data-testid="log-rule">
            <code>
              rule: {plan.rule.name}
              {plan.rule.route ? ` → ${plan.rule.route}` : ''}
              {plan.rule.strategy ? ` · strategy ${plan.rule.strategy}` : ''}
              {plan.rule.region ? ` · prefer region ${plan.rule.region}` : ''}
            </code>{' '}
            <span className="text-muted">(the first routing rule that matched)</span>
          </p>
        ) : null}
        {log.trace?.inputs ? <RuleInputs inputs={log.trace.inputs} /> : null}
        {plan ? (
          <TraceView plan={plan} />
        ) : (
          <p className="text-sm text-muted">No trace was recorded for this request.</p>
        )}
      </Section>
      <Section title="Attempts">
        <Attempts attempts={attempts} />
      </Section>
      <Section title="Feedback">
        <FeedbackList feedback={log.feedback} />
      </Section>
      <Section title="Bodies">
        {bodies ? (
          <>
            {bodies.truncated ? <p className="mb-2 text-xs text-muted">Cut at 64 KiB.</p> : null}
            <Body
              label={`Request${bodies.requestBytes !== undefined ? ` (${formatNumber(bodies.requestBytes)} bytes)` : ''}`}
              text={bodies.request}
            />
            <Body
              label={`Response${bodies.responseBytes !== undefined ? ` (${formatNumber(bodies.responseBytes)} bytes)` : ''}`}
              text={bodies.response}
            />
          </>
        ) : (
          <p className="text-sm text-muted">
            Bodies were not logged for this request (Settings → Request body logging).
          </p>
        )}
      </Section>
    </div>
  );
}

/** The scores given to the request with POST /v1/feedback (one per rating key, newest first). */
function FeedbackList({ feedback }: { feedback: LogDetail['feedback'] }) {
  if (!feedback.length)
    return (
      <p className="text-sm text-muted">
        No score was given to this request (an app sends one with POST /v1/feedback and its x-request-id).
      </p>
    );
  return (
    <ul aria-label="Feedback" className="flex flex-col gap-1 text-sm">
      {feedback.map((f) => (
        <li
          key={`${f.rater}-${f.at}`}
          data-testid="log-feedback"
          className="flex flex-wrap items-baseline gap-2"
        >
          <Badge tone={f.score >= 0.5 ? 'ok' : 'danger'}>score {formatNumber(f.score)}</Badge>
          {f.comment ? <span>“{f.comment}”</span> : null}
          <span className="text-xs text-muted">
            {f.rater} · {formatDateTime(f.at)}
          </span>
        </li>
      ))}
    </ul>
  );
}

function Loaded({
  q,
  scope,
}: {
  q: { isPending: boolean; isError: boolean; error: unknown; data?: LogDetail; refetch: () => unknown };
  scope: 'any' | 'self';
}) {
  if (q.isPending)
    return (
      <div className="flex flex-col gap-2">
        <Skeleton className="h-6 w-2/3" />
        <Skeleton className="h-40 w-full" />
      </div>
    );
  if (q.isError || !q.data) return <ErrorState error={q.error} onRetry={() => void q.refetch()} />;
  return <Detail log={q.data} scope={scope} />;
}

function AnyLog({ id }: { id: string }) {
  return <Loaded q={useLog(id)} scope="any" />;
}
function MyLog({ id }: { id: string }) {
  return <Loaded q={useMyLog(id)} scope="self" />;
}

/** One request: what was asked, who served it, the resolver's trace, the attempts, and the bodies when logged. */
export function LogDrawer({
  id,
  scope,
  onClose,
}: {
  id: string | null;
  scope: 'any' | 'self';
  onClose: () => void;
}) {
  return (
    <Drawer
      open={!!id}
      onClose={onClose}
      title="Request details"
      description="Resolver trace, attempts and bodies for one request."
    >
      {id ? scope === 'any' ? <AnyLog id={id} /> : <MyLog id={id} /> : null}
    </Drawer>
  );
}

/** The header and metadata values routing rules looked at, as the record kept them (or why it did not). */
function RuleInputs({ inputs }: { inputs: NonNullable<NonNullable<LogDetail['trace']>['inputs']> }) {
  const kept =
    inputs === 'protected'
      ? 'not kept (data protection applied to this request)'
      : [
          ...Object.entries(inputs.headers ?? {}).map(([k, v]) => `${k}: ${v}`),
          ...Object.entries(inputs.metadata ?? {}).map(([k, v]) => `metadata ${k}: ${v}`),
        ].join('; ') || 'none sent';
  return (
    <p className="mb-2 text-sm" data-testid="log-rule-inputs">
      <code>rule inputs: {kept}</code>{' '}
      <span className="text-muted">(the header and metadata values routing rules look at)</span>
    </p>
  );
}
