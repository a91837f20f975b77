/**
 * Token estimation fallback (o200k tokenizer) for context-window checks, the
 * count_tokens endpoint, and usage when an upstream omits it.
 */
import { createRequire } from 'node:module';
import { imageReserveTokens, imageSize, textTokenBound, type ImageSize } from '@switchyard/core';
import type * as GptTokenizer from 'gpt-tokenizer';
import type { AnRequest, OaChatRequest } from './wire-types.js';

const require = createRequire(import.meta.url);
let tokenizer: typeof GptTokenizer.countTokens | undefined;

/**
 * The o200k tokenizer (its BPE tables take ~40 MB of memory) is loaded on first use, synchronously through the
 * package's CommonJS build: most requests are small enough for the character estimate and never need it.
 */
function countTokens(text: string): number {
  tokenizer ??= (require('gpt-tokenizer') as typeof GptTokenizer).countTokens;
  return tokenizer(text);
}

/** Per-message overhead used by OpenAI chat formatting. */
const PER_MESSAGE = 3;
/**
 * Base64 characters of an inline image read for its header (3/4 of this in bytes): a JPEG's size comes after its
 * metadata segments (EXIF, ICC profile, thumbnail), which can run to tens of kilobytes.
 */
const IMAGE_HEADER_CHARS = 256 * 1024;

/** The base64 data of an image part given inline (chat and Responses data URLs, Anthropic base64 sources), or null. */
function inlineImage(p: Record<string, unknown>): string | null {
  const src = p.source as Record<string, unknown> | undefined;
  if (src && typeof src === 'object' && src.type === 'base64' && typeof src.data === 'string')
    return src.data;
  const img = p.image_url;
  const url =
    typeof img === 'string'
      ? img
      : img && typeof img === 'object'
        ? (img as { url?: unknown }).url
        : undefined;
  if (typeof url !== 'string' || !url.startsWith('data:')) return null;
  const comma = url.indexOf(',');
  return comma > 0 && url.slice(0, comma).endsWith(';base64') ? url.slice(comma + 1) : null;
}

/**
 * An image part's size, read from an inline image's header; null when it is not known (by URL, a file id, a format it
 * cannot read).
 */
export function imagePartSize(p: Record<string, unknown>): ImageSize | null {
  const data = inlineImage(p);
  if (data === null) return null;
  const head = data.slice(0, IMAGE_HEADER_CHARS - (Math.min(data.length, IMAGE_HEADER_CHARS) % 4));
  return imageSize(Buffer.from(head, 'base64'));
}

/**
 * What one image part is reserved: the most a provider counts for an image of its size, or for any image when its
 * size is not known (`imageReserveTokens`). Where `images` is given, the size is added to it: a model that counts
 * images higher is reserved the difference on top (core's `promptTokensOn`).
 */
export function imageTokens(p: Record<string, unknown>, images?: (ImageSize | null)[]): number {
  const size = imagePartSize(p);
  images?.push(size);
  return imageReserveTokens(size);
}

/**
 * Longest run of non-whitespace characters handed to the tokenizer in one piece. BPE time grows with the square of
 * a pre-token's length (50,000 "y" in a row took 5 s, a 200 KB one blocked the event loop for minutes), so a longer
 * run is counted in slices of this size: linear time, and text without such runs is counted exactly as before.
 */
const MAX_RUN = 64;

/** Non-ASCII text: counted at least its size in any script (`textTokenBound`), which o200k counts below. */
const NON_ASCII = /[\u0080-\uffff]/;

/**
 * Tokens of a text: the o200k count, and for text outside ASCII at least `textTokenBound` (o200k counts a Chinese
 * character as ~0.7 tokens, other tokenizers as ~1.25, emoji as two or more). ASCII text is counted as before.
 */
export function countText(text: string): number {
  const t = tokenized(text);
  return NON_ASCII.test(text) ? Math.max(t, textTokenBound(text)) : t;
}

function tokenized(text: string): number {
  if (!text) return 0;
  if (text.length <= MAX_RUN) return countTokens(text);
  let total = 0;
  let from = 0;
  let run = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 32 || c === 10 || c === 9 || c === 13) run = 0;
    else if (++run > MAX_RUN) {
      total += countTokens(text.slice(from, i));
      from = i;
      run = 1;
    }
  }
  return from === 0 ? countTokens(text) : total + countTokens(text.slice(from));
}

/** Quick estimate without running the tokenizer: ~4 characters per token. */
export function roughTokens(chars: number): number {
  return Math.ceil(chars / 4);
}

/** `images`: where each image part's size is added (see `imageTokens`). */
type ImageSink = (ImageSize | null)[] | undefined;

function partsTokens(content: unknown, images: ImageSink): number {
  if (typeof content === 'string') return countText(content);
  if (!Array.isArray(content)) return 0;
  let t = 0;
  for (const p of content as Array<Record<string, unknown>>) {
    if (!p || typeof p !== 'object') continue;
    if (typeof p.text === 'string') t += countText(p.text);
    else if (p.type === 'image_url' || p.type === 'image' || p.type === 'input_image')
      t += imageTokens(p, images);
    else if (p.type === 'tool_use')
      t += countText(JSON.stringify(p.input ?? {})) + countText(String(p.name ?? ''));
    else if (p.type === 'tool_result') t += partsTokens(p.content, images);
  }
  return t;
}

function toolsTokens(tools: unknown): number {
  if (!Array.isArray(tools) || tools.length === 0) return 0;
  return countText(JSON.stringify(tools));
}

/** Prompt tokens of an OpenAI chat request (`images`: where its images' sizes are added). */
export function estimateChatTokens(
  req: Pick<OaChatRequest, 'messages' | 'tools'>,
  images?: ImageSink,
): number {
  let t = 3;
  for (const m of req.messages ?? []) {
    t += PER_MESSAGE + partsTokens(m.content, images);
    // A custom tool call has no `function` (its input is counted with the message's text, if any).
    if (m.tool_calls)
      for (const c of m.tool_calls)
        if (c.function) t += countText(c.function.name) + countText(c.function.arguments);
  }
  return t + toolsTokens(req.tools);
}

/** Prompt tokens of an Anthropic messages request (`images`: where its images' sizes are added). */
export function estimateAnthropicTokens(
  req: Pick<AnRequest, 'messages' | 'system' | 'tools'>,
  images?: ImageSink,
): number {
  let t = 3;
  if (req.system) t += partsTokens(req.system, images);
  for (const m of req.messages ?? []) t += PER_MESSAGE + partsTokens(m.content, images);
  return t + toolsTokens(req.tools);
}

/**
 * Prompt tokens of an OpenAI Responses request: its instructions, each input item (a message's text and images, a
 * tool's output; any other item as its JSON), and its tools (`images`: where its images' sizes are added).
 */
export function estimateResponsesTokens(
  req: {
    input?: unknown;
    instructions?: unknown;
    tools?: unknown;
  },
  images?: ImageSink,
): number {
  let t = 3;
  if (typeof req.instructions === 'string') t += countText(req.instructions);
  if (typeof req.input === 'string') t += PER_MESSAGE + countText(req.input);
  else if (Array.isArray(req.input))
    for (const item of req.input as unknown[]) {
      if (typeof item !== 'object' || item === null) continue;
      const it = item as Record<string, unknown>;
      t += PER_MESSAGE;
      if (it.content !== undefined) t += partsTokens(it.content, images);
      else if (it.type === 'function_call_output') t += partsTokens(it.output, images);
      else t += countText(JSON.stringify(it));
    }
  return t + toolsTokens(req.tools);
}

/** Tokens of an embeddings `input` (string, string[], or pre-tokenised arrays). */
export function estimateEmbeddingTokens(input: unknown): number {
  if (typeof input === 'string') return countText(input);
  if (Array.isArray(input)) {
    let t = 0;
    for (const x of input) t += typeof x === 'string' ? countText(x) : Array.isArray(x) ? x.length : 1;
    return t;
  }
  return 0;
}
