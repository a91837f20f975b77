/**
 * Claude's signed thinking through an OpenAI-format client's round trip, statelessly. Claude signs each thinking block
 * it writes, and takes back only its own blocks, unchanged: with thinking on, a turn continuing a tool call must open
 * with the thinking block the call came with. The pivot carries the blocks beside the reasoning text (SIGNED_THINKING,
 * a symbol key JSON never carries); a Responses client gets their signatures (and redacted thinking) in its reasoning
 * item's `encrypted_content`, in the gateway's envelope (core's SIGNED_THINKING_ENVELOPE), and the item it sends back
 * becomes the blocks again, for a Claude upstream only (Anthropic's API, Bedrock); others get its text as before. A
 * Chat Completions client gets them as OpenRouter's `reasoning_details` on the message (see reasoning-details.ts).
 *
 * The envelope: the prefix, then base64url of a JSON array, one entry a block: `{"n": <length of its thinking text in
 * the item's summary>, "s": <signature>, "o": <origin>}`, or `{"r": <redacted thinking data>, "o": <origin>}`; the
 * origin (`anthropic` or `bedrock`: Claude on Anthropic's API and on Bedrock do not take each other's signatures) says
 * which upstream it goes back to. The texts stay in the summary (what
 * the client shows, and what data protection checks): the envelope holds no text a client could not see. Anything
 * else a client sends as encrypted_content (OpenAI's own, a malformed envelope) is no signature: it is ignored.
 */
import { SIGNED_THINKING_ENVELOPE } from '@switchyard/core';

type Obj = Record<string, unknown>;

export { SIGNED_THINKING_ENVELOPE };

/** One of Claude's thinking blocks as it wrote it: signed thinking, or redacted (encrypted) thinking. */
export type SignedThinkingBlock = (
  { type: 'thinking'; thinking: string; signature: string } | { type: 'redacted_thinking'; data: string }
) & {
  /** Who signed it: Claude on Anthropic's API or on Bedrock (neither takes the other's signatures). */
  origin: ThinkingOrigin;
};

export type ThinkingOrigin = 'anthropic' | 'bedrock';
const ORIGINS: ReadonlySet<string> = new Set<ThinkingOrigin>(['anthropic', 'bedrock']);

/**
 * On a pivot message (answer or request) or streamed delta: Claude's thinking blocks, signed, as they came (a delta:
 * the blocks complete with it). The message's reasoning text is their thinking texts, in order.
 */
export const SIGNED_THINKING: unique symbol = Symbol('signed thinking');

/** A pivot message or delta that may carry signed thinking. */
export type WithSignedThinking = { [SIGNED_THINKING]?: SignedThinkingBlock[] };

/** An envelope larger than this is not read (redacted thinking is the largest part; a turn's is far smaller). */
const MAX_ENVELOPE = 4 * 1024 * 1024;

/**
 * The envelope for these blocks, given the reasoning item's text (null: none to make, or the text is not their
 * thinking texts in order, so the signatures would not sign what the client is shown and sends back).
 */
export function signedThinkingEnvelope(blocks: readonly SignedThinkingBlock[], text: string): string | null {
  if (!blocks.length) return null;
  let joined = '';
  const entries: Obj[] = [];
  for (const b of blocks) {
    if (b.type === 'thinking') {
      joined += b.thinking;
      entries.push({ n: b.thinking.length, s: b.signature, o: b.origin });
    } else entries.push({ r: b.data, o: b.origin });
  }
  if (joined !== text) return null;
  return SIGNED_THINKING_ENVELOPE + Buffer.from(JSON.stringify(entries)).toString('base64url');
}

/**
 * Claude's blocks from a reasoning item a client sent back: its envelope read against its summary text; null when it
 * carries none, or one that is malformed or does not fit the text (never thrown: a client can send anything).
 */
export function signedThinkingOf(item: Obj, text: string): SignedThinkingBlock[] | null {
  const env = item.encrypted_content;
  if (typeof env !== 'string' || !env.startsWith(SIGNED_THINKING_ENVELOPE) || env.length > MAX_ENVELOPE)
    return null;
  const b64 = env.slice(SIGNED_THINKING_ENVELOPE.length);
  if (!/^[A-Za-z0-9_-]+$/.test(b64)) return null;
  let entries: unknown;
  try {
    entries = JSON.parse(Buffer.from(b64, 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  if (!Array.isArray(entries) || entries.length === 0) return null;
  const out: SignedThinkingBlock[] = [];
  let at = 0;
  for (const e of entries as unknown[]) {
    if (!e || typeof e !== 'object' || Array.isArray(e)) return null;
    const o = e as Obj;
    const keys = Object.keys(o).length;
    if (typeof o.o !== 'string' || !ORIGINS.has(o.o)) return null;
    const origin = o.o as ThinkingOrigin;
    if (keys === 3 && Number.isSafeInteger(o.n) && typeof o.s === 'string' && o.s) {
      const n = o.n as number;
      if (n < 0 || at + n > text.length) return null;
      out.push({ type: 'thinking', thinking: text.slice(at, at + n), signature: o.s, origin });
      at += n;
    } else if (keys === 2 && typeof o.r === 'string' && o.r)
      out.push({ type: 'redacted_thinking', data: o.r, origin });
    else return null;
  }
  return at === text.length ? out : null;
}

/** The signed thinking a pivot message or delta carries, if any (with `origin`: only the blocks signed there). */
export function signedThinkingOn(m: unknown, origin?: ThinkingOrigin): SignedThinkingBlock[] | undefined {
  if (!m || typeof m !== 'object') return undefined;
  let b = (m as WithSignedThinking)[SIGNED_THINKING];
  if (b && origin) b = b.filter((x) => x.origin === origin);
  return b?.length ? b : undefined;
}
