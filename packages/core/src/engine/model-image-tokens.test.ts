import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { promptTokensOn, reservedCost } from './cost.js';
import {
  extraImageTokens,
  IMAGE_RULES,
  imageReserveTokens,
  imageRuleFor,
  modelImageTokens,
  type ImageSize,
} from './image-tokens.js';

const sq = (side: number): ImageSize => ({ width: side, height: side });

describe('what a model counts for an image, by its family', () => {
  // One row per family and rule: [model id, image size (null: not known), tokens reserved, family].
  it.each<[string, ImageSize | null, number, string | null]>([
    // Claude: width × height / 750 after scaling, at most ~1,600 (as before).
    ['claude-sonnet-4-5', sq(1024), 1399, 'claude'],
    ['us.anthropic.claude-3-5-sonnet-20241022-v2:0', null, 1600, 'claude'],
    // Gemini 2.x: 258 up to 384 px a side, else 258 per 768-pixel tile; unknown size: as 3072 × 3072 (16 tiles).
    ['gemini-2.0-flash', sq(3072), 16 * 258, 'gemini'],
    ['gemini-2.5-pro', { width: 2400, height: 1600 }, 4 * 3 * 258, 'gemini'],
    ['google/gemini-2.0-flash-001', null, 16 * 258, 'gemini'],
    // A small image: Gemini's 258 tiles count less than gpt-4o's 255 + Claude's: never below the general reserve.
    ['gemini-1.5-flash', sq(384), 258, 'gemini'],
    ['gemini-2.0-flash', { width: 1000, height: 500 }, 667, 'gemini'],
    // Gemini 3: 1,120 an image at the default (high) media resolution.
    ['gemini-3-pro-preview', sq(512), 1120, 'gemini-3'],
    ['gemini-3-flash-preview', sq(3072), 1600, 'gemini-3'],
    // gpt-4o-mini: 2,833 + 5,667 a tile (1024² is 4 tiles; an unknown size the most tiles, 8).
    ['gpt-4o-mini', sq(1024), 2833 + 4 * 5667, 'gpt-4o-mini'],
    ['gpt-4o-mini-2024-07-18', sq(512), 2833 + 5667, 'gpt-4o-mini'],
    ['openai/gpt-4o-mini', null, 2833 + 8 * 5667, 'gpt-4o-mini'],
    ['ft:gpt-4o-mini-2024-07-18:acme::abc123', sq(100), 2833 + 5667, 'gpt-4o-mini'],
    // Patch-metered: 32-pixel patches (at most 1,536) × the model's factor.
    ['gpt-4.1-nano', sq(1024), Math.ceil(1024 * 2.46), 'patches-2.46'],
    ['gpt-5-nano', null, Math.ceil(1536 * 2.46), 'patches-2.46'],
    ['gpt-4.1-mini', sq(1024), Math.ceil(1024 * 1.62), 'patches-1.62'],
    ['gpt-5-mini-2025-08-07', { width: 4000, height: 1474 }, Math.ceil(1536 * 1.62), 'patches-1.62'],
    ['o4-mini', sq(1024), Math.ceil(1024 * 1.72), 'patches-1.72'],
    ['openai/o4-mini-2025-04-16', null, Math.ceil(1536 * 1.72), 'patches-1.72'],
    // gpt-4.1: the larger of gpt-4o's tiles and a token a patch, never below the general reserve.
    ['gpt-4.1', sq(1024), 1399, 'gpt-4.1'],
    ['gpt-4.1-2025-04-14', { width: 64, height: 64 }, 255, 'gpt-4.1'],
    // gpt-4o's tiles (and o-series, gpt-5): what the general reserve already covers.
    ['gpt-4o', sq(1024), 1399, 'gpt-4o-tiles'],
    ['o3', { width: 768, height: 2048 }, 1445, 'gpt-4o-tiles'],
    ['gpt-5', null, 1600, 'gpt-4o-tiles'],
    // An id no rule knows: the general reserve (the larger of Claude's and gpt-4o's counts).
    ['llama-3.2-90b-vision', sq(1024), 1399, null],
    ['my-deployment', null, 1600, null],
  ])('%s, %o → %i', (modelId, size, tokens, family) => {
    expect(imageRuleFor(modelId)?.family ?? null).toBe(family);
    expect(modelImageTokens(modelId, size)).toBe(tokens);
    expect(extraImageTokens(modelId, [size])).toBe(tokens - imageReserveTokens(size));
  });

  it('every rule of the table has a row above', () => {
    expect(IMAGE_RULES.map((r) => r.family)).toEqual([
      'claude',
      'gemini-3',
      'gemini',
      'gpt-4o-mini',
      'patches-2.46',
      'patches-1.62',
      'patches-1.72',
      'gpt-4.1',
      'gpt-4o-tiles',
    ]);
  });

  it('a request with images is reserved on each model what that model counts, never less than its estimate', () => {
    const req = { promptTokens: 1_420, images: [sq(1024), null] };
    expect(promptTokensOn({ modelId: 'gpt-4o-mini' }, req)).toBe(1_420 + (25_501 - 1_399) + (48_169 - 1_600));
    expect(promptTokensOn({ modelId: 'claude-sonnet-4-5' }, req)).toBe(1_420);
    expect(promptTokensOn({ modelId: 'gemini-2.0-flash' }, req)).toBe(1_420 + (4_128 - 1_600));
    expect(promptTokensOn({}, req)).toBe(1_420);
    expect(promptTokensOn({ modelId: 'gpt-4o-mini' }, { promptTokens: 50 })).toBe(50);
    // An id that does not say (an Azure deployment, a Bedrock profile): the model the admin says it serves counts.
    expect(promptTokensOn({ modelId: 'vision-prod', baseModel: 'gpt-4o-mini' }, req)).toBe(
      promptTokensOn({ modelId: 'gpt-4o-mini' }, req),
    );
    expect(promptTokensOn({ modelId: 'vision-prod', baseModel: '  ' }, req)).toBe(1_420);
    expect(promptTokensOn({ modelId: 'vision-prod', baseModel: null }, req)).toBe(1_420);
    const model = {
      modelId: 'gpt-4o-mini',
      priceIn: 0.15,
      priceOut: 0.6,
      priceCachedIn: null,
      maxOutputTokens: null,
      defaultMaxTokens: null,
      contextWindow: 128_000,
    };
    const cost = reservedCost(model, {
      endpoint: 'chat',
      promptTokens: 20,
      maxTokens: 10,
      images: [sq(1024)],
    });
    expect(cost).toBeCloseTo(((20 + 25_501 - 1_399) * 0.15 + 10 * 0.6) / 1e6, 12);
  });
});

describe('any image size on any model', () => {
  const ids = [...IMAGE_RULES.map((r) => imageIdFor(r.family)), 'some-unknown-model'];
  const side = fc.integer({ min: 1, max: 200_000 });

  it('is counted a whole number of tokens ≥ 1, never below the general reserve, and never less when larger', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...ids),
        side,
        side,
        fc.double({ min: 1, max: 16, noNaN: true }),
        (id, w, h, k) => {
          const size = { width: w, height: h };
          const t = modelImageTokens(id, size);
          expect(Number.isInteger(t) && t >= 1).toBe(true);
          expect(t).toBeGreaterThanOrEqual(imageReserveTokens(size));
          // Both sides scaled up by k: never counted less.
          const larger = { width: Math.ceil(w * k), height: Math.ceil(h * k) };
          expect(modelImageTokens(id, larger)).toBeGreaterThanOrEqual(t);
          expect(extraImageTokens(id, [size, null])).toBeGreaterThanOrEqual(0);
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('a size that is not one (NaN, infinite, zero, negative) is counted as an unknown size, never NaN', () => {
    const figure = fc.oneof(fc.double(), fc.constantFrom(NaN, Infinity, -Infinity, 0, -1));
    fc.assert(
      fc.property(fc.constantFrom(...ids), figure, figure, (id, width, height) => {
        const t = modelImageTokens(id, { width, height });
        expect(Number.isFinite(t) && t >= 1).toBe(true);
        expect(Number.isNaN(extraImageTokens(id, [{ width, height }]))).toBe(false);
      }),
      { numRuns: 2000 },
    );
  });
});

/** A model id each rule recognises (the table's rows name one per family). */
function imageIdFor(family: string): string {
  const ids: Record<string, string> = {
    claude: 'claude-sonnet-4-5',
    'gemini-3': 'gemini-3-pro-preview',
    gemini: 'gemini-2.0-flash',
    'gpt-4o-mini': 'gpt-4o-mini',
    'patches-2.46': 'gpt-4.1-nano',
    'patches-1.62': 'gpt-4.1-mini',
    'patches-1.72': 'o4-mini',
    'gpt-4.1': 'gpt-4.1',
    'gpt-4o-tiles': 'gpt-4o',
  };
  const id = ids[family];
  if (!id || imageRuleFor(id)?.family !== family) throw new Error(`no id for ${family}`);
  return id;
}
