/** OpenAI wire usage: Responses API usage (a relayed `/responses` answer). Chat usage is the pivot's (compose.ts). */
import type { Usage } from '../types.js';

type Obj = Record<string, unknown>;

/** Responses API usage (input_tokens includes cached). */
export function usageFromResponses(u: Obj | null | undefined): Usage {
  return {
    inputTokens: Number(u?.input_tokens ?? 0),
    outputTokens: Number(u?.output_tokens ?? 0),
    cachedTokens: Number((u?.input_tokens_details as Obj | undefined)?.cached_tokens ?? 0),
  };
}
