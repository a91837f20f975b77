import type { DlpPolicyInput } from '@switchyard/core';
import { dlpDetail } from '@switchyard/core';
import { useState } from 'react';
import { Badge } from '../../../components/ui/badge';
import { TextAreaField } from '../../../components/ui/field';
import { ErrorState } from '../../../components/ui/states';
import { useDebounced } from '../../../lib/use-debounced';
import { useDlpTest } from '../api/test-policy';
import { segments } from '../policy-form';

const SAMPLE =
  'Hi, I am Jane (jane.doe@example.com, +44 20 7946 0958). My card is 4111 1111 1111 1111 and the server is 203.0.113.7.';

const MARK: Record<string, string> = {
  mask: 'bg-accent/20 text-fg',
  redact: 'bg-amber-500/25 text-fg',
  block: 'bg-danger/25 text-fg',
  detect: 'bg-surface-2 text-fg underline decoration-dotted',
};

/**
 * The live tester: paste a text, see what the policy being edited catches (highlighted) and the text as the provider
 * would receive it. Runs on the server (the same scanner as the gateway), debounced; nothing is stored.
 */
export function PolicyTester({ policy, invalid }: { policy: DlpPolicyInput; invalid: boolean }) {
  const [text, setText] = useState(SAMPLE);
  const q = useDebounced({ text, policy }, 300);
  const test = useDlpTest(q.text, q.policy, !invalid);
  const r = test.data;
  return (
    <section aria-labelledby="dlp-tester" className="flex flex-col gap-3">
      <h4 id="dlp-tester" className="text-sm font-semibold">
        Try it
      </h4>
      <TextAreaField
        label="Text to test"
        rows={5}
        value={text}
        onChange={(e) => setText(e.target.value)}
        hint="Nothing you type here is stored or logged."
      />
      {invalid ? (
        <p className="text-sm text-muted">Fix the rules marked in red to test them.</p>
      ) : test.isError ? (
        <ErrorState error={test.error} />
      ) : r && text ? (
        <div className="flex flex-col gap-3" aria-live="polite" aria-busy={test.isFetching}>
          {r.blocked ? (
            <p role="alert" className="rounded-lg bg-danger/10 px-3 py-2 text-sm text-danger">
              Blocked: a request with this text is refused before it reaches any provider (
              {r.blocked.kind === 'custom' ? r.blocked.rule : r.blocked.kind}).
            </p>
          ) : null}
          <div>
            <p className="mb-1 text-xs font-medium uppercase tracking-wide text-muted">Caught</p>
            <p
              data-testid="dlp-tester-highlight"
              className="whitespace-pre-wrap break-words rounded-lg border border-border bg-surface-2/40 p-2 font-mono text-xs"
            >
              {segments(q.text, r.spans).map((s, i) =>
                s.match ? (
                  <mark
                    key={i}
                    className={`rounded px-0.5 ${MARK[s.match.action]}`}
                    title={`${s.match.rule}: ${s.match.action}`}
                  >
                    {s.text}
                  </mark>
                ) : (
                  <span key={i}>{s.text}</span>
                ),
              )}
            </p>
            <ul className="mt-2 flex flex-wrap gap-2" data-testid="dlp-tester-findings">
              {r.findings.length === 0 ? <li className="text-sm text-muted">Nothing caught.</li> : null}
              {r.findings.map((f) => (
                <li key={`${f.kind}:${f.rule}`}>
                  <Badge tone={f.action === 'block' ? 'danger' : f.action === 'detect' ? 'muted' : 'accent'}>
                    {dlpDetail(f)}
                  </Badge>
                </li>
              ))}
            </ul>
          </div>
          <div>
            <p className="mb-1 text-xs font-medium uppercase tracking-wide text-muted">
              Sent to the provider as
            </p>
            <pre
              data-testid="dlp-tester-output"
              className="whitespace-pre-wrap break-words rounded-lg border border-border bg-surface-2/40 p-2 font-mono text-xs"
            >
              {r.blocked ? '(not sent)' : r.text}
            </pre>
          </div>
        </div>
      ) : null}
    </section>
  );
}
