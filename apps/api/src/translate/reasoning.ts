/**
 * Reasoning settings between formats. The pivot (an OpenAI chat request) carries a client's reasoning as chat's
 * `reasoning_effort` (a Responses client's `reasoning.effort`, an Anthropic client's thinking budget read as an
 * effort), and an Anthropic client's own budget beside it (THINKING_BUDGET), for the upstreams that take a budget.
 *
 * - Claude (Anthropic's API, Bedrock) before 4.6 takes `thinking: {type: "enabled", budget_tokens}`: at least 1024 tokens, less
 *   than `max_tokens`, which it counts in (as OpenAI's output cap counts reasoning tokens); with thinking on it
 *   refuses a temperature or top_k, a top_p below 0.95, and a forced tool choice; and a turn continuing a tool call
 *   must open with the thinking block the call came with, which an OpenAI-format client has only as the gateway's
 *   envelope in a Responses reasoning item (see signed-thinking.ts). Opus and
 *   Sonnet 4.6 on take `thinking: {type: "adaptive"}` with `output_config.effort` (Opus 4.7 on only that).
 * - Gemini takes `thinkingConfig.thinkingBudget` (2.5) or `thinkingLevel` (3).
 * - OpenAI's reasoning models take `reasoning_effort`.
 */
import { TRANSLATED_REASONING_ID } from '@switchyard/core';
import type { SignedThinkingBlock, ThinkingOrigin } from './signed-thinking.js';
import type { AnBlock, OaChatRequest } from './wire-types.js';

type Obj = Record<string, unknown>;

/**
 * On a pivot request: the thinking budget (tokens) an Anthropic-format client asked for. A symbol key: JSON never
 * carries it, so a chat upstream never sees it.
 */
export const THINKING_BUDGET: unique symbol = Symbol('thinking budget');

/** A pivot request with the thinking budget its Anthropic client asked for. */
export type ReasoningPivot = OaChatRequest & { [THINKING_BUDGET]?: number };

/** Claude's least thinking budget. */
export const MIN_THINKING_BUDGET = 1024;

/**
 * The thinking budget each effort asks of a model that takes a budget: what a client asking OpenAI for that effort
 * would see spent (low a short look, high a long one). `none` and `minimal` ask for no thinking.
 */
export const EFFORT_BUDGET: Readonly<Record<string, number>> = {
  low: 2048,
  medium: 8192,
  high: 24576,
  xhigh: 32768,
};

/** The effort an Anthropic thinking budget reads as (the nearest of EFFORT_BUDGET's, up to the next one's half). */
export function effortForBudget(budget: number): 'low' | 'medium' | 'high' {
  if (budget <= 4096) return 'low';
  if (budget <= 16384) return 'medium';
  return 'high';
}

// ---------- reasoning in answers ----------

/**
 * The fields an OpenAI-compatible answer gives its reasoning text in (a message or a streamed delta):
 * `reasoning_content` (DeepSeek, vLLM before 0.10, SGLang, the pivot's own) or `reasoning` (OpenRouter, vLLM, Ollama,
 * Groq). The pivot carries a translated answer's reasoning as `reasoning_content`.
 */
export function reasoningOf(m: unknown): string | undefined {
  if (!m || typeof m !== 'object') return undefined;
  const o = m as Obj;
  const r = typeof o.reasoning_content === 'string' ? o.reasoning_content : o.reasoning;
  return typeof r === 'string' && r ? r : undefined;
}

/**
 * The signature a thinking block carries when its text did not come from Anthropic (another vendor's reasoning shown
 * to an Anthropic client): none, an empty string, as Anthropic's own SDKs hold a block no signature came for. Anthropic
 * refuses a thinking block it did not sign, so such a block sent back is left out on the way to Anthropic (see
 * dropUnsignedThinking); other upstreams get its text as reasoning.
 */
export const UNSIGNED_THINKING_SIGNATURE = '';

/**
 * How a signature (or redacted thinking's data) Claude on Bedrock made begins when an Anthropic-format client is shown
 * it: Claude on Bedrock and on Anthropic's API refuse each other's signatures, and to the client a signature is an
 * opaque string it sends back as it got it, so the origin must travel inside it. The gateway is stateless, and a
 * client keeps its conversation for as long as it likes (Claude Code resumes sessions from disk): a mark in the
 * string itself, rather than a lookup table, is the only record that outlives both. Only Bedrock's are marked:
 * Anthropic's signatures are relayed byte for byte on the Anthropic-to-Anthropic path (the most common one, which the
 * gateway does not rewrite) and conversations already hold them unmarked, so an unmarked signature is read as
 * not Bedrock's. The mark holds `.` and `:`, which no base64 signature (Anthropic's or Bedrock's) does, so it cannot
 * be confused with the start of one. On the way to Bedrock the mark is taken off; on the way to Anthropic's API a
 * marked block is left out, as an unsigned one is (see withoutUnsignedThinking); an unmarked one never reaches
 * Bedrock.
 */
export const BEDROCK_THINKING_MARK = 'switchyard.bedrock.v1:';

/** One of Claude's signed blocks as an Anthropic-format client is given it (a Bedrock-made one marked). */
export function anthropicClientThinking(b: SignedThinkingBlock): AnBlock {
  const mark = b.origin === 'bedrock' ? BEDROCK_THINKING_MARK : '';
  return b.type === 'thinking'
    ? { type: 'thinking', thinking: b.thinking, signature: mark + b.signature }
    : { type: 'redacted_thinking', data: mark + b.data };
}

/**
 * A thinking or redacted-thinking block an Anthropic-format client sent back, as one of Claude's signed blocks and
 * where it was signed (see BEDROCK_THINKING_MARK); null for anything else, or a block with no signature (another
 * vendor's reasoning the gateway showed it) or none left once the mark is off. Never throws: a client sends anything.
 */
export function clientSignedThinking(b: unknown): SignedThinkingBlock | null {
  if (!b || typeof b !== 'object') return null;
  const o = b as Obj;
  const opaque = o.type === 'thinking' ? o.signature : o.type === 'redacted_thinking' ? o.data : undefined;
  if (typeof opaque !== 'string' || !opaque) return null;
  const bedrock = opaque.startsWith(BEDROCK_THINKING_MARK);
  const value = bedrock ? opaque.slice(BEDROCK_THINKING_MARK.length) : opaque;
  if (!value) return null;
  const origin: ThinkingOrigin = bedrock ? 'bedrock' : 'anthropic';
  if (o.type === 'redacted_thinking') return { type: 'redacted_thinking', data: value, origin };
  return typeof o.thinking === 'string'
    ? { type: 'thinking', thinking: o.thinking, signature: value, origin }
    : null;
}

/** Whether an Anthropic-format block is thinking Claude on Bedrock signed (see BEDROCK_THINKING_MARK). */
export function bedrockMadeThinking(b: unknown): boolean {
  if (!b || typeof b !== 'object') return false;
  const o = b as Obj;
  const opaque = o.type === 'thinking' ? o.signature : o.type === 'redacted_thinking' ? o.data : undefined;
  return typeof opaque === 'string' && opaque.startsWith(BEDROCK_THINKING_MARK);
}

/**
 * A pivot answer's reasoning as an Anthropic-format client's thinking blocks, in order: Claude's signed blocks with
 * their signatures (see anthropicClientThinking), and any reasoning text no signed block holds as a block of its own,
 * unsigned (another vendor's reasoning has none). When the signed blocks' texts are not found in the reasoning text
 * in order, it is one unsigned block, as before signatures were carried: a signature must sign exactly its text.
 */
export function anthropicThinkingBlocks(
  reasoning: string | undefined,
  signed: readonly SignedThinkingBlock[] | undefined,
): AnBlock[] {
  const text = reasoning ?? '';
  const unsigned = (thinking: string): AnBlock => ({
    type: 'thinking',
    thinking,
    signature: UNSIGNED_THINKING_SIGNATURE,
  });
  const out: AnBlock[] = [];
  let at = 0;
  for (const b of signed ?? []) {
    if (b.type === 'thinking') {
      const i = text.indexOf(b.thinking, at);
      if (i < 0) return text ? [unsigned(text)] : [];
      if (i > at) out.push(unsigned(text.slice(at, i)));
      at = i + b.thinking.length;
    }
    out.push(anthropicClientThinking(b));
  }
  if (at < text.length) out.push(unsigned(text.slice(at)));
  return out;
}

/**
 * How the id of a reasoning item the gateway made (another format's reasoning shown to a Responses client) begins
 * (core's, which data protection reads as text, not signed). OpenAI's own are `rs_` and hex digits: a provider with a
 * Responses API of its own would look such an item up and refuse it ("Item with id … not found"), so it is left out
 * on the way there (see withoutTranslatedReasoning).
 */
export { TRANSLATED_REASONING_ID };

/**
 * A Responses body without the reasoning items the gateway made (see TRANSLATED_REASONING_ID), for a provider that
 * serves the Responses API itself; null when it holds none. Looked for only when the body's bytes name one.
 */
export function withoutTranslatedReasoning(raw: Buffer, body: Obj): Obj | null {
  if (!raw.includes(TRANSLATED_REASONING_ID) || !Array.isArray(body.input)) return null;
  const input = (body.input as unknown[]).filter(
    (it) =>
      !(
        it &&
        typeof it === 'object' &&
        (it as Obj).type === 'reasoning' &&
        String((it as Obj).id ?? '').startsWith(TRANSLATED_REASONING_ID)
      ),
  );
  return input.length === (body.input as unknown[]).length ? null : { ...body, input };
}

/** The reasoning effort a Responses request asks for (`reasoning.effort`), if any. */
export function responsesEffort(req: Obj): string | undefined {
  const r = req.reasoning;
  const effort = r && typeof r === 'object' ? (r as Obj).effort : undefined;
  return typeof effort === 'string' && effort ? effort : undefined;
}

/**
 * The effort an Anthropic client's adaptive thinking reads as: its `output_config.effort` (Anthropic's low, medium,
 * high; its max as high, the most every effort-taking upstream takes), else medium (Claude then decides how much to
 * think, as an OpenAI reasoning model does at its default effort, medium).
 */
function adaptiveEffort(outputConfig: unknown): 'low' | 'medium' | 'high' {
  const e = outputConfig && typeof outputConfig === 'object' ? (outputConfig as Obj).effort : undefined;
  if (e === 'low' || e === 'medium' || e === 'high') return e;
  if (e === 'max') return 'high';
  return 'medium';
}

/**
 * An Anthropic client's thinking as pivot fields: an effort (for OpenAI's reasoning models) and the budget itself
 * (for the upstreams that take one); none for thinking not enabled or with no usable budget. Adaptive thinking
 * (`{type: "adaptive"}`: Claude decides whether and how much to think, guided by `output_config.effort`) is an effort
 * alone (see adaptiveEffort): the upstreams that take a budget get that effort's.
 */
export function anthropicThinkingToPivot(
  thinking: unknown,
  out: ReasoningPivot,
  outputConfig?: unknown,
): void {
  if (!thinking || typeof thinking !== 'object') return;
  const t = thinking as Obj;
  if (t.type === 'adaptive') {
    out.reasoning_effort = adaptiveEffort(outputConfig);
    return;
  }
  if (t.type !== 'enabled' || typeof t.budget_tokens !== 'number' || !Number.isFinite(t.budget_tokens))
    return;
  const budget = Math.floor(t.budget_tokens);
  if (budget <= 0) return;
  out.reasoning_effort = effortForBudget(budget);
  out[THINKING_BUDGET] = budget;
}

/** The thinking budget the pivot asks for (its Anthropic client's, else its effort's); null for no thinking. */
export function wantedBudget(req: ReasoningPivot): number | null {
  const own = req[THINKING_BUDGET];
  if (typeof own === 'number') return own;
  const effort = req.reasoning_effort;
  return typeof effort === 'string' ? (EFFORT_BUDGET[effort] ?? null) : null;
}

/**
 * What Claude is sent for the pivot's reasoning: a thinking budget and the output cap that holds it (`enabled`), or,
 * for a model that takes adaptive thinking (see claudeThinkingFacts), the effort that guides it (`adaptive`).
 */
export type ClaudeThinking =
  | { type: 'enabled'; budget: number; maxTokens: number }
  | { type: 'adaptive'; effort: 'low' | 'medium' | 'high' | 'xhigh' };

/**
 * The effort adaptive thinking is sent for the pivot's (Anthropic's low, medium, high; xhigh to a model that takes it,
 * else high); null for no thinking (none, minimal, or no effort asked).
 */
function claudeEffort(req: ReasoningPivot, xhigh: boolean): 'low' | 'medium' | 'high' | 'xhigh' | null {
  const effort = req.reasoning_effort;
  if (effort === 'low' || effort === 'medium' || effort === 'high') return effort;
  if (effort === 'xhigh') return xhigh ? 'xhigh' : 'high';
  return null;
}

/**
 * Claude's thinking for the pivot's reasoning. To a model that takes adaptive thinking (`adaptive`: Opus and Sonnet
 * 4.6 on, where a budget is deprecated or refused), the effort asked (an Anthropic client's budget read as one). To
 * the others a budget within the output cap (`maxTokens`: the client's, or the default the gateway reserved): the
 * budget asked for, lowered so that at least as much again as Claude's least budget is left for the answer; never
 * below that least budget, and null (no thinking) when the cap cannot hold it and an answer (the cap is the client's,
 * and what was reserved: it is not raised). Null as well when none is asked for, when the request forces a tool
 * (Claude refuses thinking then: a JSON response format travels as a forced tool), or when the turn continues a tool
 * call without Claude's own thinking block opening the turn that called (`toolTurn`: Claude requires it, signed; a
 * Responses client gives it back in the gateway's envelope, see signed-thinking.ts).
 */
export function claudeThinking(
  req: ReasoningPivot,
  maxTokens: number,
  opts: {
    forcedTool: boolean;
    toolTurn: boolean;
    /** What the model takes (providers' claudeThinkingFacts). */
    model: { thinking: 'adaptive' | 'budget'; xhighEffort: boolean };
  },
): ClaudeThinking | null {
  if (opts.forcedTool || opts.toolTurn) return null;
  if (opts.model.thinking === 'adaptive') {
    const effort = claudeEffort(req, opts.model.xhighEffort);
    return effort ? { type: 'adaptive', effort } : null;
  }
  const wanted = wantedBudget(req);
  if (wanted === null) return null;
  const budget = Math.max(MIN_THINKING_BUDGET, Math.min(wanted, maxTokens - MIN_THINKING_BUDGET));
  if (budget >= maxTokens) return null;
  return { type: 'enabled', budget, maxTokens };
}

/**
 * Claude's request fields for its thinking (Anthropic's API and Bedrock's `additionalModelRequestFields` alike):
 * `thinking` and, for adaptive thinking, `output_config.effort`. Adaptive thinking asks for the thinking summarized
 * (`display: "summarized"`): Opus 4.7 on default to omitting its text, and the client asked for reasoning it reads.
 */
export function claudeThinkingFields(t: ClaudeThinking): Obj {
  return t.type === 'adaptive'
    ? { thinking: { type: 'adaptive', display: 'summarized' }, output_config: { effort: t.effort } }
    : { thinking: { type: 'enabled', budget_tokens: t.budget } };
}

/** Top_p Claude takes with thinking on: from 0.95 up. */
export const THINKING_MIN_TOP_P = 0.95;

/**
 * Gemini's thinkingConfig for the pivot's reasoning: Gemini 3 takes a level (Pro low or high; Flash minimal, low,
 * medium or high: none as minimal there), Gemini 2.5 a budget (an
 * Anthropic client's own, else its effort's; `none` / `minimal` 0, no thinking, except on 2.5 Pro, which cannot turn
 * it off and keeps its default); with thinking on, `includeThoughts` (the answer then holds Gemini's thought summary,
 * the client's reasoning). Null: nothing asked, or nothing to send.
 */
export function geminiThinkingConfig(req: ReasoningPivot): Obj | null {
  const config = geminiThinking(req);
  // Thinking asked for: its thought summaries too (parts marked `thought`), which reach the client as its reasoning.
  // Not for none or minimal (Gemini 3 cannot turn thinking off, and thinks as little as it can).
  const none = req.reasoning_effort === 'none' || req.reasoning_effort === 'minimal';
  if (config && config.thinkingBudget !== 0 && !none) config.includeThoughts = true;
  return config;
}

function geminiThinking(req: ReasoningPivot): Obj | null {
  const effort = req.reasoning_effort;
  const own = req[THINKING_BUDGET];
  if (typeof effort !== 'string' && typeof own !== 'number') return null;
  const model = String(req.model ?? '').toLowerCase();
  if (/gemini-[3-9]/.test(model)) {
    // Gemini 3 Flash (and Flash-Lite) take minimal, low, medium and high; Pro low and high.
    const flash = /flash/.test(model);
    if (effort === 'none' || effort === 'minimal') return { thinkingLevel: flash ? 'minimal' : 'low' };
    if (effort === 'low') return { thinkingLevel: 'low' };
    if (effort === 'medium') return { thinkingLevel: flash ? 'medium' : 'high' };
    if (effort === 'high' || effort === 'xhigh') return { thinkingLevel: 'high' };
    return null;
  }
  if (effort === 'none' || effort === 'minimal') return /pro/.test(model) ? null : { thinkingBudget: 0 };
  const budget =
    typeof own === 'number' ? own : typeof effort === 'string' ? EFFORT_BUDGET[effort] : undefined;
  // Gemini 2.5 Flash takes up to 24576, Pro up to 32768.
  return budget === undefined
    ? null
    : { thinkingBudget: Math.min(budget, /pro/.test(model) ? 32768 : 24576) };
}

/**
 * The parameter a client sets its reasoning with, by the endpoint (the format it wrote), for a call's changedParams
 * (`x-switchyard-changed-params`): an Anthropic client's `thinking`, a Responses client's `reasoning.effort`, a chat
 * client's `reasoning_effort`.
 */
export function reasoningParamOf(endpoint: string): string {
  if (endpoint === 'messages' || endpoint === 'count_tokens') return 'thinking';
  return endpoint === 'responses' ? 'reasoning.effort' : 'reasoning_effort';
}
