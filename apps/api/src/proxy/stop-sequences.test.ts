// Stop sequences between formats. Anthropic takes many stop sequences, OpenAI at most 4: an Anthropic client sending
// five to an OpenAI model was sent upstream and got OpenAI's own 400, in chat's terms ("stop": array too long).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addBedrockProvider, BEDROCK_MODEL } from '../test/bedrock.js';
import { createProxyEnv, type ProxyEnv } from '../test/proxy-env.js';

type Obj = Record<string, unknown>;

let e: ProxyEnv;
const LLAMA = 'meta.llama3-70b-instruct-v1:0';
beforeAll(async () => {
  e = await createProxyEnv();
  const bedrock = await addBedrockProvider(e);
  await e.t.app.ctx.prisma.model.create({
    data: {
      providerId: bedrock,
      modelId: LLAMA,
      displayName: 'Llama 3 on Bedrock',
      capabilities: ['chat', 'streaming'],
    },
  });
  await e.t.app.routing.reload();
}, 180_000);
afterAll(async () => {
  await e?.close();
});

const messages = (body: object) =>
  fetch(`${e.url}/v1/messages`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${e.userKey}`,
      'anthropic-version': '2023-06-01',
    },
    body: JSON.stringify(body),
  });
const hi = [{ role: 'user', content: 'hi' }];
const five = ['A', 'B', 'C', 'D', 'E'];

describe("an Anthropic client's stop sequences to an OpenAI model", () => {
  it('five or more: a 400 naming the limit, and no call to the provider', async () => {
    const before = e.up.requests.length;
    const res = await messages({
      model: 'up-openai/gpt-test',
      max_tokens: 50,
      messages: hi,
      stop_sequences: five,
    });
    const text = await res.text();
    expect(res.status, text).toBe(400);
    const body = JSON.parse(text) as { type: string; error: { type: string; message: string } };
    expect(body.type).toBe('error');
    expect(body.error.type).toBe('invalid_request_error');
    expect(body.error.message).toMatch(/5 stop sequences/);
    expect(body.error.message).toMatch(/at most 4/);
    expect(e.up.requests.length).toBe(before);
  });

  it('four go as they are', async () => {
    const res = await messages({
      model: 'up-openai/gpt-test',
      max_tokens: 50,
      messages: hi,
      stop_sequences: five.slice(0, 4),
    });
    expect(res.status, await res.clone().text()).toBe(200);
    expect((e.up.requests.at(-1)!.body as Obj).stop).toEqual(five.slice(0, 4));
  });

  it('five still go to Claude, which takes them', async () => {
    const res = await messages({
      model: 'up-anthropic/claude-test',
      max_tokens: 50,
      messages: hi,
      stop_sequences: five,
    });
    expect(res.status, await res.clone().text()).toBe(200);
    expect((e.up.requests.at(-1)!.body as Obj).stop_sequences).toEqual(five);
  });
});

// OpenAI's o3, o4-mini and GPT-5 (5.1, 5.2) take no stop sequences at all ("Unsupported parameter: 'stop' is not
// supported with this model"): an Anthropic client's stop_sequences to them got OpenAI's own 400, in chat's terms. They
// are now refused before the call, as more than 4 are, so another provider of the route may serve the request.
describe("an Anthropic client's stop sequences to an OpenAI model that takes none", () => {
  beforeAll(async () => {
    const { prisma } = e.t.app.ctx;
    for (const modelId of ['o3', 'o4-mini', 'gpt-5-mini', 'gpt-5.1', 'o3-mini', 'gpt-5-chat-latest'])
      await prisma.model.create({
        data: { providerId: e.ids.openai, modelId, displayName: modelId, capabilities: ['chat'] },
      });
    await e.t.app.routing.reload();
  });

  it.each(['o3', 'o4-mini', 'gpt-5-mini', 'gpt-5.1'])(
    '%s: a 400 saying the model takes none, and no call to the provider',
    async (model) => {
      const before = e.up.requests.length;
      const res = await messages({
        model: `up-openai/${model}`,
        max_tokens: 500,
        messages: hi,
        stop_sequences: ['END'],
      });
      const text = await res.text();
      expect(res.status, text).toBe(400);
      const body = JSON.parse(text) as { type: string; error: { type: string; message: string } };
      expect(body.error.type).toBe('invalid_request_error');
      expect(body.error.message).toMatch(/stop sequences/);
      expect(body.error.message).toContain(`${model}, OpenAI) takes none`);
      expect(e.up.requests.length).toBe(before);
    },
  );

  it('o3-mini and GPT-5’s chat model take them', async () => {
    for (const model of ['o3-mini', 'gpt-5-chat-latest']) {
      const res = await messages({
        model: `up-openai/${model}`,
        max_tokens: 500,
        messages: hi,
        stop_sequences: ['END'],
      });
      expect(res.status, await res.clone().text()).toBe(200);
      expect((e.up.requests.at(-1)!.body as Obj).stop).toEqual(['END']);
    }
  });

  it('without stop sequences the request goes', async () => {
    const res = await messages({ model: 'up-openai/o3', max_tokens: 500, messages: hi });
    expect(res.status, await res.clone().text()).toBe(200);
  });
});

// An OpenAI-compatible answer that stopped on one of an Anthropic client's stop sequences ended "end_turn" with no
// stop_sequence: the client could not tell it stopped there. OpenAI's own API does not say (its "stop" is the same for
// both), so its answers still end "end_turn"; vLLM says which string matched (the choice's `stop_reason`), and that
// now reaches the client as Anthropic says it.
describe('an OpenAI-compatible answer stopped on a stop sequence, to an Anthropic client', () => {
  const answer = (choice: Obj) => ({
    id: 'chatcmpl-s1',
    object: 'chat.completion',
    created: 1,
    model: 'gpt-test',
    choices: [{ index: 0, message: { role: 'assistant', content: '1, 2, 3, ' }, ...choice }],
    usage: { prompt_tokens: 5, completion_tokens: 4, total_tokens: 9 },
  });
  const ask = (stream = false) =>
    messages({
      model: 'up-openai/gpt-test',
      max_tokens: 50,
      messages: hi,
      stop_sequences: ['4', 'END'],
      ...(stream ? { stream: true } : {}),
    });

  it('stops with stop_sequence and the sequence when the upstream says which (vLLM)', async () => {
    e.up.script({
      path: '/chat/completions',
      status: 200,
      body: answer({ finish_reason: 'stop', stop_reason: '4' }),
    });
    const res = await ask();
    const body = JSON.parse(await res.text()) as Obj;
    expect(body).toMatchObject({ stop_reason: 'stop_sequence', stop_sequence: '4' });
  });

  it('streamed alike', async () => {
    const chunk = (delta: Obj, finish: Obj = { finish_reason: null }) =>
      `data: ${JSON.stringify({ id: 'chatcmpl-s1', object: 'chat.completion.chunk', created: 1, model: 'gpt-test', choices: [{ index: 0, delta, ...finish }] })}\n\n`;
    e.up.script({
      path: '/chat/completions',
      events: [
        chunk({ role: 'assistant', content: '1, 2, 3, ' }),
        chunk({}, { finish_reason: 'stop', stop_reason: '4' }),
        'data: [DONE]\n\n',
      ],
    });
    const res = await ask(true);
    const text = await res.text();
    expect(res.status, text).toBe(200);
    const delta = text
      .split('\n')
      .filter((l) => l.startsWith('data: ') && l.includes('message_delta'))
      .map((l) => JSON.parse(l.slice(6)) as { delta: Obj })[0]!.delta;
    expect(delta).toEqual({ stop_reason: 'stop_sequence', stop_sequence: '4' });
  });

  it("an answer that does not say (OpenAI's own), or names a string the client did not ask for, ends end_turn", async () => {
    e.up.script({ path: '/chat/completions', status: 200, body: answer({ finish_reason: 'stop' }) });
    expect(JSON.parse(await (await ask()).text())).toMatchObject({
      stop_reason: 'end_turn',
      stop_sequence: null,
    });
    e.up.script({
      path: '/chat/completions',
      status: 200,
      body: answer({ finish_reason: 'stop', stop_reason: 'X' }),
    });
    expect(JSON.parse(await (await ask()).text())).toMatchObject({
      stop_reason: 'end_turn',
      stop_sequence: null,
    });
  });
});

// A Bedrock answer that stopped on one of an Anthropic client's stop sequences ended "end_turn" with no stop_sequence,
// though Converse says so (stopReason "stop_sequence"), and for Claude says which when asked
// (additionalModelResponseFieldPaths ["/stop_sequence"]).
describe('a Bedrock answer stopped on a stop sequence, to an Anthropic client', () => {
  const ask = (model: string, stop_sequences: string[], stream = false) =>
    messages({
      model: `up-bedrock/${model}`,
      max_tokens: 50,
      messages: hi,
      stop_sequences,
      ...(stream ? { stream: true } : {}),
    });
  const streamedDelta = (text: string) =>
    text
      .split('\n')
      .filter((l) => l.startsWith('data: ') && l.includes('message_delta'))
      .map((l) => JSON.parse(l.slice(6)) as { delta: Obj })[0]!.delta;

  it('Claude: stop_sequence and the sequence Converse names, whole and streamed', async () => {
    e.up.script({ path: '/converse', stopReason: 'stop_sequence' });
    const res = await ask(BEDROCK_MODEL, ['4', 'END']);
    const text = await res.text();
    expect(res.status, text).toBe(200);
    expect(JSON.parse(text)).toMatchObject({ stop_reason: 'stop_sequence', stop_sequence: 'END' });
    expect(e.up.requests.at(-1)!.body).toMatchObject({
      additionalModelResponseFieldPaths: ['/stop_sequence'],
    });

    e.up.script({ path: '/converse-stream', stopReason: 'stop_sequence' });
    const streamed = await ask(BEDROCK_MODEL, ['4', 'END'], true);
    const body = await streamed.text();
    expect(streamed.status, body).toBe(200);
    expect(streamedDelta(body)).toEqual({ stop_reason: 'stop_sequence', stop_sequence: 'END' });
  });

  it('a model that does not say which: its one sequence when the client asked for one, else none named', async () => {
    e.up.script({ path: '/converse', stopReason: 'stop_sequence' });
    expect(JSON.parse(await (await ask(LLAMA, ['END'])).text())).toMatchObject({
      stop_reason: 'stop_sequence',
      stop_sequence: 'END',
    });
    expect(e.up.requests.at(-1)!.body).not.toHaveProperty('additionalModelResponseFieldPaths');
    e.up.script({ path: '/converse', stopReason: 'stop_sequence' });
    expect(JSON.parse(await (await ask(LLAMA, ['4', 'END'])).text())).toMatchObject({
      stop_reason: 'stop_sequence',
      stop_sequence: null,
    });
    // A turn that ended on its own still ends end_turn.
    expect(JSON.parse(await (await ask(BEDROCK_MODEL, ['4', 'END'])).text())).toMatchObject({
      stop_reason: 'end_turn',
      stop_sequence: null,
    });
  });
});
