import type { byokKeySchema, byokProviderOptionSchema, connectionTestSchema } from '@switchyard/core';
import type { z } from 'zod';

/** One of my provider keys: only the last four characters ever come back (the contract's response schema). */
export type ByokKey = z.infer<typeof byokKeySchema>;

/** A real minimal call with a key: it worked, or why not. */
export type ConnectionTest = z.infer<typeof connectionTestSchema>;

/** A provider a user may bring a key for (`GET /me/byok/providers`: active, paid providers, whether I have a key). */
export type ProviderOption = z.infer<typeof byokProviderOptionSchema>;

export const byokKeys = {
  all: ['byok'] as const,
  mine: ['byok', 'mine'] as const,
  usage: ['byok', 'usage'] as const,
  providers: ['byok', 'provider-options'] as const,
};
