import { describe, expect, it } from 'vitest';
import { anthropicToOpenaiChatRequest } from '../../translate/messages.js';
import type { AnRequest, OaChatRequest } from '../../translate/wire-types.js';
import { openaiChatToConverseRequest } from './request.js';

type Obj = Record<string, unknown>;

const weather = {
  type: 'function' as const,
  function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } },
};

/** A conversation whose history holds a tool call and its result, then a follow-up question. */
function withToolHistory(extra: Partial<OaChatRequest>): OaChatRequest {
  return {
    model: 'm',
    messages: [
      { role: 'user', content: 'Weather in Oslo?' },
      {
        role: 'assistant',
        content: null,
        tool_calls: [
          { id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Oslo"}' } },
        ],
      },
      { role: 'tool', tool_call_id: 'call_1', content: '12°C' },
      { role: 'user', content: 'Summarise that without calling anything.' },
    ],
    tools: [weather],
    ...extra,
  };
}

describe('Converse request: tool_choice "none"', () => {
  // Converse has no "none" tool choice, and it rejects a request whose messages hold toolUse / toolResult blocks
  // without a toolConfig ("The toolConfig field must be defined when using toolUse and toolResult content blocks").
  it('keeps the tools when the history holds tool calls (no tool choice: the model decides)', () => {
    const out = openaiChatToConverseRequest(withToolHistory({ tool_choice: 'none' }));
    const msgs = out.messages as Array<{ content: Obj[] }>;
    expect(msgs.some((m) => m.content.some((b) => 'toolUse' in b))).toBe(true);
    expect(out.toolConfig).toEqual({
      tools: [
        {
          toolSpec: {
            name: 'get_weather',
            inputSchema: { json: weather.function.parameters },
          },
        },
      ],
    });
  });

  it('from an Anthropic client (tool_choice {type:"none"}) likewise', () => {
    const an: AnRequest = {
      model: 'claude',
      max_tokens: 100,
      tool_choice: { type: 'none' },
      tools: [{ name: 'get_weather', input_schema: { type: 'object', properties: {} } }],
      messages: [
        { role: 'user', content: 'Weather in Oslo?' },
        { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: {} }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: '12°C' }] },
      ],
    } as AnRequest;
    const out = openaiChatToConverseRequest(anthropicToOpenaiChatRequest(an));
    expect((out.toolConfig as { tools: unknown[] } | undefined)?.tools).toHaveLength(1);
  });

  it('still sends no tools when the history holds none', () => {
    const out = openaiChatToConverseRequest({
      model: 'm',
      messages: [{ role: 'user', content: 'Hi' }],
      tools: [weather],
      tool_choice: 'none',
    });
    expect(out.toolConfig).toBeUndefined();
  });
});

describe('Converse request: tool history and no tools in this turn', () => {
  // Converse requires a toolConfig whenever the messages hold toolUse / toolResult blocks.
  it('an empty tools list: the tools the history called, taking any input', () => {
    const out = openaiChatToConverseRequest(withToolHistory({ tools: [] }));
    expect(out.toolConfig).toEqual({
      tools: [
        {
          toolSpec: {
            name: 'get_weather',
            description: 'Not available in this turn.',
            inputSchema: { json: { type: 'object', properties: {} } },
          },
        },
      ],
    });
  });

  it('tool results whose calls are not in the history: a placeholder tool keeps the toolConfig valid', () => {
    const out = openaiChatToConverseRequest({
      model: 'm',
      messages: [
        { role: 'user', content: 'Go on.' },
        { role: 'tool', tool_call_id: 'call_9', content: 'done' },
      ],
    });
    const tools = (out.toolConfig as { tools: Array<{ toolSpec: Obj }> }).tools;
    expect(tools.map((t) => t.toolSpec.name)).toEqual(['unavailable_tool']);
  });
});

describe('Converse request: sampling parameters', () => {
  const ask = (model: string) =>
    openaiChatToConverseRequest({
      model,
      messages: [{ role: 'user', content: 'Hi' }],
      temperature: 0.4,
      top_p: 0.9,
    }).inferenceConfig;

  // Claude models from Opus 4.1 and Sonnet 4.5 on refuse temperature and topP together, on Bedrock as on Anthropic.
  it('a Claude model gets temperature only when both are asked', () => {
    expect(ask('us.anthropic.claude-sonnet-4-5-20250929-v1:0')).toEqual({ temperature: 0.4 });
    expect(ask('anthropic.claude-opus-4-1-20250805-v1:0')).toEqual({ temperature: 0.4 });
  });

  it('other models get both', () => {
    expect(ask('meta.llama3-1-70b-instruct-v1:0')).toEqual({ temperature: 0.4, topP: 0.9 });
  });
});
