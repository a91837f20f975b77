import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ANTHROPIC_IMAGE_MAX_TOKENS,
  anthropicImageTokens,
  IMAGE_MAX_TOKENS,
  imageReserveTokens,
  imageSize,
  OPENAI_IMAGE_MAX_TOKENS,
  openaiImageTokens,
} from './image-tokens.js';

const bytes = (...parts: (number[] | string)[]) =>
  Uint8Array.from(parts.flatMap((p) => (typeof p === 'string' ? [...p].map((c) => c.charCodeAt(0)) : p)));
const be16 = (n: number) => [n >> 8, n & 255];
const be32 = (n: number) => [n >>> 24, (n >> 16) & 255, (n >> 8) & 255, n & 255];
const le16 = (n: number) => [n & 255, n >> 8];
const le24 = (n: number) => [n & 255, (n >> 8) & 255, n >> 16];
const le32 = (n: number) => [n & 255, (n >> 8) & 255, (n >> 16) & 255, n >>> 24];

const png = (w: number, h: number) =>
  bytes([0x89], 'PNG', [13, 10, 26, 10], be32(13), 'IHDR', be32(w), be32(h), [8, 2, 0, 0, 0], [1, 2, 3, 4]);
const gif = (w: number, h: number) => bytes('GIF89a', le16(w), le16(h), [0xf6, 0, 0]);
/** JFIF, an EXIF segment of `exif` bytes, a quantization table, then the frame (`sof`: C0 baseline, C2 progressive). */
const jpeg = (w: number, h: number, exif = 0, sof = 0xc0) =>
  bytes(
    [0xff, 0xd8],
    [0xff, 0xe0],
    be16(16),
    'JFIF',
    [0, 1, 1, 0],
    be16(72),
    be16(72),
    [0, 0],
    [0xff, 0xe1],
    be16(exif + 8),
    'Exif',
    [0, 0],
    new Array<number>(exif).fill(0xff),
    [0xff, 0xdb],
    be16(67),
    new Array<number>(65).fill(1),
    [0xff, 0xc4],
    be16(2),
    [0xff, sof],
    be16(17),
    [8],
    be16(h),
    be16(w),
    [3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1],
  );
const riff = (chunk: string, body: number[]) =>
  bytes('RIFF', le32(4 + 8 + body.length), 'WEBP', chunk, le32(body.length), body);
const webpLossy = (w: number, h: number) =>
  riff('VP8 ', [0x30, 0x01, 0x00, 0x9d, 0x01, 0x2a, ...le16(w), ...le16(h), 0, 0]);
const webpLossless = (w: number, h: number) =>
  riff('VP8L', [0x2f, ...le32(((w - 1) | ((h - 1) << 14)) >>> 0), 0, 0, 0, 0, 0]);
const webpExtended = (w: number, h: number) => riff('VP8X', [0x10, 0, 0, 0, ...le24(w - 1), ...le24(h - 1)]);

describe('an image’s size from its header', () => {
  it.each([
    ['PNG', png(1200, 800), { width: 1200, height: 800 }],
    ['PNG, large', png(40_000, 3), { width: 40_000, height: 3 }],
    ['GIF', gif(640, 480), { width: 640, height: 480 }],
    ['JPEG', jpeg(720, 477), { width: 720, height: 477 }],
    ['JPEG, progressive', jpeg(4032, 3024, 0, 0xc2), { width: 4032, height: 3024 }],
    ['JPEG after 40 KB of EXIF', jpeg(3000, 2000, 40_000), { width: 3000, height: 2000 }],
    ['WebP (lossy)', webpLossy(1024, 768), { width: 1024, height: 768 }],
    ['WebP (lossless)', webpLossless(300, 200), { width: 300, height: 200 }],
    ['WebP (extended)', webpExtended(16_383, 2), { width: 16_383, height: 2 }],
  ])('%s', (_, b, size) => {
    expect(imageSize(b)).toEqual(size);
  });
  it.each([
    ['empty', new Uint8Array(0)],
    ['text', bytes('hello, this is not an image at all')],
    ['PNG cut short', png(100, 100).slice(0, 20)],
    ['PNG of width 0', png(0, 100)],
    ['JPEG cut before its frame', jpeg(720, 477).slice(0, 60)],
    ['JPEG with a broken segment', bytes([0xff, 0xd8, 0x12, 0x34, 0, 0, 0, 0, 0, 0, 0, 0])],
    ['BMP', bytes('BM', new Array<number>(40).fill(0))],
    ['RIFF that is not WebP', bytes('RIFF', le32(30), 'WAVE', new Array<number>(30).fill(0))],
  ])('%s: not known', (_, b) => {
    expect(imageSize(b)).toBeNull();
  });
});

describe('the tokens an image is reserved', () => {
  it.each([
    // Anthropic: width × height / 750 (its examples: 200×200 ≈ 54, 1000×1000 ≈ 1334, 1092×1092 ≈ 1590).
    [200, 200, 54],
    [1000, 1000, 1334],
    [1092, 1092, 1590],
    [1200, 1200, ANTHROPIC_IMAGE_MAX_TOKENS],
    [4000, 3000, ANTHROPIC_IMAGE_MAX_TOKENS],
  ])('Anthropic: %i×%i → %i', (width, height, tokens) => {
    expect(anthropicImageTokens({ width, height })).toBe(tokens);
  });
  it.each([
    // OpenAI high detail (its examples: 1024×1024 → 765, 2048×4096 → 1105; a 2048×2048 is 765).
    [1024, 1024, 765],
    [2048, 2048, 765],
    [2048, 4096, 1105],
    [512, 512, 255],
    [768, 2048, OPENAI_IMAGE_MAX_TOKENS],
    [1536, 4096, OPENAI_IMAGE_MAX_TOKENS],
    [768, 10_000, 765],
  ])('OpenAI: %i×%i → %i', (width, height, tokens) => {
    expect(openaiImageTokens({ width, height })).toBe(tokens);
  });
  it('an image is reserved the most either counts for it; an image of unknown size the most of any', () => {
    expect(imageReserveTokens({ width: 1024, height: 1024 })).toBe(1399);
    expect(imageReserveTokens({ width: 512, height: 512 })).toBe(350);
    expect(imageReserveTokens({ width: 768, height: 2048 })).toBe(OPENAI_IMAGE_MAX_TOKENS);
    expect(imageReserveTokens(null)).toBe(IMAGE_MAX_TOKENS);
    expect(IMAGE_MAX_TOKENS).toBe(1600);
    expect(imageReserveTokens({ width: 0, height: 10 })).toBe(IMAGE_MAX_TOKENS);
  });
});

describe('any bytes a client sends as an image', () => {
  it('give a size of whole positive numbers or none, never an error, and a reservation within the bounds', () => {
    const headers = [
      png(3, 4),
      gif(3, 4),
      jpeg(3, 4),
      webpLossy(3, 4),
      webpLossless(3, 4),
      webpExtended(3, 4),
    ];
    fc.assert(
      fc.property(
        fc.constantFrom(...headers),
        fc.nat({ max: 40 }),
        fc.uint8Array({ maxLength: 64 }),
        (header, cut, tail) => {
          const b = Uint8Array.from([...header.slice(0, cut), ...tail]);
          const size = imageSize(b);
          if (size !== null) {
            expect(Number.isInteger(size.width) && size.width > 0).toBe(true);
            expect(Number.isInteger(size.height) && size.height > 0).toBe(true);
          }
          const t = imageReserveTokens(size);
          expect(t).toBeGreaterThan(0);
          expect(t).toBeLessThanOrEqual(IMAGE_MAX_TOKENS);
        },
      ),
      { numRuns: 2000 },
    );
  });
});
