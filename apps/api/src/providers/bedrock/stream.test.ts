import { describe, expect, it, vi } from 'vitest';
import { encodeBedrockEvent, EventStreamSplitter } from './stream.js';

describe('EventStreamSplitter', () => {
  it('a very large frame (15 MB) arriving in 8 KB reads is copied once, not on every read, and the frames around it whole', () => {
    const text = 'a'.repeat(15_000_000);
    const bytes = Buffer.concat([
      Buffer.from(encodeBedrockEvent('messageStart', { role: 'assistant' })),
      Buffer.from(encodeBedrockEvent('contentBlockDelta', { contentBlockIndex: 0, delta: { text } })),
      Buffer.from(encodeBedrockEvent('messageStop', { stopReason: 'end_turn' })),
    ]);
    const s = new EventStreamSplitter();
    // The bytes joined while splitting: copying the frame so far on every read made this quadratic (~2 s of a
    // blocked event loop).
    const concat = vi.spyOn(Buffer, 'concat');
    const events = [];
    let copied = 0;
    try {
      for (let i = 0; i < bytes.length; i += 8_192) events.push(...s.push(bytes.subarray(i, i + 8_192)));
      copied = concat.mock.results.reduce((n, r) => n + (r.value as Buffer).length, 0);
    } finally {
      concat.mockRestore();
    }
    expect(events.map((e) => e.type)).toEqual(['messageStart', 'contentBlockDelta', 'messageStop']);
    expect(((events[1]!.payload.delta as { text: string }).text === text) as boolean).toBe(true);
    expect(s.pending).toBe(0);
    expect(copied).toBeLessThan(2 * bytes.length);
  });

  it('frames split at every byte boundary come out whole, with what is left pending', () => {
    const a = Buffer.from(encodeBedrockEvent('contentBlockDelta', { delta: { text: 'héllo 🌍' } }));
    const b = Buffer.from(encodeBedrockEvent('messageStop', { stopReason: 'end_turn' }));
    const all = Buffer.concat([a, b]);
    for (let cut = 1; cut < all.length; cut++) {
      const s = new EventStreamSplitter();
      const first = s.push(all.subarray(0, cut));
      expect(s.pending).toBe(cut - first.reduce((n, _e, i) => n + [a, b][i]!.length, 0));
      const events = [...first, ...s.push(all.subarray(cut))];
      expect(events.map((e) => e.type)).toEqual(['contentBlockDelta', 'messageStop']);
      expect(s.pending).toBe(0);
    }
  });
});
