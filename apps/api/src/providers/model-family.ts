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
