/** Agent configurations (seed 002's Agent Configurations, `model_config.yaml`): request and response bodies. */
import { z } from 'zod';
import { AGENT_EFFORTS } from '../../engine/types.js';

/** The id clients name: `agent:<id>` or `x-switchyard-agent: <id>`. */
export const agentIdSchema = z
  .string()
  .trim()
  .min(1, 'is required')
  .max(63, 'must be at most 63 characters')
  .regex(/^[a-z0-9][a-z0-9_-]*$/, 'must be lower-case letters, digits, "-" or "_" (e.g. code-reviewer)');

/** An alias, a power level or a model (`<provider>/<model>` or a bare id). */
const agentModel = z.string().trim().min(1, 'is required').max(300, 'must be at most 300 characters');

export const createAgentBody = z.strictObject({
  agentId: agentIdSchema,
  name: z.string().trim().min(1, 'is required').max(100, 'must be at most 100 characters'),
  role: z.string().trim().max(500, 'must be at most 500 characters').default(''),
  normalModel: agentModel,
  heavyModel: agentModel,
  maxModel: agentModel,
});
export type CreateAgentBody = z.infer<typeof createAgentBody>;
export type CreateAgentInput = z.input<typeof createAgentBody>;

export const updateAgentBody = createAgentBody.partial();
export type UpdateAgentBody = z.infer<typeof updateAgentBody>;

export const agentSchema = z.strictObject({
  id: z.string(),
  agentId: z.string(),
  name: z.string(),
  role: z.string(),
  normalModel: z.string(),
  heavyModel: z.string(),
  maxModel: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Agent = z.infer<typeof agentSchema>;

/** `model_config.yaml` as text; `replace`: agents not in the file are deleted. */
export const importAgentsBody = z.strictObject({
  yaml: z.string().max(200_000, 'must be at most 200,000 characters'),
  replace: z.boolean().default(false),
  dryRun: z.boolean().default(false),
});
export type ImportAgentsBody = z.infer<typeof importAgentsBody>;

export const importAgentsResultSchema = z.strictObject({
  created: z.array(z.string()),
  updated: z.array(z.string()),
  unchanged: z.array(z.string()),
  deleted: z.array(z.string()),
  dryRun: z.boolean(),
});
export type ImportAgentsResult = z.infer<typeof importAgentsResultSchema>;

/**
 * One agent as `model_config.yaml` writes it: `agents: { <id>: { name, role, models: { normal, heavy, max } } }`.
 * The file's shape is validated with this schema, each agent then with `createAgentBody`.
 */
export const agentFileEntrySchema = z.strictObject({
  name: z.string(),
  role: z.string().optional(),
  models: z.strictObject(
    Object.fromEntries(AGENT_EFFORTS.map((e) => [e, z.string()])) as Record<
      (typeof AGENT_EFFORTS)[number],
      z.ZodString
    >,
  ),
});
export const agentFileSchema = z.strictObject({
  agents: z.record(z.string(), agentFileEntrySchema).default({}),
});
export type AgentFile = z.infer<typeof agentFileSchema>;
