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

interface TopLevelScan {
  fields: Map<string, TopLevelField>;
  /** Top-level members seen (repeated keys counted each time). */
  members: number;
  /**
   * A key was written with an escape (`"mod\u0065l"`) or a wanted key came twice: byte positions do not say what
   * JSON.parse read (it decodes escapes and keeps the last of repeated keys), so the bytes must not be patched.
   */
  unsure: boolean;
}

function scan(b: Buffer, keys: readonly string[]): TopLevelScan | null {
  const found = new Map<string, TopLevelField>();
  const out: TopLevelScan = { fields: found, members: 0, unsure: false };
  const n = b.length;
  let i = 0;
  while (i < n && isWs(b[i]!)) i++;
  if (b[i] !== OPEN_OBJ) return null;
  i++;
  for (;;) {
    while (i < n && isWs(b[i]!)) i++;
    if (b[i] === CLOSE_OBJ) return out;
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
    out.members++;
    const keyLen = keyEnd - 1 - keyStart;
    for (let j = keyStart; j < keyEnd - 1; j++) {
      if (b[j] === BACKSLASH) {
        out.unsure = true;
        break;
      }
    }
    for (const k of keys) {
      if (k.length !== keyLen) continue;
      let eq = true;
      for (let j = 0; j < keyLen; j++) {
        if (b[keyStart + j] !== k.charCodeAt(j)) {
          eq = false;
          break;
        }
      }
      if (eq) {
        if (found.has(k)) out.unsure = true;
        found.set(k, { start: vStart, end: vEnd });
      }
    }
    i = vEnd;
    while (i < n && isWs(b[i]!)) i++;
    if (b[i] === COMMA) {
      i++;
      continue;
    }
    if (b[i] === CLOSE_OBJ) return out;
    return null;
  }
}

/**
 * Scans the top level of a JSON object and returns where the requested keys'
 * values sit. Returns null when `b` is not a well-formed object at the top level.
 * Keys are matched as written (plain ASCII without escapes); `rewriteBody` does not trust the positions when a
 * key is escaped or repeated.
 */
export function scanTopLevel(b: Buffer, keys: readonly string[]): Map<string, TopLevelField> | null {
  return scan(b, keys)?.fields ?? null;
}

export interface RewriteOptions {
  /** New value for the top-level `model` field (added when absent). */
  model?: string;
  /** Set `stream_options.include_usage: true` when the body streams and does not already ask for it. */
  includeUsage?: boolean;
  /**
   * The body as the gateway parsed it (and routed on). When the bytes could read differently to another parser
   * (an escaped or repeated key), the upstream body is serialised from this instead. Parsed from `raw` when absent.
   */
  parsed?: Record<string, unknown>;
}

export interface RewriteResult {
  body: Buffer;
  /** True when the client itself asked for stream usage (so the usage chunk must be forwarded). */
  clientAskedUsage: boolean;
  /** True when the body declared `"stream": true`. */
  stream: boolean;
}

const isObj = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function memberCount(o: Record<string, unknown>): number {
  let count = 0;
  for (const k in o) if (Object.hasOwn(o, k)) count++;
  return count;
}

/** The upstream body made from the parsed object: what the gateway read is exactly what the upstream reads. */
function fromParsed(obj: Record<string, unknown>, opts: RewriteOptions): RewriteResult {
  const stream = obj.stream === true;
  const so = obj.stream_options;
  const clientAskedUsage = isObj(so) && so.include_usage === true;
  const out: Record<string, unknown> = { ...obj };
  if (opts.model !== undefined) out.model = opts.model;
  if (opts.includeUsage && stream && !clientAskedUsage)
    out.stream_options = { ...(isObj(so) ? so : {}), include_usage: true };
  return { body: Buffer.from(JSON.stringify(out)), clientAskedUsage, stream };
}

const WANTED = ['model', 'stream', 'stream_options'] as const;

function parsedBody(raw: Buffer, opts: RewriteOptions): Record<string, unknown> {
  if (opts.parsed) return opts.parsed;
  const obj: unknown = JSON.parse(raw.toString('utf8'));
  if (!isObj(obj)) throw new SyntaxError('The request body is not a JSON object.');
  return obj;
}

/**
 * Targeted rewrite of a client JSON body: replaces `model`, and adds
 * `"stream_options":{"include_usage":true}` when streaming, leaving every other byte as the client sent it.
 * When the bytes cannot be patched safely — a top-level key written with an escape or repeated (JSON.parse
 * decodes the one and keeps the last of the other, so patching the first `"model"` would leave the upstream
 * another model than the one routed and billed), a `stream_options` that is not plain, or one without
 * include_usage — the body is serialised from the parsed object instead (rare; normal bodies never pay for it).
 * Throws SyntaxError on a body that is not a JSON object.
 */
export function rewriteBody(raw: Buffer, opts: RewriteOptions): RewriteResult {
  const scanned = scan(raw, WANTED);
  if (!scanned) {
    if (opts.parsed) return fromParsed(opts.parsed, opts);
    throw new SyntaxError('The request body is not a JSON object.');
  }
  // A repeated key anywhere at the top level shows as more members in the bytes than in the parsed object.
  if (scanned.unsure || (opts.parsed !== undefined && scanned.members !== memberCount(opts.parsed)))
    return fromParsed(parsedBody(raw, opts), opts);
  const fields = scanned.fields;
  const streamF = fields.get('stream');
  const stream = !!streamF && raw.subarray(streamF.start, streamF.end).toString('latin1') === 'true';
  const so = fields.get('stream_options');
  let clientAskedUsage = false;
  if (so) {
    const text = raw.toString('utf8', so.start, so.end);
    // Nested keys can be escaped or repeated too: only a plain, single include_usage is read from the bytes.
    const at = text.indexOf('"include_usage"');
    if (text.includes('\\') || (at !== -1 && text.indexOf('"include_usage"', at + 1) !== -1))
      return fromParsed(parsedBody(raw, opts), opts);
    if (opts.parsed) {
      const sop = opts.parsed.stream_options;
      clientAskedUsage = isObj(sop) && sop.include_usage === true;
    } else clientAskedUsage = /"include_usage"\s*:\s*true/.test(text);
  }
  const wantUsage = !!opts.includeUsage && stream && !clientAskedUsage;
  // Rare: stream_options present but without include_usage. Serialise from the parsed object.
  if (wantUsage && so) return fromParsed(parsedBody(raw, opts), opts);
  const parts: Buffer[] = [];
  const modelF = fields.get('model');
  const insertions: string[] = [];
  if (wantUsage) insertions.push('"stream_options":{"include_usage":true}');
  if (opts.model !== undefined && !modelF) insertions.push(`"model":${JSON.stringify(opts.model)}`);
  let pos = 0;
  if (insertions.length) {
    const open = raw.indexOf(OPEN_OBJ);
    parts.push(raw.subarray(0, open + 1));
    parts.push(Buffer.from(insertions.join(',') + (scanned.members === 0 ? '' : ',')));
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
    while (
      i < text.length &&
      (text[i] === ' ' || text[i] === ':' || text[i] === '\n' || text[i] === '\r' || text[i] === '\t')
    )
      i++;
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
