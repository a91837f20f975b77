// Redis for tests: the real server at REDIS_TEST_URL (default redis://127.0.0.1:6379), a key prefix per test so
// parallel files never meet, and a TCP proxy in front of it that a test can cut and restore to simulate an
// outage, or slow down (in order) to simulate a latency spike, without touching the real server.
import { randomBytes } from 'node:crypto';
import { createServer, connect, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { Redis } from 'ioredis';

export const REDIS_TEST_URL = process.env.REDIS_TEST_URL ?? 'redis://127.0.0.1:6379';

export function testPrefix(): string {
  return `sy-test:${randomBytes(5).toString('hex')}:`;
}

/** Delete every key under a prefix. */
export async function dropPrefix(prefix: string): Promise<void> {
  const r = new Redis(REDIS_TEST_URL, { maxRetriesPerRequest: 1 });
  try {
    let cursor = '0';
    do {
      const [next, keys] = await r.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      cursor = next;
      if (keys.length) await r.del(...keys);
    } while (cursor !== '0');
  } finally {
    await r.quit();
  }
}

export interface TcpProxy {
  /** redis://127.0.0.1:<proxy port> (plus the target's path, e.g. a database number). */
  url: string;
  /** Stop accepting and cut every open connection (Redis "goes down" for the clients behind the proxy). */
  cut(): Promise<void>;
  /** Listen again on the same port. */
  restore(): Promise<void>;
  /**
   * Hold what passes one way (Redis's `replies` by default, or the clients' `requests`) for `ms` from now on,
   * keeping its order: data already held stays ahead of what comes later. 0 passes new data at once (behind
   * anything still held). Held data is dropped with the connection when the proxy is cut.
   */
  setDelay(ms: number, direction?: 'replies' | 'requests'): void;
  close(): Promise<void>;
}

export async function startRedisProxy(targetUrl = REDIS_TEST_URL): Promise<TcpProxy> {
  const target = new URL(targetUrl);
  const host = target.hostname || '127.0.0.1';
  const port = Number(target.port || 6379);
  const sockets = new Set<Socket>();
  const delay = { replies: 0, requests: 0 };
  /** Forward `from` to `to` in order, each chunk held for the delay of its direction when it arrived. */
  const relay = (from: Socket, to: Socket, direction: 'replies' | 'requests') => {
    const held: { at: number; data: Buffer }[] = [];
    let timer: NodeJS.Timeout | undefined;
    const pump = () => {
      timer = undefined;
      while (held.length > 0 && held[0]!.at <= Date.now()) {
        const { data } = held.shift()!;
        if (!to.destroyed) to.write(data);
      }
      if (held.length > 0) timer = setTimeout(pump, held[0]!.at - Date.now());
    };
    from.on('data', (data: Buffer) => {
      if (delay[direction] === 0 && held.length === 0) {
        if (!to.destroyed) to.write(data);
        return;
      }
      held.push({ at: Date.now() + delay[direction], data });
      timer ??= setTimeout(pump, held[0]!.at - Date.now());
    });
    from.on('close', () => {
      clearTimeout(timer);
      held.length = 0;
    });
  };
  const make = () =>
    createServer((client) => {
      const upstream = connect(port, host);
      sockets.add(client).add(upstream);
      const done = () => {
        client.destroy();
        upstream.destroy();
        sockets.delete(client);
        sockets.delete(upstream);
      };
      client.on('error', done).on('close', done);
      upstream.on('error', done).on('close', done);
      relay(client, upstream, 'requests');
      relay(upstream, client, 'replies');
    });
  let server: Server = make();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const proxyPort = (server.address() as AddressInfo).port;
  let listening = true;
  const cut = async () => {
    if (!listening) return;
    listening = false;
    const closed = new Promise<void>((r) => server.close(() => r()));
    for (const s of sockets) s.destroy();
    sockets.clear();
    await closed;
  };
  const u = new URL(targetUrl);
  u.hostname = '127.0.0.1';
  u.port = String(proxyPort);
  return {
    url: u.toString(),
    cut,
    restore: async () => {
      if (listening) return;
      server = make();
      await new Promise<void>((r, reject) =>
        server.once('error', reject).listen(proxyPort, '127.0.0.1', () => r()),
      );
      listening = true;
    },
    setDelay: (ms, direction = 'replies') => {
      delay[direction] = Math.max(0, ms);
    },
    close: cut,
  };
}

/** Poll until `check` passes or `timeoutMs` elapses; returns the elapsed milliseconds, throws the last failure. */
export async function eventually(
  check: () => void | Promise<void>,
  timeoutMs = 2000,
  everyMs = 20,
): Promise<number> {
  const started = Date.now();
  for (;;) {
    try {
      await check();
      return Date.now() - started;
    } catch (err) {
      if (Date.now() - started > timeoutMs) throw err;
      await new Promise((r) => setTimeout(r, everyMs));
    }
  }
}
