import type { byokKeySchema, connectionTestSchema, providerSchema } from '@switchyard/core';
import type { z } from 'zod';

/** One of my provider keys: only the last four characters ever come back (the contract's response schema). */
export type ByokKey = z.infer<typeof byokKeySchema>;

/** A real minimal call with a key: it worked, or why not. */
export type ConnectionTest = z.infer<typeof connectionTestSchema>;

/** What the BYOK form needs of a provider (picked from `GET /llm/providers`). */
export type ProviderOption = Pick<z.infer<typeof providerSchema>, 'id' | 'name' | 'slug' | 'type' | 'status'>;

export const byokKeys = {
  all: ['byok'] as const,
  mine: ['byok', 'mine'] as const,
  providers: ['byok', 'provider-options'] as const,
};
