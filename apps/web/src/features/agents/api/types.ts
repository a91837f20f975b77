import type { agentSchema } from '@switchyard/core';
import type { z } from 'zod';

/** An agent configuration as the API answers it (the contract's response schema). */
export type Agent = z.infer<typeof agentSchema>;

export const agentsKeys = {
  all: ['agents'] as const,
  list: ['agents', 'list'] as const,
};
