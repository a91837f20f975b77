/**
 * The Anthropic Messages client format: its request as the OpenAI chat pivot, the pivot's answer as a Messages
 * response, and the stop-reason and usage vocabulary both directions share (the Anthropic upstream protocol,
 * `providers/anthropic/`, reuses the tables). The streamed answer is `messages-stream.ts`.
 */
import { createHash } from 'node:crypto';
import {
  anthropicThinkingBlocks,
  anthropicThinkingToPivot,
  clientSignedThinking,
  reasoningOf,
} from './reasoning.js';
import { SIGNED_THINKING, signedThinkingOn, type SignedThinkingBlock } from './signed-thinking.js';
import { chatFilePart, fileByIdRefusal, parseToolArguments } from './shared.js';
import {
  anthropicExtras,
  BILLED_EXTRAS,
  isFigure,
  openaiCachedTokens,
  tokenFigure,
} from './usage-figures.js';
import type {
  AnBlock,
  AnImageBlock,
  AnRequest,
  AnResponse,
  AnStopReason,
  AnTextBlock,
  AnToolChoice,
  AnToolResultBlock,
  AnToolUseBlock,
  AnUsage,
  OaChatRequest,
  OaChatResponse,
  OaContentPart,
  OaFinishReason,
  OaMessage,
  OaToolCall,
  OaToolChoice,
  OaUsage,
} from './wire-types.js';
import { STOP_SEQUENCE, UPSTREAM_STOP } from './wire-types.js';

// ---------- stop reasons ----------

/**
 * `pause_turn` (a server-tool turn Anthropic paused, to be sent back to continue) has no chat equivalent: the answer
 * so far ends as a finished one. `model_context_window_exceeded` (newer models: the output ran into the context
 * window) is a cut answer, as `max_tokens` is.
 */
export const ANTHROPIC_TO_OPENAI_STOP: Record<AnStopReason, OaFinishReason> = {
  end_turn: 'stop',
  stop_sequence: 'stop',
  pause_turn: 'stop',
  max_tokens: 'length',
  model_context_window_exceeded: 'length',
  tool_use: 'tool_calls',
  refusal: 'content_filter',
};

export const OPENAI_TO_ANTHROPIC_STOP: Record<OaFinishReason, AnStopReason> = {
  stop: 'end_turn',
  length: 'max_tokens',
  tool_calls: 'tool_use',
  function_call: 'tool_use',
  content_filter: 'refusal',
};

export function anthropicStopToOpenai(r: string | null | undefined): OaFinishReason | null {
  if (!r) return null;
  return ANTHROPIC_TO_OPENAI_STOP[r as AnStopReason] ?? 'stop';
}

/**
 * An OpenAI finish reason as Anthropic's. `toolCalls`: the answer carries tool calls. OpenAI ends a forced tool choice
 * (`required` or a named function, what Anthropic's `any` / `tool` become) with "stop", not "tool_calls", and so do
 * some compatible servers; Anthropic clients run the tools only on `tool_use`, so such an answer stops with that.
 * `upstream`: the upstream's own stop reason the pivot carried (see UPSTREAM_STOP); when it is an Anthropic stop
 * reason that this finish reason stands for (Bedrock's model_context_window_exceeded, "length"), it is the answer's.
 */
export function openaiStopToAnthropic(
  r: string | null | undefined,
  toolCalls = false,
  upstream?: string,
): AnStopReason | null {
  if (!r) return null;
  if (toolCalls && r === 'stop') return 'tool_use';
  if (upstream !== undefined && Object.hasOwn(ANTHROPIC_TO_OPENAI_STOP, upstream)) {
    if (ANTHROPIC_TO_OPENAI_STOP[upstream as AnStopReason] === r) return upstream as AnStopReason;
  }
  return OPENAI_TO_ANTHROPIC_STOP[r as OaFinishReason] ?? 'end_turn';
}

/**
 * The stop sequence an answer says it stopped on, when it is one the client asked for: OpenAI's own API does not say
 * (its "stop" is the same for an end of turn and a stop sequence), but vLLM gives the matched string as the choice's
 * `stop_reason`, SGLang as `matched_stop`, and Bedrock for Claude in a field of its own (STOP_SEQUENCE). An upstream
 * that says only that a stop sequence ended the answer (Bedrock's stop reason `stop_sequence`, UPSTREAM_STOP) stopped
 * on the client's one when it asked for one. Null when the upstream does not say (Gemini: its finishReason is STOP
 * either way, and the sequence is not in the text).
 */
export function matchedStopSequence(choice: unknown, stopSequences: unknown): string | null {
  if (!choice || typeof choice !== 'object' || !Array.isArray(stopSequences)) return null;
  const c = choice as Record<string | symbol, unknown>;
  if (c.finish_reason !== 'stop') return null;
  for (const field of [STOP_SEQUENCE, 'stop_reason', 'matched_stop']) {
    const v = c[field];
    if (typeof v === 'string' && stopSequences.includes(v)) return v;
  }
  if (
    c[UPSTREAM_STOP] === 'stop_sequence' &&
    stopSequences.length === 1 &&
    typeof stopSequences[0] === 'string'
  )
    return stopSequences[0];
  return null;
}

// ---------- usage ----------

export function anthropicUsageToOpenai(u: Partial<AnUsage> | undefined | null): OaUsage {
  // Each figure read by `tokenFigure`: a bad one (negative, not a number) must not lower or poison the sums. Without
  // a readable input_tokens the prompt is unknown (0), not the cache figures alone.
  const cached = tokenFigure(u?.cache_read_input_tokens);
  const created = tokenFigure(u?.cache_creation_input_tokens);
  const prompt = isFigure(u?.input_tokens) ? tokenFigure(u.input_tokens) + cached + created : 0;
  const completion = tokenFigure(u?.output_tokens);
  const out: OaUsage = {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
  };
  if (cached) out.prompt_tokens_details = { cached_tokens: cached };
  // Claude's cache writes and web searches, billed beyond the tokens (carried for billing only, see BILLED_EXTRAS).
  const extras = anthropicExtras(u);
  if (extras) out[BILLED_EXTRAS] = extras;
  return out;
}

export function openaiUsageToAnthropic(u: Partial<OaUsage> | undefined | null): AnUsage {
  const cached = openaiCachedTokens(u);
  return {
    input_tokens: Math.max(0, (u?.prompt_tokens ?? 0) - cached),
    output_tokens: u?.completion_tokens ?? 0,
    cache_read_input_tokens: cached,
    cache_creation_input_tokens: 0,
  };
}

// ---------- images ----------

export function anthropicImageToUrl(b: AnImageBlock): string {
  return b.source.type === 'base64' ? `data:${b.source.media_type};base64,${b.source.data}` : b.source.url;
}

// ---------- tool choice ----------

export function toolChoiceAnthropicToOpenai(tc: AnToolChoice | undefined): {
  tool_choice?: OaToolChoice;
  parallel_tool_calls?: boolean;
} {
  if (!tc) return {};
  const out: { tool_choice?: OaToolChoice; parallel_tool_calls?: boolean } = {};
  if (tc.type === 'auto') out.tool_choice = 'auto';
  else if (tc.type === 'any') out.tool_choice = 'required';
  else if (tc.type === 'none') out.tool_choice = 'none';
  else if (tc.type === 'tool') out.tool_choice = { type: 'function', function: { name: tc.name } };
  if ('disable_parallel_tool_use' in tc && tc.disable_parallel_tool_use) out.parallel_tool_calls = false;
  return out;
}

// ---------- Anthropic request -> OpenAI request ----------

function anTextOf(content: string | AnBlock[] | undefined, separator = ''): string {
  if (content == null) return '';
  if (typeof content === 'string') return content;
  const texts: string[] = [];
  for (const b of content)
    if (b.type === 'text' && (b as AnTextBlock).text) texts.push((b as AnTextBlock).text);
  return texts.join(separator);
}

/** How system text blocks are joined into one OpenAI system message (blocks are paragraphs, not fragments). */
export const SYSTEM_BLOCK_SEPARATOR = '\n\n';

/** OpenAI caps `user` at 64 characters. */
export const OPENAI_USER_MAX = 64;

/**
 * Anthropic `metadata.user_id` as an OpenAI `user`: kept when it fits, else a stable digest of it (Claude Code
 * sends ~150 characters), so one end user still maps to one id upstream.
 */
export function openaiUserOf(userId: string): string {
  if (userId.length <= OPENAI_USER_MAX) return userId;
  return `u-${createHash('sha256')
    .update(userId)
    .digest('hex')
    .slice(0, OPENAI_USER_MAX - 2)}`;
}

function anBlocksToOaParts(blocks: AnBlock[]): OaContentPart[] {
  const out: OaContentPart[] = [];
  for (const b of blocks) {
    if (b.type === 'text') out.push({ type: 'text', text: (b as AnTextBlock).text });
    else if (b.type === 'image') {
      if ((b as { source?: { type?: unknown } }).source?.type === 'file') throw fileByIdRefusal('Anthropic');
      out.push({ type: 'image_url', image_url: { url: anthropicImageToUrl(b as AnImageBlock) } });
    } else if (b.type === 'document') out.push(...anDocumentToOaParts(b));
  }
  return out;
}

/**
 * An Anthropic document block in chat parts: base64 data (a PDF) as a `file` part (its title the file name), a text
 * source or content blocks as their text, a URL (which chat cannot fetch for a file) named in a text part.
 */
function anDocumentToOaParts(b: AnBlock): OaContentPart[] {
  const doc = b as { source?: Record<string, unknown>; title?: unknown };
  const src = doc.source ?? {};
  const title = typeof doc.title === 'string' && doc.title ? doc.title : undefined;
  if (src.type === 'base64' && typeof src.data === 'string')
    return [
      chatFilePart(typeof src.media_type === 'string' ? src.media_type : 'application/pdf', src.data, title),
    ];
  const heading = title ? `${title}\n\n` : '';
  if (src.type === 'text' && typeof src.data === 'string')
    return [{ type: 'text', text: heading + src.data }];
  if (src.type === 'content') {
    const text =
      typeof src.content === 'string'
        ? src.content
        : anTextOf(Array.isArray(src.content) ? (src.content as AnBlock[]) : [], SYSTEM_BLOCK_SEPARATOR);
    return text ? [{ type: 'text', text: heading + text }] : [];
  }
  if (src.type === 'url' && typeof src.url === 'string')
    return [{ type: 'text', text: `[document${title ? ` "${title}"` : ''}: ${src.url}]` }];
  // A file uploaded to Anthropic's Files API: no other provider reads it.
  if (src.type === 'file') throw fileByIdRefusal('Anthropic');
  return [];
}

function simplify(parts: OaContentPart[]): string | OaContentPart[] {
  if (parts.every((p) => p.type === 'text')) return parts.map((p) => (p as { text: string }).text).join('');
  return parts;
}

/** Anthropic messages request -> OpenAI chat request. */
export function anthropicToOpenaiChatRequest(req: AnRequest, model: string = req.model): OaChatRequest {
  const messages: OaMessage[] = [];
  if (req.system) {
    const s = anTextOf(req.system, SYSTEM_BLOCK_SEPARATOR);
    if (s) messages.push({ role: 'system', content: s });
  }
  // Where each tool call of the last assistant turn stands, to put its results back in that order (below).
  let callOrder = new Map<string, number>();
  for (const m of req.messages ?? []) {
    // A system-role message inside messages[] (sent by agents with a beta) stays a system message.
    if ((m.role as string) === 'system') {
      const s = anTextOf(m.content, SYSTEM_BLOCK_SEPARATOR);
      if (s) messages.push({ role: 'system', content: s });
      continue;
    }
    if (typeof m.content === 'string') {
      messages.push({ role: m.role, content: m.content });
      continue;
    }
    if (m.role === 'user') {
      const rest: AnBlock[] = [];
      const results: AnToolResultBlock[] = [];
      for (const b of m.content) {
        if (b.type === 'tool_result') results.push(b as AnToolResultBlock);
        else rest.push(b);
      }
      // An agent running parallel tools may send their results in the order they finished (Claude Code does);
      // Anthropic pairs them by id, but chat templates behind OpenAI-compatible upstreams often pair tool messages
      // with the calls by position. So the tool messages follow the calls' order (unknown ids last, as they came).
      const rank = (tr: AnToolResultBlock) => callOrder.get(tr.tool_use_id) ?? Number.MAX_SAFE_INTEGER;
      if (results.length > 1) results.sort((a, b) => rank(a) - rank(b));
      for (const tr of results) {
        let content: string | OaContentPart[] =
          typeof tr.content === 'string' ? tr.content : simplify(anBlocksToOaParts(tr.content ?? []));
        if (tr.is_error)
          content =
            typeof content === 'string'
              ? `Error: ${content}`
              : [{ type: 'text', text: 'Error: ' }, ...content];
        messages.push({ role: 'tool', tool_call_id: tr.tool_use_id, content });
      }
      const parts = anBlocksToOaParts(rest);
      if (parts.length) messages.push({ role: 'user', content: simplify(parts) });
    } else {
      const text = anTextOf(m.content);
      const calls: OaToolCall[] = [];
      let reasoning = '';
      const signed: SignedThinkingBlock[] = [];
      for (const b of m.content) {
        // Claude's own blocks, signed, beside it (see SIGNED_THINKING), with where they were signed (see
        // BEDROCK_THINKING_MARK): only a Claude upstream reads them, and only those it signed itself.
        const own = clientSignedThinking(b);
        if (own) signed.push(own);
        // The turn's thinking as its reasoning: upstreams that reason in the open want it back (DeepSeek refuses a
        // tool loop without it); an OpenAI model is not sent it (see the OpenAI-compatible adapter).
        if (b.type === 'thinking' && typeof (b as { thinking?: unknown }).thinking === 'string')
          reasoning += (b as { thinking: string }).thinking;
        else if (b.type === 'tool_use') {
          const tu = b as AnToolUseBlock;
          calls.push({
            id: tu.id,
            type: 'function',
            function: { name: tu.name, arguments: JSON.stringify(tu.input ?? {}) },
          });
        }
      }
      const msg: OaMessage = { role: 'assistant', content: text || (calls.length ? null : '') };
      if (reasoning) msg.reasoning_content = reasoning;
      if (signed.length) msg[SIGNED_THINKING] = signed;
      if (calls.length) msg.tool_calls = calls;
      callOrder = new Map(calls.map((c, i) => [c.id, i]));
      messages.push(msg);
    }
  }
  const out: OaChatRequest = { model, messages };
  // The chat field every OpenAI model takes (its reasoning models reject `max_tokens`); the OpenAI-compatible
  // adapter sends it as `max_tokens` to vendors that document only that.
  if (req.max_tokens != null) out.max_completion_tokens = req.max_tokens;
  if (req.stream) out.stream = true;
  if (typeof req.temperature === 'number') out.temperature = req.temperature;
  if (typeof req.top_p === 'number') out.top_p = req.top_p;
  if (req.stop_sequences?.length) out.stop = req.stop_sequences;
  // Anthropic's server tools (web search, code execution…) have no chat equivalent and are left out; OpenAI rejects
  // an empty tools array, and a tool_choice without tools, so neither goes when no function tool is left.
  const functions = (req.tools ?? []).filter((t) => !t.type || t.type === 'custom' || t.input_schema);
  if (functions.length) {
    out.tools = functions.map((t) => ({
      type: 'function' as const,
      function: {
        name: t.name,
        ...(t.description ? { description: t.description } : {}),
        parameters: t.input_schema ?? { type: 'object', properties: {} },
      },
    }));
    Object.assign(out, toolChoiceAnthropicToOpenai(req.tool_choice));
  }
  if (typeof req.metadata?.user_id === 'string' && req.metadata.user_id)
    out.user = openaiUserOf(req.metadata.user_id);
  // Thinking as a reasoning effort (and its budget, for the upstreams that take one).
  anthropicThinkingToPivot(req.thinking, out, req.output_config);
  return out;
}

/** OpenAI chat completion -> Anthropic message response. */
export function openaiToAnthropicResponse(
  res: OaChatResponse,
  model: string = res.model,
  stopSequences?: unknown,
): AnResponse {
  const choice = res.choices?.[0];
  const content: AnBlock[] = [];
  const msg = choice?.message;
  // The upstream's reasoning as thinking blocks before the answer, as Claude gives them: Claude's (on Bedrock) with its
  // signatures, so the client can give them back; another vendor's unsigned. The pivot's message keeps no order
  // between its reasoning, text and tool calls: Claude's interleaved thinking (a block between two tool calls) comes
  // first here; a streamed answer keeps the order.
  content.push(...anthropicThinkingBlocks(reasoningOf(msg), signedThinkingOn(msg)));
  const text = typeof msg?.content === 'string' ? msg.content : (msg?.refusal ?? '');
  if (text) content.push({ type: 'text', text });
  for (const tc of msg?.tool_calls ?? []) {
    content.push({
      type: 'tool_use',
      id: tc.id,
      name: tc.function.name,
      input: parseToolArguments(tc.function.arguments),
    } as AnToolUseBlock);
  }
  const id = res.id ?? 'x';
  const matched = (msg?.tool_calls?.length ?? 0) > 0 ? null : matchedStopSequence(choice, stopSequences);
  return {
    id: id.startsWith('msg_') ? id : `msg_${id.replace(/^chatcmpl-/, '')}`,
    type: 'message',
    role: 'assistant',
    model,
    content,
    // An OpenAI refusal (the text in `refusal`, none in `content`) ends with "stop": Anthropic's stop reason for it is
    // "refusal", what its clients check.
    stop_reason: matched
      ? 'stop_sequence'
      : typeof msg?.content !== 'string' &&
          msg?.refusal &&
          !msg.tool_calls?.length &&
          choice?.finish_reason === 'stop'
        ? 'refusal'
        : openaiStopToAnthropic(
            choice?.finish_reason ?? 'stop',
            (msg?.tool_calls?.length ?? 0) > 0,
            choice?.[UPSTREAM_STOP],
          ),
    stop_sequence: matched,
    usage: openaiUsageToAnthropic(res.usage),
  };
}
