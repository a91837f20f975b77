import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { headersFromRaw, WholeAnswer } from './upstream.js';

/** A real upstream whose behaviour each test picks by path. */
let server: Server;
let origin: string;
let received: string[];
const agent = new Agent({ connections: 4 });
const timeouts = { firstByteMs: 2_000, idleMs: 300 };

beforeAll(async () => {
  received = [];
  server = createServer((req: IncomingMessage, res: ServerResponse) => {
    received.push(req.url ?? '');
    req.resume();
    switch (req.url) {
      case '/ok':
        res.writeHead(200, { 'content-type': 'application/json' });
        // Two writes: the answer arrives in more than one chunk.
        res.write('{"hello":');
        setTimeout(() => res.end('"world"}'), 20);
        return;
      case '/limited':
        res.writeHead(429, [
          ['content-type', 'application/json'],
          ['retry-after', '7'],
          ['x-dup', 'a'],
          ['x-dup', 'b'],
        ]);
        res.end('{"error":{"message":"slow down"}}');
        return;
      case '/stall':
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write('{"partial":'); // then nothing: the idle limit must end it
        return;
      case '/slow':
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write('{"a":'); // keeps the body open until the test aborts it
        setTimeout(() => res.end('1}'), 1_000);
        return;
      case '/error-cut':
        res.writeHead(503, { 'content-type': 'application/json', 'content-length': '500' });
        res.write('{"error":');
        setTimeout(() => res.destroy(), 20);
        return;
      default:
        res.writeHead(404).end();
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await agent.close();
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

const request = (path: string) => ({
  url: `${origin}${path}`,
  method: 'POST' as const,
  headers: { 'content-type': 'application/json' },
  body: '{}',
});

describe('WholeAnswer (non-stream upstream call read whole)', () => {
  it('collects an answer sent in several chunks', async () => {
    const got = await new WholeAnswer().send(request('/ok'), agent, timeouts);
    expect(got.ok).toBe(true);
    if (!got.ok) return;
    expect(got.status).toBe(200);
    expect(got.body.toString()).toBe('{"hello":"world"}');
  });

  it('an error answer comes with its headers (Retry-After; repeated ones as a list) and body', async () => {
    const got = await new WholeAnswer().send(request('/limited'), agent, timeouts);
    expect(got.ok).toBe(true);
    if (!got.ok) return;
    expect(got.status).toBe(429);
    expect(got.headers['retry-after']).toBe('7');
    expect(got.headers['x-dup']).toEqual(['a', 'b']);
    expect(JSON.parse(got.body.toString())).toEqual({ error: { message: 'slow down' } });
  });

  it.each([
    ['a body that stops arriving ends at the idle limit', '/stall', null, 'timeout', /idle time limit/],
    [
      'aborted mid-body by the total time limit',
      '/slow',
      Object.assign(new Error('total time limit'), { name: 'TimeoutError' }),
      'timeout',
      /total time limit/,
    ],
    [
      'aborted mid-body because the client left (a network failure, not a timeout)',
      '/slow',
      new Error('client disconnected'),
      'network',
      /client disconnected/,
    ],
  ] as const)('%s', async (_name, path, abortWith, kind, message) => {
    const call = new WholeAnswer();
    const pending = call.send(request(path), agent, timeouts);
    if (abortWith) setTimeout(() => call.abort(abortWith), 50);
    const got = await pending;
    expect(got.ok).toBe(false);
    if (got.ok) return;
    expect(got.error.kind).toBe(kind);
    expect(got.error.message).toMatch(message);
  });

  it('aborted before it was sent: the upstream never sees the request', async () => {
    const call = new WholeAnswer();
    call.abort(new Error('client disconnected'));
    // A path of its own: an earlier case's request can reach the upstream late on a busy machine.
    const got = await call.send(request('/ok?aborted-before-sent'), agent, timeouts);
    expect(got.ok).toBe(false);
    await new Promise((r) => setTimeout(r, 50));
    expect(received).not.toContain('/ok?aborted-before-sent');
  });

  it('an error answer whose body breaks off is still that error (with an empty body)', async () => {
    const got = await new WholeAnswer().send(request('/error-cut'), agent, timeouts);
    expect(got.ok).toBe(true);
    if (!got.ok) return;
    expect(got.status).toBe(503);
    expect(got.body.length).toBe(0);
  });

  it('a refused connection is a network failure', async () => {
    const got = await new WholeAnswer().send(
      { ...request('/ok'), url: 'http://127.0.0.1:1/ok' },
      agent,
      timeouts,
    );
    expect(got.ok).toBe(false);
    if (got.ok) return;
    expect(got.error.kind).toBe('network');
  });
});

describe('headersFromRaw', () => {
  it.each([
    ['no headers', null, {}],
    [
      'names lower-cased',
      [Buffer.from('Content-Type'), Buffer.from('text/plain')],
      { 'content-type': 'text/plain' },
    ],
    [
      'three of one name become a list in order',
      ['Set-Cookie', 'a=1', 'set-cookie', 'b=2', 'SET-COOKIE', 'c=3'],
      { 'set-cookie': ['a=1', 'b=2', 'c=3'] },
    ],
    ['a value in UTF-8 is kept', [Buffer.from('x-note'), Buffer.from('café')], { 'x-note': 'café' }],
  ] as const)('%s', (_name, raw, want) => {
    expect(headersFromRaw(raw as Buffer[] | string[] | null)).toEqual(want);
  });
});
