/**
 * A translation pair named by strings: the client's format and the upstream wire's id. Adapters compose the
 * pair from objects (common.ts makeCall); this names it for tests that hold a recorded answer.
 */
import { encoderFor, type ClientShape } from '../translate/encoders.js';
import { decodeWhole, streamFor, type TranslateOptions } from '../providers/compose.js';
import { wireById } from '../providers/registry.js';
import type { DecodedResponse, StreamTranslator, UpstreamWire } from '../providers/types.js';

/**
 * What the upstream body is: a wire id (`openai` chat, `anthropic`, `gemini`, `bedrock`, `openai-responses` = OpenAI's
 * own /responses, `openai-embeddings` = /embeddings, or any wire an adapter in the registry declares).
 */
export type UpstreamShape = string;

export interface PipelineOptions extends Omit<TranslateOptions, 'created'> {
  client: ClientShape;
  upstream: UpstreamShape;
  /** Seconds since epoch for synthesized ids / created fields (default: now). */
  created?: number;
}

function resolve(opts: PipelineOptions): { wire: UpstreamWire; o: TranslateOptions } {
  const wire = wireById(opts.upstream);
  if (!wire) throw new Error(`Unknown upstream wire "${opts.upstream}".`);
  return { wire, o: { ...opts, created: opts.created ?? Math.floor(Date.now() / 1000) } };
}

/** Non-stream upstream body -> client body + usage. Throws SyntaxError on a body that is not JSON. */
export function decodeResponse(opts: PipelineOptions, body: Buffer): DecodedResponse {
  const { wire, o } = resolve(opts);
  return decodeWhole(wire, encoderFor(opts.client, o), o, body);
}

/** The stream translator for the pair (relayed when client and upstream speak the same wire). */
export class PipelineStreamTranslator implements StreamTranslator {
  private t: StreamTranslator;

  constructor(opts: PipelineOptions) {
    const { wire, o } = resolve(opts);
    this.t = streamFor(wire, opts.client, o);
  }

  push(chunk: Buffer): Buffer | string {
    return this.t.push(chunk);
  }
  end(): string {
    return this.t.end();
  }
  errorEvent(code: string, message: string): string {
    return this.t.errorEvent(code, message);
  }
  get usage() {
    return this.t.usage;
  }
  get usageFinal() {
    return this.t.usageFinal;
  }
  get contentEmitted() {
    return this.t.contentEmitted;
  }
  get finished() {
    return this.t.finished;
  }
  get fault() {
    return this.t.fault;
  }
  get finishReason() {
    return this.t.finishReason;
  }
}
