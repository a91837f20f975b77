/**
 * Where a prompt's text sits in each endpoint's body, and where the answer's text sits in each answer format.
 * `protectBody` returns a new body (the input is never mutated; unchanged branches are shared) with every text
 * the policy covers protected; `restoreAnswer` does the reverse on a whole (non-streamed) answer.
 *
 * Never touched: images, audio, files, tool definitions (names, descriptions, schemas), ids, roles, and
 * Anthropic `thinking` / `redacted_thinking` blocks and Responses `reasoning` items — those carry a signature or
 * encrypted content the provider verifies, so they go back exactly as the provider sent them (a thinking text
 * therefore shows placeholders to the client, and is not restored in answers either; a thinking block without a
 * signature, or a reasoning item whose id begins `rs_tr_`, made by the gateway from another vendor's reasoning, is
 * plain text, unless it carries Claude's signatures in the gateway's envelope, SIGNED_THINKING_ENVELOPE). Their
 * text is still checked: a client can put anything in a thinking block, with any signature, so a value a block, mask
 * or redact rule covers there refuses the request (it cannot be masked, and is not sent as it is). Tool definitions
 * and output schemas are checked for block rules only (they go as the developer wrote them).
 */
import {
  checkBlockRules,
  checkSigned,
  mapStringLeaves,
  protectJsonText,
  protectText,
  restoreJsonStringFragment,
  restoreText,
  type DlpContext,
} from './protect.js';

/** The proxy endpoints that carry prompt text (the gateway has no legacy `completions` endpoint). */
export type DlpEndpoint = 'chat' | 'messages' | 'count_tokens' | 'responses' | 'embeddings';
/** Answer formats with text to restore: OpenAI chat completion, Anthropic message, OpenAI response. */
export type DlpAnswerFormat = 'chat' | 'messages' | 'responses';

type Obj = Record<string, unknown>;
type Str = (s: string) => string;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** `o` with `o[k] = v`, copied only if `v` differs. */
function withKey(o: Obj, k: string, v: unknown): Obj {
  return o[k] === v ? o : { ...o, [k]: v };
}

/** `arr` with every item mapped, copied only if an item changed. */
function mapArr(arr: readonly unknown[], f: (x: unknown) => unknown): unknown[] {
  let out: unknown[] | null = null;
  for (let i = 0; i < arr.length; i++) {
    const x = arr[i];
    const y = f(x);
    if (y !== x) {
      out ??= arr.slice();
      out[i] = y;
    }
  }
  return out ?? (arr as unknown[]);
}

/** A string field of an object through `f`. */
function strField(o: Obj, k: string, f: Str): Obj {
  const v = o[k];
  return typeof v === 'string' ? withKey(o, k, f(v)) : o;
}

/**
 * A field that is a string or an array of typed parts: text parts' `text` go through `fx.text`; parts of a type
 * in `opaque` (images, audio, files, signed reasoning) are left as they are; a part of any other type, or of no
 * type, has every string leaf protected (fail closed: a shape the gateway does not know still never carries a
 * value to the provider).
 */
function textOrParts(
  o: Obj,
  k: string,
  fx: Fns,
  textTypes: ReadonlySet<string>,
  opaque: ReadonlySet<string>,
): Obj {
  const v = o[k];
  if (typeof v === 'string') return withKey(o, k, fx.text(v));
  if (!Array.isArray(v)) return v === undefined || v === null ? o : withKey(o, k, fx.leaves(v));
  return withKey(
    o,
    k,
    mapArr(v, (p) => {
      if (!isObj(p)) return typeof p === 'string' ? fx.text(p) : p;
      if (typeof p.type === 'string' && textTypes.has(p.type))
        return unknownRest(strField(p, 'text', fx.text), fx);
      if (p.type === 'refusal') return strField(p, 'refusal', fx.text);
      if (typeof p.type === 'string' && opaque.has(p.type)) return p;
      return fx.leaves(p);
    }),
  );
}

/** A text part whose `text` is not a string (a malformed part): its string leaves, protected. */
function unknownRest(p: Obj, fx: Fns): Obj {
  return typeof p.text === 'string' || p.text === undefined ? p : (fx.leaves(p) as Obj);
}

interface Fns {
  text: Str;
  /** JSON text (tool call arguments). */
  json: Str;
  /** A parsed JSON value's string leaves (Anthropic tool_use input). */
  leaves: (v: unknown) => unknown;
  /**
   * Text the provider signed (thinking, reasoning): it cannot change without breaking the signature, so it is only
   * checked for values a block rule refuses (a client can write anything there and sign it with anything).
   */
  signed: (s: string) => void;
}

// ---------- OpenAI chat completions (request messages and answer messages share the shape) ----------

const OA_TEXT = new Set(['text']);
/** OpenAI chat parts that carry no prompt text: left untouched. */
const OA_OPAQUE = new Set(['image_url', 'input_audio', 'file']);

function oaToolCall(tc: unknown, fx: Fns): unknown {
  if (!isObj(tc)) return tc;
  if (isObj(tc.function)) return withKey(tc, 'function', strField(tc.function, 'arguments', fx.json));
  if (isObj(tc.custom)) return withKey(tc, 'custom', strField(tc.custom, 'input', fx.text));
  return tc;
}

/**
 * Every field of `o` not named in `known` with its string leaves protected: a field the gateway does not know still
 * reaches the provider (a compatible server ignores it, others log the refused request), so it is walked fail closed.
 */
function rest(o: Obj, known: ReadonlySet<string>, fx: Fns): Obj {
  let r = o;
  for (const k of Object.keys(o)) if (!known.has(k)) r = withKey(r, k, fx.leaves(o[k]));
  return r;
}

/** Chat message fields walked by `oaMessage`, or carrying no text (ids, roles, signed reasoning, audio by id). */
const OA_MESSAGE_KNOWN = new Set([
  'role',
  'content',
  'refusal',
  'reasoning_content',
  'reasoning',
  'tool_calls',
  'function_call',
  'tool_call_id',
  'name',
  'audio',
  'reasoning_details',
  'annotations',
]);
/** Anthropic message fields walked, or carrying no text. */
const AN_MESSAGE_KNOWN = new Set(['role', 'content']);
/**
 * Top-level fields walked by an endpoint's walker, or parameters and schemas that go as written (tool and output
 * schemas are the developer's; `mcp_servers` carries the credentials meant for the provider).
 */
const TOP_KNOWN = new Set([
  'model',
  'stream',
  'stream_options',
  'messages',
  'system',
  'input',
  'instructions',
  'user',
  'metadata',
  'safety_identifier',
  'prediction',
  'prompt',
  'tools',
  'tool_choice',
  'functions',
  'function_call',
  'response_format',
  'text',
  'logit_bias',
  'mcp_servers',
]);

function oaMessage(m: unknown, fx: Fns): unknown {
  if (!isObj(m)) return fx.leaves(m);
  let r = rest(m, OA_MESSAGE_KNOWN, fx);
  r = textOrParts(r, 'content', fx, OA_TEXT, OA_OPAQUE);
  r = strField(r, 'refusal', fx.text);
  // Reasoning text (DeepSeek's reasoning_content, OpenRouter's reasoning) is unsigned: restored in answers, and
  // protected when a client sends it back (never the values in clear). Signed reasoning_details stay as they are.
  r = strField(strField(r, 'reasoning_content', fx.text), 'reasoning', fx.text);
  if (Array.isArray(r.tool_calls))
    r = withKey(
      r,
      'tool_calls',
      mapArr(r.tool_calls, (tc) => oaToolCall(tc, fx)),
    );
  if (isObj(r.function_call))
    r = withKey(r, 'function_call', strField(r.function_call, 'arguments', fx.json));
  return r;
}

/** OpenAI `metadata` (string values the provider stores with the request). */
function metadataValues(o: Obj, fx: Fns): Obj {
  return isObj(o.metadata) ? withKey(o, 'metadata', fx.leaves(o.metadata)) : o;
}

function chatBody(b: Obj, fx: Fns): Obj {
  // The end user's identifiers (`user`, `safety_identifier`) and the metadata go to the provider too: an email there
  // is protected like one in a prompt.
  let r = metadataValues(strField(strField(b, 'user', fx.text), 'safety_identifier', fx.text), fx);
  // A predicted output (`prediction.content`, a string or text parts) is prompt text the provider reads.
  if (isObj(r.prediction))
    r = withKey(r, 'prediction', textOrParts(r.prediction, 'content', fx, OA_TEXT, OA_OPAQUE));
  return Array.isArray(r.messages)
    ? withKey(
        r,
        'messages',
        mapArr(r.messages, (m) => oaMessage(m, fx)),
      )
    : r;
}

function chatAnswer(a: Obj, fx: Fns): Obj {
  if (!Array.isArray(a.choices)) return a;
  return withKey(
    a,
    'choices',
    mapArr(a.choices, (c) =>
      isObj(c) && isObj(c.message) ? withKey(c, 'message', oaMessage(c.message, fx)) : c,
    ),
  );
}

// ---------- Anthropic messages / count_tokens ----------

function anBlock(b: unknown, fx: Fns, nested: boolean): unknown {
  if (!isObj(b)) return fx.leaves(b);
  switch (b.type) {
    case 'text':
      return strField(b, 'text', fx.text);
    case 'tool_use':
      return 'input' in b ? withKey(b, 'input', fx.leaves(b.input)) : b;
    case 'tool_result': {
      const c = b.content;
      if (typeof c === 'string') return withKey(b, 'content', fx.text(c));
      if (Array.isArray(c) && !nested)
        return withKey(
          b,
          'content',
          mapArr(c, (x) => anBlock(x, fx, true)),
        );
      return c === undefined || c === null ? b : withKey(b, 'content', fx.leaves(c));
    }
    case 'document': {
      // A plain-text document's body, a content document's blocks, and the title and context the model reads are
      // prompt text; PDFs, images and URLs are not touched.
      let r = strField(strField(b, 'title', fx.text), 'context', fx.text);
      const s = r.source;
      if (isObj(s) && s.type === 'text') r = withKey(r, 'source', strField(s, 'data', fx.text));
      else if (isObj(s) && s.type === 'content') {
        const c = s.content;
        if (typeof c === 'string') r = withKey(r, 'source', withKey(s, 'content', fx.text(c)));
        else if (Array.isArray(c) && !nested)
          r = withKey(
            r,
            'source',
            withKey(
              s,
              'content',
              mapArr(c, (x) => anBlock(x, fx, true)),
            ),
          );
        else if (c !== undefined && c !== null) r = withKey(r, 'source', withKey(s, 'content', fx.leaves(c)));
      }
      return r;
    }
    case 'thinking':
      // A block with no signature (the gateway's own, made from another vendor's reasoning: it is left out on the way
      // to Anthropic and goes elsewhere as plain reasoning text) is text like any other: protected in requests,
      // restored in answers.
      if (typeof b.thinking !== 'string') return b;
      if (typeof b.signature !== 'string' || b.signature === '') return strField(b, 'thinking', fx.text);
      fx.signed(b.thinking);
      return b;
    case 'image':
    case 'redacted_thinking':
    case 'container_upload':
      return b;
    default:
      // A block type the gateway does not know (or a malformed one): every string leaf, protected.
      return fx.leaves(b);
  }
}

function anContent(o: Obj, k: string, fx: Fns): Obj {
  const v = o[k];
  if (typeof v === 'string') return withKey(o, k, fx.text(v));
  if (!Array.isArray(v)) return o;
  return withKey(
    o,
    k,
    mapArr(v, (b) => anBlock(b, fx, false)),
  );
}

function anthropicBody(b: Obj, fx: Fns): Obj {
  let r = anContent(b, 'system', fx);
  // `metadata.user_id` (the end user's identifier) reaches the provider like the prompt.
  if (isObj(r.metadata)) r = withKey(r, 'metadata', strField(r.metadata, 'user_id', fx.text));
  if (Array.isArray(r.messages))
    r = withKey(
      r,
      'messages',
      mapArr(r.messages, (m) =>
        isObj(m) ? anContent(rest(m, AN_MESSAGE_KNOWN, fx), 'content', fx) : fx.leaves(m),
      ),
    );
  return r;
}

// ---------- OpenAI Responses ----------

const RESP_TEXT = new Set(['input_text', 'output_text', 'text']);
/** Responses content parts that carry no prompt text: left untouched. */
const RESP_OPAQUE = new Set(['input_image', 'input_file', 'input_audio']);
/** Responses items left untouched: signed reasoning, references by id, and base64 results and screenshots. */
const RESP_OPAQUE_ITEMS = new Set([
  'reasoning',
  'item_reference',
  'image_generation_call',
  'computer_call_output',
]);

/**
 * How the id of a reasoning item the gateway made begins (another format's reasoning shown to a Responses client):
 * OpenAI's own are `rs_` and hex digits. Such an item is signed by no one: its text is plain text, protected in
 * requests and restored in answers, like an Anthropic thinking block with no signature.
 */
export const TRANSLATED_REASONING_ID = 'rs_tr_';

/**
 * How the `encrypted_content` of a reasoning item the gateway made from Claude's signed thinking begins (the gateway's
 * envelope: Claude's signatures, which sign the item's summary text, and its redacted thinking), so a Responses client
 * that sends the item back gives Claude its own thinking again. Such an item is signed: its text is checked, never
 * changed (a placeholder in it stays, as in an Anthropic thinking block), or the signature would no longer hold.
 */
export const SIGNED_THINKING_ENVELOPE = 'switchyard.claude-thinking.v1:';

/** Whether a reasoning item carries the gateway's envelope of Claude's signed thinking (see SIGNED_THINKING_ENVELOPE). */
export function holdsSignedThinking(item: Readonly<Record<string, unknown>>): boolean {
  return (
    typeof item.encrypted_content === 'string' && item.encrypted_content.startsWith(SIGNED_THINKING_ENVELOPE)
  );
}

/** A reasoning item's summary and reasoning text parts (signed: checked, not changed). */
function signedParts(v: unknown, fx: Fns): void {
  if (!Array.isArray(v)) return;
  for (const p of v) if (isObj(p) && typeof p.text === 'string') fx.signed(p.text);
}

/** The text parts of the gateway's own reasoning item (summary or reasoning text), protected or restored. */
function plainParts(it: Obj, key: 'summary' | 'content', fx: Fns): Obj {
  const v = it[key];
  if (!Array.isArray(v)) return it;
  return withKey(
    it,
    key,
    mapArr(v, (p) => (isObj(p) ? strField(p, 'text', fx.text) : p)),
  );
}

function respItem(it: unknown, fx: Fns): unknown {
  if (!isObj(it)) return fx.leaves(it);
  switch (it.type ?? 'message') {
    case 'reasoning':
      if (typeof it.id === 'string' && it.id.startsWith(TRANSLATED_REASONING_ID) && !holdsSignedThinking(it))
        return plainParts(plainParts(it, 'summary', fx), 'content', fx);
      signedParts(it.summary, fx);
      signedParts(it.content, fx);
      return it;
    case 'message':
      return textOrParts(it, 'content', fx, RESP_TEXT, RESP_OPAQUE);
    case 'function_call':
    case 'mcp_call': {
      const r = strField(it, 'arguments', fx.json);
      return it.type === 'mcp_call' ? strField(r, 'output', fx.text) : r;
    }
    case 'custom_tool_call':
      return strField(it, 'input', fx.text);
    case 'function_call_output':
    case 'custom_tool_call_output':
    case 'local_shell_call_output':
      return textOrParts(it, 'output', fx, RESP_TEXT, RESP_OPAQUE);
    default:
      // An item type the gateway does not know (or a malformed one): every string leaf, protected.
      return typeof it.type === 'string' && RESP_OPAQUE_ITEMS.has(it.type) ? it : fx.leaves(it);
  }
}

/** A reusable prompt's variables (`prompt.variables`): strings and input parts filled into the stored prompt. */
function promptVariables(p: Obj, fx: Fns): Obj {
  const vars = p.variables;
  if (!isObj(vars)) return vars === undefined || vars === null ? p : withKey(p, 'variables', fx.leaves(vars));
  let out = vars;
  for (const k of Object.keys(vars)) {
    const v = vars[k];
    let w: unknown;
    if (typeof v === 'string') w = fx.text(v);
    else if (isObj(v) && typeof v.type === 'string' && RESP_OPAQUE.has(v.type)) w = v;
    else if (isObj(v) && typeof v.type === 'string' && RESP_TEXT.has(v.type))
      w = unknownRest(strField(v, 'text', fx.text), fx);
    else w = fx.leaves(v);
    out = withKey(out, k, w);
  }
  return withKey(p, 'variables', out);
}

function responsesBody(b: Obj, fx: Fns): Obj {
  let r = strField(strField(b, 'instructions', fx.text), 'user', fx.text);
  r = metadataValues(strField(r, 'safety_identifier', fx.text), fx);
  if (isObj(r.prompt)) r = withKey(r, 'prompt', promptVariables(r.prompt, fx));
  const input = r.input;
  if (typeof input === 'string') r = withKey(r, 'input', fx.text(input));
  else if (Array.isArray(input))
    r = withKey(
      r,
      'input',
      mapArr(input, (it) => respItem(it, fx)),
    );
  return r;
}

function responsesAnswer(a: Obj, fx: Fns): Obj {
  let r = a;
  if (Array.isArray(r.output))
    r = withKey(
      r,
      'output',
      mapArr(r.output, (it) => respItem(it, fx)),
    );
  return strField(r, 'output_text', fx.text);
}

// ---------- embeddings ----------

function embeddingsBody(b: Obj, fx: Fns): Obj {
  const input = b.input;
  if (typeof input === 'string') return withKey(b, 'input', fx.text(input));
  if (!Array.isArray(input)) return b;
  // Strings are texts; numbers and number arrays are token ids, left alone.
  return withKey(
    b,
    'input',
    mapArr(input, (x) => (typeof x === 'string' ? fx.text(x) : x)),
  );
}

// ---------- entry points ----------

function walkBody(endpoint: DlpEndpoint, body: Obj, fx: Fns): Obj {
  const r = rest(body, TOP_KNOWN, fx);
  switch (endpoint) {
    case 'chat':
      return chatBody(r, fx);
    case 'messages':
    case 'count_tokens':
      return anthropicBody(r, fx);
    case 'responses':
      return responsesBody(r, fx);
    case 'embeddings':
      return embeddingsBody(r, fx);
  }
}

const collect = (into: string[]): Fns => {
  const text = (s: string): string => {
    into.push(s);
    return s;
  };
  return { text, json: text, leaves: (v) => mapStringLeaves(v, text), signed: () => undefined };
};

/**
 * The body with the policy applied to every prompt text of the endpoint. Returns the same object when the policy
 * is off or nothing matched. After it, `ctx.blocked` says whether the request must be refused.
 */
export function protectBody(endpoint: DlpEndpoint, body: Obj, ctx: DlpContext): Obj {
  if (!ctx.policy.active) return body;
  // First pass: placeholder-shaped text the client sent anywhere is never issued as a placeholder.
  const texts: string[] = [];
  walkBody(endpoint, body, collect(texts));
  for (const t of texts) ctx.reserve(t);
  const text = (s: string): string => protectText(s, ctx);
  const signed = (s: string): void => checkSigned(s, ctx);
  // Tool definitions and output schemas are the developer's and go as written, but a value a block rule refuses does
  // not go in them either (scanned only when the policy has a block rule).
  if (blocks(ctx.policy))
    for (const k of AS_WRITTEN) {
      const v = body[k];
      if (v !== undefined && v !== null && typeof v === 'object')
        mapStringLeaves(v, (s) => {
          checkBlockRules(s, ctx);
          return s;
        });
    }
  return walkBody(endpoint, body, {
    text,
    json: (s) => protectJsonText(s, ctx),
    leaves: (v) => mapStringLeaves(v, text),
    signed,
  });
}

/**
 * Top-level fields that go as the developer wrote them and are checked for block rules only: tool definitions
 * (`tools`, legacy `functions`) and output schemas (chat `response_format`, Responses `text.format`). Anthropic's
 * output format (`output_format`, `output_config`) is not among the known fields, so it is walked fail closed like any
 * unknown field. The model name is not scanned: the provider receives the routed model's own id, not the client's.
 */
const AS_WRITTEN = ['tools', 'functions', 'response_format', 'text'] as const;

/** Whether a policy has a rule that blocks. */
function blocks(p: DlpContext['policy']): boolean {
  return Object.values(p.actions).includes('block') || p.custom.some((r) => r.action === 'block');
}

/**
 * A whole answer with this request's placeholders restored: message text, tool call arguments (JSON-escaped
 * values), Anthropic tool_use input string leaves, Responses output text and function call arguments. The same
 * object when nothing was masked.
 */
export function restoreAnswer(format: DlpAnswerFormat, answer: Obj, ctx: DlpContext): Obj {
  if (!ctx.masked) return answer;
  const text = (s: string): string => restoreText(s, ctx);
  const fx: Fns = {
    text,
    json: (s) => restoreJsonStringFragment(s, ctx),
    leaves: (v) => mapStringLeaves(v, text),
    signed: () => undefined,
  };
  switch (format) {
    case 'chat':
      return chatAnswer(answer, fx);
    case 'messages':
      return anContent(answer, 'content', fx);
    case 'responses':
      return responsesAnswer(answer, fx);
  }
}
