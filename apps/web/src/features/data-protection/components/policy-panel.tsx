import { plural } from '../../../lib/format';
import { useMemo, useState } from 'react';
import { Button } from '../../../components/ui/button';
import { Card } from '../../../components/ui/card';
import { FormError } from '../../../components/ui/dialog';
import { ErrorState, Skeleton } from '../../../components/ui/states';
import { ApiError } from '../../../lib/api-client';
import { useDlpPolicy } from '../api/get-policy';
import { usePutDlpPolicy } from '../api/put-policy';
import type { DlpPolicyResponse } from '../api/types';
import {
  draftOf,
  enabledCount,
  hasErrors,
  policyErrors,
  policyOf,
  type PolicyDraft,
  type RuleErrors,
} from '../policy-form';
import { PolicyTester } from './policy-tester';
import { RuleEditor } from './rule-editor';

/** Errors the server sent back for fields (`customRules.0.pattern`), merged under the editor's own. */
function serverRuleErrors(err: unknown): Record<number, RuleErrors> {
  if (!(err instanceof ApiError)) return {};
  const out: Record<number, RuleErrors> = {};
  for (const [field, message] of Object.entries(err.fieldErrors())) {
    const m = /^customRules\.(\d+)\.(name|pattern|flags|action)$/.exec(field);
    if (m) (out[Number(m[1])] ??= {})[m[2] as keyof RuleErrors] = message;
  }
  return out;
}

/** Why the saved policy is not in force (the default applies), and each custom rule the gateway refuses. */
function NotInForce({
  notInForce,
  canEdit,
}: {
  notInForce: NonNullable<DlpPolicyResponse['notInForce']>;
  canEdit: boolean;
}) {
  return (
    <div
      role="alert"
      data-testid="dlp-not-in-force-alert"
      className="mb-4 rounded-lg bg-amber-500/10 px-3 py-2 text-sm text-amber-600"
    >
      <p className="font-medium">Not in force: the default policy applies to this scope.</p>
      <p className="mt-1">{notInForce.reason}</p>
      {notInForce.rules.length > 0 ? (
        <ul className="mt-2 list-disc pl-5">
          {notInForce.rules.map((r) => (
            <li key={r.index}>
              {r.name || `Rule ${r.index + 1}`} (<code>{r.pattern}</code>
              {r.flags ? <code>/{r.flags}</code> : null}, {r.action}): {r.problem}
            </li>
          ))}
        </ul>
      ) : null}
      {canEdit ? (
        <p className="mt-2">
          The editor below holds the saved policy without these rules: add them back in a form the gateway
          accepts and save to put the policy back in force.
        </p>
      ) : null}
    </div>
  );
}

function Editor({
  data,
  canEdit,
  onClose,
  savedVersion,
  onSaved,
}: {
  data: DlpPolicyResponse;
  canEdit: boolean;
  onClose: () => void;
  savedVersion: string | null;
  onSaved: (version: string | null) => void;
}) {
  const [draft, setDraft] = useState<PolicyDraft>(() => draftOf(data.policy));
  const save = usePutDlpPolicy();
  const errors = useMemo(() => policyErrors(draft), [draft]);
  const invalid = hasErrors(errors);
  const policy = useMemo(() => policyOf(draft, data.policy), [draft, data.policy]);
  const server = serverRuleErrors(save.error);
  const shown = { ...errors, rules: { ...server, ...errors.rules } };
  // A policy not in force is saved as it stands (without its refused rules) to put it back in force.
  const dirty =
    data.notInForce !== null ||
    JSON.stringify(policyOf(draftOf(data.policy), data.policy)) !== JSON.stringify(policy);
  return (
    <Card className="mt-4 hover:border-border" data-testid="dlp-policy-panel">
      <div className="mb-4 flex flex-wrap items-start justify-between gap-3">
        <div>
          <h3 className="text-base font-semibold">Rules for {data.name}</h3>
          <p className="text-sm text-muted">
            {plural(enabledCount(draft), 'rule')} enabled ·{' '}
            {data.enabled ? 'protection is on' : 'protection is off: these rules apply once it is turned on'}
            {data.isDefault ? ' · the default policy (not saved yet)' : ''}
          </p>
        </div>
        <div className="flex gap-2">
          <Button variant="ghost" onClick={onClose}>
            Close
          </Button>
          {canEdit ? (
            <Button
              disabled={invalid || save.isPending || !dirty}
              onClick={() => {
                onSaved(null);
                // A promise, not mutate's onSuccess: saving remounts this editor, and the parent keeps the confirmation.
                save.mutateAsync({ key: data.key, policy }).then(
                  (r) => onSaved(r.updatedAt),
                  () => undefined,
                );
              }}
            >
              {save.isPending ? 'Saving…' : 'Save rules'}
            </Button>
          ) : null}
        </div>
      </div>
      {data.notInForce ? <NotInForce notInForce={data.notInForce} canEdit={canEdit} /> : null}
      {save.isError && Object.keys(server).length === 0 ? <FormError error={save.error} /> : null}
      {savedVersion !== null && savedVersion === data.updatedAt && !dirty ? (
        <p role="status" className="mb-3 text-sm text-ok">
          Saved. The gateway uses these rules from the next request.
        </p>
      ) : null}
      <div className="grid gap-6 lg:grid-cols-[minmax(0,3fr)_minmax(0,2fr)]">
        <RuleEditor draft={draft} onChange={setDraft} errors={shown} readOnly={!canEdit} />
        <PolicyTester policy={policy} invalid={invalid} />
      </div>
    </Card>
  );
}

/** The selected scope's rule editor and live tester. */
export function PolicyPanel({
  scopeKey,
  canEdit,
  onClose,
}: {
  scopeKey: string;
  canEdit: boolean;
  onClose: () => void;
}) {
  const q = useDlpPolicy(scopeKey);
  // Outside the editor: a save remounts it (new version), and the confirmation must survive that.
  const [savedVersion, setSavedVersion] = useState<string | null>(null);
  if (q.isPending) return <Skeleton className="mt-4 h-64 w-full" />;
  if (q.isError)
    return (
      <div className="mt-4">
        <ErrorState error={q.error} onRetry={() => void q.refetch()} />
      </div>
    );
  // Keyed by the saved version: a save (or another admin's) starts the editor afresh from what is stored.
  return (
    <Editor
      key={`${q.data.key}@${q.data.updatedAt ?? 'default'}`}
      data={q.data}
      canEdit={canEdit}
      onClose={onClose}
      savedVersion={savedVersion}
      onSaved={setSavedVersion}
    />
  );
}
