// An upstream that reports no usage (or not all of it) is still billed for what it answered: the gateway estimates
// the output from the answer's text, the same way whichever path the answer took (relayed in the client's own
// format or translated into another one, whole or streamed).
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createProxyEnv, resetProxyEnv, type ProxyEnv } from '../test/proxy-env.js';

let env: ProxyEnv;
beforeAll(async () => {
  env = await createProxyEnv();
});
afterAll(async () => {
  await env?.close();
});
// Each case starts from a clean slate of scripts, cooldowns and circuits (a cut stream counts as a failure).
beforeEach(() => resetProxyEnv(env));

async function post(path: string, body: unknown) {
  const res = await fetch(`${env.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${env.userKey}` },
    body: JSON.stringify(body),
  });
  return { status: res.status, text: await res.text(), id: res.headers.get('x-request-id')! };
}

async function rowOf(requestId: string) {
  await env.flushUsage();
  const row = await env.t.app.ctx.prisma.usageRecord.findFirst({ where: { requestId } });
  if (!row) throw new Error(`no usage record for ${requestId}`);
  return { ...row, cost: Number(row.costUsd) };
}

/**
 * Sends `body` to `path` and leaves once the upstream has the call (and `waitMs` more): the request's usage record.
 */
async function leaveAfterSent(path: string, body: unknown, waitMs = 0) {
  await env.flushUsage();
  const last = await env.t.app.ctx.prisma.usageRecord.findFirst({ orderBy: { id: 'desc' } });
  const before = env.up.requests.length;
  const ctl = new AbortController();
  const sent = fetch(`${env.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${env.userKey}` },
    body: JSON.stringify(body),
    signal: ctl.signal,
  }).catch(() => null);
  await expect.poll(() => env.up.requests.length - before).toBe(1);
  if (waitMs > 0) await new Promise((r) => setTimeout(r, waitMs));
  ctl.abort();
  await sent;
  for (let i = 0; i < 100; i++) {
    await env.flushUsage();
    const row = await env.t.app.ctx.prisma.usageRecord.findFirst({ where: { id: { gt: last?.id ?? 0 } } });
    if (row) return row;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`no usage record for the call to ${path}`);
}

/** ~4,000 words (20,000 characters): about 5,000 tokens of output. */
const ANSWER = 'word '.repeat(4000);

/** Whole answers as each upstream wire writes them, without a `usage` object. */
const chatBody = {
  id: 'chatcmpl-nousage',
  object: 'chat.completion',
  created: 1_700_000_000,
  model: 'gpt-test',
  choices: [{ index: 0, message: { role: 'assistant', content: ANSWER }, finish_reason: 'stop' }],
};
const anthropicBody = {
  id: 'msg_nousage',
  type: 'message',
  role: 'assistant',
  model: 'claude-test',
  content: [{ type: 'text', text: ANSWER }],
  stop_reason: 'end_turn',
  stop_sequence: null,
};
const responsesBody = {
  id: 'resp_nousage',
  object: 'response',
  created_at: 1_700_000_000,
  status: 'completed',
  model: 'gpt-test',
  output: [
    {
      type: 'message',
      id: 'msg_1',
      status: 'completed',
      role: 'assistant',
      content: [{ type: 'output_text', text: ANSWER, annotations: [] }],
    },
  ],
};

const chatReq = (model: string) => ({ model, messages: [{ role: 'user', content: 'hi' }] });
const messagesReq = (model: string) => ({
  model,
  max_tokens: 6000,
  messages: [{ role: 'user', content: 'hi' }],
});

describe('a whole answer whose upstream reports no usage', () => {
  it('relayed in the client’s own format, its output is estimated from its text as when it is translated', async () => {
    // Translated: an Anthropic client on the OpenAI upstream.
    env.up.script({ path: '/chat/completions', status: 200, body: chatBody });
    const translated = await post('/v1/messages', messagesReq('up-openai/gpt-test'));
    // Relayed: each client on an upstream of its own format.
    env.up.script({ path: '/chat/completions', status: 200, body: chatBody });
    const chat = await post('/v1/chat/completions', chatReq('up-openai/gpt-test'));
    env.up.script({ path: '/messages', status: 200, body: anthropicBody });
    const messages = await post('/v1/messages', messagesReq('up-anthropic/claude-test'));
    env.up.script({ path: '/responses', status: 200, body: responsesBody });
    const responses = await post('/v1/responses', { model: 'up-openai/gpt-test', input: 'hi' });

    for (const r of [translated, chat, messages, responses]) expect(r.status).toBe(200);
    expect(JSON.parse(chat.text).choices[0].message.content).toBe(ANSWER);
    expect(env.up.requests.map((r) => r.path)).toEqual([
      '/v1/chat/completions',
      '/v1/chat/completions',
      '/v1/messages',
      '/v1/responses',
    ]);

    const expected = (await rowOf(translated.id)).tokensOut;
    expect(expected).toBeGreaterThan(4500);

    for (const [r, pricePer1M] of [
      [chat, 8],
      [messages, 15],
      [responses, 8],
    ] as const) {
      const row = await rowOf(r.id);
      expect(row.tokensIn).toBeGreaterThan(0);
      expect(row.tokensOut).toBe(expected);
      // The output is billed: the cost holds at least the estimated output at the model's output price.
      expect(row.cost).toBeGreaterThanOrEqual((expected * pricePer1M) / 1e6);
    }
  });

  it('translated from an Anthropic upstream, its output is estimated from its text as from any other', async () => {
    // The reference: an Anthropic client on the OpenAI upstream.
    env.up.script({ path: '/chat/completions', status: 200, body: chatBody });
    const reference = await post('/v1/messages', messagesReq('up-openai/gpt-test'));
    env.up.script({ path: '/messages', status: 200, body: anthropicBody });
    const chat = await post('/v1/chat/completions', chatReq('up-anthropic/claude-test'));
    env.up.script({ path: '/messages', status: 200, body: anthropicBody });
    const responses = await post('/v1/responses', { model: 'up-anthropic/claude-test', input: 'hi' });

    for (const r of [reference, chat, responses]) expect(r.status).toBe(200);
    expect(JSON.parse(chat.text).choices[0].message.content).toBe(ANSWER);
    const expected = (await rowOf(reference.id)).tokensOut;
    expect(expected).toBeGreaterThan(4500);
    for (const r of [chat, responses]) {
      const row = await rowOf(r.id);
      expect(row.tokensIn).toBeGreaterThan(0);
      expect(row.tokensOut).toBe(expected);
      expect(row.cost).toBeGreaterThanOrEqual((expected * 15) / 1e6);
    }
  });

  it('an answer with usage is billed at the upstream’s own figures', async () => {
    const chat = await post('/v1/chat/completions', chatReq('up-openai/gpt-test'));
    expect(await rowOf(chat.id)).toMatchObject({ tokensIn: 12, tokensOut: 5, tokensCached: 2 });
  });
});

describe('whether a record’s tokens were estimated', () => {
  it('is kept on the record and shown in the request log, so estimates are not presented as measured', async () => {
    env.up.script({ path: '/chat/completions', status: 200, body: chatBody });
    const estimated = await post('/v1/chat/completions', chatReq('up-openai/gpt-test'));
    const measured = await post('/v1/chat/completions', chatReq('up-openai/gpt-test'));
    expect([estimated.status, measured.status]).toEqual([200, 200]);
    const e = await rowOf(estimated.id);
    const m = await rowOf(measured.id);
    expect(e.tokensOut).toBeGreaterThan(4500);
    expect(m).toMatchObject({ tokensIn: 12, tokensOut: 5 });

    const token = await env.t.tokenFor('admin');
    const list = await env.t.http.get('/api/v1/llm/logs?limit=50').set('authorization', `Bearer ${token}`);
    expect(list.status).toBe(200);
    const byRequest = new Map(
      (list.body.data as { requestId: string; tokensEstimated: boolean }[]).map((r) => [r.requestId, r]),
    );
    expect(byRequest.get(estimated.id)?.tokensEstimated).toBe(true);
    expect(byRequest.get(measured.id)?.tokensEstimated).toBe(false);
    // The request detail says the same.
    const detail = await env.t.http.get(`/api/v1/llm/logs/${e.id}`).set('authorization', `Bearer ${token}`);
    expect(detail.status).toBe(200);
    expect(detail.body).toMatchObject({ requestId: estimated.id, tokensEstimated: true });
    const own = await env.t.http.get(`/api/v1/llm/logs/${m.id}`).set('authorization', `Bearer ${token}`);
    expect(own.body).toMatchObject({ requestId: measured.id, tokensEstimated: false });
  });
});

describe('a whole answer of several choices whose upstream reports no usage', () => {
  it('is billed for the text of every choice, not the first only', async () => {
    env.up.script({ path: '/chat/completions', status: 200, body: chatBody });
    const one = await post('/v1/chat/completions', chatReq('up-openai/gpt-test'));
    const choices = [0, 1, 2, 3].map((index) => ({ ...chatBody.choices[0]!, index }));
    env.up.script({ path: '/chat/completions', status: 200, body: { ...chatBody, choices } });
    const four = await post('/v1/chat/completions', { ...chatReq('up-openai/gpt-test'), n: 4 });
    expect(one.status).toBe(200);
    expect(four.status).toBe(200);
    expect(JSON.parse(four.text).choices).toHaveLength(4);
    const r1 = await rowOf(one.id);
    const r4 = await rowOf(four.id);
    expect(r1.tokensOut).toBeGreaterThan(4500);
    expect(r4.tokensOut).toBe(4 * r1.tokensOut);
    expect(r4.cost).toBeGreaterThanOrEqual((4 * r1.tokensOut * 8) / 1e6);
  });

  it('tool calls count in every choice too', async () => {
    const call = (i: number) => ({
      id: `call_${i}`,
      type: 'function',
      function: { name: 'lookup', arguments: JSON.stringify({ q: 'word '.repeat(1000) }) },
    });
    const choice = (index: number) => ({
      index,
      message: { role: 'assistant', content: null, tool_calls: [call(index)] },
      finish_reason: 'tool_calls',
    });
    env.up.script({ path: '/chat/completions', status: 200, body: { ...chatBody, choices: [choice(0)] } });
    const one = await post('/v1/chat/completions', chatReq('up-openai/gpt-test'));
    env.up.script({
      path: '/chat/completions',
      status: 200,
      body: { ...chatBody, choices: [choice(0), choice(1), choice(2)] },
    });
    const three = await post('/v1/chat/completions', { ...chatReq('up-openai/gpt-test'), n: 3 });
    const r1 = await rowOf(one.id);
    expect(r1.tokensOut).toBeGreaterThan(1000);
    expect((await rowOf(three.id)).tokensOut).toBe(3 * r1.tokensOut);
  });
});

describe('a whole answer whose usage has no token figures', () => {
  // [what the usage object holds]
  it.each([
    ['no figures at all', {}],
    [
      'figures that are not numbers',
      { prompt_tokens: 'some', completion_tokens: 'many', total_tokens: 'all' },
    ],
    ['zeros', { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 }],
    ['negative figures', { prompt_tokens: -12, completion_tokens: -100_000, total_tokens: -100_012 }],
  ])('is billed by its text, as one without usage (%s)', async (_what, usage) => {
    // The reference: the same answer without a usage object.
    env.up.script({ path: '/chat/completions', status: 200, body: chatBody });
    const reference = await post('/v1/chat/completions', chatReq('up-openai/gpt-test'));
    const expected = await rowOf(reference.id);
    expect(expected.tokensOut).toBeGreaterThan(4500);

    // Relayed: a chat client on the OpenAI upstream, a Responses client on /responses, an Anthropic client on
    // Anthropic; translated: a chat client on Anthropic.
    const anUsage = Object.fromEntries(
      Object.entries(usage).map(([k, v]) => [
        k.replace('prompt_', 'input_').replace('completion_', 'output_'),
        v,
      ]),
    );
    env.up.script({ path: '/chat/completions', status: 200, body: { ...chatBody, usage } });
    const chat = await post('/v1/chat/completions', chatReq('up-openai/gpt-test'));
    env.up.script({ path: '/responses', status: 200, body: { ...responsesBody, usage: anUsage } });
    const responses = await post('/v1/responses', { model: 'up-openai/gpt-test', input: 'hi' });
    env.up.script({ path: '/messages', status: 200, body: { ...anthropicBody, usage: anUsage } });
    const messages = await post('/v1/messages', messagesReq('up-anthropic/claude-test'));
    env.up.script({ path: '/messages', status: 200, body: { ...anthropicBody, usage: anUsage } });
    const translated = await post('/v1/chat/completions', chatReq('up-anthropic/claude-test'));

    for (const [r, pricePer1M] of [
      [chat, 8],
      [responses, 8],
      [messages, 15],
      [translated, 15],
    ] as const) {
      expect(r.status).toBe(200);
      const row = await rowOf(r.id);
      expect(row.tokensIn).toBeGreaterThan(0);
      expect(row.tokensOut).toBe(expected.tokensOut);
      expect(row.cost).toBeGreaterThanOrEqual((expected.tokensOut * pricePer1M) / 1e6);
    }
  });
});

/** 40 text deltas of 250 characters (10,000 characters, about 2,500 tokens). */
const PIECES = Array.from({ length: 40 }, (_, i) => `${String(i).padStart(3, '0')}${' lorem'.repeat(41)}ip`);
const TEXT_TOKENS = Math.ceil(PIECES.join('').length / 4);
/** The mock's Anthropic stream: message_start, ping, content_block_start, the deltas, content_block_stop, … */
const BEFORE_MESSAGE_DELTA = 3 + PIECES.length + 1;

const streamReq = (model: string) => ({ ...messagesReq(model), stream: true });

describe('an Anthropic stream relayed to an Anthropic client that ends before its final usage', () => {
  it('cut by the upstream before message_delta: the output relayed is billed, as when translated', async () => {
    env.up.script({ path: '/messages', pieces: PIECES, cutAfterChunks: BEFORE_MESSAGE_DELTA });
    const relayed = await post('/v1/messages', streamReq('up-anthropic/claude-test'));
    env.up.script({ path: '/messages', pieces: PIECES, cutAfterChunks: BEFORE_MESSAGE_DELTA });
    const translated = await post('/v1/chat/completions', {
      ...chatReq('up-anthropic/claude-test'),
      stream: true,
    });
    expect(relayed.text).toContain(PIECES[39]);
    expect(relayed.text).not.toContain('message_delta');
    expect(relayed.text).toContain('event: error');
    expect(translated.text).toContain(PIECES[39]);

    const t = await rowOf(translated.id);
    const r = await rowOf(relayed.id);
    expect(t.tokensOut).toBe(TEXT_TOKENS);
    expect(r).toMatchObject({ errorCode: 'stream_interrupted', tokensOut: TEXT_TOKENS });
    // The input and cache figures are the upstream's own (message_start's): 10 + 2 cached.
    expect(r).toMatchObject({ tokensIn: 12, tokensCached: 2 });
    expect(r.cost).toBeGreaterThanOrEqual((TEXT_TOKENS * 15) / 1e6);
  });

  it('a client that reads most of the answer and leaves is billed for what it was sent', async () => {
    env.up.script({ path: '/messages', pieces: PIECES, chunkDelayMs: 15 });
    const ctl = new AbortController();
    const res = await fetch(`${env.url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${env.userKey}` },
      body: JSON.stringify(streamReq('up-anthropic/claude-test')),
      signal: ctl.signal,
    });
    const id = res.headers.get('x-request-id')!;
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let got = '';
    while (!got.includes(PIECES[30]!)) {
      const { value, done } = await reader.read();
      if (done) break;
      got += decoder.decode(value, { stream: true });
    }
    ctl.abort();
    await reader.cancel().catch(() => {});
    expect(got).toContain(PIECES[30]);
    expect(got).not.toContain('message_delta');

    // Wait for the gateway to notice and record the request.
    let row = null;
    for (let i = 0; i < 100 && !row; i++) {
      await env.flushUsage();
      row = await env.t.app.ctx.prisma.usageRecord.findFirst({ where: { requestId: id } });
      if (!row) await new Promise((r) => setTimeout(r, 50));
    }
    expect(row).not.toBeNull();
    // At least the 31 deltas the client read (it may have been sent a few more before the gateway saw it leave).
    expect(row!.tokensOut).toBeGreaterThanOrEqual(Math.ceil((31 * 250) / 4));
    expect(row!.tokensOut).toBeLessThanOrEqual(TEXT_TOKENS);
  });

  // The provider bills a prompt it was sent whether or not anyone waits for the answer: a client that leaves before
  // the answer starts (a long prompt, then hang up, again and again) used to be charged nothing at all.
  it.each([
    {
      stream: false,
      path: '/v1/chat/completions',
      model: 'up-openai/gpt-test',
      upstream: '/chat/completions',
    },
    { stream: true, path: '/v1/messages', model: 'up-anthropic/claude-test', upstream: '/messages' },
  ])(
    'a client that leaves before the answer starts is charged the prompt the provider was sent (stream: $stream)',
    async ({ stream, path, model, upstream }) => {
      env.up.script({ path: upstream, delayMs: 800 });
      const prompt = 'a long question '.repeat(1000);
      const row = await leaveAfterSent(path, {
        model,
        stream,
        max_tokens: 50,
        messages: [{ role: 'user', content: prompt }],
      });
      expect(row.status).toBe(499);
      // 16,000 characters of prompt: thousands of input tokens, priced at the model's input rate; no output.
      expect(row.tokensIn).toBeGreaterThan(2000);
      expect(row.tokensOut).toBe(0);
      expect(Number(row.costUsd)).toBeGreaterThan(0);
      expect(row.modelId).toBe(model.split('/')[1]);
      // The prompt's tokens are the gateway's estimate (the provider reported nothing), and the record says so.
      expect(row.tokensEstimated).toBe(true);
    },
  );

  // A provider that answers its stream's head at once and sends its first token only once the prompt is read (a
  // keep-alive comment first, as OpenRouter does): the client leaves between the head and anything relayed.
  it('a client that leaves after the upstream stream opened, before anything was relayed, is charged its prompt', async () => {
    const chunk = (content: string, finish: string | null = null) =>
      `data: ${JSON.stringify({
        id: 'chatcmpl-a',
        object: 'chat.completion.chunk',
        created: 0,
        model: 'gpt-test',
        choices: [{ index: 0, delta: { content }, finish_reason: finish }],
      })}\n\n`;
    env.up.script({
      path: '/chat/completions',
      events: [': PROCESSING\n\n', chunk('Hello'), chunk('', 'stop'), 'data: [DONE]\n\n'],
      chunkDelayMs: 1000,
    });
    // Left once the upstream's head and its comment are in.
    const row = await leaveAfterSent(
      '/v1/chat/completions',
      {
        model: 'up-openai/gpt-test',
        stream: true,
        max_tokens: 50,
        messages: [{ role: 'user', content: 'a long question '.repeat(1000) }],
      },
      300,
    );
    expect(row).toMatchObject({ status: 499, tokensOut: 0 });
    expect(row.tokensIn).toBeGreaterThan(2000);
    expect(Number(row.costUsd)).toBeGreaterThan(0);
  });

  it("the upstream's final figure wins once it came, even when the stream is cut right after it", async () => {
    // The mock's message_delta says 5 output tokens, whatever the text.
    env.up.script({ path: '/messages', pieces: PIECES, cutAfterChunks: BEFORE_MESSAGE_DELTA + 1 });
    const cut = await post('/v1/messages', streamReq('up-anthropic/claude-test'));
    env.up.script({ path: '/messages', pieces: PIECES });
    const whole = await post('/v1/messages', streamReq('up-anthropic/claude-test'));
    expect(cut.text).toContain('message_delta');
    expect(cut.text).not.toContain('message_stop');
    expect(whole.text).toContain('message_stop');
    expect(await rowOf(cut.id)).toMatchObject({ tokensOut: 5, tokensIn: 12, tokensCached: 2 });
    expect(await rowOf(whole.id)).toMatchObject({
      tokensOut: 5,
      tokensIn: 12,
      tokensCached: 2,
      errorCode: null,
    });
  });
});

describe('an Anthropic stream translated to another client format that ends before its final usage', () => {
  it('cut: message_start’s input and cache figures stand; the final output wins once it came', async () => {
    const chatStream = { ...chatReq('up-anthropic/claude-test'), stream: true };
    const responsesStream = { model: 'up-anthropic/claude-test', input: 'hi', stream: true };
    // Cut before message_delta: the output is the estimate from the text relayed.
    env.up.script({ path: '/messages', pieces: PIECES, cutAfterChunks: BEFORE_MESSAGE_DELTA });
    const chat = await post('/v1/chat/completions', chatStream);
    env.up.script({ path: '/messages', pieces: PIECES, cutAfterChunks: BEFORE_MESSAGE_DELTA });
    const responses = await post('/v1/responses', responsesStream);
    // Cut right after message_delta: its output figure (the mock's 5) is the final one.
    env.up.script({ path: '/messages', pieces: PIECES, cutAfterChunks: BEFORE_MESSAGE_DELTA + 1 });
    const late = await post('/v1/chat/completions', chatStream);
    for (const r of [chat, responses, late]) expect(r.text).toContain(PIECES[39]);

    for (const r of [chat, responses])
      expect(await rowOf(r.id)).toMatchObject({
        errorCode: 'stream_interrupted',
        tokensIn: 12,
        tokensCached: 2,
        tokensOut: TEXT_TOKENS,
      });
    expect(await rowOf(late.id)).toMatchObject({ tokensIn: 12, tokensCached: 2, tokensOut: 5 });
  });
});

// An upstream whose usage gives one figure and not the other (a figure missing, or one that is not a number): the
// figure it gave stands, and the one it did not is estimated as when the whole usage is missing (the output from
// the answer's text, the input from the request), whole or streamed, relayed or translated.
describe('an answer whose usage gives one figure and not the other', () => {
  const chatChunk = (delta: Record<string, unknown>, finish: string | null = null) =>
    `data: ${JSON.stringify({
      id: 'chatcmpl-half',
      object: 'chat.completion.chunk',
      created: 0,
      model: 'gpt-test',
      choices: [{ index: 0, delta, finish_reason: finish }],
    })}\n\n`;
  /** An OpenAI chat stream of PIECES, with this final usage chunk (none: no usage at all). */
  const chatEvents = (usage?: Record<string, unknown>) => [
    chatChunk({ role: 'assistant', content: '' }),
    ...PIECES.map((p) => chatChunk({ content: p })),
    chatChunk({}, 'stop'),
    ...(usage
      ? [
          `data: ${JSON.stringify({ id: 'chatcmpl-half', object: 'chat.completion.chunk', created: 0, model: 'gpt-test', choices: [], usage })}\n\n`,
        ]
      : []),
    'data: [DONE]\n\n',
  ];
  const anEvent = (type: string, data: Record<string, unknown>) =>
    `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;
  /** An Anthropic stream of PIECES: message_start's usage and message_delta's (none: left out). */
  const anthropicEvents = (start: Record<string, unknown> | null, delta: Record<string, unknown> | null) => [
    anEvent('message_start', {
      message: {
        id: 'msg_half',
        type: 'message',
        role: 'assistant',
        model: 'claude-test',
        content: [],
        stop_reason: null,
        stop_sequence: null,
        ...(start ? { usage: start } : {}),
      },
    }),
    anEvent('content_block_start', { index: 0, content_block: { type: 'text', text: '' } }),
    ...PIECES.map((p) =>
      anEvent('content_block_delta', { index: 0, delta: { type: 'text_delta', text: p } }),
    ),
    anEvent('content_block_stop', { index: 0 }),
    anEvent('message_delta', {
      delta: { stop_reason: 'end_turn', stop_sequence: null },
      ...(delta ? { usage: delta } : {}),
    }),
    anEvent('message_stop', {}),
  ];
  const chatStream = (model: string) => ({ ...chatReq(model), stream: true });

  it.each([
    ['not a number', 'x'],
    ['missing', undefined],
  ])(
    'whole, the output figure %s: the input stands, the output is estimated from the text',
    async (_w, bad) => {
      // The references: the same answers without usage (the output estimated from their text).
      env.up.script({ path: '/chat/completions', status: 200, body: chatBody });
      const refChat = await rowOf((await post('/v1/chat/completions', chatReq('up-openai/gpt-test'))).id);
      env.up.script({ path: '/messages', status: 200, body: anthropicBody });
      const refMessages = await rowOf(
        (await post('/v1/messages', messagesReq('up-anthropic/claude-test'))).id,
      );
      expect(refChat.tokensOut).toBeGreaterThan(4500);

      const oaUsage = { prompt_tokens: 12, completion_tokens: bad };
      const anUsage = { input_tokens: 12, output_tokens: bad };
      env.up.script({ path: '/chat/completions', status: 200, body: { ...chatBody, usage: oaUsage } });
      const chat = await post('/v1/chat/completions', chatReq('up-openai/gpt-test'));
      env.up.script({ path: '/chat/completions', status: 200, body: { ...chatBody, usage: oaUsage } });
      const chatToMessages = await post('/v1/messages', messagesReq('up-openai/gpt-test'));
      env.up.script({ path: '/messages', status: 200, body: { ...anthropicBody, usage: anUsage } });
      const messages = await post('/v1/messages', messagesReq('up-anthropic/claude-test'));
      env.up.script({ path: '/messages', status: 200, body: { ...anthropicBody, usage: anUsage } });
      const messagesToChat = await post('/v1/chat/completions', chatReq('up-anthropic/claude-test'));

      for (const [r, ref, pricePer1M] of [
        [chat, refChat, 8],
        [chatToMessages, refChat, 8],
        [messages, refMessages, 15],
        [messagesToChat, refMessages, 15],
      ] as const) {
        expect(r.status).toBe(200);
        const row = await rowOf(r.id);
        expect(row).toMatchObject({ tokensIn: 12, tokensOut: ref.tokensOut });
        expect(row.cost).toBeGreaterThanOrEqual((ref.tokensOut * pricePer1M) / 1e6);
      }
    },
  );

  it('whole, the input figure not a number: the output stands, the input is estimated from the request', async () => {
    env.up.script({ path: '/chat/completions', status: 200, body: chatBody });
    const refChat = await rowOf((await post('/v1/chat/completions', chatReq('up-openai/gpt-test'))).id);
    env.up.script({ path: '/messages', status: 200, body: anthropicBody });
    const refMessages = await rowOf((await post('/v1/messages', messagesReq('up-anthropic/claude-test'))).id);
    expect(refChat.tokensIn).toBeGreaterThan(0);
    expect(refMessages.tokensIn).toBeGreaterThan(0);

    env.up.script({
      path: '/chat/completions',
      status: 200,
      body: { ...chatBody, usage: { prompt_tokens: 'x', completion_tokens: 7 } },
    });
    const chat = await post('/v1/chat/completions', chatReq('up-openai/gpt-test'));
    env.up.script({
      path: '/messages',
      status: 200,
      body: { ...anthropicBody, usage: { output_tokens: 7 } },
    });
    const messages = await post('/v1/messages', messagesReq('up-anthropic/claude-test'));
    expect(await rowOf(chat.id)).toMatchObject({ tokensIn: refChat.tokensIn, tokensOut: 7 });
    expect(await rowOf(messages.id)).toMatchObject({ tokensIn: refMessages.tokensIn, tokensOut: 7 });
  });

  it('an Anthropic usage whose input figure is not a number with cache figures: the prompt is estimated, not the cache alone', async () => {
    env.up.script({ path: '/messages', status: 200, body: anthropicBody });
    const ref = await rowOf((await post('/v1/messages', messagesReq('up-anthropic/claude-test'))).id);
    env.up.script({ path: '/messages', events: anthropicEvents(null, null) });
    const refStream = await rowOf((await post('/v1/messages', streamReq('up-anthropic/claude-test'))).id);
    expect(ref.tokensIn).toBeGreaterThan(2);
    const usage = { input_tokens: 'x', cache_read_input_tokens: 2, cache_creation_input_tokens: 0 };
    env.up.script({
      path: '/messages',
      status: 200,
      body: { ...anthropicBody, usage: { ...usage, output_tokens: 7 } },
    });
    const whole = await post('/v1/messages', messagesReq('up-anthropic/claude-test'));
    env.up.script({
      path: '/messages',
      status: 200,
      body: { ...anthropicBody, usage: { ...usage, output_tokens: 7 } },
    });
    const translated = await post('/v1/chat/completions', chatReq('up-anthropic/claude-test'));
    env.up.script({
      path: '/messages',
      events: anthropicEvents({ ...usage, output_tokens: 1 }, { output_tokens: 7 }),
    });
    const streamed = await post('/v1/messages', streamReq('up-anthropic/claude-test'));
    const refChat = await (async () => {
      env.up.script({ path: '/messages', status: 200, body: anthropicBody });
      return rowOf((await post('/v1/chat/completions', chatReq('up-anthropic/claude-test'))).id);
    })();
    expect(await rowOf(whole.id)).toMatchObject({ tokensIn: ref.tokensIn, tokensOut: 7 });
    expect(await rowOf(translated.id)).toMatchObject({ tokensIn: refChat.tokensIn, tokensOut: 7 });
    expect(await rowOf(streamed.id)).toMatchObject({ tokensIn: refStream.tokensIn, tokensOut: 7 });
  });

  it('streamed, the output figure not a number or missing: the input stands, the output is estimated from the text', async () => {
    // [client path, its request, upstream path, the upstream's events for a usage (none: no usage at all)]
    const oa = (u?: Record<string, unknown>) => chatEvents(u && { prompt_tokens: 12, ...u });
    // message_start's output figure is a placeholder: message_delta's is the answer's.
    const an = (u?: Record<string, unknown>) =>
      u ? anthropicEvents({ input_tokens: 12, output_tokens: 1 }, u) : anthropicEvents(null, null);
    const pairs = [
      [
        '/v1/chat/completions',
        chatStream('up-openai/gpt-test'),
        '/chat/completions',
        oa,
        'completion_tokens',
      ],
      ['/v1/messages', streamReq('up-openai/gpt-test'), '/chat/completions', oa, 'completion_tokens'],
      ['/v1/messages', streamReq('up-anthropic/claude-test'), '/messages', an, 'output_tokens'],
      ['/v1/chat/completions', chatStream('up-anthropic/claude-test'), '/messages', an, 'output_tokens'],
    ] as const;
    for (const [path, body, upstream, events, field] of pairs) {
      // The reference: the same stream without any usage, its output estimated from its text.
      env.up.script({ path: upstream, events: events() });
      const ref = await rowOf((await post(path, body)).id);
      expect(ref.tokensOut).toBeGreaterThan(2000);
      for (const usage of [{ [field]: 'x' }, {}]) {
        env.up.script({ path: upstream, events: events(usage) });
        const r = await post(path, body);
        expect(r.status).toBe(200);
        expect(r.text).toContain(PIECES[39]);
        const row = await rowOf(r.id);
        expect(row).toMatchObject({ tokensIn: 12, errorCode: null });
        // The relayed chat stream's estimate counts each event's size: the usage chunk adds a token or so.
        expect(Math.abs(row.tokensOut - ref.tokensOut)).toBeLessThanOrEqual(2);
      }
    }
  });

  it('streamed, the input figure not a number: the output stands, the input is estimated from the request', async () => {
    env.up.script({ path: '/chat/completions', events: chatEvents() });
    const refChat = await rowOf((await post('/v1/chat/completions', chatStream('up-openai/gpt-test'))).id);
    env.up.script({ path: '/messages', events: anthropicEvents(null, null) });
    const refMessages = await rowOf((await post('/v1/messages', streamReq('up-anthropic/claude-test'))).id);

    env.up.script({
      path: '/chat/completions',
      events: chatEvents({ prompt_tokens: 'x', completion_tokens: 7 }),
    });
    const chat = await post('/v1/chat/completions', chatStream('up-openai/gpt-test'));
    env.up.script({
      path: '/messages',
      events: anthropicEvents({ input_tokens: 'x', output_tokens: 1 }, { output_tokens: 7 }),
    });
    const messages = await post('/v1/messages', streamReq('up-anthropic/claude-test'));
    // A streamed answer's estimated input is marked as estimated like a whole answer's.
    expect(await rowOf(chat.id)).toMatchObject({
      tokensIn: refChat.tokensIn,
      tokensOut: 7,
      tokensEstimated: true,
    });
    expect(await rowOf(messages.id)).toMatchObject({
      tokensIn: refMessages.tokensIn,
      tokensOut: 7,
      tokensEstimated: true,
    });
  });
});
