import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UpstreamError } from '../providers/types.js';
import { StreamAnswer, type ChunkSink } from './stream-answer.js';

/** A real upstream streaming in ways each test picks by path. */
let server: Server;
let origin: string;
const agent = new Agent({ connections: 4 });
const timeouts = { firstByteMs: 2_000, idleMs: 300 };
const BIG_CHUNKS = 400;
const CHUNK = 'x'.repeat(16 * 1024);

beforeAll(async () => {
  server = createServer((req: IncomingMessage, res: ServerResponse) => {
    req.resume();
    switch (req.url) {
      case '/events': {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        let i = 0;
        const tick = () => {
          if (i === 5) return res.end('data: [DONE]\n\n');
          res.write(`data: ${i++}\n\n`);
          setTimeout(tick, 5);
        };
        return tick();
      }
      case '/big': {
        // 6.4 MB written as fast as the socket takes it: far more than the socket buffers hold.
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        let i = 0;
        const more = () => {
          while (i < BIG_CHUNKS) {
            i++;
            if (!res.write(CHUNK)) return void res.once('drain', more);
          }
          res.end();
        };
        return more();
      }
      case '/limited':
        res.writeHead(429, [
          ['content-type', 'application/json'],
          ['retry-after', '7'],
        ]);
        return void res.end('{"error":{"message":"slow down"}}');
      case '/stall':
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        return void res.write('data: 1\n\n'); // then nothing: the idle limit ends it
      case '/slow':
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.write('data: 1\n\n');
        return void setTimeout(() => res.end('data: [DONE]\n\n'), 1_000);
      case '/cut':
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.write('data: 1\n\n');
        return void setTimeout(() => res.destroy(), 20);
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

/** A sink that records what it got; `take` decides whether each chunk may be followed by more at once. */
function recorder(take: (n: number) => boolean = () => true) {
  const got: Buffer[] = [];
  let settle: (v: { end: true } | { error: UpstreamError }) => void = () => {};
  const done = new Promise<{ end: true } | { error: UpstreamError }>((r) => (settle = r));
  const sink: ChunkSink = {
    data(chunk) {
      got.push(chunk);
      return take(got.length);
    },
    end: () => settle({ end: true }),
    error: (error) => settle({ error }),
  };
  return { got, done, sink, text: () => Buffer.concat(got).toString() };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('StreamAnswer (streamed upstream call as a dispatch handler)', () => {
  it('resolves the head, then relays every chunk in order and ends', async () => {
    const call = new StreamAnswer();
    const head = await call.open(request('/events'), agent, timeouts);
    expect(head).toMatchObject({ ok: true, status: 200, body: null });
    const r = recorder();
    call.pipe(r.sink);
    expect(await r.done).toEqual({ end: true });
    expect(r.text()).toBe('data: 0\n\ndata: 1\n\ndata: 2\n\ndata: 3\n\ndata: 4\n\ndata: [DONE]\n\n');
  });

  it('chunks and the end that arrive before pipe() are held and handed over in order', async () => {
    const call = new StreamAnswer();
    await call.open(request('/events'), agent, timeouts);
    await sleep(200); // the whole stream has arrived by now
    const r = recorder();
    call.pipe(r.sink);
    expect(await r.done).toEqual({ end: true });
    expect(r.text()).toMatch(/^data: 0\n\n.*data: \[DONE\]\n\n$/s);
  });

  it('a sink that returns false pauses the upstream: no chunk until resume(), then the rest and the end', async () => {
    const call = new StreamAnswer();
    await call.open(request('/big'), agent, timeouts);
    const r = recorder((n) => n !== 1); // full after the first chunk
    call.pipe(r.sink);
    await sleep(300);
    const whilePaused = r.got.length;
    expect(whilePaused).toBe(1);
    call.resume();
    expect(await r.done).toEqual({ end: true });
    expect(Buffer.concat(r.got).length).toBe(BIG_CHUNKS * CHUNK.length);
  });

  it('an error answer is read whole, with its headers, before the head settles', async () => {
    const head = await new StreamAnswer().open(request('/limited'), agent, timeouts);
    expect(head.ok).toBe(true);
    if (!head.ok || !head.body) throw new Error('expected an error answer');
    expect(head.status).toBe(429);
    expect(head.headers['retry-after']).toBe('7');
    expect(JSON.parse(head.body.toString())).toEqual({ error: { message: 'slow down' } });
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
    ['an upstream that cuts the connection mid-body', '/cut', null, 'network', /./],
  ] as const)('%s: the sink gets what came, then an error', async (_name, path, abortWith, kind, message) => {
    const call = new StreamAnswer();
    await call.open(request(path), agent, timeouts);
    const r = recorder();
    call.pipe(r.sink);
    if (abortWith) setTimeout(() => call.abort(abortWith), 50);
    const done = await r.done;
    expect(r.text()).toBe('data: 1\n\n');
    expect('error' in done).toBe(true);
    if (!('error' in done)) return;
    expect(done.error.kind).toBe(kind);
    expect(done.error.message).toMatch(message);
  });

  it('aborted before the head: a failed head (network), and a refused connection too', async () => {
    const call = new StreamAnswer();
    call.abort(new Error('client disconnected'));
    const head = await call.open(request('/events'), agent, timeouts);
    expect(head).toMatchObject({ ok: false, error: { kind: 'network' } });
    const refused = await new StreamAnswer().open(
      { ...request('/events'), url: 'http://127.0.0.1:1/events' },
      agent,
      timeouts,
    );
    expect(refused).toMatchObject({ ok: false, error: { kind: 'network' } });
  });
});
