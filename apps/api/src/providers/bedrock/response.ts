/** Bedrock response decoding: a whole Converse answer as the OpenAI chat pivot, and Converse usage (whole or streamed). */
import {
  STOP_SEQUENCE,
  UPSTREAM_STOP,
  type OaChatResponse,
  type OaFinishReason,
  type OaToolCall,
  type OaUsage,
} from '../../translate/wire-types.js';
import { BILLED_EXTRAS, tokenFigure } from '../../translate/usage-figures.js';
import { SIGNED_THINKING, type SignedThinkingBlock } from '../../translate/signed-thinking.js';
import { usageFromOpenai } from '../compose.js';
import { FailedAnswer, type UpstreamError, type Usage } from '../types.js';

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

/** Stop reasons the pivot's finish reason says less of: the choice carries them too (see UPSTREAM_STOP). */
const FINER_STOP: ReadonlySet<string> = new Set(['model_context_window_exceeded', 'stop_sequence']);

/**
 * The upstream's own stop reason, for the pivot's choice, when the finish reason says less; for a stop sequence, the
 * one matched when Converse says which (`additionalModelResponseFields.stop_sequence`, Claude's own field, given when
 * the request asked for it: see openaiChatToConverseRequest).
 */
export function finerStop(
  stopReason: string,
  fields?: unknown,
): { [UPSTREAM_STOP]?: string; [STOP_SEQUENCE]?: string } {
  if (!FINER_STOP.has(stopReason)) return {};
  const matched =
    stopReason === 'stop_sequence' && fields && typeof fields === 'object'
      ? (fields as Obj).stop_sequence
      : undefined;
  return typeof matched === 'string'
    ? { [UPSTREAM_STOP]: stopReason, [STOP_SEQUENCE]: matched }
    : { [UPSTREAM_STOP]: stopReason };
}

/**
 * Stop reasons that end a turn whose output is not an answer: Converse could not parse what the model produced (its
 * text, or its tool call). A failure of the model's, not a finish: the attempt fails (and may be tried again).
 */
const MALFORMED: Readonly<Record<string, string>> = {
  malformed_model_output:
    'The model produced output that could not be parsed (stop reason malformed_model_output).',
  malformed_tool_use:
    'The model produced a tool call that could not be parsed (stop reason malformed_tool_use).',
};

/** The failure a malformed stop reason is (a server-side failure, worth another try), or null for any other. */
export function malformedStop(stopReason: string): UpstreamError | null {
  const message = Object.hasOwn(MALFORMED, stopReason) ? MALFORMED[stopReason] : undefined;
  if (message === undefined) return null;
  return { status: 502, kind: 'server', code: stopReason, message, retryAfterMs: null, retryable: true };
}

/**
 * Converse response -> OpenAI chat completion (without usage when the body has none). Throws FailedAnswer for a turn
 * that stopped as malformed.
 */
export function converseToOpenaiChatResponse(
  res: Obj,
  model: string,
  created: number = Math.floor(Date.now() / 1000),
  id = `chatcmpl-${created.toString(36)}`,
): OaChatResponse {
  const stop = String(res.stopReason);
  const failed = malformedStop(stop);
  // Converse bills a malformed turn like any other: its usage goes with the failure (none invented when absent).
  if (failed) throw new FailedAnswer(failed, billedUsage(res.usage));
  const msg = ((res.output as Obj | undefined)?.message ?? {}) as Obj;
  let text = '';
  const calls: OaToolCall[] = [];
  let reasoning = '';
  const signed: SignedThinkingBlock[] = [];
  for (const b of (msg.content ?? []) as Obj[]) {
    if (typeof b.text === 'string') text += b.text;
    else if (b.reasoningContent) {
      // Claude's thinking as the reasoning text; its blocks, signed, beside it (see SIGNED_THINKING).
      const rc = b.reasoningContent as Obj;
      const r = rc.reasoningText as Obj | undefined;
      if (typeof r?.text === 'string') {
        reasoning += r.text;
        if (typeof r.signature === 'string' && r.signature)
          signed.push({ type: 'thinking', thinking: r.text, signature: r.signature, origin: 'bedrock' });
      } else if (typeof rc.redactedContent === 'string' && rc.redactedContent)
        signed.push({ type: 'redacted_thinking', data: rc.redactedContent, origin: 'bedrock' });
    } else if (b.toolUse) {
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
  if (reasoning) message.reasoning_content = reasoning;
  if (signed.length) message[SIGNED_THINKING] = signed;
  const out: OaChatResponse = {
    id,
    object: 'chat.completion',
    created,
    model,
    choices: [
      {
        index: 0,
        message,
        finish_reason: BEDROCK_STOP[stop] ?? 'stop',
        logprobs: null,
        ...finerStop(stop, res.additionalModelResponseFields),
      },
    ],
  };
  // A body without usage leaves the pivot without one: the answer is then billed by its text, not as 0 tokens.
  if (res.usage && typeof res.usage === 'object') out.usage = converseUsageToOpenai(res.usage as Obj);
  return out;
}

/** The usage a Converse body reports, as the gateway's; undefined when it reports none (or nothing billable). */
function billedUsage(u: unknown): Usage | undefined {
  if (!u || typeof u !== 'object') return undefined;
  const usage = usageFromOpenai(converseUsageToOpenai(u as Obj));
  return usage.inputTokens + usage.outputTokens > 0 ? usage : undefined;
}

/**
 * Converse usage (a whole answer's, or a stream's metadata event) as the pivot's. Bedrock's inputTokens leaves out
 * the prompt tokens read from and written to the cache; the pivot's prompt_tokens holds them.
 */
export function converseUsageToOpenai(u: Obj | null | undefined): OaUsage {
  const cached = tokenFigure(u?.cacheReadInputTokens);
  const prompt = tokenFigure(u?.inputTokens) + cached + tokenFigure(u?.cacheWriteInputTokens);
  const completion = tokenFigure(u?.outputTokens);
  const written = tokenFigure(u?.cacheWriteInputTokens);
  return {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
    ...(cached ? { prompt_tokens_details: { cached_tokens: cached } } : {}),
    // Claude on Bedrock bills its cache writes above the input price (Converse does not say their lifetime: the
    // default's price).
    ...(written ? { [BILLED_EXTRAS]: { cacheWriteTokens: written } } : {}),
  };
}
