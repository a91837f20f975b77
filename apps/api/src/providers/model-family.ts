/**
 * Which model a registered upstream model is, where that changes what its upstream accepts: the one recognition the
 * adapters and the model defaults (providers' `paramsTarget`) share.
 */

/** A registered model as recognition sees it: its upstream id and, when the admin named it, the model it serves. */
export interface ModelIdentity {
  /** The id sent upstream (a model id, a Bedrock inference profile ARN, an Azure deployment name…). */
  modelId: string;
  /** The model's config `baseModel`: the model this entry serves, for an id that does not say. */
  baseModel?: string | null | undefined;
}

/**
 * - `claude`: takes one of temperature and top_p (from Opus 4.1 and Sonnet 4.5 on, both together are refused).
 * - `openai-reasoning`: OpenAI's reasoning families (o1, o3, o4-mini and their sized or dated variants, gpt-5 and
 *   later), which refuse `max_tokens` (400 "Use 'max_completion_tokens' instead") and any temperature or top_p but
 *   the default (GPT-5.1 on take them with reasoning effort "none").
 * - `openai-chat`: GPT-5's chat model (`gpt-5-chat`, `gpt-5-chat-latest`: the model ChatGPT runs), not a reasoning
 *   model: it takes temperature and top_p, and, as every OpenAI model from GPT-5 on, its cap as
 *   `max_completion_tokens`. The chat models of GPT-5.1 on (`gpt-5.1-chat-latest`…) reason, and are
 *   `openai-reasoning`.
 */
export type ModelFamily = 'claude' | 'openai-reasoning' | 'openai-chat' | 'other';

/** By pattern, not by a list of known ids (a list misses the next model). */
const CLAUDE_ID = /claude/i;
const OPENAI_REASONING_ID = /^(?:o\d+|gpt-(?:[5-9]|\d{2,}))(?:$|[-.])/i;
const OPENAI_CHAT_ID = /^gpt-5-chat(?:$|[-.])/i;

/**
 * The family of the model the admin named (`baseModel`), else of the upstream id: `anthropic.claude-…`,
 * `us.anthropic.claude-…`, `claude-sonnet-4-5`; `o3-mini`, `gpt-5`, `openai/o3` (an OpenAI id is read from its last
 * path segment, as a proxy in front of OpenAI may name the vendor).
 */
export function modelFamily(model: ModelIdentity): ModelFamily {
  const id = model.baseModel?.trim() || model.modelId;
  if (CLAUDE_ID.test(id)) return 'claude';
  const openaiId = id.slice(id.lastIndexOf('/') + 1);
  if (OPENAI_CHAT_ID.test(openaiId)) return 'openai-chat';
  if (OPENAI_REASONING_ID.test(openaiId)) return 'openai-reasoning';
  return 'other';
}

/**
 * How a Claude model takes thinking (Anthropic's adaptive thinking and effort pages; Bedrock's alike):
 * - `adaptive`: `thinking: {type: "adaptive"}`, its depth set by `output_config.effort`. Opus 4.7 and later, and the
 *   Mythos and Fable lines, take only this (`{type: "enabled", budget_tokens}` is refused with a 400: "thinking.type.
 *   enabled is not supported for this model"); Opus and Sonnet 4.6 still take a budget but it is deprecated there.
 * - `budget`: `thinking: {type: "enabled", budget_tokens}`; the models before 4.6 (Sonnet 4.5, Opus 4.5, Haiku 4.5,
 *   Claude 3.7…), which do not take adaptive thinking.
 * `xhighEffort`: the model takes effort `xhigh` (Opus 4.7 and later); the others take up to `high` (and `max`).
 */
export interface ClaudeThinkingFacts {
  thinking: 'adaptive' | 'budget';
  xhighEffort: boolean;
}

/**
 * Claude's thinking facts by the model's line and version (major * 100 + minor: 4.7 is 407), the first entry the model
 * reaches. Effort `xhigh` is taken by Opus 4.7 and 4.8, and from 5 on by Opus, Sonnet, Mythos and Fable (not Haiku).
 */
const CLAUDE_THINKING: ReadonlyArray<{ from: number; line?: RegExp } & ClaudeThinkingFacts> = [
  { from: 407, line: /haiku/i, thinking: 'adaptive', xhighEffort: false },
  { from: 407, thinking: 'adaptive', xhighEffort: true },
  { from: 406, thinking: 'adaptive', xhighEffort: false },
  { from: 0, thinking: 'budget', xhighEffort: false },
];

/** Claude lines that took adaptive thinking from their first model, versioned or not (`claude-mythos-preview`). */
const CLAUDE_ADAPTIVE_LINE = /claude-(?:mythos|fable)(?:$|[-.@:])/i;

/**
 * A Claude id's line and version: `claude-opus-4-7`, `claude-sonnet-4-6@20260101`, `anthropic.claude-opus-4-7-v1:0`,
 * `anthropic/claude-opus-4.7`, `claude-opus-5` (a line, then a major and an optional one- or two-digit minor; the date
 * in `claude-opus-4-20250514` is not a minor), or the older `claude-3-7-sonnet-…` (the version before the line).
 */
const CLAUDE_VERSION =
  /claude-(?:([a-z]+)-(\d{1,2})(?:[-.](\d{1,2}))?(?=$|[-.@:])|(\d)(?:[-.](\d))?-([a-z]+))/i;

/** A Claude id's line and version (major * 100 + minor, see CLAUDE_VERSION), or null when it does not say. */
function claudeVersion(id: string): { line: string; version: number } | null {
  const m = CLAUDE_VERSION.exec(id);
  if (!m) return null;
  return { line: m[1] ?? m[6] ?? '', version: Number(m[2] ?? m[4]) * 100 + Number(m[3] ?? m[5] ?? 0) };
}

/** The first Claude version that refuses a thinking budget (see ClaudeThinkingFacts): 4.7. */
const BUDGET_REFUSED_FROM = 407;

/**
 * Whether the Claude model takes a thinking budget (`{type: "enabled", budget_tokens}`): every model before 4.7 (4.6
 * takes it, deprecated, beside adaptive thinking); not 4.7 and later, nor the Mythos and Fable lines. By the model
 * the admin named (`baseModel`), else the upstream id; an id whose version is not read takes one.
 */
export function claudeTakesBudget(model: ModelIdentity): boolean {
  const id = model.baseModel?.trim() || model.modelId;
  if (CLAUDE_ADAPTIVE_LINE.test(id)) return false;
  const v = claudeVersion(id);
  return v === null || v.version < BUDGET_REFUSED_FROM;
}

/** The first Claude version that takes adaptive thinking (see ClaudeThinkingFacts): 4.6. */
const ADAPTIVE_FROM = 406;

/**
 * Whether the Claude model is known to refuse adaptive thinking: its id (the admin's `baseModel`, else the upstream id)
 * reads as a version before 4.6 of a line that did not start adaptive. An id whose version is not read is not known to
 * refuse it (a client's adaptive thinking to it goes as it came).
 */
export function claudeRefusesAdaptive(model: ModelIdentity): boolean {
  const id = model.baseModel?.trim() || model.modelId;
  if (CLAUDE_ADAPTIVE_LINE.test(id)) return false;
  const v = claudeVersion(id);
  return v !== null && v.version < ADAPTIVE_FROM;
}

/**
 * What the Claude model takes for thinking (see ClaudeThinkingFacts), by the model the admin named (`baseModel`), else
 * by the upstream id. An id whose version is not read takes a budget, as every Claude model before 4.6 does, unless
 * its line took adaptive thinking from its first model.
 */
export function claudeThinkingFacts(model: ModelIdentity): ClaudeThinkingFacts {
  const id = model.baseModel?.trim() || model.modelId;
  const v = claudeVersion(id);
  if (!v) return { thinking: CLAUDE_ADAPTIVE_LINE.test(id) ? 'adaptive' : 'budget', xhighEffort: false };
  const { line, version } = v;
  const f = CLAUDE_THINKING.find((e) => version >= e.from && (!e.line || e.line.test(line)));
  const thinking = f?.thinking === 'adaptive' || CLAUDE_ADAPTIVE_LINE.test(id) ? 'adaptive' : 'budget';
  return { thinking, xhighEffort: f?.xhighEffort ?? false };
}

/**
 * The reasoning efforts a model served through an OpenAI-compatible API (not OpenAI's, not DeepSeek's) documents
 * taking as `reasoning_effort`, by its id (the admin's `baseModel`, else the upstream id's last path segment); null
 * for a model not known to take the field (most refuse it: Grok 4, 4.1 and 4.2 among them). xAI's reasoning guide:
 * Grok 3 Mini takes low or high; Grok 4.3 and later low, medium or high (high by default; no "none": their
 * reasoning cannot be turned off).
 */
const VENDOR_EFFORTS: ReadonlyArray<{ id: RegExp; from?: number; efforts: readonly string[] }> = [
  { id: /^grok-3-mini(?:$|-)/i, efforts: ['low', 'high'] },
  { id: /^grok-(\d+)(?:[.-](\d{1,2}))?(?=$|[-.])/i, from: 4.3, efforts: ['low', 'medium', 'high'] },
];

export function vendorReasoningEfforts(model: ModelIdentity): readonly string[] | null {
  const full = model.baseModel?.trim() || model.modelId;
  const id = full.slice(full.lastIndexOf('/') + 1);
  for (const v of VENDOR_EFFORTS) {
    const m = v.id.exec(id);
    if (!m) continue;
    // A version's minor is a decimal fraction: Grok 4.20 is 4.2, before 4.3.
    if (v.from !== undefined && Number(`${m[1]}.${m[2] ?? '0'}`) < v.from) continue;
    return v.efforts;
  }
  return null;
}
