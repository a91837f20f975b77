import { describe, expect, it } from 'vitest';
import { getAdapter } from '../providers/index.js';
import type { CallContext, ClientEndpoint, ProviderRuntime } from '../providers/index.js';
import { PipelineStreamTranslator } from '../test/pipeline.js';
import { SseParser, sseJson } from './sse.js';
import { responsesToChatRequest } from './responses.js';
import type { AnRequest, OaChatRequest } from './wire-types.js';

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

function ctx(type: string, body: Record<string, unknown>, model: string): CallContext {
  const provider: ProviderRuntime = {
    id: `p-${type}`,
    slug: type,
    type,
    baseUrl: 'http://upstream.invalid/v1',
    config: { responsesApi: false },
  };
  return {
    endpoint: 'responses' satisfies ClientEndpoint,
    provider,
    upstreamModel: model,
    apiKey: 'sk-test',
    rawBody: Buffer.from(JSON.stringify(body)),
    body,
    stream: false,
    now: 1_700_000_000_000,
  };
}

async function sent<T>(type: string, body: Record<string, unknown>, model: string): Promise<T> {
  const call = await getAdapter(type).prepare(ctx(type, body, model));
  if (call.transport.kind !== 'http') throw new Error('expected http');
  return JSON.parse(String(call.transport.request.body)) as T;
}

describe('Responses function_call_output with content parts', () => {
  const IMG = 'data:image/png;base64,iVBORw0KGgo=';
  // Responses API: a function_call_output's `output` is a string or a list of input_text / input_image / input_file
  // parts. OpenAI chat takes only text in a tool message (images are user content); Anthropic takes text and image
  // blocks inside a tool_result's content.
  const body = {
    model: 'a',
    input: [
      { type: 'message', role: 'user', content: 'look at shot.png' },
      { type: 'function_call', call_id: 'call_1', name: 'view_image', arguments: '{"path":"shot.png"}' },
      {
        type: 'function_call_output',
        call_id: 'call_1',
        output: [
          { type: 'input_text', text: 'shot.png' },
          { type: 'input_image', image_url: IMG },
        ],
      },
    ],
  };

  it('sends the text in the tool message and the image after it to an OpenAI chat upstream', async () => {
    const req = await sent<OaChatRequest>('openai', body, 'gpt-4o');
    const i = req.messages.findIndex((m) => m.role === 'tool');
    const tool = req.messages[i]!;
    expect(typeof tool.content).toBe('string');
    expect(tool.content).toContain('shot.png');
    expect(tool.content).not.toContain('base64');
    expect(req.messages[i + 1]).toMatchObject({ role: 'user' });
    expect(req.messages[i + 1]!.content).toContainEqual({ type: 'image_url', image_url: { url: IMG } });
  });

  it('sends the image inside the tool_result to an Anthropic upstream', async () => {
    const req = await sent<AnRequest>('anthropic', body, 'claude-x');
    const last = req.messages.at(-1)!;
    expect(last.role).toBe('user');
    expect(last.content).toEqual([
      {
        type: 'tool_result',
        tool_use_id: 'call_1',
        content: [
          { type: 'text', text: 'shot.png' },
          { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' } },
        ],
      },
    ]);
  });
});

describe('Responses request with only built-in tools, to a chat upstream', () => {
  // OpenAI chat rejects a tool_choice (and parallel_tool_calls) without tools: when only built-in tools (web_search,
  // which the chat upstream cannot run) were sent, none of the three goes.
  it.each(['auto', 'required'])('leaves tools, tool_choice %s and parallel_tool_calls out', (choice) => {
    const out = responsesToChatRequest(
      {
        model: 'm',
        input: 'search the web for x',
        tools: [{ type: 'web_search' }],
        tool_choice: choice,
        parallel_tool_calls: true,
      },
      'gpt-4o',
    );
    expect(out).not.toHaveProperty('tools');
    expect(out).not.toHaveProperty('tool_choice');
    expect(out).not.toHaveProperty('parallel_tool_calls');
  });
});

describe('Responses content parts that are not objects', () => {
  // A client's list may hold null or a number where a part should be: nothing to send, never a crash.
  it.each([[[null]], [[1, 'x']], [[null, { type: 'input_text', text: 'ok' }]]])('%j', (output) => {
    const out = responsesToChatRequest(
      {
        model: 'm',
        input: [
          { type: 'function_call', call_id: 'c1', name: 'f', arguments: '{}' },
          { type: 'function_call_output', call_id: 'c1', output },
          { type: 'message', role: 'user', content: output },
        ],
      },
      'gpt-4o',
    );
    expect(out.messages.length).toBeGreaterThan(0);
  });
});
