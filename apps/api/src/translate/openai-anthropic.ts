/**
 * OpenAI chat completions <-> Anthropic messages: requests and (non-stream) responses.
 */
import { createHash } from 'node:crypto';
import { parseDataUrl, parseToolArguments } from './shared.js';
import type {
  AnBlock,
  AnImageBlock,
  AnMessage,
  AnRequest,
  AnResponse,
  AnStopReason,
  AnTextBlock,
  AnTool,
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

/** Anthropic requires max_tokens; used when the OpenAI request sets none and the registry knows no max output. */
export const DEFAULT_MAX_TOKENS = 4096;

/** The max_tokens to send when the client set none: the model's max output from the registry, else the default. */
export function defaultMaxTokensFor(maxOutputTokens: number | null | undefined): number {
  return typeof maxOutputTokens === 'number' && Number.isInteger(maxOutputTokens) && maxOutputTokens > 0
    ? maxOutputTokens
    : DEFAULT_MAX_TOKENS;
}

// ---------- stop reasons ----------

export const ANTHROPIC_TO_OPENAI_STOP: Record<AnStopReason, OaFinishReason> = {
  end_turn: 'stop',
  stop_sequence: 'stop',
  pause_turn: 'stop',
  max_tokens: 'length',
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

export function openaiStopToAnthropic(r: string | null | undefined): AnStopReason | null {
  if (!r) return null;
  return OPENAI_TO_ANTHROPIC_STOP[r as OaFinishReason] ?? 'end_turn';
}

// ---------- usage ----------

export function anthropicUsageToOpenai(u: Partial<AnUsage> | undefined | null): OaUsage {
  const cached = u?.cache_read_input_tokens ?? 0;
  const created = u?.cache_creation_input_tokens ?? 0;
  const prompt = (u?.input_tokens ?? 0) + cached + created;
  const completion = u?.output_tokens ?? 0;
  const out: OaUsage = {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
  };
  if (cached) out.prompt_tokens_details = { cached_tokens: cached };
  return out;
}

export function openaiUsageToAnthropic(u: Partial<OaUsage> | undefined | null): AnUsage {
  const cached = u?.prompt_tokens_details?.cached_tokens ?? 0;
  return {
    input_tokens: Math.max(0, (u?.prompt_tokens ?? 0) - cached),
    output_tokens: u?.completion_tokens ?? 0,
    cache_read_input_tokens: cached,
    cache_creation_input_tokens: 0,
  };
}

// ---------- images ----------

export function imageUrlToAnthropic(url: string): AnImageBlock {
  const img = parseDataUrl(url);
  if (img) return { type: 'image', source: { type: 'base64', media_type: img.mime, data: img.data } };
  return { type: 'image', source: { type: 'url', url } };
}

export function anthropicImageToUrl(b: AnImageBlock): string {
  return b.source.type === 'base64' ? `data:${b.source.media_type};base64,${b.source.data}` : b.source.url;
}

// ---------- OpenAI request -> Anthropic request ----------

function textOf(content: OaMessage['content']): string {
  if (content == null) return '';
  if (typeof content === 'string') return content;
  return content
    .map((p) =>
      p.type === 'text' && typeof (p as { text?: unknown }).text === 'string'
        ? (p as { text: string }).text
        : '',
    )
    .join('');
}

function oaPartsToAnthropic(content: OaMessage['content']): AnBlock[] {
  if (content == null) return [];
  if (typeof content === 'string') return content ? [{ type: 'text', text: content }] : [];
  const out: AnBlock[] = [];
  for (const p of content as OaContentPart[]) {
    if (p.type === 'text') out.push({ type: 'text', text: String((p as { text: unknown }).text ?? '') });
    else if (p.type === 'image_url') {
      const iu = (p as { image_url: { url: string } | string }).image_url;
      out.push(imageUrlToAnthropic(typeof iu === 'string' ? iu : iu.url));
    }
  }
  return out;
}

function pushMessage(out: AnMessage[], role: 'user' | 'assistant', blocks: AnBlock[]): void {
  if (blocks.length === 0) return;
  const last = out[out.length - 1];
  if (last && last.role === role) {
    const prev =
      typeof last.content === 'string' ? [{ type: 'text', text: last.content } as AnTextBlock] : last.content;
    if (role === 'user' && blocks[0]?.type === 'tool_result') {
      // tool_result blocks come first in a user turn, in the order the tool messages came (parallel results
      // answer the assistant's tool_use blocks in order)
      let i = 0;
      while (i < prev.length && prev[i]!.type === 'tool_result') i++;
      last.content = [...prev.slice(0, i), ...blocks, ...prev.slice(i)];
    } else last.content = [...prev, ...blocks];
    return;
  }
  out.push({ role, content: blocks });
}

export function toolChoiceOpenaiToAnthropic(
  tc: OaToolChoice | undefined,
  parallel?: boolean,
): AnToolChoice | undefined {
  let out: AnToolChoice | undefined;
  if (tc === undefined) out = parallel === false ? { type: 'auto' } : undefined;
  else if (tc === 'auto') out = { type: 'auto' };
  else if (tc === 'required') out = { type: 'any' };
  else if (tc === 'none') out = { type: 'none' };
  else if (tc !== null && typeof tc === 'object' && tc.function?.name)
    out = { type: 'tool', name: tc.function.name };
  if (out && parallel === false && out.type !== 'none') out.disable_parallel_tool_use = true;
  return out;
}

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

// ---------- JSON response formats through a forced tool ----------

/** The forced tool's name when the json_schema has no usable name, and for json_object. */
export const JSON_TOOL_DEFAULT = 'json_response';
const TOOL_NAME = /^[a-zA-Z0-9_-]{1,64}$/;

/**
 * The tool that carries a JSON response format to Anthropic, which has no response_format: a `json_schema`
 * becomes a tool named after the schema with the schema as its input_schema, `json_object` a tool that takes any
 * object; the request forces it (`tool_choice: {type:"tool"}`), so the model's answer is that tool's input, which
 * the response translation turns back into the message content. Null when the request asks for no JSON format,
 * or sends its own tools too (a forced tool would keep the model from calling them: routing never sends such a
 * request to a provider that needs this emulation).
 */
export function jsonResponseTool(req: Pick<OaChatRequest, 'response_format' | 'tools'>): AnTool | null {
  const rf = req.response_format;
  if (!rf || (rf.type !== 'json_schema' && rf.type !== 'json_object') || req.tools?.length) return null;
  if (rf.type === 'json_object') {
    return {
      name: JSON_TOOL_DEFAULT,
      description: "Give your answer as this tool's input: a JSON object.",
      input_schema: { type: 'object', additionalProperties: true },
    };
  }
  const js = rf.json_schema;
  const name = typeof js?.name === 'string' && TOOL_NAME.test(js.name) ? js.name : JSON_TOOL_DEFAULT;
  const description =
    typeof js?.description === 'string' && js.description
      ? js.description
      : "Give your answer as this tool's input: JSON that follows its schema.";
  const schema =
    js?.schema && typeof js.schema === 'object' && !Array.isArray(js.schema)
      ? js.schema
      : { type: 'object', additionalProperties: true };
  return { name, description, input_schema: schema };
}

/** OpenAI chat request -> Anthropic messages request. */
export function openaiChatToAnthropicRequest(
  req: OaChatRequest,
  model: string = req.model,
  defaultMaxTokens: number = DEFAULT_MAX_TOKENS,
): AnRequest {
  const system: string[] = [];
  const messages: AnMessage[] = [];
  for (const m of req.messages ?? []) {
    switch (m.role) {
      case 'system':
      case 'developer':
        system.push(textOf(m.content));
        break;
      case 'user':
        pushMessage(messages, 'user', oaPartsToAnthropic(m.content));
        break;
      case 'assistant': {
        const blocks = oaPartsToAnthropic(m.content);
        for (const tc of m.tool_calls ?? []) {
          if (!tc.function) continue; // a custom tool call: Anthropic has no equivalent
          blocks.push({
            type: 'tool_use',
            id: tc.id,
            name: tc.function.name,
            input: parseToolArguments(tc.function.arguments),
          } as AnToolUseBlock);
        }
        pushMessage(messages, 'assistant', blocks);
        break;
      }
      case 'tool':
      case 'function': {
        const parts = oaPartsToAnthropic(m.content);
        const block: AnToolResultBlock = {
          type: 'tool_result',
          tool_use_id: m.tool_call_id ?? m.name ?? '',
          content:
            parts.length === 1 && parts[0]!.type === 'text'
              ? (parts[0] as AnTextBlock).text
              : (parts as Array<AnTextBlock | AnImageBlock>),
        };
        pushMessage(messages, 'user', [block]);
        break;
      }
    }
  }
  const out: AnRequest = {
    model,
    messages,
    max_tokens: req.max_completion_tokens ?? req.max_tokens ?? defaultMaxTokens,
  };
  if (system.length) out.system = system.join('\n\n');
  if (req.stream) out.stream = true;
  if (typeof req.temperature === 'number') out.temperature = Math.min(1, Math.max(0, req.temperature));
  if (typeof req.top_p === 'number') out.top_p = req.top_p;
  if (req.stop != null) out.stop_sequences = Array.isArray(req.stop) ? req.stop : [req.stop];
  if (req.tools?.length) {
    out.tools = req.tools
      .filter((t) => t.type === 'function')
      .map((t) => ({
        name: t.function.name,
        ...(t.function.description ? { description: t.function.description } : {}),
        input_schema: t.function.parameters ?? { type: 'object', properties: {} },
      }));
    const tc = toolChoiceOpenaiToAnthropic(req.tool_choice, req.parallel_tool_calls);
    if (tc) out.tool_choice = tc;
  }
  const jsonTool = req.response_format ? jsonResponseTool(req) : null;
  if (jsonTool) {
    out.tools = [jsonTool];
    out.tool_choice = { type: 'tool', name: jsonTool.name };
  }
  if (req.user) out.metadata = { user_id: req.user };
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
    else if (b.type === 'image')
      out.push({ type: 'image_url', image_url: { url: anthropicImageToUrl(b as AnImageBlock) } });
  }
  return out;
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
        if (tr.is_error && typeof content === 'string') content = `Error: ${content}`;
        messages.push({ role: 'tool', tool_call_id: tr.tool_use_id, content });
      }
      const parts = anBlocksToOaParts(rest);
      if (parts.length) messages.push({ role: 'user', content: simplify(parts) });
    } else {
      const text = anTextOf(m.content);
      const calls: OaToolCall[] = [];
      for (const b of m.content) {
        if (b.type === 'tool_use') {
          const tu = b as AnToolUseBlock;
          calls.push({
            id: tu.id,
            type: 'function',
            function: { name: tu.name, arguments: JSON.stringify(tu.input ?? {}) },
          });
        }
      }
      const msg: OaMessage = { role: 'assistant', content: text || (calls.length ? null : '') };
      if (calls.length) msg.tool_calls = calls;
      callOrder = new Map(calls.map((c, i) => [c.id, i]));
      messages.push(msg);
    }
  }
  const out: OaChatRequest = { model, messages };
  if (req.max_tokens != null) out.max_tokens = req.max_tokens;
  if (req.stream) out.stream = true;
  if (typeof req.temperature === 'number') out.temperature = req.temperature;
  if (typeof req.top_p === 'number') out.top_p = req.top_p;
  if (req.stop_sequences?.length) out.stop = req.stop_sequences;
  if (req.tools?.length) {
    out.tools = req.tools
      .filter((t) => !t.type || t.type === 'custom' || t.input_schema)
      .map((t) => ({
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
  return out;
}

// ---------- responses ----------

/**
 * Anthropic message response -> OpenAI chat completion. With `jsonTool` (the request carried a JSON response
 * format as that forced tool) the tool's input is the message content, as JSON text, and the turn ends with `stop`.
 */
export function anthropicToOpenaiChatResponse(
  res: AnResponse,
  created: number = Math.floor(Date.now() / 1000),
  jsonTool?: string,
): OaChatResponse {
  let text = '';
  let json = false;
  const calls: OaToolCall[] = [];
  for (const b of res.content ?? []) {
    if (b.type === 'text') text += (b as AnTextBlock).text;
    else if (b.type === 'tool_use') {
      const tu = b as AnToolUseBlock;
      if (jsonTool !== undefined && tu.name === jsonTool) {
        // The answer is the tool input alone: text the model wrote before it is not part of the JSON.
        text = JSON.stringify(tu.input ?? {});
        json = true;
        continue;
      }
      calls.push({
        id: tu.id,
        type: 'function',
        function: { name: tu.name, arguments: JSON.stringify(tu.input ?? {}) },
      });
    }
  }
  const message: OaChatResponse['choices'][number]['message'] = {
    role: 'assistant',
    content: text || (calls.length ? null : ''),
  };
  if (calls.length) message.tool_calls = calls;
  if (res.stop_reason === 'refusal') message.refusal = text || 'refused';
  return {
    id: res.id?.startsWith('msg_') ? `chatcmpl-${res.id.slice(4)}` : `chatcmpl-${res.id ?? 'x'}`,
    object: 'chat.completion',
    created,
    model: res.model,
    choices: [
      {
        index: 0,
        message,
        finish_reason:
          json && res.stop_reason === 'tool_use'
            ? 'stop'
            : (anthropicStopToOpenai(res.stop_reason) ?? 'stop'),
        logprobs: null,
      },
    ],
    usage: anthropicUsageToOpenai(res.usage),
  };
}

/** OpenAI chat completion -> Anthropic message response. */
export function openaiToAnthropicResponse(res: OaChatResponse, model: string = res.model): AnResponse {
  const choice = res.choices?.[0];
  const content: AnBlock[] = [];
  const msg = choice?.message;
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
  return {
    id: id.startsWith('msg_') ? id : `msg_${id.replace(/^chatcmpl-/, '')}`,
    type: 'message',
    role: 'assistant',
    model,
    content,
    stop_reason: openaiStopToAnthropic(choice?.finish_reason ?? 'stop'),
    stop_sequence: null,
    usage: openaiUsageToAnthropic(res.usage),
  };
}
