/**
 * Glue between an upstream wire format and a client endpoint: non-stream decode
 * and the incremental stream translator. The pivot format is the OpenAI chat
 * completion (chunk); same-format pairs are forwarded byte for byte.
 */
import type { DecodedResponse, StreamFault, StreamTranslator, Usage } from '../providers/types.js';
import { normalizeUpstreamError } from '../providers/errors.js';
import { AnthropicToOpenaiChunks, OpenaiChunksToAnthropic } from './anthropic-stream.js';
import { converseToOpenaiChatResponse } from './bedrock.js';
import { BedrockStreamToOpenaiChunks, EventStreamSplitter } from './bedrock-stream.js';
import { GeminiToOpenaiChunks, geminiToOpenaiChatResponse } from './gemini.js';
import { extractUsageObject } from './json-fast.js';
import {
  anthropicStopToOpenai,
  anthropicToOpenaiChatResponse,
  openaiStopToAnthropic,
  openaiToAnthropicResponse,
} from './openai-anthropic.js';
import { ChatChunksToResponses, chatToResponsesResponse } from './responses.js';
import { SSE_DONE, SseParser, sseJson } from './sse.js';
import { roughTokens } from './tokens.js';
import type { AnResponse, OaChatResponse, OaChunk, OaUsage } from './wire-types.js';

type Obj = Record<string, unknown>;

/** What the client speaks on this request. */
export type ClientShape = 'chat' | 'messages' | 'responses' | 'embeddings';
/** What the upstream body is. `openai-responses` = OpenAI's own /responses; `openai-embeddings` = /embeddings. */
export type UpstreamShape =
  'openai' | 'anthropic' | 'gemini' | 'bedrock' | 'openai-responses' | 'openai-embeddings';

export interface PipelineOptions {
  client: ClientShape;
  upstream: UpstreamShape;
  /** Model id sent upstream (used when the upstream does not echo one). */
  model: string;
  /** Parsed client request (Responses objects echo some of its fields). */
  clientRequest?: Obj;
  /** Chat clients: forward the usage-only chunk (client set stream_options.include_usage). */
  clientWantsUsage?: boolean;
  /** Lazily estimate prompt tokens when the upstream reports no usage. */
  estimateInputTokens?: () => number;
  /** Seconds since epoch for synthesized ids / created fields. */
  created?: number;
  /** The key used for the call: removed from error text the upstream sends in the stream. */
  secret?: string | null;
  /** Anthropic upstream: the forced tool that carries the client's JSON response format (its input is the answer). */
  jsonTool?: string;
}

// ---------- usage ----------

export function usageFromOpenai(u: Partial<OaUsage> | null | undefined): Usage {
  return {
    inputTokens: Number(u?.prompt_tokens ?? 0),
    outputTokens: Number(u?.completion_tokens ?? 0),
    cachedTokens: Number(u?.prompt_tokens_details?.cached_tokens ?? 0),
  };
}

/** Anthropic usage: input_tokens excludes cache reads/writes; our inputTokens is the whole prompt. */
export function usageFromAnthropic(u: Obj | null | undefined): Usage {
  const cached = Number(u?.cache_read_input_tokens ?? 0);
  return {
    inputTokens: Number(u?.input_tokens ?? 0) + cached + Number(u?.cache_creation_input_tokens ?? 0),
    outputTokens: Number(u?.output_tokens ?? 0),
    cachedTokens: cached,
  };
}

/** Responses API usage (input_tokens includes cached). */
export function usageFromResponses(u: Obj | null | undefined): Usage {
  return {
    inputTokens: Number(u?.input_tokens ?? 0),
    outputTokens: Number(u?.output_tokens ?? 0),
    cachedTokens: Number((u?.input_tokens_details as Obj | undefined)?.cached_tokens ?? 0),
  };
}

function isPassthrough(client: ClientShape, upstream: UpstreamShape): boolean {
  return (
    (client === 'chat' && upstream === 'openai') ||
    (client === 'messages' && upstream === 'anthropic') ||
    (client === 'responses' && upstream === 'openai-responses') ||
    (client === 'embeddings' && upstream === 'openai-embeddings')
  );
}

// ---------- non-stream ----------

function toPivot(
  upstream: UpstreamShape,
  body: Buffer,
  model: string,
  created: number,
  jsonTool?: string,
): OaChatResponse {
  const j = JSON.parse(body.toString('utf8')) as Obj;
  switch (upstream) {
    case 'openai':
      return j as unknown as OaChatResponse;
    case 'anthropic':
      return anthropicToOpenaiChatResponse(j as unknown as AnResponse, created, jsonTool);
    case 'gemini':
      return geminiToOpenaiChatResponse(j, model, created);
    case 'bedrock':
      return converseToOpenaiChatResponse(j, model, created);
    default:
      throw new Error(`Cannot translate a ${upstream} response.`);
  }
}

/** Non-stream upstream body -> client body + usage. Throws SyntaxError on a body that is not JSON. */
export function decodeResponse(opts: PipelineOptions, body: Buffer): DecodedResponse {
  const created = opts.created ?? Math.floor(Date.now() / 1000);
  if (isPassthrough(opts.client, opts.upstream)) {
    const text = body.toString('utf8');
    const u = extractUsageObject(text);
    let usage: Usage;
    if (opts.upstream === 'anthropic') usage = usageFromAnthropic(u);
    else if (opts.upstream === 'openai-responses') usage = usageFromResponses(u);
    else usage = usageFromOpenai(u as Partial<OaUsage> | null);
    if (!u) {
      if (opts.client !== 'embeddings') JSON.parse(text); // a passthrough body must still be JSON
      usage = { ...usage, inputTokens: opts.estimateInputTokens?.() ?? 0, estimated: true };
    }
    let finishReason: string | null = null;
    const m = /"(?:finish_reason|stop_reason)"\s*:\s*"(\w+)"/.exec(text);
    if (m) finishReason = m[1]!;
    return { body, usage, finishReason };
  }
  const pivot = toPivot(opts.upstream, body, opts.model, created, opts.jsonTool);
  let usage = usageFromOpenai(pivot.usage);
  if (!pivot.usage) {
    const out = pivot.choices?.[0]?.message;
    usage = {
      inputTokens: opts.estimateInputTokens?.() ?? 0,
      outputTokens: roughTokens((out?.content ?? '').length + JSON.stringify(out?.tool_calls ?? '').length),
      cachedTokens: 0,
      estimated: true,
    };
  }
  const finish = pivot.choices?.[0]?.finish_reason ?? null;
  switch (opts.client) {
    case 'chat':
      return { body: JSON.stringify(pivot), usage, model: pivot.model, finishReason: finish };
    case 'messages': {
      const an = openaiToAnthropicResponse(pivot, pivot.model || opts.model);
      return { body: JSON.stringify(an), usage, model: an.model, finishReason: an.stop_reason };
    }
    case 'responses':
      return {
        body: JSON.stringify(chatToResponsesResponse(pivot, opts.clientRequest, created)),
        usage,
        model: pivot.model,
        finishReason: finish,
      };
    default:
      throw new Error(`Cannot serve ${opts.client} from ${opts.upstream}.`);
  }
}

// ---------- stream ----------

const USAGE_RE = /"usage"\s*:\s*\{/;
const FINISH_RE = /"finish_reason"\s*:\s*"/;

/** Pick-the-right-pipeline stream translator. */
export class PipelineStreamTranslator implements StreamTranslator {
  private parser = new SseParser();
  private passthrough: boolean;
  private stripUsage: boolean;
  private upUsage: Usage | null = null;
  private outChars = 0;
  private bedrockFrames?: EventStreamSplitter;
  private bedrockIn?: BedrockStreamToOpenaiChunks;
  private anIn?: AnthropicToOpenaiChunks;
  private gemIn?: GeminiToOpenaiChunks;
  private anOut?: OpenaiChunksToAnthropic;
  private respOut?: ChatChunksToResponses;
  private closed = false;
  private inTail = false;
  contentEmitted = false;
  finished = false;
  fault: StreamFault | null = null;
  finishReason: string | null = null;

  constructor(private opts: PipelineOptions) {
    this.passthrough = isPassthrough(opts.client, opts.upstream);
    this.stripUsage = this.passthrough && opts.client === 'chat' && !opts.clientWantsUsage;
    const created = opts.created ?? Math.floor(Date.now() / 1000);
    if (opts.upstream === 'anthropic' && !this.passthrough)
      this.anIn = new AnthropicToOpenaiChunks(created, opts.jsonTool);
    if (opts.upstream === 'gemini') this.gemIn = new GeminiToOpenaiChunks(opts.model, created);
    if (opts.upstream === 'bedrock') {
      this.bedrockFrames = new EventStreamSplitter();
      this.bedrockIn = new BedrockStreamToOpenaiChunks(opts.model, created);
    }
    if (!this.passthrough) {
      if (opts.client === 'messages')
        this.anOut = new OpenaiChunksToAnthropic(
          opts.model,
          `msg_${created.toString(36)}${Math.random().toString(36).slice(2, 8)}`,
          opts.estimateInputTokens?.() ?? 0,
        );
      else if (opts.client === 'responses')
        this.respOut = new ChatChunksToResponses(
          opts.model,
          `resp_${created.toString(36)}${Math.random().toString(36).slice(2, 8)}`,
          created,
          opts.clientRequest,
        );
    }
  }

  get usage(): Usage {
    if (this.upUsage && (this.upUsage.inputTokens || this.upUsage.outputTokens)) return this.upUsage;
    return {
      inputTokens: this.opts.estimateInputTokens?.() ?? 0,
      outputTokens: roughTokens(this.outChars),
      cachedTokens: 0,
      estimated: true,
    };
  }

  private setFault(kind: StreamFault['kind'], message: string, errBody?: string): void {
    if (this.fault) return;
    this.fault = { kind, message };
    if (errBody !== undefined)
      this.fault.error = normalizeUpstreamError(500, {}, errBody, undefined, this.opts.secret);
  }

  push(chunk: Buffer): Buffer | string {
    if (this.closed) return '';
    if (this.bedrockFrames) return this.pushBedrock(chunk);
    const events = this.parser.push(chunk);
    if (this.passthrough) {
      let rebuilt = this.stripUsage ? '' : null;
      for (let i = 0; i < events.length; i++) {
        const ev = events[i]!;
        const hadFault = this.fault !== null;
        const keep = this.scanPassthrough(ev.event, ev.data);
        if (!hadFault && this.fault) {
          // A malformed or error event never reaches the client as is: what came before it does, then the
          // executor ends the stream with an error in the client's format (or falls back before the first byte).
          if (rebuilt === null)
            rebuilt = events.slice(0, i).reduce((acc, e) => acc + sseText(e.event, e.data), '');
          return rebuilt;
        }
        if (rebuilt !== null && keep) rebuilt += sseText(ev.event, ev.data);
      }
      return rebuilt ?? chunk;
    }
    let out = '';
    for (const ev of events) {
      if (this.fault) break;
      out += this.translateEvent(ev.event, ev.data);
    }
    return out;
  }

  /** Inspect a passthrough event cheaply; returns false when the event must be dropped (usage chunk nobody asked for). */
  private scanPassthrough(event: string | undefined, data: string): boolean {
    const up = this.opts.upstream;
    if (up === 'anthropic') {
      if (event === 'content_block_delta') {
        this.contentEmitted = true;
        this.outChars += Math.max(0, data.length - 80);
      } else if (event === 'message_start' || event === 'message_delta') {
        const j = this.parseJson(data);
        if (!j) return true;
        const u = (event === 'message_start' ? (j.message as Obj | undefined)?.usage : j.usage) as
          Obj | undefined;
        if (u) {
          const prev = this.upUsage;
          const merged = usageFromAnthropic({
            ...(prev ? { input_tokens: prev.inputTokens - prev.cachedTokens } : {}),
            ...u,
          });
          if (prev && !('input_tokens' in u)) merged.inputTokens = prev.inputTokens;
          if (prev && !('cache_read_input_tokens' in u)) merged.cachedTokens = prev.cachedTokens;
          this.upUsage = merged;
        }
        const sr = (j.delta as Obj | undefined)?.stop_reason;
        if (typeof sr === 'string') this.finishReason = sr;
      } else if (event === 'message_stop') this.finished = true;
      else if (event === 'error') this.setFault('upstream_error', 'The upstream sent an error event.', data);
      else if (data && data.charCodeAt(0) !== 123)
        this.setFault('malformed', 'The upstream sent a malformed event.');
      return true;
    }
    if (up === 'openai-responses') {
      if (event === 'response.output_text.delta' || event === 'response.function_call_arguments.delta') {
        this.contentEmitted = true;
        this.outChars += Math.max(0, data.length - 100);
      } else if (
        event === 'response.completed' ||
        event === 'response.incomplete' ||
        event === 'response.failed'
      ) {
        this.finished = true;
        const j = this.parseJson(data);
        const r = j?.response as Obj | undefined;
        if (r?.usage) this.upUsage = usageFromResponses(r.usage as Obj);
        this.finishReason = event.slice(9);
        if (event === 'response.failed')
          this.setFault(
            'upstream_error',
            'The upstream response failed.',
            JSON.stringify({ error: r?.error ?? {} }),
          );
      } else if (event === 'error')
        this.setFault('upstream_error', 'The upstream sent an error event.', data);
      return true;
    }
    // OpenAI chat chunks
    if (data === '[DONE]') {
      this.finished = true;
      return true;
    }
    // Cheap shape check on the relayed path (no parse per chunk): a JSON object starts with { and ends with }.
    if (
      data.charCodeAt(0) !== 123 ||
      (data.charCodeAt(data.length - 1) !== 125 &&
        data.trimEnd().charCodeAt(data.trimEnd().length - 1) !== 125)
    ) {
      this.setFault('malformed', 'The upstream sent a malformed event.');
      return true;
    }
    if (data.startsWith('{"error"')) {
      this.setFault('upstream_error', 'The upstream sent an error in the stream.', data);
      return true;
    }
    if (!this.contentEmitted && (/"content"\s*:\s*"[^"]/.test(data) || data.includes('"tool_calls"')))
      this.contentEmitted = true;
    this.outChars += Math.max(0, data.length - 150);
    if (FINISH_RE.test(data)) {
      const m = /"finish_reason"\s*:\s*"(\w+)"/.exec(data);
      if (m) this.finishReason = m[1]!;
    }
    if (USAGE_RE.test(data)) {
      const j = this.parseJson(data);
      if (j?.usage) this.upUsage = usageFromOpenai(j.usage as OaUsage);
      if (Array.isArray(j?.choices) && (j.choices as unknown[]).length === 0) return !this.stripUsage;
    }
    return true;
  }

  private parseJson(data: string): Obj | null {
    try {
      return JSON.parse(data) as Obj;
    } catch {
      // An unterminated last event is a cut stream, not a malformed one.
      if (this.inTail) this.setFault('truncated', 'The upstream stream ended in the middle of an event.');
      else this.setFault('malformed', 'The upstream sent malformed JSON in the stream.');
      return null;
    }
  }

  private translateEvent(event: string | undefined, data: string): string {
    const up = this.opts.upstream;
    if (up === 'openai') {
      if (data === '[DONE]') return this.finishOut();
      const j = this.parseJson(data);
      if (!j) return '';
      if (j.error) {
        this.setFault('upstream_error', 'The upstream sent an error in the stream.', data);
        return '';
      }
      return this.emit(j as unknown as OaChunk);
    }
    if (up === 'anthropic') {
      if (event === 'ping') return '';
      const j = this.parseJson(data);
      if (!j) return '';
      if (j.type === 'error' || event === 'error') {
        this.setFault('upstream_error', 'The upstream sent an error event.', data);
        return '';
      }
      let out = '';
      for (const c of this.anIn!.push(j)) out += this.emit(c);
      if (this.anIn!.stopped) out += this.finishOut();
      return out;
    }
    if (up === 'gemini') {
      const j = this.parseJson(data);
      if (!j) return '';
      if (j.error) {
        this.setFault('upstream_error', 'The upstream sent an error in the stream.', data);
        return '';
      }
      let out = '';
      for (const c of this.gemIn!.push(j)) out += this.emit(c);
      return out;
    }
    return '';
  }

  /** Pivot chunk -> client bytes. */
  private emit(c: OaChunk): string {
    if (c.usage) this.upUsage = usageFromOpenai(c.usage);
    const ch = c.choices?.[0];
    if (ch) {
      const d = ch.delta;
      if (d?.content) {
        this.contentEmitted = true;
        this.outChars += d.content.length;
      }
      if (d?.tool_calls?.length) {
        this.contentEmitted = true;
        for (const t of d.tool_calls)
          this.outChars += (t.function?.arguments?.length ?? 0) + (t.function?.name?.length ?? 0);
      }
      if (ch.finish_reason)
        this.finishReason =
          this.opts.client === 'messages' ? openaiStopToAnthropic(ch.finish_reason) : ch.finish_reason;
    }
    if (this.anOut) return this.anOut.push(c);
    if (this.respOut) return this.respOut.push(c);
    // chat client
    if (!ch && c.usage && !this.opts.clientWantsUsage) return '';
    return sseJson(c);
  }

  /** Upstream's terminal marker seen: emit the client's closing events. */
  private finishOut(): string {
    if (this.finished) return '';
    this.finished = true;
    if (this.anOut) return this.anOut.finish();
    if (this.respOut) return this.respOut.finishStream();
    return SSE_DONE;
  }

  /**
   * The client's stream-error event, for a stream that cannot finish after its first byte reached the client
   * (no status code is left to fail with): OpenAI chat = a data chunk with an `error` object and no `[DONE]`;
   * Anthropic = `event: error`; Responses = `event: error`. The official SDKs raise these as errors instead of
   * ending quietly with truncated text.
   */
  errorEvent(code: string, message: string): string {
    if (this.opts.client === 'messages')
      return sseJson(
        {
          type: 'error',
          error: { type: code === 'upstream_timeout' ? 'timeout_error' : 'api_error', message },
        },
        'error',
      );
    if (this.opts.client === 'responses')
      return sseJson({ type: 'error', code, message, param: null }, 'error');
    return sseJson({ error: { message, type: 'server_error', param: null, code } });
  }

  end(): string {
    if (this.closed) return '';
    this.closed = true;
    if (this.opts.upstream === 'bedrock') return this.endBedrock();
    let out = '';
    this.inTail = true;
    const tail = this.parser.end();
    if (this.passthrough) {
      for (const ev of tail) {
        const hadFault = this.fault !== null;
        const keep = this.scanPassthrough(ev.event, ev.data);
        if (!hadFault && this.fault) break;
        if (keep) out += sseText(ev.event, ev.data);
      }
      if (!this.finished && !this.fault)
        this.setFault('truncated', 'The upstream stream ended before it finished.');
      return out;
    }
    for (const ev of tail) out += this.translateEvent(ev.event, ev.data);
    if (this.fault) return out;
    if (this.gemIn && this.gemIn.finishReason) {
      for (const c of this.gemIn.finish()) out += this.emit(c);
      return out + this.finishOut();
    }
    // OpenAI-compatible upstreams that send finish_reason but no [DONE] still ended properly.
    if (!this.finished && this.opts.upstream === 'openai' && this.finishReason) return out + this.finishOut();
    if (!this.finished) this.setFault('truncated', 'The upstream stream ended before it finished.');
    return out;
  }

  /** Bedrock ConverseStream: event-stream frames → pivot chunks → client bytes, as they arrive. */
  private pushBedrock(chunk: Buffer): string {
    let events;
    try {
      events = this.bedrockFrames!.push(chunk);
    } catch (err) {
      this.setFault(
        'malformed',
        `The upstream sent a malformed event-stream frame: ${(err as Error).message}`,
      );
      return '';
    }
    let out = '';
    for (const ev of events) {
      if (ev.exception) {
        this.setFault(
          'upstream_error',
          `The upstream sent ${ev.type}.`,
          JSON.stringify({ error: { message: String(ev.payload.message ?? ev.type), code: ev.type } }),
        );
        break;
      }
      for (const c of this.bedrockIn!.push(ev)) out += this.emit(c);
      if (this.bedrockIn!.stopped) out += this.finishOut();
    }
    return out;
  }

  private endBedrock(): string {
    if (!this.finished && !this.fault) {
      // A stream that ended after messageStop but without metadata still finished; otherwise it was cut.
      if (this.bedrockIn!.finishReason) {
        let out = '';
        for (const c of this.bedrockIn!.push({ type: 'metadata', exception: false, payload: {} }))
          out += this.emit(c);
        return out + this.finishOut();
      }
      this.setFault('truncated', 'The upstream stream ended before it finished.');
    }
    return '';
  }
}

function sseText(event: string | undefined, data: string): string {
  return event ? `event: ${event}\ndata: ${data}\n\n` : `data: ${data}\n\n`;
}

/** Split a complete chat completion into the chunk sequence a streaming upstream would send. */
export function chatResponseToChunks(res: OaChatResponse, pieceSize = 0): OaChunk[] {
  const base = {
    id: res.id,
    object: 'chat.completion.chunk' as const,
    created: res.created,
    model: res.model,
  };
  const choice = res.choices?.[0];
  const out: OaChunk[] = [
    { ...base, choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }] },
  ];
  const text = choice?.message?.content ?? '';
  if (text) {
    if (pieceSize > 0) {
      for (let i = 0; i < text.length; i += pieceSize)
        out.push({
          ...base,
          choices: [{ index: 0, delta: { content: text.slice(i, i + pieceSize) }, finish_reason: null }],
        });
    } else out.push({ ...base, choices: [{ index: 0, delta: { content: text }, finish_reason: null }] });
  }
  (choice?.message?.tool_calls ?? []).forEach((tc, i) => {
    out.push({
      ...base,
      choices: [
        {
          index: 0,
          delta: {
            tool_calls: [
              { index: i, id: tc.id, type: 'function', function: { name: tc.function.name, arguments: '' } },
            ],
          },
          finish_reason: null,
        },
      ],
    });
    out.push({
      ...base,
      choices: [
        {
          index: 0,
          delta: { tool_calls: [{ index: i, function: { arguments: tc.function.arguments } }] },
          finish_reason: null,
        },
      ],
    });
  });
  out.push({ ...base, choices: [{ index: 0, delta: {}, finish_reason: choice?.finish_reason ?? 'stop' }] });
  if (res.usage) out.push({ ...base, choices: [], usage: res.usage });
  return out;
}

export { anthropicStopToOpenai };
