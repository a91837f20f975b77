/**
 * The data-protection policy of an organization or an app: which built-in detectors run, with which action, and
 * the admin's custom rules. `dlpPolicySchema` validates what an admin stores; `compilePolicy` turns a parsed
 * policy into what the scanner runs (compile once per policy change, cache it, reuse it for every request).
 */
import safeRegex from 'safe-regex2';
import { z } from 'zod';
import { backtrackingProblem } from './regex-cost.js';

export const DLP_KINDS = ['email', 'phone', 'card', 'iban', 'ssn', 'ip', 'secret'] as const;
export type DlpKind = (typeof DLP_KINDS)[number];

/** mask: numbered placeholder, restored in the answer; redact: fixed token, never restored; block: refuse the
 * request before any upstream call; detect: record only, the text passes unchanged. */
export const DLP_ACTIONS = ['mask', 'redact', 'block', 'detect'] as const;
export type DlpAction = (typeof DLP_ACTIONS)[number];

export const SECRET_SUBTYPES = [
  'openai',
  'anthropic',
  'aws',
  'github',
  'slack',
  'stripe',
  'google',
  'npm',
  'huggingface',
  'jwt',
  'private-key',
] as const;
export type SecretSubtype = (typeof SECRET_SUBTYPES)[number];

/** The placeholder label of each built-in kind: `[EMAIL_1]`, `[REDACTED_EMAIL]`. */
export const DLP_KIND_LABELS: Readonly<Record<DlpKind, string>> = {
  email: 'EMAIL',
  phone: 'PHONE',
  card: 'CARD',
  iban: 'IBAN',
  ssn: 'SSN',
  ip: 'IP',
  secret: 'SECRET',
};

/** Longest custom pattern accepted (characters of regex source). */
export const MAX_CUSTOM_PATTERN_LENGTH = 500;
/** Most custom rules per policy. */
export const MAX_CUSTOM_RULES = 50;
/**
 * A custom rule runs over windows of at most this many characters of a text (consecutive windows overlap by
 * CUSTOM_WINDOW_OVERLAP, so a match up to that long is found wherever it sits). This caps the work a slow
 * pattern can do per window; see `compileCustomRule`.
 */
export const CUSTOM_WINDOW = 4096;
export const CUSTOM_WINDOW_OVERLAP = 512;

export const dlpActionSchema = z.enum(DLP_ACTIONS);

export const dlpDetectorSchema = z.object({
  enabled: z.boolean(),
  action: dlpActionSchema,
});
export type DlpDetectorSetting = z.infer<typeof dlpDetectorSchema>;

export const dlpSecretDetectorSchema = dlpDetectorSchema.extend({
  /** Which kinds of secret to look for; absent = all. */
  subtypes: z.array(z.enum(SECRET_SUBTYPES)).min(1).optional(),
});
export type DlpSecretDetectorSetting = z.infer<typeof dlpSecretDetectorSchema>;

const ON_MASK: DlpDetectorSetting = { enabled: true, action: 'mask' };

const RESERVED_LABELS = new Set([...Object.values(DLP_KIND_LABELS), 'REDACTED']);
const CUSTOM_FLAGS = /^(?!.*(.).*\1)[imsu]*$/;

/** `employee id` → `EMPLOYEE_ID`: the placeholder label of a custom rule. */
export function customRuleLabel(name: string): string {
  return name
    .trim()
    .toUpperCase()
    .replace(/[^A-Z0-9]+/g, '_');
}

/**
 * Why a custom pattern is refused, or null. Patterns are compiled by the JavaScript engine, which backtracks: a
 * pattern with nested quantifiers (`(a+)+`) can take exponential time on a crafted input (ReDoS). Guards: the
 * `safe-regex2` star-height check refuses nested quantifiers, `backtrackingProblem` refuses repeated alternatives
 * (`(a|a)*`, exponential) and long repeats that can match the same text side by side (`\w*\w*`, polynomial), the
 * source length is capped, and the scanner runs each rule over bounded windows (CUSTOM_WINDOW).
 */
export function customPatternProblem(pattern: string, flags = ''): string | null {
  if (pattern.length === 0) return 'must not be empty';
  if (pattern.length > MAX_CUSTOM_PATTERN_LENGTH)
    return `must be at most ${MAX_CUSTOM_PATTERN_LENGTH} characters`;
  if (!CUSTOM_FLAGS.test(flags)) return 'flags may only be i, m, s and u, each once';
  let re: RegExp;
  try {
    re = new RegExp(pattern, flags + 'g');
  } catch (e) {
    return `is not a valid regular expression (${e instanceof Error ? e.message : String(e)})`;
  }
  if (/\\[1-9]|\\k</.test(pattern)) return 'must not use backreferences';
  // The static checks come before the pattern runs on anything: a pattern they refuse can backtrack for hours on
  // the probes below (`(?:(?:[^!]*?|a){1,64}|b*){1,64}@x` on a 36-character text), stalling the save itself.
  if (!safeRegex(pattern)) return 'has nested or too many quantifiers (a risk of catastrophic backtracking)';
  const problem = backtrackingProblem(pattern, flags);
  if (problem !== null) return problem;
  // Empty matches would find "something" everywhere; probe the empty string and a few typical texts.
  for (const probe of EMPTY_PROBES) {
    re.lastIndex = 0;
    for (const m of probe.matchAll(re)) if (m[0].length === 0) return 'must not match the empty string';
  }
  return null;
}
const EMPTY_PROBES = ['', 'a', ' ', 'Hello, world: 123-456 x@y.z\n(ok) _-.'];

export const dlpCustomRuleSchema = z
  .object({
    name: z
      .string()
      .trim()
      .min(1, 'must not be empty')
      .max(40, 'must be at most 40 characters')
      .regex(/^[A-Za-z][A-Za-z0-9 _-]*$/, 'must start with a letter and use letters, digits, spaces, _ or -'),
    pattern: z.string(),
    flags: z.string().optional(),
    action: dlpActionSchema,
    enabled: z.boolean().default(true),
  })
  .superRefine((r, ctx) => {
    const flags = r.flags ?? '';
    if (!CUSTOM_FLAGS.test(flags))
      ctx.addIssue({ code: 'custom', path: ['flags'], message: 'may only be i, m, s and u, each once' });
    else {
      const problem = customPatternProblem(r.pattern, flags);
      if (problem) ctx.addIssue({ code: 'custom', path: ['pattern'], message: problem });
    }
    if (RESERVED_LABELS.has(customRuleLabel(r.name)))
      ctx.addIssue({ code: 'custom', path: ['name'], message: 'is the name of a built-in detector' });
  });
export type DlpCustomRule = z.infer<typeof dlpCustomRuleSchema>;

export const dlpPolicySchema = z
  .object({
    detectors: z
      .object({
        email: dlpDetectorSchema.default(ON_MASK),
        phone: dlpDetectorSchema.default(ON_MASK),
        card: dlpDetectorSchema.default(ON_MASK),
        iban: dlpDetectorSchema.default(ON_MASK),
        ssn: dlpDetectorSchema.default(ON_MASK),
        ip: dlpDetectorSchema.default(ON_MASK),
        secret: dlpSecretDetectorSchema.default(ON_MASK),
      })
      .default({
        email: ON_MASK,
        phone: ON_MASK,
        card: ON_MASK,
        iban: ON_MASK,
        ssn: ON_MASK,
        ip: ON_MASK,
        secret: ON_MASK,
      }),
    customRules: z
      .array(dlpCustomRuleSchema)
      .max(MAX_CUSTOM_RULES, `at most ${MAX_CUSTOM_RULES} custom rules`)
      .default([]),
  })
  .superRefine((p, ctx) => {
    const seen = new Map<string, number>();
    p.customRules.forEach((r, i) => {
      const label = customRuleLabel(r.name);
      const first = seen.get(label);
      if (first !== undefined)
        ctx.addIssue({
          code: 'custom',
          path: ['customRules', i, 'name'],
          message: `gives the same placeholder name (${label}) as custom rule ${first + 1}`,
        });
      else seen.set(label, i);
    });
  });
export type DlpPolicy = z.infer<typeof dlpPolicySchema>;
export type DlpPolicyInput = z.input<typeof dlpPolicySchema>;

/** Every built-in detector on, masking; no custom rules. */
export const DEFAULT_DLP_POLICY: DlpPolicy = dlpPolicySchema.parse({});

export interface CompiledCustomRule {
  readonly name: string;
  readonly label: string;
  readonly action: DlpAction;
  /** Global flag set; the scanner resets lastIndex. */
  readonly re: RegExp;
}

export interface CompiledDlpPolicy {
  /** False when nothing is enabled: protecting a text returns it as is. */
  readonly active: boolean;
  /** Action per enabled built-in kind (absent = off). */
  readonly actions: Readonly<Partial<Record<DlpKind, DlpAction>>>;
  /** Secret subtypes looked for (null = all). */
  readonly secretSubtypes: ReadonlySet<SecretSubtype> | null;
  readonly custom: readonly CompiledCustomRule[];
}

/**
 * Compiles a policy (parsed with dlpPolicySchema, or built in code) once; the result is immutable and shared by
 * every request of the org or app. Throws on a custom pattern the schema would refuse.
 */
export function compilePolicy(policy: DlpPolicy): CompiledDlpPolicy {
  const actions: Partial<Record<DlpKind, DlpAction>> = {};
  for (const kind of DLP_KINDS) {
    const d = policy.detectors[kind];
    if (d.enabled) actions[kind] = d.action;
  }
  const sec = policy.detectors.secret;
  const custom: CompiledCustomRule[] = [];
  for (const r of policy.customRules) {
    if (r.enabled === false) continue;
    const problem = customPatternProblem(r.pattern, r.flags ?? '');
    if (problem) throw new Error(`Custom rule "${r.name}": pattern ${problem}.`);
    custom.push({
      name: r.name,
      label: customRuleLabel(r.name),
      action: r.action,
      re: new RegExp(r.pattern, (r.flags ?? '') + 'g'),
    });
  }
  return {
    active: Object.keys(actions).length > 0 || custom.length > 0,
    actions,
    secretSubtypes: sec.enabled && sec.subtypes ? new Set(sec.subtypes) : null,
    custom,
  };
}
