import type {
  bulkModelsResultSchema,
  CAPABILITY_VALUES,
  modelPageSchema,
  providerSchema,
  QUALITY_TIER_VALUES,
  registryModelSchema,
} from '@switchyard/core';
import type { z } from 'zod';

export type Capability = (typeof CAPABILITY_VALUES)[number];
export type QualityTier = (typeof QUALITY_TIER_VALUES)[number];

/** A registry entry as GET /llm/models lists it (the contract's response schema). */
export type RegistryModel = z.infer<typeof registryModelSchema>;
/** One page of `GET /llm/models`. */
export type ModelPage = z.infer<typeof modelPageSchema>;
/** `POST /llm/models/bulk`. */
export type BulkModelsResult = z.infer<typeof bulkModelsResultSchema>;

export interface ModelListFilters {
  search?: string;
  provider?: string;
  enabled?: 'true' | 'false';
  sort?: 'priority' | 'name' | 'price';
  order?: 'asc' | 'desc';
}

/** What the model form and the provider filter need of a provider (picked from `GET /llm/providers`). */
export type ProviderChoice = Pick<z.infer<typeof providerSchema>, 'id' | 'name' | 'slug' | 'type' | 'status'>;

export const modelsKeys = {
  all: ['models'] as const,
  list: (f: ModelListFilters) => ['models', 'list', f] as const,
  providers: ['models', 'providers'] as const,
  refs: ['models', 'refs'] as const,
};
