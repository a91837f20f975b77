/**
 * Upstream token figures as the gateway believes them. Every wire's usage parser (whole answers and streams) reads
 * each figure through `tokenFigure`, so what reaches costs, budgets, token-per-minute limits and usage records is
 * always a whole number from 0 to MAX_TOKEN_FIGURE, whatever an upstream sends: a missing figure, a string, a
 * negative number or an absurd one.
 */

/** The most tokens one figure of one answer is believed for: a larger figure counts as this. */
export const MAX_TOKEN_FIGURE = 100_000_000;

/**
 * An upstream's token figure as a count: a number ≥ 0, rounded up to a whole token and capped at MAX_TOKEN_FIGURE;
 * anything else (missing, null, a string, NaN, negative) is no figure: 0. Runs per figure per request: a few
 * comparisons.
 */
export function tokenFigure(v: unknown): number {
  if (!isFigure(v)) return 0;
  return v < MAX_TOKEN_FIGURE ? Math.ceil(v) : MAX_TOKEN_FIGURE;
}

/** Whether an upstream's token figure is one (a number ≥ 0), not one it left out or sent unreadable. */
export function isFigure(v: unknown): v is number {
  // `v >= 0` also refuses NaN.
  return typeof v === 'number' && v >= 0;
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

/**
 * The prompt tokens an OpenAI-format usage says were read from the provider's cache: OpenAI's
 * `prompt_tokens_details.cached_tokens`, else DeepSeek's own `prompt_cache_hit_tokens` (its API reports hits there).
 */
export function openaiCachedTokens(u: unknown): number {
  if (!isObj(u)) return 0;
  const details = isObj(u.prompt_tokens_details) ? u.prompt_tokens_details : null;
  if (details && isFigure(details.cached_tokens)) return tokenFigure(details.cached_tokens);
  return tokenFigure(u.prompt_cache_hit_tokens);
}

/** A usage's figures as the gateway bills them (the providers' Usage). */
export interface UsageFigures {
  inputTokens: number;
  outputTokens: number;
  cachedTokens: number;
  /** Prompt tokens written to the provider's cache (5 minutes, 1 hour), billed above the input price: see core's costOf. */
  cacheWriteTokens?: number;
  cacheWriteLongTokens?: number;
  /** Web searches the provider ran for the answer (Claude's), billed each: see core's costOf. */
  webSearches?: number;
  /** (Part of) the figures are the gateway's estimate, not the upstream's. */
  estimated?: boolean;
}

/** What a usage bills beyond its token figures: cache writes by lifetime and web searches (see core's costOf). */
export type BilledExtras = Pick<UsageFigures, 'cacheWriteTokens' | 'cacheWriteLongTokens' | 'webSearches'>;

/**
 * A translated answer's BilledExtras, on the pivot's OpenAI-shaped usage (a symbol key JSON never carries: the client's
 * usage is its own format's, and a chat client has no field for them).
 */
export const BILLED_EXTRAS: unique symbol = Symbol('billed extras');

/**
 * What an Anthropic usage bills beyond its tokens, null for nothing: Claude's cache writes (`cache_creation_input_tokens`,
 * by lifetime from its `cache_creation` breakdown when given: what is not said to be 1-hour is the default lifetime;
 * only with a readable `input_tokens`, else the prompt is unknown and there is nothing to bill them within) and its web
 * searches (`server_tool_use.web_search_requests`).
 */
export function anthropicExtras(u: unknown): BilledExtras | null {
  if (!isObj(u)) return null;
  const out: BilledExtras = {};
  if (isFigure(u.input_tokens)) {
    const by = isObj(u.cache_creation) ? u.cache_creation : null;
    const long = by ? tokenFigure(by.ephemeral_1h_input_tokens) : 0;
    const short5m = by ? tokenFigure(by.ephemeral_5m_input_tokens) : 0;
    const total = Math.max(tokenFigure(u.cache_creation_input_tokens), long + short5m);
    if (total > Math.min(long, total)) out.cacheWriteTokens = total - Math.min(long, total);
    if (long > 0 && total > 0) out.cacheWriteLongTokens = Math.min(long, total);
  }
  const searches = isObj(u.server_tool_use) ? tokenFigure(u.server_tool_use.web_search_requests) : 0;
  if (searches > 0) out.webSearches = searches;
  return out.cacheWriteTokens || out.cacheWriteLongTokens || out.webSearches ? out : null;
}

/**
 * A usage as it is billed, whole answers and streams alike: each figure the upstream gave stands; one it did not give
 * (no usage at all, or a figure missing, unreadable or 0: read through `tokenFigure`) is the gateway's estimate
 * instead, the input from the client's request and the output from the answer's text, and the usage says it is
 * estimated. An estimate of 0 (an answer without text, an embedding's output) leaves the figure at 0. The estimates
 * are asked for only when a figure is missing.
 */
export function withEstimates(
  reported: UsageFigures | null | undefined,
  estimateInput: () => number,
  estimateOutput: () => number,
): UsageFigures {
  let inputTokens = reported?.inputTokens ?? 0;
  let outputTokens = reported?.outputTokens ?? 0;
  let estimated = !reported || reported.estimated === true;
  if (inputTokens === 0) {
    inputTokens = estimateInput();
    if (inputTokens > 0) estimated = true;
  }
  if (outputTokens === 0) {
    outputTokens = estimateOutput();
    if (outputTokens > 0) estimated = true;
  }
  if (reported && !estimated) return reported;
  const u: UsageFigures = { inputTokens, outputTokens, cachedTokens: reported?.cachedTokens ?? 0 };
  // What it bills beyond its tokens stands with estimated tokens too.
  if (reported?.cacheWriteTokens) u.cacheWriteTokens = reported.cacheWriteTokens;
  if (reported?.cacheWriteLongTokens) u.cacheWriteLongTokens = reported.cacheWriteLongTokens;
  if (reported?.webSearches) u.webSearches = reported.webSearches;
  if (estimated) u.estimated = true;
  return u;
}
