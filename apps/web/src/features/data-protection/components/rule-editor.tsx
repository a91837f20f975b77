import { Plus, Trash2 } from 'lucide-react';
import { useId } from 'react';
import { Badge } from '../../../components/ui/badge';
import { Button } from '../../../components/ui/button';
import { FormError } from '../../../components/ui/dialog';
import { SelectField, TextField } from '../../../components/ui/field';
import {
  ACTION_LABELS,
  DETECTOR_LABELS,
  DLP_ACTIONS,
  DLP_KINDS,
  newRule,
  placeholderExample,
  type PolicyDraft,
  type RuleDraft,
  type RuleErrors,
} from '../policy-form';
import { Switch } from '../../../components/ui/switch';

function ActionSelect({
  label,
  value,
  disabled,
  onChange,
  error,
}: {
  label: string;
  value: RuleDraft['action'];
  disabled: boolean;
  onChange: (v: RuleDraft['action']) => void;
  error?: string;
}) {
  return (
    <SelectField
      label={label}
      value={value}
      disabled={disabled}
      error={error}
      onChange={(e) => onChange(e.target.value as RuleDraft['action'])}
    >
      {DLP_ACTIONS.map((a) => (
        <option key={a} value={a} title={ACTION_LABELS[a].hint}>
          {ACTION_LABELS[a].label}
        </option>
      ))}
    </SelectField>
  );
}

/** Built-in detectors (on/off and action) and custom rules (add, edit, delete) of one scope's policy. */
export function RuleEditor({
  draft,
  onChange,
  errors,
  readOnly,
}: {
  draft: PolicyDraft;
  onChange: (d: PolicyDraft) => void;
  errors: { rules: Record<number, RuleErrors>; form?: string };
  readOnly: boolean;
}) {
  const headingId = useId();
  const setRule = (i: number, patch: Partial<RuleDraft>) =>
    onChange({ ...draft, rules: draft.rules.map((r, j) => (j === i ? { ...r, ...patch } : r)) });
  return (
    <div className="flex flex-col gap-4">
      <section aria-labelledby={`${headingId}-d`}>
        <h4 id={`${headingId}-d`} className="mb-2 text-sm font-semibold">
          Built-in detectors
        </h4>
        <ul
          className="flex flex-col divide-y divide-border rounded-xl border border-border"
          aria-label="Built-in detectors"
        >
          {DLP_KINDS.map((k) => {
            const d = draft.detectors[k];
            const set = (patch: Partial<typeof d>) =>
              onChange({ ...draft, detectors: { ...draft.detectors, [k]: { ...d, ...patch } } });
            return (
              <li key={k} data-testid="dlp-detector" className="flex flex-wrap items-center gap-3 px-3 py-2">
                <Switch
                  label={`${DETECTOR_LABELS[k].label} on`}
                  checked={d.enabled}
                  disabled={readOnly}
                  onChange={(v) => set({ enabled: v })}
                />
                <div className="min-w-0 flex-1">
                  <div className="text-sm font-medium">{DETECTOR_LABELS[k].label}</div>
                  <div className="truncate text-xs text-muted">{DETECTOR_LABELS[k].example}</div>
                </div>
                <div className="w-40">
                  <ActionSelect
                    label={`Action for ${DETECTOR_LABELS[k].label.toLowerCase()}`}
                    value={d.action}
                    disabled={readOnly || !d.enabled}
                    onChange={(v) => set({ action: v })}
                  />
                </div>
              </li>
            );
          })}
        </ul>
      </section>

      <section aria-labelledby={`${headingId}-c`}>
        <div className="mb-2 flex items-center justify-between gap-2">
          <h4 id={`${headingId}-c`} className="text-sm font-semibold">
            Custom rules
          </h4>
          {!readOnly ? (
            <Button
              variant="subtle"
              onClick={() => onChange({ ...draft, rules: [...draft.rules, newRule()] })}
            >
              <Plus aria-hidden className="h-4 w-4" /> Add rule
            </Button>
          ) : null}
        </div>
        {draft.rules.length === 0 ? (
          <p className="text-sm text-muted">
            No custom rules. Add one to catch your own identifiers (employee ids, ticket numbers, internal
            hostnames) with a regular expression.
          </p>
        ) : null}
        <ol className="flex flex-col gap-3">
          {draft.rules.map((r, i) => {
            const e = errors.rules[i] ?? {};
            const n = i + 1;
            return (
              <li
                key={i}
                data-testid="dlp-custom-rule"
                className="rounded-xl border border-border bg-surface-2/40 p-3"
              >
                <div className="grid gap-3 sm:grid-cols-[minmax(0,1fr)_minmax(0,2fr)_5rem_10rem]">
                  <TextField
                    label={`Rule ${n} name`}
                    value={r.name}
                    disabled={readOnly}
                    error={e.name}
                    placeholder="Employee ID"
                    onChange={(ev) => setRule(i, { name: ev.target.value })}
                  />
                  <TextField
                    label={`Rule ${n} pattern`}
                    value={r.pattern}
                    disabled={readOnly}
                    error={e.pattern}
                    placeholder="EMP-\d{6}"
                    className="font-mono"
                    spellCheck={false}
                    onChange={(ev) => setRule(i, { pattern: ev.target.value })}
                  />
                  <TextField
                    label={`Rule ${n} flags`}
                    value={r.flags}
                    disabled={readOnly}
                    error={e.flags}
                    placeholder="i"
                    spellCheck={false}
                    onChange={(ev) => setRule(i, { flags: ev.target.value })}
                  />
                  <ActionSelect
                    label={`Rule ${n} action`}
                    value={r.action}
                    disabled={readOnly}
                    error={e.action}
                    onChange={(v) => setRule(i, { action: v })}
                  />
                </div>
                <div className="mt-2 flex flex-wrap items-center justify-between gap-2 text-xs text-muted">
                  <span className="flex items-center gap-2">
                    <Switch
                      label={`Rule ${n} on`}
                      checked={r.enabled}
                      disabled={readOnly}
                      onChange={(v) => setRule(i, { enabled: v })}
                    />
                    {r.enabled ? 'On' : <Badge>off</Badge>} · sent as{' '}
                    <code className="font-mono">{placeholderExample(r.name, r.action)}</code>
                  </span>
                  {!readOnly ? (
                    <Button
                      variant="ghost"
                      aria-label={`Delete rule ${n}`}
                      onClick={() => onChange({ ...draft, rules: draft.rules.filter((_, j) => j !== i) })}
                    >
                      <Trash2 aria-hidden className="h-4 w-4" /> Delete
                    </Button>
                  ) : null}
                </div>
              </li>
            );
          })}
        </ol>
        {errors.form ? <FormError error={new Error(errors.form)} /> : null}
      </section>
    </div>
  );
}
