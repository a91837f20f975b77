// Upstream error text is scrubbed before it reaches a client, a log line, a usage row or an error report: an
// upstream that echoes the key it received (or any bearer token / key-shaped string) must not leak an org key.
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ANTHROPIC_UPSTREAM_KEY, UPSTREAM_KEY, createProxyEnv, type ProxyEnv } from '../test/proxy-env.js';

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
