/** Anthropic response decoding: a whole Messages answer as the OpenAI chat pivot, and its usage. */
import { anthropicStopToOpenai, anthropicUsageToOpenai } from '../../translate/messages.js';
import type {
  AnResponse,
  AnTextBlock,
  AnToolUseBlock,
  OaChatResponse,
  OaToolCall,
} from '../../translate/wire-types.js';
import { anthropicExtras, isFigure, tokenFigure } from '../../translate/usage-figures.js';
import { SIGNED_THINKING, type SignedThinkingBlock } from '../../translate/signed-thinking.js';
import type { Usage } from '../types.js';

type Obj = Record<string, unknown>;

/**
 * Anthropic usage: input_tokens excludes cache reads/writes; our inputTokens is the whole prompt (unknown, 0, without
 * a readable input_tokens: the cache figures alone are not the prompt).
 */
export function usageFromAnthropic(u: Obj | null | undefined): Usage {
  const cached = tokenFigure(u?.cache_read_input_tokens);
  return {
    inputTokens: isFigure(u?.input_tokens)
      ? tokenFigure(u.input_tokens) + cached + tokenFigure(u.cache_creation_input_tokens)
      : 0,
    outputTokens: tokenFigure(u?.output_tokens),
    cachedTokens: cached,
    // What Claude bills beyond the tokens: its cache writes and web searches.
    ...anthropicExtras(u),
  };
}

/**
 * Anthropic message response -> OpenAI chat completion (without usage when the body has none). With `jsonTool`
 * (the request carried a JSON response format as that forced tool) the tool's input is the message content, as JSON
 * text, and the turn ends with `stop`.
 */
export function anthropicToOpenaiChatResponse(
  res: AnResponse,
  created: number = Math.floor(Date.now() / 1000),
  jsonTool?: string,
): OaChatResponse {
  let text = '';
  let json = false;
  const calls: OaToolCall[] = [];
  let reasoning = '';
  const signed: SignedThinkingBlock[] = [];
  for (const b of res.content ?? []) {
    if (b.type === 'text') text += (b as AnTextBlock).text;
    else if (b.type === 'thinking' && typeof (b as { thinking?: unknown }).thinking === 'string') {
      const thinking = (b as { thinking: string }).thinking;
      reasoning += thinking;
      const signature = (b as { signature?: unknown }).signature;
      if (typeof signature === 'string' && signature)
        signed.push({ type: 'thinking', thinking, signature, origin: 'anthropic' });
    } else if (b.type === 'redacted_thinking') {
      const data = (b as { data?: unknown }).data;
      if (typeof data === 'string' && data)
        signed.push({ type: 'redacted_thinking', data, origin: 'anthropic' });
    } else if (b.type === 'tool_use') {
      const tu = b as AnToolUseBlock;
      if (jsonTool !== undefined && tu.name === jsonTool) {
        // The answer is the tool input alone: text the model wrote before it is not part of the JSON.
        text = JSON.stringify(tu.input ?? {});
        json = true;
        continue;
      }
      calls.push({
        id: tu.id,
        type: 'function',
        function: { name: tu.name, arguments: JSON.stringify(tu.input ?? {}) },
      });
    }
  }
  const message: OaChatResponse['choices'][number]['message'] = {
    role: 'assistant',
    content: text || (calls.length ? null : ''),
  };
  if (calls.length) message.tool_calls = calls;
  // Claude's thinking as the chat reasoning field the compatible APIs use; its blocks, signed, beside it (see
  // SIGNED_THINKING), for a client format that can carry them back.
  if (reasoning) message.reasoning_content = reasoning;
  if (signed.length) message[SIGNED_THINKING] = signed;
  if (res.stop_reason === 'refusal') message.refusal = text || 'refused';
  const out: OaChatResponse = {
    id: res.id?.startsWith('msg_') ? `chatcmpl-${res.id.slice(4)}` : `chatcmpl-${res.id ?? 'x'}`,
    object: 'chat.completion',
    created,
    model: res.model,
    choices: [
      {
        index: 0,
        message,
        finish_reason:
          json && res.stop_reason === 'tool_use'
            ? 'stop'
            : (anthropicStopToOpenai(res.stop_reason) ?? 'stop'),
        logprobs: null,
      },
    ],
  };
  // A body without usage (compatible servers leave it out) leaves the pivot without one: the answer is then billed
  // by its text, not as 0 tokens.
  const usage = (res as { usage?: AnResponse['usage'] | null }).usage;
  if (usage) out.usage = anthropicUsageToOpenai(usage);
  return out;
}
