/**
 * Providers: provider type -> adapter (the catalogue names each type's adapter, the registry holds them).
 *
 *   const adapter = getAdapter(provider.type);
 *   const call = await adapter.prepare({ endpoint, provider, upstreamModel, apiKey, rawBody, body, stream });
 */
import type { Capability, ModelParams } from '@switchyard/core';
import { providerDefaults } from './provider-types.js';
import { normalizeUpstreamError } from './errors.js';
import { ADAPTERS } from './registry.js';
import type { ListModelsContext, ModelInfo, ProviderAdapter } from './types.js';
import { withModelParams, type ParamsTarget } from '../translate/model-params.js';
import { modelFamily, type ModelIdentity } from './model-family.js';
import { refusesMaxTokens } from './openai-compatible/adapter.js';

export * from './types.js';
export {
  PROVIDER_CATALOGUE,
  isProviderType,
  nativeResponsesDefault,
  providerDefaults,
} from './provider-types.js';
export { errorInAnswer, scrubAccountIds, scrubSecrets } from './errors.js';

/** Adapter for a provider type; unknown types use the OpenAI-compatible adapter (like `custom`). */
export function getAdapter(providerType: string): ProviderAdapter {
  return ADAPTERS[providerDefaults(providerType).adapter];
}

/**
 * What a target makes of a model's default parameters (translate/model-params.ts): Claude, on Anthropic's API or on
 * Bedrock, takes one of temperature and top_p (the adapters reduce a pair to temperature, so a default must not be
 * added beside the client's choice); an OpenAI reasoning model takes its cap only as `max_completion_tokens` and
 * refuses a temperature or top_p but the default. The model is recognised by the model its config names
 * (`baseModel`), else by its upstream id (model-family.ts).
 */
export function paramsTarget(providerType: string, model: ModelIdentity): ParamsTarget {
  const adapter = providerDefaults(providerType).adapter;
  const family = modelFamily(model);
  return {
    oneSampler: adapter === 'anthropic' || (adapter === 'bedrock' && family === 'claude'),
    chatCap: refusesMaxTokens(providerType, model) ? 'max_completion_tokens' : 'max_tokens',
    defaultSamplingOnly: family === 'openai-reasoning',
  };
}

/** A request to a registered model as the gateway sends it (see {@link forModel}). */
export interface ModelRequest {
  /** The body with the model's defaults it did not set; null when none was added (the body goes as it came). */
  body: Record<string, unknown> | null;
  /** The model the config says the upstream id serves (`baseModel`), for the adapter (CallContext.baseModel). */
  baseModel: string | null;
}

/**
 * A request shaped for the registered model it goes to: the model's default parameters (`params`, with any cap the
 * gateway holds) that the body does not set, in the field and measure the model takes (paramsTarget), and the model
 * its config names for the adapter to recognise it by. The one path for every call the gateway makes to a model:
 * real traffic (proxy/attempt.ts) and the admin's checks ("Test model", a provider's chat health check), so a check
 * is asked what traffic is asked.
 */
export function forModel(
  endpoint: Parameters<typeof withModelParams>[0],
  body: Readonly<Record<string, unknown>>,
  params: Readonly<ModelParams> | null | undefined,
  providerType: string,
  modelId: string,
): ModelRequest {
  const baseModel = params?.baseModel ?? null;
  return {
    body: params
      ? withModelParams(endpoint, body, params, paramsTarget(providerType, { modelId, baseModel }))
      : null,
    baseModel,
  };
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
    const e = normalizeUpstreamError(res.status, res.headers, res.body, undefined, ctx.apiKey);
    throw Object.assign(new Error(`Model listing failed (${res.status}): ${e.message}`), { upstream: e });
  }
  return adapter.parseModels(res.body, ctx);
}

const EMBEDDING_ID = /(^|[-_/.])(text-)?embed(ding)?s?([-_/.]|\d|$)/i;

/**
 * The capabilities a model registered without any gets: `embeddings` for an embedding model (by its id) on a
 * protocol that serves embeddings, else what a chat model usually does on the provider type's protocol.
 */
export function defaultCapabilities(providerType: string, modelId: string): Capability[] {
  const adapter = getAdapter(providerType);
  const runtime = { id: '', slug: '', type: providerType, baseUrl: null, config: {} };
  if (EMBEDDING_ID.test(modelId) && adapter.supports('embeddings', runtime)) return ['embeddings'];
  return [...adapter.chatCapabilities];
}
