/**
 * Client-format encoders: the OpenAI chat pivot (a whole completion or its chunks) in the format the client
 * speaks. One per client endpoint; each names its wire, so an upstream of the same wire is relayed untouched.
 */
import { openaiStopToAnthropic, openaiToAnthropicResponse } from './messages.js';
import { OpenaiChunksToAnthropic } from './messages-stream.js';
import { ChatChunksToResponses, chatToResponsesResponse } from './responses.js';
import { reasoningDetails } from './reasoning-details.js';
import { signedThinkingOn } from './signed-thinking.js';
import { SSE_DONE, sseJson } from './sse.js';
import type { OaChatResponse, OaChunk } from './wire-types.js';

type Obj = Record<string, unknown>;

/** What the client speaks on this request. */
export type ClientShape = 'chat' | 'messages' | 'responses' | 'embeddings';

/** The wire each client format is: OpenAI chat, Anthropic messages, OpenAI Responses, OpenAI embeddings. */
const CLIENT_WIRE: Readonly<Record<ClientShape, string>> = {
  chat: 'openai',
  messages: 'anthropic',
  responses: 'openai-responses',
  embeddings: 'openai-embeddings',
};

export function clientWire(client: ClientShape): string {
  return CLIENT_WIRE[client];
}

export interface EncoderOptions {
  /** Model id sent upstream (used when the upstream does not echo one). */
  model: string;
  /** Seconds since epoch for synthesized ids / created fields. */
  created: number;
  /** Parsed client request (Responses objects echo some of its fields). */
  clientRequest?: Obj;
  /** Chat clients: forward the usage-only chunk (client set stream_options.include_usage). */
  clientWantsUsage?: boolean;
  /** Lazily estimate prompt tokens (Anthropic's message_start carries the input tokens before any usage came). */
  estimateInputTokens?: () => number;
}

/** The pivot in one client format. A fresh encoder per answer (a stream encoder holds the stream's state). */
export interface ClientEncoder {
  readonly client: ClientShape;
  /** The client's wire (see clientWire). */
  readonly wire: string;
  /** A whole pivot completion -> the client's body, the model it names and its stop reason. */
  response(pivot: OaChatResponse): { body: string; model?: string; finishReason: string | null };
  /** One pivot chunk -> client bytes (possibly empty). */
  chunk(c: OaChunk): string;
  /** The upstream finished properly: the client's closing bytes. */
  finish(): string;
  /**
   * A pivot finish reason in the client's vocabulary; for a stream, read after the chunk that carried it was
   * encoded.
   */
  stopReason(finishReason: string): string | null;
  /**
   * The client's stream-error event, for a stream that cannot finish after its first byte was sent: OpenAI chat =
   * a data chunk with an `error` object and no `[DONE]`; Anthropic = `event: error`; Responses = `event: error`.
   * The official SDKs raise these as errors instead of ending quietly with truncated text.
   */
  errorEvent(code: string, message: string): string;
}

function openaiErrorEvent(code: string, message: string): string {
  return sseJson({ error: { message, type: 'server_error', param: null, code } });
}

function finishOf(pivot: OaChatResponse): string | null {
  return pivot.choices?.[0]?.finish_reason ?? null;
}

/**
 * A whole pivot answer for a Chat client: each message carrying Claude's signed thinking (see SIGNED_THINKING, which
 * JSON drops) gets it as `reasoning_details` (see reasoning-details.ts), for the client to send back.
 */
function chatResponseBody(pivot: OaChatResponse): string {
  if (!pivot.choices?.some((c) => signedThinkingOn(c.message))) return JSON.stringify(pivot);
  return JSON.stringify({
    ...pivot,
    choices: pivot.choices.map((c) => {
      const signed = signedThinkingOn(c.message);
      return signed ? { ...c, message: { ...c.message, reasoning_details: reasoningDetails(signed) } } : c;
    }),
  });
}

function chatEncoder(o: EncoderOptions): ClientEncoder {
  /** Per choice: how many of Claude's signed blocks its stream gave (the next one's `reasoning_details` index). */
  const blocksSent = new Map<number, number>();
  return {
    client: 'chat',
    wire: CLIENT_WIRE.chat,
    response: (pivot) => ({
      body: chatResponseBody(pivot),
      model: pivot.model,
      finishReason: finishOf(pivot),
    }),
    chunk(c) {
      // The usage-only chunk goes out only when the client asked for it.
      if (!c.choices?.[0] && c.usage && !o.clientWantsUsage) return '';
      if (!c.choices?.some((ch) => signedThinkingOn(ch.delta))) return sseJson(c);
      // Claude's signed blocks, each complete with the delta that brings it (its signature came last): the delta's
      // `reasoning_details`, one entry a block, as the whole answer gives them (its text streamed before as reasoning).
      return sseJson({
        ...c,
        choices: c.choices.map((ch) => {
          const signed = signedThinkingOn(ch.delta);
          if (!signed) return ch;
          const from = blocksSent.get(ch.index) ?? 0;
          blocksSent.set(ch.index, from + signed.length);
          return { ...ch, delta: { ...ch.delta, reasoning_details: reasoningDetails(signed, from) } };
        }),
      });
    },
    finish: () => SSE_DONE,
    stopReason: (r) => r,
    errorEvent: openaiErrorEvent,
  };
}

function messagesEncoder(o: EncoderOptions): ClientEncoder {
  let stream: OpenaiChunksToAnthropic | undefined;
  const s = () =>
    (stream ??= new OpenaiChunksToAnthropic(
      o.model,
      `msg_${o.created.toString(36)}${Math.random().toString(36).slice(2, 8)}`,
      o.estimateInputTokens?.() ?? 0,
      o.clientRequest?.stop_sequences,
    ));
  return {
    client: 'messages',
    wire: CLIENT_WIRE.messages,
    response(pivot) {
      const an = openaiToAnthropicResponse(pivot, pivot.model || o.model, o.clientRequest?.stop_sequences);
      return { body: JSON.stringify(an), model: an.model, finishReason: an.stop_reason };
    },
    chunk: (c) => s().push(c),
    finish: () => s().finish(),
    // The stream's own reading once it saw the finish (it knows whether tool calls came).
    stopReason: (r) => stream?.anthropicStopReason ?? openaiStopToAnthropic(r),
    errorEvent: (code, message) =>
      sseJson(
        {
          type: 'error',
          error: { type: code === 'upstream_timeout' ? 'timeout_error' : 'api_error', message },
        },
        'error',
      ),
  };
}

function responsesEncoder(o: EncoderOptions): ClientEncoder {
  let stream: ChatChunksToResponses | undefined;
  const s = () =>
    (stream ??= new ChatChunksToResponses(
      o.model,
      `resp_${o.created.toString(36)}${Math.random().toString(36).slice(2, 8)}`,
      o.created,
      o.clientRequest,
    ));
  return {
    client: 'responses',
    wire: CLIENT_WIRE.responses,
    response: (pivot) => ({
      body: JSON.stringify(chatToResponsesResponse(pivot, o.clientRequest, o.created)),
      model: pivot.model,
      finishReason: finishOf(pivot),
    }),
    chunk: (c) => s().push(c),
    finish: () => s().finishStream(),
    stopReason: (r) => r,
    errorEvent: (code, message) => sseJson({ type: 'error', code, message, param: null }, 'error'),
  };
}

/** Embeddings are only ever relayed (an embeddings upstream answers in the client's format). */
function embeddingsEncoder(): ClientEncoder {
  const cannot = (): never => {
    throw new Error('Cannot serve embeddings from a translated upstream.');
  };
  return {
    client: 'embeddings',
    wire: CLIENT_WIRE.embeddings,
    response: cannot,
    chunk: cannot,
    finish: cannot,
    stopReason: (r) => r,
    errorEvent: openaiErrorEvent,
  };
}

/** A fresh encoder for this client. Cheap: a stream encoder builds its state on its first chunk. */
export function encoderFor(client: ClientShape, o: EncoderOptions): ClientEncoder {
  switch (client) {
    case 'chat':
      return chatEncoder(o);
    case 'messages':
      return messagesEncoder(o);
    case 'responses':
      return responsesEncoder(o);
    case 'embeddings':
      return embeddingsEncoder();
  }
}
