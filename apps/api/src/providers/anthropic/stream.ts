/**
 * Anthropic stream decoding: message events (SSE) as OpenAI chat chunks (the pivot), and the scanner for an
 * Anthropic stream relayed byte for byte to an Anthropic-format client.
 */
import { anthropicStopToOpenai, anthropicUsageToOpenai } from '../../translate/messages.js';
import type { AnUsage, OaChunk, OaFinishReason, OaUsage } from '../../translate/wire-types.js';
import { SIGNED_THINKING, type SignedThinkingBlock } from '../../translate/signed-thinking.js';
import { SseDecoder, usageFromOpenai } from '../compose.js';
import type { RelayScanner, RelaySink, StreamSink, WireOptions } from '../types.js';
import { usageFromAnthropic } from './response.js';

type Obj = Record<string, unknown>;

const USAGE_FIELDS = [
  'input_tokens',
  'output_tokens',
  'cache_read_input_tokens',
  'cache_creation_input_tokens',
] as const;

/**
 * A message_start or message_delta event's usage over what the stream reported before it. message_delta's figures
 * are cumulative (input_tokens appears there in newer API versions); a figure it leaves out or sends as null is one
 * it did not give, not 0 (none yet: unknown, and estimated). Its output figure is the answer's own: message_start's
 * is a placeholder, so a message_delta (`delta`) without a readable one leaves the output unknown.
 */
export function mergeAnthropicUsage(into: Partial<AnUsage>, u: Obj, delta: boolean): void {
  for (const k of USAGE_FIELDS) {
    const v = u[k];
    if (typeof v === 'number') into[k] = v;
    else if (delta && k === 'output_tokens') delete into[k];
  }
  // The cache writes by lifetime (see anthropicExtras).
  const by = u.cache_creation;
  if (by && typeof by === 'object' && !Array.isArray(by))
    into.cache_creation = by as AnUsage['cache_creation'];
  // The server-side tools that ran (web searches), cumulative like the figures.
  const tools = u.server_tool_use;
  if (tools && typeof tools === 'object' && !Array.isArray(tools))
    into.server_tool_use = tools as AnUsage['server_tool_use'];
}

/** Anthropic SSE events (parsed JSON data) -> OpenAI chat.completion.chunk objects. */
export class AnthropicToOpenaiChunks {
  private id = 'chatcmpl-x';
  private model = '';
  private usage: Partial<AnUsage> = {};
  /** Anthropic content block index -> OpenAI tool_calls index. */
  private toolIndex = new Map<number, number>();
  private nextTool = 0;
  /** Tool blocks (content block index) whose arguments are still empty: "{}" is sent for them at their stop. */
  private emptyArgs = new Set<number>();
  finishReason: OaFinishReason | null = null;
  stopped = false;
  sawUsage = false;
  /** Content block index of the forced JSON tool (see jsonResponseTool), once it started. */
  private jsonBlock = -1;
  /**
   * Thinking blocks still open (content block index -> the block so far): at its stop a block signed whole is given
   * with a chunk of its own (see SIGNED_THINKING), its signature having come last (signature_delta).
   */
  private thinkingBlocks = new Map<number, SignedThinkingBlock>();

  /**
   * @param jsonTool The forced tool that carries a JSON response format: its input_json_delta pieces become
   * content deltas, its tool_use stop a `stop`, and no tool call is shown (other text is not part of the answer).
   */
  constructor(
    private created: number = Math.floor(Date.now() / 1000),
    private jsonTool?: string,
  ) {}

  private chunk(delta: OaChunk['choices'][number]['delta'], finish: OaFinishReason | null = null): OaChunk {
    return {
      id: this.id,
      object: 'chat.completion.chunk',
      created: this.created,
      model: this.model,
      choices: [{ index: 0, delta, finish_reason: finish }],
    };
  }

  /** Usage so far in OpenAI shape. */
  get openaiUsage(): OaUsage {
    return anthropicUsageToOpenai(this.usage);
  }

  push(ev: Obj): OaChunk[] {
    switch (ev.type) {
      case 'message_start': {
        const m = (ev.message ?? {}) as Obj;
        if (typeof m.id === 'string') this.id = m.id.startsWith('msg_') ? `chatcmpl-${m.id.slice(4)}` : m.id;
        if (typeof m.model === 'string') this.model = m.model;
        if (m.usage) {
          mergeAnthropicUsage(this.usage, m.usage as Obj, false);
          this.sawUsage = true;
        }
        return [this.chunk({ role: 'assistant', content: '' })];
      }
      case 'content_block_start': {
        const b = (ev.content_block ?? {}) as Obj;
        if (this.jsonTool !== undefined) {
          if (b.type === 'tool_use' && b.name === this.jsonTool) this.jsonBlock = Number(ev.index);
          return [];
        }
        if (b.type === 'tool_use') {
          const ti = this.nextTool++;
          this.toolIndex.set(Number(ev.index), ti);
          this.emptyArgs.add(Number(ev.index));
          return [
            this.chunk({
              tool_calls: [
                {
                  index: ti,
                  id: String(b.id),
                  type: 'function',
                  function: { name: String(b.name), arguments: '' },
                },
              ],
            }),
          ];
        }
        if (b.type === 'text' && typeof b.text === 'string' && b.text)
          return [this.chunk({ content: b.text })];
        if (b.type === 'thinking') {
          const thinking = typeof b.thinking === 'string' ? b.thinking : '';
          const signature = typeof b.signature === 'string' ? b.signature : '';
          this.thinkingBlocks.set(Number(ev.index), {
            type: 'thinking',
            thinking,
            signature,
            origin: 'anthropic',
          });
          return thinking ? [this.chunk({ reasoning_content: thinking })] : [];
        }
        if (b.type === 'redacted_thinking' && typeof b.data === 'string' && b.data)
          this.thinkingBlocks.set(Number(ev.index), {
            type: 'redacted_thinking',
            data: b.data,
            origin: 'anthropic',
          });
        return [];
      }
      case 'content_block_delta': {
        const d = (ev.delta ?? {}) as Obj;
        if (this.jsonTool !== undefined) {
          if (d.type !== 'input_json_delta' || Number(ev.index) !== this.jsonBlock || !d.partial_json)
            return [];
          return [this.chunk({ content: String(d.partial_json) })];
        }
        if (d.type === 'text_delta') return [this.chunk({ content: String(d.text ?? '') })];
        // Claude's thinking as the chat reasoning field the compatible APIs use; the block, with its signature
        // (signature_delta), is given whole at its stop (see SIGNED_THINKING).
        if (d.type === 'thinking_delta') {
          if (typeof d.thinking !== 'string' || !d.thinking) return [];
          const open = this.thinkingBlocks.get(Number(ev.index));
          if (open?.type === 'thinking') open.thinking += d.thinking;
          return [this.chunk({ reasoning_content: d.thinking })];
        }
        if (d.type === 'signature_delta') {
          const open = this.thinkingBlocks.get(Number(ev.index));
          if (open?.type === 'thinking' && typeof d.signature === 'string') open.signature += d.signature;
          return [];
        }
        if (d.type === 'input_json_delta') {
          const ti = this.toolIndex.get(Number(ev.index));
          if (ti === undefined || !d.partial_json) return [];
          if (this.emptyArgs.size > 0) this.emptyArgs.delete(Number(ev.index));
          return [
            this.chunk({ tool_calls: [{ index: ti, function: { arguments: String(d.partial_json) } }] }),
          ];
        }
        return [];
      }
      case 'message_delta': {
        const d = (ev.delta ?? {}) as Obj;
        if (ev.usage) {
          mergeAnthropicUsage(this.usage, ev.usage as Obj, true);
          this.sawUsage = true;
        }
        if (d.stop_reason !== undefined && d.stop_reason !== null) {
          this.finishReason =
            this.jsonBlock >= 0 && d.stop_reason === 'tool_use'
              ? 'stop'
              : anthropicStopToOpenai(String(d.stop_reason));
          return [this.chunk({}, this.finishReason)];
        }
        return [];
      }
      case 'message_stop': {
        this.stopped = true;
        const c = this.chunk({});
        c.choices = [];
        c.usage = this.openaiUsage;
        return [c];
      }
      case 'content_block_stop': {
        if (this.thinkingBlocks.size > 0) {
          const done = this.thinkingBlocks.get(Number(ev.index));
          if (done) {
            this.thinkingBlocks.delete(Number(ev.index));
            // A block with no signature is not Claude's own to give back.
            if (done.type === 'redacted_thinking' || done.signature)
              return [this.chunk({ [SIGNED_THINKING]: [done] })];
            return [];
          }
        }
        // A tool called without arguments: "{}" (as OpenAI sends, and the whole-answer path gives), never "".
        if (this.emptyArgs.size === 0 || !this.emptyArgs.delete(Number(ev.index))) return [];
        const ti = this.toolIndex.get(Number(ev.index))!;
        return [this.chunk({ tool_calls: [{ index: ti, function: { arguments: '{}' } }] })];
      }
      default:
        return []; // ping
    }
  }
}

/** An Anthropic SSE stream as pivot chunks. */
export class AnthropicStreamDecoder extends SseDecoder {
  private chunks: AnthropicToOpenaiChunks;

  constructor(o: WireOptions) {
    super();
    this.chunks = new AnthropicToOpenaiChunks(o.created, o.jsonTool);
  }

  protected event(event: string | undefined, data: string, sink: StreamSink): void {
    if (event === 'ping') return;
    const j = sink.json(data);
    if (!j) return;
    if (j.type === 'error' || event === 'error') {
      sink.fail('upstream_error', 'The upstream sent an error event.', data);
      return;
    }
    for (const c of this.chunks.push(j)) sink.chunk(c);
    // The usage comes whole only with message_stop: message_start's input and cache figures stand until then (its
    // output_tokens is a placeholder, the text counts), and message_delta's output figure is the final one.
    const u =
      j.type === 'message_start'
        ? (j.message as Obj | undefined)?.usage
        : j.type === 'message_delta'
          ? j.usage
          : null;
    if (u) {
      sink.upstreamUsage = usageFromOpenai(this.chunks.openaiUsage);
      if (j.type === 'message_delta') sink.usageFinal = true;
    }
    if (this.chunks.stopped) sink.done();
  }
}

/** Reads an Anthropic stream relayed to an Anthropic-format client: usage, content, stop reason, the end, faults. */
export class AnthropicRelay implements RelayScanner {
  readonly drops = false;
  /** The stream's usage so far, in Anthropic's fields. */
  private usage: Partial<AnUsage> = {};

  scan(event: string | undefined, data: string, sink: RelaySink): boolean {
    if (event === 'content_block_delta') {
      sink.contentEmitted = true;
      sink.outChars += Math.max(0, data.length - 80);
    } else if (event === 'message_start' || event === 'message_delta') {
      const j = sink.json(data);
      if (!j) return true;
      const u = (event === 'message_start' ? (j.message as Obj | undefined)?.usage : j.usage) as
        Obj | undefined;
      if (u) {
        mergeAnthropicUsage(this.usage, u, event === 'message_delta');
        sink.upstreamUsage = usageFromAnthropic({ ...this.usage });
        // message_start's output_tokens is a placeholder; message_delta's is the answer's.
        if (event === 'message_delta') sink.usageFinal = true;
      }
      const sr = (j.delta as Obj | undefined)?.stop_reason;
      if (typeof sr === 'string') sink.finishReason = sr;
    } else if (event === 'message_stop') sink.finished = true;
    else if (event === 'error') sink.fail('upstream_error', 'The upstream sent an error event.', data);
    else if (data && data.charCodeAt(0) !== 123)
      sink.fail('malformed', 'The upstream sent a malformed event.');
    return true;
  }
}
