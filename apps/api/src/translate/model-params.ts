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
 * The body with the model's default parameters the client did not set itself, in the client's format; null when
 * there is nothing to add (the body goes as it came). A chat body's `max_completion_tokens` counts as its
 * `max_tokens`.
 */
export function withModelParams(
  endpoint: ProxyEndpoint,
  body: Readonly<Record<string, unknown>>,
  params: Params,
): Record<string, unknown> | null {
  const fields = FIELDS[endpoint];
  if (!fields) return null;
  let out: Record<string, unknown> | null = null;
  for (const [name, value] of Object.entries(params) as [keyof ModelParams, unknown][]) {
    const field = fields[name];
    if (!field || value === undefined) continue;
    if (body[field] !== undefined && body[field] !== null) continue;
    if (name === 'max_tokens' && endpoint === 'chat' && body.max_completion_tokens != null) continue;
    out ??= { ...body };
    out[field] = field === 'stop_sequences' && typeof value === 'string' ? [value] : value;
  }
  return out;
}
