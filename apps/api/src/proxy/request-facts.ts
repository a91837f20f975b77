import { utf8TokenBound, type ImageSize, type RequestParam } from '@switchyard/core';
import { isAscii } from 'node:buffer';
import {
  estimateAnthropicTokens,
  estimateChatTokens,
  estimateEmbeddingTokens,
  estimateResponsesTokens,
  roughTokens,
} from '../translate/tokens.js';
import { checkBodyShape, invalidModelName, RequestShapeError } from './body-shape.js';
import type { Capability, ProxyEndpoint, RequestFacts } from '../router/types.js';

export { RequestShapeError };

const isObj = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Below this size a character estimate is exact enough for context-window checks; above it we tokenize. */
const TOKENIZE_ABOVE_BYTES = 32 * 1024;

/** Whether content parts hold an image: themselves, or inside a tool's answer (Anthropic's `tool_result`). */
function partsHaveImage(parts: unknown[]): boolean {
  for (const p of parts) {
    if (!isObj(p)) continue;
    if (p.type === 'image_url' || p.type === 'image' || p.type === 'input_image') return true;
    // One level: a tool_result's content is text and images (the estimate reads it the same way).
    if (p.type === 'tool_result' && Array.isArray(p.content) && partsHaveImage(p.content)) return true;
  }
  return false;
}

/**
 * Whether messages (chat, Anthropic) or input items (Responses) hold an image, also where it is only in a tool's
 * answer (a screenshot in a `tool_result` or a `function_call_output`): such a request needs vision and is reserved
 * what its images count.
 */
function hasImage(messages: unknown[]): boolean {
  for (const m of messages) {
    if (!isObj(m)) continue;
    if (Array.isArray(m.content) && partsHaveImage(m.content)) return true;
    if (m.type === 'function_call_output' && Array.isArray(m.output) && partsHaveImage(m.output)) return true;
  }
  return false;
}

/** A `cache_control` mark: `long` for the 1-hour lifetime, `short` for any other, null for none. */
function markOf(v: unknown): 'short' | 'long' | null {
  if (!isObj(v) || !isObj(v.cache_control)) return null;
  return v.cache_control.ttl === '1h' ? 'long' : 'short';
}

/**
 * Whether an Anthropic-format request marks prompt parts for Claude's cache (`cache_control` on the request, a system
 * block, a tool, a message's content block or one inside a tool_result): `long` when any asks for the 1-hour
 * lifetime. Claude bills what it writes to its cache above the input price, so budgets reserve such a prompt at that
 * price. Read only in a body whose bytes name `cache_control`.
 */
function cacheWriteOf(body: Record<string, unknown>): 'short' | 'long' | undefined {
  let found: 'short' | 'long' | undefined;
  const see = (v: unknown): boolean => {
    const m = markOf(v);
    if (m) found = m === 'long' ? 'long' : (found ?? 'short');
    return found === 'long';
  };
  const each = (list: unknown): boolean =>
    Array.isArray(list) && list.some((b) => see(b) || (isObj(b) && each(b.content)));
  if (see(body)) return found;
  if (each(body.system) || each(body.tools)) return found;
  if (Array.isArray(body.messages))
    for (const m of body.messages) if (isObj(m) && each(m.content)) return found;
  return found;
}

/**
 * The most searches an Anthropic-format request's web search tools allow (`max_uses`, summed), which budgets reserve
 * at their price; undefined when it has none, or one without a `max_uses` (no bound to reserve: its searches are
 * billed when the answer says how many ran).
 */
function webSearchesAllowed(tools: unknown): number | undefined {
  if (!Array.isArray(tools)) return undefined;
  let n = 0;
  for (const t of tools) {
    if (!isObj(t) || typeof t.type !== 'string' || !t.type.startsWith('web_search_')) continue;
    if (typeof t.max_uses !== 'number' || !Number.isInteger(t.max_uses) || t.max_uses < 1) return undefined;
    n += Math.min(t.max_uses, 10_000);
  }
  return n || undefined;
}

type ClaudeBilling = Pick<RequestFacts, 'cacheWrite' | 'webSearches'>;
const NO_CLAUDE_BILLING: ClaudeBilling = Object.freeze({});

/**
 * What an Anthropic-format request may be billed beyond its tokens on Claude: prompt parts it marks for the cache
 * (cacheWriteOf, read only in a body whose bytes name `cache_control`) and the web searches it allows
 * (webSearchesAllowed); only the keys that apply.
 */
function claudeBilling(body: Record<string, unknown>, raw: Uint8Array | undefined): ClaudeBilling {
  const cacheWrite = !raw || namesCacheControl(raw) ? cacheWriteOf(body) : undefined;
  const webSearches = webSearchesAllowed(body.tools);
  if (!cacheWrite && !webSearches) return NO_CLAUDE_BILLING;
  return { ...(cacheWrite ? { cacheWrite } : {}), ...(webSearches ? { webSearches } : {}) };
}

const CACHE_CONTROL = Buffer.from('"cache_control"');

/** Whether a body's bytes name `cache_control` (a search in native code, before any walk of the body). */
function namesCacheControl(raw: Uint8Array): boolean {
  const bytes = Buffer.isBuffer(raw) ? raw : Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
  return bytes.includes(CACHE_CONTROL);
}

function requireModel(body: Record<string, unknown>, allowNone: (() => boolean) | undefined): string {
  // With a default model configured, a body without one (or with an empty one) is planned as "no model named".
  if ((body.model === undefined || body.model === null || body.model === '') && allowNone?.()) return '';
  if (typeof body.model !== 'string' || body.model.trim() === '') {
    throw new RequestShapeError('"model" is required and must be a string.', 'model');
  }
  if (invalidModelName(body.model)) {
    throw new RequestShapeError('"model" must not contain control characters or invalid UTF-16.', 'model');
  }
  return body.model.trim();
}

function optionalInt(body: Record<string, unknown>, field: string): number | null {
  const v = body[field];
  if (v === undefined || v === null) return null;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) {
    throw new RequestShapeError(`"${field}" must be a positive integer.`, field);
  }
  return v;
}

/**
 * A chat request's output cap: `max_completion_tokens` or `max_tokens`, the larger when it carries both (both go
 * upstream, and a vendor that honours `max_tokens` may run to it).
 */
function chatCap(body: Record<string, unknown>): number | null {
  const completion = optionalInt(body, 'max_completion_tokens');
  const max = optionalInt(body, 'max_tokens');
  return completion === null ? max : max === null ? completion : Math.max(completion, max);
}

/** The JSON response format asked for (chat `response_format`, Responses `text.format`), as a parameter. */
function jsonFormat(fmt: unknown): RequestParam | null {
  if (!isObj(fmt)) return null;
  return fmt.type === 'json_schema' ? 'json_schema' : fmt.type === 'json_object' ? 'json_object' : null;
}

/**
 * Validates the fields the gateway itself depends on (model, messages/input, stream, max tokens) and leaves the
 * rest for the provider to judge. Throws RequestShapeError (→ 400 in the client's format).
 */
export function requestFacts(
  endpoint: ProxyEndpoint,
  body: unknown,
  rawLength: number,
  /** `raw`: the body's bytes, counted for the estimate in any script (`utf8TokenBound`); else its length ÷ 4. */
  opts: { defaultModel?: () => boolean; raw?: Uint8Array } = {},
): RequestFacts {
  if (!isObj(body)) throw new RequestShapeError('The request body must be a JSON object.');
  const model = requireModel(body, opts.defaultModel);
  if (body.stream !== undefined && body.stream !== null && typeof body.stream !== 'boolean') {
    throw new RequestShapeError('"stream" must be a boolean.', 'stream');
  }
  // count_tokens and embeddings have no stream: their answer is one JSON object whatever the body says (relayed as
  // a stream it would end "before it finished" and count against the model's circuit for everyone).
  const stream = body.stream === true && endpoint !== 'count_tokens' && endpoint !== 'embeddings';
  const needs: Capability[] = [];
  const big = rawLength > TOKENIZE_ABOVE_BYTES;
  // An ASCII body (most) is 4 bytes a token either way: `isAscii` (SIMD) spares the byte loop, ~40× faster at 4 KB.
  let promptTokens = opts.raw
    ? isAscii(opts.raw)
      ? Math.ceil(opts.raw.length / 4)
      : utf8TokenBound(opts.raw)
    : roughTokens(rawLength);
  let maxTokens: number | null = null;
  let params: RequestParam[] | undefined;
  let choices: number | undefined;
  // The sizes of the images the estimate counted: a model that counts them higher is reserved more (`promptTokensOn`).
  const images: (ImageSize | null)[] = [];
  let claude = NO_CLAUDE_BILLING;

  switch (endpoint) {
    case 'chat': {
      if (!Array.isArray(body.messages) || body.messages.length === 0) {
        throw new RequestShapeError('"messages" must be a non-empty array.', 'messages');
      }
      checkBodyShape(endpoint, body);
      maxTokens = chatCap(body);
      needs.push('chat');
      const tools = Array.isArray(body.tools) && body.tools.length > 0;
      if (tools) needs.push('tools');
      const image = hasImage(body.messages);
      if (image) needs.push('vision');
      const asked = answersAsked(body.n, stream);
      if (asked) {
        params = [...asked.params];
        choices = asked.choices;
      }
      if (body.logprobs === true || typeof body.top_logprobs === 'number') (params ??= []).push('logprobs');
      const json = body.response_format === undefined ? null : jsonFormat(body.response_format);
      if (json) {
        needs.push('json');
        (params ??= []).push(json);
        if (tools) params.push('json_with_tools');
      }
      if (big) promptTokens = estimateChatTokens(body as never, images);
      // An image by URL is a few dozen characters and hundreds of tokens: a small body with images is reserved at
      // least what the images count (imageTokens each), never less than its size says.
      else if (image) promptTokens = Math.max(promptTokens, estimateChatTokens(body as never, images));
      break;
    }
    case 'messages':
    case 'count_tokens': {
      if (!Array.isArray(body.messages) || body.messages.length === 0) {
        throw new RequestShapeError('"messages" must be a non-empty array.', 'messages');
      }
      checkBodyShape(endpoint, body);
      if (endpoint === 'messages') maxTokens = optionalInt(body, 'max_tokens');
      needs.push('chat');
      if (Array.isArray(body.tools) && body.tools.length > 0) needs.push('tools');
      const image = hasImage(body.messages);
      if (image) needs.push('vision');
      if (big || endpoint === 'count_tokens') promptTokens = estimateAnthropicTokens(body as never, images);
      else if (image) promptTokens = Math.max(promptTokens, estimateAnthropicTokens(body as never, images));
      if (endpoint === 'messages') claude = claudeBilling(body, opts.raw);
      break;
    }
    case 'responses': {
      if (body.input === undefined || (typeof body.input !== 'string' && !Array.isArray(body.input))) {
        throw new RequestShapeError('"input" must be a string or an array.', 'input');
      }
      checkBodyShape(endpoint, body);
      maxTokens = optionalInt(body, 'max_output_tokens');
      needs.push('chat');
      const tools = Array.isArray(body.tools) && body.tools.length > 0;
      if (tools) needs.push('tools');
      // Input items with a content list (messages) may hold `input_image` parts.
      const image = Array.isArray(body.input) && hasImage(body.input);
      if (image) needs.push('vision');
      // Like chat: a large body is counted (an inline image as its image, not its base64), a small one with images
      // at least what its images count.
      if (big) promptTokens = estimateResponsesTokens(body, images);
      else if (image) promptTokens = Math.max(promptTokens, estimateResponsesTokens(body, images));
      const json = isObj(body.text) ? jsonFormat(body.text.format) : null;
      if (json) {
        needs.push('json');
        params = tools ? [json, 'json_with_tools'] : [json];
      }
      break;
    }
    case 'embeddings': {
      const input = body.input;
      const ok = typeof input === 'string' || (Array.isArray(input) && input.length > 0);
      if (!ok) throw new RequestShapeError('"input" must be a string or a non-empty array.', 'input');
      checkBodyShape(endpoint, body);
      needs.push('embeddings');
      promptTokens = big ? estimateEmbeddingTokens(input) : promptTokens;
      break;
    }
    case 'models':
      break;
  }
  if (stream) needs.push('streaming');
  const facts: RequestFacts = { model, stream, maxTokens, promptTokens, choices, needs, params, ...claude };
  if (images.length) facts.images = images;
  return facts;
}

/**
 * The answers a chat request asks for (`n`, when more than one: its estimate and reservations count each) and the
 * parameters that needs of a provider; null for one answer.
 */
export function answersAsked(
  n: unknown,
  stream: boolean,
): { choices: number; params: readonly RequestParam[] } | null {
  if (typeof n !== 'number' || !(n > 1)) return null;
  return { choices: Math.ceil(n), params: stream ? ['n', 'n_stream'] : ['n'] };
}
