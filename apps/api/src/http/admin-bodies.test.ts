// Request bodies on the admin API (Express, not the proxy path): read before any sign-in check, so they are bound
// like the proxy's. A client that sends part of a body and stops gets a 408 within BODY_READ_TIMEOUT_MS and its
// bytes are let go (they waited for Node's 5-minute request timeout, outside BODY_MEMORY_LIMIT); bodies held at once
// count against BODY_MEMORY_LIMIT (503 + Retry-After past it).
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProxyEnv, otherUser, type ProxyEnv } from '../test/proxy-env.js';

let env: ProxyEnv;
beforeAll(async () => {
  env = await createProxyEnv({ env: { BODY_READ_TIMEOUT_MS: '500', BODY_MEMORY_LIMIT: '3mb' } });
});
afterAll(async () => {
  await env?.close();
});

/** A raw request: its head and `sent` bytes of an announced `announced`-byte body, then nothing. */
function slowBody(path: string, announced: number, sent: number) {
  const port = Number(new URL(env.url).port);
  const socket: Socket = connect(port, '127.0.0.1');
  let text = '';
  let closed = false;
  socket.setEncoding('utf8');
  socket.on('data', (c: string) => (text += c));
  socket.on('close', () => (closed = true));
  socket.on('error', () => undefined);
  socket.write(
    `POST ${path} HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\n` +
      `content-length: ${announced}\r\n\r\n`,
  );
  socket.write(Buffer.alloc(sent, 0x20));
  return {
    state: () => ({ status: Number(/^HTTP\/1\.1 (\d+)/.exec(text)?.[1] ?? 0), closed, text }),
    destroy: () => socket.destroy(),
  };
}

const held = async () => {
  const text = await env.t.app.metrics.registry.metrics();
  return Number(/^switchyard_request_body_bytes_held (\d+)$/m.exec(text)?.[1]);
};

describe('admin API request bodies', () => {
  it('a stalled body before sign-in gets a 408 and is let go within BODY_READ_TIMEOUT_MS', async () => {
    const before = await held();
    // 0.9 MB of a 1 MB JSON body to the sign-in route (no session needed), then nothing: three of them fit.
    const conns = Array.from({ length: 3 }, () => slowBody('/api/v1/auth/login', 1_000_000, 900_000));
    try {
      await new Promise((r) => setTimeout(r, 2000));
      for (const c of conns) {
        expect(c.state()).toMatchObject({ status: 408, closed: true });
        expect(c.state().text).toContain('request_timeout');
      }
      expect(await held()).toBe(before);
    } finally {
      for (const c of conns) c.destroy();
    }
  });

  it('bodies held at once count against BODY_MEMORY_LIMIT: 503 with Retry-After past it, room back after', async () => {
    const a = slowBody('/api/v1/auth/login', 2_000_000, 100);
    await new Promise((r) => setTimeout(r, 100));
    // 2 MB held for the first; a second 2 MB body does not fit in 3 MB.
    const res = await fetch(`${env.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'x@example.com', password: 'p'.repeat(1_900_000) }),
    });
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('1');
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('overloaded');
    a.destroy();
    await new Promise((r) => setTimeout(r, 100));
    const after = await fetch(`${env.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'x@example.com', password: 'p'.repeat(1_900_000) }),
    });
    expect(after.status).not.toBe(503);
  });
  // An answer that never ends (the live event stream) asked with a body it never sends held the announced bytes for
  // as long as it lived (they were given back when the response ended): two such requests kept 3 MB from everyone.
  it('a request that announces a body it never sends holds nothing past BODY_READ_TIMEOUT_MS, even on a live stream', async () => {
    const { token, key } = await otherUser(env, 'announcer');
    const before = await held();
    const port = Number(new URL(env.url).port);
    const socks: Socket[] = [];
    try {
      for (const type of ['text/plain', 'application/json']) {
        const s = connect(port, '127.0.0.1');
        s.on('error', () => undefined);
        s.on('data', () => undefined);
        s.write(
          `GET /api/v1/llm/events HTTP/1.1\r\nhost: 127.0.0.1\r\nauthorization: Bearer ${token}\r\n` +
            `content-type: ${type}\r\ncontent-length: 1500000\r\n\r\n`,
        );
        socks.push(s);
      }
      await new Promise((r) => setTimeout(r, 2000));
      expect(await held()).toBe(before);
      const res = await fetch(`${env.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
        body: JSON.stringify({
          model: 'up-openai/gpt-test',
          messages: [{ role: 'user', content: 'x '.repeat(80_000) }],
        }),
      });
      // 160 kB: room for it only when the 3 MB announced are not held (it is then read, and its length judged).
      expect(res.status).not.toBe(503);
    } finally {
      for (const s of socks) s.destroy();
    }
  });
});
