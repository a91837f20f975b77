import type { experimentResultsSchema, experimentSchema } from '@switchyard/core';
import type { z } from 'zod';

/** An experiment as the API answers it (the contract's response schema). */
export type Experiment = z.infer<typeof experimentSchema>;
export type ExperimentResults = z.infer<typeof experimentResultsSchema>;

export const experimentsKeys = {
  all: ['experiments'] as const,
  list: ['experiments', 'list'] as const,
  results: (id: string) => ['experiments', 'results', id] as const,
};
