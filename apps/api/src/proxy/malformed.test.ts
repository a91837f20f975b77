/**
 * Malformed bodies are a 4xx at the door (in the client's format, naming the field) and cost nothing; no gateway
 * exception text reaches a client; every budget reservation and in-flight count is released on every exit path.
 * Real database, real HTTP mock upstream.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { budgetKey, modelTarget } from '@switchyard/core';
import { generateGatewayKey } from '../lib/key-format.js';
import { createProxyEnv, type ProxyEnv } from '../test/proxy-env.js';

let env: ProxyEnv;
beforeAll(async () => {
  env = await createProxyEnv();
});
afterAll(async () => {
  await env?.close();
});
beforeEach(async () => {
  env.up.reset();
  await env.t.app.routing.reload();
});

type Body = Record<string, unknown>;

const post = (path: string, body: Body | string, key = env.userKey, headers: Record<string, string> = {}) =>
  fetch(`${env.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}`, ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

const GPT = 'up-openai/gpt-test';
const CLAUDE = 'up-anthropic/claude-test';
const hi = [{ role: 'user', content: 'hi' }];

/** [path, body, the field the 400 must name]; each crashed the handler (or was sent on) before the door check. */
const MALFORMED: [string, Body, string][] = [
  ['/v1/messages', { messages: [{ role: 'user', content: 123 }] }, 'messages[0].content'],
  ['/v1/messages', { messages: hi, system: 5 }, 'system'],
  ['/v1/messages', { messages: hi, tools: 'x' }, 'tools'],
  ['/v1/messages', { messages: [null] }, 'messages[0]'],
  ['/v1/messages', { messages: [{ role: 'user', content: [null] }] }, 'messages[0].content[0]'],
  [
    '/v1/messages',
    { messages: [{ role: 'user', content: [{ type: 'text', text: 5 }] }] },
    'messages[0].content[0].text',
  ],
  [
    '/v1/messages',
    { messages: [{ role: 'user', content: [{ type: 'tool_result', tool_use_id: 't1', content: 7 }] }] },
    'messages[0].content[0].content',
  ],
  [
    '/v1/messages',
    { messages: [{ role: 'user', content: [{ type: 'image', source: null }] }] },
    'messages[0].content[0].source',
  ],
  ['/v1/messages', { messages: hi, system: [null] }, 'system[0]'],
  ['/v1/messages/count_tokens', { messages: [{ role: 'user', content: 123 }] }, 'messages[0].content'],
  ['/v1/messages/count_tokens', { messages: [null] }, 'messages[0]'],
  ['/v1/messages/count_tokens', { messages: hi, tools: 'x' }, 'tools'],
  ['/v1/responses', { input: [null] }, 'input[0]'],
  ['/v1/responses', { input: [{ role: 'user', content: [null] }] }, 'input[0].content[0]'],
  ['/v1/responses', { input: 'hi', tools: 'x' }, 'tools'],
  ['/v1/responses', { input: 'hi', tools: [null] }, 'tools[0]'],
  [
    '/v1/responses',
    {
      input: [
        { role: 'user', content: [{ type: 'input_text', text: JSON.parse('{"toString":0}') as unknown }] },
      ],
    },
    'input[0].content[0].text',
  ],
  ['/v1/responses', { input: [{ type: 'function_call', call_id: 'c', name: {} }] }, 'input[0].name'],
  ['/v1/responses', { input: [{ type: 'function_call_output', output: 'x' }] }, 'input[0].call_id'],
  ['/v1/responses', { input: 'hi', tool_choice: { type: 'function', name: 1 } }, 'tool_choice.name'],
  [
    '/v1/responses',
    { input: 'hi', tools: [{ type: 'namespace', name: 'n', tools: [{ name: 2 }] }] },
    'tools[0].tools[0].name',
  ],
  [
    '/v1/messages',
    {
      messages: [
        {
          role: 'user',
          content: [{ type: 'image', source: { type: 'base64', media_type: 'image/png', data: {} } }],
        },
      ],
    },
    'messages[0].content[0].source.data',
  ],
  ['/v1/messages', { messages: hi, tool_choice: { type: 'tool' } }, 'tool_choice.name'],
  ['/v1/chat/completions', { messages: [null] }, 'messages[0]'],
  ['/v1/chat/completions', { messages: [{ role: 'user', content: [null] }] }, 'messages[0].content[0]'],
  ['/v1/chat/completions', { messages: hi, tools: [null] }, 'tools[0]'],
  [
    '/v1/chat/completions',
    { messages: [{ role: 'assistant', tool_calls: [null] }] },
    'messages[0].tool_calls[0]',
  ],
  [
    '/v1/chat/completions',
    { messages: [{ role: 'user', content: [{ type: 'image_url', image_url: null }] }] },
    'messages[0].content[0].image_url',
  ],
  ['/v1/embeddings', { input: [null] }, 'input[0]'],
];

const isAnthropicPath = (p: string) => p.includes('/messages');

/** The error message and type, from either client format. */
async function errorOf(
  res: Response,
  anthropic: boolean,
): Promise<{ message: string; type: string; param?: string | null }> {
  const j = (await res.json()) as {
    type?: string;
    error: { message: string; type: string; param?: string | null };
  };
  if (anthropic) expect(j.type).toBe('error');
  return j.error;
}

describe('door validation: wrong-typed bodies are a 400 in the client format naming the field', () => {
  const cases = MALFORMED.flatMap(([path, body, field]) =>
    [GPT, CLAUDE].flatMap((model) =>
      ['', '/openai', '/anthropic'].map((prefix) => [`${prefix}${path}`, model, body, field] as const),
    ),
  );
  it.each(cases)('%s (%s) %j → 400 naming %s', async (path, model, body, field) => {
    const res = await post(path, { model, max_tokens: 100, ...body });
    expect(res.status).toBe(400);
    const err = await errorOf(res, isAnthropicPath(path));
    expect(err.type).toBe('invalid_request_error');
    expect(err.message).toContain(`"${field}"`);
    if (!isAnthropicPath(path)) expect(err.param).toBe(field);
    expect(env.up.requests).toHaveLength(0);
  });

  it.each([
    ['NUL', 'evil\u0000model'],
    ['newline', 'gpt-test\n'],
    ['lone high surrogate', 'gpt-test\ud83d'],
    ['lone low surrogate', '\ude00gpt-test'],
    ['DEL', 'gpt\u007f-test'],
  ])('a model name with a %s is refused with 400 on both formats', async (_name, model) => {
    const a = await post('/v1/chat/completions', { model, messages: hi });
    expect(a.status).toBe(400);
    expect((await errorOf(a, false)).param).toBe('model');
    const b = await post('/anthropic/v1/messages', { model, max_tokens: 10, messages: hi });
    expect(b.status).toBe(400);
    expect((await errorOf(b, true)).message).toMatch(
      /"model" must not contain control characters or invalid UTF-16/,
    );
    expect(env.up.requests).toHaveLength(0);
  });

  it('a model name ending in a whole emoji is not refused for its characters', async () => {
    const res = await post('/v1/chat/completions', { model: `${'m'.repeat(297)}😀`, messages: hi });
    const err = await errorOf(res, false);
    expect(err.message).not.toMatch(/control characters/);
  });

  it('a 10,000-deep tool schema is a 400 naming the tool, on both formats; so is a 60,000-deep 130 KB body', async () => {
    // Written as text: JSON.stringify itself overflows the stack on such an object.
    const schema = `${'{"type":"object","properties":{"a":'.repeat(10_000)}{"type":"string"}${'}}'.repeat(10_000)}`;
    const oa = await post(
      '/v1/chat/completions',
      `{"model":"${GPT}","messages":[{"role":"user","content":"hi"}],"tools":[{"type":"function","function":{"name":"f","parameters":${schema}}}]}`,
    );
    expect(oa.status).toBe(400);
    expect((await errorOf(oa, false)).message).toMatch(
      /^"tools(\[0\]\.function\.parameters\.properties\.a\.[^"]*)?" is nested deeper than 64 levels\.$/,
    );
    const an = await post(
      '/v1/messages',
      `{"model":"${CLAUDE}","max_tokens":10,"messages":[{"role":"user","content":"hi"}],"tools":[{"name":"f","input_schema":${schema}}]}`,
    );
    expect(an.status).toBe(400);
    expect((await errorOf(an, true)).message).toMatch(
      /^"tools(\[0\]\.input_schema\.[^"]*)?" is nested deeper than 64 levels\.$/,
    );
    // Under the raw-scan size the parsed walker names the whole path.
    const small = `${'{"type":"object","properties":{"a":'.repeat(200)}{"type":"string"}${'}}'.repeat(200)}`;
    const named = await post(
      '/v1/chat/completions',
      `{"model":"${GPT}","messages":[{"role":"user","content":"hi"}],"tools":[{"type":"function","function":{"name":"f","parameters":${small}}}]}`,
    );
    expect(named.status).toBe(400);
    const namedErr = await errorOf(named, false);
    expect(namedErr.param).toMatch(/^tools\[0\]\.function\.parameters\.properties\.a\.properties\.a\./);
    expect(namedErr.message).toBe(`"${namedErr.param}" is nested deeper than 64 levels.`);
    const raw = `{"model":"${GPT}","messages":[{"role":"user","content":"hi"}],"x":${'['.repeat(60_000)}${']'.repeat(60_000)}}`;
    const big = await post('/v1/chat/completions', raw);
    expect(big.status).toBe(400);
    expect((await errorOf(big, false)).message).toBe('"x" is nested deeper than 64 levels.');
    expect(env.up.requests).toHaveLength(0);
  });

  it('the built-in mock provider answers "messages":[null] with a 400, not a 502 carrying a TypeError', async () => {
    const { prisma } = env.t.app.ctx;
    if (!(await prisma.provider.findFirst({ where: { slug: 'mocky' } }))) {
      const p = await prisma.provider.create({
        data: {
          slug: 'mocky',
          name: 'mocky',
          type: 'mock',
          priority: 50,
          status: 'active',
          autoFallback: false,
        },
      });
      await prisma.model.create({
        data: {
          providerId: p.id,
          modelId: 'mock-small',
          displayName: 'Mock small',
          priceInputPer1M: 1,
          priceOutputPer1M: 1,
          contextWindow: 16_384,
          capabilities: ['chat', 'tools', 'streaming'],
        },
      });
      await env.t.app.routing.reload();
    }
    for (const [path, body] of [
      ['/v1/chat/completions', { messages: [null] }],
      ['/v1/messages', { messages: [null], max_tokens: 10 }],
      ['/v1/responses', { input: [null] }],
    ] as const) {
      const res = await post(path, { model: 'mocky/mock-small', ...body });
      const text = await res.text();
      expect(res.status, `${path}: ${text}`).toBe(400);
      expect(text).not.toMatch(/TypeError|Cannot read|undefined/);
    }
    // And the mock still answers a well-formed call.
    expect((await post('/v1/chat/completions', { model: 'mocky/mock-small', messages: hi })).status).toBe(
      200,
    );
  });
});

describe('what real SDKs and agents send passes through untouched', () => {
  it('Anthropic: images, documents, tool_use / tool_result, thinking, cache_control and unknown fields', async () => {
    const body: Body = {
      model: CLAUDE,
      max_tokens: 4096,
      system: [{ type: 'text', text: 'You are terse.', cache_control: { type: 'ephemeral' } }],
      thinking: { type: 'enabled', budget_tokens: 1024 },
      metadata: { user_id: 'u-1' },
      tool_choice: { type: 'auto' },
      tools: [
        {
          name: 'get_weather',
          description: 'Weather',
          input_schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
          cache_control: { type: 'ephemeral' },
        },
        { type: 'web_search_20250305', name: 'web_search', max_uses: 2 },
      ],
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is in these?' },
            { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' } },
            { type: 'image', source: { type: 'url', url: 'https://example.com/a.png' } },
            {
              type: 'document',
              source: { type: 'text', media_type: 'text/plain', data: 'doc' },
              title: 'd',
              citations: { enabled: true },
            },
          ],
        },
        {
          role: 'assistant',
          content: [
            { type: 'thinking', thinking: 'hmm', signature: 'sig' },
            { type: 'redacted_thinking', data: 'xyz' },
            { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { city: 'Paris' } },
          ],
        },
        {
          role: 'user',
          content: [
            {
              type: 'tool_result',
              tool_use_id: 'toolu_1',
              content: [{ type: 'text', text: 'sunny' }],
              is_error: false,
            },
            { type: 'text', text: 'thanks', cache_control: { type: 'ephemeral', ttl: '1h' } },
          ],
        },
      ],
      future_field: { anything: [1, 'two', null] },
    };
    const res = await post('/v1/messages', body, env.userKey, { 'anthropic-version': '2023-06-01' });
    expect(res.status).toBe(200);
    expect(env.up.requests).toHaveLength(1);
    expect(env.up.requests[0]!.body).toEqual({ ...body, model: 'claude-test' });
  });

  it('OpenAI chat: image parts, tool calls, tool results, custom tools, audio parts and unknown fields', async () => {
    const body: Body = {
      model: GPT,
      messages: [
        { role: 'developer', content: [{ type: 'text', text: 'be brief' }] },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'look' },
            { type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA', detail: 'low' } },
            { type: 'input_audio', input_audio: { data: 'AA==', format: 'wav' } },
          ],
        },
        {
          role: 'assistant',
          content: null,
          tool_calls: [{ id: 'c1', type: 'function', function: { name: 'f', arguments: '{"a":1}' } }],
        },
        { role: 'tool', tool_call_id: 'c1', content: 'done' },
      ],
      tools: [
        {
          type: 'function',
          function: { name: 'f', parameters: { type: 'object', properties: {} }, strict: true },
        },
        { type: 'custom', custom: { name: 'grammar_tool' } },
      ],
      tool_choice: { type: 'function', function: { name: 'f' } },
      response_format: { type: 'json_schema', json_schema: { name: 'x', schema: { type: 'object' } } },
      stream: null,
      stop: ['\n\n'],
      temperature: 0.2,
      logit_bias: { '50256': -100 },
      reasoning_effort: 'low',
      some_new_field: true,
    };
    const res = await post('/v1/chat/completions', body);
    expect(res.status).toBe(200);
    expect(env.up.requests[0]!.body).toEqual({ ...body, model: 'gpt-test' });
  });

  it('Responses: message items, function calls and outputs, reasoning items, instructions and text format', async () => {
    const body: Body = {
      model: GPT,
      instructions: 'be brief',
      input: [
        {
          role: 'user',
          content: [
            { type: 'input_text', text: 'hi' },
            { type: 'input_image', image_url: 'https://example.com/x.png' },
          ],
        },
        { type: 'reasoning', id: 'rs_1', summary: [] },
        { type: 'function_call', call_id: 'c1', name: 'f', arguments: '{}' },
        { type: 'function_call_output', call_id: 'c1', output: 'ok' },
        { role: 'assistant', content: 'plain string content' },
      ],
      tools: [{ type: 'function', name: 'f', parameters: { type: 'object', properties: {} } }],
      text: { format: { type: 'json_schema', name: 'r', schema: { type: 'object' } } },
      max_output_tokens: 100,
    };
    const res = await post('/v1/responses', body);
    expect(res.status).toBe(200);
    expect(env.up.requests[0]!.body).toEqual({ ...body, model: 'gpt-test' });
  });

  it('custom tools, custom tool calls and an allowed_tools choice are answered through every translator (Anthropic, Gemini, the mock)', async () => {
    const { prisma, secrets } = env.t.app.ctx;
    const caps = ['chat', 'tools', 'streaming'];
    for (const [slug, type, modelId, baseUrl] of [
      ['gem', 'google', 'gemini-test', env.up.url],
      ['mocky2', 'mock', 'mock-small', null],
    ] as const) {
      if (await prisma.provider.findFirst({ where: { slug } })) continue;
      const p = await prisma.provider.create({
        data: {
          slug,
          name: slug,
          type,
          priority: 60,
          status: 'active',
          autoFallback: false,
          ...(baseUrl
            ? { baseUrl, encryptedApiKey: secrets.encrypt('AIza-test-key'), apiKeyLast4: 'test' }
            : {}),
        },
      });
      await prisma.model.create({
        data: {
          providerId: p.id,
          modelId,
          displayName: modelId,
          priceInputPer1M: 1,
          priceOutputPer1M: 1,
          contextWindow: 100_000,
          capabilities: caps,
        },
      });
    }
    await env.t.app.routing.reload();
    const body = {
      messages: [
        { role: 'user', content: 'run it' },
        {
          role: 'assistant',
          content: null,
          tool_calls: [
            { id: 'c1', type: 'custom', custom: { name: 'grammar', input: 'x' } },
            { id: 'c2', type: 'function', function: { name: 'f', arguments: '{}' } },
          ],
        },
        { role: 'tool', tool_call_id: 'c2', content: 'ok' },
        { role: 'user', content: 'and the weather?' },
      ],
      tools: [
        { type: 'custom', custom: { name: 'grammar' } },
        { type: 'function', function: { name: 'f', parameters: { type: 'object', properties: {} } } },
      ],
      tool_choice: {
        type: 'allowed_tools',
        allowed_tools: { mode: 'auto', tools: [{ type: 'function', function: { name: 'f' } }] },
      },
    };
    for (const model of [CLAUDE, 'gem/gemini-test', 'mocky2/mock-small']) {
      const res = await post('/v1/chat/completions', { model, ...body });
      expect(res.status, `${model}: ${await res.clone().text()}`).toBe(200);
    }
  });

  it('embeddings take strings, token arrays and arrays of token arrays', async () => {
    for (const input of ['a', ['a', 'b'], [1, 2, 3], [[1, 2], [3]]]) {
      expect((await post('/v1/embeddings', { model: 'up-openai/embed-test', input })).status).toBe(200);
    }
  });
});

describe('every reservation is released on every exit path', () => {
  async function budgetKeyFor(budgetUsd: number) {
    const k = generateGatewayKey();
    const row = await env.t.app.ctx.prisma.gatewayKey.create({
      data: {
        keyHash: k.hash,
        prefix: k.prefix,
        name: 'one call',
        ownerType: 'user',
        userId: env.ids.user,
        budgetUsd,
        budgetPeriod: 'month',
      },
    });
    await env.t.app.routing.reload();
    return { key: k.key, id: row.id };
  }

  const spend = async (keyId: string) =>
    (
      await env.t.app.routing.store.read([
        budgetKey({ scope: 'key', id: keyId, period: 'month' }, Date.now()),
      ])
    )[0] ?? 0;

  async function inFlightEverywhere(): Promise<number> {
    const models = await env.t.app.ctx.prisma.model.findMany({ select: { id: true, providerId: true } });
    const view = env.t.app.routing.store.view();
    return models.reduce((n, m) => n + view.inFlight(modelTarget(m.providerId, m.id)), 0);
  }

  async function recordedCost(keyId: string): Promise<number> {
    await env.flushUsage();
    const agg = await env.t.app.ctx.prisma.usageRecord.aggregate({
      _sum: { costUsd: true },
      where: { gatewayKeyId: keyId },
    });
    return Number(agg._sum.costUsd ?? 0);
  }

  it('1,000 malformed requests on a key whose budget fits one call; then that call succeeds and nothing stays reserved', async () => {
    // One call to claude-test with max_tokens 1000 reserves ~$0.0151 ($15 per 1M output tokens): $0.02 fits one.
    const { key, id } = await budgetKeyFor(0.02);
    const bodies = MALFORMED.flatMap(([path, body]) =>
      [GPT, CLAUDE].map((model) => [path, { model, max_tokens: 1000, ...body }] as const),
    );
    const statuses = new Map<number, number>();
    for (let i = 0; i < 1000; i += 20) {
      const batch = await Promise.all(
        Array.from({ length: 20 }, (_, j) => {
          const [path, body] = bodies[(i + j) % bodies.length]!;
          return post(path, body, key).then(async (r) => (await r.arrayBuffer(), r.status));
        }),
      );
      for (const s of batch) statuses.set(s, (statuses.get(s) ?? 0) + 1);
    }
    expect(
      [...statuses.keys()].every((s) => s >= 400 && s < 500),
      JSON.stringify([...statuses]),
    ).toBe(true);
    expect(await spend(id)).toBe(0);

    const ok = await post('/v1/messages', { model: CLAUDE, max_tokens: 1000, messages: hi }, key);
    expect(ok.status).toBe(200);
    await ok.arrayBuffer();
    expect(await inFlightEverywhere()).toBe(0);
    const cost = await recordedCost(id);
    expect(cost).toBeGreaterThan(0);
    expect(await spend(id)).toBeCloseTo(cost, 9);
  }, 120_000);

  it('an exception inside the gateway after admission: a generic 500 in the client format with the request id, and the reservation released', async () => {
    const { key, id } = await budgetKeyFor(0.02);
    const router = env.t.app.routing;
    const decide = router.decide.bind(router);
    router.decide = () => {
      throw new TypeError("Cannot read properties of undefined (reading 'secret-internal-detail')");
    };
    try {
      env.up.script({ path: '/messages', status: 500 });
      const res = await post('/v1/messages', { model: CLAUDE, max_tokens: 1000, messages: hi }, key, {
        'x-request-id': 'req-boom-1',
      });
      expect(res.status).toBe(500);
      const text = await res.text();
      expect(text).not.toMatch(/secret-internal-detail|TypeError|Cannot read/);
      const j = JSON.parse(text) as { type: string; error: { type: string; message: string } };
      expect(j.type).toBe('error');
      expect(j.error.message).toContain('req-boom-1');
    } finally {
      router.decide = decide;
    }
    expect(await inFlightEverywhere()).toBe(0);
    expect(await spend(id)).toBe(0);
    await env.flushUsage();
    const rec = await env.t.app.ctx.prisma.usageRecord.findFirst({
      where: { gatewayKeyId: id },
      orderBy: { createdAt: 'desc' },
    });
    expect(rec?.status).toBe(500);
    expect(rec?.errorCode).toBe('internal_error');
    // The one call the budget fits still goes through.
    expect((await post('/v1/messages', { model: CLAUDE, max_tokens: 1000, messages: hi }, key)).status).toBe(
      200,
    );
  });

  it('an upstream that never answers: after the time limits the client gets a 504 and the reservation is refunded', async () => {
    const { key, id } = await budgetKeyFor(0.02);
    // One hang: a target that timed out before its first byte is not asked again (no same-target retry).
    env.up.script({ path: '/messages', hang: true });
    const res = await post(
      '/v1/messages',
      { model: CLAUDE, max_tokens: 1000, stream: true, messages: hi },
      key,
    );
    expect(res.status).toBe(504);
    await res.arrayBuffer();
    expect(env.up.requests.filter((r) => r.path.endsWith('/messages'))).toHaveLength(1);
    expect(await inFlightEverywhere()).toBe(0);
    expect(await spend(id)).toBe(0);
    expect((await post('/v1/messages', { model: CLAUDE, max_tokens: 1000, messages: hi }, key)).status).toBe(
      200,
    );
  }, 30_000);

  it('a client that leaves mid-stream: in-flight back to zero and the reservation settled to what was streamed', async () => {
    const { key, id } = await budgetKeyFor(0.02);
    env.up.script({ path: '/messages', chunkDelayMs: 300 });
    const ac = new AbortController();
    const res = await fetch(`${env.url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: JSON.stringify({ model: CLAUDE, max_tokens: 1000, stream: true, messages: hi }),
      signal: ac.signal,
    });
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    await reader.read();
    ac.abort();
    await expect(reader.read()).rejects.toThrow();
    for (let i = 0; i < 50 && (await inFlightEverywhere()) > 0; i++)
      await new Promise((r) => setTimeout(r, 20));
    expect(await inFlightEverywhere()).toBe(0);
    // The settled spend is what was recorded (a stream cut short costs what it streamed), never the estimate.
    for (let i = 0; i < 50 && (await spend(id)) > 0.01; i++) await new Promise((r) => setTimeout(r, 20));
    expect(await spend(id)).toBeCloseTo(await recordedCost(id), 9);
    expect((await post('/v1/messages', { model: CLAUDE, max_tokens: 1000, messages: hi }, key)).status).toBe(
      200,
    );
  });
});
