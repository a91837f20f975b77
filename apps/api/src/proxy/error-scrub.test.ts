// Upstream error text is scrubbed before it reaches a client, a log line, a usage row or an error report: an
// upstream that echoes the key it received (or any bearer token / key-shaped string) must not leak an org key.
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ANTHROPIC_UPSTREAM_KEY,
  UPSTREAM_KEY,
  createProxyEnv,
  resetProxyEnv,
  type ProxyEnv,
} from '../test/proxy-env.js';

let env: ProxyEnv;
const logs: string[] = [];
const client: string[] = [];

class Sink extends Writable {
  override _write(chunk: Buffer, _enc: BufferEncoding, cb: () => void) {
    logs.push(chunk.toString());
    cb();
  }
}

beforeAll(async () => {
  env = await createProxyEnv({ logDestination: new Sink() });
  // Request logging on: what the client was sent is stored with the usage row too.
  const admin = await env.t.tokenFor('seed_admin');
  await env.t.http
    .put('/api/v1/llm/settings')
    .set('authorization', `Bearer ${admin}`)
    .send({ bodyLogging: true })
    .expect(200);
});
afterAll(async () => {
  await env?.close();
});

const OTHER_SECRETS = [
  'sk-proj-AbCdEf0123456789AbCdEf0123',
  'AKIAIOSFODNN7EXAMPLE',
  'AIzaSyA1234567890abcdefghijklmnopqrstu',
  'ghp_abcdefghijklmnopqrstuvwxyz0123456789',
];

async function chat(
  body: Record<string, unknown>,
  path = '/v1/chat/completions',
  headers: Record<string, string> = {},
) {
  const res = await fetch(`${env.url}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${env.userKey}`, 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  client.push(text);
  return { status: res.status, text };
}

describe('upstream error text is scrubbed', () => {
  it('a 400 echoing the key (plain, URL-encoded, as a bearer token) reaches the client without it', async () => {
    env.up.reset();
    env.up.script({
      status: 400,
      body: {
        error: {
          message: `Invalid request for key ${UPSTREAM_KEY} (sent as Authorization: Bearer ${UPSTREAM_KEY}; url ?key=${encodeURIComponent(UPSTREAM_KEY)})`,
          type: 'invalid_request_error',
          code: 'bad_param',
        },
      },
    });
    const res = await chat({ model: 'up-openai/gpt-test', messages: [{ role: 'user', content: 'hi' }] });
    expect(res.status).toBe(400);
    expect(res.text).not.toContain(UPSTREAM_KEY);
    expect(res.text).not.toContain(UPSTREAM_KEY.slice(3));
    expect(JSON.parse(res.text).error.message).toMatch(/Invalid request for key \[redacted\]/);
  });

  it('a 5xx with key-shaped strings of any vendor loses all of them (streaming request too), after every fallback', async () => {
    env.up.reset();
    const message = `upstream crashed: token=${'a1b2c3d4'.repeat(5)} other keys ${OTHER_SECRETS.join(', ')} mine ${UPSTREAM_KEY}`;
    env.up.script(Array.from({ length: 10 }, () => ({ status: 500, body: { error: { message } } })));
    const res = await chat({ model: 'gpt-test', messages: [{ role: 'user', content: 'hi' }], stream: true });
    expect(res.status).toBeGreaterThanOrEqual(500);
    for (const s of [UPSTREAM_KEY, ...OTHER_SECRETS, 'a1b2c3d4'.repeat(5)]) expect(res.text).not.toContain(s);
    expect(res.text).toContain('upstream crashed');
  });

  it('an Anthropic upstream echoing its key to an Anthropic client', async () => {
    env.up.reset();
    env.up.script({
      status: 400,
      body: {
        type: 'error',
        error: {
          type: 'invalid_request_error',
          message: `x-api-key ${ANTHROPIC_UPSTREAM_KEY} is not allowed to use this model`,
        },
      },
    });
    const res = await chat(
      { model: 'up-anthropic/claude-test', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] },
      '/v1/messages',
    );
    expect(res.status).toBe(400);
    expect(res.text).not.toContain(ANTHROPIC_UPSTREAM_KEY);
    expect(JSON.parse(res.text)).toMatchObject({
      type: 'error',
      error: { message: expect.stringContaining('[redacted]') },
    });
  });

  it("an OpenAI 429 naming the operator's organization or project reaches an OpenAI-format client without it", async () => {
    const cases = [
      [
        'Rate limit reached for gpt-4o in organization org-AbCdEf123456GhIjKl7890 on tokens per min (TPM): Limit 30000, Used 29500, Requested 1200. Please try again in 2.4s. Visit https://platform.openai.com/account/rate-limits to learn more.',
        'AbCdEf123456GhIjKl7890',
        'Rate limit reached for gpt-4o in organization ',
      ],
      [
        'Rate limit reached for gpt-4o in project proj_Zy9XwVu8TsRq7PoN on requests per min (RPM): Limit 500, Used 500, Requested 1.',
        'Zy9XwVu8TsRq7PoN',
        'Rate limit reached for gpt-4o in project ',
      ],
    ];
    for (const [message, id, kept] of cases) {
      // The 429 cools the target down: each case on a clean slate, every attempt answered with the same 429.
      await resetProxyEnv(env);
      env.up.script(
        Array.from({ length: 4 }, () => ({
          status: 429,
          body: { error: { message, type: 'requests', param: null, code: 'rate_limit_exceeded' } },
        })),
      );
      const res = await chat({ model: 'up-openai/gpt-test', messages: [{ role: 'user', content: 'hi' }] });
      expect(res.status).toBe(429);
      const m = (JSON.parse(res.text) as { error: { message: string } }).error.message;
      expect(m).toContain(kept);
      expect(m).toContain('Limit ');
      expect(res.text).not.toContain(id);
    }
  });

  it("an Anthropic 429 naming the operator's organization reaches an Anthropic-format client without it", async () => {
    await resetProxyEnv(env);
    const org = '3f2a1b4c-5d6e-4f70-8a9b-0c1d2e3f4a5b';
    env.up.script({
      status: 429,
      body: {
        type: 'error',
        error: {
          type: 'rate_limit_error',
          message: `This request would exceed the rate limit for your organization (${org}) of 50,000 input tokens per minute. For details, refer to: https://docs.claude.com/en/api/rate-limits.`,
        },
      },
    });
    const res = await chat(
      { model: 'up-anthropic/claude-test', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] },
      '/v1/messages',
    );
    expect(res.status).toBe(429);
    const body = JSON.parse(res.text) as { type: string; error: { type: string; message: string } };
    expect(body.error.type).toBe('rate_limit_error');
    expect(body.error.message).toMatch(
      /^This request would exceed the rate limit for your organization \(.+\) of 50,000 input tokens per minute\./,
    );
    expect(res.text).not.toContain(org);
    expect(res.text).not.toContain(org.slice(0, 8));
  });

  it('an error event after the first byte carries no organization id (Anthropic stream to an Anthropic client)', async () => {
    await resetProxyEnv(env);
    const org = '0b1c2d3e-4f50-4617-8293-a4b5c6d7e8f9';
    const ev = (name: string, data: unknown) => `event: ${name}\ndata: ${JSON.stringify(data)}\n\n`;
    const sse =
      ev('message_start', {
        type: 'message_start',
        message: {
          id: 'msg_1',
          type: 'message',
          role: 'assistant',
          model: 'claude-test',
          content: [],
          stop_reason: null,
          usage: { input_tokens: 5, output_tokens: 1 },
        },
      }) +
      ev('content_block_start', {
        type: 'content_block_start',
        index: 0,
        content_block: { type: 'text', text: '' },
      }) +
      ev('content_block_delta', {
        type: 'content_block_delta',
        index: 0,
        delta: { type: 'text_delta', text: 'Partial' },
      });
    const error = ev('error', {
      type: 'error',
      error: { type: 'overloaded_error', message: `Overloaded for organization ${org}; try again later.` },
    });
    // The answer's first bytes and the error come in separate reads: the client has the text before the error.
    env.up.script({ path: '/messages', events: [sse, error], chunkDelayMs: 50 });
    const res = await chat(
      {
        model: 'up-anthropic/claude-test',
        max_tokens: 10,
        stream: true,
        messages: [{ role: 'user', content: 'hi' }],
      },
      '/v1/messages',
    );
    expect(res.status).toBe(200);
    expect(res.text).toContain('Partial');
    expect(res.text).toContain('event: error');
    expect(res.text).toContain('Overloaded for organization');
    expect(res.text).not.toContain(org);
  });

  it('no key in any log line, usage row or error report either', async () => {
    await env.flushUsage();
    const { prisma } = env.t.app.ctx;
    const stored = JSON.stringify(
      [await prisma.usageRecord.findMany(), await prisma.errorReport.findMany()],
      (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v),
    );
    expect(stored).toContain('upstream crashed');
    for (const hay of [stored, logs.join(''), client.join('')]) {
      for (const s of [UPSTREAM_KEY, ANTHROPIC_UPSTREAM_KEY, ...OTHER_SECRETS]) expect(hay).not.toContain(s);
    }
  });
});

// A provider that cannot be reached: the raw network error names the address the gateway dialled (a private
// host, an internal IP and port). Callers learn that the provider could not be reached, never where it lives;
// the logs keep the address for operators.
describe('network failures name no address to callers', () => {
  it('a refused connection is a 502 upstream_unreachable without the host or port', async () => {
    await resetProxyEnv(env);
    const { createServer } = await import('node:net');
    const closed = await new Promise<number>((resolve) => {
      const s = createServer();
      s.listen(0, '127.0.0.1', () => {
        const port = (s.address() as { port: number }).port;
        s.close(() => resolve(port));
      });
    });
    const { prisma } = env.t.app.ctx;
    const before = await prisma.provider.findUniqueOrThrow({ where: { slug: 'up-openai' } });
    await prisma.provider.update({
      where: { slug: 'up-openai' },
      data: { baseUrl: `http://127.0.0.1:${closed}/v1` },
    });
    await env.t.app.routing.reload();
    try {
      const r = await chat({ model: 'up-openai/big-test', messages: [{ role: 'user', content: 'hi' }] });
      expect(r.status).toBe(502);
      const body = JSON.parse(r.text) as { error: { code: string; message: string } };
      expect(body.error.code).toBe('upstream_unreachable');
      expect(body.error.message).toMatch(/refused the connection/);
      expect(r.text).not.toContain(String(closed));
      expect(r.text).not.toContain('127.0.0.1');
      expect(r.text).not.toMatch(/ECONNREFUSED/);
      // The operators' view of the provider (its last error) keeps what happened.
      await env.t.app.healthNotes.flush();
      const health = await prisma.providerHealth.findUniqueOrThrow({ where: { providerId: before.id } });
      expect(health.lastErrorMessage).toContain(`127.0.0.1:${closed}`);
    } finally {
      await prisma.provider.update({ where: { slug: 'up-openai' }, data: { baseUrl: before.baseUrl } });
      await env.t.app.routing.reload();
    }
  });
});
