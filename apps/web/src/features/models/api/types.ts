import type { CAPABILITY_VALUES, QUALITY_TIER_VALUES } from '@switchyard/core';

export type Capability = (typeof CAPABILITY_VALUES)[number];
export type QualityTier = (typeof QUALITY_TIER_VALUES)[number];

/** A registry entry as GET /llm/models lists it (defined once in @switchyard/core). */
export type { RegistryModel } from '@switchyard/core';

export interface ModelListFilters {
  search?: string;
  provider?: string;
  enabled?: 'true' | 'false';
  sort?: 'priority' | 'name' | 'price';
  order?: 'asc' | 'desc';
}

export interface ProviderChoice {
  id: string;
  name: string;
  slug: string;
  type: string;
  status: string;
}

export const modelsKeys = {
  all: ['models'] as const,
  list: (f: ModelListFilters) => ['models', 'list', f] as const,
  providers: ['models', 'providers'] as const,
  refs: ['models', 'refs'] as const,
};
