import { describe, expect, it } from 'vitest';
import {
  ChatChunksToResponses,
  chatToResponsesResponse,
  flatToolName,
  responsesToChatRequest,
  responsesToolPlan,
} from './responses.js';
import type { OaChatResponse } from './wire-types.js';

describe('Responses tools on a chat upstream', () => {
  it.each([
    ['shell', undefined, 'shell'],
    ['spawn_agent', 'collaboration', 'collaboration__spawn_agent'],
    ['_search_emails', 'mcp__codex_apps__gmail', 'mcp__codex_apps__gmail___search_emails'],
  ])('names %s in %s as %s', (name, ns, flat) => {
    expect(flatToolName(name, ns)).toBe(flat);
  });

  it('shortens and cleans names that break the function-name rule, deterministically and distinctly', () => {
    const long = flatToolName('x'.repeat(80), 'mcp__server');
    expect(long).toMatch(/^[A-Za-z0-9_-]{1,64}$/);
    expect(flatToolName('x'.repeat(80), 'mcp__server')).toBe(long);
    expect(flatToolName('y'.repeat(80), 'mcp__server')).not.toBe(long);
    expect(flatToolName('read file', 'fs.tools')).toMatch(/^[A-Za-z0-9_-]{1,64}$/);
    expect(flatToolName('read file', 'fs.tools')).not.toBe(flatToolName('read_file', 'fs_tools'));
  });

  it('flattens namespaces, turns custom tools into one-string functions, drops built-ins once each', () => {
    const plan = responsesToolPlan({
      tools: [
        {
          type: 'namespace',
          name: 'ns',
          tools: [
            { type: 'function', name: 'a', parameters: { type: 'object' } },
            { type: 'custom', name: 'b' },
            { type: 'web_search' },
          ],
        },
        { type: 'web_search' },
        { type: 'web_search' },
        { type: 'file_search' },
        {
          type: 'custom',
          name: 'apply_patch',
          format: { type: 'grammar', syntax: 'lark', definition: 'start: X' },
        },
        null,
        'junk',
      ],
    });
    expect(plan.functions.map((f) => f.function.name)).toEqual(['ns__a', 'ns__b', 'apply_patch']);
    expect(plan.functions[2]!.function.parameters).toMatchObject({ required: ['input'] });
    expect(plan.functions[2]!.function.description).toContain('start: X');
    expect(plan.dropped).toEqual(['web_search', 'file_search']);
    expect(plan.identities.get('ns__b')).toEqual({ name: 'b', namespace: 'ns', custom: true });
  });

  it('maps tool_choice on a namespaced tool to its flattened function', () => {
    const chat = responsesToChatRequest({
      model: 'm',
      input: 'x',
      tools: [{ type: 'namespace', name: 'ns', tools: [{ type: 'function', name: 'a' }] }],
      tool_choice: { type: 'function', name: 'a', namespace: 'ns' },
    });
    expect(chat.tool_choice).toEqual({ type: 'function', function: { name: 'ns__a' } });
  });

  it('puts parallel tool outputs in the order of their calls', () => {
    const chat = responsesToChatRequest({
      model: 'm',
      input: [
        { type: 'message', role: 'user', content: 'run three' },
        { type: 'function_call', call_id: 'a', name: 'shell', arguments: '{}' },
        { type: 'function_call', call_id: 'b', name: 'shell', arguments: '{}' },
        { type: 'function_call', call_id: 'c', name: 'shell', arguments: '{}' },
        { type: 'function_call_output', call_id: 'c', output: 'C' },
        { type: 'function_call_output', call_id: 'zz', output: 'stray' },
        { type: 'function_call_output', call_id: 'a', output: 'A' },
        { type: 'function_call_output', call_id: 'b', output: 'B' },
        { type: 'message', role: 'user', content: 'next' },
      ],
    });
    expect(chat.messages.map((m) => (m.role === 'tool' ? `tool:${m.tool_call_id}` : m.role))).toEqual([
      'user',
      'assistant',
      'tool:a',
      'tool:b',
      'tool:c',
      'tool:zz',
      'user',
    ]);
  });

  const req = {
    model: 'm',
    input: 'x',
    tools: [
      { type: 'custom', name: 'apply_patch' },
      { type: 'namespace', name: 'ns', tools: [{ type: 'function', name: 'a' }] },
    ],
  };
  const chatAnswer: OaChatResponse = {
    id: 'chatcmpl-1',
    object: 'chat.completion',
    created: 1,
    model: 'm',
    choices: [
      {
        index: 0,
        finish_reason: 'tool_calls',
        logprobs: null,
        message: {
          role: 'assistant',
          content: null,
          tool_calls: [
            {
              id: 'c1',
              type: 'function',
              function: { name: 'apply_patch', arguments: '{"input":"*** Begin Patch"}' },
            },
            { id: 'c2', type: 'function', function: { name: 'ns__a', arguments: '{}' } },
          ],
        },
      },
    ],
  };

  it('answers custom tool calls as custom_tool_call and namespaced calls with their namespace', () => {
    const out = chatToResponsesResponse(chatAnswer, req).output as Record<string, unknown>[];
    expect(out[0]).toMatchObject({
      type: 'custom_tool_call',
      call_id: 'c1',
      name: 'apply_patch',
      input: '*** Begin Patch',
    });
    expect(out[1]).toMatchObject({
      type: 'function_call',
      call_id: 'c2',
      name: 'a',
      namespace: 'ns',
      arguments: '{}',
    });
  });

  it('streams a custom tool call whole at the end, with the input events', () => {
    const t = new ChatChunksToResponses('m', 'resp_x', 1, req);
    let text = t.push({
      id: 'x',
      object: 'chat.completion.chunk',
      created: 1,
      model: 'm',
      choices: [
        {
          index: 0,
          delta: {
            tool_calls: [
              { index: 0, id: 'c1', type: 'function', function: { name: 'apply_patch', arguments: '{"inp' } },
            ],
          },
          finish_reason: null,
        },
      ],
    });
    text += t.push({
      id: 'x',
      object: 'chat.completion.chunk',
      created: 1,
      model: 'm',
      choices: [
        {
          index: 0,
          delta: { tool_calls: [{ index: 0, function: { arguments: 'ut":"P"}' } }] },
          finish_reason: 'tool_calls',
        },
      ],
    });
    text += t.finishStream();
    const events = text
      .split('\n')
      .filter((l) => l.startsWith('data:'))
      .map((l) => JSON.parse(l.slice(5)) as Record<string, unknown>);
    expect(events.some((e) => e.type === 'response.function_call_arguments.delta')).toBe(false);
    expect(events.find((e) => e.type === 'response.custom_tool_call_input.done')).toMatchObject({
      input: 'P',
    });
    expect(events.find((e) => e.type === 'response.output_item.done')!.item).toMatchObject({
      type: 'custom_tool_call',
      name: 'apply_patch',
      input: 'P',
      status: 'completed',
    });
  });
});
