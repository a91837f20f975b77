/** A/B experiments and feedback: request and response bodies. */
import { z } from 'zod';
import { EXPERIMENT_STICKINESS } from '../../engine/experiments.js';
import { safeString } from '../safe/index.js';

const variantName = safeString()
  .trim()
  .min(1, 'is required')
  .max(40, 'must be at most 40 characters')
  .regex(/^[A-Za-z0-9][A-Za-z0-9 ._-]*$/, 'must be letters, digits, spaces, ".", "_" or "-"');

export const experimentVariantSchema = z.strictObject({
  name: variantName,
  /** Whole percent of the traffic. */
  percent: z.number().int('must be a whole percent').min(0, 'must be 0-100').max(100, 'must be 0-100'),
  /** An alias, a power level or a model (`<provider>/<model>` or a bare id). */
  target: safeString().trim().min(1, 'is required').max(300, 'must be at most 300 characters'),
});
export type ExperimentVariantBody = z.infer<typeof experimentVariantSchema>;

const variantsSchema = z
  .array(experimentVariantSchema)
  .min(2, 'needs at least 2 variants')
  .max(10, 'allows at most 10 variants')
  .superRefine((vs, ctx) => {
    const sum = vs.reduce((s, v) => s + v.percent, 0);
    if (sum !== 100)
      ctx.addIssue({ code: 'custom', message: `percents must sum to 100 (they sum to ${sum})` });
    const names = new Set<string>();
    for (const v of vs) {
      const k = v.name.toLowerCase();
      if (names.has(k)) ctx.addIssue({ code: 'custom', message: `variant "${v.name}" is named twice` });
      names.add(k);
    }
  });

const instant = z.iso.datetime({ offset: true, message: 'must be an ISO 8601 date-time' });

const experimentFields = {
  name: safeString().trim().min(1, 'is required').max(100, 'must be at most 100 characters'),
  description: safeString().trim().max(1000, 'must be at most 1000 characters'),
  /** The alias whose traffic is split. */
  alias: safeString().trim().min(1, 'is required').max(200, 'must be at most 200 characters'),
  stickiness: z.enum(EXPERIMENT_STICKINESS),
  variants: variantsSchema,
  /** When it starts routing (null or absent: when started). */
  startsAt: instant.nullable(),
  /** When it stops routing (exclusive; null: until stopped). */
  endsAt: instant.nullable(),
};

function windowOk(b: { startsAt?: string | null | undefined; endsAt?: string | null | undefined }): boolean {
  return !b.startsAt || !b.endsAt || Date.parse(b.startsAt) < Date.parse(b.endsAt);
}
const WINDOW_MESSAGE = { message: 'endsAt must be after startsAt', path: ['endsAt'] };

export const createExperimentBody = z
  .strictObject({
    ...experimentFields,
    description: experimentFields.description.default(''),
    stickiness: experimentFields.stickiness.default('user'),
    startsAt: experimentFields.startsAt.optional(),
    endsAt: experimentFields.endsAt.optional(),
  })
  .refine(windowOk, WINDOW_MESSAGE);
export type CreateExperimentBody = z.infer<typeof createExperimentBody>;
export type CreateExperimentInput = z.input<typeof createExperimentBody>;

export const updateExperimentBody = z
  .strictObject({
    name: experimentFields.name.optional(),
    description: experimentFields.description.optional(),
    alias: experimentFields.alias.optional(),
    stickiness: experimentFields.stickiness.optional(),
    variants: experimentFields.variants.optional(),
    startsAt: experimentFields.startsAt.optional(),
    endsAt: experimentFields.endsAt.optional(),
  })
  .refine(windowOk, WINDOW_MESSAGE);
export type UpdateExperimentBody = z.infer<typeof updateExperimentBody>;

/**
 * `draft` (never started), `scheduled` (started, startsAt ahead), `running`, `ended` (endsAt passed) or `stopped`.
 */
export const EXPERIMENT_STATES = ['draft', 'scheduled', 'running', 'ended', 'stopped'] as const;

export const experimentSchema = z.strictObject({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  alias: z.string(),
  status: z.enum(['draft', 'running', 'stopped']),
  state: z.enum(EXPERIMENT_STATES),
  stickiness: z.enum(EXPERIMENT_STICKINESS),
  variants: z.array(z.strictObject({ name: z.string(), percent: z.number(), target: z.string() })),
  startsAt: z.string().nullable(),
  endsAt: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type ExperimentView = z.infer<typeof experimentSchema>;

/** A figure with its 95% interval (null bounds: too few values for one). */
const estimate = z.strictObject({
  value: z.number(),
  low: z.number().nullable(),
  high: z.number().nullable(),
});
export type Estimate = z.infer<typeof estimate>;

export const variantResultSchema = z.strictObject({
  name: z.string(),
  percent: z.number(),
  target: z.string(),
  requests: z.number().int(),
  errors: z.number().int(),
  /** Share of requests answered with a status of 400 or more (Wilson interval). */
  errorRate: estimate.nullable(),
  /** Latency (ms): the mean (t interval), the median (order-statistic interval) and p95. */
  latencyMeanMs: estimate.nullable(),
  latencyP50Ms: estimate.nullable(),
  latencyP95Ms: estimate.nullable(),
  /** Time to first token (ms) over streamed requests: how many had one, the mean and the median. */
  ttftCount: z.number().int(),
  ttftMeanMs: estimate.nullable(),
  ttftP50Ms: z.number().nullable(),
  /** The list price of a request (USD; what BYOK keys paid included), mean with a t interval, and the total. */
  costPerRequestUsd: estimate.nullable(),
  costUsd: z.number(),
  tokensIn: z.number(),
  tokensOut: z.number(),
  /** Mean tokens per request. */
  tokensInMean: z.number().nullable(),
  tokensOutMean: z.number().nullable(),
  /** Feedback scores (0-1) on this variant's requests: how many and their mean (t interval). */
  feedbackCount: z.number().int(),
  feedbackMean: estimate.nullable(),
});
export type VariantResult = z.infer<typeof variantResultSchema>;

export const experimentResultsSchema = z.strictObject({
  experiment: experimentSchema,
  variants: z.array(variantResultSchema),
  totals: z.strictObject({ requests: z.number().int(), feedbackCount: z.number().int() }),
});
export type ExperimentResults = z.infer<typeof experimentResultsSchema>;

/**
 * `POST /v1/feedback`: a quality score for one of the caller's own requests (its `x-request-id`), 0 (bad) to 1
 * (good); a thumbs up is 1, down 0, a 1-5 rating (r - 1) / 4. One per request per key (a user's keys count as one): a
 * later one replaces it.
 */
export const feedbackBody = z.strictObject({
  request_id: safeString().trim().min(1, 'is required').max(100, 'must be at most 100 characters'),
  score: z.number().min(0, 'must be between 0 and 1').max(1, 'must be between 0 and 1'),
  comment: safeString().max(2000, 'must be at most 2000 characters').nullable().optional(),
});
export type FeedbackBody = z.infer<typeof feedbackBody>;

export const feedbackResultSchema = z.strictObject({
  object: z.literal('feedback'),
  id: z.string(),
  request_id: z.string(),
  score: z.number(),
  comment: z.string().nullable(),
  /** The experiment and variant that routed the request; null when none did. */
  experiment: z.strictObject({ id: z.string(), variant: z.string() }).nullable(),
  /** The model that answered it (`provider/model`); null when none did (refused before routing). */
  model: z.string().nullable(),
  /** A score this key had given the request before was replaced. */
  replaced: z.boolean(),
});
export type FeedbackResult = z.infer<typeof feedbackResultSchema>;
