import { describe, expect, it } from 'vitest';
import { PipelineStreamTranslator } from '../test/pipeline.js';
import { SseParser, sseJson } from './sse.js';

const chunk = (delta: Record<string, unknown>, finish: string | null = null) =>
  sseJson({
    id: 'chatcmpl-1',
    object: 'chat.completion.chunk',
    created: 1,
    model: 'gpt-x',
    choices: [{ index: 0, delta, finish_reason: finish }],
  });

describe('Responses client, chat upstream stream', () => {
  // Responses API: `output` is an ordered list of items; text the model writes after a function call is a further
  // `message` output item (its own id, output_index, output_item.added … output_item.done), as the API streams it.
  it('keeps text that comes after a tool call as a new message item', () => {
    const input =
      chunk({ role: 'assistant', content: 'Let me check. ' }) +
      chunk({
        tool_calls: [{ index: 0, id: 'call_1', type: 'function', function: { name: 'ls', arguments: '{}' } }],
      }) +
      chunk({ content: 'Running it now.' }) +
      chunk({}, 'tool_calls') +
      'data: [DONE]\n\n';
    const t = new PipelineStreamTranslator({
      client: 'responses',
      upstream: 'openai',
      model: 'gpt-x',
      created: 1,
    });
    const raw = String(t.push(Buffer.from(input))) + t.end();
    const p = new SseParser();
    const events = [...p.push(raw), ...p.end()].map((e) => JSON.parse(e.data) as Record<string, unknown>);
    const done = events.find((e) => e.type === 'response.completed')!;
    const output = (done.response as { output: Array<Record<string, unknown>> }).output;
    expect(output.map((o) => o.type)).toEqual(['message', 'function_call', 'message']);
    const texts = output
      .filter((o) => o.type === 'message')
      .map((o) => (o.content as Array<{ text: string }>)[0]!.text);
    expect(texts).toEqual(['Let me check. ', 'Running it now.']);
    expect(output[0]!.id).not.toBe(output[2]!.id);
    const deltas = events.filter((e) => e.type === 'response.output_text.delta');
    expect(deltas.map((e) => [e.output_index, e.delta])).toEqual([
      [0, 'Let me check. '],
      [2, 'Running it now.'],
    ]);
    const added = events.filter((e) => e.type === 'response.output_item.added').map((e) => e.output_index);
    const closed = events.filter((e) => e.type === 'response.output_item.done').map((e) => e.output_index);
    expect(added).toEqual([0, 1, 2]);
    expect([...closed].sort()).toEqual([0, 1, 2]);
  });
});
