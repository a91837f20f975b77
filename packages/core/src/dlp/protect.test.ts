import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_DLP_POLICY, compilePolicy, dlpPolicySchema, type DlpPolicyInput } from './policy.js';
import {
  mayBeginPlaceholder,
  createDlpContext,
  createStreamRestorer,
  protectJsonText,
  protectText,
  restoreJsonStringFragment,
  restoreText,
} from './protect.js';

const ALL = compilePolicy(DEFAULT_DLP_POLICY);
const policy = (p: DlpPolicyInput) => compilePolicy(dlpPolicySchema.parse(p));

describe('protectText', () => {
  it('masks with numbered placeholders per kind; the same value gets the same placeholder across parts', () => {
    const ctx = createDlpContext(ALL);
    const a = protectText('Mail ann@example.com and bob@example.com, card 4111 1111 1111 1111.', ctx);
    const b = protectText('Again: bob@example.com from 10.0.0.1', ctx);
    expect(a).toBe('Mail [EMAIL_1] and [EMAIL_2], card [CARD_1].');
    expect(b).toBe('Again: [EMAIL_2] from [IP_1]');
    expect(ctx.findings).toEqual([
      { kind: 'email', rule: 'email', action: 'mask', count: 3 },
      { kind: 'card', rule: 'card', action: 'mask', count: 1 },
      { kind: 'ip', rule: 'ip', action: 'mask', count: 1 },
    ]);
    expect(ctx.blocked).toBeNull();
    expect(restoreText('[EMAIL_2] wrote to [EMAIL_1] about [CARD_1]; [EMAIL_9] stays', ctx)).toBe(
      'bob@example.com wrote to ann@example.com about 4111 1111 1111 1111; [EMAIL_9] stays',
    );
  });

  it('every placeholder label: PHONE, IBAN, SSN, SECRET and a custom rule', () => {
    const ctx = createDlpContext(
      policy({ customRules: [{ name: 'Employee-ID', pattern: 'EMP-\\d{6}', action: 'mask' }] }),
    );
    const out = protectText(
      'p 415-555-2671 i DE89 3704 0044 0532 0130 00 s 123-45-6789 k AKIAABCDEFGHIJKLMNOP e EMP-004211',
      ctx,
    );
    expect(out).toBe('p [PHONE_1] i [IBAN_1] s [SSN_1] k [SECRET_1] e [EMPLOYEE_ID_1]');
    expect(ctx.findings.find((f) => f.kind === 'custom')).toEqual({
      kind: 'custom',
      rule: 'Employee-ID',
      action: 'mask',
      count: 1,
    });
  });

  it('redact writes a fixed token that is never restored', () => {
    const ctx = createDlpContext(policy({ detectors: { email: { enabled: true, action: 'redact' } } }));
    const out = protectText('to ann@example.com', ctx);
    expect(out).toBe('to [REDACTED_EMAIL]');
    expect(ctx.masked).toBe(false);
    expect(restoreText(out, ctx)).toBe(out);
    expect(ctx.findings).toEqual([{ kind: 'email', rule: 'email', action: 'redact', count: 1 }]);
  });

  it('block leaves the text and records the rule (never the value)', () => {
    const ctx = createDlpContext(policy({ detectors: { secret: { enabled: true, action: 'block' } } }));
    const text = 'key AKIAABCDEFGHIJKLMNOP';
    expect(protectText(text, ctx)).toBe(text);
    expect(ctx.blocked).toEqual({ kind: 'secret', rule: 'secret', subtype: 'aws' });
    expect(JSON.stringify([ctx.blocked, ctx.findings])).not.toContain('AKIA');
  });

  it('detect leaves the text and counts', () => {
    const ctx = createDlpContext(policy({ detectors: { ip: { enabled: true, action: 'detect' } } }));
    expect(protectText('1.1.1.1 and 8.8.8.8', ctx)).toBe('1.1.1.1 and 8.8.8.8');
    expect(ctx.findings).toEqual([{ kind: 'ip', rule: 'ip', action: 'detect', count: 2 }]);
    expect(ctx.masked).toBe(false);
  });

  it('placeholder-shaped text the client sent is never issued, so never "restored"', () => {
    const ctx = createDlpContext(ALL);
    const out = protectText('literal [EMAIL_1] then ann@example.com', ctx);
    expect(out).toBe('literal [EMAIL_1] then [EMAIL_2]');
    expect(restoreText(out, ctx)).toBe('literal [EMAIL_1] then ann@example.com');
  });

  it('protection off: the same string comes back', () => {
    const off = { enabled: false, action: 'mask' } as const;
    const ctx = createDlpContext(
      policy({ detectors: { email: off, phone: off, card: off, iban: off, ssn: off, ip: off, secret: off } }),
    );
    const s = 'ann@example.com';
    expect(protectText(s, ctx)).toBe(s);
  });
});

describe('JSON text (tool call arguments)', () => {
  const pem = [
    '-----BEGIN ',
    'EC PRIVATE KEY-----\nMHcCAQEEIBx\n"quoted"\\back\n-----END ',
    'EC PRIVATE KEY-----',
  ].join('');

  it('protectJsonText masks string leaves and keeps untouched arguments byte for byte', () => {
    const ctx = createDlpContext(ALL);
    const untouched = '{ "city": "Paris",  "n": 1.0 }';
    expect(protectJsonText(untouched, ctx)).toBe(untouched);
    const args = JSON.stringify({ to: 'ann@example.com', key: pem, nested: [{ ip: '10.0.0.1' }] });
    const out = protectJsonText(args, ctx);
    expect(JSON.parse(out)).toEqual({ to: '[EMAIL_1]', key: '[SECRET_1]', nested: [{ ip: '[IP_1]' }] });
    expect(protectJsonText('not json: ann@example.com', ctx)).toBe('not json: [EMAIL_1]');
  });

  it('restoreJsonStringFragment writes values escaped for a JSON string', () => {
    const ctx = createDlpContext(ALL);
    const masked = protectJsonText(JSON.stringify({ key: pem }), ctx);
    const restored = restoreJsonStringFragment(masked, ctx);
    expect(JSON.parse(restored)).toEqual({ key: pem });
  });
});

// ---------- properties ----------

const WORDS = [
  'lorem',
  'ipsum',
  'dolor',
  'sit',
  'amet',
  'and',
  'the',
  'über',
  'café',
  '日本語',
  'naïve',
  'ok',
  'é',
];
const SEPS = [' ', '\n', ' - ', ', ', '; ', ' (', ') ', ': ', ' "', '" '];

const digits = (n: number) =>
  fc.array(fc.integer({ min: 0, max: 9 }), { minLength: n, maxLength: n }).map((a) => a.join(''));
const alnum = (n: number) =>
  fc
    .array(fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'), {
      minLength: n,
      maxLength: n,
    })
    .map((a) => a.join(''));

const emailArb = fc
  .tuple(
    fc.stringMatching(/^[a-z0-9]([a-z0-9._+-]{0,10}[a-z0-9])?$/),
    fc.stringMatching(/^[a-z0-9]{1,10}$/),
    fc.constantFrom('com', 'org', 'io', 'net', 'de', 'co.uk'),
  )
  .map(([l, d, t]) => `${l}@${d}.${t}`);
const phoneArb = fc.oneof(
  fc
    .tuple(fc.integer({ min: 200, max: 999 }), fc.integer({ min: 200, max: 999 }), digits(4))
    .map(([a, e, l]) => `+1 (${a}) ${e}-${l}`),
  fc
    .tuple(fc.integer({ min: 200, max: 999 }), fc.integer({ min: 200, max: 999 }), digits(4))
    .map(([a, e, l]) => `${a}-${e}-${l}`),
  fc.tuple(digits(4), digits(4)).map(([a, b]) => `+44 20 ${a} ${b}`),
  fc.tuple(digits(2), digits(2), digits(2), digits(2)).map(([a, b, c, d]) => `01 ${a} ${b} ${c} ${d}`),
);
const cardArb = fc
  .tuple(
    fc.constantFrom(
      '4111111111111111',
      '5555555555554444',
      '6011111111111117',
      '3530111333300000',
      '4012888888881881',
    ),
    fc.constantFrom('', ' ', '-'),
  )
  .map(([c, sep]) => (sep ? c.match(/.{4}/g)!.join(sep) : c));
const ibanArb = fc.constantFrom(
  'DE89 3704 0044 0532 0130 00',
  'GB82WEST12345698765432',
  'FR14 2004 1010 0505 0001 3M02 606',
  'NL91ABNA0417164300',
  'CH9300762011623852957',
);
const ssnArb = fc
  .tuple(fc.integer({ min: 1, max: 665 }), fc.integer({ min: 1, max: 99 }), fc.integer({ min: 1, max: 9999 }))
  .map(
    ([a, g, s]) =>
      `${String(a).padStart(3, '0')}-${String(g).padStart(2, '0')}-${String(s).padStart(4, '0')}`,
  );
const ipArb = fc.oneof(
  fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map((o) => o.join('.')),
  fc.constantFrom('2001:db8::1', 'fe80::1ff:fe23:4567:890a', '2001:0db8:85a3:0000:0000:8a2e:0370:7334'),
);
const secretArb = fc.oneof(
  alnum(30).map((s) => `sk-proj-a1${s}`),
  fc
    .array(fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'), { minLength: 16, maxLength: 16 })
    .map((a) => `AKIA${a.join('')}`),
  alnum(36).map((s) => `ghp_${s}`),
);
const valueArb = fc.oneof(emailArb, phoneArb, cardArb, ibanArb, ssnArb, ipArb, secretArb);
const fillerArb = fc.oneof(
  { weight: 8, arbitrary: fc.array(fc.constantFrom(...WORDS), { maxLength: 4 }).map((w) => w.join(' ')) },
  { weight: 1, arbitrary: fc.constantFrom('[EMAIL_1]', '[IP_2]', '[', '[SECRET_', 'EMAIL_1]') },
);

/** A text: filler, value, filler, value …, with separators that keep each value a token of its own. */
const textArb = fc
  .array(fc.tuple(fillerArb, fc.constantFrom(...SEPS), valueArb, fc.constantFrom(...SEPS)), {
    minLength: 1,
    maxLength: 6,
  })
  .chain((parts) =>
    fc.tuple(fc.constant(parts), fc.boolean()).map(([ps, repeat]) => {
      const values = ps.map((p) => p[2]);
      // Sometimes a value comes again: it must get the same placeholder.
      const extra = repeat ? ` again ${values[0]}` : '';
      return { text: ps.map(([f, s1, v, s2]) => `${f}${s1}${v}${s2}`).join('') + extra, values };
    }),
  );

describe('properties', () => {
  it('restore(mask(x)) = x, and mask(x) contains none of the values', () => {
    fc.assert(
      fc.property(textArb, ({ text, values }) => {
        const ctx = createDlpContext(ALL);
        const masked = protectText(text, ctx);
        for (const v of values) expect(masked).not.toContain(v);
        expect(restoreText(masked, ctx)).toBe(text);
      }),
      { numRuns: 500 },
    );
  }, 30_000); // ~0.5 s on an idle machine; generous for a loaded CI

  it('the same value gets the same placeholder', () => {
    fc.assert(
      fc.property(valueArb, (v) => {
        const ctx = createDlpContext(ALL);
        const a = protectText(`first ${v} end`, ctx);
        const b = protectText(`second ${v} end`, ctx);
        expect(a.slice(6)).toBe(b.slice(7));
      }),
      { numRuns: 200 },
    );
  });
});

// ---------- streaming ----------

/** The runtime's WHATWG encoders (core's type library is ES-only, without DOM or Node types). */
interface Utf8Codecs {
  TextEncoder: new () => { encode(s: string): Uint8Array };
  TextDecoder: new (label: string) => { decode(b: Uint8Array, opts?: { stream?: boolean }): string };
}
const { TextEncoder, TextDecoder } = globalThis as unknown as Utf8Codecs;

function streamAll(chunks: string[], restore: ReturnType<typeof createStreamRestorer>): string {
  let out = '';
  for (const c of chunks) out += restore.push(c);
  return out + restore.flush();
}

describe('stream restorer', () => {
  const ctx = createDlpContext(ALL);
  const original =
    'Hi ann@example.com — über café: call +44 20 7946 0958, card 4111 1111 1111 1111, host 2001:db8::1, ' +
    'again ann@example.com. [link](x) and [NOT_A_PH] 日本語 [';
  const masked = protectText(original, ctx);
  // What the model writes back: it echoes the masked text.
  const echoed = `You wrote: ${masked}`;
  const expected = `You wrote: ${original}`;

  it('the masked text holds placeholders only', () => {
    expect(masked).toContain('[EMAIL_1]');
    expect(masked).toContain('[PHONE_1]');
    expect(masked).not.toContain('ann@example.com');
  });

  it('split into two chunks at every position', () => {
    for (let k = 0; k <= echoed.length; k++) {
      const r = createStreamRestorer(ctx);
      expect(streamAll([echoed.slice(0, k), echoed.slice(k)], r)).toBe(expected);
    }
  });

  it('split into three chunks around every placeholder', () => {
    for (let a = 0; a <= echoed.length; a += 3)
      for (let b = a; b <= Math.min(echoed.length, a + 14); b++) {
        const r = createStreamRestorer(ctx);
        expect(streamAll([echoed.slice(0, a), echoed.slice(a, b), echoed.slice(b)], r)).toBe(expected);
      }
  });

  it('one character at a time', () => {
    const r = createStreamRestorer(ctx);
    expect(streamAll([...echoed], r)).toBe(expected);
  });

  it('UTF-8 bytes split at every byte boundary (decoded as a stream)', () => {
    const bytes = new TextEncoder().encode(echoed);
    for (let k = 0; k <= bytes.length; k++) {
      const dec = new TextDecoder('utf-8');
      const r = createStreamRestorer(ctx);
      const chunks = [dec.decode(bytes.subarray(0, k), { stream: true }), dec.decode(bytes.subarray(k))];
      expect(streamAll(chunks, r)).toBe(expected);
    }
  });

  it('holds back at most the longest placeholder', () => {
    const r = createStreamRestorer(ctx);
    expect(r.push('abc [EMAI')).toBe('abc ');
    expect(r.push('L_1] x')).toBe('ann@example.com x');
    expect(r.push('[' + 'A'.repeat(ctx.maxPlaceholderLength))).toBe(
      '[' + 'A'.repeat(ctx.maxPlaceholderLength),
    );
    expect(r.flush()).toBe('');
  });

  it('JSON channel: tool-call arguments streamed in pieces, values escaped', () => {
    const jctx = createDlpContext(ALL);
    const pem = ['-----BEGIN ', 'PRIVATE KEY-----\nMIIB"q"\\z\n-----END ', 'PRIVATE KEY-----'].join('');
    const args = JSON.stringify({ to: 'ann@example.com', key: pem });
    const maskedArgs = protectJsonText(args, jctx);
    for (let k = 0; k <= maskedArgs.length; k++) {
      const r = createStreamRestorer(jctx, { json: true });
      const out = streamAll([maskedArgs.slice(0, k), maskedArgs.slice(k)], r);
      expect(JSON.parse(out)).toEqual({ to: 'ann@example.com', key: pem });
    }
  });

  it('nothing masked: chunks pass through untouched', () => {
    const r = createStreamRestorer(createDlpContext(ALL));
    expect(r.push('[EMAIL_1')).toBe('[EMAIL_1');
    expect(r.flush()).toBe('');
  });
});

describe('mayBeginPlaceholder: whether answer text can go out without a look at its placeholders', () => {
  it.each([
    ['no bracket', 'plain text', false],
    ['a JSON array of objects', 'data: {"choices":[{"index":0}]}', false],
    ['the end of an OpenAI stream', 'data: [DONE]\n\n', false],
    ['an array of numbers', '[1,2]', false],
    ['a bracketed word that is not a placeholder', 'see [NOTE] and [A-1]', false],
    ['a whole placeholder', 'to [EMAIL_1] now', true],
    ['a placeholder with a long number', 'x [EMPLOYEE_ID_12] y', true],
    ['a bracket at the very end', 'see [', true],
    ['a placeholder cut off at the end', 'see [EMAI', true],
    ['a bracket ending a JSON string', '{"content":"see ["}', true],
    ['a placeholder cut off by a JSON string end', '{"content":"see [EM"}', true],
    ['an array of strings (taken as a possible start)', '["a"]', true],
  ])('%s', (_name, text, want) => {
    expect(mayBeginPlaceholder(text)).toBe(want);
  });
});
