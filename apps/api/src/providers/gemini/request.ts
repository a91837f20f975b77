/** Gemini request encoding: the OpenAI chat pivot as a generateContent request. */
import { THINKING_BUDGET, geminiThinkingConfig, type ReasoningPivot } from '../../translate/reasoning.js';
import { mapContentParts, parseToolArguments } from '../../translate/shared.js';
import type { OaChatRequest, OaMessage } from '../../translate/wire-types.js';

type Obj = Record<string, unknown>;

/**
 * The keywords of Gemini's Schema (an OpenAPI 3.0 subset): Gemini refuses any other field ("Unknown name"), so the rest
 * of a JSON schema (`$schema`, `additionalProperties`, `$ref`, `exclusiveMinimum`, `uniqueItems`…) is left out.
 * `default` and `examples` are left out too (descriptive only).
 */
const GEMINI_SCHEMA_KEYS: ReadonlySet<string> = new Set([
  'type',
  'format',
  'title',
  'description',
  'nullable',
  'enum',
  'maxItems',
  'minItems',
  'properties',
  'required',
  'minProperties',
  'maxProperties',
  'minLength',
  'maxLength',
  'pattern',
  'example',
  'anyOf',
  'propertyOrdering',
  'items',
  'minimum',
  'maximum',
]);

/**
 * A JSON schema as Gemini's Schema: a list of types (`["string","null"]`, what nullable fields are in JSON schema)
 * becomes its one type and `nullable` (several types: `anyOf` of each), a string `const` a one-value `enum`, `oneOf`
 * `anyOf`;
 * keywords Gemini's Schema has not are left out, at every depth.
 */
export function cleanSchema(s: unknown): unknown {
  if (Array.isArray(s)) return s.map(cleanSchema);
  if (!s || typeof s !== 'object') return s;
  const src = s as Obj;
  const out: Obj = {};
  for (const [k, v] of Object.entries(src)) {
    if (k === 'type' && Array.isArray(v)) {
      const types = v.filter((t): t is string => typeof t === 'string' && t !== 'null');
      if (types.length === 1) out.type = types[0];
      else if (types.length > 1 && !('anyOf' in src)) out.anyOf = types.map((type) => ({ type }));
      if (types.length < v.length) out.nullable = true;
      continue;
    }
    if (k === 'const') {
      // Gemini's enum holds strings (of a string type); another constant has no equivalent.
      if (typeof v === 'string' && !('enum' in src)) {
        out.enum = [v];
        if (!('type' in src)) out.type = 'string';
      }
      continue;
    }
    if (k === 'oneOf') {
      if (!('anyOf' in src) && Array.isArray(v)) out.anyOf = v.map(cleanSchema);
      continue;
    }
    if (!GEMINI_SCHEMA_KEYS.has(k)) continue;
    out[k] =
      k === 'properties' && v && typeof v === 'object'
        ? Object.fromEntries(Object.entries(v as Obj).map(([pk, pv]) => [pk, cleanSchema(pv)]))
        : k === 'items' || k === 'anyOf'
          ? cleanSchema(v)
          : v;
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

/**
 * Whether a Gemini API model thinks, and so takes a `thinkingConfig`: the models before 2.5 (1.0, 1.5, 2.0, with their
 * Flash-Lite and dated variants) and Gemma refuse one with a 400 ("thinking is not supported by this model",
 * "thinking_config is not supported"), except 2.0's experimental thinking models (`gemini-2.0-flash-thinking-exp`).
 * An id that names no version (`gemini-flash-latest`, a tuned model) is taken to think, as every current model does.
 */
export function geminiThinks(model: string): boolean {
  const id = model.toLowerCase();
  if (/(?:^|[/.-])gemma-/.test(id)) return false;
  const v = /gemini-(\d+)(?:\.(\d+))?/.exec(id);
  if (!v) return true;
  const version = Number(v[1]) + Number(v[2] ?? 0) / 10;
  return version >= 2.5 || id.includes('thinking');
}

/**
 * A request's reasoning the Gemini request (`out`, openaiChatToGeminiRequest's) left out, for
 * PreparedCall.changedParams in the client's terms (`param`): `left out` when an effort or budget was asked and no
 * thinkingConfig goes (a model that cannot think; none to 2.5 Pro, which cannot stop; a value Gemini has no form of).
 * Null when one goes, or none was asked of a model that does not think anyway.
 */
export function geminiThinkingChange(req: ReasoningPivot, out: Obj, param: string): string | null {
  const asked = req.reasoning_effort;
  if (asked == null && typeof req[THINKING_BUDGET] !== 'number') return null;
  const gc = out.generationConfig as Obj | undefined;
  if (gc?.thinkingConfig) return null;
  if (asked === 'none' && !geminiThinks(String(req.model ?? ''))) return null;
  return `${param}: left out`;
}

/** Gemini 3 and later (a model id may name its vendor or carry `models/`). */
const GEMINI_3 = /gemini-(?:[3-9]|\d{2,})/i;

/**
 * The signature Gemini documents for a function call it did not just make, or whose signature the history lost:
 * Gemini 3 refuses a model turn whose first function call has no `thoughtSignature` (400 "Function call is missing a
 * thought_signature"), and the signatures it gave never reach an OpenAI- or Anthropic-format client (their tool calls
 * have no field for one), so every tool loop's second turn failed. Each turn's first call carries this instead; the
 * model then goes on without the reasoning the real signature held.
 */
export const SKIP_THOUGHT_SIGNATURE = 'skip_thought_signature_validator';

/** OpenAI chat request -> Gemini GenerateContentRequest. */
export function openaiChatToGeminiRequest(req: OaChatRequest): Obj {
  const signs = GEMINI_3.test(String(req.model ?? ''));
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
      let first = true;
      for (const tc of m.tool_calls ?? []) {
        if (!tc.function) continue; // a custom tool call: Gemini has no equivalent
        callNames.set(tc.id, tc.function.name);
        parts.push({
          functionCall: { name: tc.function.name, args: parseToolArguments(tc.function.arguments) },
          ...(first && signs ? { thoughtSignature: SKIP_THOUGHT_SIGNATURE } : {}),
        });
        first = false;
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
  // An OpenAI-format client's reasoning effort, an Anthropic client's thinking budget (see geminiThinkingConfig), to a
  // model that thinks (the others refuse any thinkingConfig: the request is answered without).
  const thinking = geminiThinks(String(req.model ?? '')) ? geminiThinkingConfig(req) : null;
  if (thinking) gc.thinkingConfig = thinking;
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
