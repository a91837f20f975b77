/**
 * Data protection on the proxy path: the request's prompt texts are protected before anything is sent upstream,
 * and the answer's placeholders are restored before the client sees it (whole answers and streams).
 *
 * The engine (`@switchyard/core` dlp) does the scanning and the placeholder map; this module applies it to the
 * proxy's bodies and client-format SSE, and says what was caught (counts only, never values).
 */
import { StringDecoder } from 'node:string_decoder';
import {
  createDlpContext,
  createStreamRestorer,
  dlpDetail,
  holdsSignedThinking,
  mayBeginPlaceholder,
  protectBody,
  restoreAnswer,
  restoreJsonStringFragment,
  restoreText,
  type CompiledDlpPolicy,
  type DlpAnswerFormat,
  type DlpContext,
  type DlpEndpoint,
  type DlpFinding,
  type StreamRestorer,
} from '@switchyard/core';
import { providerDefaults } from '../providers/provider-types.js';
import type { StreamTranslator } from '../providers/types.js';
import { wantsEncryptedReasoning } from '../translate/responses.js';
import type { GatewayError } from '../lib/errors.js';
import { dlpPolicyFor, type DlpResolution, type DlpSnapshot } from '../router/dlp-snapshot.js';
import type { ProxyCaller, ProxyEndpoint } from '../router/types.js';

/** A request's data protection: the policy that applied, what it found, and the body to send and to log. */
export interface RequestProtection {
  readonly applied: DlpResolution;
  readonly ctx: DlpContext;
  /** The protected body (the client's object when nothing in it changed). */
  readonly body: Record<string, unknown>;
  /**
   * The protected body's bytes, serialised from what was scanned; null when the policy has nothing enabled (the
   * client's bytes go upstream as they came). Never the client's bytes under an active policy: they can hold what
   * the scan did not read (a repeated key inside a message: JSON.parse keeps the last, the bytes carry both).
   */
  readonly raw: Buffer | null;
  /** How the answer's placeholders are restored; null when nothing was masked or the answer has no text. */
  readonly answer: DlpAnswerFormat | null;
  /** The size of the request body as the client sent it (the activity log's Size). */
  readonly requestBytes: number;
}

/**
 * The protection a request gets: null when no policy covers its caller (the common case costs one map lookup).
 * The caller is refused when `ctx.blocked` is set.
 */
export function protectionFor(
  snapshot: DlpSnapshot,
  caller: ProxyCaller,
  endpoint: Exclude<ProxyEndpoint, 'models'>,
  body: Record<string, unknown>,
  requestBytes: number,
): RequestProtection | null {
  const applied = dlpPolicyFor(snapshot, {
    appId: caller.appId,
    orgId: caller.orgId,
    master: caller.kind === 'master',
  });
  if (applied === null) return null;
  const p = protectRequest(endpoint, body, applied.policy);
  return {
    applied,
    ctx: p.ctx,
    body: p.body,
    raw: p.changed || applied.policy.active ? Buffer.from(JSON.stringify(p.body)) : null,
    answer: p.ctx.masked ? answerFormatOf(endpoint) : null,
    requestBytes,
  };
}

export interface Protected {
  /** The body to send (the same object when nothing changed). */
  body: Record<string, unknown>;
  /** True when some text was replaced: the raw bytes must be re-serialised from `body`. */
  changed: boolean;
  ctx: DlpContext;
}

/** Applies the policy to the prompt texts of a request body. `ctx.blocked` says whether it must be refused. */
export function protectRequest(
  endpoint: Exclude<ProxyEndpoint, 'models'>,
  body: Record<string, unknown>,
  policy: CompiledDlpPolicy,
): Protected {
  const ctx = createDlpContext(policy);
  const out = protectBody(endpoint satisfies DlpEndpoint, body, ctx);
  return { body: out, changed: out !== body, ctx };
}

/** "2 emails masked, 1 phone number redacted": what a request's findings say, without a value. */
export function describeFindings(findings: readonly DlpFinding[]): string {
  return findings.map(dlpDetail).join(', ');
}

/** The client's policy error for a blocked request: no upstream call, the kind and rule named, never the value. */
export function blockedError(ctx: DlpContext): GatewayError {
  const b = ctx.blocked!;
  const what = dlpDetail({ kind: b.kind, rule: b.rule, action: 'block', count: 1 });
  if (b.signed !== undefined) {
    const rule = b.kind === 'custom' ? `custom rule "${b.rule}"` : `the ${b.rule} rule`;
    return {
      kind: 'client',
      status: 400,
      code: 'data_protection_blocked',
      message: `This gateway's data-protection policy does not let the request reach a provider (${what}): a signed thinking block or reasoning item holds a value ${rule} would ${b.signed}, and signed text cannot be ${b.signed === 'mask' ? 'masked' : 'redacted'}. Remove the value or that block and retry.`,
    };
  }
  return {
    kind: 'client',
    status: 400,
    code: 'data_protection_blocked',
    message: `This gateway's data-protection policy does not let the request reach a provider (${what}). Remove the value and retry.`,
  };
}

/** The client format's answer shape, for restoring (embeddings and count_tokens answers carry no prompt text). */
export function answerFormatOf(endpoint: ProxyEndpoint): DlpAnswerFormat | null {
  return endpoint === 'chat' || endpoint === 'messages' || endpoint === 'responses' ? endpoint : null;
}

/** A whole client-format answer with this request's placeholders restored (the same bytes when none appear). */
export function restoreWhole(format: DlpAnswerFormat, out: Buffer, ctx: DlpContext): Buffer {
  if (!mentionsPlaceholder(out, ctx)) return out;
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(out.toString('utf8')) as Record<string, unknown>;
  } catch {
    return out;
  }
  const restored = restoreAnswer(format, json, ctx);
  return restored === json ? out : Buffer.from(JSON.stringify(restored));
}

type Json = Record<string, unknown>;

/**
 * Whether the answer holds one of this request's placeholders: none without a `[` (one byte search), else a
 * substring search per placeholder (no parse either way).
 */
function mentionsPlaceholder(out: Buffer, ctx: DlpContext): boolean {
  if (out.indexOf(0x5b) === -1) return false;
  for (const ph of ctx.restores.keys()) if (out.indexOf(ph) !== -1) return true;
  return false;
}

/** A piece of SSE that ends where an event ends. */
const endsAtEvent = (text: string): boolean => text.endsWith('\n\n') || text.endsWith('\r\n\r\n');

/**
 * Wraps a stream translator: the client-format SSE it produces is re-framed into events, and the text and
 * tool-argument deltas of each channel (choice, content block, output item) go through a stream restorer that
 * holds back at most a partial placeholder. Held-back text is released in a delta of its own before the event
 * that closes its channel. `capture` receives the protected form (what the provider said) for the body log.
 * `translated`: the events were made from another format's, so their reasoning is the gateway's own unsigned text
 * (an Anthropic thinking block with no signature), restored like the answer's; a relayed stream's thinking is the
 * provider's, signed, and left as it came. `signedReasoning`: a translated Responses stream whose client asked for its
 * reasoning's encrypted content, which may carry Claude's signatures for the summary text (core's
 * SIGNED_THINKING_ENVELOPE, known only at the item's end), or a translated Anthropic stream from Claude on Bedrock,
 * whose thinking comes with Bedrock's signatures: its reasoning is left as it came, as signed reasoning is.
 */
export function restoringTranslator(
  inner: StreamTranslator,
  format: DlpAnswerFormat,
  ctx: DlpContext,
  capture: ((piece: Buffer | string) => void) | null,
  translated = false,
  signedReasoning = false,
): StreamTranslator {
  return new RestoringTranslator(inner, format, ctx, capture, translated, translated && !signedReasoning);
}

/**
 * Whether a translated stream's reasoning is signed text, left as it came by {@link restoringTranslator} (its
 * `signedReasoning`): a Responses stream from Claude (Anthropic's API, Bedrock) whose client asked for its reasoning's
 * encrypted content (the gateway's envelope of Claude's signatures, which sign the summary text as Claude wrote it),
 * or an Anthropic stream from Bedrock (Claude's thinking, given with Bedrock's signature: see BEDROCK_THINKING_MARK).
 * Any Bedrock model's: an ARN does not say it serves Claude, and another model's reasoning left with its placeholders
 * shows the client no value. Another provider's reasoning is signed by no one (no envelope is made for it): restored,
 * whatever the client asked. The live relay and a cache replay of its stream both ask this, so a replay gives the
 * client the same bytes.
 */
export function streamReasoningSigned(
  format: DlpAnswerFormat,
  body: Record<string, unknown> | undefined,
  providerType: string | undefined,
): boolean {
  const adapter = providerType === undefined ? undefined : providerDefaults(providerType).adapter;
  return (
    (format === 'responses' &&
      (adapter === 'anthropic' || adapter === 'bedrock') &&
      wantsEncryptedReasoning(body)) ||
    (format === 'messages' && adapter === 'bedrock')
  );
}

/** The string fields of an OpenAI chat delta that carry model text (each restored as a channel of its own). */
const CHAT_TEXT_FIELDS = ['content', 'reasoning_content', 'reasoning', 'refusal'] as const;

interface Channel {
  restorer: StreamRestorer;
  /** The last delta event of this channel: the template for the event that releases held-back text. */
  template: { eventLine: string | null; data: Json };
  /** Where in `template.data` the delta text goes. */
  set: (data: Json, text: string) => void;
}

class RestoringTranslator implements StreamTranslator {
  private readonly decoder = new StringDecoder('utf8');
  private buffer = '';
  private readonly channels = new Map<string, Channel>();

  constructor(
    private readonly inner: StreamTranslator,
    private readonly format: DlpAnswerFormat,
    private readonly ctx: DlpContext,
    private readonly capture: ((piece: Buffer | string) => void) | null,
    private readonly translated: boolean,
    /**
     * A translated stream's reasoning (a Responses stream's summaries, an Anthropic stream's thinking) is the gateway's
     * own unsigned text, restored.
     */
    private readonly plainReasoning: boolean,
  ) {}

  get usage() {
    return this.inner.usage;
  }
  get usageFinal() {
    return this.inner.usageFinal;
  }
  get contentEmitted() {
    return this.inner.contentEmitted;
  }
  get finished() {
    return this.inner.finished;
  }
  get fault() {
    return this.inner.fault;
  }
  get finishReason() {
    return this.inner.finishReason;
  }

  push(chunk: Buffer): string {
    const piece = this.inner.push(chunk);
    return this.take(piece);
  }

  end(): string {
    const tail = this.take(this.inner.end());
    // A stream that stopped mid-event (truncated upstream): what is left goes out as it came, after the held-back
    // text of every channel.
    const rest = this.buffer + this.decoder.end();
    this.buffer = '';
    return tail + this.releaseAll() + (rest.length > 0 ? restoreText(rest, this.ctx) : '');
  }

  errorEvent(code: string, message: string): string {
    const held = this.releaseAll();
    const ev = this.inner.errorEvent(code, message);
    this.capture?.(ev);
    return held + ev;
  }

  private take(piece: Buffer | string): string {
    if (piece.length === 0) return '';
    this.capture?.(piece);
    const text = typeof piece === 'string' ? piece : this.decoder.write(piece);
    // Whole events in which no `[` can begin a placeholder, and nothing held back: no placeholder can be in them or
    // end in them, so they go out as they came (no parse, no re-framing). JSON arrays (`"choices":[{`) do not count.
    if (this.buffer === '' && !mayBeginPlaceholder(text) && endsAtEvent(text) && !this.holding()) return text;
    this.buffer += text;
    let out = '';
    for (;;) {
      const m = /\r?\n\r?\n/.exec(this.buffer);
      if (m === null) break;
      const block = this.buffer.slice(0, m.index);
      const sep = m[0];
      this.buffer = this.buffer.slice(m.index + sep.length);
      out += this.event(block, sep);
    }
    return out;
  }

  /** One SSE event block (without its blank-line terminator): rewritten when it carries restorable text. */
  private event(block: string, sep: string): string {
    const lines = block.split(/\r?\n/);
    let eventLine: string | null = null;
    const data: string[] = [];
    const other: string[] = [];
    for (const l of lines) {
      if (l.startsWith('data:')) data.push(l.slice(l.startsWith('data: ') ? 6 : 5));
      else if (l.startsWith('event:')) eventLine = l;
      else other.push(l);
    }
    const raw = data.join('\n');
    if (data.length === 0 || raw === '[DONE]' || raw.indexOf('{') === -1) {
      // `[DONE]` ends an OpenAI chat stream: whatever is held back goes before it.
      return (raw === '[DONE]' ? this.releaseAll() : '') + block + sep;
    }
    let json: Json;
    try {
      json = JSON.parse(raw) as Json;
    } catch {
      return block + sep;
    }
    const before = this.visit(json, eventLine);
    const rebuilt = [
      ...other,
      ...(eventLine !== null ? [eventLine] : []),
      `data: ${JSON.stringify(json)}`,
    ].join('\n');
    return before + rebuilt + '\n\n';
  }

  /** Restores `json` in place; returns events to send before it (released text of channels it closes). */
  private visit(json: Json, eventLine: string | null): string {
    switch (this.format) {
      case 'chat':
        return this.chatChunk(json, eventLine);
      case 'messages':
        return this.anthropicEvent(json, eventLine);
      case 'responses':
        return this.responsesEvent(json, eventLine);
    }
  }

  private channel(
    key: string,
    json: boolean,
    eventLine: string | null,
    data: Json,
    set: Channel['set'],
  ): Channel {
    let c = this.channels.get(key);
    if (c === undefined) {
      c = { restorer: createStreamRestorer(this.ctx, { json }), template: { eventLine, data }, set };
      this.channels.set(key, c);
    } else {
      c.template = { eventLine, data };
      c.set = set;
    }
    return c;
  }

  /** The held-back text of one channel as an event of its own (empty when nothing is held). */
  private release(key: string): string {
    const c = this.channels.get(key);
    if (c === undefined) return '';
    this.channels.delete(key);
    const text = c.restorer.flush();
    if (text.length === 0) return '';
    const data = structuredClone(c.template.data);
    c.set(data, text);
    return (
      (c.template.eventLine !== null ? c.template.eventLine + '\n' : '') + `data: ${JSON.stringify(data)}\n\n`
    );
  }

  /** Whether some channel holds back a possible partial placeholder. */
  private holding(): boolean {
    for (const c of this.channels.values()) if (c.restorer.holding) return true;
    return false;
  }

  private releaseAll(): string {
    let out = '';
    for (const key of [...this.channels.keys()]) out += this.release(key);
    return out;
  }

  // OpenAI chat: every text of choices[i].delta, each a channel of its own: `content` (a string, or a list of parts
  // whose text parts are the answer, as some compatible servers stream it), the unsigned reasoning fields
  // (`reasoning_content`, `reasoning`), `refusal`, and the arguments of `tool_calls[j].function` and of the legacy
  // `function_call`. Channel keys start with the choice's index: a finish_reason releases them all.
  private chatChunk(json: Json, eventLine: string | null): string {
    const choices = json.choices;
    if (!Array.isArray(choices)) return '';
    let before = '';
    for (const ch of choices as Json[]) {
      const i = typeof ch.index === 'number' ? ch.index : 0;
      const delta = ch.delta as Json | undefined;
      if (delta && typeof delta === 'object') {
        for (const field of CHAT_TEXT_FIELDS) {
          const text = delta[field];
          if (typeof text !== 'string') continue;
          const c = this.channel(
            `${i}/${field}`,
            false,
            eventLine,
            this.chatTemplate(json, i, { [field]: '' }),
            (d, t) => {
              ((d.choices as Json[])[0]!.delta as Json)[field] = t;
            },
          );
          delta[field] = c.restorer.push(text);
        }
        if (Array.isArray(delta.content)) this.chatParts(json, i, delta.content as unknown[], eventLine);
        if (Array.isArray(delta.tool_calls)) {
          for (const tc of delta.tool_calls as Json[]) {
            const fn = tc.function as Json | undefined;
            if (!fn || typeof fn.arguments !== 'string') continue;
            const j = typeof tc.index === 'number' ? tc.index : 0;
            const c = this.channel(
              `${i}/tool:${j}`,
              true,
              eventLine,
              this.chatTemplate(json, i, { tool_calls: [{ index: j, function: { arguments: '' } }] }),
              (d, t) => {
                const calls = ((d.choices as Json[])[0]!.delta as Json).tool_calls as Json[];
                (calls[0]!.function as Json).arguments = t;
              },
            );
            fn.arguments = c.restorer.push(fn.arguments);
          }
        }
        const fc = delta.function_call as Json | undefined;
        if (fc && typeof fc.arguments === 'string') {
          const c = this.channel(
            `${i}/function_call`,
            true,
            eventLine,
            this.chatTemplate(json, i, { function_call: { arguments: '' } }),
            (d, t) => {
              (((d.choices as Json[])[0]!.delta as Json).function_call as Json).arguments = t;
            },
          );
          fc.arguments = c.restorer.push(fc.arguments);
        }
      }
      if (ch.finish_reason !== null && ch.finish_reason !== undefined) {
        for (const key of [...this.channels.keys()]) if (key.startsWith(`${i}/`)) before += this.release(key);
      }
    }
    return before;
  }

  /**
   * A chat delta's content as a list of parts: text parts are the answer's channel (whichever part it comes in;
   * held-back text is released as a part), refusal parts and thinking parts (Mistral: `thinking` is a string or a
   * list of text parts, unsigned) channels of their own; any other part is restored as a whole answer's would be.
   */
  private chatParts(json: Json, i: number, parts: unknown[], eventLine: string | null): void {
    for (let k = 0; k < parts.length; k++) {
      const p = parts[k] as Json | null;
      if (!p || typeof p !== 'object') continue;
      if (p.type === 'text' && typeof p.text === 'string') {
        const c = this.channel(
          `${i}/content`,
          false,
          eventLine,
          this.chatTemplate(json, i, { content: [{ type: 'text', text: '' }] }),
          (d, t) => {
            ((d.choices as Json[])[0]!.delta as Json).content = [{ type: 'text', text: t }];
          },
        );
        p.text = c.restorer.push(p.text);
      } else if (p.type === 'refusal' && typeof p.refusal === 'string') {
        const c = this.channel(
          `${i}/part:refusal`,
          false,
          eventLine,
          this.chatTemplate(json, i, { content: [{ type: 'refusal', refusal: '' }] }),
          (d, t) => {
            ((d.choices as Json[])[0]!.delta as Json).content = [{ type: 'refusal', refusal: t }];
          },
        );
        p.refusal = c.restorer.push(p.refusal);
      } else if (p.type === 'thinking' && (typeof p.thinking === 'string' || Array.isArray(p.thinking))) {
        const asText = typeof p.thinking === 'string';
        const c = this.channel(
          `${i}/part:thinking`,
          false,
          eventLine,
          this.chatTemplate(json, i, { content: [] }),
          (d, t) => {
            ((d.choices as Json[])[0]!.delta as Json).content = [
              { type: 'thinking', thinking: asText ? t : [{ type: 'text', text: t }] },
            ];
          },
        );
        if (typeof p.thinking === 'string') p.thinking = c.restorer.push(p.thinking);
        else
          for (const tp of p.thinking as unknown[]) {
            const q = tp as Json | null;
            if (q && typeof q === 'object' && typeof q.text === 'string') q.text = c.restorer.push(q.text);
          }
      } else {
        const restored = restoreAnswer('chat', { choices: [{ message: { content: [p] } }] }, this.ctx);
        parts[k] = (((restored.choices as Json[])[0]!.message as Json).content as unknown[])[0];
      }
    }
  }

  private chatTemplate(json: Json, index: number, delta: Json): Json {
    const { choices: _choices, usage: _usage, ...rest } = json;
    return { ...rest, choices: [{ index, delta, finish_reason: null }] };
  }

  // Anthropic messages: content_block_delta text_delta / input_json_delta (and thinking_delta of a translated stream:
  // the gateway's unsigned block), closed by content_block_stop.
  private anthropicEvent(json: Json, eventLine: string | null): string {
    const index = typeof json.index === 'number' ? json.index : 0;
    if (json.type === 'content_block_delta') {
      const delta = json.delta as Json | undefined;
      if (delta?.type === 'text_delta' && typeof delta.text === 'string') {
        const c = this.channel(
          `b${index}`,
          false,
          eventLine,
          { type: 'content_block_delta', index, delta: { type: 'text_delta', text: '' } },
          (d, t) => {
            (d.delta as Json).text = t;
          },
        );
        delta.text = c.restorer.push(delta.text);
      } else if (delta?.type === 'input_json_delta' && typeof delta.partial_json === 'string') {
        const c = this.channel(
          `b${index}`,
          true,
          eventLine,
          { type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: '' } },
          (d, t) => {
            (d.delta as Json).partial_json = t;
          },
        );
        delta.partial_json = c.restorer.push(delta.partial_json);
      } else if (
        this.plainReasoning &&
        delta?.type === 'thinking_delta' &&
        typeof delta.thinking === 'string'
      ) {
        const c = this.channel(
          `b${index}`,
          false,
          eventLine,
          { type: 'content_block_delta', index, delta: { type: 'thinking_delta', thinking: '' } },
          (d, t) => {
            (d.delta as Json).thinking = t;
          },
        );
        delta.thinking = c.restorer.push(delta.thinking);
      }
      return '';
    }
    if (json.type === 'content_block_stop') return this.release(`b${index}`);
    if (json.type === 'content_block_start' && json.content_block && typeof json.content_block === 'object') {
      const restored = restoreAnswer('messages', { content: [json.content_block] }, this.ctx);
      json.content_block = (restored.content as unknown[])[0];
      return '';
    }
    if (json.type === 'message_stop') return this.releaseAll();
    return '';
  }

  // OpenAI Responses: output_text / refusal / function_call_arguments deltas, closed by their `.done` events.
  // Reasoning items (summary and reasoning text) are left as sent, like a whole answer's (core: signed reasoning),
  // except in a translated stream: there they are the gateway's own (another format's reasoning as a summary).
  private responsesEvent(json: Json, eventLine: string | null): string {
    const type = json.type;
    const out = typeof json.output_index === 'number' ? json.output_index : 0;
    const part = typeof json.content_index === 'number' ? json.content_index : 0;
    switch (type) {
      case 'response.output_text.delta':
      case 'response.refusal.delta':
      case 'response.function_call_arguments.delta':
      case 'response.custom_tool_call_input.delta': {
        if (typeof json.delta !== 'string') return '';
        const key =
          type === 'response.output_text.delta'
            ? `o${out}:${part}`
            : type === 'response.refusal.delta'
              ? `r${out}:${part}`
              : `f${out}`;
        const { delta: _d, logprobs: _l, obfuscation: _o, ...rest } = json;
        const c = this.channel(
          key,
          type === 'response.function_call_arguments.delta',
          eventLine,
          { ...rest, delta: '' },
          (d, t) => {
            d.delta = t;
          },
        );
        json.delta = c.restorer.push(json.delta);
        return '';
      }
      case 'response.reasoning_summary_text.delta': {
        if (!this.plainReasoning || typeof json.delta !== 'string') return '';
        const idx = typeof json.summary_index === 'number' ? json.summary_index : 0;
        const { delta: _d, obfuscation: _o, ...rest } = json;
        const c = this.channel(`s${out}:${idx}`, false, eventLine, { ...rest, delta: '' }, (d, t) => {
          d.delta = t;
        });
        json.delta = c.restorer.push(json.delta);
        return '';
      }
      case 'response.reasoning_summary_text.done': {
        if (!this.plainReasoning) return '';
        const idx = typeof json.summary_index === 'number' ? json.summary_index : 0;
        const before = this.release(`s${out}:${idx}`);
        if (typeof json.text === 'string') json.text = restoreText(json.text, this.ctx);
        return before;
      }
      case 'response.reasoning_summary_part.done': {
        const p = json.part as Json | undefined;
        if (this.plainReasoning && p && typeof p.text === 'string') p.text = restoreText(p.text, this.ctx);
        return '';
      }
      case 'response.output_text.done': {
        const before = this.release(`o${out}:${part}`);
        if (typeof json.text === 'string') json.text = restoreText(json.text, this.ctx);
        return before;
      }
      case 'response.refusal.done': {
        const before = this.release(`r${out}:${part}`);
        if (typeof json.refusal === 'string') json.refusal = restoreText(json.refusal, this.ctx);
        return before;
      }
      case 'response.function_call_arguments.done':
      case 'response.custom_tool_call_input.done': {
        const before = this.release(`f${out}`);
        if (typeof json.arguments === 'string')
          json.arguments = restoreJsonStringFragment(json.arguments, this.ctx);
        if (typeof json.input === 'string') json.input = restoreText(json.input, this.ctx);
        return before;
      }
      case 'response.content_part.done': {
        const p = json.part as Json | undefined;
        if (p && typeof p.text === 'string') p.text = restoreText(p.text, this.ctx);
        if (p && typeof p.refusal === 'string') p.refusal = restoreText(p.refusal, this.ctx);
        return '';
      }
      case 'response.output_item.done':
      case 'response.output_item.added': {
        if (json.item && typeof json.item === 'object') {
          const r = restoreAnswer('responses', { output: [json.item] }, this.ctx);
          json.item = this.translatedReasoning((r.output as unknown[])[0]);
        }
        return '';
      }
      case 'response.completed':
      case 'response.incomplete':
      case 'response.failed': {
        const before = this.releaseAll();
        if (json.response && typeof json.response === 'object') {
          const r = restoreAnswer('responses', json.response as Json, this.ctx);
          if (this.plainReasoning && Array.isArray(r.output))
            r.output = (r.output as unknown[]).map((it) => this.translatedReasoning(it));
          json.response = r;
        }
        return before;
      }
      default:
        return '';
    }
  }

  /**
   * A Responses output item: in a translated stream, a reasoning item's summary restored (the gateway's text), unless
   * it holds the gateway's envelope of Claude's signatures, which sign the summary as it came.
   */
  private translatedReasoning(item: unknown): unknown {
    const it = item as Json | null;
    if (
      !this.plainReasoning ||
      !it ||
      typeof it !== 'object' ||
      it.type !== 'reasoning' ||
      !Array.isArray(it.summary) ||
      holdsSignedThinking(it)
    )
      return item;
    const summary = (it.summary as unknown[]).map((p) => {
      const q = p as Json | null;
      return q && typeof q === 'object' && typeof q.text === 'string'
        ? { ...q, text: restoreText(q.text, this.ctx) }
        : p;
    });
    return { ...it, summary };
  }
}
