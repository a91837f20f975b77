/** Anthropic Messages API (native). OpenAI-format clients are translated both ways. */
import {
  baseUrlOf,
  inputEstimator,
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
import { reasoningParamOf } from '../../translate/reasoning.js';
import { rewriteBody } from '../../translate/json-fast.js';
import { tokenFigure } from '../../translate/usage-figures.js';
import type { AnResponse } from '../../translate/wire-types.js';
import {
  anthropicWebSearchFor,
  defaultMaxTokensFor,
  jsonResponseTool,
  mayHoldUnsignedThinking,
  openaiChatToAnthropicRequest,
  withoutUnsignedThinking,
} from './request.js';
import { nativeThinkingFor, thinkingChange, translatedThinkingChange } from './native-thinking.js';
import { anthropicToOpenaiChatResponse, usageFromAnthropic } from './response.js';
import { AnthropicRelay, AnthropicStreamDecoder } from './stream.js';

type Obj = Record<string, unknown>;

export const ANTHROPIC_VERSION = '2023-06-01';

/** The model a call goes to, as model recognition reads it: its upstream id and the model its config names. */
const modelOf = (ctx: CallContext) => ({ modelId: ctx.upstreamModel, baseModel: ctx.baseModel });

/**
 * An Anthropic-format client's body as Anthropic's API is sent it (Messages and count_tokens): thinking blocks another
 * vendor's reasoning became left out (Anthropic refuses them, see withoutUnsignedThinking; looked for only in a body
 * whose bytes hold an empty signature), thinking in the form the model takes (nativeThinkingFor, `formed`), the model
 * rewritten, and with `defaultCap` the default max_tokens when it sets none. The client's bytes with the model
 * rewritten when none of that applies.
 */
function nativeBody(ctx: CallContext, defaultCap: boolean): { body: Buffer | string; formed: Obj | null } {
  const signed = mayHoldUnsignedThinking(ctx.rawBody) ? withoutUnsignedThinking(ctx.body) : null;
  const cap =
    typeof ctx.body.max_tokens === 'number' ? ctx.body.max_tokens : defaultMaxTokensFor(ctx.maxOutputTokens);
  const formed = nativeThinkingFor(signed ?? ctx.body, modelOf(ctx), cap);
  const addCap = defaultCap && ctx.body.max_tokens == null;
  if (!signed && !formed && !addCap)
    return { body: rewriteBody(ctx.rawBody, { parsed: ctx.body, model: ctx.upstreamModel }).body, formed };
  const own = formed ?? signed ?? ctx.body;
  return {
    body: JSON.stringify({ ...own, model: ctx.upstreamModel, ...(addCap ? { max_tokens: cap } : {}) }),
    formed,
  };
}

function root(provider: ProviderRuntime): string {
  return baseUrlOf(provider).replace(/\/v1$/, '');
}

/**
 * Headers for an Anthropic upstream. On the native paths (an Anthropic-format client) the client's
 * `anthropic-version` and `anthropic-beta` are forwarded: Claude Code sends beta-gated body fields
 * (`context_management`, `output_config`, `defer_loading`, system-role messages) that Anthropic rejects without
 * the beta that enables them.
 */
function headersFor(
  provider: ProviderRuntime,
  apiKey: string | null,
  client?: CallContext['clientHeaders'],
): Record<string, string> {
  const h: Record<string, string> = {
    'anthropic-version': client?.anthropicVersion ?? provider.config?.anthropicVersion ?? ANTHROPIC_VERSION,
  };
  if (client?.anthropicBeta) h['anthropic-beta'] = client.anthropicBeta;
  if (apiKey) h['x-api-key'] = apiKey;
  return withExtraHeaders(provider, h);
}

/** Anthropic Messages answers: relayed to Anthropic-format clients, decoded to the pivot for the others. */
export const anthropicWire: UpstreamWire = {
  id: 'anthropic',
  usage: usageFromAnthropic,
  response: (body, o) => anthropicToOpenaiChatResponse(body as unknown as AnResponse, o.created, o.jsonTool),
  decoder: (o) => new AnthropicStreamDecoder(o),
  relay: () => new AnthropicRelay(),
};

export const anthropicAdapter: ProviderAdapter = {
  id: 'anthropic',
  wires: [anthropicWire],
  /**
   * No n, no logprobs. A JSON response format is emulated exactly with a forced tool (the schema as its input_schema,
   * its input returned as the message content); not together with the client's own tools (the forced tool would
   * keep the model from calling them).
   */
  params: ['json_schema', 'json_object'],
  chatCapabilities: ['chat', 'streaming', 'tools', 'json', 'vision'],

  supports(endpoint) {
    return endpoint !== 'embeddings';
  },

  async prepare(ctx: CallContext): Promise<PreparedCall> {
    const base = root(ctx.provider);
    const native = ctx.endpoint === 'messages' || ctx.endpoint === 'count_tokens';
    const headers = headersFor(ctx.provider, ctx.apiKey, native ? ctx.clientHeaders : undefined);
    switch (ctx.endpoint) {
      case 'messages': {
        const { body, formed } = nativeBody(ctx, true);
        const call = makeCall(
          ctx,
          { kind: 'http', request: postJson(`${base}/v1/messages`, headers, body, ctx.stream) },
          anthropicWire,
        );
        const changed = thinkingChange(ctx.body, formed);
        if (changed) call.changedParams = [changed];
        return call;
      }
      case 'count_tokens': {
        const { body } = nativeBody(ctx, false);
        const request = postJson(`${base}/v1/messages/count_tokens`, headers, body, false);
        const call = makeCall({ ...ctx, endpoint: 'messages' }, { kind: 'http', request }, anthropicWire);
        return {
          ...call,
          decode: (b) => {
            const j = JSON.parse(b.toString('utf8')) as { input_tokens?: unknown };
            return {
              body: b,
              usage: { inputTokens: tokenFigure(j.input_tokens), outputTokens: 0, cachedTokens: 0 },
            };
          },
          // Anthropic-compatible upstreams (proxies, other vendors) often lack count_tokens: count locally.
          recover: (status) =>
            status === 404 || status === 405 || status === 501
              ? Buffer.from(JSON.stringify({ input_tokens: inputEstimator(ctx)() }))
              : null,
        };
      }
      case 'chat':
      case 'responses': {
        const pivot = pivotChatRequest(ctx);
        const an = openaiChatToAnthropicRequest(
          pivot,
          ctx.upstreamModel,
          defaultMaxTokensFor(ctx.maxOutputTokens),
          ctx.baseModel,
        );
        if (ctx.stream) an.stream = true;
        else delete an.stream;
        // A JSON response format travels as a forced tool whose input is the answer (see jsonResponseTool).
        const jsonTool = pivot.response_format ? jsonResponseTool(pivot)?.name : undefined;
        // Web search has an equivalent here when the organization enabled it: Anthropic runs the searches.
        const webSearch =
          ctx.endpoint === 'responses' && ctx.provider.config?.webSearch === true
            ? anthropicWebSearchFor(ctx.body)
            : null;
        const tools: unknown[] | undefined = webSearch ? [...(an.tools ?? []), webSearch] : undefined;
        const body = tools ? JSON.stringify({ ...an, tools }) : JSON.stringify(an);
        const call = makeCall(
          ctx,
          { kind: 'http', request: postJson(`${base}/v1/messages`, headers, body, ctx.stream) },
          anthropicWire,
          jsonTool ? { jsonTool } : {},
        );
        if (webSearch && call.dropped) {
          const rest = call.dropped.tools.filter((t) => !t.startsWith('web_search'));
          if (rest.length) call.dropped = { tools: rest };
          else delete call.dropped;
        }
        const changed = translatedThinkingChange(
          pivot,
          an as Record<string, unknown>,
          reasoningParamOf(ctx.endpoint),
        );
        if (changed) call.changedParams = [changed];
        return call;
      }
      default:
        throw new AdapterError(400, 'unsupported_endpoint', `Anthropic does not serve ${ctx.endpoint}.`);
    }
  },

  async listModelsRequest(ctx: ListModelsContext): Promise<UpstreamRequest | null> {
    return {
      url: `${root(ctx.provider)}/v1/models?limit=1000`,
      method: 'GET',
      headers: { accept: 'application/json', ...headersFor(ctx.provider, ctx.apiKey) },
      body: null,
    };
  },

  parseModels(body: Buffer | null): ModelInfo[] {
    if (!body) return [];
    const j = JSON.parse(body.toString('utf8')) as { data?: Array<Record<string, unknown>> };
    return (j.data ?? []).map((m) => ({
      id: String(m.id),
      displayName: String(m.display_name ?? m.id),
      ownedBy: 'anthropic',
    }));
  },
};
