import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { newRequestId, requestIdTime } from './request-id.js';

const V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('newRequestId', () => {
  it('is a UUIDv7 carrying the time it was made, in milliseconds', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 48 - 1 }), (now) => {
        const id = newRequestId(now);
        expect(id).toMatch(V7);
        expect(parseInt(id.slice(0, 8) + id.slice(9, 13), 16)).toBe(now);
      }),
    );
  });

  it('sorts by time: an id made a millisecond later sorts after (as text, as the index orders it)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 48 - 2 }), fc.integer({ min: 1, max: 10 ** 9 }), (a, d) => {
        const b = Math.min(a + d, 2 ** 48 - 1);
        expect(newRequestId(a) < newRequestId(b)).toBe(true);
      }),
    );
  });

  it('does not repeat within one millisecond', () => {
    const ids = new Set(Array.from({ length: 10_000 }, () => newRequestId(1_765_000_000_000)));
    expect(ids.size).toBe(10_000);
  });

  it('gives back the time of a UUIDv7 and nothing for any other id', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 48 - 1 }), (now) => {
        expect(requestIdTime(newRequestId(now))).toBe(now);
      }),
    );
    for (const other of [
      '',
      'req-1',
      '0f3c2a1e-9b7d-4c2a-8e1f-1234567890ab', // v4
      '01a24dfd-7919-721f-cf79-1a9fbc6deb33', // wrong variant
      '01A24DFD-7919-721F-9F79-1A9FBC6DEB33', // not as the gateway writes it
      '01a24dfd-7919-721f-9f79-1a9fbc6deb33x',
    ])
      expect(requestIdTime(other), other).toBeNull();
  });
});
