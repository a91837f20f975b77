import { DEFAULT_DLP_POLICY, dlpPolicySchema } from '@switchyard/core';
import { describe, expect, it } from 'vitest';
import { navFor } from '../../app/nav';
import {
  draftOf,
  enabledCount,
  hasErrors,
  newRule,
  placeholderExample,
  policyErrors,
  policyOf,
  segments,
} from './policy-form';

const withRules = (rules: Partial<ReturnType<typeof newRule>>[]) => {
  const d = draftOf(DEFAULT_DLP_POLICY);
  return { ...d, rules: rules.map((r) => ({ ...newRule(), ...r })) };
};

describe('policy editor', () => {
  it('round-trips a stored policy, keeping what the editor does not show (secret subtypes)', () => {
    const stored = dlpPolicySchema.parse({
      detectors: {
        ip: { enabled: false, action: 'detect' },
        secret: { enabled: true, action: 'block', subtypes: ['aws'] },
      },
      customRules: [{ name: 'Badge', pattern: 'B-\\d{4}', flags: 'i', action: 'redact', enabled: false }],
    });
    const d = draftOf(stored);
    expect(d.rules).toEqual([
      { name: 'Badge', pattern: 'B-\\d{4}', flags: 'i', action: 'redact', enabled: false },
    ]);
    expect(dlpPolicySchema.parse(policyOf(d, stored))).toEqual(stored);
    expect(enabledCount(d)).toBe(6);
  });

  it('accepts a good rule and names the field of each problem in a bad one', () => {
    expect(hasErrors(policyErrors(withRules([{ name: 'Employee ID', pattern: 'EMP-\\d{6}' }])))).toBe(false);
    const e = policyErrors(
      withRules([
        { name: '', pattern: '(' },
        { name: 'Email', pattern: 'x+' },
        { name: 'Loop', pattern: '(a+)+' },
        { name: 'Empty', pattern: 'a*' },
        { name: 'Flags', pattern: 'x', flags: 'gg' },
        { name: 'loop', pattern: 'y' },
      ]),
    );
    expect(e.rules[0]?.name).toMatch(/empty/);
    expect(e.rules[0]?.pattern).toMatch(/not a valid regular expression/);
    expect(e.rules[1]?.name).toMatch(/built-in detector/);
    expect(e.rules[2]?.pattern).toMatch(/catastrophic backtracking/);
    expect(e.rules[3]?.pattern).toMatch(/empty string/);
    expect(e.rules[4]?.flags).toMatch(/i, m, s and u/);
    expect(e.rules[5]?.name).toMatch(/same placeholder name \(LOOP\) as custom rule 3/);
    // Messages read as sentences.
    expect(e.rules[3]?.pattern).toMatch(/^[A-Z].*\.$/);
  });

  it('refuses more custom rules than the gateway runs', () => {
    const many = withRules(Array.from({ length: 51 }, (_, i) => ({ name: `Rule ${i}`, pattern: `r${i}` })));
    expect(policyErrors(many).form).toMatch(/^At most 50 custom rules/);
  });

  it('shows how a custom rule is sent', () => {
    expect(placeholderExample('Employee ID', 'mask')).toBe('[EMPLOYEE_ID_1]');
    expect(placeholderExample('ticket-no', 'redact')).toBe('[REDACTED_TICKET_NO]');
    expect(placeholderExample('x', 'detect')).toBe('(unchanged)');
    expect(placeholderExample('', 'mask')).toBe('[RULE_1]');
  });
});

describe('tester highlighting', () => {
  const m = (start: number, end: number) => ({
    start,
    end,
    kind: 'email',
    rule: 'email',
    action: 'mask' as const,
  });

  it('cuts the text into plain and caught pieces', () => {
    const text = 'mail a@b.co or c@d.io now';
    expect(segments(text, [m(5, 11), m(15, 21)])).toEqual([
      { text: 'mail ' },
      { text: 'a@b.co', match: { kind: 'email', rule: 'email', action: 'mask' } },
      { text: ' or ' },
      { text: 'c@d.io', match: { kind: 'email', rule: 'email', action: 'mask' } },
      { text: ' now' },
    ]);
  });

  it('ignores spans that overlap, run backwards or past the end (the text is never lost)', () => {
    const text = 'abcdef';
    const out = segments(text, [m(1, 3), m(2, 4), m(5, 4), m(4, 99)]);
    expect(out.map((s) => s.text).join('')).toBe(text);
    expect(out.filter((s) => s.match).map((s) => s.text)).toEqual(['bc']);
    expect(segments('', [])).toEqual([]);
  });
});

describe('navigation', () => {
  it('offers data protection to operators, viewers and org admins, not to other users', () => {
    const has = (items: ReturnType<typeof navFor>) => items.some((n) => n.to === '/data-protection');
    expect(has(navFor('admin'))).toBe(true);
    expect(has(navFor('viewer'))).toBe(true);
    expect(has(navFor('super_admin'))).toBe(true);
    expect(has(navFor('user'))).toBe(false);
    expect(has(navFor('user', { orgAdmin: true }))).toBe(true);
  });
});
