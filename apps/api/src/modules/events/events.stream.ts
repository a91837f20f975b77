import type { IncomingMessage, ServerResponse } from 'node:http';
import { visibleTo, type LiveEvent } from '@switchyard/core';
import type { LiveEventBus } from '../../events/bus.js';
import { can, type Role } from '../auth/permissions.js';

/** How long a browser waits before reconnecting after the stream dropped (the SSE `retry:` field). */
export const RETRY_MS = 3_000;
/** A client that stops reading is cut off once this much is waiting for it (never unbounded memory). */
const MAX_BUFFERED_BYTES = 1 << 20;

/**
 * Serve one event stream until the client leaves: `retry:` first, then every event the viewer may see as
 * `event: <type>` + `data: <json>`, and a heartbeat comment every `heartbeatMs` (15 s by default). Operators and
 * viewers (`usage:read-any`) get everything; other users only their own `call` events. With every heartbeat the
 * session is checked again: signed out, expired or suspended ends the stream, a changed role changes what it shows.
 * The listener and the timer go when the connection closes.
 */
export function openEventStream(
  bus: LiveEventBus,
  user: { id: string; role: Role },
  req: IncomingMessage,
  res: ServerResponse,
  session: {
    /** The session's user now (null: signed out, expired or suspended), asked with every heartbeat. */
    recheck: () => Promise<{ id: string; role: Role } | null>;
    onError: (err: unknown) => void;
  },
  /** A comment this often keeps proxies from closing a quiet stream (LIVE_EVENTS_HEARTBEAT_MS). */
  heartbeatMs: number,
): void {
  let viewer = { all: can(user.role, 'usage:read-any'), userId: user.id };
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
  let checking = false;
  const heartbeat = setInterval(() => {
    send(': ping\n\n');
    if (checking || closed) return;
    checking = true;
    session
      .recheck()
      .then((now) => {
        if (closed) return;
        if (!now) {
          close();
          res.end();
        } else viewer = { all: can(now.role, 'usage:read-any'), userId: now.id };
      })
      // The database is away: keep the stream (its events carry nothing the session could not see a moment ago).
      .catch(session.onError)
      .finally(() => (checking = false));
  }, heartbeatMs);
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
