import { modelParamsField, type Endpoint, type ModelParams } from '@switchyard/core';

/** The proxy's endpoints (core's, and the models list). */
type ProxyEndpoint = Endpoint | 'models';

type Params = Readonly<ModelParams>;

/**
 * Where each default parameter goes in a client's format (the body the adapter translates from): the field's name,
 * or null when the format has none (not sent). `stop` becomes a list on Anthropic messages.
 */
const FIELDS: Partial<Record<ProxyEndpoint, Partial<Record<keyof ModelParams, string>>>> = {
  chat: {
    temperature: 'temperature',
    top_p: 'top_p',
    max_tokens: 'max_tokens',
    stop: 'stop',
    seed: 'seed',
    presence_penalty: 'presence_penalty',
    frequency_penalty: 'frequency_penalty',
  },
  messages: {
    temperature: 'temperature',
    top_p: 'top_p',
    top_k: 'top_k',
    max_tokens: 'max_tokens',
    stop: 'stop_sequences',
  },
  responses: { temperature: 'temperature', top_p: 'top_p', max_tokens: 'max_output_tokens' },
};

/** A model's stored parameters read back (anything that is not a valid set is none: never applied half-way). */
export function readModelParams(stored: unknown): Params | null {
  const r = modelParamsField.safeParse(stored ?? {});
  return r.success && Object.keys(r.data).length > 0 ? r.data : null;
}

/**
 * What the target makes of the parameters, where that changes how a default is added (providers' `paramsTarget`).
 */
export interface ParamsTarget {
  /**
   * It takes one of `temperature` and `top_p`, not both (Claude: Anthropic's API, Claude on Bedrock). A default for
   * one is not added beside the other the client set (that would displace the client's choice, or be refused); when
   * the defaults hold both and the client set neither, `temperature` goes alone.
   */
  oneSampler?: boolean;
  /** A chat body's default output cap goes in this field (OpenAI's reasoning models refuse `max_tokens`). */
  chatCap?: 'max_tokens' | 'max_completion_tokens';
  /**
   * It refuses a `temperature` or `top_p` but the default (OpenAI's reasoning models: a 400 "Only the default (1)
   * value is supported"), and the presence and frequency penalties ("Unsupported parameter"): a default for any of
   * them is not added, as the target would refuse every request. Except with reasoning effort "none" asked
   * (GPT-5.1 on then take them). A client's own value goes as it sent it.
   */
  defaultSamplingOnly?: boolean;
}

/** The defaults an OpenAI reasoning model refuses (see `defaultSamplingOnly`). */
const REASONING_REFUSES: ReadonlySet<keyof ModelParams> = new Set([
  'temperature',
  'top_p',
  'presence_penalty',
  'frequency_penalty',
]);

/** The request asks for no reasoning (chat `reasoning_effort`, Responses `reasoning.effort`). */
function noReasoning(body: Readonly<Record<string, unknown>>): boolean {
  const reasoning = body.reasoning;
  const effort =
    body.reasoning_effort ??
    (reasoning && typeof reasoning === 'object' ? (reasoning as Record<string, unknown>).effort : undefined);
  return effort === 'none';
}

/**
 * The body with the model's default parameters the client did not set itself, in the client's format; null when
 * there is nothing to add (the body goes as it came). A chat body's `max_completion_tokens` counts as its
 * `max_tokens`. A default never displaces a parameter the client set (see ParamsTarget.oneSampler).
 */
export function withModelParams(
  endpoint: ProxyEndpoint,
  body: Readonly<Record<string, unknown>>,
  params: Params,
  target: ParamsTarget = {},
): Record<string, unknown> | null {
  const fields = FIELDS[endpoint];
  if (!fields) return null;
  const isSet = (field: string | undefined) =>
    field !== undefined && body[field] !== undefined && body[field] !== null;
  const samplersRefused = target.defaultSamplingOnly === true && !noReasoning(body);
  let out: Record<string, unknown> | null = null;
  for (const [name, value] of Object.entries(params) as [keyof ModelParams, unknown][]) {
    let field = fields[name];
    if (!field || value === undefined) continue;
    if (isSet(field)) continue;
    if (samplersRefused && REASONING_REFUSES.has(name)) continue;
    if (name === 'max_tokens' && endpoint === 'chat') {
      if (body.max_completion_tokens != null) continue;
      if (target.chatCap) field = target.chatCap;
    }
    if (target.oneSampler) {
      if (name === 'temperature' && isSet(fields.top_p)) continue;
      if (name === 'top_p' && (isSet(fields.temperature) || params.temperature !== undefined)) continue;
    }
    out ??= { ...body };
    out[field] = field === 'stop_sequences' && typeof value === 'string' ? [value] : value;
  }
  return out;
}
