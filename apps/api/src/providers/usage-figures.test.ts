// Every wire's usage parser reads an upstream's token figures through one sanitiser (translate/usage-figures.ts):
// whatever the upstream sends, what reaches costs, budgets, token limits and usage records is a whole number from 0
// to MAX_TOKEN_FIGURE.
import { describe, expect, it } from 'vitest';
import { anthropicUsageToOpenai } from '../translate/messages.js';
import { MAX_TOKEN_FIGURE, tokenFigure, withEstimates } from '../translate/usage-figures.js';
import { usageFromAnthropic } from './anthropic/response.js';
import { converseUsageToOpenai } from './bedrock/response.js';
import { usageFromOpenai } from './compose.js';
import { geminiUsageToOpenai } from './gemini/response.js';
import { usageFromResponses } from './openai-compatible/response.js';
import type { Usage } from './types.js';

describe('tokenFigure', () => {
  it.each([
    [12, 12],
    [0, 0],
    [12.2, 13],
    [MAX_TOKEN_FIGURE, MAX_TOKEN_FIGURE],
    [MAX_TOKEN_FIGURE * 10, MAX_TOKEN_FIGURE],
    [Infinity, MAX_TOKEN_FIGURE],
    [-100_000, 0],
    [-Infinity, 0],
    [NaN, 0],
    ['many', 0],
    ['12', 0],
    [null, 0],
    [undefined, 0],
    [{}, 0],
    [true, 0],
  ])('%s counts as %s', (v, expected) => {
    expect(tokenFigure(v)).toBe(expected);
  });

  it('a figure the usage does not give (0 once read) is the estimate, and the usage says it is estimated', () => {
    const input = () => 40;
    const output = () => 900;
    expect(withEstimates(null, input, output)).toEqual({
      inputTokens: 40,
      outputTokens: 900,
      cachedTokens: 0,
      estimated: true,
    });
    expect(withEstimates({ inputTokens: 12, outputTokens: 0, cachedTokens: 2 }, input, output)).toEqual({
      inputTokens: 12,
      outputTokens: 900,
      cachedTokens: 2,
      estimated: true,
    });
    expect(withEstimates({ inputTokens: 0, outputTokens: 5, cachedTokens: 0 }, input, output)).toEqual({
      inputTokens: 40,
      outputTokens: 5,
      cachedTokens: 0,
      estimated: true,
    });
    const whole = { inputTokens: 12, outputTokens: 5, cachedTokens: 2 };
    expect(withEstimates(whole, input, output)).toBe(whole);
    // An estimate of 0 (an embedding's output) leaves the figure as it is: nothing was estimated.
    expect(withEstimates({ inputTokens: 4, outputTokens: 0, cachedTokens: 0 }, input, () => 0)).toEqual({
      inputTokens: 4,
      outputTokens: 0,
      cachedTokens: 0,
    });
  });
});

/** Each wire's usage parser, given the same bad figure in every field, as the gateway's Usage. */
const PARSERS: [string, (bad: unknown) => Usage][] = [
  [
    'OpenAI chat',
    (bad) =>
      usageFromOpenai({
        prompt_tokens: bad,
        completion_tokens: bad,
        prompt_tokens_details: { cached_tokens: bad },
      } as never),
  ],
  [
    'OpenAI Responses',
    (bad) =>
      usageFromResponses({
        input_tokens: bad,
        output_tokens: bad,
        input_tokens_details: { cached_tokens: bad },
      }),
  ],
  [
    'Anthropic (relayed)',
    (bad) =>
      usageFromAnthropic({
        input_tokens: bad,
        output_tokens: bad,
        cache_read_input_tokens: bad,
        cache_creation_input_tokens: bad,
      }),
  ],
  [
    'Anthropic (translated)',
    (bad) =>
      usageFromOpenai(
        anthropicUsageToOpenai({
          input_tokens: bad,
          output_tokens: bad,
          cache_read_input_tokens: bad,
          cache_creation_input_tokens: bad,
        } as never),
      ),
  ],
  [
    'Bedrock Converse',
    (bad) =>
      usageFromOpenai(
        converseUsageToOpenai({
          inputTokens: bad,
          outputTokens: bad,
          cacheReadInputTokens: bad,
          cacheWriteInputTokens: bad,
        }),
      ),
  ],
  [
    'Gemini',
    (bad) =>
      usageFromOpenai(
        geminiUsageToOpenai({
          promptTokenCount: bad,
          candidatesTokenCount: bad,
          thoughtsTokenCount: bad,
          cachedContentTokenCount: bad,
        }),
      ),
  ],
];

describe.each(PARSERS)('the %s usage parser', (_wire, parse) => {
  it.each([['many'], [-100_000], [null], [{}], ['12']])(
    'reads a figure of %j as no figure: no usage, never NaN or negative',
    (bad) => {
      expect(parse(bad)).toEqual({ inputTokens: 0, outputTokens: 0, cachedTokens: 0 });
    },
  );

  it('caps an absurd figure', () => {
    const u = parse(1e300);
    for (const v of [u.inputTokens, u.outputTokens, u.cachedTokens]) {
      expect(Number.isInteger(v)).toBe(true);
      expect(v).toBeGreaterThan(0);
      // A sum of a few capped figures (Anthropic and Bedrock add the cache figures to the prompt) at most.
      expect(v).toBeLessThanOrEqual(4 * MAX_TOKEN_FIGURE);
    }
  });
});

describe('good figures beside a bad one', () => {
  it('stand; the bad one is 0 (a negative cache figure never lowers a prompt summed from its parts)', () => {
    expect(usageFromOpenai({ prompt_tokens: 12, completion_tokens: 'many' } as never)).toEqual({
      inputTokens: 12,
      outputTokens: 0,
      cachedTokens: 0,
    });
    expect(usageFromAnthropic({ input_tokens: 100, output_tokens: 5, cache_read_input_tokens: -50 })).toEqual(
      { inputTokens: 100, outputTokens: 5, cachedTokens: 0 },
    );
    expect(
      usageFromOpenai(
        converseUsageToOpenai({ inputTokens: 100, outputTokens: 5, cacheReadInputTokens: -50 }),
      ),
    ).toEqual({ inputTokens: 100, outputTokens: 5, cachedTokens: 0 });
  });
});
