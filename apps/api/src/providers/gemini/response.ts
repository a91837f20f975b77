/** Gemini response decoding: a whole GenerateContentResponse as the OpenAI chat pivot. */
import { tokenFigure } from '../../translate/usage-figures.js';
import type { OaChatResponse, OaFinishReason, OaToolCall, OaUsage } from '../../translate/wire-types.js';

type Obj = Record<string, unknown>;

export const GEMINI_FINISH: Record<string, OaFinishReason> = {
  // A natural end and a stop sequence alike (Gemini has no stop-sequence reason, and the sequence is not in the text),
  // so the answer names no matched sequence: an Anthropic client gets end_turn, never a guessed stop_sequence.
  STOP: 'stop',
  MAX_TOKENS: 'length',
  SAFETY: 'content_filter',
  RECITATION: 'content_filter',
  BLOCKLIST: 'content_filter',
  PROHIBITED_CONTENT: 'content_filter',
  SPII: 'content_filter',
  IMAGE_SAFETY: 'content_filter',
  LANGUAGE: 'stop',
  OTHER: 'stop',
  MALFORMED_FUNCTION_CALL: 'stop',
};

export function geminiUsageToOpenai(u: Obj | undefined): OaUsage | undefined {
  if (!u) return undefined;
  const prompt = tokenFigure(u.promptTokenCount);
  const thoughts = tokenFigure(u.thoughtsTokenCount);
  const completion = tokenFigure(u.candidatesTokenCount) + thoughts;
  const cached = tokenFigure(u.cachedContentTokenCount);
  const out: OaUsage = {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
  };
  if (cached) out.prompt_tokens_details = { cached_tokens: cached };
  if (thoughts) out.completion_tokens_details = { reasoning_tokens: thoughts };
  return out;
}

export function extract(
  cand: Obj | undefined,
  callBase: string,
  callOffset: number,
): { text: string; calls: OaToolCall[]; thoughts: string } {
  let text = '';
  let thoughts = '';
  const calls: OaToolCall[] = [];
  const parts = ((cand?.content as Obj | undefined)?.parts ?? []) as Obj[];
  for (const p of parts) {
    // A thought summary (given when the request asked for thoughts): the answer's reasoning.
    if (p.thought) {
      if (typeof p.text === 'string') thoughts += p.text;
      continue;
    }
    if (typeof p.text === 'string') text += p.text;
    else if (p.functionCall) {
      const fc = p.functionCall as Obj;
      calls.push({
        id: `call_${callBase}_${callOffset + calls.length}`,
        type: 'function',
        function: { name: String(fc.name), arguments: JSON.stringify(fc.args ?? {}) },
      });
    }
  }
  return { text, calls, thoughts };
}

export function finishOf(cand: Obj | undefined, hasCalls: boolean): OaFinishReason | null {
  const f = cand?.finishReason;
  if (typeof f !== 'string' || f === 'FINISH_REASON_UNSPECIFIED') return null;
  if (hasCalls && f === 'STOP') return 'tool_calls';
  return GEMINI_FINISH[f] ?? 'stop';
}

/** Gemini GenerateContentResponse -> OpenAI chat completion. */
export function geminiToOpenaiChatResponse(
  res: Obj,
  model: string,
  created: number = Math.floor(Date.now() / 1000),
): OaChatResponse {
  const id = String(res.responseId ?? created.toString(36));
  const candidates = (res.candidates ?? []) as Obj[];
  const choices: OaChatResponse['choices'] = candidates.map((c, i) => {
    const { text, calls, thoughts } = extract(c, id, 0);
    const message: OaChatResponse['choices'][number]['message'] = {
      role: 'assistant',
      content: text || (calls.length ? null : ''),
    };
    if (thoughts) message.reasoning_content = thoughts;
    if (calls.length) message.tool_calls = calls;
    return {
      index: Number(c.index ?? i),
      message,
      finish_reason: finishOf(c, calls.length > 0) ?? 'stop',
      logprobs: null,
    };
  });
  if (!choices.length) {
    // Prompt blocked: no candidates, promptFeedback.blockReason set.
    choices.push({
      index: 0,
      message: { role: 'assistant', content: '' },
      finish_reason: 'content_filter',
      logprobs: null,
    });
  }
  const out: OaChatResponse = {
    id: `chatcmpl-${id}`,
    object: 'chat.completion',
    created,
    model: String(res.modelVersion ?? model),
    choices,
  };
  const u = geminiUsageToOpenai(res.usageMetadata as Obj | undefined);
  if (u) out.usage = u;
  return out;
}
