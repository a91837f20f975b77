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
import { openaiChatToGeminiRequest } from './request.js';
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
    const body = JSON.stringify(openaiChatToGeminiRequest(pivotChatRequest(ctx)));
    const base = `${root(ctx.provider)}/v1beta/models/${modelPath(ctx.upstreamModel)}`;
    const url = ctx.stream ? `${base}:streamGenerateContent?alt=sse` : `${base}:generateContent`;
    return makeCall(
      ctx,
      { kind: 'http', request: postJson(url, headersFor(ctx.provider, ctx.apiKey), body, ctx.stream) },
      geminiWire,
    );
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
