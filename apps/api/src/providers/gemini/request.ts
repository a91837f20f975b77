/** Gemini request encoding: the OpenAI chat pivot as a generateContent request. */
import { mapContentParts, parseToolArguments } from '../../translate/shared.js';
import type { OaChatRequest, OaMessage } from '../../translate/wire-types.js';

type Obj = Record<string, unknown>;

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
    file: (f) => ({ inlineData: { mimeType: f.mime, data: f.data } }),
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
