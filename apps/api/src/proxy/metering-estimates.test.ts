// An upstream that reports no usage (or not all of it) is still billed for what it answered: the gateway estimates
// the output from the answer's text, the same way whichever path the answer took (relayed in the client's own
// format or translated into another one, whole or streamed).
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createProxyEnv, type ProxyEnv } from '../test/proxy-env.js';

let env: ProxyEnv;
beforeAll(async () => {
  env = await createProxyEnv();
});
afterAll(async () => {
  await env?.close();
});
beforeEach(() => env.up.reset());

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

  it('an answer with usage is billed at the upstream’s own figures', async () => {
    const chat = await post('/v1/chat/completions', chatReq('up-openai/gpt-test'));
    expect(await rowOf(chat.id)).toMatchObject({ tokensIn: 12, tokensOut: 5, tokensCached: 2 });
  });
});
