import { createAgentBody, updateAgentBody } from '@switchyard/core';
import { z } from 'zod';
import type { Agent } from './api/types';

/** What the agent dialog's controls hold. */
export interface AgentFormValues {
  agentId: string;
  name: string;
  role: string;
  normalModel: string;
  heavyModel: string;
  maxModel: string;
}

const values = z.object({
  agentId: z.string(),
  name: z.string(),
  role: z.string(),
  normalModel: z.string(),
  heavyModel: z.string(),
  maxModel: z.string(),
});

/** The form's values checked by the API's own schemas (trimmed as the API trims them). */
export const createAgentForm = values
  .transform((v): z.input<typeof createAgentBody> => v)
  .pipe(createAgentBody);
export const updateAgentForm = values
  .transform((v): z.input<typeof updateAgentBody> => v)
  .pipe(updateAgentBody);

export const agentFormDefaults = (a?: Agent): AgentFormValues => ({
  agentId: a?.agentId ?? '',
  name: a?.name ?? '',
  role: a?.role ?? '',
  normalModel: a?.normalModel ?? '',
  heavyModel: a?.heavyModel ?? '',
  maxModel: a?.maxModel ?? '',
});

/** The model names a client may use for an agent: `agent:<id>` (normal) and one per effort. */
export const agentModelNames = (agentId: string) => [
  `agent:${agentId}`,
  `agent:${agentId}:heavy`,
  `agent:${agentId}:max`,
];
