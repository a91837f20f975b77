/**
 * Anthropic request encoding: the OpenAI chat pivot as a Messages request (system, images, tools, tool results,
 * JSON response formats through a forced tool), and a Responses client's web search as Anthropic's server tool.
 */
import { DEFAULT_OUTPUT_CAP, outputCap } from '@switchyard/core';
import {
  BEDROCK_THINKING_MARK,
  bedrockMadeThinking,
  claudeThinking,
  claudeThinkingFields,
  THINKING_MIN_TOP_P,
  type ReasoningPivot,
} from '../../translate/reasoning.js';
import { claudeThinkingFacts } from '../model-family.js';
import type { SignedThinkingBlock } from '../../translate/signed-thinking.js';
import { signedThinkingOn } from '../../translate/signed-thinking.js';
import {
  fileByIdRefusal,
  fileIdOf,
  inlineFileOf,
  parseDataUrl,
  parseToolArguments,
  type InlineFile,
} from '../../translate/shared.js';
import type {
  AnBlock,
  AnImageBlock,
  AnMessage,
  AnRequest,
  AnTextBlock,
  AnTool,
  AnToolChoice,
  AnToolResultBlock,
  AnToolUseBlock,
  AnWebSearchTool,
  OaChatRequest,
  OaContentPart,
  OaMessage,
  OaToolChoice,
} from '../../translate/wire-types.js';

type Obj = Record<string, unknown>;

/** Anthropic requires max_tokens; used when the OpenAI request sets none and the registry knows no max output. */
export const DEFAULT_MAX_TOKENS = DEFAULT_OUTPUT_CAP;

/**
 * The max_tokens to send when the client set none: the model's max output from the registry, else the default —
 * core's `outputCap`, the figure the request's budgets and token limits reserved.
 */
export function defaultMaxTokensFor(maxOutputTokens: number | null | undefined): number {
  return outputCap({ maxOutputTokens: maxOutputTokens ?? null }, null);
}

export function imageUrlToAnthropic(url: string): AnImageBlock {
  const img = parseDataUrl(url);
  if (img) return { type: 'image', source: { type: 'base64', media_type: img.mime, data: img.data } };
  return { type: 'image', source: { type: 'url', url } };
}

/**
 * A document (a chat `file` part's inline data) as an Anthropic document block: plain text as a text source, anything
 * else (a PDF) as base64; the file name as its title.
 */
export function fileToAnthropic(f: InlineFile): AnBlock {
  const source =
    f.mime.toLowerCase() === 'text/plain'
      ? { type: 'text', media_type: 'text/plain', data: Buffer.from(f.data, 'base64').toString('utf8') }
      : { type: 'base64', media_type: f.mime, data: f.data };
  return { type: 'document', source, ...(f.filename ? { title: f.filename } : {}) };
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
    // Anthropic refuses an empty text block ("text content blocks must be non-empty"): it carries nothing anyway.
    if (p.type === 'text') {
      const text = String((p as { text: unknown }).text ?? '');
      if (text) out.push({ type: 'text', text });
    } else if (p.type === 'image_url') {
      const iu = (p as { image_url: { url: string } | string }).image_url;
      out.push(imageUrlToAnthropic(typeof iu === 'string' ? iu : iu.url));
    } else if (p.type === 'file') {
      const f = inlineFileOf(p);
      if (f) out.push(fileToAnthropic(f));
      else if (fileIdOf(p) !== null) throw fileByIdRefusal('OpenAI');
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
  baseModel?: string | null,
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
        // Claude's own thinking, signed, a Responses client sent back (see SIGNED_THINKING): first, as Claude wrote it.
        const blocks: AnBlock[] = [
          ...(signedThinkingOn(m, 'anthropic') ?? []).map(thinkingBlock),
          ...oaPartsToAnthropic(m.content),
        ];
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
  // Claude models from Opus 4.1 and Sonnet 4.5 on refuse both together (400 "cannot both be specified"), which
  // OpenAI-format clients often send: temperature goes, top_p only alone (Anthropic advises setting one of them).
  else if (typeof req.top_p === 'number') out.top_p = req.top_p;
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
  withClaudeThinking(out, req, baseModel);
  return out;
}

/**
 * The pivot's reasoning (an OpenAI-format client's effort) as Claude's thinking, in the form the model takes (a budget
 * within the request's output cap, or adaptive thinking and its effort: see claudeThinking; the model is recognised
 * by `baseModel`, else by the request's model id); with it on, the sampling Claude refuses beside thinking is left out
 * (temperature, top_k, a top_p below 0.95).
 */
export function withClaudeThinking(out: AnRequest, req: ReasoningPivot, baseModel?: string | null): void {
  const tc = out.tool_choice?.type;
  const last = out.messages[out.messages.length - 1];
  // A turn continuing a tool call whose assistant turn opens with Claude's own (signed) thinking keeps thinking on.
  const toolTurn =
    last?.role === 'user' &&
    Array.isArray(last.content) &&
    last.content.some((b) => b.type === 'tool_result') &&
    !opensWithThinking(out.messages.findLast((m) => m.role === 'assistant'));
  const t = claudeThinking(req, out.max_tokens ?? DEFAULT_MAX_TOKENS, {
    forcedTool: tc === 'any' || tc === 'tool',
    toolTurn,
    model: claudeThinkingFacts({ modelId: out.model, baseModel }),
  });
  if (!t) {
    withoutThinkingBlocks(out);
    return;
  }
  Object.assign(out, claudeThinkingFields(t));
  if (t.type === 'enabled') out.max_tokens = t.maxTokens;
  delete out.temperature;
  delete out.top_k;
  if (typeof out.top_p === 'number' && out.top_p < THINKING_MIN_TOP_P) delete out.top_p;
}

/** One of Claude's signed blocks as the Messages block it was. */
function thinkingBlock(b: SignedThinkingBlock): AnBlock {
  return b.type === 'thinking'
    ? { type: 'thinking', thinking: b.thinking, signature: b.signature }
    : { type: 'redacted_thinking', data: b.data };
}

const isThinking = (b: AnBlock | undefined): boolean =>
  b?.type === 'thinking' || b?.type === 'redacted_thinking';

/** Whether an assistant turn opens with a thinking block (a translated request's are Claude's own, signed). */
function opensWithThinking(m: AnMessage | undefined): boolean {
  return !!m && Array.isArray(m.content) && isThinking(m.content[0]);
}

/**
 * A translated request sent without thinking loses the thinking blocks restored into it (see SIGNED_THINKING): they
 * are Claude's own, but what it takes back is up to a request that thinks. An assistant turn left empty goes too.
 */
function withoutThinkingBlocks(out: AnRequest): void {
  if (
    !out.messages.some(
      (m) => m.role === 'assistant' && Array.isArray(m.content) && m.content.some(isThinking),
    )
  )
    return;
  out.messages = out.messages
    .map((m) =>
      m.role === 'assistant' && Array.isArray(m.content)
        ? { ...m, content: m.content.filter((b) => !isThinking(b)) }
        : m,
    )
    .filter((m) => typeof m.content === 'string' || m.content.length > 0);
}

// ---------- thinking Anthropic did not sign ----------

const UNSIGNED_MARKS = ['"signature":""', '"signature": ""'];

/**
 * Whether an Anthropic-format body may hold a thinking block with an empty signature (another vendor's reasoning the
 * gateway showed an Anthropic client, sent back with the conversation) or one Claude on Bedrock signed (see
 * BEDROCK_THINKING_MARK): a byte search, so a body without one costs no walk of its messages.
 */
export function mayHoldUnsignedThinking(raw: Buffer): boolean {
  return UNSIGNED_MARKS.some((m) => raw.includes(m)) || raw.includes(BEDROCK_THINKING_MARK);
}

/**
 * An Anthropic-format body without its unsigned thinking blocks (see UNSIGNED_THINKING_SIGNATURE), nor the thinking
 * Claude on Bedrock signed (see BEDROCK_THINKING_MARK): Anthropic refuses a thinking block it did not sign ("Invalid
 * `signature` in `thinking` block"). An assistant turn left empty goes too.
 * When the last assistant turn lost one and calls a tool, the request's thinking goes as well: with thinking on, Claude
 * requires that turn to open with its own thinking block, which it never wrote. Null when nothing was dropped.
 */
export function withoutUnsignedThinking(body: Obj): Obj | null {
  if (!Array.isArray(body.messages)) return null;
  let dropped = false;
  let lastTurnLost = false;
  const messages: unknown[] = [];
  const list = body.messages as unknown[];
  let lastAssistant = -1;
  for (let i = 0; i < list.length; i++) if ((list[i] as Obj | null)?.role === 'assistant') lastAssistant = i;
  for (let i = 0; i < list.length; i++) {
    const m = list[i] as Obj | null;
    if (!m || m.role !== 'assistant' || !Array.isArray(m.content)) {
      messages.push(m);
      continue;
    }
    const content = (m.content as unknown[]).filter(
      (b) =>
        !(b && typeof b === 'object' && (b as Obj).type === 'thinking' && !(b as Obj).signature) &&
        !bedrockMadeThinking(b),
    );
    if (content.length === (m.content as unknown[]).length) {
      messages.push(m);
      continue;
    }
    dropped = true;
    if (i === lastAssistant) lastTurnLost = content.some((b) => (b as Obj | null)?.type === 'tool_use');
    if (content.length) messages.push({ ...m, content });
  }
  if (!dropped) return null;
  const out: Obj = { ...body, messages };
  if (lastTurnLost) delete out.thinking;
  return out;
}

// ---------- web search ----------

/** Built-in Responses web search tools (the types OpenAI has used for it). */
const WEB_SEARCH_TYPES: ReadonlySet<string> = new Set([
  'web_search',
  'web_search_preview',
  'web_search_preview_2025_03_11',
  'web_search_2025_08_26',
]);

/**
 * The Responses request's web search tool as Anthropic's server-side equivalent (allowed domains and the
 * approximate user location carried over), or null when the request has none. Used only for an Anthropic
 * provider whose organization has web search enabled (provider config `webSearch: true`).
 */
export function anthropicWebSearchFor(req: Obj): AnWebSearchTool | null {
  if (!Array.isArray(req.tools)) return null;
  const t = (req.tools as unknown[]).find(
    (x): x is Obj => typeof x === 'object' && x !== null && WEB_SEARCH_TYPES.has(String((x as Obj).type)),
  );
  if (!t) return null;
  const out: AnWebSearchTool = { type: 'web_search_20250305', name: 'web_search' };
  const domains = (t.filters as Obj | undefined)?.allowed_domains;
  if (Array.isArray(domains) && domains.length)
    out.allowed_domains = domains.filter((d): d is string => typeof d === 'string').slice(0, 100);
  const loc = t.user_location as Obj | undefined;
  if (loc && typeof loc === 'object') {
    const l: NonNullable<AnWebSearchTool['user_location']> = { type: 'approximate' };
    for (const k of ['city', 'region', 'country', 'timezone'] as const)
      if (typeof loc[k] === 'string') l[k] = loc[k] as string;
    out.user_location = l;
  }
  return out;
}
