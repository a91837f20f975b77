import type { appSchema } from '@switchyard/core';
import type { z } from 'zod';

/** A client app as the API answers it (the contract's response schema). */
export type App = z.infer<typeof appSchema>;

export const appsKeys = {
  all: ['apps'] as const,
  list: ['apps', 'list'] as const,
};
