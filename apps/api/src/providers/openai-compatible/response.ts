/**
 * OpenAI wire answers: Responses API usage and answers (a relayed `/responses` answer). Chat usage is the pivot's
 * (compose.ts).
 */
import type { OaChatResponse, OaFinishReason, OaToolCall } from '../../translate/wire-types.js';
import { BILLED_EXTRAS, tokenFigure } from '../../translate/usage-figures.js';
import type { Usage, WireOptions } from '../types.js';

type Obj = Record<string, unknown>;

/**
 * A chat message's content as text: a string as it is; a list of parts (what some OpenAI-compatible servers answer
 * with, Mistral's reasoning models among them) as its text parts joined, leaving out the parts that are not the answer
 * (their thinking); null for anything else.
 */
export function chatContentText(content: unknown): string | null {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return null;
  let text = '';
  for (const p of content as unknown[])
    if (p && typeof p === 'object' && (p as Obj).type === 'text' && typeof (p as Obj).text === 'string')
      text += (p as Obj).text as string;
  return text;
}

/**
 * An OpenAI chat answer as the pivot: the answer itself, with a message whose content is a list of parts given as
 * its text (the client encoders read the content as a string).
 */
export function chatResponseAsPivot(body: Obj): OaChatResponse {
  const res = body as unknown as OaChatResponse;
  if (!Array.isArray(res.choices) || !res.choices.some((c) => Array.isArray(c?.message?.content))) return res;
  return {
    ...res,
    choices: res.choices.map((c) => {
      if (!Array.isArray(c?.message?.content)) return c;
      const text = chatContentText(c.message.content) ?? '';
      return { ...c, message: { ...c.message, content: text || (c.message.tool_calls?.length ? null : '') } };
    }),
  };
}

/**
 * The web searches a Responses answer ran (OpenAI's web search tool: one `web_search_call` output item a search, billed
 * per call), from its output items; 0 for none.
 */
export function responsesWebSearches(output: unknown): number {
  if (!Array.isArray(output)) return 0;
  let n = 0;
  for (const item of output as unknown[])
    if (
      item &&
      typeof item === 'object' &&
      (item as Obj).type === 'web_search_call' &&
      (item as Obj).status !== 'failed'
    )
      n++;
  return n;
}

/** A relayed Responses body's web search calls, read from its text (the type field of each output item). */
const WEB_SEARCH_CALL = /"type"\s*:\s*"web_search_call"/g;

/** The web searches a relayed whole Responses body ran (see responsesWebSearches), by a search of its text. */
export function responsesTextWebSearches(text: string): number {
  return text.includes('web_search_call') ? (text.match(WEB_SEARCH_CALL)?.length ?? 0) : 0;
}

/** Responses API usage (input_tokens includes cached). */
export function usageFromResponses(u: Obj | null | undefined): Usage {
  return {
    inputTokens: tokenFigure(u?.input_tokens),
    outputTokens: tokenFigure(u?.output_tokens),
    cachedTokens: tokenFigure((u?.input_tokens_details as Obj | undefined)?.cached_tokens),
  };
}

/**
 * A Responses API answer as the pivot: its messages' text and its function calls (what a relayed answer that
 * carries no usage is billed by), its status as the finish, its usage when it has one.
 */
export function responsesToOpenaiChatResponse(res: Obj, o: WireOptions): OaChatResponse {
  let text = '';
  const calls: OaToolCall[] = [];
  const output = Array.isArray(res.output) ? (res.output as unknown[]) : [];
  for (const item of output) {
    if (!item || typeof item !== 'object') continue;
    const it = item as Obj;
    if (it.type === 'message' && Array.isArray(it.content)) {
      for (const part of it.content as unknown[]) {
        const p = (part ?? {}) as Obj;
        if (typeof p.text === 'string') text += p.text;
        else if (typeof p.refusal === 'string') text += p.refusal;
      }
    } else if (it.type === 'function_call')
      calls.push({
        id: String(it.call_id ?? it.id ?? ''),
        type: 'function',
        function: { name: String(it.name ?? ''), arguments: String(it.arguments ?? '') },
      });
  }
  const incomplete = (res.incomplete_details as Obj | null | undefined)?.reason;
  const finish: OaFinishReason =
    incomplete === 'max_output_tokens'
      ? 'length'
      : incomplete === 'content_filter'
        ? 'content_filter'
        : calls.length
          ? 'tool_calls'
          : 'stop';
  const message: OaChatResponse['choices'][number]['message'] = {
    role: 'assistant',
    content: text || (calls.length ? null : ''),
  };
  if (calls.length) message.tool_calls = calls;
  const out: OaChatResponse = {
    id: `chatcmpl-${String(res.id ?? 'x').replace(/^resp_/, '')}`,
    object: 'chat.completion',
    created: typeof res.created_at === 'number' ? res.created_at : o.created,
    model: typeof res.model === 'string' ? res.model : o.model,
    choices: [{ index: 0, message, finish_reason: finish, logprobs: null }],
  };
  if (res.usage && typeof res.usage === 'object') {
    const u = usageFromResponses(res.usage as Obj);
    out.usage = {
      prompt_tokens: u.inputTokens,
      completion_tokens: u.outputTokens,
      total_tokens: u.inputTokens + u.outputTokens,
      ...(u.cachedTokens ? { prompt_tokens_details: { cached_tokens: u.cachedTokens } } : {}),
    };
    const searches = responsesWebSearches(res.output);
    if (searches) out.usage[BILLED_EXTRAS] = { webSearches: searches };
  }
  return out;
}
