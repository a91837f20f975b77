/** A JSON response format sent to Anthropic travels as a forced tool whose input comes back as the message content. */
import { describe, expect, it } from 'vitest';
import { jsonResponseTool, openaiChatToAnthropicRequest } from './request.js';
import { PipelineStreamTranslator, decodeResponse, type PipelineOptions } from '../../test/pipeline.js';
import { responsesToChatRequest } from '../../translate/responses.js';
import { SseParser, sseJson } from '../../translate/sse.js';
import type { OaChatRequest } from '../../translate/wire-types.js';

const SCHEMA = {
  type: 'object',
  properties: { city: { type: 'string' }, temp: { type: 'number' } },
  required: ['city', 'temp'],
  additionalProperties: false,
};
const chat = (over: Partial<OaChatRequest>): OaChatRequest => ({
  model: 'm',
  messages: [{ role: 'user', content: 'weather in Oslo?' }],
  ...over,
});

describe('request: response_format -> forced tool', () => {
  it('json_schema: a tool named after the schema with it as input_schema, forced', () => {
    const an = openaiChatToAnthropicRequest(
      chat({
        response_format: {
          type: 'json_schema',
          json_schema: { name: 'weather_report', schema: SCHEMA, strict: true },
        },
      }),
    );
    expect(an.tools).toEqual([
      { name: 'weather_report', description: expect.any(String), input_schema: SCHEMA },
    ]);
    expect(an.tool_choice).toEqual({ type: 'tool', name: 'weather_report' });
  });
  it('json_object: the same with a permissive object schema; a schema name Anthropic would refuse gets the default name', () => {
    const an = openaiChatToAnthropicRequest(chat({ response_format: { type: 'json_object' } }));
    expect(an.tools).toEqual([
      {
        name: 'json_response',
        description: expect.any(String),
        input_schema: { type: 'object', additionalProperties: true },
      },
    ]);
    expect(an.tool_choice).toEqual({ type: 'tool', name: 'json_response' });
    const odd = openaiChatToAnthropicRequest(
      chat({
        response_format: { type: 'json_schema', json_schema: { name: 'weather report!', schema: SCHEMA } },
      }),
    );
    expect(odd.tool_choice).toEqual({ type: 'tool', name: 'json_response' });
  });
  it("text format or none: no tool; with the client's own tools: not emulated (routing keeps such a request away)", () => {
    expect(openaiChatToAnthropicRequest(chat({ response_format: { type: 'text' } })).tools).toBeUndefined();
    expect(openaiChatToAnthropicRequest(chat({})).tool_choice).toBeUndefined();
    const tools = [{ type: 'function' as const, function: { name: 'f', parameters: { type: 'object' } } }];
    expect(jsonResponseTool({ response_format: { type: 'json_object' }, tools })).toBeNull();
  });
  it('Responses text.format goes through the chat pivot the same way', () => {
    const pivot = responsesToChatRequest(
      {
        model: 'm',
        input: 'weather?',
        text: { format: { type: 'json_schema', name: 'weather_report', schema: SCHEMA } },
      },
      'm',
    );
    const an = openaiChatToAnthropicRequest(pivot);
    expect(an.tool_choice).toEqual({ type: 'tool', name: 'weather_report' });
    expect(an.tools?.[0]?.input_schema).toEqual(SCHEMA);
  });
});

const TOOL_ANSWER = {
  id: 'msg_1',
  type: 'message',
  role: 'assistant',
  model: 'claude-x',
  content: [{ type: 'tool_use', id: 'toolu_1', name: 'weather_report', input: { city: 'Oslo', temp: 3 } }],
  stop_reason: 'tool_use',
  stop_sequence: null,
  usage: { input_tokens: 20, output_tokens: 9 },
};
const opts = (client: PipelineOptions['client']): PipelineOptions => ({
  client,
  upstream: 'anthropic',
  model: 'claude-x',
  created: 1,
  jsonTool: 'weather_report',
  clientRequest: { model: 'm', input: 'x' },
});

describe('non-stream response: the forced tool input is the content', () => {
  it('chat: content is the JSON text, finish_reason stop, no tool_calls', () => {
    const body = JSON.parse(
      String(decodeResponse(opts('chat'), Buffer.from(JSON.stringify(TOOL_ANSWER))).body),
    );
    expect(body.choices).toHaveLength(1);
    expect(body.choices[0].finish_reason).toBe('stop');
    expect(body.choices[0].message.tool_calls).toBeUndefined();
    expect(JSON.parse(body.choices[0].message.content)).toEqual({ city: 'Oslo', temp: 3 });
  });
  it('responses: one output_text message with the JSON', () => {
    const body = JSON.parse(
      String(decodeResponse(opts('responses'), Buffer.from(JSON.stringify(TOOL_ANSWER))).body),
    );
    expect(body.output.map((o: { type: string }) => o.type)).toEqual(['message']);
    expect(JSON.parse(body.output_text ?? body.output[0].content[0].text)).toEqual({ city: 'Oslo', temp: 3 });
  });
  it('without a JSON format the same answer stays a tool call', () => {
    const { jsonTool: _j, ...plain } = opts('chat');
    const body = JSON.parse(String(decodeResponse(plain, Buffer.from(JSON.stringify(TOOL_ANSWER))).body));
    expect(body.choices[0].finish_reason).toBe('tool_calls');
  });
});

const sse = (o: unknown, ev: string) => sseJson(o, ev);
const STREAM = [
  sse(
    {
      type: 'message_start',
      message: {
        id: 'msg_1',
        type: 'message',
        role: 'assistant',
        model: 'claude-x',
        content: [],
        stop_reason: null,
        usage: { input_tokens: 20, output_tokens: 1 },
      },
    },
    'message_start',
  ),
  sse(
    {
      type: 'content_block_start',
      index: 0,
      content_block: { type: 'tool_use', id: 'toolu_1', name: 'weather_report', input: {} },
    },
    'content_block_start',
  ),
  sse(
    {
      type: 'content_block_delta',
      index: 0,
      delta: { type: 'input_json_delta', partial_json: '{"city": "Os' },
    },
    'content_block_delta',
  ),
  sse(
    {
      type: 'content_block_delta',
      index: 0,
      delta: { type: 'input_json_delta', partial_json: 'lo", "temp": 3}' },
    },
    'content_block_delta',
  ),
  sse({ type: 'content_block_stop', index: 0 }, 'content_block_stop'),
  sse(
    {
      type: 'message_delta',
      delta: { stop_reason: 'tool_use', stop_sequence: null },
      usage: { output_tokens: 9 },
    },
    'message_delta',
  ),
  sse({ type: 'message_stop' }, 'message_stop'),
].join('');

function runStream(o: PipelineOptions, step: number) {
  const t = new PipelineStreamTranslator(o);
  const bytes = Buffer.from(STREAM);
  let out = '';
  for (let i = 0; i < bytes.length; i += step) out += String(t.push(bytes.subarray(i, i + step)));
  out += t.end();
  const p = new SseParser();
  return [...p.push(out), ...p.end()];
}

describe('stream: input_json_delta pieces become content deltas', () => {
  for (const step of [1, 13, 100_000]) {
    it(`chat chunks carry the JSON as content and end with stop (split every ${step} bytes)`, () => {
      const chunks = runStream(opts('chat'), step)
        .filter((e) => e.data !== '[DONE]')
        .map((e) => JSON.parse(e.data));
      const content = chunks.map((c) => c.choices[0]?.delta?.content ?? '').join('');
      expect(JSON.parse(content)).toEqual({ city: 'Oslo', temp: 3 });
      expect(chunks.some((c) => c.choices[0]?.delta?.tool_calls)).toBe(false);
      expect(chunks.map((c) => c.choices[0]?.finish_reason).filter(Boolean)).toEqual(['stop']);
    });
  }
  it('responses events carry the JSON as output_text', () => {
    const events = runStream(opts('responses'), 50);
    const done = events.map((e) => JSON.parse(e.data)).find((d) => d.type === 'response.completed');
    expect(done.response.output.map((o: { type: string }) => o.type)).toEqual(['message']);
    expect(JSON.parse(done.response.output[0].content[0].text)).toEqual({ city: 'Oslo', temp: 3 });
  });
});
