/**
 * One adapter for every OpenAI-compatible upstream (OpenAI, OpenRouter, Together,
 * Groq, Mistral, Fireworks, DeepSeek, Cohere compatibility, HuggingFace router,
 * Ollama, custom base URLs). Per-provider differences live in the catalogue.
 */
import { providerDefaults } from '../provider-types.js';
import { modelFamily, vendorReasoningEfforts, type ModelIdentity } from '../model-family.js';
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
  UpstreamWire,
} from '../types.js';
import { rewriteBody } from '../../translate/json-fast.js';
import { withoutReasoningDetails } from '../../translate/reasoning-details.js';
import { reasoningParamOf, withoutTranslatedReasoning } from '../../translate/reasoning.js';
import type { OaChatRequest } from '../../translate/wire-types.js';
import { usageFromOpenai } from '../compose.js';
import {
  chatResponseAsPivot,
  responsesTextWebSearches,
  responsesToOpenaiChatResponse,
  usageFromResponses,
} from './response.js';
import { OpenaiChatDecoder, OpenaiChatRelay, ResponsesRelay } from './stream.js';

/** OpenAI chat completions: the pivot itself; relayed to chat clients, checked and re-encoded for the others. */
export const openaiChatWire: UpstreamWire = {
  id: 'openai',
  usage: usageFromOpenai,
  response: chatResponseAsPivot,
  decoder: () => new OpenaiChatDecoder(),
  relay: (o) => new OpenaiChatRelay(!o.clientWantsUsage, o.choices ?? 1),
};

/** OpenAI's own /responses, only ever relayed to a Responses client (its answer read for a missing usage). */
export const openaiResponsesWire: UpstreamWire = {
  id: 'openai-responses',
  usage: usageFromResponses,
  billedExtras: (text) => {
    const webSearches = responsesTextWebSearches(text);
    return webSearches ? { webSearches } : null;
  },
  response: responsesToOpenaiChatResponse,
  relay: () => new ResponsesRelay(),
};

/** /embeddings, only ever relayed to an embeddings client. */
export const openaiEmbeddingsWire: UpstreamWire = {
  id: 'openai-embeddings',
  usage: usageFromOpenai,
  relay: () => new OpenaiChatRelay(false),
};

function authHeaders(provider: ProviderRuntime, apiKey: string | null): Record<string, string> {
  const h: Record<string, string> = apiKey ? { authorization: `Bearer ${apiKey}` } : {};
  if (provider.type === 'openrouter') {
    h['http-referer'] ??= 'https://github.com/switchyard/switchyard';
    h['x-title'] ??= 'Switchyard';
  }
  return withExtraHeaders(provider, h);
}

export function streamUsageFor(provider: ProviderRuntime): boolean {
  return provider.config?.streamUsage ?? providerDefaults(provider.type).supportsStreamUsage;
}

export function responsesApiFor(provider: ProviderRuntime): boolean {
  return provider.config?.responsesApi ?? providerDefaults(provider.type).supportsResponsesApi;
}

/** Ollama's native API root (the OpenAI-compatible base minus `/v1`). */
export function ollamaRoot(base: string): string {
  return base.replace(/\/v1$/, '');
}

/**
 * Whether this upstream refuses `max_tokens` for this model: an OpenAI reasoning model wherever it is served (OpenAI,
 * a custom base URL or corporate proxy in front of it, Azure), except through OpenRouter, which documents `max_tokens`
 * for every model and maps it for each upstream itself.
 */
export function refusesMaxTokens(providerType: string, model: ModelIdentity): boolean {
  const family = modelFamily(model);
  return providerType !== 'openrouter' && (family === 'openai-reasoning' || family === 'openai-chat');
}

/**
 * The output cap of a translated request in the field the upstream takes: OpenAI's own API takes
 * `max_completion_tokens` for every chat model, and an OpenAI reasoning model behind any other base URL needs it
 * (see refusesMaxTokens); the other vendors behind this adapter document `max_tokens` (some reject fields they do
 * not know), so they get that.
 */
export function withCapField(
  req: OaChatRequest,
  provider: ProviderRuntime,
  baseModel?: string | null,
): OaChatRequest {
  if (req.max_completion_tokens == null) return req;
  if (provider.type === 'openai' || refusesMaxTokens(provider.type, { modelId: req.model, baseModel }))
    return req;
  const { max_completion_tokens: cap, ...rest } = req;
  return { ...rest, max_tokens: req.max_tokens ?? cap };
}

/**
 * The effort a model that takes some of OpenAI's efforts is sent for the one asked (see vendorReasoningEfforts): the
 * effort itself, else minimal as the least it takes and anything else as the most; null for none (it cannot be
 * turned off there: the field is left out, the model's default stands).
 */
function nearestEffort(effort: string, takes: readonly string[]): string | null {
  if (effort === 'none') return null;
  if (takes.includes(effort)) return effort;
  return effort === 'minimal' || effort === 'low' ? takes[0]! : takes[takes.length - 1]!;
}

/**
 * A Gemini model served through an OpenAI-compatible API (Gemini's OpenAI compatibility,
 * generativelanguage.googleapis.com/v1beta/openai/, or Vertex AI's), by its id's last path segment.
 */
const GEMINI_ID = /^gemini-(\d+)(?:\.(\d+))?/i;
const GEMMA_ID = /^gemma-/i;
/** xAI's Grok: the models vendorReasoningEfforts does not list refuse `reasoning_effort` (Grok 4 to 4.2). */
const GROK_ID = /^grok-/i;

/**
 * The effort Gemini's OpenAI compatibility is sent for the one asked; null: left out. It takes low, medium and high
 * (Gemini 2.5 as a thinking budget, Gemini 3 as a thinking level) and "none" where thinking can be turned off (2.5
 * Flash and Flash-Lite); it refuses "minimal" and "xhigh" ("Invalid reasoning_effort … Valid values are: high, low,
 * medium, none"), and "none" on a model that cannot turn thinking off (2.5 Pro: "Budget 0 is invalid. This model only
 * works in thinking mode"). So minimal goes as low and xhigh as high; none is left out on 2.5 Pro (its default
 * thinking stands) and goes as low, its least, on Gemini 3 (which cannot turn it off either). A model that does not
 * think (before 2.5, but 2.0's thinking experiments) is sent none.
 */
function geminiCompatEffort(effort: string, id: string, version: RegExpExecArray): string | null {
  const v = Number(version[1]) + Number(version[2] ?? 0) / 10;
  if (v < 2.5 && !/thinking/i.test(id)) return null;
  if (effort === 'none') return v >= 3 ? 'low' : /pro/i.test(id) ? null : 'none';
  return nearestEffort(effort, ['low', 'medium', 'high']);
}

/**
 * The reasoning effort a model whose vendor's values are known is sent, through an OpenAI-compatible API, for the one
 * asked: null to leave the field out (the model refuses it, or cannot give the effort asked); undefined for a model
 * not known here (the caller's own rule stands). xAI's Grok 3 Mini and 4.3 on the nearest they take (see
 * vendorReasoningEfforts), the other Groks none (xAI refuses the field: Grok 4, 4 Fast, 4.1, Code Fast); Gemini
 * through its OpenAI compatibility as geminiCompatEffort says, Gemma none (not through OpenRouter, which maps efforts
 * itself).
 */
function vendorEffort(
  effort: string,
  model: ModelIdentity,
  providerType?: string,
): string | null | undefined {
  const full = model.baseModel?.trim() || model.modelId;
  const id = full.slice(full.lastIndexOf('/') + 1);
  if (providerType !== 'openrouter') {
    const gemini = GEMINI_ID.exec(id);
    if (gemini) return geminiCompatEffort(effort, id, gemini);
    if (GEMMA_ID.test(id)) return null;
  }
  const takes = vendorReasoningEfforts(model);
  if (takes) return nearestEffort(effort, takes);
  return GROK_ID.test(id) ? null : undefined;
}

/**
 * A translated request's reasoning effort (a Responses client's `reasoning.effort`, an Anthropic client's thinking)
 * goes to the models whose API documents it: OpenAI's reasoning models as it is; DeepSeek's API (`providerType`
 * deepseek), which takes every OpenAI effort (it reads minimal as low, medium and xhigh as high) and turns thinking
 * off with `thinking: {type: "disabled"}` instead of an effort "none"; xAI's Grok 3 Mini (low or high) and Grok 4.3 on
 * (low, medium or high), and Gemini through its OpenAI compatibility, as the nearest they take (see vendorEffort). The
 * others refuse the field (OpenAI: "reasoning_effort is not supported with this model"; Grok 4 to 4.2), and an
 * Anthropic client's thinking is its own choice of model behaviour, not a parameter to fail on: it is left out.
 */
export function withReasoningFor(
  req: OaChatRequest,
  baseModel?: string | null,
  providerType?: string,
): OaChatRequest {
  if (req.reasoning_effort === undefined) return req;
  if (modelFamily({ modelId: req.model, baseModel }) === 'openai-reasoning') return req;
  const { reasoning_effort: effort, ...rest } = req;
  if (providerType === 'deepseek' && typeof effort === 'string')
    return effort === 'none' ? { ...rest, thinking: { type: 'disabled' } } : req;
  const sent =
    typeof effort === 'string' ? vendorEffort(effort, { modelId: req.model, baseModel }, providerType) : null;
  return sent ? { ...rest, reasoning_effort: sent } : rest;
}

/**
 * An OpenAI-format client's chat body (relayed as it came) with its `reasoning_effort` as the model takes it, where
 * the model's vendor is known to refuse the value (see vendorEffort: Grok 4 refuses the field, Gemini's OpenAI
 * compatibility minimal and xhigh): the nearest value it takes, or none. Null when the body goes as it came (no
 * effort, one the model takes, a model not known here, or a value that is not a string: the upstream's 400 names it;
 * OpenRouter, which maps a client's effort for each model itself).
 */
export function withVendorEffort(
  body: Readonly<Record<string, unknown>>,
  model: ModelIdentity,
  providerType?: string,
): Record<string, unknown> | null {
  const effort = body.reasoning_effort;
  if (typeof effort !== 'string' || providerType === 'openrouter') return null;
  const sent = vendorEffort(effort, model, providerType);
  if (sent === undefined || sent === effort) return null;
  const { reasoning_effort: _asked, ...rest } = body;
  return sent === null ? rest : { ...rest, reasoning_effort: sent };
}

/** OpenAI's most stop sequences (`stop`: "array too long. Expected an array with maximum length 4"). */
export const OPENAI_MAX_STOP = 4;

/** An OpenAI model's id (its last path segment: a proxy in front of OpenAI may name the vendor). */
const OPENAI_MODEL_ID = /^(?:gpt-|chatgpt-|o\d)/i;

/**
 * OpenAI's models that refuse `stop` ("Unsupported parameter: 'stop' is not supported with this model"): o3 (not
 * o3-mini, which takes it) and o4-mini, as OpenAI's API reference says, and GPT-5, 5.1 and 5.2 with their sized and
 * dated variants, as their users report; not GPT-5's chat models. Later models are sent it (their own answer stands).
 */
const REFUSES_STOP_ID = /^(?:o3(?!-mini)|o4-mini|gpt-5(?:\.[12])?(?!-chat))(?:$|-)/i;

/** The id a request's model is known by: the admin's `baseModel`, else the upstream id's last path segment. */
function openaiIdOf(req: OaChatRequest, baseModel?: string | null): string {
  const id = baseModel?.trim() || req.model;
  return id.slice(id.lastIndexOf('/') + 1);
}

/** Whether the upstream is OpenAI's: its API, Azure's, or an OpenAI model behind another base URL. */
function servesOpenai(req: OaChatRequest, providerType: string, baseModel?: string | null): boolean {
  return (
    providerType === 'openai' ||
    providerType === 'azure-openai' ||
    OPENAI_MODEL_ID.test(openaiIdOf(req, baseModel))
  );
}

/**
 * A translated request's stop sequences (an Anthropic client's `stop_sequences`, which Anthropic takes many of) where
 * the upstream is OpenAI's (its API, Azure's, or an OpenAI model behind another base URL) and it would refuse them:
 * more than it takes, or any at all to a model that takes none (see REFUSES_STOP_ID; not through OpenRouter, which
 * leaves out what a model does not take). A 400 naming the reason, before the call (the provider would refuse it with
 * its own, in chat's terms). The attempt fails as unsupported: no call is made and its reservation is released, and a
 * route's other provider that takes them (Anthropic) may still serve the request. Dropping the sequences would let the
 * answer run past a stop the client asked for.
 */
export function checkStopLimit(req: OaChatRequest, providerType: string, baseModel?: string | null): void {
  const stop = req.stop;
  if (stop == null || (Array.isArray(stop) && stop.length === 0)) return;
  if (!servesOpenai(req, providerType, baseModel)) return;
  const id = openaiIdOf(req, baseModel);
  if (providerType !== 'openrouter' && REFUSES_STOP_ID.test(id))
    throw new AdapterError(
      400,
      'unsupported_parameter',
      `This request has stop sequences (stop_sequences); the model serving it (${id}, OpenAI) takes none.`,
    );
  if (!Array.isArray(stop) || stop.length <= OPENAI_MAX_STOP) return;
  throw new AdapterError(
    400,
    'unsupported_parameter',
    `This request has ${stop.length} stop sequences (stop_sequences); the provider serving this model (OpenAI) takes at most ${OPENAI_MAX_STOP}.`,
  );
}

/**
 * A translated request's earlier reasoning (an Anthropic client's thinking blocks, as each assistant message's
 * `reasoning_content`) goes to DeepSeek's API only, which wants it back (it refuses a tool loop whose turns lost it);
 * the others are not sent it: OpenAI's has no such message field, and Groq (400 "property 'reasoning_content' is
 * unsupported") and Mistral (422) refuse it. A request without any is returned as it is.
 */
export function withReasoningHistoryFor(req: OaChatRequest, providerType: string): OaChatRequest {
  if (providerType === 'deepseek' || !req.messages.some((m) => m.reasoning_content != null)) return req;
  return {
    ...req,
    messages: req.messages.map((m) => {
      if (m.reasoning_content == null) return m;
      const { reasoning_content: _r, ...rest } = m;
      return rest;
    }),
  };
}

function translatedChat(
  ctx: CallContext,
  base: string,
  headers: Record<string, string>,
  usage: boolean,
): PreparedCall {
  const pivot = pivotChatRequest(ctx);
  checkStopLimit(pivot, ctx.provider.type, ctx.baseModel);
  const reasoned = withReasoningFor(
    withReasoningHistoryFor(pivot, ctx.provider.type),
    ctx.baseModel,
    ctx.provider.type,
  );
  const body = serialiseChat(withCapField(reasoned, ctx.provider, ctx.baseModel), ctx.stream, usage);
  const call = makeCall(
    ctx,
    { kind: 'http', request: postJson(`${base}/chat/completions`, headers, body, ctx.stream) },
    openaiChatWire,
  );
  const changed = translatedEffortChange(pivot, reasoned, reasoningParamOf(ctx.endpoint));
  if (changed) call.changedParams = [changed];
  return call;
}

/**
 * What withReasoningFor did to a translated request's reasoning effort, in the client's terms (`thinking: left out`,
 * `reasoning.effort: high`; an Anthropic client's thinking as `thinking: reasoning_effort high`); null when it went
 * as the translation made it (DeepSeek's `thinking: {type: "disabled"}` for none is that effort in its form).
 */
function translatedEffortChange(before: OaChatRequest, after: OaChatRequest, param: string): string | null {
  const asked = before.reasoning_effort;
  const sent = after.reasoning_effort;
  if (asked === undefined || sent === asked || (asked === 'none' && 'thinking' in after)) return null;
  if (typeof sent !== 'string') return `${param}: left out`;
  return param === 'thinking' ? `thinking: reasoning_effort ${sent}` : `${param}: ${sent}`;
}

export const openaiCompatibleAdapter: ProviderAdapter = {
  id: 'openai-compatible',
  wires: [openaiChatWire, openaiResponsesWire, openaiEmbeddingsWire],
  /** Native: n, logprobs and both JSON response formats (with or without tools). */
  params: ['n', 'n_stream', 'logprobs', 'json_schema', 'json_object', 'json_with_tools'],
  chatCapabilities: ['chat', 'streaming', 'tools', 'json'],

  supports(endpoint, provider) {
    if (endpoint === 'embeddings') return providerDefaults(provider.type).supportsEmbeddings;
    return true;
  },

  async prepare(ctx: CallContext): Promise<PreparedCall> {
    const { provider } = ctx;
    const base = baseUrlOf(provider);
    const headers = authHeaders(provider, ctx.apiKey);
    const usage = streamUsageFor(provider);
    switch (ctx.endpoint) {
      case 'chat': {
        // Claude's signed thinking a client sends back (see reasoning-details.ts): OpenRouter's own field, refused
        // as unknown by the others.
        const stripped =
          ctx.provider.type === 'openrouter' ? null : withoutReasoningDetails(ctx.rawBody, ctx.body);
        // A reasoning effort the model would refuse goes as the nearest it takes, or not at all (withVendorEffort).
        const effortOwn = withVendorEffort(
          stripped ?? ctx.body,
          { modelId: ctx.upstreamModel, baseModel: ctx.baseModel },
          provider.type,
        );
        const effortChanged = effortOwn !== null;
        const own = effortOwn ?? stripped;
        const { body } = rewriteBody(own ? Buffer.from(JSON.stringify(own)) : ctx.rawBody, {
          parsed: own ?? ctx.body,
          model: ctx.upstreamModel,
          includeUsage: usage && ctx.stream,
        });
        const call = makeCall(
          ctx,
          { kind: 'http', request: postJson(`${base}/chat/completions`, headers, body, ctx.stream) },
          openaiChatWire,
        );
        if (effortChanged) {
          const sent = own?.reasoning_effort;
          call.changedParams = [`reasoning_effort: ${typeof sent === 'string' ? sent : 'left out'}`];
        }
        return call;
      }
      case 'embeddings': {
        const { body } = rewriteBody(ctx.rawBody, { parsed: ctx.body, model: ctx.upstreamModel });
        return makeCall(
          ctx,
          { kind: 'http', request: postJson(`${base}/embeddings`, headers, body, false) },
          openaiEmbeddingsWire,
        );
      }
      case 'responses':
        if (responsesApiFor(provider)) {
          // Reasoning items the gateway made from another format's reasoning: this API would look them up and refuse.
          const own = withoutTranslatedReasoning(ctx.rawBody, ctx.body);
          const body = own
            ? JSON.stringify({ ...own, model: ctx.upstreamModel })
            : rewriteBody(ctx.rawBody, { parsed: ctx.body, model: ctx.upstreamModel }).body;
          return makeCall(
            ctx,
            { kind: 'http', request: postJson(`${base}/responses`, headers, body, ctx.stream) },
            openaiResponsesWire,
          );
        }
        return translatedChat(ctx, base, headers, usage);
      case 'messages':
        return translatedChat(ctx, base, headers, usage);
      case 'count_tokens':
        return localCountTokens(ctx);
      default:
        throw new AdapterError(400, 'unsupported_endpoint', `Unsupported endpoint ${String(ctx.endpoint)}.`);
    }
  },

  async listModelsRequest(ctx: ListModelsContext): Promise<UpstreamRequest | null> {
    const base = baseUrlOf(ctx.provider);
    const headers = { accept: 'application/json', ...authHeaders(ctx.provider, ctx.apiKey) };
    if (ctx.provider.type === 'ollama')
      return { url: `${ollamaRoot(base)}/api/tags`, method: 'GET', headers, body: null };
    return { url: `${base}/models`, method: 'GET', headers, body: null };
  },

  parseModels(body: Buffer | null, ctx: ListModelsContext): ModelInfo[] {
    if (!body) return [];
    const j = JSON.parse(body.toString('utf8')) as {
      data?: Array<Record<string, unknown>>;
      models?: Array<Record<string, unknown>>;
    };
    if (ctx.provider.type === 'ollama' || (!j.data && j.models)) {
      return (j.models ?? []).map((m) => ({
        id: String(m.model ?? m.name),
        displayName: String(m.name ?? m.model),
        ownedBy: 'ollama',
        free: true,
      }));
    }
    return (j.data ?? []).map((m) => {
      const info: ModelInfo = { id: String(m.id) };
      if (typeof m.name === 'string') info.displayName = m.name;
      if (typeof m.owned_by === 'string') info.ownedBy = m.owned_by;
      const ctxLen = m.context_length ?? m.context_window ?? m.max_context_length;
      if (typeof ctxLen === 'number') info.contextWindow = ctxLen;
      const tp = m.top_provider as Record<string, unknown> | undefined;
      if (typeof tp?.max_completion_tokens === 'number') info.maxOutputTokens = tp.max_completion_tokens;
      return info;
    });
  },
};
