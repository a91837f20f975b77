import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DLP_LABELLED_SET, type LabelledSample } from './labelled-set.js';
import { DEFAULT_DLP_POLICY, compilePolicy, dlpPolicySchema, type DlpKind } from './policy.js';
import { scan } from './scanner.js';
import { ibanChecksumValid, ipv4Valid, ipv6Valid, luhnValid, ssnValid } from './validators.js';

const ALL = compilePolicy(DEFAULT_DLP_POLICY);

function found(text: string): [string, string][] {
  return scan(text, ALL).map((m) => [m.kind, m.value]);
}

describe('validators', () => {
  it.each([
    ['4111111111111111', true],
    ['4111111111111112', false],
    ['378282246310005', true],
    ['0', true],
    ['12a4', false],
  ])('luhn %s → %s', (s, ok) => expect(luhnValid(s)).toBe(ok));

  it.each([
    ['DE89370400440532013000', true],
    ['de89370400440532013000', true],
    ['DE89370400440532013001', false],
    ['GB82WEST12345698765432', true],
    ['GB82-WEST', false],
  ])('iban mod 97 %s → %s', (s, ok) => expect(ibanChecksumValid(s)).toBe(ok));

  it.each([
    ['123', '45', '6789', true],
    ['000', '45', '6789', false],
    ['666', '45', '6789', false],
    ['900', '45', '6789', false],
    ['123', '00', '6789', false],
    ['123', '45', '0000', false],
  ])('ssn %s-%s-%s → %s', (a, g, s, ok) => expect(ssnValid(a, g, s)).toBe(ok));

  it.each([
    ['0.0.0.0', true],
    ['255.255.255.255', true],
    ['256.1.1.1', false],
    ['01.2.3.4', false],
    ['1.2.3', false],
    ['1.2.3.4.5', false],
    ['1..2.3', false],
  ])('ipv4 %s → %s', (s, ok) => expect(ipv4Valid(s)).toBe(ok));

  it.each([
    ['2001:db8::1', true],
    ['::1', true],
    ['::', true],
    ['1:2:3:4:5:6:7:8', true],
    ['1:2:3:4:5:6:7', false],
    ['1:2:3:4:5:6:7:8:9', false],
    ['1::2::3', false],
    ['12345::1', false],
    ['::ffff:192.0.2.128', true],
    ['64:ff9b::192.0.2.33', true],
    ['1:2:3:4:5:6:1.2.3.4', true],
    ['1:2:3:4:5:6:7:1.2.3.4', false],
    ['fe80::g', false],
    ['1::2:', false],
  ])('ipv6 %s → %s', (s, ok) => expect(ipv6Valid(s)).toBe(ok));
});

describe('scan: true positives and near-misses per detector', () => {
  it.each([
    // email
    ['mail a.b+c@ex-ample.co.uk now', [['email', 'a.b+c@ex-ample.co.uk']]],
    ['end with a dot: x@example.com.', [['email', 'x@example.com']]],
    ['icon@2x.png', []],
    ['lodash@4.17.21', []],
    ['git@github.com:o/r.git', []],
    ['..lead@example.com', [['email', 'lead@example.com']]],
    // phone
    ['+1 (415) 555-2671', [['phone', '+1 (415) 555-2671']]],
    ['(415)555-2671', [['phone', '(415)555-2671']]],
    ['415-555-2671x', []],
    ['123-555-2671', []],
    ['+44 (0)20 7946 0958', [['phone', '+44 (0)20 7946 0958']]],
    ['+1234567', []],
    ['+1 234 567 890 123 456 789', [['phone', '+1 234 567 890 123']]],
    ['call 4155552671', [['phone', '4155552671']]],
    ['id 4155552671', []],
    ['2024-01-15 10:30', []],
    // card
    ['4111-1111-1111-1111', [['card', '4111-1111-1111-1111']]],
    ['4111 1111-1111 1111', []],
    ['4111 1111 1111 1111 2024', []],
    ['1234567812345670', []], // Luhn-valid, no issuer starts with 1
    ['3782 822463 10005', [['card', '3782 822463 10005']]],
    // iban
    ['DE89 3704 0044 0532 0130 00', [['iban', 'DE89 3704 0044 0532 0130 00']]],
    ['DE89 3704 0044 0532 0130 0', []],
    ['DE89370 400440532013000', []],
    ['XX89370400440532013000', []],
    // ssn
    ['ssn 123-45-6789', [['ssn', '123-45-6789']]],
    ['ssn 123 45 6789', [['ssn', '123 45 6789']]],
    ['123-45-6789-1', []],
    ['000-45-6789', []],
    ['ssn: 123456789', [['ssn', '123456789']]],
    ['ref: 123456789', []],
    // ip
    ['10.0.0.1:8080', [['ip', '10.0.0.1']]],
    ['version: 10.0.0.1', []],
    ['1.2.3.4.5', []],
    ['fe80::1', [['ip', 'fe80::1']]],
    ['y[1::3]', []],
    ['dead::beef', []],
    ['address fe80::1: up', [['ip', 'fe80::1']]],
    // secrets: the anchored prefixes need a word start
    ['xsk-abcDEF1234567890abcdefXYZ', []],
    ['key=sk-abcDEF1234567890abcdefXYZ', [['secret', 'sk-abcDEF1234567890abcdefXYZ']]],
  ] as [string, [string, string][]][])('%s', (text, want) => {
    expect(found(text)).toEqual(want);
  });

  it('secret subtypes are reported', () => {
    const m = scan('AWS AKIAABCDEFGHIJKLMNOP here', ALL);
    expect(m).toHaveLength(1);
    expect(m[0]).toMatchObject({ kind: 'secret', subtype: 'aws', rule: 'secret', start: 4, end: 24 });
  });

  it('a token before @host is a secret, not an email', () => {
    const token = 'ghp_' + 'a'.repeat(18) + '1'.repeat(18);
    expect(found(`https://${token}@github.com/o/r`)).toEqual([['secret', token]]);
  });

  it('positions are exact and in order', () => {
    const t = 'a@b.io 10.0.0.1 c@d.io';
    expect(scan(t, ALL).map((m) => [m.start, m.end, t.slice(m.start, m.end) === m.value])).toEqual([
      [0, 6, true],
      [7, 15, true],
      [16, 22, true],
    ]);
  });
});

describe('scan: policy switches', () => {
  it('a disabled detector finds nothing; the others still run', () => {
    const p = compilePolicy(
      dlpPolicySchema.parse({ detectors: { email: { enabled: false, action: 'mask' } } }),
    );
    expect(scan('a@b.io 10.0.0.1', p).map((m) => m.kind)).toEqual(['ip']);
  });

  it('all off: inactive, nothing found', () => {
    const off = { enabled: false, action: 'mask' } as const;
    const p = compilePolicy(
      dlpPolicySchema.parse({
        detectors: { email: off, phone: off, card: off, iban: off, ssn: off, ip: off, secret: off },
      }),
    );
    expect(p.active).toBe(false);
    expect(scan('a@b.io 4111111111111111', p)).toEqual([]);
  });

  it('secret subtypes restrict what is found', () => {
    const p = compilePolicy(
      dlpPolicySchema.parse({ detectors: { secret: { enabled: true, action: 'mask', subtypes: ['aws'] } } }),
    );
    const gh = 'ghp_' + 'b'.repeat(36);
    expect(scan(`AKIAABCDEFGHIJKLMNOP ${gh}`, p).map((m) => m.subtype)).toEqual(['aws']);
  });

  it('custom rules find their matches, windowed over long texts, longest wins over built-ins', () => {
    const p = compilePolicy(
      dlpPolicySchema.parse({
        customRules: [{ name: 'employee id', pattern: 'EMP-\\d{6}', action: 'mask' }],
      }),
    );
    const filler = 'x '.repeat(3000);
    const t = `EMP-123456 ${filler} EMP-654321 ${filler}EMP-111111`;
    const ms = scan(t, p).filter((m) => m.kind === 'custom');
    expect(ms.map((m) => m.value)).toEqual(['EMP-123456', 'EMP-654321', 'EMP-111111']);
    expect(ms[0]).toMatchObject({ rule: 'employee id', label: 'EMPLOYEE_ID' });
    // A match straddling a window boundary is found once.
    for (let at = 4090; at < 4100; at++) {
      const s = 'y'.repeat(at) + ' EMP-222222 ';
      expect(scan(s, p).map((m) => m.start)).toEqual([at + 1]);
    }
  });
});

describe('scan: a value is found wherever it sits', () => {
  // Every labelled value that is a finding on its own (not one that needs a word before it, like a bare SSN).
  const values = [
    ...new Map(
      DLP_LABELLED_SET.filter((s) => !s.gap)
        .flatMap((s) => s.expect)
        .filter((f) => {
          const m = scan(f.value, ALL);
          return m.length === 1 && m[0]!.kind === f.kind && m[0]!.value === f.value;
        })
        .map((f) => [key(f.kind, f.value), f] as const),
    ).values(),
  ];
  // Surroundings with nothing to find: prose, code and log words, and the characters that end a word.
  const words = [
    'the',
    'ok',
    'Order',
    'skip',
    'gh',
    'xo',
    'hf',
    'np',
    'eye',
    'AI',
    'Dear',
    'id',
    'face',
    'beef',
  ];
  const before = [' ', '\n', '(', '"', ', ', ': ', '\t', '[', '= ', '> '];
  const after = [' ', '\n', ')', '"', '. ', ', ', ';', '\t', ']'];
  const prose = fc.array(fc.constantFrom(...words), { maxLength: 6 }).map((ws) => ws.join(' '));

  it('has values of every kind to place', () => {
    expect(new Set(values.map((v) => v.kind))).toEqual(
      new Set(['email', 'phone', 'card', 'iban', 'ssn', 'ip', 'secret']),
    );
  });

  it('between any words and separators, each value is the one finding, at its offset', () => {
    fc.assert(
      fc.property(
        prose,
        fc.constantFrom(...before),
        fc.constantFrom(...values),
        fc.constantFrom(...after),
        prose,
        (head, b, v, a, tail) => {
          const start = head.length + b.length;
          const text = head + b + v.value + a + tail;
          const m = scan(text, ALL);
          expect(m.map((x) => [x.kind, x.value, x.start])).toEqual([[v.kind, v.value, start]]);
        },
      ),
      { numRuns: 3000 },
    );
  });
});

// ---------- the labelled set ----------

function key(kind: DlpKind | string, value: string): string {
  return `${kind}\u0000${value}`;
}

function diff(sample: LabelledSample): { missed: string[]; extra: string[] } {
  const want = sample.expect.map((f) => key(f.kind, f.value));
  const got = scan(sample.text, ALL).map((m) => key(m.kind, m.value));
  const missed = want.filter((w) => !got.includes(w));
  const extra = got.filter((g) => !want.includes(g));
  return { missed, extra };
}

describe('labelled set', () => {
  it('has at least 200 samples, positives and near-misses of every kind', () => {
    expect(DLP_LABELLED_SET.length).toBeGreaterThanOrEqual(200);
    const kinds = new Set(DLP_LABELLED_SET.flatMap((s) => s.expect.map((f) => f.kind)));
    expect([...kinds].sort()).toEqual(['card', 'email', 'iban', 'ip', 'phone', 'secret', 'ssn']);
    expect(DLP_LABELLED_SET.filter((s) => s.expect.length === 0).length).toBeGreaterThanOrEqual(80);
  });

  it.each(DLP_LABELLED_SET.filter((s) => !s.gap).map((s) => [s.text.slice(0, 70), s] as const))(
    '%s',
    (_t, sample) => {
      expect(diff(sample)).toEqual({ missed: [], extra: [] });
    },
  );

  it.each(DLP_LABELLED_SET.filter((s) => s.gap).map((s) => [s.gap!, s] as const))(
    'documented gap still differs: %s',
    (_g, sample) => {
      const d = diff(sample);
      expect(d.missed.length + d.extra.length).toBeGreaterThan(0);
    },
  );
});
