/**
 * The data-protection admin API (`/api/v1/llm/data-protection/*`): request bodies, queries and answers. The policy
 * itself is `dlpPolicySchema` (core/dlp); these wrap it for storage and the page.
 */
import { z } from 'zod';
import { DLP_ACTIONS, DLP_KINDS, dlpPolicySchema, type DlpAction } from '../../dlp/policy.js';
import type { DlpMatchKind } from '../../dlp/scanner.js';
import { isDateInRange, isInt64Id, isSafeText, safeString, SAFE_TEXT_MESSAGE } from '../safe/index.js';

export const DLP_SCOPES = ['global', 'org', 'app'] as const;
export type DlpScopeName = (typeof DLP_SCOPES)[number];

export const DLP_MATCH_KINDS = [...DLP_KINDS, 'custom'] as const;

/**
 * A scope in a path: `global`, `org:<id>` or `app:<id>`. Parsed by `parseDlpScopeKey`; the server answers 404 for an
 * org or app that does not exist (or that the caller may not see).
 */
export const DLP_SCOPE_KEY = /^(global|(org|app):[A-Za-z0-9._-]{1,120})$/;

export function parseDlpScopeKey(key: string): { scope: DlpScopeName; id: string | null } | null {
  if (!DLP_SCOPE_KEY.test(key)) return null;
  if (key === 'global') return { scope: 'global', id: null };
  const i = key.indexOf(':');
  return { scope: key.slice(0, i) as DlpScopeName, id: key.slice(i + 1) };
}

export function dlpScopeKey(scope: DlpScopeName, id: string | null): string {
  return scope === 'global' ? 'global' : `${scope}:${id ?? ''}`;
}

/**
 * A policy as an admin sends it (PUT): `dlpPolicySchema` (detectors, custom rules with their pattern checks), plus
 * text the database can store (no NUL or lone surrogate in a pattern).
 */
export const putDlpPolicyBody = dlpPolicySchema.superRefine((p, ctx) => {
  p.customRules.forEach((r, i) => {
    if (!isSafeText(r.pattern))
      ctx.addIssue({ code: 'custom', path: ['customRules', i, 'pattern'], message: SAFE_TEXT_MESSAGE });
  });
});
export type PutDlpPolicyBody = z.infer<typeof putDlpPolicyBody>;

/** PATCH status: an org's or app's protection (its piiProtection flag), or the global policy's switch. */
export const patchDlpStatusBody = z.object({ enabled: z.boolean() }).strict();
export type PatchDlpStatusBody = z.infer<typeof patchDlpStatusBody>;

/** Longest text the tester takes (characters). */
export const DLP_TESTER_MAX_TEXT = 100_000;

/**
 * The live tester: a text and the policy to try (the one being edited; absent = the default policy). Nothing is
 * stored or logged.
 */
export const dlpTesterBody = z
  .object({
    text: safeString().max(DLP_TESTER_MAX_TEXT, `must be at most ${DLP_TESTER_MAX_TEXT} characters`),
    policy: putDlpPolicyBody.optional(),
  })
  .strict();
export type DlpTesterBody = z.input<typeof dlpTesterBody>;

export const dlpActivityQuery = z.object({
  cursor: safeString()
    .regex(/^\d{4}-\d{2}-\d{2}T[\d:.]+Z\|\d{1,19}(?:\|\d{1,6})?$/, 'must be a cursor from a previous page')
    .refine((c) => {
      const [at, id] = c.split('|');
      // A time PostgreSQL can hold (years 1-9999) and an id that fits its BIGINT.
      return isDateInRange(new Date(at ?? '')) && isInt64Id(id ?? '');
    }, 'must be a cursor from a previous page')
    .optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  scope: z.enum(DLP_SCOPES).optional(),
  org: safeString().min(1).max(128).optional(),
  app: safeString().min(1).max(128).optional(),
  action: z.enum(DLP_ACTIONS).optional(),
  kind: z.enum(DLP_MATCH_KINDS).optional(),
});
export type DlpActivityQuery = z.infer<typeof dlpActivityQuery>;

// ---------------------------------------------------------------- answers

export const dlpStatusRowSchema = z.strictObject({
  /** `global`, `org:<id>`, `app:<id>` (the path key of the scope's policy and status). */
  key: z.string(),
  scope: z.enum(DLP_SCOPES),
  id: z.string().nullable(),
  name: z.string(),
  /** For an app: its organization (null for an app of no org, and for orgs and global). */
  orgId: z.string().nullable(),
  enabled: z.boolean(),
  /** Built-in detectors on plus custom rules on. */
  rulesEnabled: z.number().int(),
  /** True while no policy was saved for the scope (the default one applies). */
  isDefault: z.boolean(),
  /**
   * Why the saved policy is not in force, or null: a policy saved before a check the gateway makes now (a custom
   * pattern it refuses) is replaced by the default policy until it is saved again.
   */
  notInForce: z.string().nullable(),
  lastActivityAt: z.string().nullable(),
});
export type DlpStatusRow = z.infer<typeof dlpStatusRowSchema>;

export const dlpStatusSchema = z.strictObject({
  data: z.array(dlpStatusRowSchema),
  /** Whether the caller may change policies and switches (admins; org admins for their own orgs and apps). */
  canEdit: z.boolean(),
  /** Whether the caller sees every scope (operators) or only the orgs they administer and their apps. */
  limited: z.boolean(),
});
export type DlpStatus = z.infer<typeof dlpStatusSchema>;

export const dlpPolicyResponseSchema = z.strictObject({
  key: z.string(),
  scope: z.enum(DLP_SCOPES),
  id: z.string().nullable(),
  name: z.string(),
  enabled: z.boolean(),
  isDefault: z.boolean(),
  /**
   * The saved policy (the default while none is saved). When `notInForce` is set, the default policy applies instead
   * and this is the saved one without the custom rules the gateway refuses, which `notInForce.rules` lists.
   */
  policy: dlpPolicySchema,
  notInForce: z
    .strictObject({
      reason: z.string(),
      rules: z.array(
        z.strictObject({
          index: z.number().int(),
          name: z.string(),
          pattern: z.string(),
          flags: z.string(),
          action: z.string(),
          problem: z.string(),
        }),
      ),
    })
    .nullable(),
  updatedAt: z.string().nullable(),
});
export type DlpPolicyResponse = z.infer<typeof dlpPolicyResponseSchema>;

export const dlpFindingSchema = z.strictObject({
  kind: z.enum(DLP_MATCH_KINDS),
  rule: z.string(),
  action: z.enum(DLP_ACTIONS),
  count: z.number().int(),
});
export type DlpFindingDto = z.infer<typeof dlpFindingSchema>;

export const dlpTesterResponseSchema = z.strictObject({
  /** The text as the provider would receive it. */
  text: z.string(),
  findings: z.array(dlpFindingSchema),
  /** Each match's place in the input (UTF-16 offsets), for highlighting. */
  spans: z.array(
    z.strictObject({
      start: z.number().int(),
      end: z.number().int(),
      kind: z.enum(DLP_MATCH_KINDS),
      rule: z.string(),
      action: z.enum(DLP_ACTIONS),
    }),
  ),
  /** A block rule fired: the request would be refused before reaching the provider. */
  blocked: z.strictObject({ kind: z.enum(DLP_MATCH_KINDS), rule: z.string() }).nullable(),
});
export type DlpTesterResponse = z.infer<typeof dlpTesterResponseSchema>;

export const dlpEventSchema = z.strictObject({
  id: z.string(),
  createdAt: z.string(),
  requestId: z.string(),
  scope: z.enum(DLP_SCOPES),
  scopeId: z.string().nullable(),
  scopeName: z.string(),
  orgId: z.string().nullable(),
  appId: z.string().nullable(),
  userId: z.string().nullable(),
  action: z.enum(DLP_ACTIONS),
  kind: z.enum(DLP_MATCH_KINDS),
  rule: z.string(),
  matches: z.number().int(),
  sizeBytes: z.number().int(),
  detail: z.string(),
});
export type DlpEventDto = z.infer<typeof dlpEventSchema>;

export const dlpActivityPageSchema = z.strictObject({
  data: z.array(dlpEventSchema),
  nextCursor: z.string().nullable(),
});
export type DlpActivityPage = z.infer<typeof dlpActivityPageSchema>;

/** The log entry (usage record id) of an activity row's request, for the Logs page's drawer. */
export const dlpEventLogSchema = z.strictObject({ logId: z.string() });

const NOUNS: Record<DlpMatchKind, [string, string]> = {
  email: ['email', 'emails'],
  phone: ['phone number', 'phone numbers'],
  card: ['card number', 'card numbers'],
  iban: ['IBAN', 'IBANs'],
  ssn: ['SSN', 'SSNs'],
  ip: ['IP address', 'IP addresses'],
  secret: ['secret', 'secrets'],
  custom: ['match', 'matches'],
};
const DONE: Record<DlpAction, string> = {
  mask: 'masked',
  redact: 'redacted',
  block: 'blocked',
  detect: 'detected',
};

/** What a rule did, in words: "2 emails masked", "1 card number blocked", "3 matches of Employee ID redacted". */
export function dlpDetail(f: { kind: DlpMatchKind; rule: string; action: DlpAction; count: number }): string {
  const [one, many] = NOUNS[f.kind];
  const noun = f.count === 1 ? one : many;
  return f.kind === 'custom'
    ? `${f.count} ${noun} of ${f.rule} ${DONE[f.action]}`
    : `${f.count} ${noun} ${DONE[f.action]}`;
}
