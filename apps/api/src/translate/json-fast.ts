/**
 * Byte-level helpers for the same-format passthrough path: rewrite the top-level
 * `model` field of a JSON body, or add `stream_options`, without parsing and
 * re-serialising the rest of the document.
 */

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_OBJ = 0x7b;
const CLOSE_OBJ = 0x7d;
const OPEN_ARR = 0x5b;
const CLOSE_ARR = 0x5d;
const COLON = 0x3a;
const COMMA = 0x2c;

function isWs(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

/** Index just past the closing quote of the string starting at `i` (which must be a quote). */
function skipString(b: Buffer, i: number): number {
  // Native memchr for the next quote, then check it is not escaped (odd run of backslashes).
  const buf = b;
  let j = i + 1;
  for (;;) {
    const q = buf.indexOf(QUOTE, j);
    if (q === -1) return -1;
    let k = q - 1;
    while (k > i && b[k] === BACKSLASH) k--;
    if ((q - 1 - k) % 2 === 0) return q + 1;
    j = q + 1;
  }
}

/** Index just past the JSON value starting at `i`. */
function skipValue(b: Buffer, i: number): number {
  const n = b.length;
  const c0 = b[i];
  if (c0 === QUOTE) return skipString(b, i);
  if (c0 === OPEN_OBJ || c0 === OPEN_ARR) {
    let depth = 0;
    while (i < n) {
      const c = b[i]!;
      if (c === QUOTE) {
        i = skipString(b, i);
        if (i < 0) return -1;
        continue;
      }
      if (c === OPEN_OBJ || c === OPEN_ARR) depth++;
      else if (c === CLOSE_OBJ || c === CLOSE_ARR) {
        depth--;
        if (depth === 0) return i + 1;
      }
      i++;
    }
    return -1;
  }
  // number / true / false / null
  while (i < n) {
    const c = b[i]!;
    if (c === COMMA || c === CLOSE_OBJ || c === CLOSE_ARR || isWs(c)) return i;
    i++;
  }
  return i;
}

export interface TopLevelField {
  /** Byte offset of the value's first byte. */
  start: number;
  /** Byte offset just past the value. */
  end: number;
}

/**
 * Scans the top level of a JSON object and returns where the requested keys'
 * values sit. Returns null when `b` is not a well-formed object at the top level.
 * Keys must be plain ASCII without escapes (true for every field we look for).
 */
export function scanTopLevel(b: Buffer, keys: readonly string[]): Map<string, TopLevelField> | null {
  const found = new Map<string, TopLevelField>();
  const n = b.length;
  let i = 0;
  while (i < n && isWs(b[i]!)) i++;
  if (b[i] !== OPEN_OBJ) return null;
  i++;
  for (;;) {
    while (i < n && isWs(b[i]!)) i++;
    if (b[i] === CLOSE_OBJ) return found;
    if (b[i] !== QUOTE) return null;
    const keyStart = i + 1;
    const keyEnd = skipString(b, i);
    if (keyEnd < 0) return null;
    i = keyEnd;
    while (i < n && isWs(b[i]!)) i++;
    if (b[i] !== COLON) return null;
    i++;
    while (i < n && isWs(b[i]!)) i++;
    const vStart = i;
    const vEnd = skipValue(b, i);
    if (vEnd < 0 || vEnd === vStart) return null;
    const keyLen = keyEnd - 1 - keyStart;
    for (const k of keys) {
      if (k.length !== keyLen) continue;
      let eq = true;
      for (let j = 0; j < keyLen; j++) {
        if (b[keyStart + j] !== k.charCodeAt(j)) {
          eq = false;
          break;
        }
      }
      if (eq) found.set(k, { start: vStart, end: vEnd });
    }
    i = vEnd;
    while (i < n && isWs(b[i]!)) i++;
    if (b[i] === COMMA) {
      i++;
      continue;
    }
    if (b[i] === CLOSE_OBJ) return found;
    return null;
  }
}

export interface RewriteOptions {
  /** New value for the top-level `model` field (added when absent). */
  model?: string;
  /** Set `stream_options.include_usage: true` when the body streams and does not already ask for it. */
  includeUsage?: boolean;
}

export interface RewriteResult {
  body: Buffer;
  /** True when the client itself asked for stream usage (so the usage chunk must be forwarded). */
  clientAskedUsage: boolean;
  /** True when the body declared `"stream": true`. */
  stream: boolean;
}

/**
 * Targeted rewrite of a client JSON body: replaces `model`, and adds
 * `"stream_options":{"include_usage":true}` when streaming. Falls back to a
 * parse + serialise only when `stream_options` exists without include_usage.
 * Throws SyntaxError on a body that is not a JSON object.
 */
export function rewriteBody(raw: Buffer, opts: RewriteOptions): RewriteResult {
  const fields = scanTopLevel(raw, ['model', 'stream', 'stream_options']);
  if (!fields) throw new SyntaxError('The request body is not a JSON object.');
  const streamF = fields.get('stream');
  const stream = !!streamF && raw.subarray(streamF.start, streamF.end).toString('latin1') === 'true';
  const so = fields.get('stream_options');
  let clientAskedUsage = false;
  if (so) clientAskedUsage = /"include_usage"\s*:\s*true/.test(raw.subarray(so.start, so.end).toString('utf8'));
  const wantUsage = !!opts.includeUsage && stream && !clientAskedUsage;
  if (wantUsage && so) {
    // Rare: stream_options present but without include_usage. Parse and serialise.
    const obj = JSON.parse(raw.toString('utf8')) as Record<string, unknown>;
    if (opts.model !== undefined) obj.model = opts.model;
    obj.stream_options = { ...(obj.stream_options as object), include_usage: true };
    return { body: Buffer.from(JSON.stringify(obj)), clientAskedUsage, stream };
  }
  const parts: Buffer[] = [];
  const modelF = fields.get('model');
  const insertions: string[] = [];
  if (wantUsage) insertions.push('"stream_options":{"include_usage":true}');
  if (opts.model !== undefined && !modelF) insertions.push(`"model":${JSON.stringify(opts.model)}`);
  let pos = 0;
  if (insertions.length) {
    const open = raw.indexOf(OPEN_OBJ);
    parts.push(raw.subarray(0, open + 1));
    const emptyObj = fields.size === 0 && /^\s*\{\s*\}\s*$/.test(raw.toString('latin1'));
    parts.push(Buffer.from(insertions.join(',') + (emptyObj ? '' : ',')));
    pos = open + 1;
  }
  if (opts.model !== undefined && modelF) {
    parts.push(raw.subarray(pos, modelF.start));
    parts.push(Buffer.from(JSON.stringify(opts.model)));
    pos = modelF.end;
  }
  if (parts.length === 0) return { body: raw, clientAskedUsage, stream };
  parts.push(raw.subarray(pos));
  return { body: Buffer.concat(parts), clientAskedUsage, stream };
}

/**
 * Finds the last `"usage": {...}` object in a JSON text and parses only it.
 * Used on passthrough responses so the whole body need not be parsed.
 */
export function extractUsageObject(text: string): Record<string, unknown> | null {
  let idx = text.lastIndexOf('"usage"');
  while (idx !== -1) {
    let i = idx + 7;
    while (i < text.length && (text[i] === ' ' || text[i] === ':' || text[i] === '\n' || text[i] === '\r' || text[i] === '\t')) i++;
    if (text[i] === '{') {
      const b = Buffer.from(text.slice(i, i + 4096));
      const end = skipValue(b, 0);
      if (end > 0) {
        try {
          return JSON.parse(b.subarray(0, end).toString('utf8')) as Record<string, unknown>;
        } catch {
          return null;
        }
      }
    }
    idx = text.lastIndexOf('"usage"', idx - 1);
  }
  return null;
}
