import { describe, expect, it } from 'vitest';
import {
  ANTHROPIC_TO_OPENAI_STOP,
  OPENAI_TO_ANTHROPIC_STOP,
  anthropicToOpenaiChatRequest,
  openaiToAnthropicResponse,
} from '../../translate/messages.js';
import type { AnRequest, OaChatRequest, OaChatResponse } from '../../translate/wire-types.js';
import { openaiChatToAnthropicRequest } from './request.js';
import { anthropicToOpenaiChatResponse } from './response.js';

const PNG = 'iVBORw0KGgo=';

describe('OpenAI chat request -> Anthropic messages request', () => {
  it('maps system, images, tool calls, tool results, stop, tool_choice and defaults max_tokens', () => {
    const req: OaChatRequest = {
      model: 'alias',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'developer', content: [{ type: 'text', text: 'Use metric.' }] },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is this?' },
            { type: 'image_url', image_url: { url: `data:image/png;base64,${PNG}` } },
            { type: 'image_url', image_url: { url: 'https://x/y.jpg' } },
          ],
        },
        {
          role: 'assistant',
          content: 'Checking.',
          tool_calls: [
            {
              id: 'call_1',
              type: 'function',
              function: { name: 'get_weather', arguments: '{"city":"Oslo"}' },
            },
          ],
        },
        { role: 'tool', tool_call_id: 'call_1', content: '{"temp":3}' },
        { role: 'user', content: 'Thanks' },
      ],
      tools: [
        {
          type: 'function',
          function: {
            name: 'get_weather',
            description: 'Weather',
            parameters: { type: 'object', properties: { city: { type: 'string' } } },
          },
        },
      ],
      tool_choice: 'required',
      parallel_tool_calls: false,
      stop: 'END',
      temperature: 1.6,
      user: 'u1',
      stream: true,
    };
    const an = openaiChatToAnthropicRequest(req, 'claude-x');
    expect(an).toEqual({
      model: 'claude-x',
      max_tokens: 4096,
      system: 'Be brief.\n\nUse metric.',
      stream: true,
      temperature: 1,
      stop_sequences: ['END'],
      metadata: { user_id: 'u1' },
      tools: [
        {
          name: 'get_weather',
          description: 'Weather',
          input_schema: { type: 'object', properties: { city: { type: 'string' } } },
        },
      ],
      tool_choice: { type: 'any', disable_parallel_tool_use: true },
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is this?' },
            { type: 'image', source: { type: 'base64', media_type: 'image/png', data: PNG } },
            { type: 'image', source: { type: 'url', url: 'https://x/y.jpg' } },
          ],
        },
        {
          role: 'assistant',
          content: [
            { type: 'text', text: 'Checking.' },
            { type: 'tool_use', id: 'call_1', name: 'get_weather', input: { city: 'Oslo' } },
          ],
        },
        {
          role: 'user',
          content: [
            { type: 'tool_result', tool_use_id: 'call_1', content: '{"temp":3}' },
            { type: 'text', text: 'Thanks' },
          ],
        },
      ],
    });
  });

  it('maps every tool_choice form and max_completion_tokens', () => {
    const base: OaChatRequest = {
      model: 'm',
      messages: [{ role: 'user', content: 'hi' }],
      tools: [{ type: 'function', function: { name: 'f' } }],
      max_completion_tokens: 99,
    };
    expect(openaiChatToAnthropicRequest({ ...base, tool_choice: 'auto' }).tool_choice).toEqual({
      type: 'auto',
    });
    expect(openaiChatToAnthropicRequest({ ...base, tool_choice: 'none' }).tool_choice).toEqual({
      type: 'none',
    });
    expect(
      openaiChatToAnthropicRequest({ ...base, tool_choice: { type: 'function', function: { name: 'f' } } })
        .tool_choice,
    ).toEqual({ type: 'tool', name: 'f' });
    expect(openaiChatToAnthropicRequest(base).max_tokens).toBe(99);
    expect(openaiChatToAnthropicRequest(base).tools?.[0]?.input_schema).toEqual({
      type: 'object',
      properties: {},
    });
  });
});

describe('Anthropic messages request -> OpenAI chat request', () => {
  it('maps system blocks, images, tool_use, tool_result (incl. errors) and tool_choice', () => {
    const req: AnRequest = {
      model: 'alias',
      max_tokens: 300,
      system: [
        { type: 'text', text: 'Sys A' },
        { type: 'text', text: ' B' },
      ],
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Look' },
            { type: 'image', source: { type: 'base64', media_type: 'image/jpeg', data: 'AAA' } },
          ],
        },
        {
          role: 'assistant',
          content: [
            { type: 'thinking', thinking: 'hmm' },
            { type: 'tool_use', id: 'toolu_1', name: 'f', input: { a: 1 } },
          ],
        },
        {
          role: 'user',
          content: [
            {
              type: 'tool_result',
              tool_use_id: 'toolu_1',
              content: [{ type: 'text', text: 'boom' }],
              is_error: true,
            },
            { type: 'text', text: 'and?' },
          ],
        },
      ],
      tools: [{ name: 'f', input_schema: { type: 'object' } }],
      tool_choice: { type: 'tool', name: 'f', disable_parallel_tool_use: true },
      stop_sequences: ['X'],
      metadata: { user_id: 'u' },
    };
    expect(anthropicToOpenaiChatRequest(req, 'gpt')).toEqual({
      model: 'gpt',
      max_completion_tokens: 300,
      stop: ['X'],
      user: 'u',
      tools: [{ type: 'function', function: { name: 'f', parameters: { type: 'object' } } }],
      tool_choice: { type: 'function', function: { name: 'f' } },
      parallel_tool_calls: false,
      messages: [
        { role: 'system', content: 'Sys A\n\n B' },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Look' },
            { type: 'image_url', image_url: { url: 'data:image/jpeg;base64,AAA' } },
          ],
        },
        {
          role: 'assistant',
          content: null,
          // The turn's thinking as its reasoning (the OpenAI-compatible adapter sends it only where it is taken).
          reasoning_content: 'hmm',
          tool_calls: [{ id: 'toolu_1', type: 'function', function: { name: 'f', arguments: '{"a":1}' } }],
        },
        { role: 'tool', tool_call_id: 'toolu_1', content: 'Error: boom' },
        { role: 'user', content: 'and?' },
      ],
    });
  });

  it('puts parallel tool results in the order of their calls (Claude Code sends them as they finish)', () => {
    const req: AnRequest = {
      model: 'm',
      max_tokens: 10,
      messages: [
        { role: 'user', content: 'read three files' },
        {
          role: 'assistant',
          content: [
            { type: 'tool_use', id: 'a', name: 'Read', input: { file_path: '/a' } },
            { type: 'tool_use', id: 'b', name: 'Read', input: { file_path: '/b' } },
            { type: 'tool_use', id: 'c', name: 'Read', input: { file_path: '/c' } },
          ],
        },
        {
          role: 'user',
          content: [
            { type: 'tool_result', tool_use_id: 'c', content: 'C' },
            { type: 'tool_result', tool_use_id: 'zz', content: 'stray' },
            { type: 'tool_result', tool_use_id: 'a', content: 'A' },
            { type: 'text', text: 'go on' },
            { type: 'tool_result', tool_use_id: 'b', content: 'B' },
          ],
        },
      ],
    };
    const msgs = anthropicToOpenaiChatRequest(req).messages;
    expect(msgs.slice(2).map((m) => [m.role, m.role === 'tool' ? m.tool_call_id : m.content])).toEqual([
      ['tool', 'a'],
      ['tool', 'b'],
      ['tool', 'c'],
      ['tool', 'zz'],
      ['user', 'go on'],
    ]);
  });

  it('round-trips a tool conversation OpenAI -> Anthropic -> OpenAI', () => {
    const req: OaChatRequest = {
      model: 'm',
      max_completion_tokens: 10,
      messages: [
        { role: 'system', content: 'S' },
        { role: 'user', content: 'weather?' },
        {
          role: 'assistant',
          content: null,
          tool_calls: [{ id: 'c1', type: 'function', function: { name: 'w', arguments: '{"x":1}' } }],
        },
        { role: 'tool', tool_call_id: 'c1', content: 'sunny' },
      ],
    };
    expect(anthropicToOpenaiChatRequest(openaiChatToAnthropicRequest(req))).toEqual(req);
  });
});

describe('responses and stop reasons', () => {
  it('has a stop reason table both ways', () => {
    expect(ANTHROPIC_TO_OPENAI_STOP).toEqual({
      end_turn: 'stop',
      stop_sequence: 'stop',
      pause_turn: 'stop',
      max_tokens: 'length',
      model_context_window_exceeded: 'length',
      tool_use: 'tool_calls',
      refusal: 'content_filter',
    });
    expect(OPENAI_TO_ANTHROPIC_STOP).toEqual({
      stop: 'end_turn',
      length: 'max_tokens',
      tool_calls: 'tool_use',
      function_call: 'tool_use',
      content_filter: 'refusal',
    });
  });

  it('converts an Anthropic response with text + tool_use and cache usage to OpenAI', () => {
    const oa = anthropicToOpenaiChatResponse(
      {
        id: 'msg_abc',
        type: 'message',
        role: 'assistant',
        model: 'claude',
        stop_reason: 'tool_use',
        stop_sequence: null,
        content: [
          { type: 'text', text: 'Let me check.' },
          { type: 'tool_use', id: 'toolu_9', name: 'w', input: { c: 'Oslo' } },
        ],
        usage: {
          input_tokens: 10,
          output_tokens: 7,
          cache_read_input_tokens: 90,
          cache_creation_input_tokens: 0,
        },
      },
      1000,
    );
    expect(oa).toEqual({
      id: 'chatcmpl-abc',
      object: 'chat.completion',
      created: 1000,
      model: 'claude',
      choices: [
        {
          index: 0,
          finish_reason: 'tool_calls',
          logprobs: null,
          message: {
            role: 'assistant',
            content: 'Let me check.',
            tool_calls: [
              { id: 'toolu_9', type: 'function', function: { name: 'w', arguments: '{"c":"Oslo"}' } },
            ],
          },
        },
      ],
      usage: {
        prompt_tokens: 100,
        completion_tokens: 7,
        total_tokens: 107,
        prompt_tokens_details: { cached_tokens: 90 },
      },
    });
  });

  it('converts an OpenAI response to Anthropic (length -> max_tokens, cached tokens split out)', () => {
    const res: OaChatResponse = {
      id: 'chatcmpl-1',
      object: 'chat.completion',
      created: 1,
      model: 'gpt',
      choices: [{ index: 0, message: { role: 'assistant', content: 'cut' }, finish_reason: 'length' }],
      usage: {
        prompt_tokens: 50,
        completion_tokens: 5,
        total_tokens: 55,
        prompt_tokens_details: { cached_tokens: 20 },
      },
    };
    expect(openaiToAnthropicResponse(res)).toEqual({
      id: 'msg_1',
      type: 'message',
      role: 'assistant',
      model: 'gpt',
      content: [{ type: 'text', text: 'cut' }],
      stop_reason: 'max_tokens',
      stop_sequence: null,
      usage: {
        input_tokens: 30,
        output_tokens: 5,
        cache_read_input_tokens: 20,
        cache_creation_input_tokens: 0,
      },
    });
  });
});
