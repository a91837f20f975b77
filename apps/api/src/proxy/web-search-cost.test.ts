import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { budgetKey, spentBy } from '../test/budgets.js';
import { createProxyEnv, postAs, resetProxyEnv, type ProxyEnv } from '../test/proxy-env.js';

// Claude's web search runs on Anthropic's side and is billed per search ($10 per 1,000) on top of the tokens, and the
// answer's usage counts them (`server_tool_use.web_search_requests`). Claude Code's WebSearch is this tool. The
// searches were not counted: a key could search without limit past its budget, and reports showed the tokens only.

let env: ProxyEnv;
beforeAll(async () => {
  env = await createProxyEnv();
});
afterAll(async () => {
  await env?.close();
});
beforeEach(() => resetProxyEnv(env));

// claude-test: $3 input, $15 output per 1M tokens.
const tokens = (100 * 3 + 20 * 15) / 1e6;
const usage = { input_tokens: 100, output_tokens: 20, server_tool_use: { web_search_requests: 3 } };
const request = (stream: boolean) => ({
  model: 'up-anthropic/claude-test',
  max_tokens: 200,
  stream,
  tools: [{ type: 'web_search_20250305', name: 'web_search', max_uses: 5 }],
  messages: [{ role: 'user', content: 'What happened today?' }],
});
const answer = {
  id: 'msg_ws',
  type: 'message',
  role: 'assistant',
  model: 'claude-test',
  content: [{ type: 'text', text: 'News.' }],
  stop_reason: 'end_turn',
  stop_sequence: null,
  usage,
};
const sse = (type: string, data: object) => `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;

describe("Claude's web searches are billed", () => {
  it('a whole answer: $0.01 a search on top of its tokens', async () => {
    const k = await budgetKey(env, 100);
    env.up.script({ path: '/messages', status: 200, body: answer });
    const r = await postAs(env, '/v1/messages', request(false), { key: k.key });
    expect(r.status, await r.text()).toBe(200);
    expect(await spentBy(env, k.id)).toBeCloseTo(tokens + 0.03, 10);
  });

  it('a stream: the searches its final usage counts', async () => {
    const k = await budgetKey(env, 100);
    env.up.script({
      path: '/messages',
      events: [
        sse('message_start', {
          message: {
            ...answer,
            content: [],
            stop_reason: null,
            usage: { input_tokens: 100, output_tokens: 1 },
          },
        }),
        sse('content_block_start', { index: 0, content_block: { type: 'text', text: '' } }),
        sse('content_block_delta', { index: 0, delta: { type: 'text_delta', text: 'News.' } }),
        sse('content_block_stop', { index: 0 }),
        sse('message_delta', { delta: { stop_reason: 'end_turn', stop_sequence: null }, usage }),
        sse('message_stop', {}),
      ],
    });
    const r = await postAs(env, '/v1/messages', request(true), { key: k.key });
    expect(await r.text()).toContain('message_stop');
    expect(await spentBy(env, k.id)).toBeCloseTo(tokens + 0.03, 10);
  });

  it('translated for an OpenAI chat client too', async () => {
    const k = await budgetKey(env, 100);
    env.up.script({ path: '/messages', status: 200, body: answer });
    const r = await postAs(
      env,
      '/v1/chat/completions',
      { model: 'up-anthropic/claude-test', max_tokens: 200, messages: [{ role: 'user', content: 'News?' }] },
      { key: k.key },
    );
    expect(r.status, await r.text()).toBe(200);
    expect(await spentBy(env, k.id)).toBeCloseTo(tokens + 0.03, 10);
  });

  it('a request allowing searches reserves them: max_uses at $0.01 each', async () => {
    // The tokens fit the budget, the five searches it allows do not.
    const { key } = await budgetKey(env, 0.02);
    const r = await postAs(env, '/v1/messages', request(false), { key });
    const text = await r.text();
    expect(r.status, text).toBe(402);
    expect(env.up.requests).toHaveLength(0);
  });
});

// OpenAI's web search tool (Responses API: a `web_search_call` output item per search; Codex's web search) is billed
// per call on top of the tokens ($10 per 1,000 for its current models, as the price catalogue says). The calls were
// not counted.
describe("OpenAI's web search calls are billed", () => {
  // gpt-test: $2 input, $8 output per 1M tokens.
  const openaiTokens = (100 * 2 + 20 * 8) / 1e6;
  const search = (id: string) => ({
    type: 'web_search_call',
    id,
    status: 'completed',
    action: { type: 'search' },
  });
  const response = {
    id: 'resp_ws',
    object: 'response',
    created_at: 1_700_000_000,
    status: 'completed',
    model: 'gpt-test',
    output: [
      search('ws_1'),
      search('ws_2'),
      {
        type: 'message',
        id: 'msg_1',
        status: 'completed',
        role: 'assistant',
        content: [{ type: 'output_text', text: 'News.', annotations: [] }],
      },
    ],
    usage: {
      input_tokens: 100,
      input_tokens_details: { cached_tokens: 0 },
      output_tokens: 20,
      output_tokens_details: { reasoning_tokens: 0 },
      total_tokens: 120,
    },
  };
  const ask = (key: string, stream: boolean) =>
    postAs(
      env,
      '/v1/responses',
      { model: 'up-openai/gpt-test', stream, tools: [{ type: 'web_search' }], input: 'What happened today?' },
      { key },
    );

  it('a whole answer: each web_search_call at $0.01', async () => {
    const k = await budgetKey(env, 100);
    env.up.script({ path: '/responses', status: 200, body: JSON.stringify(response, null, 2) });
    const r = await ask(k.key, false);
    expect(r.status, await r.text()).toBe(200);
    expect(await spentBy(env, k.id)).toBeCloseTo(openaiTokens + 0.02, 10);
  });

  it('a stream: the calls its completed response lists', async () => {
    const k = await budgetKey(env, 100);
    const ev = (type: string, data: object) =>
      `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;
    env.up.script({
      path: '/responses',
      events: [
        ev('response.created', { response: { ...response, status: 'in_progress', output: [], usage: null } }),
        ev('response.output_text.delta', {
          item_id: 'msg_1',
          output_index: 2,
          content_index: 0,
          delta: 'News.',
        }),
        ev('response.completed', { response }),
      ],
    });
    const r = await ask(k.key, true);
    expect(await r.text()).toContain('response.completed');
    expect(await spentBy(env, k.id)).toBeCloseTo(openaiTokens + 0.02, 10);
  });
});
