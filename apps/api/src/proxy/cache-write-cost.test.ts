import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { budgetKey, spentBy } from '../test/budgets.js';
import { addDeepSeekProvider } from '../test/deepseek.js';
import { createProxyEnv, postAs, resetProxyEnv, type ProxyEnv } from '../test/proxy-env.js';

// Claude bills the prompt tokens it writes to its cache above the input price: 1.25 times for the default 5-minute
// cache, twice for the 1-hour one (Anthropic's and Bedrock's pricing). Coding agents mark their long system prompt
// and tools for caching on every turn (Claude Code does), so these writes are much of their spend; they were billed
// at the plain input price, and budgets and reports counted 20–50 % less than the provider charged for them.

let env: ProxyEnv;
beforeAll(async () => {
  env = await createProxyEnv();
  const deepseek = await addDeepSeekProvider(env);
  // DeepSeek's prices per 1M tokens: $0.28 input, $0.028 read from its cache, $0.42 output.
  await env.t.app.ctx.prisma.model.updateMany({
    where: { providerId: deepseek },
    data: { priceInputPer1M: 0.28, priceCachedInputPer1M: 0.028, priceOutputPer1M: 0.42 },
  });
  await env.t.app.routing.reload();
});
afterAll(async () => {
  await env?.close();
});
beforeEach(() => resetProxyEnv(env));

// claude-test: $3 input, $15 output, $0.30 cached input per 1M tokens.
const post = (key: string, body: object) => postAs(env, '/v1/messages', body, { key });

const request = (stream: boolean, ttl?: '1h') => ({
  model: 'up-anthropic/claude-test',
  max_tokens: 100,
  stream,
  system: [
    {
      type: 'text',
      text: 'You are a coding agent. '.repeat(20),
      cache_control: ttl ? { type: 'ephemeral', ttl } : { type: 'ephemeral' },
    },
  ],
  messages: [{ role: 'user', content: 'hi' }],
});

const answer = (usage: object) => ({
  id: 'msg_cw',
  type: 'message',
  role: 'assistant',
  model: 'claude-test',
  content: [{ type: 'text', text: 'ok' }],
  stop_reason: 'end_turn',
  stop_sequence: null,
  usage,
});

const sse = (type: string, data: object) => `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;
const streamed = (usage: object, output: number) => [
  sse('message_start', {
    message: { ...answer({ ...usage, output_tokens: 1 }), content: [], stop_reason: null },
  }),
  sse('content_block_start', { index: 0, content_block: { type: 'text', text: '' } }),
  sse('content_block_delta', { index: 0, delta: { type: 'text_delta', text: 'ok' } }),
  sse('content_block_stop', { index: 0 }),
  sse('message_delta', {
    delta: { stop_reason: 'end_turn', stop_sequence: null },
    usage: { output_tokens: output },
  }),
  sse('message_stop', {}),
];

describe('prompt tokens written to Claude’s cache are billed at its write price', () => {
  // 10 uncached input tokens, 10,000 written to the cache, 2,000 read from it, 5 output tokens.
  const plain = (10 * 3 + 2_000 * 0.3 + 5 * 15) / 1e6;

  it('5-minute writes at 1.25 times the input price, whole and streamed', async () => {
    const usage = { input_tokens: 10, cache_creation_input_tokens: 10_000, cache_read_input_tokens: 2_000 };
    const want = plain + (10_000 * 3 * 1.25) / 1e6;
    const whole = await budgetKey(env, 100);
    env.up.script({ path: '/messages', status: 200, body: answer({ ...usage, output_tokens: 5 }) });
    const r = await post(whole.key, request(false));
    expect(r.status, await r.text()).toBe(200);
    expect(await spentBy(env, whole.id)).toBeCloseTo(want, 10);

    const stream = await budgetKey(env, 100);
    env.up.script({ path: '/messages', events: streamed(usage, 5) });
    const s = await post(stream.key, request(true));
    expect(s.status).toBe(200);
    expect(await s.text()).toContain('message_stop');
    expect(await spentBy(env, stream.id)).toBeCloseTo(want, 10);
  });

  it('1-hour writes at twice the input price, told apart by the usage’s own breakdown', async () => {
    const usage = {
      input_tokens: 10,
      cache_creation_input_tokens: 10_000,
      cache_read_input_tokens: 2_000,
      cache_creation: { ephemeral_5m_input_tokens: 4_000, ephemeral_1h_input_tokens: 6_000 },
    };
    const want = plain + (4_000 * 3 * 1.25 + 6_000 * 3 * 2) / 1e6;
    const k = await budgetKey(env, 100);
    env.up.script({ path: '/messages', status: 200, body: answer({ ...usage, output_tokens: 5 }) });
    const r = await post(k.key, request(false, '1h'));
    expect(r.status, await r.text()).toBe(200);
    expect(await spentBy(env, k.id)).toBeCloseTo(want, 10);
  });
});

describe('a request that asks Claude to cache its prompt reserves it at the write price', () => {
  // A large system prompt (~10,000 tokens), one output token: what the prompt may cost is most of the reservation.
  const big = (cache?: object) => ({
    model: 'up-anthropic/claude-test',
    max_tokens: 1,
    system: [
      {
        type: 'text',
        text: 'Rules of the repository. '.repeat(1_600),
        ...(cache ? { cache_control: cache } : {}),
      },
    ],
    messages: [{ role: 'user', content: 'hi' }],
  });
  const reserved = async (key: string, body: object) => {
    const r = await post(key, body);
    const text = await r.text();
    expect(r.status, text).toBe(402);
    return Number(/may cost up to \$([0-9.]+)/.exec(text)?.[1]);
  };

  it('1.25 times for the default lifetime, twice for 1 hour, the plain price without cache_control', async () => {
    const { key } = await budgetKey(env, 0.0001);
    const plain = await reserved(key, big());
    const short = await reserved(key, big({ type: 'ephemeral' }));
    const long = await reserved(key, big({ type: 'ephemeral', ttl: '1h' }));
    expect(plain).toBeGreaterThan(0.02);
    expect(short).toBeCloseTo(plain * 1.25, 3);
    expect(long).toBeCloseTo(plain * 2, 3);
    expect(env.up.requests).toHaveLength(0);
  });
});

// DeepSeek reports the prompt tokens read from its cache in fields of its own (prompt_cache_hit_tokens and
// prompt_cache_miss_tokens), not OpenAI's prompt_tokens_details.cached_tokens: they were billed at the full input
// price, ten times DeepSeek's price for a cache hit.
describe("DeepSeek's cache hits are billed at its cached price", () => {
  const usage = {
    prompt_tokens: 10_000,
    completion_tokens: 10,
    total_tokens: 10_010,
    prompt_cache_hit_tokens: 8_000,
    prompt_cache_miss_tokens: 2_000,
  };
  const want = (2_000 * 0.28 + 8_000 * 0.028 + 10 * 0.42) / 1e6;
  const completion = {
    id: 'chatcmpl-ds',
    object: 'chat.completion',
    created: 1_700_000_000,
    model: 'deepseek-chat',
    choices: [{ index: 0, message: { role: 'assistant', content: 'ok' }, finish_reason: 'stop' }],
    usage,
  };
  const chat = (key: string, stream: boolean) =>
    postAs(
      env,
      '/v1/chat/completions',
      {
        model: 'up-deepseek/deepseek-chat',
        stream,
        ...(stream ? { stream_options: { include_usage: true } } : {}),
        messages: [{ role: 'user', content: 'hi' }],
      },
      { key },
    );

  it('a whole answer, relayed to an OpenAI client and translated for an Anthropic one', async () => {
    const relayed = await budgetKey(env, 100);
    env.up.script({ path: '/chat/completions', status: 200, body: completion });
    const r = await chat(relayed.key, false);
    expect(r.status, await r.text()).toBe(200);
    expect(await spentBy(env, relayed.id)).toBeCloseTo(want, 10);

    const translated = await budgetKey(env, 100);
    env.up.script({ path: '/chat/completions', status: 200, body: completion });
    const a = await post(translated.key, {
      model: 'up-deepseek/deepseek-chat',
      max_tokens: 50,
      messages: [{ role: 'user', content: 'hi' }],
    });
    const body = await a.text();
    expect(a.status, body).toBe(200);
    expect(JSON.parse(body).usage).toMatchObject({ input_tokens: 2_000, cache_read_input_tokens: 8_000 });
    expect(await spentBy(env, translated.id)).toBeCloseTo(want, 10);
  });

  it('a stream, its usage in the last chunk', async () => {
    const k = await budgetKey(env, 100);
    const chunk = (o: object) =>
      `data: ${JSON.stringify({ id: 'chatcmpl-ds', object: 'chat.completion.chunk', created: 1, model: 'deepseek-chat', ...o })}\n\n`;
    env.up.script({
      path: '/chat/completions',
      events: [
        chunk({ choices: [{ index: 0, delta: { role: 'assistant', content: 'ok' }, finish_reason: null }] }),
        chunk({ choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] }),
        chunk({ choices: [], usage }),
        'data: [DONE]\n\n',
      ],
    });
    const r = await chat(k.key, true);
    expect(r.status).toBe(200);
    expect(await r.text()).toContain('[DONE]');
    expect(await spentBy(env, k.id)).toBeCloseTo(want, 10);
  });
});
