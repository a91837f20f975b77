/**
 * Provider registry: provider type -> adapter, plus the catalogue of per-provider defaults.
 *
 *   const adapter = getAdapter(provider.type);
 *   const call = await adapter.prepare({ endpoint, provider, upstreamModel, apiKey, rawBody, body, stream });
 */
import { anthropicAdapter } from './anthropic/adapter.js';
import { azureOpenaiAdapter } from './azure-openai/adapter.js';
import { bedrockAdapter } from './bedrock/adapter.js';
import { providerDefaults } from './catalogue.js';
import { geminiAdapter } from './gemini/adapter.js';
import { mockAdapter } from './mock/adapter.js';
import { openaiCompatibleAdapter } from './openai-compatible/adapter.js';
import type { AdapterId, ListModelsContext, ModelInfo, ProviderAdapter } from './types.js';

export * from './types.js';
export { PROVIDER_CATALOGUE, PROVIDER_TYPES, isProviderType, providerDefaults } from './catalogue.js';
export type { AuthStyle, ProviderDefaults } from './catalogue.js';
export { normalizeUpstreamError, networkError, parseRetryAfter, scrubSecrets } from './errors.js';

export const ADAPTERS: Readonly<Record<AdapterId, ProviderAdapter>> = {
  'openai-compatible': openaiCompatibleAdapter,
  anthropic: anthropicAdapter,
  gemini: geminiAdapter,
  'azure-openai': azureOpenaiAdapter,
  bedrock: bedrockAdapter,
  mock: mockAdapter,
};

/** Adapter for a provider type; unknown types use the OpenAI-compatible adapter (like `custom`). */
export function getAdapter(providerType: string): ProviderAdapter {
  return ADAPTERS[providerDefaults(providerType).adapter];
}

/**
 * Model discovery with a real HTTP call (admin path, provider tests).
 * `send` performs the request (inject undici `request` or a pooled dispatcher);
 * it must resolve with status and body. Throws on non-2xx with the normalized error message.
 */
export async function listModels(
  ctx: ListModelsContext,
  send: (req: {
    url: string;
    method: 'GET';
    headers: Record<string, string>;
  }) => Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }>,
): Promise<ModelInfo[]> {
  const adapter = getAdapter(ctx.provider.type);
  const req = await adapter.listModelsRequest(ctx);
  if (!req) return adapter.parseModels(null, ctx);
  const res = await send({ url: req.url, method: 'GET', headers: req.headers });
  if (res.status >= 400) {
    const { normalizeUpstreamError } = await import('./errors.js');
    const e = normalizeUpstreamError(res.status, res.headers, res.body, undefined, ctx.apiKey);
    throw Object.assign(new Error(`Model listing failed (${res.status}): ${e.message}`), { upstream: e });
  }
  return adapter.parseModels(res.body, ctx);
}
