// What coding agents (Claude Code, Codex, OpenCode) and the official SDKs send, through the gateway to a real HTTP
// upstream: the protocol headers they depend on, the roles and tool shapes they use, and model discovery.
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MASTER_KEY, createProxyEnv, type ProxyEnv } from '../test/proxy-env.js';

let env: ProxyEnv;
type Obj = Record<string, unknown>;

beforeAll(async () => {
  env = await createProxyEnv();
});
afterAll(async () => {
  await env?.close();
});
beforeEach(() => env.up.reset());

async function post(path: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${env.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': env.userKey, ...headers },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  return { res, text, json: () => JSON.parse(text) as Obj };
}

const lastUpstream = () => env.up.requests.at(-1)!;
const upstreamBody = () => lastUpstream().body as Obj;

describe('Claude Code (Anthropic Messages)', () => {
  const BETA = 'claude-code-20250219,context-management-2025-06-27,interleaved-thinking-2025-05-14';

  it('forwards anthropic-beta and anthropic-version to an Anthropic upstream, count_tokens included, never the gateway key', async () => {
    const body = {
      model: 'up-anthropic/claude-test',
      max_tokens: 100,
      messages: [{ role: 'user', content: 'hi' }],
      context_management: { edits: [] },
    };
    const r = await post('/v1/messages?beta=true', body, {
      'anthropic-beta': BETA,
      'anthropic-version': '2023-06-01',
    });
    expect(r.res.status).toBe(200);
    expect(lastUpstream().path).toBe('/v1/messages');
    expect(lastUpstream().headers['anthropic-beta']).toBe(BETA);
    expect(lastUpstream().headers['anthropic-version']).toBe('2023-06-01');
    expect(JSON.stringify(lastUpstream().headers)).not.toContain(env.userKey);

    const c = await post(
      '/v1/messages/count_tokens?beta=true',
      { model: 'up-anthropic/claude-test', messages: [{ role: 'user', content: 'hi' }] },
      { 'anthropic-beta': BETA },
    );
    expect(c.res.status).toBe(200);
    expect(lastUpstream().path).toBe('/v1/messages/count_tokens');
    expect(lastUpstream().headers['anthropic-beta']).toBe(BETA);
  });

  it('sends no beta header when the client sent none, and drops beta-only fields when translating to an OpenAI upstream', async () => {
    await post('/v1/messages', {
      model: 'up-anthropic/claude-test',
      max_tokens: 10,
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(lastUpstream().headers['anthropic-beta']).toBeUndefined();

    const r = await post(
      '/v1/messages?beta=true',
      {
        model: 'up-openai/gpt-test',
        max_tokens: 10,
        messages: [{ role: 'user', content: 'hi' }],
        context_management: { edits: [] },
        output_config: { effort: 'high' },
      },
      { 'anthropic-beta': BETA },
    );
    expect(r.res.status).toBe(200);
    expect(lastUpstream().path).toBe('/v1/chat/completions');
    expect(lastUpstream().headers['anthropic-beta']).toBeUndefined();
    expect(upstreamBody()).not.toHaveProperty('context_management');
    expect(upstreamBody()).not.toHaveProperty('output_config');
  });

  it('keeps a system-role message with block content a system message on an OpenAI upstream, and system blocks apart', async () => {
    const r = await post('/v1/messages', {
      model: 'up-openai/gpt-test',
      max_tokens: 10,
      system: [
        { type: 'text', text: 'SYS-A' },
        { type: 'text', text: 'SYS-B', cache_control: { type: 'ephemeral' } },
      ],
      messages: [
        { role: 'user', content: 'first' },
        { role: 'assistant', content: 'ok' },
        { role: 'system', content: [{ type: 'text', text: 'Reminder: be brief.' }] },
        { role: 'user', content: 'second' },
      ],
    });
    expect(r.res.status).toBe(200);
    const msgs = upstreamBody().messages as { role: string; content: unknown }[];
    expect(msgs[0]).toEqual({ role: 'system', content: 'SYS-A\n\nSYS-B' });
    expect(msgs.map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'system', 'user']);
    expect(msgs[3]!.content).toBe('Reminder: be brief.');
  });

  it("shortens Claude Code's 150-character metadata.user_id to OpenAI's 64, the same way every time", async () => {
    const userId = `user_${'a1'.repeat(32)}_account_${'b2'.repeat(18)}_session_${'c3'.repeat(18)}`;
    expect(userId.length).toBeGreaterThan(140);
    const body = {
      model: 'up-openai/gpt-test',
      max_tokens: 10,
      metadata: { user_id: userId },
      messages: [{ role: 'user', content: 'hi' }],
    };
    await post('/v1/messages', body);
    const first = upstreamBody().user as string;
    await post('/v1/messages', body);
    expect(first.length).toBeLessThanOrEqual(64);
    expect(upstreamBody().user).toBe(first);
    await post('/v1/messages', { ...body, metadata: { user_id: 'short-id' } });
    expect(upstreamBody().user).toBe('short-id');
  });

  it("reports the prompt tokens in a translated stream's message_start (not 0)", async () => {
    const r = await post('/v1/messages', {
      model: 'up-openai/gpt-test',
      max_tokens: 10,
      stream: true,
      messages: [{ role: 'user', content: 'hello there, how are you today?' }],
    });
    expect(r.res.status).toBe(200);
    const start = r.text.split('\n').find((l) => l.startsWith('data:') && l.includes('"message_start"'))!;
    const usage = (JSON.parse(start.slice(5)) as { message: { usage: { input_tokens: number } } }).message
      .usage;
    expect(usage.input_tokens).toBeGreaterThan(0);
  });

  it('does not bill count_tokens nor hold it against a budget, and counts locally when the upstream lacks the route', async () => {
    const { prisma } = env.t.app.ctx;
    const { generateGatewayKey } = await import('../lib/key-format.js');
    const k = generateGatewayKey();
    await prisma.gatewayKey.create({
      data: {
        keyHash: k.hash,
        prefix: k.prefix,
        name: 'tiny budget',
        ownerType: 'user',
        userId: env.ids.user,
        budgetUsd: 0.000001,
        budgetPeriod: 'month',
      },
    });
    await env.t.app.routing.reload();
    const body = {
      model: 'up-anthropic/claude-test',
      messages: [{ role: 'user', content: 'count me, please' }],
    };
    for (let i = 0; i < 5; i++) {
      const r = await post('/v1/messages/count_tokens', body, { 'x-api-key': k.key });
      expect(r.res.status).toBe(200);
      expect(r.json().input_tokens).toBe(12);
    }
    await env.flushUsage();
    const rows = await prisma.usageRecord.findMany({
      where: { gatewayKeyId: { not: null }, endpoint: 'count_tokens' },
      orderBy: { id: 'desc' },
      take: 5,
    });
    expect(rows).toHaveLength(5);
    for (const row of rows) expect(Number(row.costUsd)).toBe(0);

    // An Anthropic-compatible upstream without count_tokens: the local estimate, and the model stays usable.
    env.up.script({
      path: 'count_tokens',
      status: 404,
      body: { type: 'error', error: { type: 'not_found_error', message: 'Not found' } },
    });
    const local = await post('/v1/messages/count_tokens', body, { 'x-api-key': env.userKey });
    expect(local.res.status).toBe(200);
    expect(local.json().input_tokens).toBeGreaterThan(0);
    const after = await post('/v1/messages', { ...body, max_tokens: 5 });
    expect(after.res.status).toBe(200);
    expect(after.res.headers.get('x-switchyard-model')).toBe('claude-test');
  });

  it("answers GET /v1/models in Anthropic's shape when the client sends anthropic-version (gateway model discovery)", async () => {
    const res = await fetch(`${env.url}/v1/models`, {
      headers: { 'x-api-key': env.userKey, 'anthropic-version': '2023-06-01' },
    });
    const j = (await res.json()) as { data: Obj[]; has_more: boolean; first_id: string };
    expect(res.status).toBe(200);
    expect(j.has_more).toBe(false);
    expect(j.data.length).toBeGreaterThan(0);
    expect(j.data[0]).toMatchObject({ type: 'model', id: j.first_id });
    expect(j.data.map((m) => m.id)).toContain('up-anthropic/claude-test');
    // Without the header, plain /v1/models stays OpenAI's list.
    const o = (await (
      await fetch(`${env.url}/v1/models`, { headers: { authorization: `Bearer ${env.userKey}` } })
    ).json()) as { object: string };
    expect(o.object).toBe('list');
  });
});

describe('OpenAI SDK edge cases', () => {
  it("retrieves one model (models.retrieve), with a slash in its id, and 404s an unknown one in the client's format", async () => {
    const openai = new OpenAI({ apiKey: env.userKey, baseURL: `${env.url}/v1`, maxRetries: 0 });
    const m = await openai.models.retrieve('up-openai/gpt-test');
    expect(m).toMatchObject({ id: 'up-openai/gpt-test', object: 'model', owned_by: 'up-openai' });
    const alias = await fetch(`${env.url}/v1/models/up-openai/gpt-test`, {
      headers: { authorization: `Bearer ${env.userKey}` },
    });
    expect(alias.status).toBe(200);
    await expect(openai.models.retrieve('no-such/model')).rejects.toMatchObject({ status: 404 });
    const an = await fetch(`${env.url}/anthropic/v1/models/up-anthropic%2Fclaude-test`, {
      headers: { 'x-api-key': env.userKey },
    });
    expect(await an.json()).toMatchObject({ type: 'model', id: 'up-anthropic/claude-test' });
    const bad = await fetch(`${env.url}/v1/models/%E0%A4%A`, {
      headers: { authorization: `Bearer ${env.userKey}` },
    });
    expect(bad.status).toBe(404);
    const post = await fetch(`${env.url}/v1/models/up-openai/gpt-test`, {
      method: 'POST',
      headers: { authorization: `Bearer ${env.userKey}` },
    });
    expect(post.status).toBe(405);
  });

  it('keeps parallel tool results in order when translating to Anthropic', async () => {
    const r = await post(
      '/v1/chat/completions',
      {
        model: 'up-anthropic/claude-test',
        messages: [
          { role: 'user', content: 'weather in two cities?' },
          {
            role: 'assistant',
            content: null,
            tool_calls: [
              {
                id: 'call_a',
                type: 'function',
                function: { name: 'get_weather', arguments: '{"city":"Paris"}' },
              },
              {
                id: 'call_b',
                type: 'function',
                function: { name: 'get_weather', arguments: '{"city":"Oslo"}' },
              },
              {
                id: 'call_c',
                type: 'function',
                function: { name: 'get_weather', arguments: '{"city":"Rome"}' },
              },
            ],
          },
          { role: 'tool', tool_call_id: 'call_a', content: 'sunny' },
          { role: 'tool', tool_call_id: 'call_b', content: 'snow' },
          { role: 'tool', tool_call_id: 'call_c', content: 'rain' },
        ],
      },
      { authorization: `Bearer ${env.userKey}` },
    );
    expect(r.res.status).toBe(200);
    const msgs = upstreamBody().messages as {
      role: string;
      content: { type: string; tool_use_id?: string }[];
    }[];
    const results = msgs.at(-1)!;
    expect(results.role).toBe('user');
    expect(results.content.map((b) => b.tool_use_id)).toEqual(['call_a', 'call_b', 'call_c']);
  });
});

describe('Codex (OpenAI Responses) on a provider without a native /responses', () => {
  const codexTools = [
    {
      type: 'namespace',
      name: 'collab',
      description: 'Agents',
      tools: [
        {
          type: 'function',
          name: 'get_weather',
          description: 'Weather for a city',
          parameters: { type: 'object', properties: { city: { type: 'string' } } },
        },
      ],
    },
    {
      type: 'function',
      name: 'shell',
      description: 'Run a command',
      parameters: { type: 'object', properties: { command: { type: 'array', items: { type: 'string' } } } },
    },
    { type: 'web_search' },
    {
      type: 'custom',
      name: 'apply_patch',
      description: 'Apply a patch',
      format: { type: 'grammar', syntax: 'lark', definition: 'start: "*** Begin Patch"' },
    },
  ];

  it('flattens namespace tools into functions, drops built-in tools and says so, and maps the call back with its namespace', async () => {
    const r = await post(
      '/v1/responses',
      {
        model: 'up-anthropic/claude-test',
        instructions: 'You are Codex.',
        input: [
          {
            type: 'message',
            role: 'user',
            content: [{ type: 'input_text', text: 'what is the weather in Paris?' }],
          },
        ],
        tools: codexTools,
      },
      { authorization: `Bearer ${env.userKey}` },
    );
    expect(r.res.status).toBe(200);
    expect(r.res.headers.get('x-switchyard-dropped-tools')).toBe('web_search');
    const sent = (upstreamBody().tools as { name: string; input_schema: Obj }[]).map((t) => t.name);
    expect(sent).toEqual(['collab__get_weather', 'shell', 'apply_patch']);
    const out = r.json().output as Obj[];
    const call = out.find((o) => o.type === 'function_call')!;
    expect(call).toMatchObject({ name: 'get_weather', namespace: 'collab' });
  });

  it('streams the same, and replays a namespaced call and a custom tool call from history to the upstream', async () => {
    const r = await post(
      '/v1/responses',
      {
        model: 'up-anthropic/claude-test',
        stream: true,
        input: [
          {
            type: 'message',
            role: 'user',
            content: [{ type: 'input_text', text: 'fix it, then the weather' }],
          },
          {
            type: 'function_call',
            call_id: 'c1',
            name: 'get_weather',
            namespace: 'collab',
            arguments: '{"city":"Oslo"}',
          },
          { type: 'function_call_output', call_id: 'c1', output: 'snow' },
          {
            type: 'custom_tool_call',
            call_id: 'c2',
            name: 'apply_patch',
            input: '*** Begin Patch\n*** End Patch',
          },
          { type: 'custom_tool_call_output', call_id: 'c2', output: 'applied' },
          {
            type: 'message',
            role: 'user',
            content: [{ type: 'input_text', text: 'and the weather in Rome?' }],
          },
        ],
        tools: codexTools,
      },
      { authorization: `Bearer ${env.userKey}` },
    );
    expect(r.res.status).toBe(200);
    expect(r.res.headers.get('x-switchyard-dropped-tools')).toBe('web_search');
    const msgs = upstreamBody().messages as {
      role: string;
      content: { type: string; name?: string; input?: unknown }[];
    }[];
    const uses = msgs
      .flatMap((m) => (Array.isArray(m.content) ? m.content : []))
      .filter((b) => b.type === 'tool_use');
    expect(uses.map((u) => u.name)).toEqual(['collab__get_weather', 'apply_patch']);
    expect(uses[1]!.input).toEqual({ input: '*** Begin Patch\n*** End Patch' });
    const done = r.text
      .split('\n')
      .filter((l) => l.startsWith('data:'))
      .map((l) => JSON.parse(l.slice(5)) as Obj)
      .find((e) => e.type === 'response.output_item.done' && (e.item as Obj).type === 'function_call');
    expect(done!.item).toMatchObject({ name: 'get_weather', namespace: 'collab' });
  });

  it("runs web_search through Anthropic's own web search when the provider says its organization has it enabled", async () => {
    const tools = [
      {
        type: 'web_search',
        filters: { allowed_domains: ['docs.example.com'] },
        user_location: { type: 'approximate', country: 'NO' },
      },
      { type: 'function', name: 'shell', parameters: { type: 'object' } },
    ];
    const off = await post(
      '/v1/responses',
      { model: 'up-anthropic/claude-test', input: 'find the docs', tools },
      { authorization: `Bearer ${env.userKey}` },
    );
    expect(off.res.headers.get('x-switchyard-dropped-tools')).toBe('web_search');
    expect((upstreamBody().tools as { type?: string }[]).some((t) => t.type === 'web_search_20250305')).toBe(
      false,
    );

    await env.t.app.ctx.prisma.provider.update({
      where: { id: env.ids.anthropic },
      data: { config: { webSearch: true } },
    });
    await env.t.app.routing.reload();
    try {
      const on = await post(
        '/v1/responses',
        { model: 'up-anthropic/claude-test', input: 'find the docs', tools },
        { authorization: `Bearer ${env.userKey}` },
      );
      expect(on.res.status).toBe(200);
      expect(on.res.headers.get('x-switchyard-dropped-tools')).toBeNull();
      const sent = upstreamBody().tools as Record<string, unknown>[];
      expect(sent.map((t) => t.name)).toEqual(['shell', 'web_search']);
      expect(sent[1]).toEqual({
        type: 'web_search_20250305',
        name: 'web_search',
        allowed_domains: ['docs.example.com'],
        user_location: { type: 'approximate', country: 'NO' },
      });
    } finally {
      await env.t.app.ctx.prisma.provider.update({ where: { id: env.ids.anthropic }, data: { config: {} } });
      await env.t.app.routing.reload();
    }
  });

  it("uses the model's max output from the registry when the client sets no max_output_tokens", async () => {
    await env.t.app.ctx.prisma.model.updateMany({
      where: { modelId: 'claude-test' },
      data: { maxOutputTokens: 64000 },
    });
    await env.t.app.routing.reload();
    try {
      await post(
        '/v1/responses',
        { model: 'up-anthropic/claude-test', input: 'hi' },
        { authorization: `Bearer ${MASTER_KEY}` },
      );
      expect(upstreamBody().max_tokens).toBe(64000);
      await post(
        '/v1/chat/completions',
        { model: 'up-anthropic/claude-test', messages: [{ role: 'user', content: 'hi' }] },
        { authorization: `Bearer ${MASTER_KEY}` },
      );
      expect(upstreamBody().max_tokens).toBe(64000);
      await post(
        '/v1/responses',
        { model: 'up-anthropic/claude-test', input: 'hi', max_output_tokens: 50 },
        { authorization: `Bearer ${MASTER_KEY}` },
      );
      expect(upstreamBody().max_tokens).toBe(50);
    } finally {
      await env.t.app.ctx.prisma.model.updateMany({
        where: { modelId: 'claude-test' },
        data: { maxOutputTokens: null },
      });
      await env.t.app.routing.reload();
    }
  });
});
