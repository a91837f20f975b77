import type { ConnectionTest, ProviderType } from './api/types';

type Price = { priceInputPer1M: number | null; priceOutputPer1M: number | null };

/** The models a checklist offers: the provider's own listing, or the catalogue's models of its type. */
export interface ModelChoices {
  source: 'discovered' | 'catalogue';
  models: string[];
  prices: Map<string, Price>;
}

/**
 * What to offer for import: the models a passing connection test listed (with the catalogue's prices it sent);
 * when there is no such listing (not tested yet, a failed test, an empty list) the catalogue's curated models of
 * the provider type, so the models can still be chosen.
 */
export function modelChoices(
  result: ConnectionTest | { error: unknown } | null,
  type: Pick<ProviderType, 'catalogueModels'> | undefined,
): ModelChoices {
  if (result && 'success' in result && result.success && result.modelsAvailable.length)
    return {
      source: 'discovered',
      models: result.modelsAvailable,
      prices: new Map((result.catalogue ?? []).map((c) => [c.modelId, c])),
    };
  const cat = type?.catalogueModels ?? [];
  return {
    source: 'catalogue',
    models: cat.map((m) => m.modelId),
    prices: new Map(cat.map((m) => [m.modelId, m])),
  };
}

/** The models checked at first: the new discovered ones when there are few; none from the catalogue. */
export function initialChecked(choices: ModelChoices, existing: ReadonlySet<string>): Set<string> {
  if (choices.source === 'catalogue') return new Set();
  const fresh = choices.models.filter((m) => !existing.has(m));
  return new Set(fresh.length <= 25 ? fresh : []);
}
