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
 * A token count or price as `costOf` reads it: a finite number ≥ 0; anything else (NaN, negative, infinite: a figure
 * that is not one) counts as 0, so a bad figure can never make a cost NaN, negative or infinite.
 */
const figure = (v: number): number => (v >= 0 && v < Infinity ? v : 0);

/**
 * Cost in USD from per-1M-token prices:
 *   (input − cached) × priceIn + cached × (priceCachedIn ?? priceIn) + output × priceOut, all ÷ 1,000,000.
 * Always a finite number ≥ 0 (see `figure`).
 */
export function costOf(prices: Prices, usage: TokenUsage): number {
  const input = figure(usage.inputTokens);
  const cached = Math.min(figure(usage.cachedTokens), input);
  const priceIn = figure(prices.priceIn);
  const cachedPrice = prices.priceCachedIn == null ? priceIn : figure(prices.priceCachedIn);
  const cost =
    ((input - cached) * priceIn +
      cached * cachedPrice +
      figure(usage.outputTokens) * figure(prices.priceOut)) /
    1_000_000;
  // Finite figures can still overflow to Infinity.
  return cost < Infinity ? cost : 0;
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
