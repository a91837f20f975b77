// Request bodies: an oversize body gets a 413 the client can read (not a socket closed while it is still
// sending), and the bodies held at once are bounded (503 + Retry-After past the bound, room given back after).
import { request } from 'node:http';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProxyEnv, type ProxyEnv } from '../test/proxy-env.js';
import { eventually } from '../test/redis.js';

let env: ProxyEnv;
beforeAll(async () => {
  // A first-byte limit above the 2.5 s answers the memory bound test holds its bodies with.
  env = await createProxyEnv({
    env: {
      BODY_LIMIT: '64kb',
      BODY_MEMORY_LIMIT: '1mb',
      UPSTREAM_FIRST_BYTE_TIMEOUT_MS: '10000',
      BODY_READ_TIMEOUT_MS: '1500',
    },
  });
});
afterAll(async () => {
  await env?.close();
});

const chat = (bytes: number) =>
  JSON.stringify({ model: 'up-openai/gpt-test', messages: [{ role: 'user', content: 'x'.repeat(bytes) }] });

/**
 * A plain Node client that writes the body in 16 KiB pieces, like an SDK uploading a large prompt; with `gapMs`
 * it pauses between pieces like a client on a real network (still sending when the gateway has decided).
 */
function send(
  body: string,
  chunked: boolean,
  gapMs = 0,
): Promise<{ status: number; json: Record<string, unknown> } | { error: string }> {
  return new Promise((resolve) => {
    const buf = Buffer.from(body);
    const req = request(
      `${env.url}/v1/chat/completions`,
      {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${env.userKey}`,
          ...(chunked ? {} : { 'content-length': buf.length }),
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, json: JSON.parse(text) as Record<string, unknown> }),
        );
        res.on('error', (e) => resolve({ error: e.message }));
      },
    );
    req.on('error', (e: NodeJS.ErrnoException) => resolve({ error: e.code ?? e.message }));
    let off = 0;
    const pump = () => {
      while (off < buf.length) {
        const piece = buf.subarray(off, off + 16 * 1024);
        off += piece.length;
        if (gapMs > 0) {
          req.write(piece);
          return void setTimeout(pump, gapMs);
        }
        if (!req.write(piece)) return void req.once('drain', pump);
      }
      req.end();
    };
    pump();
  });
}

describe('request bodies', () => {
  it('ten clients still sending 2 MB past a 64 KiB limit all read a 413 in their format (no EPIPE, no reset)', async () => {
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) => send(chat(2 * 1024 * 1024), i % 2 === 0, 2)),
    );
    for (const r of results) {
      expect(r).toMatchObject({ status: 413, json: { error: { code: 'request_too_large' } } });
      expect(JSON.stringify(r)).toContain('64 KiB');
    }
  });

  it('holds at most BODY_MEMORY_LIMIT of bodies at once: 503 with Retry-After past it, room back when a request ends', async () => {
    // Each answer waits 2.5 s, so every body of the burst is still held when the last one arrives, however slowly a
    // busy host reads them (with 0.6 s and 17 bodies, the first request could end first and all 17 fit).
    env.up.script(Array.from({ length: 20 }, () => ({ path: 'chat/completions', delayMs: 2500 })));
    const slow = send(chat(60 * 1024), false);
    await new Promise((r) => setTimeout(r, 150));
    // 60 KiB held; 18 more bodies of ~61.5 KB need ~1.1 MB, past the 1 MiB bound even without the first: at least
    // one is refused.
    const burst = await Promise.all(Array.from({ length: 18 }, () => send(chat(60 * 1024), false)));
    const refused = burst.filter((r) => 'status' in r && r.status === 503);
    expect(refused.length).toBeGreaterThan(0);
    expect(refused[0]).toMatchObject({ json: { error: { code: 'overloaded' } } });
    expect(await slow).toMatchObject({ status: 200 });
    env.up.reset();
    const after = await send(chat(60 * 1024), false);
    expect(after).toMatchObject({ status: 200 });
  });
  // A client that starts a body and stops sending (slowly, or on purpose) held its bytes against the memory bound
  // until Node's 5-minute request timeout: a few such clients could keep every other request out.
  it('a body still arriving after BODY_READ_TIMEOUT_MS gets a 408 in its format, and its bytes are given back', async () => {
    const held = async () => {
      const text = await env.t.app.metrics.registry.metrics();
      return Number(/^switchyard_request_body_bytes_held (\d+)$/m.exec(text)?.[1]);
    };
    const before = await held();
    // A raw socket: the headers and 40 KiB of the 60 KiB announced, then nothing.
    const started = Date.now();
    const port = Number(new URL(env.url).port);
    const socket = connect(port, '127.0.0.1');
    const answer = new Promise<{ status: number; text: string; ms: number }>((resolve, reject) => {
      let text = '';
      socket.setEncoding('utf8');
      socket.on('data', (c: string) => (text += c));
      socket.on('close', () =>
        resolve({
          status: Number(/^HTTP\/1\.1 (\d+)/.exec(text)?.[1]),
          text: text.slice(text.indexOf('\r\n\r\n') + 4),
          ms: Date.now() - started,
        }),
      );
      socket.on('error', reject);
    });
    socket.write(
      `POST /v1/messages HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\n` +
        `x-api-key: ${env.userKey}\r\ncontent-length: ${60 * 1024}\r\n\r\n`,
    );
    socket.write(Buffer.alloc(40 * 1024, 0x20));
    await eventually(async () => expect((await held()) - before).toBe(40 * 1024), 1000);
    const r = await answer;
    expect(r.status).toBe(408);
    expect(JSON.parse(r.text)).toMatchObject({ type: 'error', error: { type: 'timeout_error' } });
    expect(r.text).toContain('BODY_READ_TIMEOUT_MS');
    expect(r.ms).toBeLessThan(10_000);
    expect(await held()).toBe(before);
  });
});
