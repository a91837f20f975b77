/**
 * OpenAI Responses API served on top of chat completions: request -> chat
 * request, chat response -> Response object, chat chunks -> Responses stream events.
 */
import { AdapterError } from './errors.js';
import { sseJson } from './sse.js';
import { reasoningOf, responsesEffort, TRANSLATED_REASONING_ID } from './reasoning.js';
import { chatFilePart, fileByIdRefusal, parseDataUrl } from './shared.js';
import { openaiCachedTokens } from './usage-figures.js';
import {
  SIGNED_THINKING,
  signedThinkingEnvelope,
  signedThinkingOf,
  signedThinkingOn,
  type SignedThinkingBlock,
} from './signed-thinking.js';
import type {
  OaChatRequest,
  OaChatResponse,
  OaChunk,
  OaContentPart,
  OaMessage,
  OaTool,
  OaToolCall,
  OaToolChoice,
  OaUsage,
} from './wire-types.js';

type Obj = Record<string, unknown>;

function contentToParts(content: unknown): string | OaContentPart[] {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  const parts: OaContentPart[] = [];
  for (const item of content as unknown[]) {
    // Anything but an object part (null, a number) carries nothing to send.
    if (!item || typeof item !== 'object') continue;
    const p = item as Obj;
    const t = p.type;
    if (t === 'input_text' || t === 'output_text' || t === 'text')
      parts.push({ type: 'text', text: String(p.text ?? '') });
    else if (t === 'input_image') {
      const url = typeof p.image_url === 'string' ? p.image_url : (p.image_url as Obj | undefined)?.url;
      if (typeof url === 'string')
        parts.push({
          type: 'image_url',
          image_url: { url, ...(p.detail ? { detail: String(p.detail) } : {}) },
        });
      // An image uploaded to OpenAI's Files API: chat takes no image by id, and no other vendor reads it.
      else if (typeof p.file_id === 'string') throw fileByIdRefusal('OpenAI');
    } else if (t === 'input_file') {
      const filename = typeof p.filename === 'string' && p.filename ? p.filename : undefined;
      // A document sent inline (`file_data`, a base64 data URL) is the pivot's `file` part.
      const inline = typeof p.file_data === 'string' ? parseDataUrl(p.file_data) : null;
      if (inline) parts.push(chatFilePart(inline.mime, inline.data, filename));
      // A file uploaded to OpenAI's Files API: the chat `file` part by id, which OpenAI's chat API reads (the other
      // vendors' adapters refuse it, see fileByIdRefusal).
      else if (typeof p.file_id === 'string')
        parts.push({ type: 'file', file: { file_id: p.file_id, ...(filename ? { filename } : {}) } });
      // A document by URL: chat cannot fetch one, so it is named in the text, as an Anthropic document by URL is.
      else if (typeof p.file_url === 'string')
        parts.push({ type: 'text', text: `[document${filename ? ` "${filename}"` : ''}: ${p.file_url}]` });
    } else if (t === 'refusal') parts.push({ type: 'text', text: String(p.refusal ?? '') });
  }
  if (parts.every((p) => p.type === 'text')) return parts.map((p) => (p as { text: string }).text).join('');
  return parts;
}

// ---------- tools ----------

/** Chat function names: OpenAI allows [A-Za-z0-9_-]{1,64} (Anthropic 128); the stricter rule serves both. */
const FUNCTION_NAME = /^[A-Za-z0-9_-]{1,64}$/;

function fnv1a(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(36);
}

/**
 * The chat function name of a Responses tool: a namespace's function becomes `<namespace>__<name>`; a name that
 * does not fit the function-name rule is shortened and cleaned deterministically (a hash keeps it unique), so the
 * same tool always gets the same name across turns.
 */
export function flatToolName(name: string, namespace?: string): string {
  const full = namespace ? `${namespace}__${name}` : name;
  if (FUNCTION_NAME.test(full)) return full;
  const tag = `_${fnv1a(full)}`;
  return full.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 64 - tag.length) + tag;
}

/** What a flattened function name stands for in the client's Responses vocabulary. */
export interface ResponsesToolIdentity {
  name: string;
  namespace?: string;
  /** A freeform (`custom`) tool: its call carries one string, `input`. */
  custom?: boolean;
}

export interface ResponsesToolPlan {
  functions: OaTool[];
  /** Built-in tools that have no equivalent on a chat upstream (their `type`s, deduplicated). */
  dropped: string[];
  /** Flattened function name -> the client's tool. */
  identities: Map<string, ResponsesToolIdentity>;
}

function functionTool(t: Obj, namespace?: string): OaTool {
  return {
    type: 'function',
    function: {
      name: flatToolName(String(t.name), namespace),
      ...(t.description ? { description: String(t.description) } : {}),
      ...(t.parameters ? { parameters: t.parameters as Obj } : {}),
      ...(typeof t.strict === 'boolean' ? { strict: t.strict } : {}),
    },
  };
}

function customTool(t: Obj, namespace?: string): OaTool {
  const fmt = t.format as Obj | undefined;
  const grammar =
    fmt?.type === 'grammar' && typeof fmt.definition === 'string'
      ? `\nThe input must follow this ${String(fmt.syntax ?? '')} grammar:\n${fmt.definition}`
      : '';
  return {
    type: 'function',
    function: {
      name: flatToolName(String(t.name), namespace),
      description: `${t.description ? String(t.description) : ''}${grammar}`.trim() || String(t.name),
      parameters: {
        type: 'object',
        properties: { input: { type: 'string', description: 'The raw input for this tool.' } },
        required: ['input'],
        additionalProperties: false,
      },
    },
  };
}

/**
 * A Responses request's tools as chat functions: functions as they are, namespaces (Codex sends its MCP and
 * collaboration tools as `namespace`) flattened into `<namespace>__<name>` functions, freeform `custom` tools as a
 * function taking one string, and built-in tools dropped (named in `dropped`, so the gateway can say so).
 */
function buildToolPlan(req: Obj): ResponsesToolPlan {
  const plan: ResponsesToolPlan = { functions: [], dropped: [], identities: new Map() };
  if (!Array.isArray(req.tools)) return plan;
  const add = (t: Obj, namespace?: string) => {
    if (typeof t !== 'object' || t === null || typeof t.name !== 'string') return;
    const fn = t.type === 'custom' ? customTool(t, namespace) : functionTool(t, namespace);
    if (plan.identities.has(fn.function.name)) return;
    plan.functions.push(fn);
    plan.identities.set(fn.function.name, {
      name: t.name,
      ...(namespace ? { namespace } : {}),
      ...(t.type === 'custom' ? { custom: true } : {}),
    });
  };
  for (const t of req.tools as Obj[]) {
    if (typeof t !== 'object' || t === null) continue;
    if (t.type === 'function' || t.type === 'custom') add(t);
    else if (t.type === 'namespace' && typeof t.name === 'string' && Array.isArray(t.tools)) {
      for (const sub of t.tools as Obj[])
        if (sub && (sub.type === undefined || sub.type === 'function' || sub.type === 'custom'))
          add(sub, t.name);
    } else {
      // A built-in tool (web_search, file_search, code_interpreter, local_shell, mcp…): only OpenAI's own
      // /responses runs those; a chat upstream has no equivalent to call.
      const type = String(t.type)
        .slice(0, 40)
        .replace(/[^\x21-\x7e]/g, '?');
      if (!plan.dropped.includes(type)) plan.dropped.push(type);
    }
  }
  return plan;
}

/** One plan per request body: the request translation, the answer's translation and the header all read it. */
const toolPlans = new WeakMap<Obj, ResponsesToolPlan>();

export function responsesToolPlan(req: Obj): ResponsesToolPlan {
  let plan = toolPlans.get(req);
  if (!plan) {
    plan = buildToolPlan(req);
    toolPlans.set(req, plan);
  }
  return plan;
}

/** A custom tool's input from the function arguments the model produced (`{"input": "…"}`, or the raw text). */
function customInput(args: string): string {
  try {
    const parsed = JSON.parse(args) as unknown;
    if (parsed && typeof parsed === 'object' && typeof (parsed as Obj).input === 'string')
      return (parsed as Obj).input as string;
  } catch {
    // not JSON: the model sent the raw input
  }
  return args;
}

/** The output item of a chat tool call, in the client's vocabulary (function_call with its namespace, or custom_tool_call). */
function toolCallItem(
  callId: string,
  flatName: string,
  args: string,
  identities: Map<string, ResponsesToolIdentity>,
  status: string,
): Obj {
  const id = identities.get(flatName);
  if (id?.custom)
    return {
      type: 'custom_tool_call',
      id: `ctc_${callId}`,
      call_id: callId,
      name: id.name,
      input: customInput(args),
      status,
    };
  return {
    type: 'function_call',
    id: `fc_${callId}`,
    call_id: callId,
    name: id?.name ?? flatName,
    ...(id?.namespace ? { namespace: id.namespace } : {}),
    arguments: args,
    status,
  };
}

/**
 * The tool messages right after an assistant turn put in the order of its tool_calls (unknown ids last, as they
 * came): a client may list parallel outputs as they finished, and chat templates pair them with calls by position.
 */
function orderToolResults(messages: OaMessage[]): void {
  for (let i = 0; i < messages.length; i++) {
    const calls = messages[i]!.role === 'assistant' ? messages[i]!.tool_calls : undefined;
    if (!calls || calls.length < 2) continue;
    let end = i + 1;
    while (end < messages.length && messages[end]!.role === 'tool') end++;
    if (end - i - 1 < 2) continue;
    const order = new Map(calls.map((c, k) => [c.id, k]));
    const rank = (m: OaMessage) => order.get(m.tool_call_id ?? '') ?? Number.MAX_SAFE_INTEGER;
    const run = messages.slice(i + 1, end).sort((a, b) => rank(a) - rank(b));
    messages.splice(i + 1, run.length, ...run);
    i = end - 1;
  }
}

/**
 * The text of a reasoning item a Responses client sends back (the reasoning a model showed it, as the gateway gives it
 * or OpenAI does): its summary's text, else its reasoning_text content; '' when it holds none (OpenAI's encrypted
 * reasoning alone). It goes as the next assistant turn's `reasoning_content`, which reaches only DeepSeek's API (it
 * wants a tool loop's reasoning back; see withReasoningHistoryFor); Anthropic, Bedrock and Gemini are not sent it:
 * Claude takes back only a thinking block it signed, which an item carries only in the gateway's envelope (see
 * signedThinkingOf: the turn's SIGNED_THINKING, which only a Claude upstream reads).
 */
function reasoningItemText(item: Obj): string {
  const texts = (parts: unknown, type: string): string =>
    Array.isArray(parts)
      ? (parts as Obj[])
          .filter((p) => p && p.type === type && typeof p.text === 'string')
          .map((p) => p.text as string)
          .join('\n\n')
      : '';
  return texts(item.summary, 'summary_text') || texts(item.content, 'reasoning_text');
}

/** The summary text of a reasoning item as the gateway wrote it (its parts' text, joined as they are). */
function summaryText(item: Obj): string {
  return Array.isArray(item.summary)
    ? (item.summary as unknown[])
        .map((p) =>
          p && typeof p === 'object' && typeof (p as Obj).text === 'string'
            ? ((p as Obj).text as string)
            : '',
        )
        .join('')
    : '';
}

/**
 * Whether a Responses client asked for its reasoning items' encrypted content (`include`), to send them back: the
 * gateway's envelope of Claude's signed thinking is given only then, as OpenAI gives its own.
 */
export function wantsEncryptedReasoning(req: Obj | undefined): boolean {
  return Array.isArray(req?.include) && (req.include as unknown[]).includes('reasoning.encrypted_content');
}

/** Responses API request -> chat completions request. Throws AdapterError for stateful features. */
export function responsesToChatRequest(req: Obj, model: string = String(req.model ?? '')): OaChatRequest {
  if (req.previous_response_id)
    throw new AdapterError(
      400,
      'unsupported_parameter',
      'previous_response_id is not supported for this provider (the gateway does not store responses).',
    );
  const messages: OaMessage[] = [];
  if (typeof req.instructions === 'string' && req.instructions)
    messages.push({ role: 'system', content: req.instructions });
  const input = req.input;
  /** Reasoning items' text not yet given to an assistant turn, and Claude's signed blocks among them. */
  let pendingReasoning = '';
  let pendingSigned: SignedThinkingBlock[] = [];
  if (typeof input === 'string') messages.push({ role: 'user', content: input });
  else if (Array.isArray(input)) {
    for (const item of input as Obj[]) {
      const type = item.type ?? 'message';
      if (type === 'message') {
        const role = String(item.role ?? 'user');
        const r = role === 'developer' ? 'system' : (role as OaMessage['role']);
        messages.push({ role: r, content: contentToParts(item.content) });
      } else if (type === 'function_call' || type === 'custom_tool_call') {
        const name = flatToolName(
          String(item.name),
          typeof item.namespace === 'string' ? item.namespace : undefined,
        );
        const args =
          type === 'custom_tool_call'
            ? JSON.stringify({ input: typeof item.input === 'string' ? item.input : '' })
            : String(item.arguments ?? '{}');
        const call: OaToolCall = {
          id: String(item.call_id ?? item.id),
          type: 'function',
          function: { name, arguments: args },
        };
        const last = messages[messages.length - 1];
        if (
          last &&
          last.role === 'assistant' &&
          (last.content == null || last.content === '' || last.tool_calls)
        )
          (last.tool_calls ??= []).push(call);
        else messages.push({ role: 'assistant', content: null, tool_calls: [call] });
      } else if (type === 'function_call_output' || type === 'custom_tool_call_output') {
        // The output is a string or a list of input_text / input_image / input_file parts: text and images go as
        // the tool message's parts (an OpenAI chat upstream gets the images in a user message after it, an
        // Anthropic one inside the tool_result); anything else, or parts with nothing to carry, as JSON text.
        const parts = Array.isArray(item.output) ? contentToParts(item.output) : '';
        const output =
          typeof item.output === 'string' ? item.output : parts.length ? parts : JSON.stringify(item.output);
        messages.push({ role: 'tool', tool_call_id: String(item.call_id), content: output });
      } else if (type === 'reasoning') {
        // Its text goes as the next assistant turn's reasoning_content (see reasoningItemText).
        const text = reasoningItemText(item);
        if (text) pendingReasoning += text;
        const signed = signedThinkingOf(item, summaryText(item));
        if (signed) pendingSigned = [...pendingSigned, ...signed];
        continue;
      } else {
        throw new AdapterError(
          400,
          'unsupported_parameter',
          `Input item type "${String(type)}" is not supported for this provider.`,
        );
      }
      // Reasoning before an assistant turn (its message or tool call) is that turn's; before anything else, no turn's.
      if (pendingReasoning || pendingSigned.length) {
        const last = messages[messages.length - 1];
        if (last?.role === 'assistant') {
          if (pendingReasoning) last.reasoning_content = (last.reasoning_content ?? '') + pendingReasoning;
          if (pendingSigned.length)
            last[SIGNED_THINKING] = [...(last[SIGNED_THINKING] ?? []), ...pendingSigned];
        }
        pendingReasoning = '';
        pendingSigned = [];
      }
    }
  }
  orderToolResults(messages);
  const out: OaChatRequest = { model, messages };
  if (req.stream) out.stream = true;
  // As for Messages: the field every OpenAI chat model takes (see anthropicToOpenaiChatRequest).
  if (typeof req.max_output_tokens === 'number') out.max_completion_tokens = req.max_output_tokens;
  if (typeof req.temperature === 'number') out.temperature = req.temperature;
  if (typeof req.top_p === 'number') out.top_p = req.top_p;
  if (typeof req.user === 'string') out.user = req.user;
  const effort = responsesEffort(req);
  if (effort) out.reasoning_effort = effort;
  const plan = responsesToolPlan(req);
  // A copy: the plan is shared by everything that reads this request, the chat request is the adapter's to change.
  // OpenAI chat refuses a tool_choice or parallel_tool_calls without tools: none of them goes when only built-in
  // tools (which a chat upstream cannot run) were sent.
  if (plan.functions.length) out.tools = [...plan.functions];
  if (plan.functions.length && typeof req.parallel_tool_calls === 'boolean')
    out.parallel_tool_calls = req.parallel_tool_calls;
  const tc = plan.functions.length ? req.tool_choice : undefined;
  if (tc === 'auto' || tc === 'none' || tc === 'required') out.tool_choice = tc;
  else if (
    tc &&
    typeof tc === 'object' &&
    ((tc as Obj).type === 'function' || (tc as Obj).type === 'custom')
  ) {
    const t = tc as Obj;
    const name = flatToolName(String(t.name), typeof t.namespace === 'string' ? t.namespace : undefined);
    out.tool_choice = { type: 'function', function: { name } } as OaToolChoice;
  }
  const fmt = (req.text as Obj | undefined)?.format as Obj | undefined;
  if (fmt?.type === 'json_schema')
    out.response_format = {
      type: 'json_schema',
      json_schema: {
        name: String(fmt.name ?? 'response'),
        schema: fmt.schema as Obj,
        ...(typeof fmt.strict === 'boolean' ? { strict: fmt.strict } : {}),
      },
    };
  else if (fmt?.type === 'json_object') out.response_format = { type: 'json_object' };
  return out;
}

export function chatUsageToResponses(u: OaUsage | null | undefined): Obj {
  const input = u?.prompt_tokens ?? 0;
  const output = u?.completion_tokens ?? 0;
  return {
    input_tokens: input,
    input_tokens_details: { cached_tokens: openaiCachedTokens(u) },
    output_tokens: output,
    output_tokens_details: { reasoning_tokens: u?.completion_tokens_details?.reasoning_tokens ?? 0 },
    total_tokens: input + output,
  };
}

function baseResponse(id: string, model: string, created: number, req: Obj | undefined): Obj {
  return {
    id,
    object: 'response',
    created_at: created,
    status: 'in_progress',
    error: null,
    incomplete_details: null,
    instructions: req?.instructions ?? null,
    max_output_tokens: req?.max_output_tokens ?? null,
    model,
    output: [],
    parallel_tool_calls: req?.parallel_tool_calls ?? true,
    previous_response_id: null,
    temperature: req?.temperature ?? null,
    top_p: req?.top_p ?? null,
    tool_choice: req?.tool_choice ?? 'auto',
    tools: req?.tools ?? [],
    text: req?.text ?? { format: { type: 'text' } },
    usage: null,
    metadata: req?.metadata ?? {},
  };
}

/** Chat completion -> Responses API object. */
export function chatToResponsesResponse(res: OaChatResponse, req?: Obj, created: number = res.created): Obj {
  const id = `resp_${(res.id ?? 'x').replace(/^chatcmpl-/, '')}`;
  const out = baseResponse(id, res.model, created, req);
  const choice = res.choices?.[0];
  const output: Obj[] = [];
  // The upstream's reasoning (Claude's thinking, DeepSeek's reasoning_content) as a reasoning item before the answer,
  // its text as the item's summary (what Responses clients show).
  // Claude's signatures (and redacted thinking), when the client asked for encrypted content, in the gateway's envelope.
  const reasoning = reasoningOf(choice?.message) ?? '';
  const signed = wantsEncryptedReasoning(req) ? signedThinkingOn(choice?.message) : undefined;
  const envelope = signed ? signedThinkingEnvelope(signed, reasoning) : null;
  if (reasoning || envelope)
    output.push({
      type: 'reasoning',
      id: `${TRANSLATED_REASONING_ID}${id.slice(5)}`,
      summary: reasoning ? [{ type: 'summary_text', text: reasoning }] : [],
      ...(envelope ? { encrypted_content: envelope } : {}),
    });
  const text = choice?.message?.content;
  const refusal = choice?.message?.refusal;
  if (text || refusal) {
    output.push({
      type: 'message',
      id: `msg_${id.slice(5)}`,
      status: 'completed',
      role: 'assistant',
      // A refusal alone (OpenAI chat's message.refusal) is the Responses refusal part.
      content: [text ? { type: 'output_text', text, annotations: [] } : { type: 'refusal', refusal }],
    });
  }
  const identities = req ? responsesToolPlan(req).identities : new Map<string, ResponsesToolIdentity>();
  for (const tc of choice?.message?.tool_calls ?? [])
    output.push(toolCallItem(tc.id, tc.function.name, tc.function.arguments, identities, 'completed'));
  out.output = output;
  out.usage = chatUsageToResponses(res.usage);
  if (choice?.finish_reason === 'length') {
    out.status = 'incomplete';
    out.incomplete_details = { reason: 'max_output_tokens' };
  } else if (choice?.finish_reason === 'content_filter') {
    out.status = 'incomplete';
    out.incomplete_details = { reason: 'content_filter' };
  } else out.status = 'completed';
  return out;
}

/** Chat chunks -> Responses API stream events (SSE text with `event:` names). */
export class ChatChunksToResponses {
  private seq = 0;
  private started = false;
  private text = '';
  private msgOpen = false;
  /** What the open message's part is: text, or a refusal (OpenAI chat's delta.refusal). */
  private msgRefusal = false;
  private msgIndex = -1;
  /** Message items opened so far: text after a tool call is a further message item, with its own id. */
  private msgCount = 0;
  private outputs: Obj[] = [];
  private tools = new Map<
    number,
    { outIndex: number; item: Obj; custom: boolean; args: string; closed: boolean }
  >();
  private identities: Map<string, ResponsesToolIdentity>;
  private usage: OaUsage | null = null;
  private finish: string | null = null;
  private response: Obj;
  /** The open reasoning item's output index (-1: none open), and its text so far. */
  private reasoningIndex = -1;
  private reasoningText = '';
  /** Reasoning items opened so far (reasoning after text or a tool call is a further item). */
  private reasoningCount = 0;
  /** Claude's signed blocks of the open reasoning item, when the client asked for encrypted content. */
  private reasoningSigned: SignedThinkingBlock[] = [];
  private wantsSigned: boolean;
  finished = false;

  constructor(
    model: string,
    private id: string = `resp_${Date.now().toString(36)}`,
    created: number = Math.floor(Date.now() / 1000),
    req?: Obj,
  ) {
    this.response = baseResponse(id, model, created, req);
    this.identities = req ? responsesToolPlan(req).identities : new Map();
    this.wantsSigned = wantsEncryptedReasoning(req);
  }

  private ev(type: string, payload: Obj): string {
    return sseJson({ type, sequence_number: this.seq++, ...payload }, type);
  }

  private start(): string {
    if (this.started) return '';
    this.started = true;
    return (
      this.ev('response.created', { response: this.response }) +
      this.ev('response.in_progress', { response: this.response })
    );
  }

  private msgId(): string {
    const base = `msg_${this.id.slice(5)}`;
    return this.msgCount > 1 ? `${base}_${this.msgCount}` : base;
  }

  private closeMessage(): string {
    if (!this.msgOpen) return '';
    this.msgOpen = false;
    const part = this.msgRefusal
      ? { type: 'refusal', refusal: this.text }
      : { type: 'output_text', text: this.text, annotations: [] };
    const item = {
      type: 'message',
      id: this.msgId(),
      status: 'completed',
      role: 'assistant',
      content: [part],
    };
    this.outputs[this.msgIndex] = item;
    return (
      this.ev(this.msgRefusal ? 'response.refusal.done' : 'response.output_text.done', {
        item_id: this.msgId(),
        output_index: this.msgIndex,
        content_index: 0,
        ...(this.msgRefusal ? { refusal: this.text } : { text: this.text }),
      }) +
      this.ev('response.content_part.done', {
        item_id: this.msgId(),
        output_index: this.msgIndex,
        content_index: 0,
        part,
      }) +
      this.ev('response.output_item.done', { output_index: this.msgIndex, item })
    );
  }

  private reasoningId(): string {
    const base = `${TRANSLATED_REASONING_ID}${this.id.slice(5)}`;
    return this.reasoningCount > 1 ? `${base}_${this.reasoningCount}` : base;
  }

  /** A new reasoning item after the text and calls so far ('' when one is open). */
  private openReasoning(): string {
    if (this.reasoningIndex >= 0) return '';
    let out = this.closeMessage() + this.closeTools();
    this.reasoningCount++;
    this.reasoningText = '';
    this.reasoningSigned = [];
    this.reasoningIndex = this.outputs.length;
    this.outputs.push({});
    out += this.ev('response.output_item.added', {
      output_index: this.reasoningIndex,
      item: { type: 'reasoning', id: this.reasoningId(), summary: [] },
    });
    out += this.ev('response.reasoning_summary_part.added', {
      item_id: this.reasoningId(),
      output_index: this.reasoningIndex,
      summary_index: 0,
      part: { type: 'summary_text', text: '' },
    });
    return out;
  }

  /** A reasoning delta: into the open reasoning item, or a new one after the text and calls so far. */
  private reasoning(delta: string): string {
    const out = this.openReasoning();
    this.reasoningText += delta;
    return (
      out +
      this.ev('response.reasoning_summary_text.delta', {
        item_id: this.reasoningId(),
        output_index: this.reasoningIndex,
        summary_index: 0,
        delta,
      })
    );
  }

  private closeReasoning(): string {
    if (this.reasoningIndex < 0) return '';
    const index = this.reasoningIndex;
    this.reasoningIndex = -1;
    const part = { type: 'summary_text', text: this.reasoningText };
    // Claude's signatures for the item's text, at its end (they come after the text), in the gateway's envelope.
    const envelope = signedThinkingEnvelope(this.reasoningSigned, this.reasoningText);
    this.reasoningSigned = [];
    const item = {
      type: 'reasoning',
      id: this.reasoningId(),
      summary: [part],
      ...(envelope ? { encrypted_content: envelope } : {}),
    };
    this.outputs[index] = item;
    return (
      this.ev('response.reasoning_summary_text.done', {
        item_id: item.id,
        output_index: index,
        summary_index: 0,
        text: this.reasoningText,
      }) +
      this.ev('response.reasoning_summary_part.done', {
        item_id: item.id,
        output_index: index,
        summary_index: 0,
        part,
      }) +
      this.ev('response.output_item.done', { output_index: index, item })
    );
  }

  push(chunk: OaChunk): string {
    let out = this.start();
    if (chunk.usage) this.usage = chunk.usage;
    const choice = chunk.choices?.[0];
    if (!choice) return out;
    const d = choice.delta ?? {};
    const thought = reasoningOf(d);
    if (thought) out += this.reasoning(thought);
    const signed = this.wantsSigned ? signedThinkingOn(d) : undefined;
    if (signed) {
      out += this.openReasoning();
      this.reasoningSigned.push(...signed);
    }
    const refusal = !d.content && !!d.refusal;
    const piece = d.content || d.refusal;
    if (piece) out += this.closeReasoning();
    if (piece) {
      // A refusal after text (or text after a refusal) is a part of its own kind: a new message item.
      if (this.msgOpen && this.msgRefusal !== refusal) out += this.closeMessage();
      if (!this.msgOpen) {
        // Text after a tool call: the calls so far are complete, and the text is a new message item.
        out += this.closeTools();
        this.msgOpen = true;
        this.msgRefusal = refusal;
        this.msgCount++;
        this.text = '';
        this.msgIndex = this.outputs.length;
        this.outputs.push({});
        out += this.ev('response.output_item.added', {
          output_index: this.msgIndex,
          item: { type: 'message', id: this.msgId(), status: 'in_progress', role: 'assistant', content: [] },
        });
        out += this.ev('response.content_part.added', {
          item_id: this.msgId(),
          output_index: this.msgIndex,
          content_index: 0,
          part: refusal
            ? { type: 'refusal', refusal: '' }
            : { type: 'output_text', text: '', annotations: [] },
        });
      }
      this.text += piece;
      out += this.ev(refusal ? 'response.refusal.delta' : 'response.output_text.delta', {
        item_id: this.msgId(),
        output_index: this.msgIndex,
        content_index: 0,
        delta: piece,
      });
    }
    for (const tc of d.tool_calls ?? []) {
      let t = this.tools.get(tc.index);
      if (!t) {
        out += this.closeReasoning() + this.closeMessage();
        const callId = tc.id ?? `call_${tc.index}`;
        const flat = tc.function?.name ?? '';
        const custom = this.identities.get(flat)?.custom === true;
        const item = toolCallItem(callId, flat, '', this.identities, 'in_progress');
        t = { outIndex: this.outputs.length, item, custom, args: '', closed: false };
        this.outputs.push(item);
        this.tools.set(tc.index, t);
        out += this.ev('response.output_item.added', { output_index: t.outIndex, item: { ...item } });
      }
      const args = tc.function?.arguments;
      if (args) {
        t.args += args;
        // A custom tool's input is inside the JSON arguments: it is sent whole when the call is complete.
        if (!t.custom) t.item.arguments = t.args;
        if (!t.custom && !t.closed) {
          out += this.ev('response.function_call_arguments.delta', {
            item_id: t.item.id,
            output_index: t.outIndex,
            delta: args,
          });
        }
      }
    }
    if (choice.finish_reason) this.finish = choice.finish_reason;
    return out;
  }

  finishStream(): string {
    if (this.finished) return '';
    this.finished = true;
    const out = this.start() + this.closeReasoning() + this.closeMessage() + this.closeTools();
    return out + this.complete();
  }

  /** The done events of the tool calls not closed yet. */
  private closeTools(): string {
    let out = '';
    for (const t of this.tools.values()) {
      if (t.closed) continue;
      t.closed = true;
      t.item.status = 'completed';
      if (t.custom) {
        const input = customInput(t.args);
        t.item.input = input;
        out += this.ev('response.custom_tool_call_input.delta', {
          item_id: t.item.id,
          output_index: t.outIndex,
          delta: input,
        });
        out += this.ev('response.custom_tool_call_input.done', {
          item_id: t.item.id,
          output_index: t.outIndex,
          input,
        });
      } else
        out += this.ev('response.function_call_arguments.done', {
          item_id: t.item.id,
          output_index: t.outIndex,
          arguments: t.item.arguments,
        });
      out += this.ev('response.output_item.done', { output_index: t.outIndex, item: t.item });
    }
    return out;
  }

  private complete(): string {
    let out = '';
    const r = this.response;
    r.output = this.outputs;
    r.usage = chatUsageToResponses(this.usage);
    if (this.finish === 'length' || this.finish === 'content_filter') {
      r.status = 'incomplete';
      r.incomplete_details = { reason: this.finish === 'length' ? 'max_output_tokens' : 'content_filter' };
      out += this.ev('response.incomplete', { response: r });
    } else {
      r.status = 'completed';
      out += this.ev('response.completed', { response: r });
    }
    return out;
  }
}
