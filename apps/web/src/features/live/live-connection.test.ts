import { describe, expect, it } from 'vitest';
import { LiveConnection, type EventSourceLike } from './live-connection';

class FakeSource implements EventSourceLike {
  listeners = new Map<string, ((ev: MessageEvent) => void)[]>();
  closed = false;
  addEventListener(type: string, l: (ev: MessageEvent) => void) {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), l]);
  }
  emit(type: string, data?: string) {
    for (const l of this.listeners.get(type) ?? []) l(new MessageEvent(type, { data }));
  }
  close() {
    this.closed = true;
  }
}

function setup() {
  const sources: FakeSource[] = [];
  const timers: { fn: () => void; ms: number }[] = [];
  const conn = new LiveConnection({
    url: '/api/v1/llm/events',
    open: () => {
      const s = new FakeSource();
      sources.push(s);
      return s;
    },
    setTimer: (fn, ms) => timers.push({ fn, ms }),
    clearTimer: () => undefined,
  });
  return { conn, sources, timers };
}

const call = { type: 'call', requestId: 'r1', userId: 'u1' };

describe('LiveConnection', () => {
  it('opens one stream for every listener, hands each event to all of them, and closes with the last', () => {
    const { conn, sources } = setup();
    const a: unknown[] = [];
    const b: unknown[] = [];
    const offA = conn.subscribe((e) => a.push(e));
    const offB = conn.subscribe((e) => b.push(e));
    expect(sources).toHaveLength(1);
    expect(conn.status).toBe('connecting');
    sources[0]!.emit('open');
    expect(conn.status).toBe('open');
    sources[0]!.emit('call', JSON.stringify(call));
    // Malformed data and an event whose body names another type are ignored.
    sources[0]!.emit('call', '{not json');
    sources[0]!.emit('provider', JSON.stringify(call));
    expect(a).toEqual([call]);
    expect(b).toEqual([call]);
    offA();
    expect(sources[0]!.closed).toBe(false);
    offB();
    expect(sources[0]!.closed).toBe(true);
    expect(conn.status).toBe('down');
  });

  it('goes down on an error and reconnects after a growing delay, back to 1 s once it opened again', () => {
    const { conn, sources, timers } = setup();
    const statuses: string[] = [];
    conn.onStatus(() => statuses.push(conn.status));
    conn.subscribe(() => undefined);
    sources[0]!.emit('error');
    expect(conn.status).toBe('down');
    expect(sources[0]!.closed).toBe(true);
    expect(timers.map((t) => t.ms)).toEqual([1000]);
    timers[0]!.fn();
    sources[1]!.emit('error');
    timers[1]!.fn();
    sources[2]!.emit('error');
    expect(timers.map((t) => t.ms)).toEqual([1000, 2000, 4000]);
    timers[2]!.fn();
    sources[3]!.emit('open');
    sources[3]!.emit('error');
    expect(timers.at(-1)!.ms).toBe(1000);
    expect(statuses).toEqual([
      'connecting',
      'down',
      'connecting',
      'down',
      'connecting',
      'down',
      'connecting',
      'open',
      'down',
    ]);
  });
});
