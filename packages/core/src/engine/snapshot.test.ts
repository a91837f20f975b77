import { describe, expect, it } from 'vitest';
import { committedBefore, parseSnapshot, snapshotText } from './snapshot.js';

describe('parseSnapshot', () => {
  it.each([
    ['10:20:', { xmin: 10, xmax: 20, xip: [] }],
    ['10:20:12,15', { xmin: 10, xmax: 20, xip: [12, 15] }],
    ['7:7:', { xmin: 7, xmax: 7, xip: [] }],
    ['4294967396:4294967400:4294967398', { xmin: 4294967396, xmax: 4294967400, xip: [4294967398] }],
  ])('reads %s', (text, snap) => {
    expect(parseSnapshot(text)).toEqual(snap);
    expect(snapshotText(parseSnapshot(text)!)).toBe(text);
  });
  it.each(['', '10:20', '10:20:x', '20:10:', '10:20:25', '10:20:5', '-1:2:', '1.5:2:', '10:20:12,'])(
    'refuses %j',
    (text) => expect(parseSnapshot(text)).toBeNull(),
  );
});

describe('committedBefore', () => {
  const s = parseSnapshot('103:110:103,107')!;
  it.each([
    [99, true, 'ended before the oldest running one'],
    [102, true, 'just below the oldest running one'],
    [103, false, 'still running then'],
    [105, true, 'between, not running: committed'],
    [107, false, 'still running then'],
    [109, true, 'below xmax, not running: committed'],
    [110, false, 'at xmax: not yet ended'],
    [500, false, 'started after'],
  ])('%i → %s (%s)', (xid, seen) => {
    expect(committedBefore(xid, s)).toBe(seen);
  });
});
