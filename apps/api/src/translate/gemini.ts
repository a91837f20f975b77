/**
 * OpenAI chat <-> Google Gemini generateContent / streamGenerateContent (alt=sse).
 */
import type {
  OaChatRequest,
  OaChatResponse,
  OaChunk,
  OaFinishReason,
  OaMessage,
  OaToolCall,
  OaUsage,
} from './wire-types.js';
import { mapContentParts, parseToolArguments } from './shared.js';

type Obj = Record<string, unknown>;

export const GEMINI_FINISH: Record<string, OaFinishReason> = {
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

/** JSON-schema keywords Gemini's OpenAPI-subset rejects. */
const DROP_SCHEMA_KEYS = new Set([
  '$schema',
  'additionalProperties',
  '$id',
  '$ref',
  '$defs',
  'definitions',
  'strict',
  'examples',
  'default',
]);

export function cleanSchema(s: unknown): unknown {
  if (Array.isArray(s)) return s.map(cleanSchema);
  if (!s || typeof s !== 'object') return s;
  const out: Obj = {};
  for (const [k, v] of Object.entries(s as Obj)) {
    if (DROP_SCHEMA_KEYS.has(k)) continue;
    out[k] =
      k === 'properties' && v && typeof v === 'object'
        ? Object.fromEntries(Object.entries(v as Obj).map(([pk, pv]) => [pk, cleanSchema(pv)]))
        : cleanSchema(v);
  }
  return out;
}

function partsOf(content: OaMessage['content']): Obj[] {
  return mapContentParts<Obj>(content as never, {
    text: (text) => ({ text }),
    image: (url, img) =>
      img
        ? { inlineData: { mimeType: img.mime, data: img.data } }
        : { fileData: { mimeType: guessMime(url), fileUri: url } },
  });
}

function guessMime(url: string): string {
  const ext = /\.(\w+)(?:\?|$)/.exec(url)?.[1]?.toLowerCase();
  return ext === 'png'
    ? 'image/png'
    : ext === 'webp'
      ? 'image/webp'
      : ext === 'gif'
        ? 'image/gif'
        : 'image/jpeg';
}

/** OpenAI chat request -> Gemini GenerateContentRequest. */
export function openaiChatToGeminiRequest(req: OaChatRequest): Obj {
  const system: string[] = [];
  const contents: Array<{ role: string; parts: Obj[] }> = [];
  const callNames = new Map<string, string>();
  const push = (role: string, parts: Obj[]) => {
    if (!parts.length) return;
    const last = contents[contents.length - 1];
    if (last && last.role === role) last.parts.push(...parts);
    else contents.push({ role, parts });
  };
  for (const m of req.messages ?? []) {
    if (m.role === 'system' || m.role === 'developer') {
      const p = partsOf(m.content);
      system.push(p.map((x) => String(x.text ?? '')).join(''));
    } else if (m.role === 'user') push('user', partsOf(m.content));
    else if (m.role === 'assistant') {
      const parts = partsOf(m.content);
      for (const tc of m.tool_calls ?? []) {
        if (!tc.function) continue; // a custom tool call: Gemini has no equivalent
        callNames.set(tc.id, tc.function.name);
        parts.push({
          functionCall: { name: tc.function.name, args: parseToolArguments(tc.function.arguments) },
        });
      }
      push('model', parts);
    } else if (m.role === 'tool' || m.role === 'function') {
      const text =
        typeof m.content === 'string'
          ? m.content
          : partsOf(m.content)
              .map((x) => String(x.text ?? ''))
              .join('');
      let response: unknown;
      try {
        const parsed: unknown = JSON.parse(text);
        response =
          parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? parsed : { result: parsed };
      } catch {
        response = { result: text };
      }
      push('user', [
        { functionResponse: { name: callNames.get(m.tool_call_id ?? '') ?? m.name ?? 'tool', response } },
      ]);
    }
  }
  const out: Obj = { contents };
  if (system.length) out.systemInstruction = { parts: [{ text: system.join('\n\n') }] };
  const gc: Obj = {};
  const max = req.max_completion_tokens ?? req.max_tokens;
  if (typeof max === 'number') gc.maxOutputTokens = max;
  if (typeof req.temperature === 'number') gc.temperature = req.temperature;
  if (typeof req.top_p === 'number') gc.topP = req.top_p;
  if (req.stop != null) gc.stopSequences = Array.isArray(req.stop) ? req.stop : [req.stop];
  if (typeof req.n === 'number') gc.candidateCount = req.n;
  if (typeof req.seed === 'number') gc.seed = req.seed;
  if (req.response_format?.type === 'json_object') gc.responseMimeType = 'application/json';
  else if (req.response_format?.type === 'json_schema') {
    gc.responseMimeType = 'application/json';
    if (req.response_format.json_schema?.schema)
      gc.responseSchema = cleanSchema(req.response_format.json_schema.schema);
  }
  if (Object.keys(gc).length) out.generationConfig = gc;
  if (req.tools?.length) {
    out.tools = [
      {
        functionDeclarations: req.tools
          .filter((t) => t.function)
          .map((t) => ({
            name: t.function.name,
            ...(t.function.description ? { description: t.function.description } : {}),
            ...(t.function.parameters ? { parameters: cleanSchema(t.function.parameters) } : {}),
          })),
      },
    ];
    const tc = req.tool_choice;
    if (tc === 'auto') out.toolConfig = { functionCallingConfig: { mode: 'AUTO' } };
    else if (tc === 'none') out.toolConfig = { functionCallingConfig: { mode: 'NONE' } };
    else if (tc === 'required') out.toolConfig = { functionCallingConfig: { mode: 'ANY' } };
    else if (tc && typeof tc === 'object' && tc.function)
      out.toolConfig = { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: [tc.function.name] } };
  }
  return out;
}

export function geminiUsageToOpenai(u: Obj | undefined): OaUsage | undefined {
  if (!u) return undefined;
  const prompt = Number(u.promptTokenCount ?? 0);
  const completion = Number(u.candidatesTokenCount ?? 0) + Number(u.thoughtsTokenCount ?? 0);
  const out: OaUsage = {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
  };
  if (u.cachedContentTokenCount)
    out.prompt_tokens_details = { cached_tokens: Number(u.cachedContentTokenCount) };
  if (u.thoughtsTokenCount)
    out.completion_tokens_details = { reasoning_tokens: Number(u.thoughtsTokenCount) };
  return out;
}

function extract(
  cand: Obj | undefined,
  callBase: string,
  callOffset: number,
): { text: string; calls: OaToolCall[] } {
  let text = '';
  const calls: OaToolCall[] = [];
  const parts = ((cand?.content as Obj | undefined)?.parts ?? []) as Obj[];
  for (const p of parts) {
    if (p.thought) continue;
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
  return { text, calls };
}

function finishOf(cand: Obj | undefined, hasCalls: boolean): OaFinishReason | null {
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
    const { text, calls } = extract(c, id, 0);
    const message: OaChatResponse['choices'][number]['message'] = {
      role: 'assistant',
      content: text || (calls.length ? null : ''),
    };
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

/** Gemini stream (each SSE data is a GenerateContentResponse) -> OpenAI chunks. */
export class GeminiToOpenaiChunks {
  private started = false;
  private toolCount = 0;
  private id = '';
  usage: OaUsage | null = null;
  finishReason: OaFinishReason | null = null;

  constructor(
    private model: string,
    private created: number = Math.floor(Date.now() / 1000),
  ) {}

  private chunk(delta: OaChunk['choices'][number]['delta'], finish: OaFinishReason | null = null): OaChunk {
    return {
      id: `chatcmpl-${this.id}`,
      object: 'chat.completion.chunk',
      created: this.created,
      model: this.model,
      choices: [{ index: 0, delta, finish_reason: finish }],
    };
  }

  push(ev: Obj): OaChunk[] {
    if (!this.id) this.id = String(ev.responseId ?? this.created.toString(36));
    const out: OaChunk[] = [];
    if (!this.started) {
      this.started = true;
      out.push(this.chunk({ role: 'assistant', content: '' }));
    }
    const u = geminiUsageToOpenai(ev.usageMetadata as Obj | undefined);
    if (u) this.usage = u;
    const cand = ((ev.candidates ?? []) as Obj[])[0];
    const { text, calls } = extract(cand, this.id, this.toolCount);
    if (text) out.push(this.chunk({ content: text }));
    if (calls.length) {
      out.push(
        this.chunk({
          tool_calls: calls.map((c, i) => ({
            index: this.toolCount + i,
            id: c.id,
            type: 'function' as const,
            function: c.function,
          })),
        }),
      );
      this.toolCount += calls.length;
    }
    if (!cand && (ev.promptFeedback as Obj | undefined)?.blockReason) this.finishReason = 'content_filter';
    const f = finishOf(cand, this.toolCount > 0);
    if (f) this.finishReason = f;
    return out;
  }

  /** Final chunks: finish_reason then usage. Call once the upstream stream ended. */
  finish(): OaChunk[] {
    const last = this.chunk({}, this.finishReason ?? 'stop');
    const usage = this.chunk({});
    usage.choices = [];
    usage.usage = this.usage ?? { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 };
    return [last, usage];
  }
}
