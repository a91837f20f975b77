/**
 * Streaming converters between Anthropic message events and OpenAI chat chunks.
 * Both are incremental state machines working on parsed events/chunks; wire
 * bytes are handled by SseParser upstream and sseJson downstream.
 */
import {
  anthropicStopToOpenai,
  anthropicUsageToOpenai,
  openaiStopToAnthropic,
  openaiUsageToAnthropic,
} from './openai-anthropic.js';
import { sseJson } from './sse.js';
import type { AnUsage, OaChunk, OaFinishReason, OaUsage } from './wire-types.js';

type Obj = Record<string, unknown>;

/** Anthropic SSE events (parsed JSON data) -> OpenAI chat.completion.chunk objects. */
export class AnthropicToOpenaiChunks {
  private id = 'chatcmpl-x';
  private model = '';
  private usage: AnUsage = { input_tokens: 0, output_tokens: 0 };
  /** Anthropic content block index -> OpenAI tool_calls index. */
  private toolIndex = new Map<number, number>();
  private nextTool = 0;
  finishReason: OaFinishReason | null = null;
  stopped = false;
  sawUsage = false;
  /** Content block index of the forced JSON tool (see jsonResponseTool), once it started. */
  private jsonBlock = -1;

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
          Object.assign(this.usage, m.usage);
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
        if (d.type === 'input_json_delta') {
          const ti = this.toolIndex.get(Number(ev.index));
          if (ti === undefined || !d.partial_json) return [];
          return [
            this.chunk({ tool_calls: [{ index: ti, function: { arguments: String(d.partial_json) } }] }),
          ];
        }
        return []; // thinking / signature deltas are not representable in chat chunks
      }
      case 'message_delta': {
        const d = (ev.delta ?? {}) as Obj;
        if (ev.usage) {
          const u = ev.usage as Partial<AnUsage>;
          // message_delta usage is cumulative; input_tokens appears there in newer API versions
          for (const k of [
            'input_tokens',
            'output_tokens',
            'cache_read_input_tokens',
            'cache_creation_input_tokens',
          ] as const) {
            if (typeof u[k] === 'number') this.usage[k] = u[k];
          }
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
      default:
        return []; // ping, content_block_stop
    }
  }
}

/**
 * OpenAI chat chunks -> Anthropic SSE text. Call `push` per chunk and `finish`
 * once the upstream is done (after `[DONE]` or the final usage chunk), so the
 * usage that OpenAI sends after finish_reason ends up in message_delta.
 */
export class OpenaiChunksToAnthropic {
  private started = false;
  private blockIndex = -1;
  private blockKind: 'text' | 'tool' | null = null;
  /** OpenAI tool_calls index -> open state. */
  private toolBlocks = new Map<number, number>();
  private currentTool = -1;
  private stopReason: string | null = null;
  private usage: OaUsage | null = null;
  finished = false;

  constructor(
    private model: string,
    private id: string = `msg_${Date.now().toString(36)}`,
    /** Estimated input tokens for message_start when the upstream reports usage only at the end. */
    private inputTokensHint = 0,
  ) {}

  get anthropicStopReason(): string | null {
    return this.stopReason;
  }

  private start(): string {
    if (this.started) return '';
    this.started = true;
    return sseJson(
      {
        type: 'message_start',
        message: {
          id: this.id,
          type: 'message',
          role: 'assistant',
          model: this.model,
          content: [],
          stop_reason: null,
          stop_sequence: null,
          usage: { input_tokens: this.inputTokensHint, output_tokens: 0 },
        },
      },
      'message_start',
    );
  }

  private closeBlock(): string {
    if (this.blockKind === null) return '';
    this.blockKind = null;
    return sseJson({ type: 'content_block_stop', index: this.blockIndex }, 'content_block_stop');
  }

  push(chunk: OaChunk): string {
    let out = this.start();
    if (chunk.usage) this.usage = chunk.usage;
    const choice = chunk.choices?.[0];
    if (!choice) return out;
    const d = choice.delta ?? {};
    const text = d.content ?? d.refusal;
    if (text) {
      if (this.blockKind !== 'text') {
        out += this.closeBlock();
        this.blockIndex++;
        this.blockKind = 'text';
        out += sseJson(
          { type: 'content_block_start', index: this.blockIndex, content_block: { type: 'text', text: '' } },
          'content_block_start',
        );
      }
      out += sseJson(
        { type: 'content_block_delta', index: this.blockIndex, delta: { type: 'text_delta', text } },
        'content_block_delta',
      );
    }
    for (const tc of d.tool_calls ?? []) {
      const ti = tc.index ?? 0;
      if (!this.toolBlocks.has(ti) || (tc.id && this.currentTool !== ti)) {
        if (!this.toolBlocks.has(ti)) {
          out += this.closeBlock();
          this.blockIndex++;
          this.blockKind = 'tool';
          this.toolBlocks.set(ti, this.blockIndex);
          this.currentTool = ti;
          out += sseJson(
            {
              type: 'content_block_start',
              index: this.blockIndex,
              content_block: {
                type: 'tool_use',
                id: tc.id ?? `toolu_${ti}`,
                name: tc.function?.name ?? '',
                input: {},
              },
            },
            'content_block_start',
          );
        }
      }
      const args = tc.function?.arguments;
      if (args) {
        const bi = this.toolBlocks.get(ti)!;
        out += sseJson(
          { type: 'content_block_delta', index: bi, delta: { type: 'input_json_delta', partial_json: args } },
          'content_block_delta',
        );
      }
    }
    if (choice.finish_reason) this.stopReason = openaiStopToAnthropic(choice.finish_reason);
    return out;
  }

  /** Emit the closing events. `complete` false (upstream cut) still closes the message for well-formedness only if asked. */
  finish(): string {
    if (this.finished) return '';
    this.finished = true;
    let out = this.start() + this.closeBlock();
    const u = openaiUsageToAnthropic(this.usage);
    out += sseJson(
      {
        type: 'message_delta',
        delta: { stop_reason: this.stopReason ?? 'end_turn', stop_sequence: null },
        usage: {
          input_tokens: this.usage ? u.input_tokens : this.inputTokensHint,
          output_tokens: u.output_tokens,
          cache_read_input_tokens: u.cache_read_input_tokens,
        },
      },
      'message_delta',
    );
    out += sseJson({ type: 'message_stop' }, 'message_stop');
    return out;
  }
}
