/**
 * What an image in a prompt is reserved against budgets and token limits, in tokens: the most the provider may count
 * for it. The gateway estimates before it knows which provider answers, so an image is reserved the larger of
 * Anthropic's and OpenAI's figures for it.
 *
 * - Anthropic (Claude): about width × height / 750 tokens, the image first scaled to at most 1,568 pixels on its long
 *   edge and about 1.15 megapixels, so at most about 1,600 tokens (`ANTHROPIC_IMAGE_MAX_TOKENS`).
 * - OpenAI (gpt-4o, high detail): the image fitted into 2,048 × 2,048, then its short side scaled to 768; 170 tokens
 *   for each 512-pixel tile and 85 more: 765 for a square image, at most 1,445 (8 tiles, a long thin one).
 *
 * An image whose size is not known (by URL, or bytes that are not a PNG, JPEG, GIF or WebP) is reserved the most
 * either counts: `IMAGE_MAX_TOKENS`.
 */

export interface ImageSize {
  width: number;
  height: number;
}

export const ANTHROPIC_IMAGE_MAX_TOKENS = 1_600;
const ANTHROPIC_LONG_EDGE = 1_568;
const OPENAI_BASE = 85;
const OPENAI_TILE = 170;
/** OpenAI's most tiles for one high-detail image: 768 × 2,048 is 2 × 4 tiles of 512. */
export const OPENAI_IMAGE_MAX_TOKENS = OPENAI_BASE + OPENAI_TILE * 8;
export const IMAGE_MAX_TOKENS = Math.max(ANTHROPIC_IMAGE_MAX_TOKENS, OPENAI_IMAGE_MAX_TOKENS);

const usable = (s: ImageSize | null): s is ImageSize =>
  s !== null && Number.isFinite(s.width) && Number.isFinite(s.height) && s.width > 0 && s.height > 0;

/** Anthropic's count for an image of this size (null: not known, the most it counts). */
export function anthropicImageTokens(size: ImageSize | null): number {
  if (!usable(size)) return ANTHROPIC_IMAGE_MAX_TOKENS;
  const scale = Math.min(1, ANTHROPIC_LONG_EDGE / Math.max(size.width, size.height));
  const tokens = Math.ceil((size.width * scale * (size.height * scale)) / 750);
  return Math.min(ANTHROPIC_IMAGE_MAX_TOKENS, Math.max(1, tokens));
}

/** OpenAI's high-detail count for an image of this size (gpt-4o's tiles; null: not known, the most it counts). */
export function openaiImageTokens(size: ImageSize | null): number {
  if (!usable(size)) return OPENAI_IMAGE_MAX_TOKENS;
  let { width: w, height: h } = size;
  const fit = Math.min(1, 2_048 / Math.max(w, h));
  w *= fit;
  h *= fit;
  const short = Math.min(1, 768 / Math.min(w, h));
  w *= short;
  h *= short;
  const tiles = Math.ceil(w / 512) * Math.ceil(h / 512);
  return Math.min(OPENAI_IMAGE_MAX_TOKENS, OPENAI_BASE + OPENAI_TILE * tiles);
}

/** The tokens an image is reserved: the most any provider format counts for it. */
export function imageReserveTokens(size: ImageSize | null): number {
  return Math.max(anthropicImageTokens(size), openaiImageTokens(size));
}

const u16be = (b: Uint8Array, i: number) => (b[i]! << 8) | b[i + 1]!;
const u16le = (b: Uint8Array, i: number) => b[i]! | (b[i + 1]! << 8);
const u24le = (b: Uint8Array, i: number) => b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16);
const u32be = (b: Uint8Array, i: number) =>
  ((b[i]! << 24) >>> 0) + (b[i + 1]! << 16) + (b[i + 2]! << 8) + b[i + 3]!;
const ascii = (b: Uint8Array, i: number, s: string) => {
  for (let k = 0; k < s.length; k++) if (b[i + k] !== s.charCodeAt(k)) return false;
  return true;
};

/**
 * An image's width and height from its first bytes (PNG, JPEG, GIF, WebP), or null when they do not say (another
 * format, cut short, or a header that is not one). Reads only headers: never decodes pixels.
 */
export function imageSize(b: Uint8Array): ImageSize | null {
  const size = (width: number, height: number) => (width > 0 && height > 0 ? { width, height } : null);
  // PNG: signature, then the IHDR chunk's width and height.
  if (b.length >= 24 && b[0] === 0x89 && ascii(b, 1, 'PNG') && ascii(b, 12, 'IHDR'))
    return size(u32be(b, 16), u32be(b, 20));
  // GIF: the logical screen's size.
  if (b.length >= 10 && (ascii(b, 0, 'GIF87a') || ascii(b, 0, 'GIF89a')))
    return size(u16le(b, 6), u16le(b, 8));
  // WebP: RIFF container, a VP8 (lossy), VP8L (lossless) or VP8X (extended) chunk first.
  if (b.length >= 30 && ascii(b, 0, 'RIFF') && ascii(b, 8, 'WEBP')) {
    if (ascii(b, 12, 'VP8 ') && b[23] === 0x9d && b[24] === 0x01 && b[25] === 0x2a)
      return size(u16le(b, 26) & 0x3fff, u16le(b, 28) & 0x3fff);
    if (ascii(b, 12, 'VP8L') && b[20] === 0x2f) {
      const bits = b[21]! | (b[22]! << 8) | (b[23]! << 16) | (b[24]! << 24);
      return size((bits & 0x3fff) + 1, ((bits >>> 14) & 0x3fff) + 1);
    }
    if (ascii(b, 12, 'VP8X')) return size(u24le(b, 24) + 1, u24le(b, 27) + 1);
    return null;
  }
  // JPEG: walk the segments to the first start-of-frame (SOF0-15 but DHT, JPG and DAC).
  if (b.length >= 4 && b[0] === 0xff && b[1] === 0xd8) {
    let i = 2;
    while (i + 9 < b.length) {
      if (b[i] !== 0xff) return null;
      const marker = b[i + 1]!;
      if (marker === 0xff) {
        i++;
        continue;
      }
      // Markers without a length: TEM, RSTn, SOI.
      if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd8)) {
        i += 2;
        continue;
      }
      if (marker === 0xd9 || marker === 0xda) return null;
      const len = u16be(b, i + 2);
      if (len < 2) return null;
      if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc)
        return size(u16be(b, i + 7), u16be(b, i + 5));
      i += 2 + len;
    }
  }
  return null;
}
