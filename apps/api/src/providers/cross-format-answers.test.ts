/**
 * Answers translated between formats: what the client's SDK reads to decide what to do next (the stop reason, the
 * text) survives the translation.
 */
import { describe, expect, it } from 'vitest';
import { PipelineStreamTranslator, decodeResponse } from '../test/pipeline.js';
import type { PipelineOptions } from '../test/pipeline.js';
import { SseParser, sseJson } from '../translate/sse.js';

type Obj = Record<string, unknown>;

function stream(opts: PipelineOptions, input: string) {
  const t = new PipelineStreamTranslator(opts);
  let out = '';
  const r = t.push(Buffer.from(input));
  out += typeof r === 'string' ? r : r.toString();
  out += t.end();
  const p = new SseParser();
  const events = [...p.push(out), ...p.end()].map((e) => ({
    event: e.event,
    data: JSON.parse(e.data) as Obj,
  }));
  return { t, events };
}

const chunk = { id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 1, model: 'gpt-x' };

describe('an OpenAI answer with tool calls that says finish_reason "stop", to an Anthropic client', () => {
  // OpenAI answers a forced tool choice (tool_choice "required" or a named function: what an Anthropic tool_choice
  // "any" / "tool" becomes) with finish_reason "stop" and the calls in message.tool_calls. Anthropic clients (the
  // SDK's tool runner, Claude Code) run tools only on stop_reason "tool_use".
  const calls = [
    { id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Oslo"}' } },
  ];

  it('a whole answer stops with tool_use', () => {
    const body = {
      id: 'chatcmpl-1',
      object: 'chat.completion',
      created: 1,
      model: 'gpt-x',
      choices: [
        { index: 0, message: { role: 'assistant', content: null, tool_calls: calls }, finish_reason: 'stop' },
      ],
      usage: { prompt_tokens: 5, completion_tokens: 3, total_tokens: 8 },
    };
    const d = decodeResponse(
      { client: 'messages', upstream: 'openai', model: 'm' },
      Buffer.from(JSON.stringify(body)),
    );
    const an = JSON.parse(String(d.body)) as Obj;
    expect(an.stop_reason).toBe('tool_use');
    expect(an.content).toEqual([
      { type: 'tool_use', id: 'call_1', name: 'get_weather', input: { city: 'Oslo' } },
    ]);
    expect(d.finishReason).toBe('tool_use');
  });

  it('a streamed answer stops with tool_use', () => {
    const input = [
      sseJson({
        ...chunk,
        choices: [{ index: 0, delta: { role: 'assistant', content: null }, finish_reason: null }],
      }),
      sseJson({
        ...chunk,
        choices: [
          {
            index: 0,
            delta: {
              tool_calls: [{ index: 0, ...calls[0], function: { name: 'get_weather', arguments: '' } }],
            },
            finish_reason: null,
          },
        ],
      }),
      sseJson({
        ...chunk,
        choices: [
          {
            index: 0,
            delta: { tool_calls: [{ index: 0, function: { arguments: '{"city":"Oslo"}' } }] },
            finish_reason: null,
          },
        ],
      }),
      sseJson({ ...chunk, choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] }),
      'data: [DONE]\n\n',
    ].join('');
    const { t, events } = stream({ client: 'messages', upstream: 'openai', model: 'm' }, input);
    const delta = events.find((e) => e.event === 'message_delta')!.data;
    expect(delta.delta).toMatchObject({ stop_reason: 'tool_use' });
    expect(t.finishReason).toBe('tool_use');
  });

  it('a call that comes in the finishing chunk itself still stops with tool_use', () => {
    const input = [
      sseJson({
        ...chunk,
        choices: [
          {
            index: 0,
            delta: { role: 'assistant', tool_calls: [{ index: 0, ...calls[0] }] },
            finish_reason: 'stop',
          },
        ],
      }),
      'data: [DONE]\n\n',
    ].join('');
    const { t, events } = stream({ client: 'messages', upstream: 'openai', model: 'm' }, input);
    expect(events.find((e) => e.event === 'message_delta')!.data.delta).toMatchObject({
      stop_reason: 'tool_use',
    });
    expect(t.finishReason).toBe('tool_use');
  });

  it('text alone with finish_reason "stop" still ends the turn', () => {
    const body = {
      id: 'chatcmpl-2',
      choices: [{ index: 0, message: { role: 'assistant', content: 'Hi' }, finish_reason: 'stop' }],
    };
    const d = decodeResponse(
      { client: 'messages', upstream: 'openai', model: 'm' },
      Buffer.from(JSON.stringify(body)),
    );
    expect((JSON.parse(String(d.body)) as Obj).stop_reason).toBe('end_turn');
  });
});

describe('a turn cut by the context window, to an OpenAI-format client', () => {
  // Anthropic's newer models (and Bedrock Converse) stop with model_context_window_exceeded when the output ran into
  // the context window: a cut answer, what OpenAI clients know as finish_reason "length", not a finished one.
  it('an Anthropic answer finishes with length, whole and streamed', () => {
    const body = {
      id: 'msg_1',
      type: 'message',
      role: 'assistant',
      model: 'claude-x',
      content: [{ type: 'text', text: 'Part' }],
      stop_reason: 'model_context_window_exceeded',
      stop_sequence: null,
      usage: { input_tokens: 5, output_tokens: 1 },
    };
    const d = decodeResponse(
      { client: 'chat', upstream: 'anthropic', model: 'm' },
      Buffer.from(JSON.stringify(body)),
    );
    expect((JSON.parse(String(d.body)) as { choices: Obj[] }).choices[0]!.finish_reason).toBe('length');
    expect(d.finishReason).toBe('length');

    const input = [
      sseJson(
        { type: 'message_start', message: { ...body, content: [], stop_reason: null } },
        'message_start',
      ),
      sseJson(
        { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
        'content_block_start',
      ),
      sseJson(
        { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Part' } },
        'content_block_delta',
      ),
      sseJson({ type: 'content_block_stop', index: 0 }, 'content_block_stop'),
      sseJson(
        {
          type: 'message_delta',
          delta: { stop_reason: 'model_context_window_exceeded' },
          usage: { output_tokens: 1 },
        },
        'message_delta',
      ),
      sseJson({ type: 'message_stop' }, 'message_stop'),
    ].join('');
    const t = new PipelineStreamTranslator({ client: 'chat', upstream: 'anthropic', model: 'm' });
    const out = String(t.push(Buffer.from(input))) + t.end();
    const finishes = [...new SseParser().push(out)]
      .filter((e) => e.data !== '[DONE]')
      .map((e) => (JSON.parse(e.data) as { choices: Obj[] }).choices[0]?.finish_reason)
      .filter(Boolean);
    expect(finishes).toEqual(['length']);
    expect(t.finishReason).toBe('length');
  });

  it('a Bedrock Converse answer finishes with length', () => {
    const body = {
      output: { message: { role: 'assistant', content: [{ text: 'Part' }] } },
      stopReason: 'model_context_window_exceeded',
      usage: { inputTokens: 5, outputTokens: 1 },
    };
    const d = decodeResponse(
      { client: 'chat', upstream: 'bedrock', model: 'm' },
      Buffer.from(JSON.stringify(body)),
    );
    expect((JSON.parse(String(d.body)) as { choices: Obj[] }).choices[0]!.finish_reason).toBe('length');
  });
});

describe('an OpenAI-compatible answer whose content is a list of parts', () => {
  // Some OpenAI-compatible servers (Mistral's reasoning models among them) answer with message.content as a list of
  // parts, [{type:"text",text}] (and parts that are not the answer, such as their thinking), streamed likewise as
  // delta.content lists.
  const parts = [
    { type: 'thinking', thinking: [{ type: 'text', text: 'Let me see.' }] },
    { type: 'text', text: 'Hello ' },
    { type: 'text', text: 'world' },
  ];
  const body = Buffer.from(
    JSON.stringify({
      id: 'chatcmpl-3',
      object: 'chat.completion',
      created: 1,
      model: 'magistral',
      choices: [{ index: 0, message: { role: 'assistant', content: parts }, finish_reason: 'stop' }],
      usage: { prompt_tokens: 5, completion_tokens: 3, total_tokens: 8 },
    }),
  );

  it('reaches an Anthropic client as its text', () => {
    const d = decodeResponse({ client: 'messages', upstream: 'openai', model: 'm' }, body);
    expect((JSON.parse(String(d.body)) as Obj).content).toEqual([{ type: 'text', text: 'Hello world' }]);
  });

  it('reaches a Responses client as its text', () => {
    const d = decodeResponse({ client: 'responses', upstream: 'openai', model: 'm' }, body);
    const r = JSON.parse(String(d.body)) as { output: Array<{ content: Obj[] }> };
    expect(r.output).toHaveLength(1);
    expect(r.output[0]!.content).toEqual([{ type: 'output_text', text: 'Hello world', annotations: [] }]);
  });

  it('streamed, reaches an Anthropic client as text deltas', () => {
    const input = [
      sseJson({
        ...chunk,
        choices: [{ index: 0, delta: { role: 'assistant', content: [parts[0]] }, finish_reason: null }],
      }),
      sseJson({ ...chunk, choices: [{ index: 0, delta: { content: [parts[1]] }, finish_reason: null }] }),
      sseJson({ ...chunk, choices: [{ index: 0, delta: { content: [parts[2]] }, finish_reason: 'stop' }] }),
      'data: [DONE]\n\n',
    ].join('');
    const { t, events } = stream({ client: 'messages', upstream: 'openai', model: 'm' }, input);
    const deltas = events.filter((e) => e.event === 'content_block_delta').map((e) => e.data.delta);
    expect(deltas).toEqual([
      { type: 'text_delta', text: 'Hello ' },
      { type: 'text_delta', text: 'world' },
    ]);
    expect(t.contentEmitted).toBe(true);
  });
});
