/** Conditional routing rules: request and response bodies of /api/v1/llm/rules (and the config file's `rules`). */
import { z } from 'zod';
import { isValidTimeZone, parseClock, unsafeRegexReason, type RuleDay } from '../../engine/rules.js';
import { safeString } from '../safe/index.js';
import { GLOBAL_STRATEGY_VALUES } from '../routing/index.js';
import { engineTraceSchema, traceResultSchema } from '../routing/responses.js';

export const RULE_ENDPOINT_VALUES = ['chat', 'messages', 'responses', 'embeddings', 'count_tokens'] as const;
export const RULE_FORMAT_VALUES = ['openai', 'anthropic'] as const;
export const RULE_DAY_NAMES = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;

/**
 * The region an operator assigns to a key, an app or a provider (routing rules match callers on it and prefer
 * providers in it): lower-case letters, digits, '.', '_' or '-'; null or empty = none.
 */
export const regionField = z
  .string()
  .trim()
  .toLowerCase()
  .max(64, 'must be at most 64 characters')
  .regex(/^([a-z0-9][a-z0-9._-]*)?$/, 'must be lower-case letters, digits, ".", "_" or "-" (e.g. eu-west)')
  .transform((s) => (s === '' ? null : s))
  .nullable();

const text = (max: number) =>
  safeString().trim().min(1, 'is required').max(max, `must be at most ${max} characters`);
const idList = z.array(text(200)).max(100, 'must list at most 100 entries').optional();

/** A day as 0-6 (0 = Sunday) or its three-letter name (mon..sun); stored as the number. */
const daySchema = z.union(
  [
    z.number().int().min(0).max(6),
    z
      .string()
      .trim()
      .toLowerCase()
      .refine((d) => (RULE_DAY_NAMES as readonly string[]).includes(d), 'must be 0-6 or mon..sun')
      .transform((d) => RULE_DAY_NAMES.indexOf(d as (typeof RULE_DAY_NAMES)[number])),
  ],
  { error: 'must be 0-6 or mon..sun' },
);

const clock = z
  .string()
  .trim()
  .refine((s) => parseClock(s) !== null, 'must be a time HH:MM (00:00-24:00)');

export const ruleTimeSchema = z.strictObject({
  tz: z
    .string()
    .trim()
    .min(1, 'is required')
    .max(64)
    .refine(isValidTimeZone, 'must be an IANA time zone (e.g. Europe/Paris, UTC)'),
  days: z
    .array(daySchema)
    .max(7)
    .optional()
    .transform((d) => (d ? ([...new Set(d)].sort() as RuleDay[]) : undefined)),
  from: clock.optional(),
  to: clock.optional(),
});

export const ruleConditionsSchema = z.strictObject({
  time: ruleTimeSchema.optional(),
  caller: z
    .strictObject({
      roles: z
        .array(z.enum(['super-admin', 'admin', 'user', 'viewer']))
        .max(4)
        .optional(),
      orgIds: idList,
      appIds: idList,
      keyIds: idList,
      powerLevels: z
        .array(z.enum(['eco', 'balanced', 'precision']))
        .max(3)
        .optional(),
      regions: z.array(text(64)).max(50).optional(),
    })
    .optional(),
  request: z
    .strictObject({
      endpoints: z.array(z.enum(RULE_ENDPOINT_VALUES)).max(5).optional(),
      formats: z.array(z.enum(RULE_FORMAT_VALUES)).max(2).optional(),
      stream: z.boolean().optional(),
      hasTools: z.boolean().optional(),
      hasImages: z.boolean().optional(),
      minPromptTokens: z.number().int().min(0).max(100_000_000).optional(),
      maxPromptTokens: z.number().int().min(0).max(100_000_000).optional(),
    })
    .optional(),
  headers: z
    .array(
      z
        .strictObject({
          name: z
            .string()
            .trim()
            .toLowerCase()
            .min(1, 'is required')
            .max(100)
            .regex(/^[a-z0-9!#$%&'*+.^_`|~-]+$/, 'must be an HTTP header name')
            .refine(
              (n) => n !== 'authorization' && n !== 'x-api-key' && n !== 'cookie',
              'must not be a credential header',
            ),
          equals: safeString().max(1000).optional(),
          matches: safeString()
            .max(200)
            .superRefine((re, c) => {
              const why = unsafeRegexReason(re);
              if (why) c.addIssue({ code: 'custom', message: why });
            })
            .optional(),
        })
        .refine(
          (h) => !(h.equals !== undefined && h.matches !== undefined),
          'give equals or matches, not both',
        ),
    )
    .max(20)
    .optional(),
  metadata: z
    .array(z.strictObject({ key: text(100), equals: safeString().max(1000) }))
    .max(20)
    .optional(),
});
export type RuleConditionsBody = z.infer<typeof ruleConditionsSchema>;

export const ruleActionSchema = z
  .strictObject({
    route: text(300).optional(),
    strategy: z.enum(GLOBAL_STRATEGY_VALUES).optional(),
    region: text(64).optional(),
  })
  .refine((a) => a.route || a.strategy || a.region, 'give at least one of route, strategy or region');

const ruleFields = {
  name: text(100),
  description: safeString().trim().max(500).default(''),
  enabled: z.boolean().default(true),
  when: ruleConditionsSchema.default({}),
  then: ruleActionSchema,
};

const promptRange = <T extends { when?: RuleConditionsBody | undefined }>(b: T) => {
  const r = b.when?.request;
  return !(
    r?.minPromptTokens !== undefined &&
    r.maxPromptTokens !== undefined &&
    r.minPromptTokens > r.maxPromptTokens
  );
};
const RANGE = {
  message: 'when.request: minPromptTokens must not be above maxPromptTokens',
  path: ['when', 'request'],
};

/** `POST /llm/rules`: a new rule (last in order unless `order` is given). */
export const createRuleBody = z
  .strictObject({ ...ruleFields, order: z.number().int().min(0).max(1_000_000).optional() })
  .refine(promptRange, RANGE);
export type CreateRuleBody = z.infer<typeof createRuleBody>;
export type CreateRuleInput = z.input<typeof createRuleBody>;

export const updateRuleBody = z
  .strictObject({
    name: ruleFields.name.optional(),
    description: safeString().trim().max(500).optional(),
    enabled: z.boolean().optional(),
    when: ruleConditionsSchema.optional(),
    then: ruleActionSchema.optional(),
    /** Its place in the order (the reorder endpoint sets every rule's at once). */
    order: z.number().int().min(0).max(1_000_000).optional(),
  })
  .refine(promptRange, RANGE);
export type UpdateRuleBody = z.infer<typeof updateRuleBody>;
export type UpdateRuleInput = z.input<typeof updateRuleBody>;

/** `POST /llm/rules/reorder`: every rule id, in the new order. */
export const reorderRulesBody = z.strictObject({
  ids: z
    .array(safeString().min(1).max(200))
    .max(1000)
    .refine((ids) => new Set(ids).size === ids.length, 'lists a rule twice'),
});
export type ReorderRulesBody = z.infer<typeof reorderRulesBody>;

export const ruleSchema = z.strictObject({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  enabled: z.boolean(),
  order: z.number().int(),
  when: z.unknown(),
  then: z.unknown(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Rule = Omit<z.infer<typeof ruleSchema>, 'when' | 'then'> & {
  when: RuleConditionsBody;
  then: z.infer<typeof ruleActionSchema>;
};

/**
 * `POST /llm/rules/test`: a request as described (model, endpoint, facts, caller, headers, metadata, time), or an
 * existing request from the logs (`requestId`: its caller, model, endpoint, size, time, needs, max tokens, agent
 * header and the header and metadata values rules looked at, rebuilt from the usage record; the body's fields
 * override them, its headers and metadata key by key). `rules` tests an unsaved draft list in place of the stored
 * rules. No provider is called.
 */
export const testRulesBody = z.strictObject({
  requestId: safeString().trim().min(1).max(200).optional(),
  model: safeString().trim().max(300).optional(),
  endpoint: z.enum(['chat', 'messages', 'responses', 'embeddings']).optional(),
  promptTokens: z.number().int().min(0).max(10_000_000).optional(),
  stream: z.boolean().optional(),
  hasTools: z.boolean().optional(),
  hasImages: z.boolean().optional(),
  headers: z.record(z.string().max(100), safeString().max(1000)).optional(),
  metadata: z.record(z.string().max(100), safeString().max(1000)).optional(),
  keyId: safeString().trim().min(1).max(200).optional(),
  userId: safeString().trim().min(1).max(200).optional(),
  /** The time to test at (ISO 8601); default: the logged request's time, else now. */
  at: z.iso.datetime({ offset: true }).optional(),
  rules: z
    .array(
      z
        .strictObject({
          ...ruleFields,
          order: z.number().int().min(0).max(1_000_000).optional(),
          /** A saved rule's id (absent for a new one: `draft-<n>`). */
          id: safeString().trim().min(1).max(200).optional(),
        })
        .refine(promptRange, RANGE),
    )
    .max(200)
    .optional(),
});
export type TestRulesBody = z.infer<typeof testRulesBody>;
export type TestRulesInput = z.input<typeof testRulesBody>;

const checkSchema = z.strictObject({
  kind: z.enum(['time', 'caller', 'request', 'header', 'metadata']),
  field: z.string(),
  ok: z.boolean(),
  detail: z.string(),
});

export const testRulesResultSchema = z.strictObject({
  /** The facts the rules were checked against. */
  request: z.strictObject({
    requestId: z.string().nullable(),
    model: z.string(),
    endpoint: z.string(),
    promptTokens: z.number().int(),
    stream: z.boolean(),
    hasTools: z.boolean(),
    hasImages: z.boolean(),
    /** Every capability the plan had to find (chat or embeddings, tools, vision, json, streaming). */
    needs: z.array(z.string()),
    /** The header and metadata values tested (a logged request's, with the body's on top). */
    headers: z.record(z.string(), z.string()),
    metadata: z.record(z.string(), z.string()),
    /**
     * A logged request's header and metadata values as its record kept them: `kept` (the ones rules looked at
     * then), `protected` (not kept: data protection applied to it), `none` (no rule looked at any, or an older
     * record). Null for a described request.
     */
    loggedInputs: z.enum(['kept', 'protected', 'none']).nullable(),
    at: z.string(),
  }),
  caller: z.strictObject({
    keyId: z.string().nullable(),
    userId: z.string().nullable(),
    orgId: z.string().nullable(),
    appId: z.string().nullable(),
    role: z.string().nullable(),
    region: z.string().nullable(),
    powerLevel: z.string().nullable(),
  }),
  /** The rule that decides, or null. */
  match: z.strictObject({ id: z.string(), name: z.string() }).nullable(),
  rules: z.array(
    z.strictObject({
      id: z.string(),
      name: z.string(),
      enabled: z.boolean(),
      matched: z.boolean(),
      chosen: z.boolean(),
      checks: z.array(checkSchema),
    }),
  ),
  /** The plan with these rules (no provider called, no counter touched). */
  plan: traceResultSchema.omit({ request: true, caller: true }),
  /** The trace the logged request was recorded with (requestId only). */
  recorded: engineTraceSchema.nullable(),
});
export type TestRulesResult = z.infer<typeof testRulesResultSchema>;
