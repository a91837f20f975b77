import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  createGatewayKeyBody,
  ipAllowlistField,
  updateGatewayKeyBody,
  updatePreferencesBody,
  updateUserBody,
} from './index.js';

describe('gateway key IP allow-list', () => {
  it('takes IPv4 and IPv6 addresses and CIDR ranges, trimmed', () => {
    const body = createGatewayKeyBody.parse({
      name: 'ci',
      ipAllowlist: [' 203.0.113.7', '10.0.0.0/8', '2001:db8::/32', '::1', '::ffff:192.0.2.1'],
    });
    expect(body.ipAllowlist).toEqual([
      '203.0.113.7',
      '10.0.0.0/8',
      '2001:db8::/32',
      '::1',
      '::ffff:192.0.2.1',
    ]);
    expect(updateGatewayKeyBody.parse({ ipAllowlist: [] }).ipAllowlist).toEqual([]);
    expect(createGatewayKeyBody.parse({ name: 'x' }).ipAllowlist).toBeUndefined();
  });

  it.each([
    ['a host name', 'example.com'],
    ['an octet over 255', '10.0.0.256'],
    ['a prefix over 32', '10.0.0.0/33'],
    ['an IPv6 prefix over 128', '2001:db8::/129'],
    ['a zone id', 'fe80::1%eth0'],
    ['a range with a dash', '10.0.0.1-10.0.0.9'],
    ['an empty entry', ''],
  ])('rejects %s and names the entry', (_n, value) => {
    const r = updateGatewayKeyBody.safeParse({ ipAllowlist: ['10.0.0.1', value] });
    expect(r.success).toBe(false);
    expect(r.error!.issues[0]!.path).toEqual(['ipAllowlist', 1]);
    expect(r.error!.issues[0]!.message).toMatch(/IP address or CIDR range/);
  });

  it('caps the list at 100 entries', () => {
    expect(ipAllowlistField.safeParse(Array.from({ length: 101 }, (_, i) => `10.0.0.${i}`)).success).toBe(
      false,
    );
  });

  it('accepts every generated IPv4/IPv6 address and CIDR, and never throws on arbitrary strings', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.ipV4(),
          fc.ipV6(),
          fc.tuple(fc.ipV4(), fc.integer({ min: 0, max: 32 })).map(([a, p]) => `${a}/${p}`),
        ),
        (entry) => {
          expect(ipAllowlistField.safeParse([entry]).success).toBe(true);
        },
      ),
    );
    fc.assert(
      fc.property(fc.string(), (entry) => {
        const r = ipAllowlistField.safeParse([entry]);
        if (r.success) expect(r.data[0]).toBe(entry.trim());
      }),
    );
  });
});

describe('routing preferences and BYOK limits', () => {
  it.each([
    [{ defaultModel: 'openai/gpt-4o', preferredProviders: ['groq', 'openai'] }, true],
    [{ defaultModel: null }, true],
    [{ preferredProviders: [] }, true],
    [{}, false],
    [{ defaultModel: 'has space' }, false],
    [{ defaultModel: '' }, false],
    [{ preferredProviders: ['a', 'a'] }, false],
    [{ preferredProviders: ['Not A Slug'] }, false],
    [{ preferredProviders: Array.from({ length: 21 }, (_, i) => `p${i}`) }, false],
  ])('%j → %s', (body, ok) => {
    expect(updatePreferencesBody.safeParse(body).success).toBe(ok);
  });
  it.each([
    [{ byokMonthlyRequestLimit: 0, byokMonthlySpendLimitUsd: 0 }, true],
    [{ byokMonthlyRequestLimit: null, byokMonthlySpendLimitUsd: null }, true],
    [{ byokMonthlyRequestLimit: 1.5 }, false],
    [{ byokMonthlyRequestLimit: -1 }, false],
    [{ byokMonthlyRequestLimit: 2_147_483_648 }, false],
    [{ byokMonthlySpendLimitUsd: -0.01 }, false],
    [{ byokMonthlySpendLimitUsd: 10_000_001 }, false],
  ])('BYOK limits %j → %s', (body, ok) => {
    expect(updateUserBody.safeParse(body).success).toBe(ok);
  });
  it('fuzz: any input parses or fails with issues, and what parses is trimmed lower-case unique slugs', () => {
    fc.assert(
      fc.property(
        fc.record(
          {
            defaultModel: fc.oneof(fc.string(), fc.constant(null), fc.anything()),
            preferredProviders: fc.oneof(fc.array(fc.string(), { maxLength: 25 }), fc.anything()),
          },
          { requiredKeys: [] },
        ),
        (body) => {
          const r = updatePreferencesBody.safeParse(body);
          if (!r.success) {
            expect(r.error.issues.length).toBeGreaterThan(0);
            return;
          }
          for (const s of r.data.preferredProviders ?? []) expect(s).toMatch(/^[a-z0-9][a-z0-9-]{0,62}$/);
          expect(new Set(r.data.preferredProviders).size).toBe(r.data.preferredProviders?.length ?? 0);
        },
      ),
    );
  });
});
