import { describe, expect, it } from 'vitest';
import { encodeBedrockEvent, EventStreamSplitter } from './stream.js';

describe('EventStreamSplitter', () => {
  it('a very large frame (15 MB) arriving in 8 KB reads is split in linear time, and the frames around it whole', () => {
    const text = 'a'.repeat(15_000_000);
    const bytes = Buffer.concat([
      Buffer.from(encodeBedrockEvent('messageStart', { role: 'assistant' })),
      Buffer.from(encodeBedrockEvent('contentBlockDelta', { contentBlockIndex: 0, delta: { text } })),
      Buffer.from(encodeBedrockEvent('messageStop', { stopReason: 'end_turn' })),
    ]);
    const s = new EventStreamSplitter();
    const t0 = performance.now();
    const events = [];
    for (let i = 0; i < bytes.length; i += 8_192) events.push(...s.push(bytes.subarray(i, i + 8_192)));
    const ms = performance.now() - t0;
    expect(events.map((e) => e.type)).toEqual(['messageStart', 'contentBlockDelta', 'messageStop']);
    expect(((events[1]!.payload.delta as { text: string }).text === text) as boolean).toBe(true);
    expect(s.pending).toBe(0);
    // Copying the frame so far on every read took ~2 s here, the event loop blocked for every other request.
    expect(ms).toBeLessThan(400);
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
