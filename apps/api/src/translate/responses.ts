/**
 * OpenAI Responses API served on top of chat completions: request -> chat
 * request, chat response -> Response object, chat chunks -> Responses stream events.
 */
import { AdapterError } from '../providers/types.js';
import { sseJson } from './sse.js';
import type { OaChatRequest, OaChatResponse, OaChunk, OaContentPart, OaMessage, OaTool, OaToolCall, OaToolChoice, OaUsage } from './wire-types.js';

type Obj = Record<string, unknown>;

function contentToParts(content: unknown): string | OaContentPart[] {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  const parts: OaContentPart[] = [];
  for (const p of content as Obj[]) {
    const t = p.type;
    if (t === 'input_text' || t === 'output_text' || t === 'text') parts.push({ type: 'text', text: String(p.text ?? '') });
    else if (t === 'input_image') {
      const url = typeof p.image_url === 'string' ? p.image_url : (p.image_url as Obj | undefined)?.url;
      if (typeof url === 'string') parts.push({ type: 'image_url', image_url: { url, ...(p.detail ? { detail: String(p.detail) } : {}) } });
    } else if (t === 'refusal') parts.push({ type: 'text', text: String(p.refusal ?? '') });
  }
  if (parts.every((p) => p.type === 'text')) return parts.map((p) => (p as { text: string }).text).join('');
  return parts;
}

/** Responses API request -> chat completions request. Throws AdapterError for stateful features. */
export function responsesToChatRequest(req: Obj, model: string = String(req.model ?? '')): OaChatRequest {
  if (req.previous_response_id) throw new AdapterError(400, 'unsupported_parameter', 'previous_response_id is not supported for this provider (the gateway does not store responses).');
  const messages: OaMessage[] = [];
  if (typeof req.instructions === 'string' && req.instructions) messages.push({ role: 'system', content: req.instructions });
  const input = req.input;
  if (typeof input === 'string') messages.push({ role: 'user', content: input });
  else if (Array.isArray(input)) {
    for (const item of input as Obj[]) {
      const type = item.type ?? 'message';
      if (type === 'message') {
        const role = String(item.role ?? 'user');
        const r = role === 'developer' ? 'system' : (role as OaMessage['role']);
        messages.push({ role: r, content: contentToParts(item.content) });
      } else if (type === 'function_call') {
        const call: OaToolCall = { id: String(item.call_id ?? item.id), type: 'function', function: { name: String(item.name), arguments: String(item.arguments ?? '{}') } };
        const last = messages[messages.length - 1];
        if (last && last.role === 'assistant' && (last.content == null || last.content === '' || last.tool_calls)) (last.tool_calls ??= []).push(call);
        else messages.push({ role: 'assistant', content: null, tool_calls: [call] });
      } else if (type === 'function_call_output') {
        const output = typeof item.output === 'string' ? item.output : JSON.stringify(item.output);
        messages.push({ role: 'tool', tool_call_id: String(item.call_id), content: output });
      } else if (type === 'reasoning') {
        continue;
      } else {
        throw new AdapterError(400, 'unsupported_parameter', `Input item type "${String(type)}" is not supported for this provider.`);
      }
    }
  }
  const out: OaChatRequest = { model, messages };
  if (req.stream) out.stream = true;
  if (typeof req.max_output_tokens === 'number') out.max_tokens = req.max_output_tokens;
  if (typeof req.temperature === 'number') out.temperature = req.temperature;
  if (typeof req.top_p === 'number') out.top_p = req.top_p;
  if (typeof req.user === 'string') out.user = req.user;
  if (typeof req.parallel_tool_calls === 'boolean') out.parallel_tool_calls = req.parallel_tool_calls;
  if (Array.isArray(req.tools)) {
    const tools: OaTool[] = [];
    for (const t of req.tools as Obj[]) {
      if (t.type !== 'function') throw new AdapterError(400, 'unsupported_parameter', `Built-in tool "${String(t.type)}" is not supported for this provider.`);
      tools.push({
        type: 'function',
        function: {
          name: String(t.name),
          ...(t.description ? { description: String(t.description) } : {}),
          ...(t.parameters ? { parameters: t.parameters as Obj } : {}),
          ...(typeof t.strict === 'boolean' ? { strict: t.strict } : {}),
        },
      });
    }
    if (tools.length) out.tools = tools;
  }
  const tc = req.tool_choice;
  if (tc === 'auto' || tc === 'none' || tc === 'required') out.tool_choice = tc;
  else if (tc && typeof tc === 'object' && (tc as Obj).type === 'function') out.tool_choice = { type: 'function', function: { name: String((tc as Obj).name) } } as OaToolChoice;
  const fmt = (req.text as Obj | undefined)?.format as Obj | undefined;
  if (fmt?.type === 'json_schema') out.response_format = { type: 'json_schema', json_schema: { name: String(fmt.name ?? 'response'), schema: fmt.schema as Obj, ...(typeof fmt.strict === 'boolean' ? { strict: fmt.strict } : {}) } };
  else if (fmt?.type === 'json_object') out.response_format = { type: 'json_object' };
  return out;
}

export function chatUsageToResponses(u: OaUsage | null | undefined): Obj {
  const input = u?.prompt_tokens ?? 0;
  const output = u?.completion_tokens ?? 0;
  return {
    input_tokens: input,
    input_tokens_details: { cached_tokens: u?.prompt_tokens_details?.cached_tokens ?? 0 },
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
  const text = choice?.message?.content;
  if (text) {
    output.push({ type: 'message', id: `msg_${id.slice(5)}`, status: 'completed', role: 'assistant', content: [{ type: 'output_text', text, annotations: [] }] });
  }
  for (const tc of choice?.message?.tool_calls ?? []) {
    output.push({ type: 'function_call', id: `fc_${tc.id}`, call_id: tc.id, name: tc.function.name, arguments: tc.function.arguments, status: 'completed' });
  }
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
  private msgIndex = -1;
  private outputs: Obj[] = [];
  private tools = new Map<number, { outIndex: number; item: Obj }>();
  private usage: OaUsage | null = null;
  private finish: string | null = null;
  private response: Obj;
  finished = false;

  constructor(
    model: string,
    private id: string = `resp_${Date.now().toString(36)}`,
    created: number = Math.floor(Date.now() / 1000),
    req?: Obj,
  ) {
    this.response = baseResponse(id, model, created, req);
  }

  private ev(type: string, payload: Obj): string {
    return sseJson({ type, sequence_number: this.seq++, ...payload }, type);
  }

  private start(): string {
    if (this.started) return '';
    this.started = true;
    return this.ev('response.created', { response: this.response }) + this.ev('response.in_progress', { response: this.response });
  }

  private msgId(): string {
    return `msg_${this.id.slice(5)}`;
  }

  private closeMessage(): string {
    if (!this.msgOpen) return '';
    this.msgOpen = false;
    const part = { type: 'output_text', text: this.text, annotations: [] };
    const item = { type: 'message', id: this.msgId(), status: 'completed', role: 'assistant', content: [part] };
    this.outputs[this.msgIndex] = item;
    return (
      this.ev('response.output_text.done', { item_id: this.msgId(), output_index: this.msgIndex, content_index: 0, text: this.text }) +
      this.ev('response.content_part.done', { item_id: this.msgId(), output_index: this.msgIndex, content_index: 0, part }) +
      this.ev('response.output_item.done', { output_index: this.msgIndex, item })
    );
  }

  push(chunk: OaChunk): string {
    let out = this.start();
    if (chunk.usage) this.usage = chunk.usage;
    const choice = chunk.choices?.[0];
    if (!choice) return out;
    const d = choice.delta ?? {};
    if (d.content) {
      if (!this.msgOpen && this.msgIndex === -1) {
        this.msgOpen = true;
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
          part: { type: 'output_text', text: '', annotations: [] },
        });
      }
      if (this.msgOpen) {
        this.text += d.content;
        out += this.ev('response.output_text.delta', { item_id: this.msgId(), output_index: this.msgIndex, content_index: 0, delta: d.content });
      }
    }
    for (const tc of d.tool_calls ?? []) {
      let t = this.tools.get(tc.index);
      if (!t) {
        out += this.closeMessage();
        const callId = tc.id ?? `call_${tc.index}`;
        const item: Obj = { type: 'function_call', id: `fc_${callId}`, call_id: callId, name: tc.function?.name ?? '', arguments: '', status: 'in_progress' };
        t = { outIndex: this.outputs.length, item };
        this.outputs.push(item);
        this.tools.set(tc.index, t);
        out += this.ev('response.output_item.added', { output_index: t.outIndex, item: { ...item } });
      }
      const args = tc.function?.arguments;
      if (args) {
        t.item.arguments = String(t.item.arguments) + args;
        out += this.ev('response.function_call_arguments.delta', { item_id: t.item.id, output_index: t.outIndex, delta: args });
      }
    }
    if (choice.finish_reason) this.finish = choice.finish_reason;
    return out;
  }

  finishStream(): string {
    if (this.finished) return '';
    this.finished = true;
    let out = this.start() + this.closeMessage();
    for (const t of this.tools.values()) {
      t.item.status = 'completed';
      out += this.ev('response.function_call_arguments.done', { item_id: t.item.id, output_index: t.outIndex, arguments: t.item.arguments });
      out += this.ev('response.output_item.done', { output_index: t.outIndex, item: t.item });
    }
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
