/** One cached answer: what the client was sent (its protected form) and what the original call was. */
export interface CacheEntryMeta {
  v: 1;
  /** ms epoch when it was stored, and when it expires. */
  createdAt: number;
  expiresAt: number;
  /** A stream (SSE in the client's format, replayed as such) or a whole answer. */
  stream: boolean;
  contentType: string;
  providerId: string;
  provider: string;
  model: string;
  /** The answering model's /metrics label (never an org model's name). */
  metricLabel: string;
  /** What the original call cost at list price at that time (a BYOK-paid one too: a hit saves that call). */
  costUsd: number;
  tokensIn: number;
  tokensOut: number;
  finishReason: string | null;
  /**
   * A stream made from another format's events: its reasoning (an unsigned thinking block, a reasoning summary) is
   * the gateway's text and is restored on a hit like the live stream's. Absent in entries stored before it was kept:
   * read as relayed.
   */
  translated?: boolean;
  /**
   * A translated stream whose reasoning is signed text (see streamReasoningSigned: Claude's thinking from Bedrock to
   * an Anthropic client, a Responses client's reasoning in the gateway's envelope): left as it came on a hit, as the
   * live stream left it. Absent in entries stored before it was kept: read from the request and the provider.
   */
  signedReasoning?: boolean;
}

export interface CacheEntry {
  meta: CacheEntryMeta;
  body: Buffer;
}

/** `<meta length: uint32 BE><meta JSON><body>`: the body is never parsed to read the meta. */
export function encodeEntry(meta: CacheEntryMeta, body: Buffer): Buffer {
  const m = Buffer.from(JSON.stringify(meta));
  const head = Buffer.allocUnsafe(4);
  head.writeUInt32BE(m.length, 0);
  return Buffer.concat([head, m, body]);
}

/** The entry, or null when the bytes are not one (an old format, a foreign value). */
export function decodeEntry(buf: Buffer): CacheEntry | null {
  if (buf.length < 4) return null;
  const n = buf.readUInt32BE(0);
  if (n < 2 || 4 + n > buf.length) return null;
  let meta: CacheEntryMeta;
  try {
    meta = JSON.parse(buf.subarray(4, 4 + n).toString('utf8')) as CacheEntryMeta;
  } catch {
    return null;
  }
  if (meta?.v !== 1 || typeof meta.createdAt !== 'number' || typeof meta.contentType !== 'string')
    return null;
  return { meta, body: buf.subarray(4 + n) };
}
