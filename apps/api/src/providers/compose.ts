/**
 * One upstream wire and one client format make a call's translation:
 *
 *   stream (translated):   compose(wire.decoder(o), encoderFor(client, o), o)
 *   stream (same format):  relay(wire.relay(o), encoderFor(client, o), o)      bytes forwarded, only scanned
 *   whole body:            decodeWhole(wire, encoderFor(client, o), o, body)
 *
 * A wire's decoder turns upstream bytes into OpenAI chat chunks (the pivot) and reports its stream's end and
 * faults; the client's encoder (translate/encoders.ts) turns pivot chunks into the client's bytes. What sits in
 * between is the same for every pair: usage, content and finish tracking, the first fault, the truncation rule.
 */
import {
  clientWire,
  encoderFor,
  type ClientEncoder,
  type ClientShape,
  type EncoderOptions,
} from '../translate/encoders.js';
import { extractUsageObject } from '../translate/json-fast.js';
import { SseParser, sseJson } from '../translate/sse.js';
import { roughTokens } from '../translate/tokens.js';
import { BILLED_EXTRAS, openaiCachedTokens, tokenFigure, withEstimates } from '../translate/usage-figures.js';
import type { OaChatResponse, OaChunk, OaUsage } from '../translate/wire-types.js';
import { normalizeUpstreamError } from './errors.js';
import type {
  DecodedResponse,
  RelayScanner,
  RelaySink,
  StreamDecoder,
  StreamFault,
  StreamSink,
  StreamTranslator,
  UpstreamWire,
  Usage,
  WireOptions,
} from './types.js';

type Obj = Record<string, unknown>;

/** Anthropic's error types (an error event's `error.type`). */
const ANTHROPIC_ERROR_TYPES: ReadonlySet<string> = new Set([
  'invalid_request_error',
  'authentication_error',
  'billing_error',
  'permission_error',
  'not_found_error',
  'request_too_large',
  'rate_limit_error',
  'api_error',
  'timeout_error',
  'overloaded_error',
]);

/**
 * Everything one call's translation needs: what the wire decoders and the client encoder read (the encoder's
 * `estimateInputTokens` also fills in usage when the upstream reports none), plus the key.
 */
export interface TranslateOptions extends WireOptions, EncoderOptions {
  /** The key used for the call: removed from error text the upstream sends in the stream. */
  secret?: string | null;
}

/** The pivot's usage (OpenAI chat) as the gateway's Usage (each figure read by `tokenFigure`). */
export function usageFromOpenai(u: Partial<OaUsage> | null | undefined): Usage {
  return {
    inputTokens: tokenFigure(u?.prompt_tokens),
    outputTokens: tokenFigure(u?.completion_tokens),
    cachedTokens: openaiCachedTokens(u),
    // What a translated answer bills beyond its tokens (see BILLED_EXTRAS); never an OpenAI-format upstream's own.
    ...u?.[BILLED_EXTRAS],
  };
}

/** A client speaking this wire gets the upstream's bytes as they are (only `model` rewritten in the request). */
export function isRelayed(wire: UpstreamWire, client: ClientShape): boolean {
  return wire.id === clientWire(client);
}

// ---------- whole bodies ----------

/**
 * The output of a whole answer as the gateway estimates it (for an upstream that reports none): the text and tool
 * calls of every choice (a request for several answers, `n`, is billed for each; null: nothing the wire can read).
 */
function estimatedWholeOutput(pivot: OaChatResponse | null): number {
  let output = 0;
  const choices: unknown = pivot?.choices;
  if (Array.isArray(choices))
    for (const c of choices as OaChatResponse['choices']) {
      // Each choice is a generation of its own, counted (and rounded up) as one.
      const out = c?.message;
      const content: unknown = out?.content;
      const chars =
        typeof content === 'string' ? content.length : content ? JSON.stringify(content).length : 0;
      output += roughTokens(chars + (out?.tool_calls ? JSON.stringify(out.tool_calls).length : 0));
    }
  return output;
}

/** The client's request's input tokens as the gateway estimates them (0: no estimator). */
function estimatedInput(o: TranslateOptions): () => number {
  return () => o.estimateInputTokens?.() ?? 0;
}

/**
 * A relayed body read as the pivot, only to estimate its output; null when the wire reads no answers (embeddings)
 * or the body is not one it can read (it is still relayed as it is).
 */
function relayedAnswer(wire: UpstreamWire, j: unknown, o: TranslateOptions): OaChatResponse | null {
  if (!wire.response || !j || typeof j !== 'object' || Array.isArray(j)) return null;
  try {
    return wire.response(j as Obj, o);
  } catch {
    return null;
  }
}

/** Non-stream upstream body -> client body + usage. Throws SyntaxError on a body that is not JSON. */
export function decodeWhole(
  wire: UpstreamWire,
  encoder: ClientEncoder,
  o: TranslateOptions,
  body: Buffer,
): DecodedResponse {
  if (wire.id === encoder.wire) {
    const text = body.toString('utf8');
    const u = extractUsageObject(text);
    // No usage, or a figure it does not give (`usage: {}`, a figure missing or not a number): that figure is
    // estimated, the output from the answer's text (a relayed body must then still be JSON; an embedding has no
    // output, only its input is billed).
    const extras = wire.billedExtras?.(text);
    const reported = u ? wire.usage(u) : null;
    const usage = withEstimates(
      reported && extras ? { ...reported, ...extras } : reported,
      estimatedInput(o),
      () =>
        encoder.client !== 'embeddings' ? estimatedWholeOutput(relayedAnswer(wire, JSON.parse(text), o)) : 0,
    );
    let finishReason: string | null = null;
    const m = /"(?:finish_reason|stop_reason)"\s*:\s*"(\w+)"/.exec(text);
    if (m) finishReason = m[1]!;
    return { body, usage, finishReason };
  }
  const j = JSON.parse(body.toString('utf8')) as Obj;
  if (!wire.response) throw new Error(`Cannot translate a ${wire.id} response.`);
  const pivot = wire.response(j, o);
  const usage = withEstimates(pivot.usage ? usageFromOpenai(pivot.usage) : null, estimatedInput(o), () =>
    estimatedWholeOutput(pivot),
  );
  const r = encoder.response(pivot);
  return { body: r.body, usage, model: r.model, finishReason: r.finishReason };
}

// ---------- streams ----------

/** What a translated and a relayed stream share: usage, the first fault, the tail rule for JSON. */
abstract class StreamState {
  /** Usage the upstream reported so far (null: none yet). */
  upstreamUsage: Usage | null = null;
  /** `upstreamUsage` is the upstream's final figure for the stream (see RelaySink). */
  usageFinal = false;
  outChars = 0;
  contentEmitted = false;
  finished = false;
  fault: StreamFault | null = null;
  finishReason: string | null = null;
  responseId: string | null = null;
  protected closed = false;
  /** The upstream ended: what is parsed now is its unterminated last event. */
  protected inTail = false;

  constructor(
    protected encoder: ClientEncoder,
    protected o: TranslateOptions,
  ) {}

  get usage(): Usage {
    const output = roughTokens(this.outChars);
    // A figure the upstream did not give is estimated, as for a whole answer.
    const u = withEstimates(this.upstreamUsage, estimatedInput(this.o), () => output);
    // The upstream's final usage never came (cut, stalled, or the client left): its opening figures stand for the
    // input, and the output is at least what the text relayed so far comes to.
    if (!this.usageFinal && u.outputTokens < output) return { ...u, outputTokens: output, estimated: true };
    return u;
  }

  get faulted(): boolean {
    return this.fault !== null;
  }

  fail(kind: StreamFault['kind'], message: string, errorBody?: string): void {
    if (this.fault) return;
    this.fault = { kind, message };
    if (errorBody !== undefined)
      this.fault.error = normalizeUpstreamError(500, {}, errorBody, undefined, this.o.secret);
  }

  json(data: string): Obj | null {
    try {
      return JSON.parse(data) as Obj;
    } catch {
      // An unterminated last event is a cut stream, not a malformed one.
      if (this.inTail) this.fail('truncated', 'The upstream stream ended in the middle of an event.');
      else this.fail('malformed', 'The upstream sent malformed JSON in the stream.');
      return null;
    }
  }

  /**
   * The client's stream-error event, for a stream that cannot finish after its first byte reached the client
   * (no status code is left to fail with).
   */
  errorEvent(code: string, message: string): string {
    // An Anthropic error type (the upstream's own, from an error event) keeps its type for an Anthropic client.
    if (this.encoder.client === 'messages' && ANTHROPIC_ERROR_TYPES.has(code))
      return sseJson({ type: 'error', error: { type: code, message } }, 'error');
    return this.encoder.errorEvent(code, message);
  }

  abstract push(chunk: Buffer): Buffer | string;
  abstract end(): string;
}

/** A translated stream: upstream bytes -> the wire's decoder -> pivot chunks -> the client's encoder -> bytes. */
class ComposedStream extends StreamState implements StreamTranslator, StreamSink {
  /** Client bytes produced by the current push / end. */
  private out = '';

  constructor(
    private decoder: StreamDecoder,
    encoder: ClientEncoder,
    o: TranslateOptions,
  ) {
    super(encoder, o);
  }

  push(chunk: Buffer): string {
    if (this.closed) return '';
    this.out = '';
    this.decoder.push(chunk, this);
    const out = this.out;
    this.out = '';
    return out;
  }

  end(): string {
    if (this.closed) return '';
    this.closed = true;
    this.inTail = true;
    this.out = '';
    this.decoder.end(this);
    if (!this.finished && !this.fault)
      this.fail('truncated', 'The upstream stream ended before it finished.');
    const out = this.out;
    this.out = '';
    return out;
  }

  /** Pivot chunk -> client bytes. */
  chunk(c: OaChunk): void {
    // Encoded first: the client's stop reason may depend on what the chunk carries (see ClientEncoder.stopReason).
    this.out += this.encoder.chunk(c);
    if (c.usage) {
      // A decoder hands the pivot its usage once the upstream gave its final figures.
      this.upstreamUsage = usageFromOpenai(c.usage);
      this.usageFinal = true;
    }
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
      if (ch.finish_reason) this.finishReason = this.encoder.stopReason(ch.finish_reason);
    }
  }

  /** Upstream's terminal marker seen: emit the client's closing events. */
  done(): void {
    if (this.finished) return;
    this.finished = true;
    this.out += this.encoder.finish();
  }
}

function sseText(event: string | undefined, data: string): string {
  return event ? `event: ${event}\ndata: ${data}\n\n` : `data: ${data}\n\n`;
}

/**
 * A relayed stream (the client speaks the upstream's wire): the bytes go out as they came, the wire's scanner
 * reads usage, content, the finish and faults on the way. Only when an event must go (a usage chunk the client did
 * not ask for, or a bad event and what follows it) are the forwarded bytes rebuilt.
 */
class RelayedStream extends StreamState implements StreamTranslator, RelaySink {
  private parser = new SseParser();
  /** The last byte forwarded (where an event split across reads resumes: see firstEventEnd). */
  private lastByte = -1;

  constructor(
    private scanner: RelayScanner,
    encoder: ClientEncoder,
    o: TranslateOptions,
  ) {
    super(encoder, o);
  }

  push(chunk: Buffer): Buffer | string {
    if (this.closed) return '';
    // Forwarded as they come, the bytes of an event split across reads went out before it was complete.
    const split = !this.scanner.drops && this.parser.hasPartial;
    const prevByte = this.lastByte;
    if (chunk.length > 0) this.lastByte = chunk[chunk.length - 1]!;
    const events = this.parser.push(chunk);
    let rebuilt = this.scanner.drops ? '' : null;
    for (let i = 0; i < events.length; i++) {
      const ev = events[i]!;
      const hadFault = this.fault !== null;
      const keep = this.scanner.scan(ev.event, ev.data, this);
      if (!hadFault && this.fault) {
        // A malformed or error event never reaches the client as is: what came before it does, then the
        // executor ends the stream with an error in the client's format (or falls back before the first byte).
        if (rebuilt === null) {
          // The first event began in bytes already forwarded: its rest goes out as it came (never the whole
          // event again), so the client's stream stays whole.
          let from = 0;
          rebuilt = '';
          if (split) {
            const end = firstEventEnd(chunk, prevByte);
            rebuilt = end > 0 ? chunk.toString('utf8', 0, end) : '';
            from = 1;
          }
          for (let k = from; k < i; k++) rebuilt += sseText(events[k]!.event, events[k]!.data);
        }
        return rebuilt;
      }
      if (rebuilt !== null && keep) rebuilt += sseText(ev.event, ev.data);
    }
    return rebuilt ?? chunk;
  }

  end(): string {
    if (this.closed) return '';
    this.closed = true;
    let out = '';
    this.inTail = true;
    // Forwarded as they came, the unterminated last event's bytes are the client's already: only its end is due.
    const forwarded = !this.scanner.drops;
    for (const ev of this.parser.end()) {
      const hadFault = this.fault !== null;
      const keep = this.scanner.scan(ev.event, ev.data, this);
      if (!hadFault && this.fault) break;
      if (keep) out += forwarded ? '\n\n' : sseText(ev.event, ev.data);
    }
    if (!this.finished && !this.fault)
      this.fail('truncated', 'The upstream stream ended before it finished.');
    return out;
  }
}

/**
 * Where the first SSE event in `b` ends (just after its blank line), -1 when it does not; `prev` is the byte before
 * `b` (-1: none). Line ends are LF, CRLF or CR.
 */
function firstEventEnd(b: Buffer, prev: number): number {
  const at = (j: number): number => (j >= 0 ? b[j]! : j === -1 ? prev : -1);
  for (let j = 0; j < b.length; j++) {
    const c = b[j]!;
    if (c !== 10 && c !== 13) continue;
    // The line end before this one: a CRLF's is before its CR.
    const p = c === 10 && at(j - 1) === 13 ? at(j - 2) : at(j - 1);
    if (p === 10 || p === 13) return c === 13 && b[j + 1] === 10 ? j + 2 : j + 1;
  }
  return -1;
}

/** A translated stream: the wire's decoder feeding the client's encoder. */
export function compose(
  decoder: StreamDecoder,
  encoder: ClientEncoder,
  o: TranslateOptions,
): StreamTranslator {
  return new ComposedStream(decoder, encoder, o);
}

/** A stream relayed to a client of the same wire, read by the wire's scanner. */
export function relay(scanner: RelayScanner, encoder: ClientEncoder, o: TranslateOptions): StreamTranslator {
  return new RelayedStream(scanner, encoder, o);
}

/** The stream translator for this wire and client: relayed when they speak the same format, else composed. */
export function streamFor(wire: UpstreamWire, client: ClientShape, o: TranslateOptions): StreamTranslator {
  const encoder = encoderFor(client, o);
  if (wire.id === encoder.wire) {
    if (!wire.relay) throw new Error(`A ${wire.id} stream cannot be relayed.`);
    return relay(wire.relay(o), encoder, o);
  }
  if (!wire.decoder) throw new Error(`Cannot translate a ${wire.id} stream.`);
  return compose(wire.decoder(o), encoder, o);
}

/**
 * Base of the SSE decoders: splits the upstream bytes into events (stopping at the first fault) and hands each to
 * `event`; at the end, the unterminated last event, then `ended` for a stream that finished without its marker.
 */
export abstract class SseDecoder implements StreamDecoder {
  private parser = new SseParser();

  push(chunk: Buffer, sink: StreamSink): void {
    for (const ev of this.parser.push(chunk)) {
      if (sink.faulted) break;
      this.event(ev.event, ev.data, sink);
    }
  }

  end(sink: StreamSink): void {
    for (const ev of this.parser.end()) this.event(ev.event, ev.data, sink);
    if (!sink.faulted) this.ended(sink);
  }

  /** One upstream event: pivot chunks, the terminal marker or a fault to the sink. */
  protected abstract event(event: string | undefined, data: string, sink: StreamSink): void;

  /** The upstream ended without a fault: call `sink.done()` when it finished properly without its marker. */
  protected ended(_sink: StreamSink): void {}
}
