import {
  DLP_ACTIONS,
  DLP_KINDS,
  customRuleLabel,
  putDlpPolicyBody,
  type DlpAction,
  type DlpKind,
  type DlpPolicy,
  type DlpPolicyInput,
} from '@switchyard/core';

/** The built-in detectors as the editor lists them. */
export const DETECTOR_LABELS: Record<DlpKind, { label: string; example: string }> = {
  email: { label: 'Email addresses', example: 'jane@example.com' },
  phone: { label: 'Phone numbers', example: '+44 20 7946 0958' },
  card: { label: 'Payment cards', example: '4111 1111 1111 1111 (Luhn-checked)' },
  iban: { label: 'IBANs', example: 'DE89 3704 0044 0532 0130 00 (checksum-checked)' },
  ssn: { label: 'US social security numbers', example: '123-45-6789' },
  ip: { label: 'IP addresses', example: '203.0.113.7, 2001:db8::1' },
  secret: { label: 'API keys and secrets', example: 'sk-…, AKIA…, ghp_…, private keys' },
};

export const ACTION_LABELS: Record<DlpAction, { label: string; hint: string }> = {
  mask: { label: 'Mask', hint: 'Sent as [EMAIL_1]; the answer gets the value back' },
  redact: { label: 'Redact', hint: 'Sent as [REDACTED_EMAIL]; never restored' },
  block: { label: 'Block', hint: 'The request is refused before it reaches a provider' },
  detect: { label: 'Detect only', hint: 'Sent unchanged; counted in the activity' },
};

export { DLP_ACTIONS, DLP_KINDS };

/** A custom rule as the editor holds it (every field a string or boolean, as typed). */
export interface RuleDraft {
  name: string;
  pattern: string;
  flags: string;
  action: DlpAction;
  enabled: boolean;
}

export interface PolicyDraft {
  detectors: Record<DlpKind, { enabled: boolean; action: DlpAction }>;
  rules: RuleDraft[];
}

/** The editor's state for a stored policy (secret subtypes are kept as they are: the editor does not change them). */
export function draftOf(p: DlpPolicy): PolicyDraft {
  const detectors = {} as PolicyDraft['detectors'];
  for (const k of DLP_KINDS)
    detectors[k] = { enabled: p.detectors[k].enabled, action: p.detectors[k].action };
  return {
    detectors,
    rules: p.customRules.map((r) => ({
      name: r.name,
      pattern: r.pattern,
      flags: r.flags ?? '',
      action: r.action,
      enabled: r.enabled !== false,
    })),
  };
}

/** The body PUT and the tester take. `base` keeps what the editor does not show (secret subtypes). */
export function policyOf(d: PolicyDraft, base?: DlpPolicy): DlpPolicyInput {
  const secretSubtypes = base?.detectors.secret.subtypes;
  return {
    detectors: {
      ...d.detectors,
      secret: secretSubtypes ? { ...d.detectors.secret, subtypes: secretSubtypes } : d.detectors.secret,
    },
    customRules: d.rules.map((r) => ({
      name: r.name,
      pattern: r.pattern,
      ...(r.flags ? { flags: r.flags } : {}),
      action: r.action,
      enabled: r.enabled,
    })),
  };
}

export type RuleErrors = Partial<Record<'name' | 'pattern' | 'flags' | 'action', string>>;

/**
 * Validation messages per custom rule (index → field → message), with the server's own schema: a bad regex, a
 * pattern that matches empty text or risks catastrophic backtracking, a reserved or duplicate name. Also a
 * top-level message (too many rules). Empty when the policy can be saved.
 */
export function policyErrors(d: PolicyDraft): { rules: Record<number, RuleErrors>; form?: string } {
  const r = putDlpPolicyBody.safeParse(policyOf(d));
  const out: { rules: Record<number, RuleErrors>; form?: string } = { rules: {} };
  if (r.success) return out;
  for (const issue of r.error.issues) {
    const [top, index, field] = issue.path;
    if (top === 'customRules' && typeof index === 'number' && typeof field === 'string') {
      const errs = (out.rules[index] ??= {});
      const f = field as keyof RuleErrors;
      errs[f] ??= sentence(issue.message);
    } else out.form ??= sentence(issue.message);
  }
  return out;
}

export const hasErrors = (e: ReturnType<typeof policyErrors>) => !!e.form || Object.keys(e.rules).length > 0;

function sentence(m: string): string {
  return m.charAt(0).toUpperCase() + m.slice(1) + (/[.!?]$/.test(m) ? '' : '.');
}

/** The placeholder a custom rule's matches get: `[EMPLOYEE_ID_1]`. */
export function placeholderExample(name: string, action: DlpAction): string {
  const label = customRuleLabel(name) || 'RULE';
  return action === 'redact' ? `[REDACTED_${label}]` : action === 'mask' ? `[${label}_1]` : '(unchanged)';
}

/** Built-in detectors on plus custom rules on (what the status table counts). */
export function enabledCount(d: PolicyDraft): number {
  return DLP_KINDS.filter((k) => d.detectors[k].enabled).length + d.rules.filter((r) => r.enabled).length;
}

export interface Segment {
  text: string;
  /** The match this piece of text is (absent: plain text). */
  match?: { kind: string; rule: string; action: DlpAction };
}

/**
 * The tester's input cut into plain and matched pieces for highlighting. Spans come sorted and without overlap from
 * the server; anything out of order or out of range is ignored rather than trusted.
 */
export function segments(
  text: string,
  spans: readonly { start: number; end: number; kind: string; rule: string; action: DlpAction }[],
): Segment[] {
  const out: Segment[] = [];
  let at = 0;
  for (const s of spans) {
    if (s.start < at || s.end <= s.start || s.end > text.length) continue;
    if (s.start > at) out.push({ text: text.slice(at, s.start) });
    out.push({ text: text.slice(s.start, s.end), match: { kind: s.kind, rule: s.rule, action: s.action } });
    at = s.end;
  }
  if (at < text.length) out.push({ text: text.slice(at) });
  return out;
}

/** A blank custom rule for "Add rule". */
export const newRule = (): RuleDraft => ({ name: '', pattern: '', flags: '', action: 'mask', enabled: true });
