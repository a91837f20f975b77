import type { Endpoint, ModelConfig } from './types.js';

/**
 * Whether a provider charges for a call on this endpoint. Token counting (`count_tokens`) is free at every
 * provider that offers it: it is neither billed nor reserved against budgets.
 */
export function isBilled(endpoint: Endpoint): boolean {
  return endpoint !== 'count_tokens';
}

export interface TokenUsage {
  /** Whole prompt, cached part included. */
  inputTokens: number;
  outputTokens: number;
  /** Prompt tokens served from the provider's cache (billed at the cached price when the model has one). */
  cachedTokens: number;
}

type Prices = Pick<ModelConfig, 'priceIn' | 'priceOut' | 'priceCachedIn'>;

/**
 * Cost in USD from per-1M-token prices:
 *   (input − cached) × priceIn + cached × (priceCachedIn ?? priceIn) + output × priceOut, all ÷ 1,000,000.
 */
export function costOf(prices: Prices, usage: TokenUsage): number {
  const cached = Math.min(Math.max(0, usage.cachedTokens), Math.max(0, usage.inputTokens));
  const fresh = Math.max(0, usage.inputTokens) - cached;
  const cachedPrice = prices.priceCachedIn ?? prices.priceIn;
  return (
    (fresh * prices.priceIn + cached * cachedPrice + Math.max(0, usage.outputTokens) * prices.priceOut) /
    1_000_000
  );
}

/** What the platform did not pay because the caller's own key paid: the full price of the request. */
export function byokSaved(prices: Prices, usage: TokenUsage, keySource: 'byok' | 'org' | 'provider'): number {
  return keySource === 'byok' ? costOf(prices, usage) : 0;
}

/**
 * Output tokens assumed when estimating a request before it runs: max_tokens, else min(512, the model's max), for
 * each of the answers it asks for (OpenAI chat's `n`: each choice may run to max_tokens).
 */
export function expectedOutputTokens(
  model: Pick<ModelConfig, 'maxOutputTokens'>,
  maxTokens: number | null,
  choices = 1,
): number {
  const each = maxTokens !== null ? maxTokens : Math.min(512, model.maxOutputTokens ?? 512);
  return each * Math.max(1, choices);
}

/** The cost a request is expected to have on a model (used by the cost strategy and budget reservations). */
export function estimateCost(
  model: Prices & Pick<ModelConfig, 'maxOutputTokens'>,
  promptTokens: number,
  maxTokens: number | null,
  choices = 1,
): number {
  // Same as costOf with no cached tokens, without allocating a usage object (this runs per candidate per request).
  return (
    (Math.max(0, promptTokens) * model.priceIn +
      expectedOutputTokens(model, maxTokens, choices) * model.priceOut) /
    1_000_000
  );
}
