/**
 * The door check of a proxy request body: the types of the fields the gateway, its translators and the built-in
 * mock provider read, per client format, plus a nesting limit. Everything else passes through untouched (unknown
 * fields, block types the gateway does not know, any value of a field it does not read), so what the real OpenAI
 * and Anthropic APIs accept is accepted here; what would crash a translator after the budget was reserved is a 400
 * naming the field (`messages[0].content`).
 *
 * A lean hand-written walker rather than a schema library: it allocates nothing on a valid body (paths are built
 * only when a check fails) and visits only the fields it checks, then one bounded depth walk.
 */
import { isSafeText } from '@switchyard/core';
import type { ProxyEndpoint } from '../router/types.js';

export class RequestShapeError extends Error {
  constructor(
    message: string,
    readonly param?: string,
  ) {
    super(message);
  }
}

/** Deepest nesting of arrays and objects accepted in a body (the body itself is level 1). */
export const MAX_BODY_DEPTH = 64;

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function fail(param: string, what: string): never {
  throw new RequestShapeError(`"${param}" ${what}.`, param);
}

const MUST_STRING = 'must be a string';
const MUST_OBJECT = 'must be an object';
const MUST_ARRAY = 'must be an array';

/** C0 and C1 control characters and DEL. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/**
 * A model name with control characters (NUL included) or invalid UTF-16 (a lone surrogate: core's safe-text
 * rule, the one every admin schema uses).
 */
export function invalidModelName(model: string): boolean {
  return CONTROL.test(model) || !isSafeText(model);
}

/** An optional value (absent or null) or one of the given primitive type. */
function opt(v: unknown, type: 'string' | 'number' | 'boolean'): boolean {
  return v === undefined || v === null || typeof v === type;
}

// ---------- OpenAI chat completions ----------

/** An OpenAI message's content: absent, null, a string, or an array of typed parts (text, image_url, others). */
function oaContent(content: unknown, i: number, field: string): void {
  if (content === undefined || content === null || typeof content === 'string') return;
  if (!Array.isArray(content))
    fail(`messages[${i}].${field}`, 'must be a string or an array of content parts');
  for (let j = 0; j < content.length; j++) {
    const p: unknown = content[j];
    if (!isObj(p)) fail(`messages[${i}].${field}[${j}]`, MUST_OBJECT);
    if (typeof p.type !== 'string') fail(`messages[${i}].${field}[${j}].type`, MUST_STRING);
    if (p.type === 'text') {
      if (typeof p.text !== 'string') fail(`messages[${i}].${field}[${j}].text`, MUST_STRING);
    } else if (p.type === 'image_url') {
      const iu = p.image_url;
      if (typeof iu !== 'string' && !(isObj(iu) && typeof iu.url === 'string'))
        fail(`messages[${i}].${field}[${j}].image_url`, 'must be an object with a string "url"');
    }
  }
}

function oaToolCalls(calls: unknown, i: number): void {
  if (calls === undefined || calls === null) return;
  if (!Array.isArray(calls)) fail(`messages[${i}].tool_calls`, MUST_ARRAY);
  for (let j = 0; j < calls.length; j++) {
    const c: unknown = calls[j];
    if (!isObj(c)) fail(`messages[${i}].tool_calls[${j}]`, MUST_OBJECT);
    if (!opt(c.id, 'string')) fail(`messages[${i}].tool_calls[${j}].id`, 'must be a string');
    if (c.type === 'custom') continue;
    const f = c.function;
    if (!isObj(f)) fail(`messages[${i}].tool_calls[${j}].function`, MUST_OBJECT);
    if (typeof f.name !== 'string') fail(`messages[${i}].tool_calls[${j}].function.name`, MUST_STRING);
    if (!opt(f.arguments, 'string'))
      fail(`messages[${i}].tool_calls[${j}].function.arguments`, 'must be a string');
  }
}

function chatMessages(messages: unknown[]): void {
  for (let i = 0; i < messages.length; i++) {
    const m: unknown = messages[i];
    if (!isObj(m)) fail(`messages[${i}]`, MUST_OBJECT);
    if (typeof m.role !== 'string') fail(`messages[${i}].role`, MUST_STRING);
    oaContent(m.content, i, 'content');
    oaToolCalls(m.tool_calls, i);
    if (!opt(m.name, 'string')) fail(`messages[${i}].name`, 'must be a string');
    if (!opt(m.tool_call_id, 'string')) fail(`messages[${i}].tool_call_id`, 'must be a string');
  }
}

/** OpenAI chat tools: objects; a function tool has a `function` object with a string name. */
function oaTools(tools: unknown): void {
  if (tools === undefined || tools === null) return;
  if (!Array.isArray(tools)) fail('tools', MUST_ARRAY);
  for (let i = 0; i < tools.length; i++) {
    const t: unknown = tools[i];
    if (!isObj(t)) fail(`tools[${i}]`, MUST_OBJECT);
    if (!opt(t.type, 'string')) fail(`tools[${i}].type`, 'must be a string');
    if (t.type !== 'function' && t.type !== undefined) continue;
    const f = t.function;
    if (!isObj(f)) fail(`tools[${i}].function`, MUST_OBJECT);
    if (typeof f.name !== 'string') fail(`tools[${i}].function.name`, MUST_STRING);
    if (f.parameters !== undefined && f.parameters !== null && !isObj(f.parameters))
      fail(`tools[${i}].function.parameters`, MUST_OBJECT);
  }
}

function oaToolChoice(tc: unknown): void {
  if (tc === undefined || tc === null || typeof tc === 'string') return;
  if (!isObj(tc)) fail('tool_choice', 'must be a string or an object');
  if (tc.type === 'function' && !(isObj(tc.function) && typeof tc.function.name === 'string'))
    fail('tool_choice.function.name', MUST_STRING);
}

function oaStop(stop: unknown, param: string): void {
  if (stop === undefined || stop === null || typeof stop === 'string') return;
  if (!Array.isArray(stop)) fail(param, 'must be a string or an array of strings');
  for (let i = 0; i < stop.length; i++) if (typeof stop[i] !== 'string') fail(`${param}[${i}]`, MUST_STRING);
}

function optObject(o: Obj, key: string): void {
  const v = o[key];
  if (v !== undefined && v !== null && !isObj(v)) fail(key, MUST_OBJECT);
}

function chatBody(b: Obj): void {
  chatMessages(b.messages as unknown[]);
  oaTools(b.tools);
  oaToolChoice(b.tool_choice);
  oaStop(b.stop, 'stop');
  if (!opt(b.temperature, 'number')) fail('temperature', 'must be a number');
  if (!opt(b.top_p, 'number')) fail('top_p', 'must be a number');
  if (!opt(b.n, 'number')) fail('n', 'must be a number');
  if (!opt(b.user, 'string')) fail('user', 'must be a string');
  optObject(b, 'response_format');
  optObject(b, 'stream_options');
}

// ---------- Anthropic messages ----------

/** Where a block array sits: a message's content (`i`), the system prompt (`i` = -1), or a tool result's content in either (`j`). */
function anPath(i: number, j: number): string {
  const base = i < 0 ? 'system' : `messages[${i}].content`;
  return j < 0 ? base : `${base}[${j}].content`;
}

/** Anthropic content blocks: objects with a string type; the fields translation reads are typed. */
function anBlocks(blocks: unknown[], i: number, parent: number): void {
  for (let j = 0; j < blocks.length; j++) {
    const b: unknown = blocks[j];
    if (!isObj(b)) fail(`${anPath(i, parent)}[${j}]`, MUST_OBJECT);
    const type = b.type;
    if (typeof type !== 'string') fail(`${anPath(i, parent)}[${j}].type`, MUST_STRING);
    if (type === 'text') {
      if (typeof b.text !== 'string') fail(`${anPath(i, parent)}[${j}].text`, MUST_STRING);
    } else if (type === 'image' || type === 'document') {
      const src = b.source;
      const at = `${anPath(i, parent)}[${j}].source`;
      if (!isObj(src)) fail(at, MUST_OBJECT);
      if (typeof src.type !== 'string') fail(`${at}.type`, MUST_STRING);
      // An image becomes a URL (a data: URL for base64): the fields it is made of are strings.
      if (type === 'image' && src.type === 'base64') {
        if (typeof src.media_type !== 'string') fail(`${at}.media_type`, MUST_STRING);
        if (typeof src.data !== 'string') fail(`${at}.data`, MUST_STRING);
      } else if (type === 'image' && src.type === 'url' && typeof src.url !== 'string')
        fail(`${at}.url`, MUST_STRING);
    } else if (type === 'tool_use') {
      if (typeof b.id !== 'string') fail(`${anPath(i, parent)}[${j}].id`, MUST_STRING);
      if (typeof b.name !== 'string') fail(`${anPath(i, parent)}[${j}].name`, MUST_STRING);
    } else if (type === 'tool_result') {
      if (typeof b.tool_use_id !== 'string') fail(`${anPath(i, parent)}[${j}].tool_use_id`, MUST_STRING);
      const c = b.content;
      if (c === undefined || c === null || typeof c === 'string') continue;
      if (!Array.isArray(c))
        fail(`${anPath(i, parent)}[${j}].content`, 'must be a string or an array of content blocks');
      // One level: translation reads a tool result's blocks, not results nested in those.
      if (parent < 0) anBlocks(c, i, j);
    }
  }
}

function anMessages(messages: unknown[]): void {
  for (let i = 0; i < messages.length; i++) {
    const m: unknown = messages[i];
    if (!isObj(m)) fail(`messages[${i}]`, MUST_OBJECT);
    if (typeof m.role !== 'string') fail(`messages[${i}].role`, MUST_STRING);
    const c = m.content;
    if (typeof c === 'string') continue;
    if (!Array.isArray(c)) fail(`messages[${i}].content`, 'must be a string or an array of content blocks');
    anBlocks(c, i, -1);
  }
}

function anTools(tools: unknown): void {
  if (tools === undefined || tools === null) return;
  if (!Array.isArray(tools)) fail('tools', MUST_ARRAY);
  for (let i = 0; i < tools.length; i++) {
    const t: unknown = tools[i];
    if (!isObj(t)) fail(`tools[${i}]`, MUST_OBJECT);
    if (typeof t.name !== 'string') fail(`tools[${i}].name`, MUST_STRING);
    if (!opt(t.type, 'string')) fail(`tools[${i}].type`, 'must be a string');
    if (!opt(t.description, 'string')) fail(`tools[${i}].description`, 'must be a string');
    if (t.input_schema !== undefined && t.input_schema !== null && !isObj(t.input_schema))
      fail(`tools[${i}].input_schema`, MUST_OBJECT);
  }
}

function anthropicBody(b: Obj, countOnly: boolean): void {
  anMessages(b.messages as unknown[]);
  const s = b.system;
  if (s !== undefined && s !== null && typeof s !== 'string') {
    if (!Array.isArray(s)) fail('system', 'must be a string or an array of text blocks');
    anBlocks(s, -1, -1);
  }
  anTools(b.tools);
  const tc = b.tool_choice;
  if (tc !== undefined && tc !== null && !(isObj(tc) && typeof tc.type === 'string'))
    fail('tool_choice', 'must be an object with a string "type"');
  if (isObj(tc) && tc.type === 'tool' && typeof tc.name !== 'string') fail('tool_choice.name', MUST_STRING);
  if (b.stop_sequences !== undefined && b.stop_sequences !== null) {
    if (!Array.isArray(b.stop_sequences)) fail('stop_sequences', 'must be an array of strings');
    oaStop(b.stop_sequences, 'stop_sequences');
  }
  optObject(b, 'metadata');
  optObject(b, 'thinking');
  if (countOnly) return;
  if (!opt(b.temperature, 'number')) fail('temperature', 'must be a number');
  if (!opt(b.top_p, 'number')) fail('top_p', 'must be a number');
}

// ---------- OpenAI Responses ----------

/** A Responses message's content parts: the text, refusal and image fields the translator reads. */
function responsesContent(c: unknown[], i: number): void {
  for (let j = 0; j < c.length; j++) {
    const p: unknown = c[j];
    const at = `input[${i}].content[${j}]`;
    if (!isObj(p)) fail(at, MUST_OBJECT);
    const t = p.type;
    if (typeof t !== 'string') fail(`${at}.type`, MUST_STRING);
    if (t === 'input_text' || t === 'output_text' || t === 'text') {
      if (typeof p.text !== 'string') fail(`${at}.text`, MUST_STRING);
    } else if (t === 'refusal') {
      if (typeof p.refusal !== 'string') fail(`${at}.refusal`, MUST_STRING);
    } else if (t === 'input_image') {
      const iu = p.image_url;
      if (
        iu !== undefined &&
        iu !== null &&
        typeof iu !== 'string' &&
        !(isObj(iu) && typeof iu.url === 'string')
      )
        fail(`${at}.image_url`, 'must be a string');
      if (!opt(p.detail, 'string')) fail(`${at}.detail`, MUST_STRING);
    }
  }
}

/** A Responses input item other than a message: the call ids, names and arguments the translator reads. */
function responsesItem(it: Obj, type: string, i: number): void {
  if (type === 'function_call' || type === 'custom_tool_call') {
    if (typeof it.name !== 'string') fail(`input[${i}].name`, MUST_STRING);
    if (!opt(it.namespace, 'string')) fail(`input[${i}].namespace`, MUST_STRING);
    if (!opt(it.call_id, 'string')) fail(`input[${i}].call_id`, MUST_STRING);
    if (!opt(it.id, 'string')) fail(`input[${i}].id`, MUST_STRING);
    if (type === 'function_call' && !opt(it.arguments, 'string')) fail(`input[${i}].arguments`, MUST_STRING);
    if (type === 'custom_tool_call' && !opt(it.input, 'string')) fail(`input[${i}].input`, MUST_STRING);
  } else if (type === 'function_call_output' || type === 'custom_tool_call_output') {
    if (typeof it.call_id !== 'string') fail(`input[${i}].call_id`, MUST_STRING);
  }
}

/** A Responses tool (`type` required at the top level, optional inside a namespace). */
function responsesTool(t: unknown, at: string, typed: boolean): void {
  if (!isObj(t)) fail(at, MUST_OBJECT);
  if (typed ? typeof t.type !== 'string' : !opt(t.type, 'string')) fail(`${at}.type`, MUST_STRING);
  if (t.type === 'namespace') {
    if (typeof t.name !== 'string') fail(`${at}.name`, MUST_STRING);
    if (!Array.isArray(t.tools)) fail(`${at}.tools`, MUST_ARRAY);
    for (let j = 0; j < t.tools.length; j++) responsesTool(t.tools[j], `${at}.tools[${j}]`, false);
    return;
  }
  if (t.type !== 'function' && t.type !== 'custom' && t.type !== undefined) return;
  if (typeof t.name !== 'string') fail(`${at}.name`, MUST_STRING);
  if (!opt(t.description, 'string')) fail(`${at}.description`, MUST_STRING);
  if (t.type === 'custom') {
    const f = t.format;
    if (f !== undefined && f !== null && !isObj(f)) fail(`${at}.format`, MUST_OBJECT);
    if (isObj(f) && !opt(f.syntax, 'string')) fail(`${at}.format.syntax`, MUST_STRING);
  } else if (t.parameters !== undefined && t.parameters !== null && !isObj(t.parameters))
    fail(`${at}.parameters`, MUST_OBJECT);
}

function responsesBody(b: Obj): void {
  // A background response is generated after this call ends, fetched later from the provider: nothing of it can be
  // metered, settled against the caller's budget or limits, or protected on its way back.
  if (!opt(b.background, 'boolean')) fail('background', 'must be a boolean');
  if (b.background === true)
    fail(
      'background',
      'is not supported: a background response runs on after this call ends, where the gateway cannot meter it or hold it to your limits; send the request without it (or stream it)',
    );
  const input = b.input;
  if (Array.isArray(input)) {
    for (let i = 0; i < input.length; i++) {
      const it: unknown = input[i];
      if (!isObj(it)) fail(`input[${i}]`, MUST_OBJECT);
      if (!opt(it.type, 'string')) fail(`input[${i}].type`, 'must be a string');
      const type = (it.type as string | undefined | null) ?? 'message';
      if (type !== 'message') {
        responsesItem(it, type, i);
        continue;
      }
      if (!opt(it.role, 'string')) fail(`input[${i}].role`, 'must be a string');
      const c = it.content;
      if (c === undefined || c === null || typeof c === 'string') continue;
      if (!Array.isArray(c)) fail(`input[${i}].content`, 'must be a string or an array of content parts');
      responsesContent(c, i);
    }
  }
  if (!opt(b.instructions, 'string')) fail('instructions', 'must be a string');
  const tools = b.tools;
  if (tools !== undefined && tools !== null) {
    if (!Array.isArray(tools)) fail('tools', MUST_ARRAY);
    for (let i = 0; i < tools.length; i++) responsesTool(tools[i], `tools[${i}]`, true);
  }
  const tc = b.tool_choice;
  if (tc !== undefined && tc !== null && typeof tc !== 'string' && !isObj(tc))
    fail('tool_choice', 'must be a string or an object');
  if (isObj(tc) && (tc.type === 'function' || tc.type === 'custom')) {
    if (typeof tc.name !== 'string') fail('tool_choice.name', MUST_STRING);
    if (!opt(tc.namespace, 'string')) fail('tool_choice.namespace', MUST_STRING);
  }
  optObject(b, 'text');
  if (isObj(b.text)) {
    const f = b.text.format;
    if (f !== undefined && f !== null && !isObj(f)) fail('text.format', MUST_OBJECT);
    if (isObj(f) && !opt(f.name, 'string')) fail('text.format.name', MUST_STRING);
  }
  if (!opt(b.temperature, 'number')) fail('temperature', 'must be a number');
  if (!opt(b.top_p, 'number')) fail('top_p', 'must be a number');
  if (!opt(b.user, 'string')) fail('user', 'must be a string');
}

// ---------- embeddings ----------

function embeddingsBody(b: Obj): void {
  const input = b.input;
  if (!Array.isArray(input)) return;
  for (let i = 0; i < input.length; i++) {
    const x: unknown = input[i];
    if (typeof x === 'string' || typeof x === 'number') continue;
    if (!Array.isArray(x)) fail(`input[${i}]`, 'must be a string, a token or an array of tokens');
    for (let j = 0; j < x.length; j++)
      if (typeof x[j] !== 'number') fail(`input[${i}][${j}]`, 'must be a number');
  }
  if (!opt(b.encoding_format, 'string')) fail('encoding_format', 'must be a string');
  if (!opt(b.dimensions, 'number')) fail('dimensions', 'must be a number');
}

// ---------- nesting ----------

/**
 * The path of the first array or object beyond `left` levels of nesting (`v` itself being the first level), or
 * null. Recursion is bounded by the limit; the path is built only on the way back from a failure.
 */
function tooDeep(v: unknown, left: number): string | null {
  if (typeof v !== 'object' || v === null) return null;
  if (left === 0) return '';
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      const x: unknown = v[i];
      if (typeof x !== 'object' || x === null) continue;
      const p = tooDeep(x, left - 1);
      if (p !== null) return `[${i}]${p}`;
    }
    return null;
  }
  for (const k in v) {
    const x = (v as Obj)[k];
    if (typeof x !== 'object' || x === null) continue;
    const p = tooDeep(x, left - 1);
    if (p !== null) return `.${k}${p}`;
  }
  return null;
}

/**
 * Checks a parsed body whose `model`, `stream`, `messages` / `input` presence were already checked by the caller
 * (request-facts); throws RequestShapeError naming the first bad field.
 */
export function checkBodyShape(endpoint: ProxyEndpoint, body: Obj): void {
  // Depth first: the shape checks below recurse into nested tool results.
  const deep = tooDeep(body, MAX_BODY_DEPTH);
  if (deep !== null) {
    const path = deep.replace(/^\./, '');
    const param = path.length > 200 ? `${path.slice(0, 200)}…` : path;
    throw new RequestShapeError(`"${param}" is nested deeper than ${MAX_BODY_DEPTH} levels.`, param);
  }
  switch (endpoint) {
    case 'chat':
      chatBody(body);
      break;
    case 'messages':
    case 'count_tokens':
      anthropicBody(body, endpoint === 'count_tokens');
      break;
    case 'responses':
      responsesBody(body);
      break;
    case 'embeddings':
      embeddingsBody(body);
      break;
    case 'models':
      break;
  }
}

/**
 * Whether raw JSON text nests arrays/objects deeper than `limit` (strings skipped, escapes honoured): the top-level
 * field where it does (`''` when there is none), or null. Used before parsing large bodies only: a deeply nested
 * document costs JSON.parse time quadratic in its depth.
 */
export function rawDepthExceeds(raw: Buffer, limit: number): string | null {
  let depth = 0;
  let inString = false;
  // The last string that started at depth 1: in the top-level object, the key of the value that follows it.
  let keyStart = -1;
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i]!;
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) {
      inString = true;
      if (depth === 1) keyStart = i;
    } else if (c === 0x5b || c === 0x7b) {
      if (++depth > limit) return keyStart === -1 ? '' : topLevelKey(raw, keyStart);
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return null;
}

function topLevelKey(raw: Buffer, start: number): string {
  let end = start + 1;
  while (end < raw.length && raw[end] !== 0x22) end += raw[end] === 0x5c ? 2 : 1;
  try {
    return String(JSON.parse(raw.subarray(start, end + 1).toString('utf8'))).slice(0, 200);
  } catch {
    return '';
  }
}
