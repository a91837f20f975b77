import type { Capability, ErrorKind, RequestParam } from '@switchyard/core';
import type { OaChatResponse, OaChunk } from '../translate/wire-types.js';

export { AdapterError } from '../translate/errors.js';

/**
 * Provider adapter contract used by the proxy executor.
 *
 * Flow for one attempt:
 *   const call = adapter.prepare(ctx)                  // pure; may throw AdapterError (4xx)
 *   if (call.transport.kind === 'http')  -> send call.transport.request with undici
 *   else                                 -> await call.transport.run(signal)   (in-process, e.g. mock)
 *   status >= 400  -> call.error(status, headers, body)      => UpstreamError for the classifier
 *   !ctx.stream    -> call.decode(body)                       => client body + usage
 *   ctx.stream     -> t = call.streamTranslator(); for each upstream chunk write t.push(chunk); write t.end()
 *
 * Translation: the adapter's wire (UpstreamWire) decodes the upstream's answer into the OpenAI chat pivot, the
 * client's encoder (translate/encoders.ts) writes the pivot in the client's format; a client of the same wire gets
 * the upstream's bytes relayed (compose.ts).
 */

/** Client endpoints the proxy serves. */
export type ClientEndpoint = 'chat' | 'messages' | 'responses' | 'embeddings' | 'count_tokens';

export type ProviderType =
  | 'openai'
  | 'anthropic'
  | 'google'
  | 'azure-openai'
  | 'bedrock'
  | 'openrouter'
  | 'together'
  | 'groq'
  | 'mistral'
  | 'fireworks'
  | 'cohere'
  | 'huggingface'
  | 'deepseek'
  | 'ollama'
  | 'custom'
  | 'mock';

/** Provider-specific settings (the Provider row's config JSON). All optional. */
export interface ProviderConfig {
  /** Azure: api-version query parameter (default 2024-10-21). */
  apiVersion?: string;
  /** Azure: model id -> deployment name (default: the model id itself). */
  deployments?: Record<string, string>;
  /** Bedrock: AWS region (default us-east-1). */
  region?: string;
  /** Bedrock: credentials when not given in the key string. */
  accessKeyId?: string;
  secretAccessKey?: string;
  sessionToken?: string;
  /** Anthropic: anthropic-version header (default 2023-06-01). */
  anthropicVersion?: string;
  /** Extra headers sent upstream on every request (e.g. OpenRouter HTTP-Referer). */
  headers?: Record<string, string>;
  /** Ask for `stream_options.include_usage` (default from the catalogue). */
  streamUsage?: boolean;
  /** The upstream serves `/responses` itself (default from the catalogue). */
  responsesApi?: boolean;
  /**
   * Anthropic: the organization has web search enabled, so a Responses client's `web_search` tool is run by
   * Anthropic's server-side web search (billed by Anthropic per search) instead of being dropped.
   */
  webSearch?: boolean;
  /** This provider's own time limits (ms), instead of the server's UPSTREAM_* defaults. */
  timeouts?: { firstByteMs?: number; idleMs?: number; totalMs?: number };
}

/** What the executor knows about the provider it is calling. The key is resolved by the caller. */
export interface ProviderRuntime {
  id: string;
  slug: string;
  type: ProviderType | string;
  /** Null/empty: the catalogue default for the type. */
  baseUrl: string | null;
  config: ProviderConfig;
}

export interface Usage {
  inputTokens: number;
  outputTokens: number;
  /** Prompt tokens served from a cache (OpenAI cached_tokens, Anthropic cache_read_input_tokens). */
  cachedTokens: number;
  /**
   * Prompt tokens written to the cache (Claude's cache_creation_input_tokens; Bedrock's cacheWriteInputTokens), for
   * its default lifetime and for 1 hour: part of inputTokens, billed above the input price (core's costOf).
   */
  cacheWriteTokens?: number;
  cacheWriteLongTokens?: number;
  /** Web searches Claude ran on Anthropic's side (server_tool_use.web_search_requests), billed per search. */
  webSearches?: number;
  /** True when (part of) the numbers come from the local tokenizer, not the upstream. */
  estimated?: boolean;
}

export interface UpstreamRequest {
  url: string;
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  body: string | Buffer | null;
}

/** What an in-process provider (mock) returns: it looks like an HTTP response in the adapter's native format. */
export interface LocalResponse {
  status: number;
  headers: Record<string, string>;
  /** Whole body, or a stream of chunks (SSE bytes) when streaming. */
  body: Buffer | AsyncIterable<Buffer>;
}

export type Transport =
  | { kind: 'http'; request: UpstreamRequest }
  | { kind: 'local'; run(signal?: AbortSignal): Promise<LocalResponse> };

export interface CallContext {
  endpoint: ClientEndpoint;
  provider: ProviderRuntime;
  /** The model id to send upstream (already resolved from alias / provider prefix). */
  upstreamModel: string;
  /**
   * The model the registry says `upstreamModel` serves (the model config's `baseModel`), when the admin named one:
   * how an adapter recognises the model (model-family.ts) when the id does not say (an ARN, a deployment name).
   */
  baseModel?: string | null;
  /** The resolved key (Bedrock: `accessKeyId:secretAccessKey[:sessionToken]`), or null. */
  apiKey: string | null;
  /** The client's raw body bytes (forwarded with only `model` rewritten on same-format paths). */
  rawBody: Buffer;
  /** The client's parsed body (the executor parses once for routing). */
  body: Record<string, unknown>;
  /** The client asked for a stream. */
  stream: boolean;
  /** Clock for ids / timestamps (seconds are derived from it). Defaults to Date.now(). */
  now?: number;
  /** The routed model's max output tokens from the registry (the default max_tokens where a target needs one). */
  maxOutputTokens?: number | null;
  /**
   * Client headers an upstream of the same protocol needs to see the request as the client meant it: Anthropic's
   * `anthropic-version` and `anthropic-beta` (beta-gated body fields are rejected without the beta).
   */
  clientHeaders?: { anthropicVersion?: string; anthropicBeta?: string };
}

export interface DecodedResponse {
  /** Body to send to the client, in the client's format. */
  body: Buffer | string;
  usage: Usage;
  /** Model name reported by the upstream, if any. */
  model?: string;
  /** Client-format stop reason (`stop`, `end_turn`, ...), if any. */
  finishReason?: string | null;
}

export type StreamFaultKind = 'malformed' | 'upstream_error' | 'truncated';

export interface StreamFault {
  kind: StreamFaultKind;
  message: string;
  /** For upstream_error: the normalized error carried in the stream. */
  error?: UpstreamError;
}

/**
 * Incremental upstream-SSE -> client-SSE translator. Fed raw Buffers as they
 * arrive; each call returns the bytes to write to the client right away (possibly
 * empty). Never buffers the whole stream (except Bedrock, whose upstream is a
 * single JSON document converted to SSE at the end).
 */
export interface StreamTranslator {
  push(chunk: Buffer): Buffer | string;
  /** Upstream ended. Returns closing bytes (e.g. `[DONE]`, `message_stop`) when the upstream finished properly. */
  end(): string;
  /** Usage seen in the stream, or an estimate (estimated: true) when the upstream sent none. */
  readonly usage: Usage;
  /** `usage` is the upstream's final figure for the stream (what it bills), not opening figures or an estimate. */
  readonly usageFinal: boolean;
  /** Some text / tool-call content has been produced for the client. */
  readonly contentEmitted: boolean;
  /** The upstream signalled a proper end (finish_reason / message_stop / [DONE]). */
  readonly finished: boolean;
  /** First fault seen: malformed SSE, an error event inside the stream, or (after end()) a truncated stream. */
  readonly fault: StreamFault | null;
  /** Client-format stop reason once known. */
  readonly finishReason: string | null;
  /** A relayed Responses stream: the response's id, once its last event named it. */
  readonly responseId?: string | null;
  /** The client-format error event that ends a stream which cannot finish after its first byte was sent. */
  errorEvent(code: string, message: string): string;
}

export interface PreparedCall {
  transport: Transport;
  /**
   * What the translation could not carry to this target (set only when something was left out): built-in
   * Responses tools dropped for a chat upstream. Said in the answer's `x-switchyard-dropped-tools` and the log.
   */
  dropped?: { tools: string[] };
  /**
   * Parameters the client set that the target would refuse as sent, each as `name: what was sent` (`reasoning_effort:
   * high`, `reasoning_effort: left out`); set only when one was changed. Said in the answer's
   * `x-switchyard-changed-params` and the log. Never the client's own value (it is any string).
   */
  changedParams?: string[];
  /**
   * An upstream error status this call answers locally instead (the body to decode as if the upstream had sent
   * it), or null: count_tokens on an Anthropic-format upstream that has no such route falls back to the local
   * estimate rather than failing (and rather than cooling the model down as "not found").
   */
  recover?(status: number): Buffer | null;
  /** True when request and response bytes are forwarded as-is (only `model` rewritten). */
  passthrough: boolean;
  /** Content type of the (success) client response. */
  contentType: string;
  /** Non-stream success: upstream body -> client body + usage. */
  decode(body: Buffer): DecodedResponse;
  /** Stream success: a fresh translator. */
  streamTranslator(): StreamTranslator;
  /** Upstream non-2xx -> normalized error. */
  error(status: number, headers: Record<string, string | string[] | undefined>, body: Buffer): UpstreamError;
}

/** Normalized error categories: exactly the routing engine's classification input. */
export type UpstreamErrorKind = ErrorKind;

/**
 * An answer the upstream sent with a success status that is a failure all the same (Bedrock's malformed_tool_use:
 * the model's output could not be parsed). Thrown by a wire's whole-answer decoding; the attempt fails with `error`
 * (retried or fallen back from like any failed attempt, the client's error when none is left). `usage`: what the
 * upstream says it billed for that answer (absent when it reported none): the request is charged it all the same.
 */
export class FailedAnswer extends Error {
  constructor(
    readonly error: UpstreamError,
    readonly usage?: Usage,
  ) {
    super(error.message);
    this.name = 'FailedAnswer';
  }
}

export interface UpstreamError {
  /** Upstream HTTP status (0 for network failures). */
  status: number;
  kind: UpstreamErrorKind;
  /** Upstream error code/type string if any (e.g. `context_length_exceeded`, `overloaded_error`). */
  code: string | null;
  /** Human message from the upstream (never contains our keys). */
  message: string;
  /** From Retry-After / retry-after-ms / x-ratelimit-reset-* headers or a body hint. */
  retryAfterMs: number | null;
  /** Worth retrying / falling back for the same request (429, 5xx, timeouts, overload). */
  retryable: boolean;
  /**
   * The request field the upstream's error names (OpenAI's `error.param`, scrubbed like the message); set only when
   * the request reached the upstream as the client sent it (a translated request's fields are not the client's).
   */
  param?: string;
  /** Which of the gateway's own time limits ran out (kind `timeout`, status 0); absent for anything else. */
  timeoutLimit?: 'connect' | 'first_byte' | 'idle' | 'total';
  /**
   * The limit that ran out had been cut below the target's own by what was left of the request's deadline: the
   * request's time was up, which says nothing of the target (no circuit failure, no cooldown).
   */
  deadlineCut?: boolean;
}

export interface ModelInfo {
  id: string;
  displayName?: string;
  contextWindow?: number;
  maxOutputTokens?: number;
  ownedBy?: string;
  /** Ollama/local: always zero cost. */
  free?: boolean;
}

export interface ListModelsContext {
  provider: ProviderRuntime;
  apiKey: string | null;
}

// ---------- wire protocols ----------

/** What a wire's decoders know about the call. */
export interface WireOptions {
  /** Model id sent upstream (used when the upstream does not echo one). */
  model: string;
  /** Seconds since epoch for synthesized ids / created fields. */
  created: number;
  /** Anthropic upstream: the forced tool that carries the client's JSON response format (its input is the answer). */
  jsonTool?: string;
  /** A chat client relayed from an OpenAI chat upstream keeps the usage-only chunk (it set include_usage). */
  clientWantsUsage?: boolean;
  /** The choices the client asked for (`n`): a relayed chat stream is whole once each of them finished. */
  choices?: number;
}

/** The translated stream as a wire's decoder sees it. */
export interface StreamSink {
  /** One pivot chunk for the client. */
  chunk(c: OaChunk): void;
  /** The upstream's terminal marker: the client's closing events follow (once). */
  done(): void;
  /** Records the first fault; `errorBody` is the upstream's error JSON, normalized for the classifier. */
  fail(kind: StreamFaultKind, message: string, errorBody?: string): void;
  /** One event's JSON; a parse failure records a fault (truncated in the stream's tail, else malformed). */
  json(data: string): Record<string, unknown> | null;
  /**
   * Usage the upstream reported so far (null: none yet). A pivot chunk with usage sets it as final; a decoder sets
   * it itself from figures that come earlier (Anthropic's message_start, Gemini's running usageMetadata), so that a
   * stream cut before its end keeps them.
   */
  upstreamUsage: Usage | null;
  /** `upstreamUsage` is the upstream's final figure for the stream (see RelaySink). */
  usageFinal: boolean;
  readonly faulted: boolean;
  readonly finished: boolean;
}

/** Upstream bytes -> pivot chunks, incrementally (never the whole stream in memory). */
export interface StreamDecoder {
  push(chunk: Buffer, sink: StreamSink): void;
  /** The upstream ended: decode what is left, and finish a stream that ended properly without its marker. */
  end(sink: StreamSink): void;
}

/** A relayed stream as a wire's scanner sees it: it records what it reads directly. */
export interface RelaySink {
  fail(kind: StreamFaultKind, message: string, errorBody?: string): void;
  json(data: string): Record<string, unknown> | null;
  /** Usage the upstream reported so far (null: none yet). */
  upstreamUsage: Usage | null;
  /**
   * `upstreamUsage` is the upstream's final figure for the stream, which stands as it is. Until then (only opening
   * figures came, like Anthropic's message_start) the output counts at least the estimate from `outChars`.
   */
  usageFinal: boolean;
  /** Output characters seen (the estimate when the upstream reports no usage). */
  outChars: number;
  contentEmitted: boolean;
  finished: boolean;
  finishReason: string | null;
  /** A Responses stream: the response's id, from its last event. */
  responseId: string | null;
}

/** Reads each event of a stream relayed byte for byte to a client of the same wire. */
export interface RelayScanner {
  /** True when `scan` may drop events (the relay then rebuilds the bytes it forwards). */
  readonly drops: boolean;
  /** Inspect one event; false: leave it out (a usage chunk the client did not ask for). */
  scan(event: string | undefined, data: string, sink: RelaySink): boolean;
}

/**
 * One upstream wire format: how its answers become the OpenAI chat pivot, whole or streamed. Lives in the
 * protocol's folder (`providers/<protocol>/`), next to the request encoding its adapter uses.
 */
export interface UpstreamWire {
  /** The wire's name; a client whose format is the same wire (translate/encoders.ts clientWire) is relayed. */
  readonly id: string;
  /** The usage object of a relayed whole body (null when it has none) as Usage. */
  usage(u: Record<string, unknown> | null): Usage;
  /** What a relayed whole body bills beyond its usage object, read from its text (Responses: its web search calls). */
  billedExtras?(text: string): Pick<Usage, 'webSearches'> | null;
  /**
   * A whole answer (parsed JSON) as the pivot: for a client of another format, and for the output estimate of a
   * relayed answer that carries no usage. Absent when the wire's answers are never translated nor billed by their
   * text (embeddings).
   */
  response?(body: Record<string, unknown>, o: WireOptions): OaChatResponse;
  /** A fresh stream decoder to the pivot; absent when the wire is only ever relayed. */
  decoder?(o: WireOptions): StreamDecoder;
  /** A fresh scanner for a stream relayed to a client of this wire; absent when it is never relayed. */
  relay?(o: WireOptions): RelayScanner;
}

export interface ProviderAdapter {
  /** Its key in the registry (providers/registry.ts). */
  id: string;
  /** The upstream wires this adapter's calls decode (the first is its native one). */
  wires: readonly UpstreamWire[];
  /** Endpoints this adapter can serve (after translation). */
  supports(endpoint: ClientEndpoint, provider: ProviderRuntime): boolean;
  /**
   * The request parameters this protocol honours, natively or by an exact emulation (routing skips the provider
   * for a request that needs one it lacks; see RequestParam). Declared once here, read when the routing config loads.
   */
  params: readonly RequestParam[];
  /**
   * What a chat model served through this protocol usually does: the capabilities a model registered without
   * any (an import, a bare `POST /llm/models`) is given. Embedding models get `embeddings` instead.
   */
  chatCapabilities: readonly Capability[];
  /**
   * Build one attempt. Async only because Bedrock signs with SigV4 (WebCrypto);
   * every other adapter resolves synchronously. Rejects with AdapterError
   * (status 400/501) when the request cannot be served by this provider.
   */
  prepare(ctx: CallContext): Promise<PreparedCall>;
  /** Model discovery request (GET .../models); null when the adapter lists models locally. */
  listModelsRequest(ctx: ListModelsContext): Promise<UpstreamRequest | null>;
  /** Parse the discovery response (or produce the local list when listModelsRequest returned null). */
  parseModels(body: Buffer | null, ctx: ListModelsContext): ModelInfo[];
}
