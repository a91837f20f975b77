import { extraImageTokens, type ImageSize } from './image-tokens.js';
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
  /**
   * Prompt tokens written to the provider's cache for its default lifetime (Claude's 5 minutes): part of
   * `inputTokens`, billed at CACHE_WRITE_PRICE times the input price. Absent: none.
   */
  cacheWriteTokens?: number | undefined;
  /** Prompt tokens written to the cache for 1 hour (Claude's longer lifetime): at CACHE_WRITE_LONG_PRICE times. */
  cacheWriteLongTokens?: number | undefined;
  /** Web searches the provider ran for the answer (Claude's web search, OpenAI's web_search_call): WEB_SEARCH_USD each. */
  webSearches?: number | undefined;
}

/**
 * What one server-side web search costs: Anthropic's and OpenAI's price, $10 per 1,000 (the price catalogue's
 * `web_searches_kcount` for Claude and OpenAI's current models).
 */
export const WEB_SEARCH_USD = 10 / 1000;

/**
 * What a prompt token written to the cache costs, as a multiple of the input price: Claude's 5-minute cache writes 1.25
 * times, its 1-hour writes twice (Anthropic's and Bedrock's pricing). Providers that bill no write (OpenAI, DeepSeek,
 * Gemini's implicit caching) report none.
 */
export const CACHE_WRITE_PRICE = 1.25;
export const CACHE_WRITE_LONG_PRICE = 2;

type Prices = Pick<ModelConfig, 'priceIn' | 'priceOut' | 'priceCachedIn' | 'longContext'>;

/** A model's prices for a prompt of this many tokens: its long-context prices above their threshold. */
export function pricesFor(prices: Prices, promptTokens: number): Prices {
  const lc = prices.longContext;
  if (!lc || !(promptTokens > lc.above)) return prices;
  return {
    priceIn: prices.priceIn * lc.input,
    priceOut: prices.priceOut * lc.output,
    priceCachedIn: prices.priceCachedIn == null ? null : prices.priceCachedIn * lc.cachedIn,
  };
}

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
export function costOf(modelPrices: Prices, usage: TokenUsage): number {
  const input = figure(usage.inputTokens);
  // A long prompt is billed at the model's long-context prices, all of it (Anthropic's and Google's rule).
  const prices = pricesFor(modelPrices, input);
  const cached = Math.min(figure(usage.cachedTokens), input);
  const priceIn = figure(prices.priceIn);
  const cachedPrice = prices.priceCachedIn == null ? priceIn : figure(prices.priceCachedIn);
  // Written tokens are prompt tokens not read from the cache: at most what is left of the prompt (longer ones first).
  const long = Math.min(figure(usage.cacheWriteLongTokens ?? 0), input - cached);
  const short = Math.min(figure(usage.cacheWriteTokens ?? 0), input - cached - long);
  const cost =
    ((input - cached) * priceIn +
      short * priceIn * (CACHE_WRITE_PRICE - 1) +
      long * priceIn * (CACHE_WRITE_LONG_PRICE - 1) +
      cached * cachedPrice +
      figure(usage.outputTokens) * figure(prices.priceOut)) /
      1_000_000 +
    figure(usage.webSearches ?? 0) * WEB_SEARCH_USD;
  // Finite figures can still overflow to Infinity.
  return cost < Infinity ? cost : 0;
}

/** What the platform did not pay because the caller's own key paid: the full price of the request. */
export function byokSaved(prices: Prices, usage: TokenUsage, keySource: 'byok' | 'org' | 'provider'): number {
  return keySource === 'byok' ? costOf(prices, usage) : 0;
}

/**
 * The output cap of a request that sets none: the model's max output when the registry knows it, else this. It is
 * also what the gateway sends where the upstream requires a cap (Anthropic's max_tokens).
 */
export const DEFAULT_OUTPUT_CAP = 4096;

type CapModel = Pick<ModelConfig, 'maxOutputTokens' | 'defaultMaxTokens'>;
type WindowModel = Partial<Pick<ModelConfig, 'contextWindow'>>;

/**
 * The input a stored conversation the gateway knows nothing of (a Responses `previous_response_id` it did not relay)
 * is reserved as on a model with no registered context window: the largest window of a model with a Responses API.
 */
export const UNKNOWN_CONVERSATION_TOKENS = 1_000_000;

/** A registered token count: a whole number above 0 (anything else is none). */
const registered = (n: number | null | undefined): n is number =>
  typeof n === 'number' && Number.isInteger(n) && n > 0;

/**
 * The most output tokens one answer of a request may run to: its own cap, else the model's default cap (the gateway
 * sends it: a model's default `max_tokens`), else the model's max output, else the default.
 */
export function outputCap(model: CapModel, maxTokens: number | null): number {
  if (maxTokens !== null) return maxTokens;
  if (registered(model.defaultMaxTokens)) return model.defaultMaxTokens;
  return registered(model.maxOutputTokens) ? model.maxOutputTokens : DEFAULT_OUTPUT_CAP;
}

/**
 * Whether an endpoint's answers are generated output a request may cap with max_tokens (chat, messages, responses).
 * Embeddings and token counting produce no output tokens.
 */
export function writesOutput(endpoint: Endpoint): boolean {
  return endpoint === 'chat' || endpoint === 'messages' || endpoint === 'responses';
}

/** What a reservation reads of a request. */
export interface ReservedRequest {
  endpoint: Endpoint;
  promptTokens: number;
  maxTokens: number | null;
  choices?: number | undefined;
  /**
   * Input the provider bills that the body does not hold: the stored conversation a Responses `previous_response_id`
   * continues (the tokens in and out of the response it names, as recorded when the gateway relayed it), null when
   * the gateway does not know that response, absent when the request continues none.
   */
  priorTokens?: number | null | undefined;
  /** The prompt's images (see RequestInfo.images): a model that counts them higher is reserved the difference. */
  images?: readonly (ImageSize | null)[] | undefined;
  /**
   * The request marks prompt parts for the provider's cache (Anthropic's `cache_control`): `long` when one asks for the
   * 1-hour lifetime. A model that bills cache writes (Claude) is reserved its prompt at the write price.
   */
  cacheWrite?: 'short' | 'long' | undefined;
  /** The most web searches the request lets Claude run (its web search tool's `max_uses`): WEB_SEARCH_USD each. */
  webSearches?: number | undefined;
}

/**
 * The model a reservation is for, by its upstream id, or by the model the admin says that id serves (`baseModel`: an
 * Azure deployment's or a Bedrock profile's name does not say) — which says how it counts images; absent: as
 * estimated.
 */
type IdModel = { modelId?: string | undefined; baseModel?: string | null | undefined };

/**
 * The request's own prompt tokens on a model: its estimate (which counted each image at `imageReserveTokens`), plus
 * what this model counts its images beyond that (`extraImageTokens`: gpt-4o-mini, OpenAI's patch-metered models,
 * Gemini). Budgets and token limits reserve this on the model of the attempt they admit.
 */
export function promptTokensOn(
  model: IdModel,
  req: Pick<ReservedRequest, 'promptTokens' | 'images'>,
): number {
  const own = Math.max(0, req.promptTokens);
  const id = model.baseModel?.trim() || model.modelId;
  return id === undefined ? own : own + extraImageTokens(id, req.images);
}

/**
 * The prompt tokens a budget reserves: the request's own on this model (`promptTokensOn`), plus the conversation it
 * continues (`priorTokens`), at most the model's context window (the provider bills no more input than that); a
 * conversation the gateway does not know is reserved the whole window (`UNKNOWN_CONVERSATION_TOKENS` when none is
 * registered).
 */
export function reservedPromptTokens(
  model: WindowModel & IdModel,
  req: Pick<ReservedRequest, 'promptTokens' | 'priorTokens' | 'images'>,
): number {
  const own = promptTokensOn(model, req);
  if (req.priorTokens === undefined) return own;
  const window = registered(model.contextWindow) ? model.contextWindow : UNKNOWN_CONVERSATION_TOKENS;
  if (req.priorTokens === null) return Math.max(own, window);
  return Math.max(own, Math.min(window, own + Math.max(0, req.priorTokens)));
}

/**
 * Output tokens reserved against token limits and budgets before a request runs: the most it may produce (its cap for
 * each of the answers it asks for; none on an endpoint that writes no output). A request without max_tokens may run to
 * its model's whole output, and was reserved 512 tokens: a burst of them spent past a budget's cap and a
 * tokens-per-minute limit many times over.
 */
export function reservedOutputTokens(model: CapModel, req: Omit<ReservedRequest, 'promptTokens'>): number {
  return writesOutput(req.endpoint) ? outputCap(model, req.maxTokens) * Math.max(1, req.choices ?? 1) : 0;
}

/**
 * A request without max_tokens is reserved its model's whole output: said where that is what a limit refused, so the
 * client knows how to ask for less ('' when it set a cap, or its endpoint takes none).
 */
export function uncappedHint(req: Pick<ReservedRequest, 'endpoint' | 'maxTokens'>, model: CapModel): string {
  if (req.maxTokens !== null || !writesOutput(req.endpoint)) return '';
  const what = registered(model.defaultMaxTokens) ? "its model's default cap" : "its model's whole output";
  return ` (it sets no max_tokens, so ${what}, ${outputCap(model, null)} tokens, is reserved: set max_tokens to reserve less)`;
}

/**
 * The output cap an admitted attempt must send upstream, or null. A request without a cap on a model with no registered
 * max output and no default cap was reserved the default (`DEFAULT_OUTPUT_CAP`) by its budgets or token limits, and nothing else bounds
 * what the upstream writes: it is held to that figure. A model's registered max output bounds it already (and sending
 * it would put a figure the upstream may refuse into requests that went as sent before); a request no budget or token
 * limit counted goes as sent.
 */
export function heldOutputCap(
  req: Pick<ReservedRequest, 'endpoint' | 'maxTokens'>,
  model: CapModel,
  items: readonly { unit: 'requests' | 'tokens' | 'usd' }[],
): number | null {
  if (req.maxTokens !== null || !writesOutput(req.endpoint)) return null;
  // A model's default cap is sent as it is (and was what was reserved); a registered max output bounds the model.
  if (registered(model.defaultMaxTokens) || registered(model.maxOutputTokens)) return null;
  return items.some((it) => it.unit !== 'requests') ? DEFAULT_OUTPUT_CAP : null;
}

/**
 * Claude, by its id: the models that bill prompt tokens written to their cache above the input price (see
 * CACHE_WRITE_PRICE) and run Anthropic's web search (WEB_SEARCH_USD).
 */
const CLAUDE = /claude/i;

const isClaude = (model: IdModel): boolean => {
  const id = model.baseModel?.trim() || model.modelId;
  return id !== undefined && CLAUDE.test(id);
};

/**
 * What a prompt token may cost on a model, as a multiple of its input price: the cache write price when the request
 * marks parts for the cache and the model bills writes (all of the prompt may be written), else 1.
 */
export function promptPriceFactor(model: IdModel, req: Pick<ReservedRequest, 'cacheWrite'>): number {
  if (!req.cacheWrite || !isClaude(model)) return 1;
  return req.cacheWrite === 'long' ? CACHE_WRITE_LONG_PRICE : CACHE_WRITE_PRICE;
}

/**
 * The most a request may cost on a model (its prompt, at the cache write price where it may be written, and
 * `reservedOutputTokens`): what budgets reserve and check.
 */
export function reservedCost(model: Prices & CapModel & WindowModel & IdModel, req: ReservedRequest): number {
  const searches = req.webSearches && isClaude(model) ? req.webSearches * WEB_SEARCH_USD : 0;
  const prompt = reservedPromptTokens(model, req);
  const p = pricesFor(model, prompt);
  return (
    (prompt * p.priceIn * promptPriceFactor(model, req) + reservedOutputTokens(model, req) * p.priceOut) /
      1_000_000 +
    searches
  );
}

/**
 * Output tokens a request typically produces, for ranking candidates by cost (never for reserving): max_tokens, else
 * min(512, the model's max), for each of the answers it asks for (OpenAI chat's `n`: each choice may run to max_tokens).
 */
export function expectedOutputTokens(model: CapModel, maxTokens: number | null, choices = 1): number {
  const each = maxTokens !== null ? maxTokens : Math.min(512, model.maxOutputTokens ?? 512);
  return each * Math.max(1, choices);
}

/** The cost a request is expected to have on a model (the cost strategy's ranking; budgets use `reservedCost`). */
export function estimateCost(
  model: Prices & CapModel,
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
