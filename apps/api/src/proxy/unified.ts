/**
 * `POST /v1/route` (also `/openai/v1/route`, `/anthropic/v1/route`): one endpoint for an OpenAI chat body or an
 * Anthropic messages body. The format is decided once, then the request goes down the same path as
 * `/v1/chat/completions` or `/v1/messages` and is answered in the format it came in (streamed too).
 *
 * The rule, first match wins:
 * 1. the `x-switchyard-format: openai | anthropic` header;
 * 2. Anthropic-only shapes: a top-level `system`, `stop_sequences`, `top_k`, `thinking`, or a message content block
 *    of type `tool_use`, `tool_result`, `thinking`, `document` or an `image` with a `source`;
 * 3. OpenAI-only shapes: a message role `system`, `developer`, `tool` or `function`, a content part `image_url` or
 *    `input_audio`, `tool_calls` on a message, or `max_completion_tokens`, `n`, `response_format`, `stream_options`,
 *    `logprobs`, `stop`, `tools` of `type: "function"`;
 * 4. otherwise (plain user/assistant text, valid in both): Anthropic when the client sent `anthropic-version` or
 *    called `/anthropic/v1/route`, else OpenAI.
 */
import type { IncomingMessage } from 'node:http';
import type { ClientFormat } from './client-errors.js';
import type { EndpointMatch } from './endpoints.js';

export const FORMAT_HEADER = 'x-switchyard-format';

const isObj = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

const ANTHROPIC_FIELDS = ['system', 'stop_sequences', 'top_k', 'thinking'] as const;
const ANTHROPIC_BLOCKS = new Set(['tool_use', 'tool_result', 'thinking', 'redacted_thinking', 'document']);
const OPENAI_FIELDS = [
  'max_completion_tokens',
  'n',
  'response_format',
  'stream_options',
  'logprobs',
  'top_logprobs',
  'stop',
  'frequency_penalty',
  'presence_penalty',
] as const;
const OPENAI_ROLES = new Set(['system', 'developer', 'tool', 'function']);
const OPENAI_PARTS = new Set(['image_url', 'input_audio']);

/** The format the header names: a value, null when absent, 'invalid' for anything else. */
export function headerFormat(req: IncomingMessage): ClientFormat | 'invalid' | null {
  const v = req.headers[FORMAT_HEADER];
  if (v === undefined) return null;
  const s = String(v).trim().toLowerCase();
  return s === 'openai' || s === 'anthropic' ? s : 'invalid';
}

/** What the body's shape says (rules 2 and 3), or null when it fits both. */
export function shapeFormat(body: unknown): ClientFormat | null {
  if (!isObj(body)) return null;
  if (ANTHROPIC_FIELDS.some((f) => body[f] !== undefined)) return 'anthropic';
  if (OPENAI_FIELDS.some((f) => body[f] !== undefined)) return 'openai';
  if (Array.isArray(body.tools)) {
    for (const t of body.tools) {
      if (isObj(t) && t.type === 'function') return 'openai';
      if (isObj(t) && t.input_schema !== undefined) return 'anthropic';
    }
  }
  if (!Array.isArray(body.messages)) return null;
  for (const m of body.messages) {
    if (!isObj(m)) continue;
    if (typeof m.role === 'string' && OPENAI_ROLES.has(m.role)) return 'openai';
    if (m.tool_calls !== undefined) return 'openai';
    if (!Array.isArray(m.content)) continue;
    for (const p of m.content) {
      if (!isObj(p) || typeof p.type !== 'string') continue;
      if (ANTHROPIC_BLOCKS.has(p.type) || (p.type === 'image' && p.source !== undefined)) return 'anthropic';
      if (OPENAI_PARTS.has(p.type)) return 'openai';
    }
  }
  return null;
}

/** The format before the body is read (errors of auth and body size): the header, then the client's hints. */
export function hintedFormat(req: IncomingMessage, match: EndpointMatch): ClientFormat {
  const h = headerFormat(req);
  if (h === 'openai' || h === 'anthropic') return h;
  return match.format === 'anthropic' || req.headers['anthropic-version'] !== undefined
    ? 'anthropic'
    : 'openai';
}

/** The endpoint a unified request is served as, once its body is parsed. */
export function unifiedMatch(req: IncomingMessage, match: EndpointMatch, body: unknown): EndpointMatch {
  const h = headerFormat(req);
  const format = h === 'openai' || h === 'anthropic' ? h : (shapeFormat(body) ?? hintedFormat(req, match));
  return format === 'anthropic'
    ? { endpoint: 'messages', format: 'anthropic', method: 'POST' }
    : { endpoint: 'chat', format: 'openai', method: 'POST' };
}
