import { describe, expect, it } from 'vitest';
import { PipelineStreamTranslator } from '../../test/pipeline.js';
import { anthropicWebSearchFor } from './request.js';

describe("Anthropic's web search as the equivalent of a Responses web_search tool", () => {
  it('maps the tool with its allowed domains and approximate location; none when the request has no web search', () => {
    expect(anthropicWebSearchFor({ tools: [{ type: 'function', name: 'f' }] })).toBeNull();
    expect(anthropicWebSearchFor({ tools: [{ type: 'web_search_preview' }] })).toEqual({
      type: 'web_search_20250305',
      name: 'web_search',
    });
    expect(
      anthropicWebSearchFor({
        tools: [
          {
            type: 'web_search',
            filters: { allowed_domains: ['a.example', 7] },
            user_location: { type: 'approximate', city: 'Oslo', country: 'NO', extra: 1 },
          },
        ],
      }),
    ).toEqual({
      type: 'web_search_20250305',
      name: 'web_search',
      allowed_domains: ['a.example'],
      user_location: { type: 'approximate', city: 'Oslo', country: 'NO' },
    });
  });

  it("a streamed answer with Anthropic's server tool blocks reaches a Responses client as its text, with no tool call", () => {
    const t = new PipelineStreamTranslator({
      client: 'responses',
      upstream: 'anthropic',
      model: 'm',
      clientRequest: { model: 'm', input: 'x', tools: [{ type: 'web_search' }] },
    });
    const ev = (type: string, data: Record<string, unknown>) =>
      `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;
    const sse =
      ev('message_start', {
        message: {
          id: 'msg_1',
          type: 'message',
          role: 'assistant',
          model: 'm',
          content: [],
          usage: { input_tokens: 5, output_tokens: 0 },
        },
      }) +
      ev('content_block_start', {
        index: 0,
        content_block: { type: 'server_tool_use', id: 'srvtoolu_1', name: 'web_search', input: {} },
      }) +
      ev('content_block_delta', {
        index: 0,
        delta: { type: 'input_json_delta', partial_json: '{"query":"docs"}' },
      }) +
      ev('content_block_stop', { index: 0 }) +
      ev('content_block_start', {
        index: 1,
        content_block: {
          type: 'web_search_tool_result',
          tool_use_id: 'srvtoolu_1',
          content: [{ type: 'web_search_result', url: 'https://a.example', title: 'A' }],
        },
      }) +
      ev('content_block_stop', { index: 1 }) +
      ev('content_block_start', { index: 2, content_block: { type: 'text', text: '' } }) +
      ev('content_block_delta', { index: 2, delta: { type: 'text_delta', text: 'Found it.' } }) +
      ev('content_block_delta', {
        index: 2,
        delta: {
          type: 'citations_delta',
          citation: { type: 'web_search_result_location', url: 'https://a.example' },
        },
      }) +
      ev('content_block_stop', { index: 2 }) +
      ev('message_delta', { delta: { stop_reason: 'end_turn' }, usage: { output_tokens: 9 } }) +
      ev('message_stop', {});
    const out = String(t.push(Buffer.from(sse))) + t.end();
    expect(t.fault).toBeNull();
    expect(out).toContain('"delta":"Found it."');
    expect(out).toContain('response.completed');
    expect(out).not.toContain('function_call');
  });
});
