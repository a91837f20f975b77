/**
 * Loose structural types for the wire formats Switchyard speaks. They name the
 * fields translation reads and writes; unknown fields are tolerated.
 */
import type { SIGNED_THINKING, SignedThinkingBlock } from './signed-thinking.js';
import type { BILLED_EXTRAS, BilledExtras } from './usage-figures.js';

// ---------- OpenAI chat completions ----------

export interface OaTextPart {
  type: 'text';
  text: string;
}
export interface OaImagePart {
  type: 'image_url';
  image_url: { url: string; detail?: string };
}
export type OaContentPart = OaTextPart | OaImagePart | { type: string; [k: string]: unknown };

export interface OaToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

export interface OaMessage {
  role: 'system' | 'developer' | 'user' | 'assistant' | 'tool' | 'function';
  content?: string | OaContentPart[] | null;
  name?: string;
  tool_calls?: OaToolCall[];
  tool_call_id?: string;
  refusal?: string | null;
  /** The model's reasoning text (DeepSeek, vLLM; an Anthropic client's thinking blocks on a translated request). */
  reasoning_content?: string | null;
  /** Claude's thinking blocks, signed, a Responses client sent back (see SIGNED_THINKING). */
  [SIGNED_THINKING]?: SignedThinkingBlock[];
}

export interface OaTool {
  type: 'function';
  function: { name: string; description?: string; parameters?: Record<string, unknown>; strict?: boolean };
}

export type OaToolChoice = 'auto' | 'none' | 'required' | { type: 'function'; function: { name: string } };

export interface OaChatRequest {
  model: string;
  messages: OaMessage[];
  stream?: boolean;
  stream_options?: { include_usage?: boolean } | null;
  max_tokens?: number | null;
  max_completion_tokens?: number | null;
  temperature?: number | null;
  top_p?: number | null;
  stop?: string | string[] | null;
  tools?: OaTool[];
  tool_choice?: OaToolChoice;
  parallel_tool_calls?: boolean;
  user?: string;
  response_format?: {
    type: string;
    json_schema?: { name?: string; description?: string; schema?: Record<string, unknown>; strict?: boolean };
  };
  n?: number;
  seed?: number;
  [k: string]: unknown;
}

export type OaFinishReason = 'stop' | 'length' | 'tool_calls' | 'content_filter' | 'function_call';

/**
 * On a pivot choice (whole or streamed): the upstream's own stop reason where the pivot's finish_reason says less
 * than a client format can (Bedrock's model_context_window_exceeded is "length" in the pivot, and Anthropic's own stop
 * reason for an Anthropic-format client). A symbol key: JSON never carries it, so a client of the pivot's own format
 * never sees it.
 */
export const UPSTREAM_STOP: unique symbol = Symbol('upstream stop reason');

/**
 * On a pivot choice (whole or streamed): the stop sequence the answer stopped on, where the upstream says which in a
 * field of its own (Bedrock's `additionalModelResponseFields.stop_sequence`). A symbol key, as UPSTREAM_STOP.
 */
export const STOP_SEQUENCE: unique symbol = Symbol('matched stop sequence');

export interface OaUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  prompt_tokens_details?: { cached_tokens?: number };
  completion_tokens_details?: { reasoning_tokens?: number };
  /** What it bills beyond its tokens (Claude's cache writes and web searches); never sent to a client (a symbol key). */
  [BILLED_EXTRAS]?: BilledExtras;
}

export interface OaChatResponse {
  id: string;
  object: 'chat.completion';
  created: number;
  model: string;
  choices: Array<{
    index: number;
    message: {
      role: 'assistant';
      content: string | null;
      tool_calls?: OaToolCall[];
      refusal?: string | null;
      /** The model's reasoning (see REASONING_FIELDS): Claude's thinking on a translated answer. */
      reasoning_content?: string | null;
      /** Claude's thinking blocks, signed (see SIGNED_THINKING). */
      [SIGNED_THINKING]?: SignedThinkingBlock[];
    };
    finish_reason: OaFinishReason | null;
    logprobs?: unknown;
    [UPSTREAM_STOP]?: string;
    [STOP_SEQUENCE]?: string;
  }>;
  usage?: OaUsage;
  system_fingerprint?: string | null;
}

export interface OaToolCallDelta {
  index: number;
  id?: string;
  type?: 'function';
  function?: { name?: string; arguments?: string };
}

export interface OaChunk {
  id: string;
  object: 'chat.completion.chunk';
  created: number;
  model: string;
  choices: Array<{
    index: number;
    delta: {
      role?: 'assistant';
      content?: string | null;
      tool_calls?: OaToolCallDelta[];
      refusal?: string | null;
      /** The model's reasoning, streamed (see REASONING_FIELDS). */
      reasoning_content?: string | null;
      /** Claude's thinking blocks complete with this delta, signed (see SIGNED_THINKING). */
      [SIGNED_THINKING]?: SignedThinkingBlock[];
    };
    finish_reason: OaFinishReason | null;
    logprobs?: unknown;
    [UPSTREAM_STOP]?: string;
    [STOP_SEQUENCE]?: string;
  }>;
  usage?: OaUsage | null;
}

// ---------- Anthropic messages ----------

export interface AnTextBlock {
  type: 'text';
  text: string;
  cache_control?: unknown;
}
export interface AnImageBlock {
  type: 'image';
  source: { type: 'base64'; media_type: string; data: string } | { type: 'url'; url: string };
}
export interface AnToolUseBlock {
  type: 'tool_use';
  id: string;
  name: string;
  input: unknown;
}
export interface AnToolResultBlock {
  type: 'tool_result';
  tool_use_id: string;
  content?: string | Array<AnTextBlock | AnImageBlock>;
  is_error?: boolean;
}
export interface AnThinkingBlock {
  type: 'thinking';
  thinking: string;
  signature?: string;
}
export type AnBlock =
  | AnTextBlock
  | AnImageBlock
  | AnToolUseBlock
  | AnToolResultBlock
  | AnThinkingBlock
  | { type: string; [k: string]: unknown };

export interface AnMessage {
  role: 'user' | 'assistant';
  content: string | AnBlock[];
}

export interface AnTool {
  name: string;
  description?: string;
  input_schema: Record<string, unknown>;
  type?: string;
}

/** Anthropic's server-side web search tool (run and billed by Anthropic; the organization must have it enabled). */
export interface AnWebSearchTool {
  type: 'web_search_20250305';
  name: 'web_search';
  max_uses?: number;
  allowed_domains?: string[];
  user_location?: {
    type: 'approximate';
    city?: string;
    region?: string;
    country?: string;
    timezone?: string;
  };
}

export type AnToolChoice =
  | { type: 'auto'; disable_parallel_tool_use?: boolean }
  | { type: 'any'; disable_parallel_tool_use?: boolean }
  | { type: 'tool'; name: string; disable_parallel_tool_use?: boolean }
  | { type: 'none' };

export interface AnRequest {
  model: string;
  messages: AnMessage[];
  system?: string | AnTextBlock[];
  max_tokens?: number;
  stream?: boolean;
  temperature?: number;
  top_p?: number;
  top_k?: number;
  stop_sequences?: string[];
  tools?: AnTool[];
  tool_choice?: AnToolChoice;
  metadata?: { user_id?: string };
  [k: string]: unknown;
}

export type AnStopReason =
  | 'end_turn'
  | 'max_tokens'
  | 'stop_sequence'
  | 'tool_use'
  | 'pause_turn'
  | 'refusal'
  | 'model_context_window_exceeded';

export interface AnUsage {
  input_tokens: number;
  output_tokens: number;
  cache_read_input_tokens?: number | null;
  cache_creation_input_tokens?: number | null;
  /** The cache writes by lifetime (Anthropic's API; absent from older answers). */
  cache_creation?: {
    ephemeral_5m_input_tokens?: number | null;
    ephemeral_1h_input_tokens?: number | null;
  } | null;
  /** Claude's server-side tools that ran (web search, billed per search). */
  server_tool_use?: { web_search_requests?: number | null } | null;
}

export interface AnResponse {
  id: string;
  type: 'message';
  role: 'assistant';
  model: string;
  content: AnBlock[];
  stop_reason: AnStopReason | null;
  stop_sequence: string | null;
  usage: AnUsage;
}
