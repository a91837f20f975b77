import { describe, expect, it } from 'vitest';
import { PipelineStreamTranslator, decodeResponse } from '../test/pipeline.js';
import type { PipelineOptions } from '../test/pipeline.js';
import { SseParser, sseJson } from '../translate/sse.js';
import { encodeBedrockEvent } from './bedrock/stream.js';

const sse = (o: unknown, ev?: string) => sseJson(o, ev);

/** Feed `input` split every `step` bytes; return the parsed client events and the translator. */
function run(opts: PipelineOptions, input: string, step: number) {
  const t = new PipelineStreamTranslator(opts);
  const bytes = Buffer.from(input);
  let out = '';
  for (let i = 0; i < bytes.length; i += step) {
    const r = t.push(bytes.subarray(i, i + step));
    out += typeof r === 'string' ? r : r.toString();
  }
  out += t.end();
  const p = new SseParser();
  const events = [...p.push(out), ...p.end()];
  return { t, out, events };
}

const ANTHROPIC_STREAM = [
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
        usage: { input_tokens: 20, cache_read_input_tokens: 5, output_tokens: 1 },
      },
    },
    'message_start',
  ),
  sse({ type: 'ping' }, 'ping'),
  sse(
    { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
    'content_block_start',
  ),
  sse(
    { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Héllo ' } },
    'content_block_delta',
  ),
  sse(
    { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'wörld' } },
    'content_block_delta',
  ),
  sse({ type: 'content_block_stop', index: 0 }, 'content_block_stop'),
  sse(
    {
      type: 'content_block_start',
      index: 1,
      content_block: { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: {} },
    },
    'content_block_start',
  ),
  sse(
    { type: 'content_block_delta', index: 1, delta: { type: 'input_json_delta', partial_json: '{"city":' } },
    'content_block_delta',
  ),
  sse(
    { type: 'content_block_delta', index: 1, delta: { type: 'input_json_delta', partial_json: '"Oslo"}' } },
    'content_block_delta',
  ),
  sse({ type: 'content_block_stop', index: 1 }, 'content_block_stop'),
  sse(
    {
      type: 'message_delta',
      delta: { stop_reason: 'tool_use', stop_sequence: null },
      usage: { output_tokens: 15 },
    },
    'message_delta',
  ),
  sse({ type: 'message_stop' }, 'message_stop'),
].join('');

const base = { id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 1, model: 'gpt-x' };
const OPENAI_STREAM = [
  sse({
    ...base,
    choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }],
    usage: null,
  }),
  sse({ ...base, choices: [{ index: 0, delta: { content: 'Hi ' }, finish_reason: null }], usage: null }),
  sse({ ...base, choices: [{ index: 0, delta: { content: 'there' }, finish_reason: null }], usage: null }),
  sse({
    ...base,
    choices: [
      {
        index: 0,
        delta: {
          tool_calls: [{ index: 0, id: 'call_1', type: 'function', function: { name: 'f', arguments: '' } }],
        },
        finish_reason: null,
      },
    ],
    usage: null,
  }),
  sse({
    ...base,
    choices: [
      {
        index: 0,
        delta: { tool_calls: [{ index: 0, function: { arguments: '{"a":' } }] },
        finish_reason: null,
      },
    ],
    usage: null,
  }),
  sse({
    ...base,
    choices: [
      { index: 0, delta: { tool_calls: [{ index: 0, function: { arguments: '1}' } }] }, finish_reason: null },
    ],
    usage: null,
  }),
  sse({ ...base, choices: [{ index: 0, delta: {}, finish_reason: 'tool_calls' }], usage: null }),
  sse({
    ...base,
    choices: [],
    usage: {
      prompt_tokens: 30,
      completion_tokens: 9,
      total_tokens: 39,
      prompt_tokens_details: { cached_tokens: 10 },
    },
  }),
  'data: [DONE]\n\n',
].join('');

describe('Anthropic stream -> OpenAI chat chunks', () => {
  for (const step of [1, 7, 64, 100000]) {
    it(`emits text, tool_call deltas, finish_reason and a final usage chunk (split every ${step} bytes)`, () => {
      const { t, events } = run(
        { client: 'chat', upstream: 'anthropic', model: 'claude-x', clientWantsUsage: true, created: 1 },
        ANTHROPIC_STREAM,
        step,
      );
      const chunks = events.filter((e) => e.data !== '[DONE]').map((e) => JSON.parse(e.data));
      expect(events.at(-1)!.data).toBe('[DONE]');
      const text = chunks.map((c) => c.choices[0]?.delta?.content ?? '').join('');
      expect(text).toBe('Héllo wörld');
      const tc = chunks.flatMap((c) => c.choices[0]?.delta?.tool_calls ?? []);
      expect(tc[0]).toEqual({
        index: 0,
        id: 'toolu_1',
        type: 'function',
        function: { name: 'get_weather', arguments: '' },
      });
      expect(tc.map((x: { function: { arguments: string } }) => x.function.arguments).join('')).toBe(
        '{"city":"Oslo"}',
      );
      expect(chunks.find((c) => c.choices[0]?.finish_reason)?.choices[0].finish_reason).toBe('tool_calls');
      expect(chunks.at(-1)).toMatchObject({
        choices: [],
        usage: {
          prompt_tokens: 25,
          completion_tokens: 15,
          total_tokens: 40,
          prompt_tokens_details: { cached_tokens: 5 },
        },
      });
      expect(chunks[0]).toMatchObject({ id: 'chatcmpl-1', model: 'claude-x' });
      expect(t.usage).toEqual({ inputTokens: 25, outputTokens: 15, cachedTokens: 5 });
      expect(t.finished).toBe(true);
      expect(t.contentEmitted).toBe(true);
      expect(t.fault).toBeNull();
      expect(t.finishReason).toBe('tool_calls');
    });
  }

  it('drops the usage chunk when the client did not ask for it', () => {
    const { events, t } = run({ client: 'chat', upstream: 'anthropic', model: 'm' }, ANTHROPIC_STREAM, 50);
    expect(events.some((e) => e.data !== '[DONE]' && JSON.parse(e.data).usage)).toBe(false);
    expect(t.usage.outputTokens).toBe(15);
  });

  it('reports an error event inside the stream as an upstream_error fault', () => {
    const { t } = run(
      { client: 'chat', upstream: 'anthropic', model: 'm' },
      ANTHROPIC_STREAM.split('event: content_block_start')[0] +
        sse({ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }, 'error'),
      13,
    );
    expect(t.fault?.kind).toBe('upstream_error');
    expect(t.fault?.error?.kind).toBe('overloaded');
    expect(t.contentEmitted).toBe(false);
  });
});

describe('OpenAI chunks -> Anthropic events', () => {
  for (const step of [1, 9, 100000]) {
    it(`produces the Anthropic event grammar with usage in message_delta (split every ${step} bytes)`, () => {
      const { t, events } = run(
        { client: 'messages', upstream: 'openai', model: 'gpt-x', created: 1 },
        OPENAI_STREAM,
        step,
      );
      expect(events.map((e) => e.event)).toEqual([
        'message_start',
        'content_block_start',
        'content_block_delta',
        'content_block_delta',
        'content_block_stop',
        'content_block_start',
        'content_block_delta',
        'content_block_delta',
        'content_block_stop',
        'message_delta',
        'message_stop',
      ]);
      const data = events.map((e) => JSON.parse(e.data));
      expect(data.every((d, i) => d.type === events[i]!.event)).toBe(true);
      expect(data[1]).toEqual({
        type: 'content_block_start',
        index: 0,
        content_block: { type: 'text', text: '' },
      });
      expect(data[2].delta).toEqual({ type: 'text_delta', text: 'Hi ' });
      expect(data[5]).toEqual({
        type: 'content_block_start',
        index: 1,
        content_block: { type: 'tool_use', id: 'call_1', name: 'f', input: {} },
      });
      expect(data[6].delta.partial_json + data[7].delta.partial_json).toBe('{"a":1}');
      expect(data[9]).toMatchObject({
        delta: { stop_reason: 'tool_use' },
        usage: { input_tokens: 20, output_tokens: 9, cache_read_input_tokens: 10 },
      });
      expect(t.usage).toEqual({ inputTokens: 30, outputTokens: 9, cachedTokens: 10 });
      expect(t.finishReason).toBe('tool_use');
    });
  }

  it('does not close the message when the upstream is cut mid-stream', () => {
    const cut = OPENAI_STREAM.slice(0, OPENAI_STREAM.indexOf('"Hi "') + 30);
    const { t, events } = run({ client: 'messages', upstream: 'openai', model: 'm' }, cut, 5);
    expect(events.map((e) => e.event)).not.toContain('message_stop');
    expect(t.finished).toBe(false);
    expect(t.fault?.kind).toBe('truncated');
  });

  it('flags malformed SSE data', () => {
    const { t } = run({ client: 'messages', upstream: 'openai', model: 'm' }, 'data: {not json\n\n', 3);
    expect(t.fault?.kind).toBe('malformed');
  });
});

describe('OpenAI passthrough', () => {
  it('forwards bytes untouched (same Buffer) and captures usage, finish and content', () => {
    const t = new PipelineStreamTranslator({
      client: 'chat',
      upstream: 'openai',
      model: 'm',
      clientWantsUsage: true,
    });
    const buf = Buffer.from(OPENAI_STREAM);
    const out = t.push(buf);
    expect(out).toBe(buf);
    expect(t.end()).toBe('');
    expect(t.usage).toEqual({ inputTokens: 30, outputTokens: 9, cachedTokens: 10 });
    expect(t.finished).toBe(true);
    expect(t.contentEmitted).toBe(true);
    expect(t.finishReason).toBe('tool_calls');
  });

  it('strips the usage-only chunk the gateway added when the client did not ask', () => {
    const { events, t } = run(
      { client: 'chat', upstream: 'openai', model: 'm', clientWantsUsage: false },
      OPENAI_STREAM,
      11,
    );
    expect(
      events.filter((e) => e.data !== '[DONE]').every((e) => JSON.parse(e.data).choices.length === 1),
    ).toBe(true);
    expect(events.at(-1)!.data).toBe('[DONE]');
    expect(t.usage.inputTokens).toBe(30);
  });

  it('detects a stream that ends before it finished, an error chunk, and estimates usage when none came', () => {
    const noDone = OPENAI_STREAM.split('data: [DONE]')[0]!.split(
      'data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"gpt-x","choices":[]',
    )[0]!;
    // Finished (a finish_reason came), then no usage chunk and no [DONE]: a whole answer.
    const whole = run(
      { client: 'chat', upstream: 'openai', model: 'm', clientWantsUsage: true },
      noDone,
      100000,
    );
    expect(whole.t.finished).toBe(true);
    expect(whole.t.fault).toBeNull();
    const cut = noDone.slice(0, noDone.lastIndexOf('data: ', noDone.indexOf('"finish_reason":"')));
    const a = run(
      {
        client: 'chat',
        upstream: 'openai',
        model: 'm',
        clientWantsUsage: true,
        estimateInputTokens: () => 42,
      },
      cut,
      100000,
    );
    expect(a.t.finished).toBe(false);
    expect(a.t.fault?.kind).toBe('truncated');
    expect(a.t.usage).toMatchObject({ inputTokens: 42, estimated: true });
    const b = run(
      { client: 'chat', upstream: 'openai', model: 'm' },
      'data: {"error":{"message":"Rate limit reached","type":"rate_limit_error"}}\n\n',
      100000,
    );
    expect(b.t.fault).toMatchObject({ kind: 'upstream_error', error: { kind: 'rate_limit' } });
  });

  it('Anthropic passthrough merges message_start and message_delta usage', () => {
    const t = new PipelineStreamTranslator({ client: 'messages', upstream: 'anthropic', model: 'm' });
    const buf = Buffer.from(ANTHROPIC_STREAM);
    expect(t.push(buf)).toBe(buf);
    t.end();
    expect(t.usage).toEqual({ inputTokens: 25, outputTokens: 15, cachedTokens: 5 });
    expect(t.finished).toBe(true);
    expect(t.finishReason).toBe('tool_use');
  });
});

describe('Anthropic message_delta usage that leaves cache figures out', () => {
  const start = sse(
    {
      type: 'message_start',
      message: {
        id: 'msg_c',
        type: 'message',
        role: 'assistant',
        model: 'claude-x',
        content: [],
        stop_reason: null,
        usage: {
          input_tokens: 10,
          cache_read_input_tokens: 100000,
          cache_creation_input_tokens: 30000,
          output_tokens: 1,
        },
      },
    },
    'message_start',
  );
  const text = sse(
    { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Hi' } },
    'content_block_delta',
  );
  const end = (usage: object) =>
    sse({ type: 'message_delta', delta: { stop_reason: 'end_turn' }, usage }, 'message_delta') +
    sse({ type: 'message_stop' }, 'message_stop');
  const cases: Array<[string, object]> = [
    [
      'null cache figures',
      {
        input_tokens: 10,
        cache_read_input_tokens: null,
        cache_creation_input_tokens: null,
        output_tokens: 300,
      },
    ],
    ['absent cache figures', { input_tokens: 10, output_tokens: 300 }],
  ];
  for (const [name, usage] of cases)
    it(`keeps message_start's cache figures for ${name}, relayed and translated alike`, () => {
      const input = start + text + end(usage);
      const expected = {
        inputTokens: 130010,
        outputTokens: 300,
        cachedTokens: 100000,
        cacheWriteTokens: 30000,
      };
      const relayed = run({ client: 'messages', upstream: 'anthropic', model: 'm' }, input, 100000);
      expect(relayed.t.usage).toEqual(expected);
      const translated = run({ client: 'chat', upstream: 'anthropic', model: 'm' }, input, 100000);
      expect(translated.t.usage).toEqual(expected);
    });
});

describe('chat chunks -> Responses API events', () => {
  it('emits created, output item, text deltas, function call and completed with usage', () => {
    const { events, t } = run(
      { client: 'responses', upstream: 'openai', model: 'gpt-x', created: 1 },
      OPENAI_STREAM,
      17,
    );
    const types = events.map((e) => e.event);
    expect(types).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.content_part.added',
      'response.output_text.delta',
      'response.output_text.delta',
      'response.output_text.done',
      'response.content_part.done',
      'response.output_item.done',
      'response.output_item.added',
      'response.function_call_arguments.delta',
      'response.function_call_arguments.delta',
      'response.function_call_arguments.done',
      'response.output_item.done',
      'response.completed',
    ]);
    const data = events.map((e) => JSON.parse(e.data));
    expect(data.map((d) => d.sequence_number)).toEqual(data.map((_, i) => i));
    const done = data.at(-1).response;
    expect(done.status).toBe('completed');
    expect(done.usage).toEqual({
      input_tokens: 30,
      input_tokens_details: { cached_tokens: 10 },
      output_tokens: 9,
      output_tokens_details: { reasoning_tokens: 0 },
      total_tokens: 39,
    });
    expect(done.output[0].content[0].text).toBe('Hi there');
    expect(done.output[1]).toMatchObject({
      type: 'function_call',
      call_id: 'call_1',
      name: 'f',
      arguments: '{"a":1}',
    });
    expect(t.finished).toBe(true);
  });
});

describe('Gemini stream -> OpenAI chunks', () => {
  it('maps text parts, finish and usage', () => {
    const g = (text: string, extra: object = {}) =>
      sse({
        candidates: [{ content: { role: 'model', parts: [{ text }] }, index: 0, ...extra }],
        responseId: 'r1',
      });
    const input =
      g('Hel') +
      g('lo', { finishReason: 'STOP' }).replace(
        '"responseId"',
        '"usageMetadata":{"promptTokenCount":7,"candidatesTokenCount":2},"responseId"',
      );
    const { events, t } = run(
      { client: 'chat', upstream: 'gemini', model: 'gemini-x', clientWantsUsage: true, created: 1 },
      input,
      6,
    );
    const chunks = events.filter((e) => e.data !== '[DONE]').map((e) => JSON.parse(e.data));
    expect(chunks.map((c) => c.choices[0]?.delta?.content ?? '').join('')).toBe('Hello');
    expect(chunks.find((c) => c.choices[0]?.finish_reason)?.choices[0].finish_reason).toBe('stop');
    expect(chunks.at(-1).usage).toEqual({ prompt_tokens: 7, completion_tokens: 2, total_tokens: 9 });
    expect(events.at(-1)!.data).toBe('[DONE]');
    expect(t.usage).toEqual({ inputTokens: 7, outputTokens: 2, cachedTokens: 0 });
  });
});

describe('a translated stream cut before its final usage', () => {
  // 4,000 characters of text: about 1,000 tokens of output.
  const TEXT = 'abcd'.repeat(1000);
  const start = sse(
    {
      type: 'message_start',
      message: {
        id: 'msg_c',
        type: 'message',
        role: 'assistant',
        model: 'claude-x',
        content: [],
        stop_reason: null,
        usage: {
          input_tokens: 10,
          cache_read_input_tokens: 100000,
          cache_creation_input_tokens: 30000,
          output_tokens: 1,
        },
      },
    },
    'message_start',
  );
  const text =
    sse(
      { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
      'content_block_start',
    ) +
    sse(
      { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: TEXT.slice(0, 2000) } },
      'content_block_delta',
    ) +
    sse(
      { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: TEXT.slice(2000) } },
      'content_block_delta',
    ) +
    sse({ type: 'content_block_stop', index: 0 }, 'content_block_stop');
  const messageDelta = sse(
    { type: 'message_delta', delta: { stop_reason: 'end_turn' }, usage: { output_tokens: 300 } },
    'message_delta',
  );

  for (const client of ['chat', 'responses'] as const)
    it(`from Anthropic to a ${client} client keeps message_start's input and cache figures`, () => {
      const opts = { client, upstream: 'anthropic', model: 'm', estimateInputTokens: () => 42 };
      // Cut before message_delta: the output is estimated from the text, the input is message_start's.
      const cut = run(opts, start + text, 64);
      expect(cut.t.fault?.kind).toBe('truncated');
      expect(cut.t.usage).toEqual({
        inputTokens: 130010,
        outputTokens: 1000,
        cachedTokens: 100000,
        cacheWriteTokens: 30000,
        estimated: true,
      });
      // Cut after message_delta, before message_stop: its output figure is the final one.
      const late = run(opts, start + text + messageDelta, 64);
      expect(late.t.fault?.kind).toBe('truncated');
      expect(late.t.usage).toEqual({
        inputTokens: 130010,
        outputTokens: 300,
        cachedTokens: 100000,
        cacheWriteTokens: 30000,
      });
      // Not cut: the same final figures.
      const whole = run(
        opts,
        start + text + messageDelta + sse({ type: 'message_stop' }, 'message_stop'),
        64,
      );
      expect(whole.t.fault).toBeNull();
      expect(whole.t.usage).toEqual({
        inputTokens: 130010,
        outputTokens: 300,
        cachedTokens: 100000,
        cacheWriteTokens: 30000,
      });
    });

  it("from Gemini keeps the running usageMetadata's prompt and cache figures", () => {
    const g = (t: string, usageMetadata: object) =>
      sse({
        candidates: [{ content: { role: 'model', parts: [{ text: t }] }, index: 0 }],
        usageMetadata,
        responseId: 'r1',
      });
    const input =
      g(TEXT.slice(0, 2000), { promptTokenCount: 5000, cachedContentTokenCount: 4000 }) +
      g(TEXT.slice(2000), { promptTokenCount: 5000, cachedContentTokenCount: 4000, candidatesTokenCount: 3 });
    for (const client of ['chat', 'messages', 'responses'] as const) {
      const { t } = run({ client, upstream: 'gemini', model: 'm', estimateInputTokens: () => 42 }, input, 64);
      expect(t.fault?.kind).toBe('truncated');
      expect(t.usage).toEqual({ inputTokens: 5000, outputTokens: 1000, cachedTokens: 4000, estimated: true });
    }
  });
});

describe('Bedrock prompt-cache tokens', () => {
  // Bedrock's inputTokens leaves out the tokens read from and written to the prompt cache.
  const usage = {
    inputTokens: 10,
    outputTokens: 20,
    cacheReadInputTokens: 100000,
    cacheWriteInputTokens: 30000,
  };
  const frames = (u: object) =>
    Buffer.concat(
      [
        encodeBedrockEvent('messageStart', { role: 'assistant' }),
        encodeBedrockEvent('contentBlockDelta', { contentBlockIndex: 0, delta: { text: 'Hi' } }),
        encodeBedrockEvent('contentBlockStop', { contentBlockIndex: 0 }),
        encodeBedrockEvent('messageStop', { stopReason: 'end_turn' }),
        encodeBedrockEvent('metadata', { usage: u, metrics: { latencyMs: 5 } }),
      ].map((f) => Buffer.from(f)),
    );

  it('a stream counts them as the whole answer does', () => {
    const whole = decodeResponse(
      { client: 'chat', upstream: 'bedrock', model: 'm' },
      Buffer.from(
        JSON.stringify({
          output: { message: { role: 'assistant', content: [{ text: 'Hi' }] } },
          stopReason: 'end_turn',
          usage,
        }),
      ),
    );
    const expected = { inputTokens: 130010, outputTokens: 20, cachedTokens: 100000, cacheWriteTokens: 30000 };
    expect(whole.usage).toEqual(expected);
    for (const client of ['chat', 'messages', 'responses'] as const) {
      const t = new PipelineStreamTranslator({
        client,
        upstream: 'bedrock',
        model: 'm',
        clientWantsUsage: true,
      });
      const out = String(t.push(frames(usage))) + t.end();
      expect(t.finished).toBe(true);
      expect(t.usage).toEqual(expected);
      if (client !== 'chat') continue;
      // The chat client that asked for usage is shown the same figures.
      const p = new SseParser();
      const chunks = [...p.push(Buffer.from(out)), ...p.end()]
        .filter((e) => e.data !== '[DONE]')
        .map((e) => JSON.parse(e.data) as { usage?: unknown });
      expect(chunks.at(-1)?.usage).toMatchObject({
        prompt_tokens: 130010,
        completion_tokens: 20,
        prompt_tokens_details: { cached_tokens: 100000 },
      });
    }
  });
});

describe('a translated whole answer whose upstream reports no usage', () => {
  // Compatible servers may leave the usage object out: the output is estimated from the answer's text.
  const text = 'word '.repeat(400);
  const bodies: Array<[string, object]> = [
    [
      'anthropic',
      {
        id: 'msg_1',
        type: 'message',
        role: 'assistant',
        model: 'claude-x',
        content: [{ type: 'text', text }],
        stop_reason: 'end_turn',
        stop_sequence: null,
      },
    ],
    ['bedrock', { output: { message: { role: 'assistant', content: [{ text }] } }, stopReason: 'end_turn' }],
    [
      'gemini',
      { candidates: [{ content: { role: 'model', parts: [{ text }] }, finishReason: 'STOP', index: 0 }] },
    ],
  ];
  for (const [upstream, body] of bodies)
    for (const client of ['chat', 'messages', 'responses'] as const) {
      if (client === 'messages' && upstream === 'anthropic') continue;
      it(`a ${upstream} answer to a ${client} client is billed by its text`, () => {
        const d = decodeResponse(
          { client, upstream, model: 'm', estimateInputTokens: () => 42 },
          Buffer.from(JSON.stringify(body)),
        );
        expect(d.usage).toEqual({
          inputTokens: 42,
          outputTokens: Math.ceil(text.length / 4),
          cachedTokens: 0,
          estimated: true,
        });
      });
    }
});

describe('decodeResponse', () => {
  it('passes a same-format body through as the same Buffer and reads its usage', () => {
    const body = Buffer.from(
      JSON.stringify({
        id: 'x',
        choices: [{ finish_reason: 'stop', message: { content: 'hi' } }],
        usage: { prompt_tokens: 3, completion_tokens: 1, total_tokens: 4 },
      }),
    );
    const d = decodeResponse({ client: 'chat', upstream: 'openai', model: 'm' }, body);
    expect(d.body).toBe(body);
    expect(d.usage).toEqual({ inputTokens: 3, outputTokens: 1, cachedTokens: 0 });
    expect(d.finishReason).toBe('stop');
  });

  it('serves a Responses client from a Bedrock Converse answer', () => {
    const body = Buffer.from(
      JSON.stringify({
        output: { message: { role: 'assistant', content: [{ text: 'Yo' }] } },
        stopReason: 'max_tokens',
        usage: { inputTokens: 4, outputTokens: 2 },
      }),
    );
    const d = decodeResponse(
      { client: 'responses', upstream: 'bedrock', model: 'anthropic.claude', created: 5 },
      body,
    );
    const r = JSON.parse(String(d.body));
    expect(r).toMatchObject({
      object: 'response',
      status: 'incomplete',
      incomplete_details: { reason: 'max_output_tokens' },
      output: [{ type: 'message', content: [{ type: 'output_text', text: 'Yo' }] }],
      usage: { input_tokens: 4, output_tokens: 2 },
    });
    expect(d.usage).toEqual({ inputTokens: 4, outputTokens: 2, cachedTokens: 0 });
  });
});
