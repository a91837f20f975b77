// An upstream's error relayed to the client keeps what the client's SDK and code read: the upstream's own message
// (clients match on it), the field it names (`param`, OpenAI format) and Anthropic's overloaded type (the SDKs and
// agents treat an overloaded API apart from other server errors). Which target failed goes in headers, as on an
// answer.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { UPSTREAM_KEY, createProxyEnv, resetProxyEnv, type ProxyEnv } from '../test/proxy-env.js';

let env: ProxyEnv;

beforeAll(async () => {
  env = await createProxyEnv();
});
afterAll(async () => {
  await env?.close();
});
beforeEach(async () => {
  await resetProxyEnv(env);
});

async function post(path: string, body: Record<string, unknown>) {
  const res = await fetch(`${env.url}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${env.userKey}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { res, json: (await res.json()) as Record<string, Record<string, unknown>> };
}

describe('an upstream request error, relayed', () => {
  it("to an OpenAI-format client: the upstream's message as it is, its param and code", async () => {
    const message = "Invalid value for 'temperature': expected a number between 0 and 2.";
    env.up.script({
      path: '/chat/completions',
      status: 400,
      body: {
        error: { message, type: 'invalid_request_error', param: 'temperature', code: 'invalid_value' },
      },
    });
    const { res, json } = await post('/v1/chat/completions', {
      model: 'up-openai/gpt-test',
      temperature: 7,
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(res.status).toBe(400);
    expect(json.error).toMatchObject({ message, param: 'temperature', code: 'invalid_value' });
    expect(res.headers.get('x-switchyard-provider')).toBe('up-openai');
    expect(res.headers.get('x-switchyard-model')).toBe('gpt-test');
  });

  it('a param that echoes the key is scrubbed like the message', async () => {
    env.up.script({
      path: '/chat/completions',
      status: 400,
      body: {
        error: { message: 'bad', type: 'invalid_request_error', param: `key=${UPSTREAM_KEY}`, code: 'x' },
      },
    });
    const { res, json } = await post('/v1/chat/completions', {
      model: 'up-openai/gpt-test',
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(res.status).toBe(400);
    expect(JSON.stringify(json)).not.toContain(UPSTREAM_KEY);
    expect(json.error!.param).toBe('key=[redacted]');
  });

  it("to an Anthropic-format client: the upstream's message as it is", async () => {
    const message = 'messages.0.content.0.type: Field required';
    env.up.script({
      path: '/messages',
      status: 400,
      body: { type: 'error', error: { type: 'invalid_request_error', message } },
    });
    const { res, json } = await post('/v1/messages', {
      model: 'claude-test',
      max_tokens: 10,
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(res.status).toBe(400);
    expect(json).toEqual({ type: 'error', error: { type: 'invalid_request_error', message } });
    expect(res.headers.get('x-switchyard-provider')).toBe('up-anthropic');
  });
});

describe('an overloaded upstream', () => {
  const overloaded = {
    path: '/messages',
    status: 529,
    body: { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } },
  };

  it('reaches an Anthropic-format client as overloaded_error (a 503, which the SDKs retry)', async () => {
    env.up.script(Array.from({ length: 10 }, () => overloaded));
    const { res, json } = await post('/v1/messages', {
      model: 'claude-test',
      max_tokens: 10,
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(res.status).toBe(503);
    expect(json.type).toBe('error');
    expect(json.error).toMatchObject({
      type: 'overloaded_error',
      message: expect.stringMatching(/Overloaded$/),
    });
  });

  it('reaches an OpenAI-format client as a 503 server error', async () => {
    env.up.script(Array.from({ length: 10 }, () => overloaded));
    const { res, json } = await post('/v1/chat/completions', {
      model: 'claude-test',
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(res.status).toBe(503);
    expect(json.error).toMatchObject({ type: 'server_error', code: 'upstream_overloaded' });
  });
});

describe('an error sent with HTTP 200', () => {
  const overloadedWith200 = {
    path: '/messages',
    status: 200,
    body: { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } },
  };
  const ask = () =>
    post('/v1/messages', {
      model: 'claude-test',
      max_tokens: 10,
      messages: [{ role: 'user', content: 'hi' }],
    });

  it('is never relayed as an answer, nor billed: the attempt fails and the retry answers, charged once', async () => {
    const plain = await ask();
    expect(plain.json.type).toBe('message');
    await env.flushUsage();
    const prisma = env.t.app.ctx.prisma;
    const one = await prisma.usageRecord.findFirst({ orderBy: { id: 'desc' } });

    env.up.script(overloadedWith200);
    const { res, json } = await ask();
    expect(res.status).toBe(200);
    expect(json.type).toBe('message');
    expect(env.up.requests.filter((r) => r.path.endsWith('/messages'))).toHaveLength(3);
    await env.flushUsage();
    const rec = await prisma.usageRecord.findFirst({ orderBy: { id: 'desc' } });
    expect(rec!.id).not.toBe(one!.id);
    expect(rec!.attempts).toBe(2);
    expect(Number(rec!.costUsd)).toBe(Number(one!.costUsd));
  });

  it('reaches the client as the error it is once nothing else can answer', async () => {
    env.up.script(Array.from({ length: 10 }, () => overloadedWith200));
    const { res, json } = await ask();
    expect(res.status).toBe(503);
    expect(json.error).toMatchObject({ type: 'overloaded_error' });
  });
});
