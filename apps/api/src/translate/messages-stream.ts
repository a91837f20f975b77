/**
 * The Anthropic Messages client format, streamed: OpenAI chat chunks (the pivot) as Anthropic message events.
 * An incremental state machine on parsed chunks; the bytes it writes are SSE text (sseJson).
 */
import { matchedStopSequence, openaiStopToAnthropic, openaiUsageToAnthropic } from './messages.js';
import { anthropicClientThinking, UNSIGNED_THINKING_SIGNATURE } from './reasoning.js';
import { signedThinkingOn, type SignedThinkingBlock } from './signed-thinking.js';
import { sseJson } from './sse.js';
import { UPSTREAM_STOP, type OaChunk, type OaUsage } from './wire-types.js';

/**
 * OpenAI chat chunks -> Anthropic SSE text. Call `push` per chunk and `finish`
 * once the upstream is done (after `[DONE]` or the final usage chunk), so the
 * usage that OpenAI sends after finish_reason ends up in message_delta.
 */
export class OpenaiChunksToAnthropic {
  private started = false;
  private blockIndex = -1;
  private blockKind: 'thinking' | 'text' | 'tool' | null = null;
  /** The open thinking block's text so far (a signature that comes for it must sign exactly this). */
  private thinkingText = '';
  /** OpenAI tool_calls index -> open state. */
  private toolBlocks = new Map<number, number>();
  private currentTool = -1;
  private stopReason: string | null = null;
  private usage: OaUsage | null = null;
  /** What the answer's text came as: a refusal alone ends as Anthropic's "refusal". */
  private sawContent = false;
  private sawRefusal = false;
  finished = false;

  constructor(
    private model: string,
    private id: string = `msg_${Date.now().toString(36)}`,
    /** Estimated input tokens for message_start when the upstream reports usage only at the end. */
    private inputTokensHint = 0,
    /** The client's stop sequences (see matchedStopSequence). */
    private stopSequences?: unknown,
  ) {}

  /** The stop sequence the answer stopped on, when the upstream said (see matchedStopSequence). */
  private stopSequence: string | null = null;

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
    // The upstream's reasoning (DeepSeek's reasoning_content, OpenRouter's reasoning; Claude's on Bedrock) as a thinking
    // block of its own, unsigned (see UNSIGNED_THINKING_SIGNATURE) unless its signature comes (below): a block of its
    // own where it comes (before the text, or between tool calls with Claude's interleaved thinking).
    const reasoning = d.reasoning_content || (d as { reasoning?: unknown }).reasoning;
    if (typeof reasoning === 'string' && reasoning) out += this.thinking(reasoning);
    // Claude's blocks complete with this chunk, signed (Claude's on Bedrock): a thinking block's signature closes it.
    for (const b of signedThinkingOn(d) ?? []) out += this.signed(b);
    const text = d.content || d.refusal;
    if (d.content) this.sawContent = true;
    else if (d.refusal) this.sawRefusal = true;
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
    // After this chunk's tool calls: a call that comes with the finish still makes the turn a tool_use.
    if (choice.finish_reason)
      this.stopReason =
        this.sawRefusal && !this.sawContent && this.toolBlocks.size === 0 && choice.finish_reason === 'stop'
          ? 'refusal'
          : openaiStopToAnthropic(choice.finish_reason, this.toolBlocks.size > 0, choice[UPSTREAM_STOP]);
    if (choice.finish_reason && this.toolBlocks.size === 0) {
      this.stopSequence = matchedStopSequence(choice, this.stopSequences);
      if (this.stopSequence !== null) this.stopReason = 'stop_sequence';
    }
    return out;
  }

  /** A new thinking block (its text and signature to come), the block open before it closed. */
  private openThinking(): string {
    const out = this.closeBlock();
    this.blockIndex++;
    this.blockKind = 'thinking';
    this.thinkingText = '';
    return (
      out +
      sseJson(
        {
          type: 'content_block_start',
          index: this.blockIndex,
          content_block: { type: 'thinking', thinking: '', signature: UNSIGNED_THINKING_SIGNATURE },
        },
        'content_block_start',
      )
    );
  }

  private thinking(text: string): string {
    let out = '';
    if (this.blockKind !== 'thinking') out += this.openThinking();
    this.thinkingText += text;
    return (
      out +
      sseJson(
        {
          type: 'content_block_delta',
          index: this.blockIndex,
          delta: { type: 'thinking_delta', thinking: text },
        },
        'content_block_delta',
      )
    );
  }

  /**
   * One of Claude's blocks, complete and signed (see SIGNED_THINKING), as Claude streams it: a thinking block's
   * signature as a `signature_delta` ending the block its text was streamed in (opened for it when it has no text),
   * redacted thinking as a block of its own, its data in its start. A signature whose text is not the open block's
   * (the upstream's text for it went elsewhere) is left out: the block stays unsigned, as a signature must sign
   * exactly its text.
   */
  private signed(b: SignedThinkingBlock): string {
    const shown = anthropicClientThinking(b);
    if (b.type === 'redacted_thinking') {
      let out = this.closeBlock();
      this.blockIndex++;
      out += sseJson(
        { type: 'content_block_start', index: this.blockIndex, content_block: shown },
        'content_block_start',
      );
      return out + sseJson({ type: 'content_block_stop', index: this.blockIndex }, 'content_block_stop');
    }
    let out = '';
    if (this.blockKind !== 'thinking' && b.thinking === '') out += this.openThinking();
    if (this.blockKind !== 'thinking' || this.thinkingText !== b.thinking) return out;
    out += sseJson(
      {
        type: 'content_block_delta',
        index: this.blockIndex,
        delta: { type: 'signature_delta', signature: (shown as { signature: string }).signature },
      },
      'content_block_delta',
    );
    return out + this.closeBlock();
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
        delta: { stop_reason: this.stopReason ?? 'end_turn', stop_sequence: this.stopSequence },
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
