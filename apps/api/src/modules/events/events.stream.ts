import type { IncomingMessage, ServerResponse } from 'node:http';
import { visibleTo, type LiveEvent } from '@switchyard/core';
import type { LiveEventBus } from '../../events/bus.js';
import { can, type Role } from '../auth/permissions.js';

/** A comment line this often keeps proxies and load balancers from closing a quiet stream. */
export const HEARTBEAT_MS = 15_000;
/** How long a browser waits before reconnecting after the stream dropped (the SSE `retry:` field). */
export const RETRY_MS = 3_000;
/** A client that stops reading is cut off once this much is waiting for it (never unbounded memory). */
const MAX_BUFFERED_BYTES = 1 << 20;

/**
 * Serve one event stream until the client leaves: `retry:` first, then every event the viewer may see as
 * `event: <type>` + `data: <json>`, and a heartbeat comment every 15 s. Operators and viewers (`usage:read-any`) get
 * everything; other users only their own `call` events. The listener and the timer go when the connection closes.
 */
export function openEventStream(
  bus: LiveEventBus,
  user: { id: string; role: Role },
  req: IncomingMessage,
  res: ServerResponse,
): void {
  const viewer = { all: can(user.role, 'usage:read-any'), userId: user.id };
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-store, no-transform',
    connection: 'keep-alive',
    // nginx and similar proxies would otherwise buffer the stream.
    'x-accel-buffering': 'no',
  });
  res.write(`retry: ${RETRY_MS}\n: connected\n\n`);
  let closed = false;
  const send = (chunk: string) => {
    if (closed) return;
    if (res.writableLength > MAX_BUFFERED_BYTES) {
      close();
      res.destroy();
      return;
    }
    res.write(chunk);
  };
  const unsubscribe = bus.subscribe((event: LiveEvent) => {
    if (visibleTo(event, viewer)) send(`event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`);
  });
  const heartbeat = setInterval(() => send(': ping\n\n'), HEARTBEAT_MS);
  heartbeat.unref();
  const close = () => {
    if (closed) return;
    closed = true;
    clearInterval(heartbeat);
    unsubscribe();
  };
  req.on('close', close);
  res.on('close', close);
  res.on('error', close);
}
