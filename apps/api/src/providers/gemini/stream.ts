/** Gemini stream decoding: streamGenerateContent?alt=sse (each SSE data a GenerateContentResponse) as pivot chunks. */
import type { OaChunk, OaFinishReason, OaUsage } from '../../translate/wire-types.js';
import { SseDecoder, usageFromOpenai } from '../compose.js';
import type { StreamSink, WireOptions } from '../types.js';
import { extract, finishOf, geminiUsageToOpenai } from './response.js';

type Obj = Record<string, unknown>;

/** Gemini stream (each SSE data is a GenerateContentResponse) -> OpenAI chunks. */
export class GeminiToOpenaiChunks {
  private started = false;
  private toolCount = 0;
  private id = '';
  usage: OaUsage | null = null;
  finishReason: OaFinishReason | null = null;

  constructor(
    private model: string,
    private created: number = Math.floor(Date.now() / 1000),
  ) {}

  private chunk(delta: OaChunk['choices'][number]['delta'], finish: OaFinishReason | null = null): OaChunk {
    return {
      id: `chatcmpl-${this.id}`,
      object: 'chat.completion.chunk',
      created: this.created,
      model: this.model,
      choices: [{ index: 0, delta, finish_reason: finish }],
    };
  }

  push(ev: Obj): OaChunk[] {
    if (!this.id) this.id = String(ev.responseId ?? this.created.toString(36));
    const out: OaChunk[] = [];
    if (!this.started) {
      this.started = true;
      out.push(this.chunk({ role: 'assistant', content: '' }));
    }
    const u = geminiUsageToOpenai(ev.usageMetadata as Obj | undefined);
    if (u) this.usage = u;
    const cand = ((ev.candidates ?? []) as Obj[])[0];
    const { text, calls, thoughts } = extract(cand, this.id, this.toolCount);
    if (thoughts) out.push(this.chunk({ reasoning_content: thoughts }));
    if (text) out.push(this.chunk({ content: text }));
    if (calls.length) {
      out.push(
        this.chunk({
          tool_calls: calls.map((c, i) => ({
            index: this.toolCount + i,
            id: c.id,
            type: 'function' as const,
            function: c.function,
          })),
        }),
      );
      this.toolCount += calls.length;
    }
    if (!cand && (ev.promptFeedback as Obj | undefined)?.blockReason) this.finishReason = 'content_filter';
    const f = finishOf(cand, this.toolCount > 0);
    if (f) this.finishReason = f;
    return out;
  }

  /** Final chunks: finish_reason then usage. Call once the upstream stream ended. */
  finish(): OaChunk[] {
    const last = this.chunk({}, this.finishReason ?? 'stop');
    const usage = this.chunk({});
    usage.choices = [];
    usage.usage = this.usage ?? { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 };
    return [last, usage];
  }
}

/** A Gemini SSE stream as pivot chunks; the finish and usage chunks come once the upstream ends. */
export class GeminiStreamDecoder extends SseDecoder {
  private chunks: GeminiToOpenaiChunks;

  constructor(o: WireOptions) {
    super();
    this.chunks = new GeminiToOpenaiChunks(o.model, o.created);
  }

  protected event(_event: string | undefined, data: string, sink: StreamSink): void {
    const j = sink.json(data);
    if (!j) return;
    if (j.error) {
      sink.fail('upstream_error', 'The upstream sent an error in the stream.', data);
      return;
    }
    for (const c of this.chunks.push(j)) sink.chunk(c);
    // Each event's usageMetadata is the usage so far (the prompt and cache figures from the first); the final one is
    // handed on once the stream ends. A stream cut before then keeps them, its output counting at least the text.
    if (j.usageMetadata && this.chunks.usage) sink.upstreamUsage = usageFromOpenai(this.chunks.usage);
  }

  protected override ended(sink: StreamSink): void {
    if (!this.chunks.finishReason) return;
    for (const c of this.chunks.finish()) sink.chunk(c);
    sink.done();
  }
}
