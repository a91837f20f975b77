/**
 * Applying a compiled policy to the texts of one request, and undoing the masks in the answer.
 *
 * One `DlpContext` per request: it holds the placeholder map, so the same value gets the same placeholder in
 * every part of the request (system prompt, messages, tool results), and the answer's placeholders map back to
 * the values. It also counts findings per rule (never values) and records whether a block rule fired.
 */
import type { CompiledDlpPolicy, DlpAction, SecretSubtype } from './policy.js';
import { scan, type DlpMatch, type DlpMatchKind } from './scanner.js';

/** What a request's protection found, for the usage record and the activity log: counts only, never values. */
export interface DlpFinding {
  kind: DlpMatchKind;
  /** The built-in kind, or the custom rule's name. */
  rule: string;
  action: DlpAction;
  count: number;
}

export interface DlpBlock {
  kind: DlpMatchKind;
  rule: string;
  subtype?: SecretSubtype;
  /**
   * Set when a mask or redact rule's value was found in signed text (a thinking block, a reasoning item), which cannot
   * be rewritten: the request is refused rather than send the value as it is.
   */
  signed?: DlpAction;
}

/** A placeholder as the masker writes it: `[EMAIL_1]`, `[EMPLOYEE_ID_12]`. */
const PLACEHOLDER = /\[[A-Z][A-Z0-9_]*_[1-9]\d*\]/g;
/** One placeholder exactly at lastIndex. */
const PLACEHOLDER_AT = /\[[A-Z][A-Z0-9_]*_[1-9]\d*\]/y;
/** The start of one, up to (not including) its `]`. */
const PARTIAL = /^\[(?:[A-Z][A-Z0-9_]*)?$/;
/** The start of one at lastIndex, cut off by the end of the text or by the `"` that ends a JSON string. */
const PARTIAL_AT = /\[(?:[A-Z][A-Z0-9_]*)?(?="|$)/y;

export class DlpContext {
  /** label → value → placeholder (nested: no key string is built per lookup) */
  private readonly byValue = new Map<string, Map<string, string>>();
  /** placeholder → value */
  readonly restores = new Map<string, string>();
  private readonly counters = new Map<string, number>();
  /** Placeholder-shaped text the client itself sent: never issued, so never "restored". */
  private readonly reserved = new Set<string>();
  private readonly found = new Map<string, DlpFinding>();
  /** The first block rule that fired (the request must be refused), or null. */
  blocked: DlpBlock | null = null;
  /** Length of the longest placeholder issued: what a stream restorer may hold back. */
  maxPlaceholderLength = 0;

  constructor(readonly policy: CompiledDlpPolicy) {}

  /** Remembers placeholder-shaped text already present in a client's text, so numbering skips it. */
  reserve(text: string): void {
    // Only where a `[` starts an upper-case word (most `[` in prompts open code or JSON arrays).
    for (let at = text.indexOf('['); at !== -1; at = text.indexOf('[', at + 1)) {
      const c = text.charCodeAt(at + 1);
      if (c < 65 || c > 90) continue;
      PLACEHOLDER_AT.lastIndex = at;
      const m = PLACEHOLDER_AT.exec(text);
      if (m !== null) this.reserved.add(m[0]);
    }
  }

  placeholderFor(label: string, value: string): string {
    let values = this.byValue.get(label);
    if (values === undefined) this.byValue.set(label, (values = new Map()));
    const known = values.get(value);
    if (known !== undefined) return known;
    // The label's count is the number of its values so far, plus the reserved numbers skipped.
    let n = this.counters.get(label) ?? 0;
    let ph: string;
    do ph = '[' + label + '_' + ++n + ']';
    while (this.reserved.size > 0 && this.reserved.has(ph));
    this.counters.set(label, n);
    values.set(value, ph);
    this.restores.set(ph, value);
    if (ph.length > this.maxPlaceholderLength) this.maxPlaceholderLength = ph.length;
    return ph;
  }

  record(
    kind: DlpMatchKind,
    rule: string,
    action: DlpAction,
    subtype?: SecretSubtype,
    signed?: DlpAction,
  ): void {
    const key = kind === 'custom' ? `custom:${rule}` : kind;
    const f = this.found.get(key);
    if (f) f.count++;
    else this.found.set(key, { kind, rule, action, count: 1 });
    if (action === 'block' && this.blocked === null) {
      const b: DlpBlock = subtype ? { kind, rule, subtype } : { kind, rule };
      if (signed !== undefined && signed !== 'block') b.signed = signed;
      this.blocked = b;
    }
  }

  /** Counts per rule, in the order rules first fired. */
  get findings(): DlpFinding[] {
    return [...this.found.values()].map((f) => ({ ...f }));
  }

  /** Whether anything was masked (the answer needs restoring). */
  get masked(): boolean {
    return this.restores.size > 0;
  }
}

export function createDlpContext(policy: CompiledDlpPolicy): DlpContext {
  return new DlpContext(policy);
}

/**
 * Characters that hide a value from the scanner but not from a model: zero-width characters and the soft hyphen
 * (read as absent) and the full-width forms of ASCII (read as ASCII: `＠`, `１２３`). Other disguises (look-alike
 * letters of other scripts, base64, spelled-out digits) are not undone: see the README.
 */
const DISGUISE = /[\u00ad\u200b-\u200d\u2060\ufeff\uff01-\uff5e]/;

/**
 * `scan` of the text as a model reads it: when it holds a disguise, a folded copy is scanned and each match is
 * mapped back to its span in the text (its value is the text as written, so it is restored as the client wrote it).
 */
export function scanText(text: string, policy: CompiledDlpPolicy): DlpMatch[] {
  if (!DISGUISE.test(text)) return scan(text, policy);
  let folded = '';
  const at: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0xad || (c >= 0x200b && c <= 0x200d) || c === 0x2060 || c === 0xfeff) continue;
    folded += c >= 0xff01 && c <= 0xff5e ? String.fromCharCode(c - 0xfee0) : text[i];
    at.push(i);
  }
  return scan(folded, policy).map((m) => {
    const start = at[m.start]!;
    const end = at[m.end - 1]! + 1;
    return { ...m, start, end, value: text.slice(start, end) };
  });
}

/**
 * The text with the policy applied: mask → `[EMAIL_1]` (same value, same placeholder, for the whole request);
 * redact → `[REDACTED_EMAIL]`; block → unchanged, `ctx.blocked` set; detect → unchanged, counted.
 */
export function protectText(text: string, ctx: DlpContext): string {
  if (!ctx.policy.active || text.length === 0) return text;
  const matches = scanText(text, ctx.policy);
  if (matches.length === 0) return text;
  ctx.reserve(text);
  let out = '';
  let last = 0;
  let changed = false;
  for (const m of matches) {
    ctx.record(m.kind, m.rule, m.action, m.subtype);
    if (m.action === 'mask' || m.action === 'redact') {
      out +=
        text.slice(last, m.start) +
        (m.action === 'mask' ? ctx.placeholderFor(m.label, m.value) : `[REDACTED_${m.label}]`);
      last = m.end;
      changed = true;
    }
  }
  return changed ? out + text.slice(last) : text;
}

/**
 * Text the provider signed (a thinking block, a reasoning summary): it cannot be changed without breaking the
 * signature, and a client can write anything there (with any signature), so a value a block, mask or redact rule
 * covers refuses the request (`ctx.blocked` is set, `signed` naming the rule's own action): the value never reaches
 * the provider as it is. Detect findings are not counted there.
 */
export function checkSigned(text: string, ctx: DlpContext): void {
  if (!ctx.policy.active || text.length === 0) return;
  for (const m of scanText(text, ctx.policy))
    if (m.action !== 'detect') ctx.record(m.kind, m.rule, 'block', m.subtype, m.action);
}

/**
 * Text that goes as the developer wrote it (tool definitions, output schemas): only the policy's block rules apply
 * (`ctx.blocked` is set when one fires); it is neither masked nor counted otherwise.
 */
export function checkBlockRules(text: string, ctx: DlpContext): void {
  if (!ctx.policy.active || text.length === 0) return;
  for (const m of scanText(text, ctx.policy))
    if (m.action === 'block') ctx.record(m.kind, m.rule, m.action, m.subtype);
}

/**
 * Whether some `[` in a piece of answer text (raw, or JSON such as SSE data) could begin a placeholder: a whole one
 * (`[EMAIL_1]`), or the start of one (`[`, `[EM`) cut off by the end of the text or by the `"` that ends a JSON
 * string (a streamed text delta that stops there, the rest to come). A JSON array's `[` (`"choices":[{`) and
 * `[DONE]` do not count. False means the text can go out as it is.
 */
export function mayBeginPlaceholder(text: string): boolean {
  for (let at = text.indexOf('['); at !== -1; at = text.indexOf('[', at + 1)) {
    PLACEHOLDER_AT.lastIndex = at;
    if (PLACEHOLDER_AT.test(text)) return true;
    PARTIAL_AT.lastIndex = at;
    if (PARTIAL_AT.test(text)) return true;
  }
  return false;
}

/** The answer's text with every placeholder this request issued replaced by its value; others untouched. */
export function restoreText(text: string, ctx: DlpContext): string {
  if (ctx.restores.size === 0 || text.indexOf('[') === -1) return text;
  return text.replace(PLACEHOLDER, (ph) => ctx.restores.get(ph) ?? ph);
}

/** A value as it is written inside a JSON string (without the quotes). */
function jsonEscape(value: string): string {
  return JSON.stringify(value).slice(1, -1);
}

/**
 * Restores placeholders in JSON text (a tool call's `arguments`, whole or a streamed fragment): a placeholder
 * needs no escaping, but its value may hold `"`, `\` or control characters, so the value is written escaped.
 */
export function restoreJsonStringFragment(text: string, ctx: DlpContext): string {
  if (ctx.restores.size === 0 || text.indexOf('[') === -1) return text;
  return text.replace(PLACEHOLDER, (ph) => {
    const v = ctx.restores.get(ph);
    return v === undefined ? ph : jsonEscape(v);
  });
}

export interface StreamRestorer {
  /** The restored text that can be sent now (a possible partial placeholder at the end is held back). */
  push(chunk: string): string;
  /** What was held back, restored: call at the end of the channel. */
  flush(): string;
  /** Whether a possible partial placeholder is held back. */
  readonly holding: boolean;
}

/**
 * A restorer for one stream channel (one content block, one choice's content, one tool call's arguments). It
 * holds back at most the longest issued placeholder's length minus one: only a `[` near the end of what it has
 * seen, followed by placeholder characters, waits for the next chunk. `json: true` for JSON text channels (tool
 * call arguments): values are written JSON-escaped.
 */
export function createStreamRestorer(ctx: DlpContext, opts: { json?: boolean } = {}): StreamRestorer {
  const restore = opts.json ? restoreJsonStringFragment : restoreText;
  let pending = '';
  return {
    push(chunk: string): string {
      if (ctx.restores.size === 0 && pending === '') return chunk;
      const s = pending + chunk;
      const k = s.lastIndexOf('[');
      if (k !== -1 && s.length - k < ctx.maxPlaceholderLength && PARTIAL.test(s.slice(k))) {
        pending = s.slice(k);
        return restore(s.slice(0, k), ctx);
      }
      pending = '';
      return restore(s, ctx);
    },
    flush(): string {
      const s = pending;
      pending = '';
      return restore(s, ctx);
    },
    get holding(): boolean {
      return pending !== '';
    },
  };
}

/** A parsed JSON value. */
type Json = string | number | boolean | null | Json[] | { [k: string]: Json };

/**
 * Applies `f` to every string of a JSON value: object values, array items, and object keys (a value can be a key:
 * `{"jane@example.com": "+44 …"}` in tool call arguments). Keys keep their order; two keys that become the same keep
 * the last one's value. Returns the same reference when nothing changed.
 */
export function mapStringLeaves(v: unknown, f: (s: string) => string): unknown {
  if (typeof v === 'string') return f(v);
  if (Array.isArray(v)) {
    let out: unknown[] | null = null;
    for (let i = 0; i < v.length; i++) {
      const x: unknown = v[i];
      const y = mapStringLeaves(x, f);
      if (y !== x) {
        out ??= v.slice();
        out[i] = y;
      }
    }
    return out ?? v;
  }
  if (typeof v === 'object' && v !== null) {
    const o = v as Record<string, unknown>;
    const keys = Object.keys(o);
    const newKeys: string[] = [];
    const values: unknown[] = [];
    let changed = false;
    for (const k of keys) {
      const nk = f(k);
      const x = o[k];
      const y = mapStringLeaves(x, f);
      newKeys.push(nk);
      values.push(y);
      if (nk !== k || y !== x) changed = true;
    }
    if (!changed) return v;
    // Rebuilt in the original order; an own `__proto__` key (JSON.parse makes one) stays a plain key.
    const r: Record<string, unknown> = {};
    for (let i = 0; i < keys.length; i++)
      Object.defineProperty(r, newKeys[i]!, {
        value: values[i],
        enumerable: true,
        writable: true,
        configurable: true,
      });
    return r;
  }
  return v;
}

/**
 * Protects JSON text (a tool call's `arguments`): parsed, every string leaf protected, written back only if
 * something changed (so untouched arguments keep their exact bytes). Text that is not JSON is protected as text.
 */
export function protectJsonText(text: string, ctx: DlpContext): string {
  if (!ctx.policy.active || text.length === 0) return text;
  let parsed: Json;
  try {
    parsed = JSON.parse(text) as Json;
  } catch {
    return protectText(text, ctx);
  }
  const out = mapStringLeaves(parsed, (s) => protectText(s, ctx));
  return out === parsed ? text : JSON.stringify(out);
}
