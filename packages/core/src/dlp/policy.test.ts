import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_DLP_POLICY,
  MAX_CUSTOM_PATTERN_LENGTH,
  compilePolicy,
  customPatternProblem,
  customRuleLabel,
  dlpPolicySchema,
} from './policy.js';

function issues(input: unknown): string[] {
  const r = dlpPolicySchema.safeParse(input);
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
}

describe('dlpPolicySchema', () => {
  it('an empty object is every detector on, masking', () => {
    expect(DEFAULT_DLP_POLICY.detectors.email).toEqual({ enabled: true, action: 'mask' });
    expect(DEFAULT_DLP_POLICY.customRules).toEqual([]);
    const c = compilePolicy(DEFAULT_DLP_POLICY);
    expect(c.active).toBe(true);
    expect(Object.keys(c.actions).sort()).toEqual(['card', 'email', 'iban', 'ip', 'phone', 'secret', 'ssn']);
  });

  it('rejects unknown actions and secret subtypes', () => {
    expect(issues({ detectors: { email: { enabled: true, action: 'hide' } } })[0]).toMatch(
      /^detectors\.email\.action/,
    );
    expect(
      issues({ detectors: { secret: { enabled: true, action: 'mask', subtypes: ['ftp'] } } })[0],
    ).toMatch(/^detectors\.secret\.subtypes\.0/);
  });

  it.each([
    [{ name: 'x', pattern: '(', action: 'mask' }, 'customRules.0.pattern: is not a valid regular expression'],
    [{ name: 'x', pattern: 'a*', action: 'mask' }, 'customRules.0.pattern: must not match the empty string'],
    [{ name: 'x', pattern: '\\b', action: 'mask' }, 'customRules.0.pattern: must not match the empty string'],
    [
      { name: 'x', pattern: '(a+)+$', action: 'mask' },
      'customRules.0.pattern: has nested or too many quantifiers',
    ],
    // Refused before it runs on anything: the empty-match probe (a 36-character text) backtracked for hours on it.
    [
      { name: 'x', pattern: '(?:(?:[^!]*?|a){1,64}|b*){1,64}@x', action: 'mask' },
      'customRules.0.pattern: has nested or too many quantifiers',
    ],
    [
      { name: 'x', pattern: '(\\w|\\d)+!', action: 'mask' },
      'customRules.0.pattern: repeats a group with alternatives',
    ],
    [
      { name: 'x', pattern: '\\w*\\w*\\w*!', action: 'mask' },
      'customRules.0.pattern: has two long repeats that can match the same text',
    ],
    [
      { name: 'x', pattern: '[a-z]+a[a-z]+!', action: 'mask' },
      'customRules.0.pattern: has two long repeats that can match the same text',
    ],
    [
      { name: 'x', pattern: '\\w+@corp', action: 'mask' },
      'customRules.0.pattern: starts with an unbounded repeat',
    ],
    [
      { name: 'x', pattern: '(\\w)\\1', action: 'mask' },
      'customRules.0.pattern: must not use backreferences',
    ],
    [
      { name: 'x', pattern: 'a'.repeat(MAX_CUSTOM_PATTERN_LENGTH + 1), action: 'mask' },
      'customRules.0.pattern: must be at most',
    ],
    [{ name: 'x', pattern: 'abc', flags: 'g', action: 'mask' }, 'customRules.0.flags'],
    [{ name: 'x', pattern: 'abc', flags: 'ii', action: 'mask' }, 'customRules.0.flags'],
    [
      { name: 'Email', pattern: 'abc', action: 'mask' },
      'customRules.0.name: is the name of a built-in detector',
    ],
    [
      { name: 'redacted', pattern: 'abc', action: 'mask' },
      'customRules.0.name: is the name of a built-in detector',
    ],
    [{ name: '1abc', pattern: 'abc', action: 'mask' }, 'customRules.0.name: must start with a letter'],
  ])('custom rule %j is refused', (rule, want) => {
    const got = issues({ customRules: [rule] });
    expect(got.some((g) => g.startsWith(want))).toBe(true);
  });

  it('two rules with the same placeholder name are refused', () => {
    expect(
      issues({
        customRules: [
          { name: 'Employee ID', pattern: 'E\\d+', action: 'mask' },
          { name: 'employee-id', pattern: 'X\\d+', action: 'redact' },
        ],
      }),
    ).toEqual(['customRules.1.name: gives the same placeholder name (EMPLOYEE_ID) as custom rule 1']);
  });

  it('accepts a sane rule with flags; a disabled rule is not compiled', () => {
    const p = dlpPolicySchema.parse({
      customRules: [
        { name: 'ticket', pattern: 'TCK-\\d{4,8}', flags: 'i', action: 'detect' },
        { name: 'off', pattern: 'zzz', action: 'mask', enabled: false },
      ],
    });
    const c = compilePolicy(p);
    expect(c.custom.map((r) => [r.name, r.label, r.re.flags])).toEqual([['ticket', 'TICKET', 'gi']]);
  });

  it('labels and pattern checks', () => {
    expect(customRuleLabel(' Employee id-2 ')).toBe('EMPLOYEE_ID_2');
    expect(customPatternProblem('ACME-\\d{6}')).toBeNull();
    expect(customPatternProblem('')).toBe('must not be empty');
  });

  it('compilePolicy refuses a bad pattern built in code (not through the schema)', () => {
    const bad = {
      ...DEFAULT_DLP_POLICY,
      customRules: [{ name: 'x', pattern: '(a+)+', action: 'mask' as const, enabled: true }],
    };
    expect(() => compilePolicy(bad)).toThrow(/Custom rule "x"/);
  });
});

// The check itself must not run a pattern it is about to refuse: nested repeats of every kind, with alternatives and
// lazy quantifiers, get an answer (a refusal or null) without backtracking on the probe texts. Before the static checks
// came first, this run (seed 1) never finished.
describe('customPatternProblem on any pattern built of repeats', () => {
  const atom = fc.constantFrom(
    'a',
    'b',
    '\\w',
    '\\d',
    '\\s',
    '.',
    '[ab]',
    '[^!]',
    '\\S',
    ' ',
    '\\b',
    '(?=a)',
    'x',
  );
  const quant = fc.constantFrom('', '', '*', '+', '?', '{1,64}', '{2,}', '{0,20}', '*?', '+?');
  const piece = fc.letrec<{ node: string }>((tie) => ({
    node: fc.oneof(
      { depthSize: 'small' },
      fc.tuple(atom, quant).map(([a, q]) => a + q),
      fc
        .tuple(fc.array(tie('node'), { minLength: 1, maxLength: 3 }), quant)
        .map(([xs, q]) => `(?:${xs.join('')})${q}`),
      fc.tuple(tie('node'), tie('node'), quant).map(([x, y, q]) => `(?:${x}|${y})${q}`),
    ),
  })).node;
  const pattern = fc
    .tuple(fc.array(piece, { minLength: 1, maxLength: 4 }), fc.constantFrom('', '!', '$', '@x'))
    .map(([xs, end]) => xs.join('') + end);

  it('answers without running the pattern on a crafted text first', () => {
    fc.assert(
      fc.property(pattern, (p) => {
        const problem = customPatternProblem(p, '');
        expect(problem === null || typeof problem === 'string').toBe(true);
      }),
      { numRuns: 300, seed: 1 },
    );
  });
});
