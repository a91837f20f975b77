import { describe, expect, it } from 'vitest';
import { BatchQueue } from './batch-queue.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('BatchQueue', () => {
  it('writes pushed items in batches off the caller path and reports depth', async () => {
    const written: number[][] = [];
    const depths: number[] = [];
    const q = new BatchQueue<number>({
      write: async (b) => void written.push([...b]),
      intervalMs: 10,
      batchSize: 3,
      maxBuffered: 100,
      onDepth: (d) => depths.push(d),
    });
    for (let i = 0; i < 7; i++) q.push(i);
    await sleep(60);
    expect(written.flat()).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(Math.max(...written.map((b) => b.length))).toBe(3);
    expect(q.depth).toBe(0);
    expect(depths.at(-1)).toBe(0);
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

  it('flushes everything on close', async () => {
    const written: string[] = [];
    const q = new BatchQueue<string>({ write: async (b) => void written.push(...b), intervalMs: 60_000, maxBuffered: 10 });
    q.push('a');
    q.push('b');
    expect(written).toEqual([]);
    expect(await q.close()).toEqual({ unwritten: 0 });
    expect(written).toEqual(['a', 'b']);
  });
});
