// A model's reasoning in its answer, between formats. Before, an Anthropic client served by an OpenAI-compatible
// upstream that reasons in the open (DeepSeek's `reasoning_content`, OpenRouter's `reasoning`) got no thinking block,
// and an OpenAI-format client served by Claude (Anthropic's API, Bedrock) with thinking on got no `reasoning_content`:
// the reasoning was dropped both ways, whole and streamed. A thinking block made from another vendor's reasoning has
// no signature Anthropic would take: sent back to Anthropic it is left out (Anthropic refuses a block it did not sign).
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addBedrockProvider, BEDROCK_MODEL } from '../test/bedrock.js';
import { addDeepSeekProvider } from '../test/deepseek.js';
import { mockThinkingSignature } from '../test/mock-upstream.js';
import { createProxyEnv, type ProxyEnv } from '../test/proxy-env.js';
import { BEDROCK_THINKING_MARK } from '../translate/reasoning.js';

type Obj = Record<string, unknown>;

let e: ProxyEnv;

beforeAll(async () => {
  e = await createProxyEnv();
  const { prisma, secrets } = e.t.app.ctx;
  await addDeepSeekProvider(e);
  const groq = await prisma.provider.create({
    data: {
      slug: 'up-groq',
      name: 'up-groq',
      type: 'groq',
      priority: 60,
      baseUrl: `${e.up.url}/v1`,
      status: 'active',
      encryptedApiKey: secrets.encrypt('gsk-groq-0000'),
      apiKeyLast4: '0000',
    },
  });
  await prisma.model.create({
    data: {
      providerId: groq.id,
      modelId: 'qwen3-32b',
      displayName: 'Qwen 3 on Groq',
      capabilities: ['chat', 'tools', 'streaming'],
    },
  });
  const gemini = await prisma.provider.create({
    data: {
      slug: 'up-gemini',
      name: 'up-gemini',
      type: 'google',
      priority: 70,
      baseUrl: e.up.url,
      status: 'active',
      encryptedApiKey: secrets.encrypt('gemini-key-0000'),
      apiKeyLast4: '0000',
    },
  });
  await prisma.model.create({
    data: {
      providerId: gemini.id,
      modelId: 'gemini-2.5-flash',
      displayName: 'Gemini 2.5 Flash',
      capabilities: ['chat', 'tools', 'streaming'],
    },
  });
  await addBedrockProvider(e);
}, 180_000);
afterAll(async () => {
  await e?.close();
});

const post = (path: string, body: object) =>
  fetch(`${e.url}${path}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${e.userKey}`,
      'anthropic-version': '2023-06-01',
    },
    body: JSON.stringify(body),
  });
const hi = [{ role: 'user', content: 'hi' }];
const sent = () => e.up.requests.at(-1)!.body as Obj;

async function json(res: Response): Promise<Obj> {
  const text = await res.text();
  expect(res.status, text).toBe(200);
  return JSON.parse(text) as Obj;
}

/** An SSE body's events: name and parsed data. */
async function events(res: Response): Promise<Array<{ event: string | undefined; data: Obj }>> {
  const text = await res.text();
  expect(res.status, text).toBe(200);
  const out: Array<{ event: string | undefined; data: Obj }> = [];
  for (const block of text.split('\n\n')) {
    const event = /^event: (.*)$/m.exec(block)?.[1];
    const data = /^data: (.*)$/m.exec(block)?.[1];
    if (data && data !== '[DONE]') out.push({ event, data: JSON.parse(data) as Obj });
  }
  return out;
}

const chunk = (delta: Obj, finish: string | null = null) =>
  `data: ${JSON.stringify({ id: 'chatcmpl-r1', object: 'chat.completion.chunk', created: 1, model: 'gpt-test', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;

describe('an Anthropic client served by an OpenAI-compatible upstream that reasons', () => {
  const answer = (message: Obj) => ({
    id: 'chatcmpl-r1',
    object: 'chat.completion',
    created: 1,
    model: 'gpt-test',
    choices: [{ index: 0, message: { role: 'assistant', ...message }, finish_reason: 'stop' }],
    usage: { prompt_tokens: 5, completion_tokens: 9, total_tokens: 14 },
  });

  it('gets its reasoning_content (DeepSeek, vLLM) as a thinking block before the text, unsigned', async () => {
    e.up.script({
      path: '/chat/completions',
      status: 200,
      body: answer({ content: 'Four.', reasoning_content: '2 + 2 is 4.' }),
    });
    const body = await json(
      await post('/v1/messages', { model: 'up-openai/gpt-test', max_tokens: 50, messages: hi }),
    );
    expect(body.content).toEqual([
      { type: 'thinking', thinking: '2 + 2 is 4.', signature: '' },
      { type: 'text', text: 'Four.' },
    ]);
  });

  it('and its `reasoning` (OpenRouter, newer vLLM, Ollama) alike', async () => {
    e.up.script({
      path: '/chat/completions',
      status: 200,
      body: answer({ content: 'Four.', reasoning: 'Adding.' }),
    });
    const body = await json(
      await post('/v1/messages', { model: 'up-openai/gpt-test', max_tokens: 50, messages: hi }),
    );
    expect((body.content as Obj[])[0]).toEqual({ type: 'thinking', thinking: 'Adding.', signature: '' });
  });

  it('streamed: a thinking block with thinking_delta events, closed before the text block opens', async () => {
    e.up.script({
      path: '/chat/completions',
      events: [
        chunk({ role: 'assistant', content: '' }),
        chunk({ reasoning_content: '2 + 2' }),
        chunk({ reasoning_content: ' is 4.' }),
        chunk({ content: 'Four.' }),
        chunk({}, 'stop'),
        'data: [DONE]\n\n',
      ],
    });
    const evs = await events(
      await post('/v1/messages', {
        model: 'up-openai/gpt-test',
        max_tokens: 50,
        messages: hi,
        stream: true,
      }),
    );
    const blocks = evs
      .filter((x) => x.event?.startsWith('content_block'))
      .map((x) => {
        const d = x.data;
        const cb = d.content_block as Obj | undefined;
        const delta = d.delta as Obj | undefined;
        return `${String(x.event)}:${String(d.index)}:${String(cb?.type ?? delta?.type ?? '')}`;
      });
    expect(blocks).toEqual([
      'content_block_start:0:thinking',
      'content_block_delta:0:thinking_delta',
      'content_block_delta:0:thinking_delta',
      'content_block_stop:0:',
      'content_block_start:1:text',
      'content_block_delta:1:text_delta',
      'content_block_stop:1:',
    ]);
    expect(evs.find((x) => x.event === 'content_block_start')!.data.content_block).toEqual({
      type: 'thinking',
      thinking: '',
      signature: '',
    });
  });

  it("the official SDK's stream reads it as a thinking block and a text block", async () => {
    e.up.script({
      path: '/chat/completions',
      events: [
        chunk({ role: 'assistant', content: '' }),
        chunk({ reasoning_content: 'Adding.' }),
        chunk({ content: 'Four.' }),
        chunk({}, 'stop'),
        'data: [DONE]\n\n',
      ],
    });
    const client = new Anthropic({ baseURL: e.url, apiKey: e.userKey, maxRetries: 0 });
    const msg = await client.messages
      .stream({ model: 'up-openai/gpt-test', max_tokens: 50, messages: [{ role: 'user', content: 'hi' }] })
      .finalMessage();
    expect(msg.content.map((b) => b.type)).toEqual(['thinking', 'text']);
    expect(msg.content[0]).toMatchObject({ type: 'thinking', thinking: 'Adding.' });
  });
});

describe('an OpenAI-format client served by Claude with thinking on', () => {
  it('gets its thinking as reasoning_content (Anthropic API)', async () => {
    e.up.script({ path: '/messages', reasoning: 'The user greets me.' });
    const body = await json(
      await post('/v1/chat/completions', {
        model: 'up-anthropic/claude-test',
        reasoning_effort: 'low',
        messages: hi,
      }),
    );
    const msg = (body.choices as Array<{ message: Obj }>)[0]!.message;
    expect(msg.reasoning_content).toBe('The user greets me.');
    expect(msg.content).toBe('Hello from upstream');
  });

  it('streamed: reasoning_content deltas before the content', async () => {
    e.up.script({ path: '/messages', reasoning: 'The user greets me.' });
    const evs = await events(
      await post('/v1/chat/completions', {
        model: 'up-anthropic/claude-test',
        reasoning_effort: 'low',
        messages: hi,
        stream: true,
      }),
    );
    const deltas = evs.map((x) => (x.data.choices as Array<{ delta: Obj }> | undefined)?.[0]?.delta ?? {});
    const firstReasoning = deltas.findIndex((d) => d.reasoning_content === 'The user greets me.');
    const firstText = deltas.findIndex((d) => typeof d.content === 'string' && d.content !== '');
    expect(firstReasoning).toBeGreaterThanOrEqual(0);
    expect(firstReasoning).toBeLessThan(firstText);
  });

  it('on Bedrock alike, whole and streamed', async () => {
    e.up.script({ path: '/converse', reasoning: 'Thinking on Bedrock.' });
    const body = await json(
      await post('/v1/chat/completions', {
        model: `up-bedrock/${BEDROCK_MODEL}`,
        reasoning_effort: 'low',
        messages: hi,
      }),
    );
    expect((body.choices as Array<{ message: Obj }>)[0]!.message).toMatchObject({
      reasoning_content: 'Thinking on Bedrock.',
      content: 'Hello from upstream',
    });
    e.up.script({ path: '/converse-stream', reasoning: 'Thinking on Bedrock.' });
    const evs = await events(
      await post('/v1/chat/completions', {
        model: `up-bedrock/${BEDROCK_MODEL}`,
        reasoning_effort: 'low',
        messages: hi,
        stream: true,
      }),
    );
    const deltas = evs.map((x) => (x.data.choices as Array<{ delta: Obj }> | undefined)?.[0]?.delta ?? {});
    expect(deltas.map((d) => d.reasoning_content).filter(Boolean)).toEqual(['Thinking on Bedrock.']);
    expect(deltas.map((d) => d.content).join('')).toBe('Hello from upstream');
  });

  it("an Anthropic client served by Bedrock gets Claude's thinking as a thinking block signed by Bedrock", async () => {
    e.up.script({ path: '/converse', reasoning: 'Thinking on Bedrock.' });
    const body = await json(
      await post('/v1/messages', {
        model: `up-bedrock/${BEDROCK_MODEL}`,
        max_tokens: 4000,
        thinking: { type: 'enabled', budget_tokens: 2000 },
        messages: hi,
      }),
    );
    expect((body.content as Obj[])[0]).toEqual({
      type: 'thinking',
      thinking: 'Thinking on Bedrock.',
      signature: BEDROCK_THINKING_MARK + mockThinkingSignature('Thinking on Bedrock.'),
    });
  });
});

describe('an unsigned thinking block sent back', () => {
  const history = (assistant: Obj[], next: Obj[] | string = 'and now?') => [
    { role: 'user', content: 'hi' },
    { role: 'assistant', content: assistant },
    { role: 'user', content: next },
  ];
  const weather = [
    {
      name: 'get_weather',
      input_schema: { type: 'object', properties: { location: { type: 'string' } } },
    },
  ];

  it('to Anthropic: left out (Anthropic refuses a thinking block it did not sign); signed ones stay', async () => {
    const res = await post('/v1/messages', {
      model: 'up-anthropic/claude-test',
      max_tokens: 50,
      messages: [
        { role: 'user', content: 'hi' },
        {
          role: 'assistant',
          content: [
            { type: 'thinking', thinking: 'Claude thought.', signature: 'sig-real' },
            { type: 'text', text: 'Hello.' },
          ],
        },
        { role: 'user', content: 'and 2 + 2?' },
        {
          role: 'assistant',
          content: [
            { type: 'thinking', thinking: 'DeepSeek thought.', signature: '' },
            { type: 'text', text: 'Four.' },
          ],
        },
        { role: 'user', content: 'and now?' },
      ],
    });
    expect(res.status, await res.clone().text()).toBe(200);
    const msgs = sent().messages as Array<{ role: string; content: Obj[] }>;
    expect(msgs[1]!.content[0]).toEqual({
      type: 'thinking',
      thinking: 'Claude thought.',
      signature: 'sig-real',
    });
    expect(msgs[3]!.content).toEqual([{ type: 'text', text: 'Four.' }]);
  });

  it("to Anthropic with thinking on, in a tool loop: the request's thinking goes too (Claude would want its own)", async () => {
    const res = await post('/v1/messages', {
      model: 'up-anthropic/claude-test',
      max_tokens: 4000,
      thinking: { type: 'enabled', budget_tokens: 2000 },
      tools: weather,
      messages: history(
        [
          { type: 'thinking', thinking: 'I should look it up.', signature: '' },
          { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { location: 'Paris' } },
        ],
        [{ type: 'tool_result', tool_use_id: 'toolu_1', content: 'Sunny' }],
      ),
    });
    expect(res.status, await res.clone().text()).toBe(200);
    expect(sent().thinking).toBeUndefined();
    expect((sent().messages as Array<{ content: Obj[] }>)[1]!.content.map((b) => b.type)).toEqual([
      'tool_use',
    ]);
  });

  it('to an upstream that reasons in the open (DeepSeek): as the turn’s reasoning_content, which its tool loops need', async () => {
    const res = await post('/v1/messages', {
      model: 'up-deepseek/deepseek-chat',
      max_tokens: 50,
      tools: weather,
      messages: history(
        [
          { type: 'thinking', thinking: 'I should look it up.', signature: '' },
          { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { location: 'Paris' } },
        ],
        [{ type: 'tool_result', tool_use_id: 'toolu_1', content: 'Sunny' }],
      ),
    });
    expect(res.status, await res.clone().text()).toBe(200);
    expect((sent().messages as Obj[])[1]).toMatchObject({
      role: 'assistant',
      reasoning_content: 'I should look it up.',
    });
  });

  it('to another compatible vendor: not sent (Groq and Mistral refuse the field)', async () => {
    const res = await post('/v1/messages', {
      model: 'up-groq/qwen3-32b',
      max_tokens: 50,
      messages: history([
        { type: 'thinking', thinking: 'Hmm.', signature: 'sig-real' },
        { type: 'text', text: 'Four.' },
      ]),
    });
    expect(res.status, await res.clone().text()).toBe(200);
    expect((sent().messages as Obj[])[1]).toEqual({ role: 'assistant', content: 'Four.' });
  });

  it('to an OpenAI model: not sent (OpenAI has no such message field)', async () => {
    const res = await post('/v1/messages', {
      model: 'up-openai/gpt-test',
      max_tokens: 50,
      messages: history([
        { type: 'thinking', thinking: 'Hmm.', signature: '' },
        { type: 'text', text: 'Four.' },
      ]),
    });
    expect(res.status, await res.clone().text()).toBe(200);
    expect((sent().messages as Obj[])[1]).toEqual({ role: 'assistant', content: 'Four.' });
  });
});

// A Responses client (Codex) served through chat or Claude got no reasoning at all: it now gets a reasoning item before
// the answer, its text as the item's summary.
describe('a Responses client served by an upstream that reasons', () => {
  it('gets a reasoning item before the message (DeepSeek through chat)', async () => {
    e.up.script({
      path: '/chat/completions',
      status: 200,
      body: {
        id: 'chatcmpl-r2',
        object: 'chat.completion',
        created: 1,
        model: 'deepseek-chat',
        choices: [
          {
            index: 0,
            message: { role: 'assistant', content: 'Four.', reasoning_content: '2 + 2 is 4.' },
            finish_reason: 'stop',
          },
        ],
        usage: { prompt_tokens: 5, completion_tokens: 9, total_tokens: 14 },
      },
    });
    const body = await json(await post('/v1/responses', { model: 'up-deepseek/deepseek-chat', input: 'hi' }));
    const output = body.output as Obj[];
    expect(output.map((o) => o.type)).toEqual(['reasoning', 'message']);
    expect(output[0]!.summary).toEqual([{ type: 'summary_text', text: '2 + 2 is 4.' }]);
  });

  it("streamed: the official SDK's final response holds the reasoning item, then the message (Claude)", async () => {
    e.up.script({ path: '/messages', reasoning: 'The user greets me.' });
    const client = new OpenAI({ baseURL: `${e.url}/v1`, apiKey: e.userKey, maxRetries: 0 });
    const stream = client.responses.stream({
      model: 'up-anthropic/claude-test',
      input: 'hi',
      reasoning: { effort: 'low' },
    });
    const types: string[] = [];
    for await (const ev of stream) types.push(ev.type);
    const res = await stream.finalResponse();
    expect(res.output.map((o) => o.type)).toEqual(['reasoning', 'message']);
    expect(res.output[0]).toMatchObject({
      type: 'reasoning',
      summary: [{ type: 'summary_text', text: 'The user greets me.' }],
    });
    expect(res.output_text).toBe('Hello from upstream');
    expect(types.indexOf('response.reasoning_summary_text.delta')).toBeLessThan(
      types.indexOf('response.output_text.delta'),
    );
    expect(types.indexOf('response.reasoning_summary_text.done')).toBeLessThan(
      types.indexOf('response.output_text.delta'),
    );
  });

  it('sent back to a provider with a Responses API of its own, the reasoning item is left out (it would look it up)', async () => {
    e.up.script({ path: '/chat/completions', reasoning: 'Adding.' });
    const first = await json(
      await post('/v1/responses', { model: 'up-deepseek/deepseek-chat', input: 'hi' }),
    );
    const items = first.output as Obj[];
    expect(items.map((i) => i.type)).toEqual(['reasoning', 'message']);
    const res = await post('/v1/responses', {
      model: 'up-openai/gpt-test',
      input: [{ role: 'user', content: 'hi' }, ...items, { role: 'user', content: 'and now?' }],
    });
    expect(res.status, await res.clone().text()).toBe(200);
    const input = sent().input as Obj[];
    expect(input.map((i) => i.type ?? i.role)).toEqual(['user', 'message', 'user']);
  });
});

// A Responses client's reasoning items (the reasoning a model showed it, sent back with the conversation) were dropped
// on the way to a chat upstream, so DeepSeek, which wants a tool loop's reasoning back, never got it.
describe('a Responses client’s reasoning items sent back', () => {
  const tools = [{ type: 'function', name: 'get_weather', parameters: { type: 'object', properties: {} } }];
  const loop = (reasoning: Obj) => [
    { role: 'user', content: 'weather in Paris?' },
    reasoning,
    { type: 'function_call', call_id: 'call_1', name: 'get_weather', arguments: '{"location":"Paris"}' },
    { type: 'function_call_output', call_id: 'call_1', output: 'Sunny' },
  ];
  const gatewayItem = {
    type: 'reasoning',
    id: 'rs_tr_abc',
    summary: [{ type: 'summary_text', text: 'I should look it up.' }],
  };

  it('to DeepSeek: the text as the reasoning_content of the turn it came before', async () => {
    const res = await post('/v1/responses', {
      model: 'up-deepseek/deepseek-chat',
      tools,
      input: loop(gatewayItem),
    });
    expect(res.status, await res.clone().text()).toBe(200);
    const messages = sent().messages as Obj[];
    expect(messages[1]).toMatchObject({
      role: 'assistant',
      reasoning_content: 'I should look it up.',
      tool_calls: [{ id: 'call_1' }],
    });
    // The reasoning of a model's own text answer alike; a reasoning_text content too.
    await json(
      await post('/v1/responses', {
        model: 'up-deepseek/deepseek-chat',
        input: [
          { role: 'user', content: '2+2?' },
          {
            type: 'reasoning',
            id: 'rs_tr_x',
            summary: [],
            content: [{ type: 'reasoning_text', text: 'Adding.' }],
          },
          { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'Four.' }] },
          { role: 'user', content: 'and 3+3?' },
        ],
      }),
    );
    expect((sent().messages as Obj[])[1]).toMatchObject({ role: 'assistant', reasoning_content: 'Adding.' });
  });

  it('to Claude (Anthropic API, Bedrock) and the vendors that refuse the field: left out, the turn as it was', async () => {
    for (const model of ['up-anthropic/claude-test', `up-bedrock/${BEDROCK_MODEL}`, 'up-groq/qwen3-32b']) {
      const res = await post('/v1/responses', { model, tools, input: loop(gatewayItem) });
      expect(res.status, await res.clone().text()).toBe(200);
      expect(JSON.stringify(sent())).not.toContain('I should look it up.');
    }
  });
});

// Gemini's thoughts never reached a client of another format: the gateway did not ask for them (thinkingConfig's
// includeThoughts) and dropped the thought parts of an answer, so a client that asked for reasoning got none.
describe('a client served by Gemini that asked for reasoning', () => {
  const gemini = 'up-gemini/gemini-2.5-flash';

  it('an OpenAI chat client gets Gemini’s thought summary as reasoning_content, whole and streamed', async () => {
    e.up.script({ path: ':generateContent', reasoning: 'Adding two and two.' });
    const r = await json(
      await post('/v1/chat/completions', { model: gemini, messages: hi, reasoning_effort: 'low' }),
    );
    expect(((sent().generationConfig as Obj).thinkingConfig as Obj).includeThoughts).toBe(true);
    expect((r.choices as Obj[])[0]).toMatchObject({
      message: { content: 'Hello from upstream', reasoning_content: 'Adding two and two.' },
    });

    e.up.script({ path: ':streamGenerateContent', reasoning: 'Adding two and two.' });
    const evs = await events(
      await post('/v1/chat/completions', {
        model: gemini,
        messages: hi,
        reasoning_effort: 'low',
        stream: true,
      }),
    );
    const deltas = evs.map((ev) => ((ev.data.choices as Obj[] | undefined)?.[0]?.delta ?? {}) as Obj);
    const reasoningAt = deltas.findIndex((d) => d.reasoning_content === 'Adding two and two.');
    expect(reasoningAt).toBeGreaterThanOrEqual(0);
    expect(reasoningAt).toBeLessThan(deltas.findIndex((d) => d.content === 'Hello'));
    expect(deltas.map((d) => d.content ?? '').join('')).toBe('Hello from upstream');
  });

  it('an Anthropic client gets it as a thinking block (unsigned) before the text', async () => {
    e.up.script({ path: ':generateContent', reasoning: 'The user greets me.' });
    const r = await json(
      await post('/v1/messages', {
        model: gemini,
        max_tokens: 16000,
        messages: hi,
        thinking: { type: 'enabled', budget_tokens: 4000 },
      }),
    );
    expect(r.content).toEqual([
      { type: 'thinking', thinking: 'The user greets me.', signature: '' },
      { type: 'text', text: 'Hello from upstream' },
    ]);
  });

  it('a Responses client gets a reasoning item; no thoughts asked when no reasoning is', async () => {
    e.up.script({ path: ':generateContent', reasoning: 'Thinking.' });
    const r = await json(
      await post('/v1/responses', { model: gemini, input: 'hi', reasoning: { effort: 'medium' } }),
    );
    expect((r.output as Obj[]).map((o) => o.type)).toEqual(['reasoning', 'message']);
    expect((r.output as Obj[])[0]!.summary).toEqual([{ type: 'summary_text', text: 'Thinking.' }]);

    await json(await post('/v1/chat/completions', { model: gemini, messages: hi, reasoning_effort: 'none' }));
    expect((sent().generationConfig as Obj).thinkingConfig).toEqual({ thinkingBudget: 0 });
  });
});
