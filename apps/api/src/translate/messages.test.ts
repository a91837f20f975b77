import { describe, expect, it } from 'vitest';
import { getAdapter } from '../providers/index.js';
import type { CallContext, ClientEndpoint, ProviderRuntime } from '../providers/index.js';
import { anthropicToOpenaiChatRequest } from './messages.js';
import type { AnRequest, OaChatRequest } from './wire-types.js';

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

const PNG = { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' } as const;

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

  // OpenAI's reasoning models refuse `max_tokens` wherever they are reached: behind a custom base URL (a corporate
  // proxy, a private endpoint in front of OpenAI) the provider type says nothing, the model id does. OpenRouter
  // documents `max_tokens` and maps it for each upstream itself; other models keep `max_tokens`.
  it.each([
    ['custom', 'o3-mini', 'max_completion_tokens'],
    ['custom', 'o1', 'max_completion_tokens'],
    ['custom', 'o4-mini-2025-04-16', 'max_completion_tokens'],
    ['custom', 'gpt-5', 'max_completion_tokens'],
    ['custom', 'gpt-5.1-chat-latest', 'max_completion_tokens'],
    ['custom', 'openai/o3', 'max_completion_tokens'],
    ['custom', 'O3-Pro', 'max_completion_tokens'],
    ['custom', 'llama-3.1-70b', 'max_tokens'],
    ['custom', 'gpt-4o-mini', 'max_tokens'],
    ['custom', 'openai/gpt-oss-120b', 'max_tokens'],
    ['custom', 'olmo-2', 'max_tokens'],
    ['groq', 'openai/gpt-oss-20b', 'max_tokens'],
    ['openrouter', 'openai/o3', 'max_tokens'],
  ] as const)('caps a translated request to %s %s with %s', async (type, model, field) => {
    for (const body of [
      { model: 'a', max_tokens: 1000, messages: [{ role: 'user', content: 'hi' }] },
      { model: 'a', max_output_tokens: 1000, input: 'hi' },
    ]) {
      const sent = (await upstreamBody(
        type,
        'max_tokens' in body ? 'messages' : 'responses',
        body,
        model,
      )) as Record<string, unknown>;
      expect(sent[field]).toBe(1000);
      expect(Object.keys(sent).filter((k) => /^max_/.test(k))).toEqual([field]);
    }
  });

  // OpenAI chat: a `role:"tool"` message's content is a string or an array of *text* parts only (images are
  // user-message content parts). Anthropic allows text and image blocks inside tool_result content.
  it('sends a tool result image to OpenAI in a user message after the tool message', async () => {
    const body: AnRequest = {
      model: 'a',
      max_tokens: 100,
      messages: [
        { role: 'user', content: 'look at shot.png' },
        {
          role: 'assistant',
          content: [{ type: 'tool_use', id: 'toolu_1', name: 'Read', input: { file_path: 'shot.png' } }],
        },
        {
          role: 'user',
          content: [
            {
              type: 'tool_result',
              tool_use_id: 'toolu_1',
              content: [
                { type: 'text', text: 'shot.png' },
                { type: 'image', source: PNG },
              ],
            },
            { type: 'text', text: 'what is in it?' },
          ],
        },
      ],
    };
    const sent = await upstreamBody(
      'openai',
      'messages',
      body as unknown as Record<string, unknown>,
      'gpt-4o',
    );
    const msgs = sent.messages;
    const tool = msgs.find((m) => m.role === 'tool')!;
    const parts = typeof tool.content === 'string' ? [{ type: 'text', text: tool.content }] : tool.content!;
    expect(parts.every((p) => p.type === 'text')).toBe(true);
    expect(JSON.stringify(parts)).toContain('shot.png');
    expect(JSON.stringify(parts)).toMatch(/image/i);
    const i = msgs.indexOf(tool);
    const next = msgs[i + 1]!;
    expect(next.role).toBe('user');
    expect(next.content).toContainEqual({
      type: 'image_url',
      image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' },
    });
    // The user's own text still follows.
    expect(JSON.stringify(msgs.slice(i + 1))).toContain('what is in it?');
    // Only tool messages follow the assistant's tool calls until the user turn.
    expect(msgs[i - 1]!.role).toBe('assistant');
  });

  // OpenAI chat: `tools`, when present, must be a non-empty array ("[] is too short"), and `tool_choice` is only
  // allowed when tools are given. Anthropic server tools (web_search_20250305, …) have no chat equivalent.
  it('leaves tools and tool_choice out when only server tools were sent', () => {
    const req = {
      model: 'a',
      max_tokens: 100,
      messages: [{ role: 'user', content: 'search the web for x' }],
      tools: [{ type: 'web_search_20250305', name: 'web_search', max_uses: 8 }],
      tool_choice: { type: 'auto' },
    } as unknown as AnRequest;
    const out = anthropicToOpenaiChatRequest(req, 'gpt-4o');
    expect(out).not.toHaveProperty('tools');
    expect(out).not.toHaveProperty('tool_choice');
    expect(out).not.toHaveProperty('parallel_tool_calls');
  });
});
