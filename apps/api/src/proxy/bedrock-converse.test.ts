// A Bedrock Converse target behind the proxy (the test upstream speaks Converse and checks the SigV4 header): what
// Converse requires of a request, and what its answers' stop reasons become for each client format.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createProxyEnv, resetProxyEnv, type ProxyEnv } from '../test/proxy-env.js';
import { addBedrockProvider, BEDROCK_MODEL } from '../test/bedrock.js';

type Obj = Record<string, unknown>;

let env: ProxyEnv;
const MODEL = BEDROCK_MODEL;

beforeAll(async () => {
  env = await createProxyEnv();
  await addBedrockProvider(env);
});
afterAll(async () => {
  await env?.close();
});
beforeEach(async () => {
  await resetProxyEnv(env);
});

async function post(path: string, body: Obj) {
  const res = await fetch(`${env.url}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${env.userKey}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, text: await res.text() };
}

/** The Converse request the upstream received last. */
function converseSent(): Obj {
  const r = env.up.requests.filter((q) => q.path.startsWith('/model/')).at(-1);
  if (!r) throw new Error('no Converse request reached the upstream');
  return r.body as Obj;
}

describe('tool history without tools in this turn', () => {
  // Converse rejects a request whose messages hold toolUse / toolResult blocks without a toolConfig ("The toolConfig
  // field must be defined when using toolUse and toolResult content blocks"). A client may well send such history
  // and no tools (a summary turn, a turn that must not call anything).
  it('an OpenAI-format client: the request goes with a toolConfig naming the tools the history used', async () => {
    const r = await post('/v1/chat/completions', {
      model: `up-bedrock/${MODEL}`,
      messages: [
        { role: 'user', content: 'What is it like in Oslo?' },
        {
          role: 'assistant',
          content: null,
          tool_calls: [
            {
              id: 'call_1',
              type: 'function',
              function: { name: 'get_weather', arguments: '{"city":"Oslo"}' },
            },
            { id: 'call_2', type: 'function', function: { name: 'get_time', arguments: '{"city":"Oslo"}' } },
          ],
        },
        { role: 'tool', tool_call_id: 'call_1', content: '12°C' },
        { role: 'tool', tool_call_id: 'call_2', content: '14:00' },
        { role: 'user', content: 'Summarise that in one line.' },
      ],
    });
    expect(r.status).toBe(200);
    const sent = converseSent();
    const tools = (sent.toolConfig as { tools: Array<{ toolSpec: Obj }> } | undefined)?.tools;
    expect(tools?.map((t) => t.toolSpec.name)).toEqual(['get_weather', 'get_time']);
    for (const t of tools!) expect((t.toolSpec.inputSchema as Obj).json).toMatchObject({ type: 'object' });
    expect((sent.toolConfig as Obj).toolChoice).toBeUndefined();
  });

  it('an Anthropic-format client likewise (tool_use and tool_result blocks, no tools)', async () => {
    const r = await post('/v1/messages', {
      model: `up-bedrock/${MODEL}`,
      max_tokens: 100,
      messages: [
        { role: 'user', content: 'What is it like in Oslo?' },
        {
          role: 'assistant',
          content: [{ type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { city: 'Oslo' } }],
        },
        {
          role: 'user',
          content: [
            { type: 'tool_result', tool_use_id: 'toolu_1', content: '12°C' },
            { type: 'text', text: 'Summarise that in one line.' },
          ],
        },
      ],
    });
    expect(r.status).toBe(200);
    const tools = (converseSent().toolConfig as { tools: Array<{ toolSpec: Obj }> } | undefined)?.tools;
    expect(tools?.map((t) => t.toolSpec.name)).toEqual(['get_weather']);
  });

  it('a conversation without tool blocks still goes without a toolConfig', async () => {
    const r = await post('/v1/chat/completions', {
      model: `up-bedrock/${MODEL}`,
      messages: [{ role: 'user', content: 'Hi' }],
    });
    expect(r.status).toBe(200);
    expect(converseSent().toolConfig).toBeUndefined();
  });
});

/** A client's SSE answer as events (name and parsed data; `[DONE]` as the string). */
function events(text: string): Array<{ event?: string; data: unknown }> {
  return text
    .split(/\n\n/)
    .filter((b) => b.trim())
    .map((b) => {
      const event = /^event: (.*)$/m.exec(b)?.[1];
      const data = /^data: (.*)$/m.exec(b)?.[1] ?? '';
      return { ...(event ? { event } : {}), data: data === '[DONE]' ? data : (JSON.parse(data) as unknown) };
    });
}

describe('an answer Converse stopped as malformed (malformed_model_output, malformed_tool_use)', () => {
  // Bedrock ends a turn with these when the model's output (or its tool call) could not be parsed: not an answer.
  // Passed off as a finished one ("stop" / end_turn), a client would take a broken or empty answer for the model's.
  for (const stopReason of ['malformed_tool_use', 'malformed_model_output']) {
    it(`${stopReason}, whole: the attempt failed (retried); when every attempt gets it, the client gets an error`, async () => {
      env.up.script(Array.from({ length: 6 }, () => ({ path: '/converse', stopReason })));
      const r = await post('/v1/chat/completions', {
        model: `up-bedrock/${MODEL}`,
        messages: [{ role: 'user', content: 'Hi' }],
      });
      expect(r.status).toBe(502);
      const err = (JSON.parse(r.text) as { error: { message: string; type: string } }).error;
      expect(err.message).toContain(stopReason);
      expect(r.text).not.toContain('"finish_reason"');

      await resetProxyEnv(env);
      env.up.script({ path: '/converse', stopReason });
      const again = await post('/v1/messages', {
        model: `up-bedrock/${MODEL}`,
        max_tokens: 50,
        messages: [{ role: 'user', content: 'Hi' }],
      });
      // The retry got a proper answer: that one is the client's.
      expect(again.status).toBe(200);
      expect(JSON.parse(again.text)).toMatchObject({
        stop_reason: 'end_turn',
        content: [{ type: 'text', text: 'Hello from upstream' }],
      });
      expect(env.up.requests.filter((q) => q.path.endsWith('/converse'))).toHaveLength(2);
    });
  }

  it('streamed after the first byte: the stream ends with an error, never with a finish', async () => {
    env.up.script({ path: '/converse-stream', stopReason: 'malformed_tool_use', chunkDelayMs: 40 });
    const chat = await post('/v1/chat/completions', {
      model: `up-bedrock/${MODEL}`,
      stream: true,
      messages: [{ role: 'user', content: 'Hi' }],
    });
    expect(chat.status).toBe(200);
    const ev = events(chat.text);
    expect(chat.text).toContain('Hello');
    expect(ev.some((e) => e.data === '[DONE]')).toBe(false);
    expect(chat.text).not.toContain('"finish_reason":"stop"');
    expect(ev.at(-1)!.data).toMatchObject({ error: { code: 'malformed_tool_use', type: 'server_error' } });

    await resetProxyEnv(env);
    env.up.script({ path: '/converse-stream', stopReason: 'malformed_model_output', chunkDelayMs: 40 });
    const an = await post('/v1/messages', {
      model: `up-bedrock/${MODEL}`,
      max_tokens: 50,
      stream: true,
      messages: [{ role: 'user', content: 'Hi' }],
    });
    const aev = events(an.text);
    expect(aev.some((e) => e.event === 'message_stop')).toBe(false);
    expect(aev.at(-1)).toMatchObject({
      event: 'error',
      data: { type: 'error', error: { type: 'api_error' } },
    });
  });
});

describe('a turn Converse stopped at the context window (model_context_window_exceeded)', () => {
  it('an Anthropic-format client gets stop_reason model_context_window_exceeded, whole and streamed', async () => {
    env.up.script({ path: '/converse', stopReason: 'model_context_window_exceeded' });
    const whole = await post('/v1/messages', {
      model: `up-bedrock/${MODEL}`,
      max_tokens: 50,
      messages: [{ role: 'user', content: 'Hi' }],
    });
    expect(whole.status).toBe(200);
    expect(JSON.parse(whole.text)).toMatchObject({ stop_reason: 'model_context_window_exceeded' });

    env.up.script({ path: '/converse-stream', stopReason: 'model_context_window_exceeded' });
    const streamed = await post('/v1/messages', {
      model: `up-bedrock/${MODEL}`,
      max_tokens: 50,
      stream: true,
      messages: [{ role: 'user', content: 'Hi' }],
    });
    const delta = events(streamed.text).find((e) => e.event === 'message_delta');
    expect(delta?.data).toMatchObject({ delta: { stop_reason: 'model_context_window_exceeded' } });
  });

  it('an OpenAI-format client still gets finish_reason "length" (and no field of another format)', async () => {
    env.up.script({ path: '/converse', stopReason: 'model_context_window_exceeded' });
    const whole = await post('/v1/chat/completions', {
      model: `up-bedrock/${MODEL}`,
      messages: [{ role: 'user', content: 'Hi' }],
    });
    const body = JSON.parse(whole.text) as { choices: Array<Record<string, unknown>> };
    expect(Object.keys(body.choices[0]!).sort()).toEqual(['finish_reason', 'index', 'logprobs', 'message']);
    expect(body.choices[0]!.finish_reason).toBe('length');
  });
});

// Claude on Bedrock takes one of temperature and topP. A model's default temperature fills in only for a client that
// chose neither: it used to be added beside the client's top_p and then kept in its place (the client's top_p lost).
describe("a Claude model's default temperature on Bedrock", () => {
  const setDefaults = async (config: { temperature?: number }) => {
    await env.t.app.ctx.prisma.model.updateMany({ where: { modelId: MODEL }, data: { config } });
    await env.t.app.routing.reload();
  };
  afterEach(async () => {
    await setDefaults({});
  });

  it("does not displace the client's top_p, from either format; applies when the client set neither", async () => {
    await setDefaults({ temperature: 0.3 });
    const hi = [{ role: 'user', content: 'hi' }];
    for (const [path, body] of [
      ['/v1/chat/completions', { model: `up-bedrock/${MODEL}`, messages: hi, top_p: 0.7 }],
      ['/v1/messages', { model: `up-bedrock/${MODEL}`, max_tokens: 5, messages: hi, top_p: 0.7 }],
    ] as const) {
      const r = await post(path, body);
      expect(r.status, r.text).toBe(200);
      expect(converseSent().inferenceConfig).toEqual({
        topP: 0.7,
        ...('max_tokens' in body ? { maxTokens: 5 } : {}),
      });
    }
    const none = await post('/v1/chat/completions', { model: `up-bedrock/${MODEL}`, messages: hi });
    expect(none.status, none.text).toBe(200);
    expect(converseSent().inferenceConfig).toEqual({ temperature: 0.3 });
  });
});
