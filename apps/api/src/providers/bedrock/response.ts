/** Bedrock response decoding: a whole Converse answer as the OpenAI chat pivot, and Converse usage (whole or streamed). */
import type { OaChatResponse, OaFinishReason, OaToolCall, OaUsage } from '../../translate/wire-types.js';

type Obj = Record<string, unknown>;

export const BEDROCK_STOP: Record<string, OaFinishReason> = {
  end_turn: 'stop',
  stop_sequence: 'stop',
  max_tokens: 'length',
  // The output ran into the model's context window: a cut answer.
  model_context_window_exceeded: 'length',
  tool_use: 'tool_calls',
  guardrail_intervened: 'content_filter',
  content_filtered: 'content_filter',
};

/** Converse response -> OpenAI chat completion (without usage when the body has none). */
export function converseToOpenaiChatResponse(
  res: Obj,
  model: string,
  created: number = Math.floor(Date.now() / 1000),
  id = `chatcmpl-${created.toString(36)}`,
): OaChatResponse {
  const msg = ((res.output as Obj | undefined)?.message ?? {}) as Obj;
  let text = '';
  const calls: OaToolCall[] = [];
  for (const b of (msg.content ?? []) as Obj[]) {
    if (typeof b.text === 'string') text += b.text;
    else if (b.toolUse) {
      const tu = b.toolUse as Obj;
      calls.push({
        id: String(tu.toolUseId),
        type: 'function',
        function: { name: String(tu.name), arguments: JSON.stringify(tu.input ?? {}) },
      });
    }
  }
  const message: OaChatResponse['choices'][number]['message'] = {
    role: 'assistant',
    content: text || (calls.length ? null : ''),
  };
  if (calls.length) message.tool_calls = calls;
  const out: OaChatResponse = {
    id,
    object: 'chat.completion',
    created,
    model,
    choices: [
      { index: 0, message, finish_reason: BEDROCK_STOP[String(res.stopReason)] ?? 'stop', logprobs: null },
    ],
  };
  // A body without usage leaves the pivot without one: the answer is then billed by its text, not as 0 tokens.
  if (res.usage && typeof res.usage === 'object') out.usage = converseUsageToOpenai(res.usage as Obj);
  return out;
}

/**
 * Converse usage (a whole answer's, or a stream's metadata event) as the pivot's. Bedrock's inputTokens leaves out
 * the prompt tokens read from and written to the cache; the pivot's prompt_tokens holds them.
 */
export function converseUsageToOpenai(u: Obj | null | undefined): OaUsage {
  const cached = Number(u?.cacheReadInputTokens ?? 0);
  const prompt = Number(u?.inputTokens ?? 0) + cached + Number(u?.cacheWriteInputTokens ?? 0);
  const completion = Number(u?.outputTokens ?? 0);
  return {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
    ...(cached ? { prompt_tokens_details: { cached_tokens: cached } } : {}),
  };
}
