import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { IpAllowList, unmapIPv4 } from './ip-allowlist.js';

describe('unmapIPv4', () => {
  it.each([
    ['::ffff:127.0.0.1', '127.0.0.1'],
    ['::FFFF:10.1.2.3', '10.1.2.3'],
    ['0:0:0:0:0:ffff:10.1.2.3', '10.1.2.3'],
    ['::ffff:7f00:1', '127.0.0.1'],
    ['127.0.0.1', '127.0.0.1'],
    ['::1', '::1'],
    ['2001:db8::ffff:1.2.3.4', '2001:db8::ffff:1.2.3.4'],
    [':ffff:1.2.3.4', ':ffff:1.2.3.4'],
    ['unknown', 'unknown'],
  ])('%s → %s', (input, out) => {
    expect(unmapIPv4(input)).toBe(out);
  });
});

describe('IpAllowList', () => {
  const list = new IpAllowList([
    '203.0.113.7',
    '10.0.0.0/8',
    '2001:db8::/32',
    '::ffff:192.0.2.0/120',
    '::ffff:198.51.100.9',
  ]);

  it.each([
    ['203.0.113.7', true],
    ['203.0.113.8', false],
    ['10.255.0.1', true],
    ['11.0.0.1', false],
    ['2001:db8:ffff::1', true],
    ['2001:db9::1', false],
    ['192.0.2.200', true],
    ['198.51.100.9', true],
    ['198.51.100.10', false],
    ['not-an-ip', false],
    ['', false],
  ])('%s allowed: %s', (ip, allowed) => {
    expect(list.allows(ip)).toBe(allowed);
  });

  it('an entry that is not an address matches nothing and is reported (fail closed)', () => {
    const bad = new IpAllowList(['office', '10.0.0.0/99']);
    expect(bad.invalid).toEqual(['office', '10.0.0.0/99']);
    expect(bad.allows('10.0.0.1')).toBe(false);
    expect(IpAllowList.of([])).toBeNull();
    expect(IpAllowList.of(undefined)).toBeNull();
  });

  it('a CIDR always contains its own base address, in plain and mapped form, and a /32 nothing else', () => {
    fc.assert(
      fc.property(fc.ipV4(), fc.integer({ min: 0, max: 32 }), fc.ipV4(), (a, p, b) => {
        const l = new IpAllowList([`${a}/${p}`]);
        expect(l.allows(a)).toBe(true);
        expect(l.allows(unmapIPv4(`::ffff:${a}`))).toBe(true);
        if (p === 32) expect(l.allows(b)).toBe(a === b);
      }),
    );
  });
});
