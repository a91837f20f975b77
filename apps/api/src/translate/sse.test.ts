import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { StringDecoder } from 'node:string_decoder';
import { SseParser, sseEvent } from './sse.js';

function feedAll(pieces: Array<string | Uint8Array>) {
  const p = new SseParser();
  const out = pieces.flatMap((x) => p.push(x));
  return [...out, ...p.end()];
}

describe('SseParser', () => {
  it('a very long event (8 MB, a big tool call or image) arriving in 16 KB reads is searched once, not on every read', () => {
    for (const eol of ['\n', '\r\n']) {
      const big = JSON.stringify({ x: 'a'.repeat(8_000_000) });
      const bytes = Buffer.from(`data: ${big}${eol}${eol}data: next${eol}${eol}`);
      const p = new SseParser();
      const evs = [];
      // The characters the parser searches for line ends (String#indexOf is its search), counted while it parses.
      // Searching the whole pending event again on every read made this quadratic (~2 s of a blocked event loop).
      let searched = 0;
      const indexOf = String.prototype.indexOf;
      String.prototype.indexOf = function (this: string, ...args: Parameters<string['indexOf']>) {
        searched += this.length;
        return indexOf.apply(this, args);
      };
      try {
        for (let i = 0; i < bytes.length; i += 16_384) evs.push(...p.push(bytes.subarray(i, i + 16_384)));
        evs.push(...p.end());
      } finally {
        String.prototype.indexOf = indexOf;
      }
      expect(evs.map((e) => e.data.length)).toEqual([big.length, 4]);
      expect(evs[0]!.data === big).toBe(true);
      // A few passes over each character (each read, then the line once whole), not one per read (~2 billion).
      expect(searched).toBeLessThan(10 * bytes.length);
    }
  });

  it('parses events split at every byte boundary, including inside a multi-byte character', () => {
    const text = 'event: a\ndata: {"t":"héllo 🌍"}\n\ndata: second\n\n';
    const bytes = Buffer.from(text);
    for (let cut = 1; cut < bytes.length; cut++) {
      const evs = feedAll([bytes.subarray(0, cut), bytes.subarray(cut)]);
      expect(evs).toEqual([
        { event: 'a', data: '{"t":"héllo 🌍"}' },
        { event: undefined, data: 'second' },
      ]);
    }
    // one byte at a time
    const evs = feedAll([...bytes].map((b) => Uint8Array.of(b)));
    expect(evs.map((e) => e.data)).toEqual(['{"t":"héllo 🌍"}', 'second']);
  });

  it('a leading byte-order mark is dropped, even split over chunks; invalid bytes become U+FFFD', () => {
    const bytes = Buffer.concat([
      Buffer.from([0xef, 0xbb, 0xbf]),
      Buffer.from('data: a\n\ndata: \ufeffb\n\n'),
    ]);
    for (let cut = 1; cut < bytes.length; cut++) {
      const evs = feedAll([bytes.subarray(0, cut), bytes.subarray(cut)]);
      // Only the stream's first character is a BOM to drop; one inside the data stays.
      expect(evs.map((e) => e.data)).toEqual(['a', '\ufeffb']);
    }
    expect(feedAll([Uint8Array.from([...Buffer.from('data: x'), 0xff, 0x0a, 0x0a])])).toEqual([
      { event: undefined, data: 'x\ufffd' },
    ]);
  });

  it('handles CRLF, lone CR (even split between chunks), comments and multi-line data', () => {
    expect(feedAll([': keep-alive\r\ndata: a\r\ndata: b\r\n\r\n'])).toEqual([
      { event: undefined, data: 'a\nb' },
    ]);
    expect(feedAll(['data: x\r', '\ndata: y\r', '\r', 'data: z\r\r'])).toEqual([
      { event: undefined, data: 'x\ny' },
      { event: undefined, data: 'z' },
    ]);
  });

  it('keeps the value verbatim after "data:" without space, and tracks id and retry', () => {
    expect(feedAll(['data:no-space\nid: 7\nretry: 300\n\n'])).toEqual([
      { event: undefined, data: 'no-space', id: '7', retry: 300 },
    ]);
  });

  it('emits nothing until the blank line arrives, and flushes a dangling event at end', () => {
    const p = new SseParser();
    expect(p.push('data: partial')).toEqual([]);
    expect(p.hasPartial).toBe(true);
    expect(p.end()).toEqual([{ event: undefined, data: 'partial' }]);
  });

  it('counts lines that are not SSE fields', () => {
    const p = new SseParser();
    p.push('garbage line\ndata: ok\n\n');
    expect(p.malformedLines).toBe(1);
  });

  it('encodes multi-line data as several data lines', () => {
    expect(sseEvent('a\nb', 'x')).toBe('event: x\ndata: a\ndata: b\n\n');
    expect(feedAll([sseEvent('a\nb', 'x')])).toEqual([{ event: 'x', data: 'a\nb' }]);
  });

  it('gives the same events (ids, retries, malformed lines) whether a stream comes whole or a character at a time', () => {
    const field = fc.oneof(
      fc.constantFrom(
        'data: {"a":1}',
        'data: [DONE]',
        'data:x',
        'data: ',
        'data',
        'event: ping',
        'id: 7',
        'id',
        'retry: 100',
        ': comment',
        'bogus',
      ),
      fc.string({ maxLength: 6 }).map((t) => `data: ${t.replace(/[\r\n]/g, '')}`),
    );
    // Events of a few lines and a blank line; half the streams use LF only (the parser's fast path), the rest mix
    // in CRLF and lone CR.
    const event = fc.array(field, { minLength: 1, maxLength: 3 }).map((ls) => [...ls, '']);
    fc.assert(
      fc.property(fc.array(event, { maxLength: 12 }), fc.boolean(), fc.nat(), (events, crs, seed) => {
        const lines = events.flat();
        const text = lines
          .map((l, i) => l + (crs && (seed + i) % 3 === 0 ? ((seed + i) % 2 ? '\r\n' : '\r') : '\n'))
          .join('');
        const run = (pieces: string[]) => {
          const p = new SseParser();
          const evs = pieces.flatMap((x) => p.push(Buffer.from(x)));
          return { evs: [...evs, ...p.end()], malformed: p.malformedLines };
        };
        expect(run([text])).toEqual(run([...text]));
      }),
      { numRuns: 1000 },
    );
  });
  it('reads arbitrary bytes in arbitrary reads as the text a streaming UTF-8 decoder makes of them (invalid bytes, characters split between reads)', () => {
    // Bytes biased toward the interesting ones: line ends, `data: `, lead and continuation bytes, a BOM's.
    const byte = fc.oneof(
      fc.integer({ min: 0, max: 255 }),
      fc.constantFrom(
        0x0a,
        0x0d,
        0x64,
        0x3a,
        0x20,
        0xc3,
        0xa9,
        0xe2,
        0x82,
        0xac,
        0xf0,
        0x9f,
        0x98,
        0x80,
        0xef,
        0xbb,
        0xbf,
      ),
    );
    fc.assert(
      fc.property(
        fc.array(byte, { maxLength: 80 }),
        fc.array(fc.nat({ max: 80 }), { maxLength: 6 }),
        (bytes, cuts) => {
          const all = Buffer.from([
            ...Buffer.from('data: '),
            ...bytes,
            0x0a,
            0x0a,
            ...Buffer.from('data: '),
            ...bytes,
          ]);
          const at = [...new Set(cuts.map((c) => Math.min(c, all.length)))].sort((a, b) => a - b);
          const pieces: Buffer[] = [];
          let from = 0;
          for (const c of [...at, all.length]) {
            pieces.push(all.subarray(from, c));
            from = c;
          }
          // The reference: one streaming decoder over the same reads, the text then parsed whole (BOM dropped).
          const d = new StringDecoder('utf8');
          let text = pieces.map((x) => d.write(x)).join('') + d.end();
          if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
          const p = new SseParser();
          const got = [...pieces.flatMap((x) => p.push(x)), ...p.end()];
          expect({ evs: got, malformed: p.malformedLines }).toEqual(
            (() => {
              const q = new SseParser();
              return { evs: [...q.push(text), ...q.end()], malformed: q.malformedLines };
            })(),
          );
        },
      ),
      { numRuns: 3000 },
    );
  });
});
