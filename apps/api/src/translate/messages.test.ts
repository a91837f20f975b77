import { describe, expect, it } from 'vitest';
import { getAdapter } from '../providers/index.js';
import type { CallContext, ClientEndpoint, ProviderRuntime } from '../providers/index.js';
import type { OaChatRequest } from './wire-types.js';

function provider(type: string): ProviderRuntime {
  return { id: `p-${type}`, slug: type, type, baseUrl: 'http://upstream.invalid/v1', config: {} };
}

function ctx(
  p: ProviderRuntime,
  endpoint: ClientEndpoint,
  body: Record<string, unknown>,
  model: string,
): CallContext {
  return {
    endpoint,
    provider: p,
    upstreamModel: model,
    apiKey: 'sk-test',
    rawBody: Buffer.from(JSON.stringify(body)),
    body,
    stream: body.stream === true,
    now: 1_700_000_000_000,
  };
}

/** The chat body the adapter would send upstream for this client request. */
async function upstreamBody(
  type: string,
  endpoint: ClientEndpoint,
  body: Record<string, unknown>,
  model: string,
): Promise<OaChatRequest> {
  const call = await getAdapter(type).prepare(ctx(provider(type), endpoint, body, model));
  if (call.transport.kind !== 'http') throw new Error('expected http');
  expect(call.transport.request.url).toMatch(/\/chat\/completions(\?|$)/);
  return JSON.parse(String(call.transport.request.body)) as OaChatRequest;
}

describe('Anthropic messages -> OpenAI chat', () => {
  // OpenAI: `max_tokens` is deprecated and rejected by the reasoning models (o1, o3, o4-mini, gpt-5…: "Unsupported
  // parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead.");
  // `max_completion_tokens` is accepted by every chat model. Other OpenAI-compatible vendors document `max_tokens`.
  it.each([
    ['messages', { model: 'a', max_tokens: 1000, messages: [{ role: 'user', content: 'hi' }] }],
    ['responses', { model: 'a', max_output_tokens: 1000, input: 'hi' }],
  ] as const)('caps a %s request with max_completion_tokens for OpenAI', async (endpoint, body) => {
    const p = { ...provider('openai'), config: { responsesApi: false } };
    const call = await getAdapter('openai').prepare(ctx(p, endpoint, { ...body }, 'gpt-5-mini'));
    if (call.transport.kind !== 'http') throw new Error('expected http');
    const sent = JSON.parse(String(call.transport.request.body)) as OaChatRequest;
    expect(sent.max_completion_tokens).toBe(1000);
    expect(sent.max_tokens).toBeUndefined();
    // Azure OpenAI (same API, api-version 2024-10-21 takes it) likewise.
    const az = await upstreamBody('azure-openai', endpoint, { ...body }, 'o3');
    expect(az.max_completion_tokens).toBe(1000);
    expect(az.max_tokens).toBeUndefined();
    // Vendors that document only max_tokens keep getting max_tokens.
    const mi = await upstreamBody('mistral', endpoint, { ...body }, 'mistral-small');
    expect(mi.max_tokens).toBe(1000);
    expect(mi.max_completion_tokens).toBeUndefined();
  });
});
