/**
 * Azure OpenAI: deployments + api-version, `api-key` header. Same wire format
 * as OpenAI chat, so chat/embeddings are passthrough with a model rewrite.
 * Config: baseUrl `https://<resource>.openai.azure.com`, config.apiVersion,
 * config.deployments { modelId: deploymentName }; config.responsesApi sends
 * `/responses` to Azure's v1 Responses API (`/openai/v1/responses`, the
 * deployment named as the model, no api-version) instead of translating it to chat.
 */
import {
  baseUrlOf,
  localCountTokens,
  makeCall,
  pivotChatRequest,
  postJson,
  serialiseChat,
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
} from '../types.js';
import { rewriteBody } from '../../translate/json-fast.js';
import { withoutReasoningDetails } from '../../translate/reasoning-details.js';
import { withoutTranslatedReasoning } from '../../translate/reasoning.js';
import {
  checkStopLimit,
  openaiChatWire,
  openaiEmbeddingsWire,
  openaiResponsesWire,
  responsesApiFor,
  withReasoningFor,
  withReasoningHistoryFor,
} from '../openai-compatible/adapter.js';

export const AZURE_DEFAULT_API_VERSION = '2024-10-21';

function root(provider: ProviderRuntime): string {
  return baseUrlOf(provider).replace(/\/openai(\/.*)?$/, '');
}

export function azureDeployment(provider: ProviderRuntime, model: string): string {
  return provider.config?.deployments?.[model] ?? model;
}

function url(provider: ProviderRuntime, model: string, op: string): string {
  const v = encodeURIComponent(provider.config?.apiVersion ?? AZURE_DEFAULT_API_VERSION);
  return `${root(provider)}/openai/deployments/${encodeURIComponent(azureDeployment(provider, model))}/${op}?api-version=${v}`;
}

function headersFor(provider: ProviderRuntime, apiKey: string | null): Record<string, string> {
  return withExtraHeaders(provider, apiKey ? { 'api-key': apiKey } : {});
}

/** A Messages or Responses request translated to a chat completion on the deployment. */
function translatedChat(
  ctx: CallContext,
  headers: Record<string, string>,
  streamUsage: boolean,
): PreparedCall {
  // A translated reasoning effort goes to a deployment of a reasoning model only (its config's baseModel names it).
  const pivot = pivotChatRequest(ctx);
  checkStopLimit(pivot, ctx.provider.type, ctx.baseModel);
  const body = serialiseChat(
    withReasoningFor(withReasoningHistoryFor(pivot, ctx.provider.type), ctx.baseModel),
    ctx.stream,
    streamUsage,
  );
  return makeCall(
    ctx,
    {
      kind: 'http',
      request: postJson(url(ctx.provider, ctx.upstreamModel, 'chat/completions'), headers, body, ctx.stream),
    },
    openaiChatWire,
  );
}

export const azureOpenaiAdapter: ProviderAdapter = {
  id: 'azure-openai',
  wires: [openaiChatWire, openaiEmbeddingsWire, openaiResponsesWire],
  /** Native (the OpenAI wire format): n, logprobs and both JSON response formats (with or without tools). */
  params: ['n', 'n_stream', 'logprobs', 'json_schema', 'json_object', 'json_with_tools'],
  chatCapabilities: ['chat', 'streaming', 'tools', 'json'],

  supports() {
    return true;
  },

  async prepare(ctx: CallContext): Promise<PreparedCall> {
    const { provider } = ctx;
    const headers = headersFor(provider, ctx.apiKey);
    const streamUsage = provider.config?.streamUsage ?? true;
    switch (ctx.endpoint) {
      case 'chat': {
        // Claude's signed thinking a client sends back (see reasoning-details.ts): OpenRouter's field, not Azure's.
        const own = withoutReasoningDetails(ctx.rawBody, ctx.body);
        const { body } = rewriteBody(own ? Buffer.from(JSON.stringify(own)) : ctx.rawBody, {
          parsed: own ?? ctx.body,
          model: ctx.upstreamModel,
          includeUsage: streamUsage && ctx.stream,
        });
        return makeCall(
          ctx,
          {
            kind: 'http',
            request: postJson(
              url(provider, ctx.upstreamModel, 'chat/completions'),
              headers,
              body,
              ctx.stream,
            ),
          },
          openaiChatWire,
        );
      }
      case 'embeddings': {
        const { body } = rewriteBody(ctx.rawBody, { parsed: ctx.body, model: ctx.upstreamModel });
        return makeCall(
          ctx,
          {
            kind: 'http',
            request: postJson(url(provider, ctx.upstreamModel, 'embeddings'), headers, body, false),
          },
          openaiEmbeddingsWire,
        );
      }
      case 'responses':
        if (responsesApiFor(provider)) {
          // Reasoning items the gateway made from another format's reasoning: this API would look them up and refuse.
          const own = withoutTranslatedReasoning(ctx.rawBody, ctx.body);
          const model = azureDeployment(provider, ctx.upstreamModel);
          const body = own
            ? JSON.stringify({ ...own, model })
            : rewriteBody(ctx.rawBody, { parsed: ctx.body, model }).body;
          return makeCall(
            ctx,
            {
              kind: 'http',
              request: postJson(`${root(provider)}/openai/v1/responses`, headers, body, ctx.stream),
            },
            openaiResponsesWire,
          );
        }
        return translatedChat(ctx, headers, streamUsage);
      case 'messages':
        return translatedChat(ctx, headers, streamUsage);
      case 'count_tokens':
        return localCountTokens(ctx);
      default:
        throw new AdapterError(400, 'unsupported_endpoint', `Unsupported endpoint ${String(ctx.endpoint)}.`);
    }
  },

  async listModelsRequest(ctx: ListModelsContext): Promise<UpstreamRequest | null> {
    if (ctx.provider.config?.deployments && Object.keys(ctx.provider.config.deployments).length) return null;
    const v = encodeURIComponent(ctx.provider.config?.apiVersion ?? AZURE_DEFAULT_API_VERSION);
    return {
      url: `${root(ctx.provider)}/openai/models?api-version=${v}`,
      method: 'GET',
      headers: { accept: 'application/json', ...headersFor(ctx.provider, ctx.apiKey) },
      body: null,
    };
  },

  parseModels(body: Buffer | null, ctx: ListModelsContext): ModelInfo[] {
    if (!body)
      return Object.entries(ctx.provider.config?.deployments ?? {}).map(([id, dep]) => ({
        id,
        displayName: `${id} (${dep})`,
        ownedBy: 'azure',
      }));
    const j = JSON.parse(body.toString('utf8')) as { data?: Array<Record<string, unknown>> };
    return (j.data ?? []).map((m) => ({ id: String(m.id), ownedBy: 'azure' }));
  },
};
