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

/*
 * Models that count an image higher than `imageReserveTokens` (checked against OpenAI's "Images and vision" guide,
 * "Calculating costs", and Google's Gemini "Understand and count tokens" and "Media resolution" pages):
 *
 * - OpenAI gpt-4o-mini: gpt-4o's tiles, at 2,833 tokens base and 5,667 a tile (low detail: 2,833).
 * - OpenAI gpt-4.1-mini, gpt-4.1-nano, gpt-5-mini, gpt-5-nano, o4-mini: 32 × 32-pixel patches covering the image,
 *   at most 1,536 (a larger image is scaled down to fit), times a per-model factor: 1.62 (gpt-4.1-mini, gpt-5-mini),
 *   2.46 (gpt-4.1-nano, gpt-5-nano), 1.72 (o4-mini). gpt-4.1 is reserved the larger of gpt-4o's tiles and one token
 *   a patch (sources differ on which it uses).
 * - Gemini 2.x: 258 tokens for an image with both sides at most 384 pixels, else 258 for each 768 × 768 tile covering
 *   it. Gemini 3: a fixed count per image by media resolution, 1,120 at the default (high) for images.
 *
 * `detail` is not read: a low-detail image is reserved as at high detail (gpt-4o-mini counts 2,833 for it; a model
 * that does not take `detail`, or a translation that drops it, counts it at full size).
 */

const MINI_BASE = 2_833;
const MINI_TILE = 5_667;
const PATCH = 32;
const MAX_PATCHES = 1_536;
const GEMINI_SMALL_SIDE = 384;
const GEMINI_TILE_SIDE = 768;
const GEMINI_TILE = 258;
/** Gemini 3's count for an image at its default media resolution (high). */
export const GEMINI_3_IMAGE_TOKENS = 1_120;
/**
 * The side of the largest image Gemini 2.x is assumed to count when its size is not known (an image by URL): 4 × 4
 * tiles, 4,128 tokens. Google documents no cap on the tiles; a known size is counted in full.
 */
const GEMINI_UNKNOWN_SIDE = 3_072;

/** OpenAI's tiles (see `openaiImageTokens`) at another base and tile price. */
function tileCount(size: ImageSize | null): number {
  return (openaiImageTokens(size) - OPENAI_BASE) / OPENAI_TILE;
}

/** gpt-4o-mini's high-detail count: gpt-4o's tiles at 2,833 base and 5,667 a tile. */
export function gpt4oMiniImageTokens(size: ImageSize | null): number {
  return MINI_BASE + MINI_TILE * tileCount(size);
}

/** The patch count of OpenAI's patch-metered models, times their factor (null: not known, the most patches). */
export function patchImageTokens(size: ImageSize | null, factor: number): number {
  const patches = usable(size)
    ? Math.min(MAX_PATCHES, Math.ceil(size.width / PATCH) * Math.ceil(size.height / PATCH))
    : MAX_PATCHES;
  return Math.ceil(patches * factor);
}

/** Gemini 2.x's count: 258 for a small image, else 258 per 768-pixel tile (null: not known, see above). */
export function geminiImageTokens(size: ImageSize | null): number {
  const s = usable(size) ? size : { width: GEMINI_UNKNOWN_SIDE, height: GEMINI_UNKNOWN_SIDE };
  if (s.width <= GEMINI_SMALL_SIDE && s.height <= GEMINI_SMALL_SIDE) return GEMINI_TILE;
  const tokens = Math.ceil(s.width / GEMINI_TILE_SIDE) * Math.ceil(s.height / GEMINI_TILE_SIDE) * GEMINI_TILE;
  // A size no image has (sides near 2^1024) would make it Infinity: held to a finite count, still the largest.
  return Math.min(tokens, Number.MAX_SAFE_INTEGER);
}

/** One line of the table: models whose id matches count an image as `tokens` says. */
export interface ImageRule {
  /** What the rule covers, for tests and traces. */
  family: string;
  /** Tried on the model's upstream id, lower-cased; for `lastSegment` rules on the part after its last `/`. */
  match: RegExp;
  lastSegment?: boolean;
  tokens: (size: ImageSize | null) => number;
}

/**
 * The families, first match wins (a longer name before its prefix: gpt-4o-mini before gpt-4o). An id matches with a
 * vendor or router prefix (`openai/gpt-4o-mini`, `google/gemini-2.0-flash`, `us.anthropic.claude-…`) and as a
 * fine-tune (`ft:gpt-4o-mini:org::id`).
 */
export const IMAGE_RULES: readonly ImageRule[] = [
  { family: 'claude', match: /claude/, tokens: anthropicImageTokens },
  { family: 'gemini-3', match: /gemini-(?:[3-9]|\d{2,})(?![\d])/, tokens: () => GEMINI_3_IMAGE_TOKENS },
  { family: 'gemini', match: /gemini/, tokens: geminiImageTokens },
  { family: 'gpt-4o-mini', match: /gpt-4o-mini/, tokens: gpt4oMiniImageTokens },
  { family: 'patches-2.46', match: /gpt-(?:4\.1|5)-nano/, tokens: (s) => patchImageTokens(s, 2.46) },
  { family: 'patches-1.62', match: /gpt-(?:4\.1|5)-mini/, tokens: (s) => patchImageTokens(s, 1.62) },
  { family: 'patches-1.72', match: /(?:^|[^a-z0-9])o4-mini/, tokens: (s) => patchImageTokens(s, 1.72) },
  {
    family: 'gpt-4.1',
    match: /gpt-4\.1/,
    tokens: (s) => Math.max(openaiImageTokens(s), patchImageTokens(s, 1)),
  },
  {
    family: 'gpt-4o-tiles',
    match: /^(?:ft:)?(?:gpt-4|gpt-5|chatgpt-|o\d)/,
    lastSegment: true,
    tokens: openaiImageTokens,
  },
];

/** The rule a model's upstream id falls under, or null (an id none recognises: `imageReserveTokens`). */
export function imageRuleFor(modelId: string): ImageRule | null {
  const id = modelId.toLowerCase();
  const last = id.slice(id.lastIndexOf('/') + 1);
  for (const r of IMAGE_RULES) if (r.match.test(r.lastSegment ? last : id)) return r;
  return null;
}

/**
 * What a model counts for an image, as reserved: the larger of its family's count and `imageReserveTokens` (never
 * less than before), or `imageReserveTokens` for a model whose id no rule recognises.
 */
export function modelImageTokens(modelId: string, size: ImageSize | null): number {
  const base = imageReserveTokens(size);
  const rule = imageRuleFor(modelId);
  return rule ? Math.max(base, rule.tokens(size)) : base;
}

/**
 * What a request's images are reserved on a model beyond what its prompt estimate counted for them
 * (`imageReserveTokens` each): 0 on a model that counts no image higher.
 */
export function extraImageTokens(modelId: string, images: readonly (ImageSize | null)[] | undefined): number {
  if (!images || images.length === 0) return 0;
  const rule = imageRuleFor(modelId);
  if (!rule) return 0;
  let extra = 0;
  for (const size of images) extra += Math.max(0, rule.tokens(size) - imageReserveTokens(size));
  return extra;
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
