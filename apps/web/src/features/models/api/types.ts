import type { CAPABILITY_VALUES, QUALITY_TIER_VALUES } from '@switchyard/core';

export type Capability = (typeof CAPABILITY_VALUES)[number];
export type QualityTier = (typeof QUALITY_TIER_VALUES)[number];

/** A registry entry as GET /llm/models lists it. */
export interface RegistryModel {
  id: string;
  ref: string;
  providerId: string;
  provider: { id: string; slug: string; name: string; type: string; status: string };
  modelId: string;
  displayName: string;
  description: string | null;
  priceInputPer1M: number;
  priceOutputPer1M: number;
  priceCachedInputPer1M: number | null;
  contextWindow: number | null;
  maxOutputTokens: number | null;
  qualityTier: QualityTier;
  qualityScore: number;
  capabilities: Capability[];
  config: Record<string, unknown>;
  enabled: boolean;
  isDefault: boolean;
  priority: number;
  scope: string;
  source: string;
  createdAt: string;
  updatedAt: string;
}

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
