import { describe, expect, it } from 'vitest';
import { BatchQueue, PartialWriteError } from './batch-queue.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('BatchQueue', () => {
  it('writes pushed items in batches off the caller path and reports depth', async () => {
    const written: number[][] = [];
    const q = new BatchQueue<number>({
      write: async (b) => void written.push([...b]),
      intervalMs: 10,
      batchSize: 3,
      maxBuffered: 100,
    });
    for (let i = 0; i < 7; i++) q.push(i);
    expect(q.depth).toBeGreaterThan(0);
    await sleep(60);
    expect(written.flat()).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(Math.max(...written.map((b) => b.length))).toBe(3);
    expect(q.depth).toBe(0);
    await q.close();
  });

  it('keeps records through a database outage and writes them when it returns', async () => {
    let down = true;
    const written: number[] = [];
    const errors: number[] = [];
    const q = new BatchQueue<number>({
      write: async (b) => {
        if (down) throw new Error('connection refused');
        written.push(...b);
      },
      intervalMs: 5,
      maxBackoffMs: 20,
      maxBuffered: 1000,
      onError: (_e, pending) => errors.push(pending),
    });
    for (let i = 0; i < 50; i++) q.push(i);
    await sleep(60);
    expect(written).toEqual([]);
    expect(errors.length).toBeGreaterThan(0);
    expect(q.depth).toBe(50);
    down = false;
    await sleep(80);
    expect(written).toEqual(Array.from({ length: 50 }, (_, i) => i));
    await q.close();
  });

  it('drops the oldest records past the bound and counts the loss', async () => {
    let dropped = 0;
    const q = new BatchQueue<number>({
      write: async () => {
        throw new Error('down');
      },
      intervalMs: 1000,
      maxBuffered: 10,
      onDrop: (n) => (dropped += n),
    });
    for (let i = 0; i < 25; i++) q.push(i);
    expect(q.depth).toBe(10);
    expect(dropped).toBe(15);
    const { unwritten } = await q.close(50);
    expect(unwritten).toBe(10);
  });

  it('does not chase the tail: items that arrive during a write wait for the next tick; a full batch does not', async () => {
    // Regression: at concurrency 1 (a request every ~1 ms) a write in flight saw one or two new records arrive,
    // and the drain loop wrote them at once, again and again: hundreds of one-row statements a second, which
    // cost the gateway and PostgreSQL far more than the requests themselves. Driven step by step (no timing).
    const writes: number[][] = [];
    let release: () => void = () => {};
    const q = new BatchQueue<number>({
      write: async (b) => {
        writes.push([...b]);
        await new Promise<void>((r) => (release = r));
      },
      intervalMs: 60_000, // no timer tick during the test: only the explicit flushes below
      batchSize: 5,
      maxBuffered: 1000,
    });
    q.push(0);
    q.push(1);
    const first = q.flush(); // writing [0, 1]
    q.push(2);
    q.push(3); // arrive during that write
    release();
    await first;
    expect(writes).toEqual([[0, 1]]); // the two late ones wait for the next flush
    expect(q.depth).toBe(2);

    const second = q.flush(); // writing [2, 3]
    for (let i = 4; i < 9; i++) q.push(i); // a full batch builds up during that write
    release();
    await new Promise((r) => setImmediate(r));
    release();
    await second;
    expect(writes).toEqual([
      [0, 1],
      [2, 3],
      [4, 5, 6, 7, 8],
    ]); // written by the same flush, not left for a tick
    expect(q.depth).toBe(0);
    await q.close();
  });

  it('a write in flight is not disturbed by drops at the bound: nothing is written twice or lost uncounted', async () => {
    const written: number[] = [];
    let dropped = 0;
    let release: () => void = () => {};
    const q = new BatchQueue<number>({
      write: async (b) => {
        await new Promise<void>((r) => (release = r));
        written.push(...b);
      },
      intervalMs: 60_000,
      batchSize: 5,
      maxBuffered: 5,
      onDrop: (c) => (dropped += c),
    });
    for (let i = 0; i < 5; i++) q.push(i); // a full batch: its write starts and waits
    for (let i = 5; i < 12; i++) q.push(i); // 7 more; the bound keeps the newest 5 of them
    release();
    await sleep(5);
    const closing = q.close(200);
    for (let i = 0; i < 5 && written.length < 10; i++) {
      release();
      await sleep(5);
    }
    await closing;
    // The batch in flight is not part of the bound's count: only the two oldest waiting records (5, 6) go.
    expect(written).toEqual([0, 1, 2, 3, 4, 7, 8, 9, 10, 11]);
    expect(dropped).toBe(2);
  });

  it('flushes everything on close', async () => {
    const written: string[] = [];
    const q = new BatchQueue<string>({
      write: async (b) => void written.push(...b),
      intervalMs: 60_000,
      maxBuffered: 10,
    });
    q.push('a');
    q.push('b');
    expect(written).toEqual([]);
    expect(await q.close()).toEqual({ unwritten: 0 });
    expect(written).toEqual(['a', 'b']);
  });

  it('after a partial write retries only what was not handled, and counts what was written', async () => {
    const written: number[] = [];
    const counted: number[] = [];
    let failOnce = true;
    const q = new BatchQueue<number>({
      write: async (b) => {
        if (failOnce) {
          failOnce = false;
          written.push(...b.slice(0, 2));
          throw new PartialWriteError(new Error('connection lost'), b.slice(2), 2);
        }
        written.push(...b);
        return b.length - 1; // one record set aside
      },
      intervalMs: 60_000,
      maxBuffered: 100,
      onWritten: (n) => counted.push(n),
    });
    for (let i = 0; i < 5; i++) q.push(i);
    await q.flush();
    expect(q.depth).toBe(3);
    await q.close();
    expect(written).toEqual([0, 1, 2, 3, 4]);
    expect(counted).toEqual([2, 2]);
  });
  it('tells which records it is done with, in order: written, written in part, dropped (never one still waiting)', async () => {
    let fail: 'no' | 'all' | 'half' = 'all';
    const handled: number[] = [];
    const q = new BatchQueue<number>({
      write: async (b) => {
        if (fail === 'all') throw new Error('connection refused');
        if (fail === 'half') {
          fail = 'no';
          throw new PartialWriteError(new Error('connection reset'), b.slice(1), 1);
        }
      },
      intervalMs: 1_000_000,
      batchSize: 4,
      maxBuffered: 6,
      onHandled: (seq) => handled.push(seq),
    });
    expect([0, 1, 2].map((i) => q.push(i))).toEqual([0, 1, 2]);
    expect(q.handledBelow).toBe(0);
    await q.flush();
    expect(q.handledBelow).toBe(0);
    fail = 'half';
    await q.flush();
    // The first record went in and the rest wait; the rows handed back could have been any of the batch's, so
    // none of it counts as handled yet.
    expect(q.handledBelow).toBe(0);
    for (let i = 3; i < 10; i++) q.push(i);
    // Past the bound the oldest waiting records are dropped: the queue is done with them too (three of them).
    expect(q.depth).toBe(6);
    expect(q.handledBelow).toBe(3);
    await q.flush();
    await q.flush();
    expect(q.depth).toBe(0);
    expect(q.handledBelow).toBe(10);
    expect(handled.at(-1)).toBe(10);
    expect([...handled].sort((a, b) => a - b)).toEqual(handled);
    await q.close();
  });
});
