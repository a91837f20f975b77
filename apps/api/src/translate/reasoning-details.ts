/**
 * Claude's signed thinking through an OpenAI Chat Completions client's round trip, as OpenRouter carries it: the
 * assistant message's `reasoning_details` (a streamed delta's too), one entry a block, which the client sends back on
 * the assistant message. The Chat counterpart of the Responses envelope (see signed-thinking.ts): with it, a tool loop
 * through Claude keeps thinking on (Claude requires a tool-continuing turn to open with its own signed thinking).
 *
 * An entry: `{type: "reasoning.text", text, signature, format, index}` for signed thinking (the text is exactly what
 * the signature signs), `{type: "reasoning.encrypted", data, format, index}` for redacted thinking. The `format` says
 * where the block was signed, which is where it may go back: Claude on Anthropic's API and on Bedrock do not take
 * each other's signatures. Anthropic's is OpenRouter's own name for Claude's (`anthropic-claude-v1`); Bedrock's is the
 * gateway's (BEDROCK_FORMAT), a name OpenRouter never gives, so a block OpenRouter returned never reaches Bedrock.
 *
 * A client sends anything: entries of other formats (OpenRouter's for other vendors, `reasoning.summary`) are not
 * Claude's and are left out; a message whose Claude entries are malformed gives no blocks at all (the turn then goes
 * as before, thinking off): never an error. Streamed entries of one block a client kept apart (the same index and
 * type, one after the other, as OpenRouter streams a block's text and then its signature) are read as one block.
 */
import { SIGNED_THINKING, type SignedThinkingBlock, type ThinkingOrigin } from './signed-thinking.js';
import type { OaChatRequest, OaMessage } from './wire-types.js';

type Obj = Record<string, unknown>;

/** The `format` of the thinking Claude on Anthropic's API signed (OpenRouter's name for Claude's). */
export const ANTHROPIC_FORMAT = 'anthropic-claude-v1';
/** The `format` of the thinking Claude on Bedrock signed: the gateway's own name (OpenRouter has none for it). */
export const BEDROCK_FORMAT = 'switchyard-bedrock-claude-v1';

const FORMAT_OF: Readonly<Record<ThinkingOrigin, string>> = {
  anthropic: ANTHROPIC_FORMAT,
  bedrock: BEDROCK_FORMAT,
};
const ORIGIN_OF: ReadonlyMap<string, ThinkingOrigin> = new Map([
  [ANTHROPIC_FORMAT, 'anthropic'],
  [BEDROCK_FORMAT, 'bedrock'],
]);

/** One `reasoning_details` entry for one of Claude's blocks, at this index. */
export function reasoningDetail(b: SignedThinkingBlock, index: number): Obj {
  const format = FORMAT_OF[b.origin];
  return b.type === 'thinking'
    ? { type: 'reasoning.text', text: b.thinking, signature: b.signature, format, index }
    : { type: 'reasoning.encrypted', data: b.data, format, index };
}

/** Claude's blocks as `reasoning_details` entries, indexed from `from`. */
export function reasoningDetails(blocks: readonly SignedThinkingBlock[], from = 0): Obj[] {
  return blocks.map((b, i) => reasoningDetail(b, from + i));
}

/**
 * Claude's blocks from the `reasoning_details` a client sent back on an assistant message; null when it holds none of
 * Claude's, or Claude's malformed (never thrown).
 */
export function signedThinkingFromDetails(details: unknown): SignedThinkingBlock[] | null {
  if (!Array.isArray(details) || details.length === 0) return null;
  const out: SignedThinkingBlock[] = [];
  // The last block read and the index its entry gave (a later entry of the same index and type continues it).
  let last: { block: SignedThinkingBlock; index: unknown } | null = null;
  for (const e of details as unknown[]) {
    if (!e || typeof e !== 'object' || Array.isArray(e)) continue;
    const o = e as Obj;
    const origin = typeof o.format === 'string' ? ORIGIN_OF.get(o.format) : undefined;
    if (!origin) continue; // not Claude's (another vendor's, a summary, no format)
    const index = o.index;
    if (index !== undefined && !Number.isSafeInteger(index)) return null;
    const continues =
      last !== null && index !== undefined && last.index === index && last.block.origin === origin;
    if (o.type === 'reasoning.text') {
      if (typeof o.text !== 'string' && o.text != null) return null;
      if (typeof o.signature !== 'string' && o.signature != null) return null;
      const text = typeof o.text === 'string' ? o.text : '';
      const signature = typeof o.signature === 'string' ? o.signature : '';
      if (continues && last!.block.type === 'thinking') {
        const b = last!.block;
        if (b.signature && (text || signature)) return null; // text or a signature after its signature
        b.thinking += text;
        if (signature) b.signature = signature;
        continue;
      }
      const block: SignedThinkingBlock = { type: 'thinking', thinking: text, signature, origin };
      out.push(block);
      last = { block, index };
    } else if (o.type === 'reasoning.encrypted') {
      if (typeof o.data !== 'string' || !o.data || continues) return null;
      const block: SignedThinkingBlock = { type: 'redacted_thinking', data: o.data, origin };
      out.push(block);
      last = { block, index };
    } else return null;
  }
  // A thinking block whose signature never came is not Claude's to take back.
  if (out.some((b) => b.type === 'thinking' && !b.signature)) return null;
  return out.length ? out : null;
}

/**
 * A Chat client's request as the pivot: each assistant message's `reasoning_details` read as Claude's blocks (see
 * SIGNED_THINKING; only a Claude upstream of the block's origin reads them) and taken off the message (no translated
 * upstream is sent it). The request itself when no message has any.
 */
export function chatRequestAsPivot(req: OaChatRequest): OaChatRequest {
  const messages = req.messages;
  if (!Array.isArray(messages)) return req;
  const holds = (m: unknown) =>
    !!m && typeof m === 'object' && Object.prototype.hasOwnProperty.call(m, 'reasoning_details');
  if (!messages.some(holds)) return req;
  return {
    ...req,
    messages: messages.map((m) => {
      if (!holds(m)) return m;
      const { reasoning_details: details, ...rest } = m as OaMessage & { reasoning_details?: unknown };
      const blocks = m.role === 'assistant' ? signedThinkingFromDetails(details) : null;
      const out: OaMessage = rest;
      if (blocks) out[SIGNED_THINKING] = blocks;
      return out;
    }),
  };
}

/**
 * A Chat client's body without `reasoning_details` on its messages, for an OpenAI-compatible upstream that does not
 * take it (any but OpenRouter's, whose field it is: OpenAI's and others refuse a message field they do not know); null
 * when it has none. Looked for only when the body's bytes name it.
 */
export function withoutReasoningDetails(raw: Buffer, body: Obj): Obj | null {
  if (!raw.includes('"reasoning_details"') || !Array.isArray(body.messages)) return null;
  let dropped = false;
  const messages = (body.messages as unknown[]).map((m) => {
    if (!m || typeof m !== 'object' || !Object.prototype.hasOwnProperty.call(m, 'reasoning_details'))
      return m;
    dropped = true;
    const { reasoning_details: _d, ...rest } = m as Obj;
    return rest;
  });
  return dropped ? { ...body, messages } : null;
}
