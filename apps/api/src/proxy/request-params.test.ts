/**
 * Faithful or explicit: parameters a target cannot honour (n, logprobs, a JSON response format) are routing
 * requirements. A provider that cannot serve one is skipped with the reason; nothing left → 400 naming it; a JSON
 * format on Anthropic is emulated exactly with a forced tool.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createProxyEnv, type ProxyEnv } from '../test/proxy-env.js';

let env: ProxyEnv;
beforeAll(async () => {
  env = await createProxyEnv();
  const { prisma } = env.t.app.ctx;
  // An alias served by both formats, the Anthropic one first.
  await prisma.alias.create({
    data: {
      name: 'both-formats',
      targets: [
        { ref: 'up-anthropic/claude-test', weight: 1 },
        { ref: 'up-openai/gpt-test', weight: 1 },
      ],
    },
  });
  await prisma.routingSettings.update({ where: { id: 1 }, data: { debugHeaders: true } });
  await env.t.app.routing.reload();
});
afterAll(async () => {
  await env?.close();
});
beforeEach(() => {
  env.up.reset();
});

type Body = Record<string, unknown>;
async function post(path: '/v1/chat/completions' | '/v1/responses', body: Body) {
  const res = await fetch(`${env.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${env.userKey}` },
    body: JSON.stringify(body),
  });
  return { status: res.status, headers: res.headers, text: await res.text() };
}
const ask = (over: Body): Body => ({
  messages: [{ role: 'user', content: 'What is the weather in Paris?' }],
  ...over,
});
const SCHEMA = {
  type: 'object',
  properties: { location: { type: 'string' } },
  required: ['location'],
  additionalProperties: false,
};
const JSON_SCHEMA = {
  type: 'json_schema',
  json_schema: { name: 'weather_report', schema: SCHEMA, strict: true },
};

/** Content of an OpenAI-format SSE answer, and its finish reasons. */
function streamed(text: string) {
  const chunks = text
    .split('\n')
    .filter((l) => l.startsWith('data: ') && l !== 'data: [DONE]')
    .map(
      (l) =>
        JSON.parse(l.slice(6)) as {
          choices: { delta?: { content?: string; tool_calls?: unknown }; finish_reason?: string | null }[];
        },
    );
  return {
    content: chunks.map((c) => c.choices[0]?.delta?.content ?? '').join(''),
    toolCalls: chunks.some((c) => c.choices[0]?.delta?.tool_calls),
    finish: chunks.map((c) => c.choices[0]?.finish_reason).filter(Boolean),
  };
}

describe('n and logprobs are routing requirements', () => {
  it('n: 2 through an alias served by both formats goes to the OpenAI-format provider; the Anthropic one is skipped with the reason', async () => {
    const res = await post('/v1/chat/completions', ask({ model: 'both-formats', n: 2 }));
    expect(res.status).toBe(200);
    expect(res.headers.get('x-switchyard-provider')).toBe('up-openai');
    expect(res.headers.get('x-switchyard-skipped')).toContain(
      'up-anthropic/claude-test=parameter-unsupported',
    );
    expect(env.up.requests).toHaveLength(1);
    expect(env.up.requests[0]!.body).toMatchObject({ model: 'gpt-test', n: 2 });
    await env.flushUsage();
    const row = await env.t.app.ctx.prisma.usageRecord.findFirst({
      where: { requestedModel: 'both-formats' },
      orderBy: { createdAt: 'desc' },
    });
    const trace = row?.trace as { plan: { candidates: { ref: string; reason?: string; detail?: string }[] } };
    expect(trace.plan.candidates).toContainEqual(
      expect.objectContaining({
        ref: 'up-anthropic/claude-test',
        reason: 'parameter-unsupported',
        detail: 'n',
      }),
    );
  });

  it("without such a parameter the same alias is served by the Anthropic provider (the skip is the parameter's doing)", async () => {
    const res = await post('/v1/chat/completions', ask({ model: 'both-formats', n: 1 }));
    expect(res.status).toBe(200);
    expect(res.headers.get('x-switchyard-provider')).toBe('up-anthropic');
  });

  it('n: 2 directly to the Anthropic model: 400 naming n in the OpenAI format, nothing sent upstream', async () => {
    const res = await post('/v1/chat/completions', ask({ model: 'up-anthropic/claude-test', n: 2 }));
    expect(res.status).toBe(400);
    const body = JSON.parse(res.text) as {
      error: { message: string; type: string; code: string; param: string };
    };
    expect(body.error).toMatchObject({
      type: 'invalid_request_error',
      code: 'parameter_unsupported',
      param: 'n',
    });
    expect(body.error.message).toMatch(/\bn\b/);
    expect(env.up.requests).toHaveLength(0);
  });

  it('logprobs to the Anthropic model: 400 naming logprobs', async () => {
    const res = await post(
      '/v1/chat/completions',
      ask({ model: 'up-anthropic/claude-test', logprobs: true, top_logprobs: 2 }),
    );
    expect(res.status).toBe(400);
    expect(JSON.parse(res.text).error).toMatchObject({
      param: 'logprobs',
      message: expect.stringContaining('logprobs'),
    });
    expect(env.up.requests).toHaveLength(0);
  });

  it("a JSON format with the client's own tools on Anthropic: 400 naming response_format (the forced tool would hide the tools)", async () => {
    const tools = [
      {
        type: 'function',
        function: {
          name: 'get_weather',
          parameters: { type: 'object', properties: { location: { type: 'string' } } },
        },
      },
    ];
    const res = await post(
      '/v1/chat/completions',
      ask({ model: 'up-anthropic/claude-test', tools, response_format: JSON_SCHEMA }),
    );
    expect(res.status).toBe(400);
    expect(JSON.parse(res.text).error).toMatchObject({
      param: 'response_format',
      message: expect.stringContaining('response_format'),
    });
    expect(env.up.requests).toHaveLength(0);
  });

  it('Responses: text.format with tools on Anthropic is a 400 naming text.format', async () => {
    const res = await post('/v1/responses', {
      model: 'up-anthropic/claude-test',
      input: 'Weather?',
      tools: [{ type: 'function', name: 'get_weather', parameters: { type: 'object' } }],
      text: { format: { type: 'json_object' } },
    });
    expect(res.status).toBe(400);
    expect(JSON.parse(res.text).error).toMatchObject({ code: 'parameter_unsupported', param: 'text.format' });
    expect(env.up.requests).toHaveLength(0);
  });
});

describe('a JSON response format on Anthropic: a forced tool, the answer as content', () => {
  it('non-stream: the upstream gets the forced tool; the client gets the JSON as message content', async () => {
    const res = await post(
      '/v1/chat/completions',
      ask({ model: 'up-anthropic/claude-test', response_format: JSON_SCHEMA }),
    );
    expect(res.status).toBe(200);
    const sent = env.up.requests[0]!.body as Body;
    expect(sent.tools).toEqual([expect.objectContaining({ name: 'weather_report', input_schema: SCHEMA })]);
    expect(sent.tool_choice).toEqual({ type: 'tool', name: 'weather_report' });
    expect(sent.response_format).toBeUndefined();
    const body = JSON.parse(res.text) as {
      choices: { message: { content: string; tool_calls?: unknown }; finish_reason: string }[];
    };
    expect(body.choices).toHaveLength(1);
    expect(body.choices[0]!.finish_reason).toBe('stop');
    expect(body.choices[0]!.message.tool_calls).toBeUndefined();
    expect(JSON.parse(body.choices[0]!.message.content)).toEqual({ location: 'Paris' });
  });

  it('stream: the input_json_delta pieces arrive as content deltas, ending with stop', async () => {
    const res = await post(
      '/v1/chat/completions',
      ask({ model: 'up-anthropic/claude-test', response_format: { type: 'json_object' }, stream: true }),
    );
    expect(res.status).toBe(200);
    expect((env.up.requests[0]!.body as Body).tool_choice).toEqual({ type: 'tool', name: 'json_response' });
    const s = streamed(res.text);
    expect(JSON.parse(s.content)).toEqual({ location: 'Paris' });
    expect(s.toolCalls).toBe(false);
    expect(s.finish).toEqual(['stop']);
  });

  it('Responses text.format through the chat pivot: the JSON is the output text', async () => {
    const res = await post('/v1/responses', {
      model: 'up-anthropic/claude-test',
      input: 'Weather in Paris?',
      text: { format: { type: 'json_schema', name: 'weather_report', schema: SCHEMA } },
    });
    expect(res.status).toBe(200);
    expect((env.up.requests[0]!.body as Body).tool_choice).toEqual({ type: 'tool', name: 'weather_report' });
    const body = JSON.parse(res.text) as {
      output: { type: string; content?: { type: string; text: string }[] }[];
    };
    expect(body.output.map((o) => o.type)).toEqual(['message']);
    expect(JSON.parse(body.output[0]!.content![0]!.text)).toEqual({ location: 'Paris' });
  });

  it('the OpenAI-format provider gets response_format as sent', async () => {
    const res = await post(
      '/v1/chat/completions',
      ask({ model: 'up-openai/gpt-test', response_format: JSON_SCHEMA }),
    );
    expect(res.status).toBe(200);
    expect((env.up.requests[0]!.body as Body).response_format).toEqual(JSON_SCHEMA);
  });
});

describe('Responses API background mode', () => {
  // Relayed as sent, a background request was answered at once with a queued response (no output, no usage) and
  // billed as a prompt-only call, while the provider went on to generate (and bill the platform key for) up to
  // max_output_tokens that the caller could then read through previous_response_id.
  it('is refused at the door with a 400 naming the field, and nothing reaches the provider', async () => {
    const res = await post('/v1/responses', {
      model: 'up-openai/gpt-test',
      input: 'Write a 4,000-token essay.',
      background: true,
      max_output_tokens: 4000,
    });
    expect(res.status).toBe(400);
    const body = JSON.parse(res.text) as { error: { param?: string; message: string } };
    expect(body.error.param).toBe('background');
    expect(body.error.message).toMatch(/"background" is not supported/);
    expect(env.up.requests).toHaveLength(0);
  });

  it('background: false (the default) goes through as before', async () => {
    const res = await post('/v1/responses', {
      model: 'up-openai/gpt-test',
      input: 'hello',
      background: false,
    });
    expect(res.status).toBe(200);
  });
});
