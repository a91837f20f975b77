/** Helpers shared by adapters: base URLs, pivot requests, PreparedCall assembly. */
import { encoderFor, type ClientShape } from '../translate/encoders.js';
import { anthropicToOpenaiChatRequest } from '../translate/messages.js';
import { chatRequestAsPivot } from '../translate/reasoning-details.js';
import { responsesToChatRequest, responsesToolPlan } from '../translate/responses.js';
import { toolImagesAsUserMessages } from '../translate/shared.js';
import { estimateAnthropicTokens, estimateChatTokens, estimateEmbeddingTokens } from '../translate/tokens.js';
import type { AnRequest, OaChatRequest } from '../translate/wire-types.js';
import { providerDefaults } from './provider-types.js';
import { decodeWhole, isRelayed, streamFor, type TranslateOptions } from './compose.js';
import { normalizeUpstreamError, scrubSecrets } from './errors.js';
import { AdapterError } from './types.js';
import type {
  CallContext,
  LocalResponse,
  PreparedCall,
  ProviderRuntime,
  Transport,
  UpstreamRequest,
  UpstreamWire,
} from './types.js';

export const JSON_CT = 'application/json';
export const SSE_CT = 'text/event-stream; charset=utf-8';

export function baseUrlOf(provider: ProviderRuntime): string {
  const url = provider.baseUrl?.trim() || providerDefaults(provider.type).defaultBaseUrl;
  if (!url)
    throw new AdapterError(400, 'provider_misconfigured', `Provider "${provider.slug}" has no base URL.`);
  return url.replace(/\/+$/, '');
}

export function secondsOf(ctx: { now?: number }): number {
  return Math.floor((ctx.now ?? Date.now()) / 1000);
}

/** The client request as an OpenAI chat request (the pivot), model replaced. */
export function pivotChatRequest(ctx: CallContext): OaChatRequest {
  switch (ctx.endpoint) {
    case 'chat':
      // Claude's signed thinking the client sent back as `reasoning_details`: the pivot's (see reasoning-details.ts).
      return chatRequestAsPivot({ ...(ctx.body as unknown as OaChatRequest), model: ctx.upstreamModel });
    case 'messages':
      return anthropicToOpenaiChatRequest(ctx.body as unknown as AnRequest, ctx.upstreamModel);
    case 'responses':
      return responsesToChatRequest(ctx.body, ctx.upstreamModel);
    default:
      throw new AdapterError(
        400,
        'unsupported_endpoint',
        `The ${ctx.endpoint} endpoint cannot be translated to chat.`,
      );
  }
}

/** Lazy, memoised prompt-token estimate for the client request. */
export function inputEstimator(ctx: CallContext): () => number {
  let v: number | undefined;
  return () => {
    if (v !== undefined) return v;
    try {
      if (ctx.endpoint === 'messages' || ctx.endpoint === 'count_tokens')
        v = estimateAnthropicTokens(ctx.body as unknown as AnRequest);
      else if (ctx.endpoint === 'embeddings') v = estimateEmbeddingTokens(ctx.body.input);
      else if (ctx.endpoint === 'responses') v = estimateChatTokens(responsesToChatRequest(ctx.body));
      else v = estimateChatTokens(ctx.body as unknown as OaChatRequest);
    } catch {
      v = 0;
    }
    return v;
  };
}

export function clientShape(ctx: CallContext): ClientShape {
  if (ctx.endpoint === 'count_tokens')
    throw new AdapterError(400, 'unsupported_endpoint', 'count_tokens has no response pipeline.');
  return ctx.endpoint;
}

/** The request's `n` (1 unless a whole number from 2 up). */
function choicesOf(ctx: CallContext): number {
  const n = ctx.body.n;
  return typeof n === 'number' && Number.isInteger(n) && n > 1 ? n : 1;
}

function clientWantsUsage(ctx: CallContext): boolean {
  const so = ctx.body.stream_options as { include_usage?: boolean } | undefined;
  return !!so?.include_usage;
}

/**
 * Assemble a PreparedCall from a transport and the wire the upstream answers in: the client's format is the
 * endpoint's; the same wire is relayed, any other is decoded to the pivot and encoded for the client.
 */
export function makeCall(
  ctx: CallContext,
  transport: Transport,
  wire: UpstreamWire,
  extra: Partial<TranslateOptions> = {},
): PreparedCall {
  const client = clientShape(ctx);
  const o: TranslateOptions = {
    model: ctx.upstreamModel,
    clientRequest: ctx.body,
    clientWantsUsage: clientWantsUsage(ctx),
    choices: choicesOf(ctx),
    estimateInputTokens: inputEstimator(ctx),
    created: secondsOf(ctx),
    secret: ctx.apiKey,
    ...extra,
  };
  const passthrough = isRelayed(wire, client);
  const dropped =
    client === 'responses' && !passthrough && Array.isArray(ctx.body.tools)
      ? responsesToolPlan(ctx.body).dropped
      : [];
  return {
    transport,
    ...(dropped.length ? { dropped: { tools: dropped } } : {}),
    passthrough,
    contentType: ctx.stream ? SSE_CT : JSON_CT,
    decode: (body) => decodeWhole(wire, encoderFor(client, o), o, body),
    streamTranslator: () => streamFor(wire, client, o),
    error: (status, headers, body) => {
      const e = normalizeUpstreamError(status, headers, body, undefined, ctx.apiKey);
      const param = passthrough ? errorParamOf(body, ctx.apiKey) : null;
      return param ? { ...e, param } : e;
    },
  };
}

/** The request field an OpenAI-shaped error body names (`error.param`), scrubbed; null when it names none. */
export function errorParamOf(body: Buffer | string, secret: string | null): string | null {
  const text = typeof body === 'string' ? body : body.toString('utf8');
  if (!text.includes('"param"')) return null;
  try {
    const err = (JSON.parse(text) as { error?: { param?: unknown } } | null)?.error;
    const param = err && typeof err === 'object' ? err.param : undefined;
    return typeof param === 'string' && param ? scrubSecrets(param, secret).slice(0, 200) : null;
  } catch {
    return null;
  }
}

/** count_tokens served locally with the tokenizer (providers without a native endpoint). */
export function localCountTokens(ctx: CallContext): PreparedCall {
  const n = inputEstimator(ctx)();
  const body = JSON.stringify({ input_tokens: n });
  const local: LocalResponse = { status: 200, headers: { 'content-type': JSON_CT }, body: Buffer.from(body) };
  return {
    transport: { kind: 'local', run: async () => local },
    passthrough: true,
    contentType: JSON_CT,
    decode: (b) => ({
      body: b,
      usage: { inputTokens: n, outputTokens: 0, cachedTokens: 0, estimated: true },
    }),
    streamTranslator: () => {
      throw new AdapterError(400, 'unsupported_stream', 'count_tokens does not stream.');
    },
    error: (status, headers, b) => normalizeUpstreamError(status, headers, b, undefined, ctx.apiKey),
  };
}

export function postJson(
  url: string,
  headers: Record<string, string>,
  body: string | Buffer,
  stream: boolean,
): UpstreamRequest {
  return {
    url,
    method: 'POST',
    headers: { 'content-type': JSON_CT, accept: stream ? 'text/event-stream' : JSON_CT, ...headers },
    body,
  };
}

export function withExtraHeaders(
  provider: ProviderRuntime,
  headers: Record<string, string>,
): Record<string, string> {
  return provider.config?.headers ? { ...provider.config.headers, ...headers } : headers;
}

/** Serialise a pivot chat request, asking for stream usage when streaming and supported. */
export function serialiseChat(req: OaChatRequest, stream: boolean, streamUsage: boolean): string {
  const out: OaChatRequest = { ...req, messages: toolImagesAsUserMessages(req.messages) };
  if (stream) {
    out.stream = true;
    if (streamUsage) out.stream_options = { include_usage: true };
  } else {
    delete out.stream;
    delete out.stream_options;
  }
  return JSON.stringify(out);
}
