/**
 * The model registry (admin API `/api/v1/llm/models`): create / edit bodies, the list query and bulk actions.
 * Prices are USD per 1M tokens; the database also checks them (non-negative) and keeps one default per scope.
 */
import { z } from 'zod';
import { safeString } from '../safe/index.js';
import { CAPABILITY_VALUES } from '../routing/index.js';

export const QUALITY_TIER_VALUES = ['eco', 'balanced', 'precision'] as const;
export const MODEL_SORT_VALUES = ['priority', 'name', 'price'] as const;
/** What a registry entry may list: the routable capabilities, plus `reasoning` (curated on catalogue models, informative). */
export const REGISTRY_CAPABILITY_VALUES = [...CAPABILITY_VALUES, 'reasoning'] as const;

/** 'global', 'org:<id>' or 'user:<id>'. */
export const modelScopeField = safeString()
  .trim()
  .regex(/^(global|(org|user):[A-Za-z0-9_-]+)$/, 'must be "global", "org:<id>" or "user:<id>"');

/** An auth variable's name: apiKey, accessKeyId, secretAccessKey, sessionToken, apiVersion, region, deployment, ... */
export const authNameField = z
  .string()
  .regex(/^[A-Za-z][A-Za-z0-9_]{0,63}$/, 'must be a name such as apiKey, region or apiVersion');

/**
 * A write of auth variables (a model's own auth, over its provider's): each named variable is a literal secret
 * (stored encrypted, never shown again), an `{"_env": "VAR"}` reference resolved from the server environment at
 * call time, or null to remove it. Variables not named are kept.
 */
export const authPatchField = z
  .record(
    authNameField,
    z.union([
      safeString().min(1, 'is empty (null removes the variable)').max(8192),
      z.strictObject({
        _env: z
          .string()
          .regex(/^[A-Z_][A-Z0-9_]{0,127}$/, 'must be an environment variable name such as OPENAI_API_KEY'),
      }),
      z.null(),
    ]),
  )
  .refine((v) => Object.keys(v).length <= 16, 'at most 16 variables');
export type AuthPatch = z.infer<typeof authPatchField>;

/**
 * A model's default request parameters (`config`), in OpenAI chat terms: applied to every request routed to the
 * model that does not set them itself (the client's own value wins), mapped to the client's format (on Anthropic
 * messages `stop` is `stop_sequences`; on the Responses API `max_tokens` is `max_output_tokens`); a parameter the
 * client's format has no field for is not sent, nor is a default the model refuses (temperature and top_p on an
 * OpenAI reasoning model). Unknown names are refused (a stored setting that did nothing).
 *
 * `baseModel` is no parameter and is never sent: the model this entry serves, for an upstream id that does not say
 * (a Bedrock application inference profile ARN, an Azure deployment named by its owner), e.g.
 * `anthropic.claude-sonnet-4-5-20250929-v1:0` or `o3-mini`. The gateway adapts requests to the model it names
 * (Claude: one of temperature and top_p; OpenAI reasoning models: `max_completion_tokens`, no default sampling).
 */
export const modelParamsField = z.strictObject({
  baseModel: safeString()
    .trim()
    .min(1, 'is empty')
    .max(200)
    .regex(/^\S+$/, 'cannot contain spaces')
    .optional(),
  temperature: z.number().min(0, 'must be between 0 and 2').max(2, 'must be between 0 and 2').optional(),
  top_p: z.number().min(0, 'must be between 0 and 1').max(1, 'must be between 0 and 1').optional(),
  /** Anthropic messages only. */
  top_k: z.number().int('must be a whole number').min(1, 'must be at least 1').max(1000).optional(),
  max_tokens: z.number().int('must be a whole number').min(1, 'must be at least 1').max(1_000_000).optional(),
  stop: z
    .union([
      safeString().min(1, 'is empty').max(200),
      z.array(safeString().min(1, 'is empty').max(200)).min(1, 'is empty').max(4, 'at most 4 sequences'),
    ])
    .optional(),
  /** OpenAI chat only. */
  seed: z
    .number()
    .int('must be a whole number')
    .min(-(2 ** 53))
    .max(2 ** 53)
    .optional(),
  presence_penalty: z
    .number()
    .min(-2, 'must be between -2 and 2')
    .max(2, 'must be between -2 and 2')
    .optional(),
  frequency_penalty: z
    .number()
    .min(-2, 'must be between -2 and 2')
    .max(2, 'must be between -2 and 2')
    .optional(),
});
export type ModelParams = z.infer<typeof modelParamsField>;

/**
 * Why a stored model config is not a valid set of default parameters (the first problem, with its field), or null
 * when it is: such a config is not applied at all (never half-way), and the registry says so.
 */
export function modelParamsProblem(stored: unknown): string | null {
  const r = modelParamsField.safeParse(stored ?? {});
  if (r.success) return null;
  const issue = r.error.issues[0]!;
  const at = issue.path
    .map((k, i) => (typeof k === 'number' ? `[${k}]` : `${i ? '.' : ''}${String(k)}`))
    .join('');
  return at ? `${at}: ${issue.message}` : issue.message;
}

const price = z.number().min(0, 'cannot be negative').max(100_000, 'is not a price per 1M tokens');

const modelFields = {
  providerId: safeString().trim().min(1, 'is required'),
  modelId: safeString().trim().min(1, 'is required').max(200).regex(/^\S+$/, 'cannot contain spaces'),
  displayName: safeString().trim().min(1, 'is required').max(200),
  description: safeString().trim().max(2000).nullable().optional(),
  /** Omitted (both) = the price is unknown: the model is stored at 0 and unpriced (out of power-level tiers). */
  priceInputPer1M: price.optional(),
  priceOutputPer1M: price.optional(),
  priceCachedInputPer1M: price.nullable().optional(),
  contextWindow: z.number().int().min(1).max(100_000_000).nullable().optional(),
  maxOutputTokens: z.number().int().min(1).max(10_000_000).nullable().optional(),
  qualityTier: z.enum(QUALITY_TIER_VALUES).default('balanced'),
  qualityScore: z
    .number()
    .int()
    .min(0, 'must be between 0 and 100')
    .max(100, 'must be between 0 and 100')
    .default(50),
  capabilities: z
    .array(z.enum(CAPABILITY_VALUES))
    .max(CAPABILITY_VALUES.length)
    .refine((cs) => new Set(cs).size === cs.length, 'lists a capability twice')
    /** Omitted = the usual capabilities of the provider's protocol for a model of this id. */
    .optional(),
  config: modelParamsField.default({}),
  enabled: z.boolean().default(true),
  isDefault: z.boolean().default(false),
  priority: z
    .number()
    .int()
    .min(0, 'must be between 0 and 10000')
    .max(10_000, 'must be between 0 and 10000')
    .default(100),
  scope: modelScopeField.default('global'),
  /** The model's own auth (super admin): laid over its provider's for calls to this model. */
  auth: authPatchField.optional(),
};

export const createModelBody = z.object(modelFields);
export type CreateModelBody = z.infer<typeof createModelBody>;

export const updateModelBody = z
  .object({
    modelId: modelFields.modelId,
    displayName: modelFields.displayName,
    description: modelFields.description,
    priceInputPer1M: price,
    priceOutputPer1M: price,
    priceCachedInputPer1M: price.nullable(),
    /** Mark the prices as known (or not). Changing a price marks them known too. */
    priced: z.boolean(),
    contextWindow: modelFields.contextWindow,
    maxOutputTokens: modelFields.maxOutputTokens,
    qualityTier: z.enum(QUALITY_TIER_VALUES),
    qualityScore: z.number().int().min(0, 'must be between 0 and 100').max(100, 'must be between 0 and 100'),
    capabilities: z
      .array(z.enum(CAPABILITY_VALUES))
      .max(CAPABILITY_VALUES.length)
      .refine((cs) => new Set(cs).size === cs.length, 'lists a capability twice'),
    config: modelParamsField,
    enabled: z.boolean(),
    isDefault: z.boolean(),
    priority: z
      .number()
      .int()
      .min(0, 'must be between 0 and 10000')
      .max(10_000, 'must be between 0 and 10000'),
    /** Move the model to another scope (its owner follows: the user of a `user:` scope). */
    scope: modelScopeField,
    auth: authPatchField,
  })
  .partial()
  .refine((b) => Object.keys(b).length > 0, 'nothing to change');
export type UpdateModelBody = z.infer<typeof updateModelBody>;

const boolParam = z.enum(['true', 'false']).transform((v) => v === 'true');

/** GET /llm/models query: search, filters, sort and offset pagination. */
export const modelListQuery = z.object({
  search: safeString().trim().max(200).optional(),
  provider: safeString().trim().min(1).optional(),
  enabled: boolParam.optional(),
  scope: modelScopeField.optional(),
  capability: z.enum(CAPABILITY_VALUES).optional(),
  tier: z.enum(QUALITY_TIER_VALUES).optional(),
  sort: z.enum(MODEL_SORT_VALUES).default('priority'),
  order: z.enum(['asc', 'desc']).default('asc'),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  offset: z.coerce.number().int().min(0).default(0),
});
export type ModelListQuery = z.infer<typeof modelListQuery>;

export const bulkModelsBody = z.object({
  action: z.enum(['enable', 'disable', 'delete']),
  ids: z
    .array(safeString().min(1))
    .min(1, 'select at least one model')
    .max(1000)
    .refine((ids) => new Set(ids).size === ids.length, 'lists a model twice'),
});
export type BulkModelsBody = z.infer<typeof bulkModelsBody>;

/** One model to import from what a provider's connection test discovered; prices when the admin gave them. */
export const importedModelField = z.object({
  modelId: modelFields.modelId,
  displayName: modelFields.displayName.optional(),
  priceInputPer1M: price.optional(),
  priceOutputPer1M: price.optional(),
});

/**
 * `POST /llm/providers/{id}/models/import`: the discovered model ids to add to the global registry. Models already
 * registered for the provider are left as they are (idempotent). A model without prices takes the catalogue's
 * when it knows the model, else it is added unpriced (kept out of power-level routing until priced).
 */
export const importModelsBody = z.object({
  models: z
    .array(importedModelField)
    .min(1, 'select at least one model')
    .max(1000)
    .refine((ms) => new Set(ms.map((m) => m.modelId)).size === ms.length, 'lists a model twice'),
});
export type ImportModelsBody = z.infer<typeof importModelsBody>;
