/**
 * Bedrock ConverseStream: AWS event-stream binary frames (decoded with @smithy/eventstream-codec) carrying
 * messageStart, contentBlockStart/Delta/Stop, messageStop and metadata events, turned into OpenAI chat chunks
 * (the pivot) as they arrive; the client's encoder then writes them in the client's format.
 */
import { EventStreamCodec } from '@smithy/eventstream-codec';
import { fromUtf8, toUtf8 } from '@smithy/util-utf8';
import { SIGNED_THINKING, type SignedThinkingBlock } from '../../translate/signed-thinking.js';
import type { OaChunk, OaFinishReason, OaUsage } from '../../translate/wire-types.js';
import { usageFromOpenai } from '../compose.js';
import type { StreamDecoder, StreamSink, UpstreamError, WireOptions } from '../types.js';
import { BEDROCK_STOP, converseUsageToOpenai, finerStop, malformedStop } from './response.js';

type Obj = Record<string, unknown>;

const codec = new EventStreamCodec(toUtf8, fromUtf8);

export interface BedrockEvent {
  /** `:event-type` (e.g. contentBlockDelta) or, for exceptions, `:exception-type`. */
  type: string;
  exception: boolean;
  payload: Obj;
}

/** Splits an event-stream byte stream into messages (4-byte big-endian total length prefix), incrementally. */
export class EventStreamSplitter {
  #buf: Buffer = Buffer.alloc(0);
  /**
   * Reads that came while a frame longer than `#buf` was incomplete (joined once it is whole: copying the frame so far
   * on every read made a large frame quadratic), and their length.
   */
  #more: Buffer[] = [];
  #moreBytes = 0;
  /** The length of the incomplete frame at the head of `#buf` (0: not known). */
  #need = 0;

  push(chunk: Buffer): BedrockEvent[] {
    if (this.#need && this.#buf.length + this.#moreBytes + chunk.length < this.#need) {
      this.#more.push(chunk);
      this.#moreBytes += chunk.length;
      return [];
    }
    this.#buf = this.#buf.length ? Buffer.concat([this.#buf, ...this.#more, chunk]) : chunk;
    this.#more = [];
    this.#moreBytes = 0;
    this.#need = 0;
    const out: BedrockEvent[] = [];
    while (this.#buf.length >= 4) {
      const total = this.#buf.readUInt32BE(0);
      if (total < 16 || total > 16 * 1024 * 1024)
        throw new Error(`invalid event-stream frame length ${total}`);
      if (this.#buf.length < total) {
        this.#need = total;
        break;
      }
      const frame = this.#buf.subarray(0, total);
      this.#buf = this.#buf.subarray(total);
      const msg = codec.decode(frame);
      const header = (name: string) => {
        const h = msg.headers[name];
        return h && h.type === 'string' ? h.value : undefined;
      };
      const exception = header(':message-type') === 'exception' || header(':message-type') === 'error';
      const type = header(':event-type') ?? header(':exception-type') ?? header(':error-code') ?? 'unknown';
      let payload: Obj = {};
      const text = toUtf8(msg.body);
      if (text) payload = JSON.parse(text) as Obj;
      out.push({ type, exception, payload });
    }
    return out;
  }

  /** Bytes left over that did not make a whole frame. */
  get pending(): number {
    return this.#buf.length + this.#moreBytes;
  }
}

/** Encodes one event as a frame (used by the test upstream). */
export function encodeBedrockEvent(type: string, payload: Obj): Uint8Array {
  return codec.encode({
    headers: {
      ':event-type': { type: 'string', value: type },
      ':content-type': { type: 'string', value: 'application/json' },
      ':message-type': { type: 'string', value: 'event' },
    },
    body: fromUtf8(JSON.stringify(payload)),
  });
}

/** ConverseStream events → OpenAI chat chunks. */
export class BedrockStreamToOpenaiChunks {
  private toolIndex = new Map<number, number>();
  private tools = 0;
  usage: OaUsage | null = null;
  finishReason: OaFinishReason | null = null;
  /** Converse's own stop reason (messageStop). */
  stopReason: string | null = null;
  /** The messageStop event's additionalModelResponseFields (the stop sequence matched, when asked for). */
  private responseFields: unknown;
  stopped = false;
  /** Claude's reasoning blocks still open (content block index -> the block so far), given whole at their stop. */
  private reasoningBlocks = new Map<number, SignedThinkingBlock>();

  constructor(
    private model: string,
    private created: number,
    private id = `chatcmpl-${created.toString(36)}`,
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

  push(ev: BedrockEvent): OaChunk[] {
    const p = ev.payload;
    switch (ev.type) {
      case 'messageStart':
        return [this.chunk({ role: 'assistant', content: '' })];
      case 'contentBlockStart': {
        const start = (p.start as Obj | undefined)?.toolUse as Obj | undefined;
        if (!start) return [];
        const idx = this.tools++;
        this.toolIndex.set(Number(p.contentBlockIndex ?? 0), idx);
        return [
          this.chunk({
            tool_calls: [
              {
                index: idx,
                id: String(start.toolUseId ?? `call_${idx}`),
                type: 'function',
                function: { name: String(start.name ?? ''), arguments: '' },
              },
            ],
          }),
        ];
      }
      case 'contentBlockDelta': {
        const d = (p.delta ?? {}) as Obj;
        if (typeof d.text === 'string') return d.text ? [this.chunk({ content: d.text })] : [];
        // Claude's thinking (reasoningContent.text); its signature and redacted thinking make the block kept for its
        // end (see SIGNED_THINKING).
        const rc = d.reasoningContent as Obj | undefined;
        if (rc) {
          const at = Number(p.contentBlockIndex ?? 0);
          let open = this.reasoningBlocks.get(at);
          if (typeof rc.redactedContent === 'string' && rc.redactedContent) {
            this.reasoningBlocks.set(at, {
              type: 'redacted_thinking',
              data: rc.redactedContent,
              origin: 'bedrock',
            });
            return [];
          }
          if (!open)
            this.reasoningBlocks.set(
              at,
              (open = { type: 'thinking', thinking: '', signature: '', origin: 'bedrock' }),
            );
          if (open.type === 'thinking') {
            if (typeof rc.text === 'string') open.thinking += rc.text;
            if (typeof rc.signature === 'string') open.signature += rc.signature;
          }
          return typeof rc.text === 'string' && rc.text ? [this.chunk({ reasoning_content: rc.text })] : [];
        }
        const tu = d.toolUse as Obj | undefined;
        if (tu && typeof tu.input === 'string') {
          const idx = this.toolIndex.get(Number(p.contentBlockIndex ?? 0)) ?? 0;
          return [this.chunk({ tool_calls: [{ index: idx, function: { arguments: tu.input } }] })];
        }
        return [];
      }
      case 'contentBlockStop': {
        const at = Number(p.contentBlockIndex ?? 0);
        const done = this.reasoningBlocks.get(at);
        if (!done) return [];
        this.reasoningBlocks.delete(at);
        return done.type === 'redacted_thinking' || done.signature
          ? [this.chunk({ [SIGNED_THINKING]: [done] })]
          : [];
      }
      case 'messageStop': {
        const r = String(p.stopReason ?? 'end_turn');
        this.stopReason = r;
        this.responseFields = p.additionalModelResponseFields;
        this.finishReason = BEDROCK_STOP[r] ?? 'stop';
        return [];
      }
      case 'metadata': {
        this.usage = converseUsageToOpenai(p.usage as Obj | undefined);
        this.stopped = true;
        const finish = this.chunk({}, this.finishReason ?? 'stop');
        if (this.stopReason !== null)
          Object.assign(finish.choices[0]!, finerStop(this.stopReason, this.responseFields));
        return [
          finish,
          {
            id: this.id,
            object: 'chat.completion.chunk',
            created: this.created,
            model: this.model,
            choices: [],
            usage: this.usage,
          },
        ];
      }
      default:
        return [];
    }
  }
}

/** A ConverseStream as pivot chunks, frame by frame. */
export class BedrockStreamDecoder implements StreamDecoder {
  private frames = new EventStreamSplitter();
  private chunks: BedrockStreamToOpenaiChunks;
  /** The turn stopped as malformed (messageStop): the stream fails once its usage (metadata) is in. */
  private malformed: UpstreamError | null = null;

  constructor(o: WireOptions) {
    this.chunks = new BedrockStreamToOpenaiChunks(o.model, o.created);
  }

  push(chunk: Buffer, sink: StreamSink): void {
    let events;
    try {
      events = this.frames.push(chunk);
    } catch (err) {
      sink.fail('malformed', `The upstream sent a malformed event-stream frame: ${(err as Error).message}`);
      return;
    }
    for (const ev of events) {
      if (ev.exception) {
        sink.fail(
          'upstream_error',
          `The upstream sent ${ev.type}.`,
          JSON.stringify({ error: { message: String(ev.payload.message ?? ev.type), code: ev.type } }),
        );
        break;
      }
      // A turn stopped as malformed is not an answer: the stream fails (fallen back from before the first byte, an
      // error event after it), never finishes. Converse bills it all the same, and its usage comes in the metadata
      // event after messageStop: the failure waits for it, so the stream carries what was billed, not an estimate.
      if (this.malformed === null && ev.type === 'messageStop')
        this.malformed = malformedStop(String(ev.payload.stopReason));
      if (this.malformed !== null) {
        if (ev.type === 'metadata' && ev.payload.usage && typeof ev.payload.usage === 'object') {
          sink.upstreamUsage = usageFromOpenai(
            converseUsageToOpenai(ev.payload.usage as Record<string, unknown>),
          );
          sink.usageFinal = true;
        }
        if (ev.type !== 'messageStop') {
          failMalformed(sink, this.malformed);
          break;
        }
        continue;
      }
      for (const c of this.chunks.push(ev)) sink.chunk(c);
      if (this.chunks.stopped) sink.done();
    }
  }

  /** A stream that ended after messageStop but without metadata still finished; otherwise it was cut. */
  end(sink: StreamSink): void {
    if (sink.finished || sink.faulted) return;
    // Stopped as malformed and ended without its metadata: the failure stands, with no usage reported.
    if (this.malformed !== null) return failMalformed(sink, this.malformed);
    if (!this.chunks.finishReason) return;
    for (const c of this.chunks.push({ type: 'metadata', exception: false, payload: {} })) sink.chunk(c);
    sink.done();
  }
}

/** A turn Converse stopped as malformed, as the stream's fault (its code is the stop reason). */
function failMalformed(sink: StreamSink, failed: UpstreamError): void {
  sink.fail(
    'upstream_error',
    failed.message,
    JSON.stringify({ error: { message: failed.message, code: failed.code } }),
  );
}
