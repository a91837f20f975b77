/** Google Gemini generateContent / streamGenerateContent?alt=sse (native), from the OpenAI chat pivot. */
import {
  baseUrlOf,
  localCountTokens,
  makeCall,
  pivotChatRequest,
  postJson,
  withExtraHeaders,
} from '../common.js';
import { AdapterError } from '../types.js';
import type {
  CallContext,
  ListModelsContext,
  ModelInfo,
  PreparedCall,
  ProviderAdapter,
  ProviderRuntime,
  UpstreamRequest,
  UpstreamWire,
} from '../types.js';
import { usageFromOpenai } from '../compose.js';
import { reasoningParamOf } from '../../translate/reasoning.js';
import { geminiThinkingChange, openaiChatToGeminiRequest } from './request.js';
import { geminiToOpenaiChatResponse } from './response.js';
import { GeminiStreamDecoder } from './stream.js';

function root(provider: ProviderRuntime): string {
  return baseUrlOf(provider).replace(/\/v1(beta)?$/, '');
}

function headersFor(provider: ProviderRuntime, apiKey: string | null): Record<string, string> {
  return withExtraHeaders(provider, apiKey ? { 'x-goog-api-key': apiKey } : {});
}

/** `models/gemini-2.0-flash` and `gemini-2.0-flash` both name the same model. */
function modelPath(model: string): string {
  const m = model.startsWith('models/') ? model.slice(7) : model;
  return encodeURIComponent(m);
}

/** Gemini's most stop sequences (`stopSequences`: "the number of stop_sequences must not exceed 5"). */
export const GEMINI_MAX_STOP = 5;

/**
 * A request's stop sequences where Gemini would refuse them (more than it takes: an Anthropic client may send many): a
 * 400 naming the reason, before the call, as for OpenAI's limit (see checkStopLimit): the attempt fails as unsupported,
 * no call is made, and a route's other provider that takes them may still serve the request. Dropping some would let
 * the answer run past a stop the client asked for.
 */
function checkGeminiStops(stop: unknown): void {
  if (!Array.isArray(stop) || stop.length <= GEMINI_MAX_STOP) return;
  throw new AdapterError(
    400,
    'unsupported_parameter',
    `This request has ${stop.length} stop sequences (stop_sequences); the provider serving this model (Gemini) takes at most ${GEMINI_MAX_STOP}.`,
  );
}

/** Gemini answers, always decoded to the pivot (no client speaks Gemini). */
export const geminiWire: UpstreamWire = {
  id: 'gemini',
  usage: usageFromOpenai,
  response: (body, o) => geminiToOpenaiChatResponse(body, o.model, o.created),
  decoder: (o) => new GeminiStreamDecoder(o),
};

export const geminiAdapter: ProviderAdapter = {
  id: 'gemini',
  wires: [geminiWire],
  /**
   * n = candidateCount (non-stream: the stream translation carries the first candidate only); JSON formats =
   * responseMimeType / responseSchema, which Gemini refuses together with function calling. No logprobs.
   */
  params: ['n', 'json_schema', 'json_object'],
  chatCapabilities: ['chat', 'streaming', 'tools', 'json', 'vision'],

  supports(endpoint) {
    return endpoint !== 'embeddings';
  },

  async prepare(ctx: CallContext): Promise<PreparedCall> {
    if (ctx.endpoint === 'count_tokens') return localCountTokens(ctx);
    if (ctx.endpoint === 'embeddings')
      throw new AdapterError(
        400,
        'unsupported_endpoint',
        'Embeddings are not supported for Gemini providers.',
      );
    const pivot = pivotChatRequest(ctx);
    checkGeminiStops(pivot.stop);
    const gemini = openaiChatToGeminiRequest(pivot);
    const body = JSON.stringify(gemini);
    const base = `${root(ctx.provider)}/v1beta/models/${modelPath(ctx.upstreamModel)}`;
    const url = ctx.stream ? `${base}:streamGenerateContent?alt=sse` : `${base}:generateContent`;
    const call = makeCall(
      ctx,
      { kind: 'http', request: postJson(url, headersFor(ctx.provider, ctx.apiKey), body, ctx.stream) },
      geminiWire,
    );
    const changed = geminiThinkingChange(pivot, gemini, reasoningParamOf(ctx.endpoint));
    if (changed) call.changedParams = [changed];
    return call;
  },

  async listModelsRequest(ctx: ListModelsContext): Promise<UpstreamRequest | null> {
    return {
      url: `${root(ctx.provider)}/v1beta/models?pageSize=1000`,
      method: 'GET',
      headers: { accept: 'application/json', ...headersFor(ctx.provider, ctx.apiKey) },
      body: null,
    };
  },

  parseModels(body: Buffer | null): ModelInfo[] {
    if (!body) return [];
    const j = JSON.parse(body.toString('utf8')) as { models?: Array<Record<string, unknown>> };
    return (j.models ?? [])
      .filter(
        (m) =>
          !Array.isArray(m.supportedGenerationMethods) ||
          (m.supportedGenerationMethods as string[]).includes('generateContent'),
      )
      .map((m) => {
        const info: ModelInfo = {
          id: String(m.name).replace(/^models\//, ''),
          displayName: String(m.displayName ?? m.name),
          ownedBy: 'google',
        };
        if (typeof m.inputTokenLimit === 'number') info.contextWindow = m.inputTokenLimit;
        if (typeof m.outputTokenLimit === 'number') info.maxOutputTokens = m.outputTokenLimit;
        return info;
      });
  },
};
