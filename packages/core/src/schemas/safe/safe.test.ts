import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createUserBody, updateGatewayKeyBody } from '../identity/index.js';
import { createModelBody } from '../models/index.js';
import { logsQuery } from '../usage/index.js';
import {
  dateField,
  isInt64Id,
  isSafeText,
  isoDateString,
  jsonObjectField,
  jsonProblem,
  safeString,
  usdAmount,
} from './index.js';

describe('safe text', () => {
  it.each([
    ['plain', 'hello', true],
    ['empty', '', true],
    ['emoji (a surrogate pair)', 'a😀b', true],
    ['non-Latin', '中文 ü', true],
    ['CR/LF and tab', 'a\r\n\tb', true],
    ['NUL', 'a\u0000b', false],
    ['lone high surrogate', 'a\ud800', false],
    ['lone low surrogate', '\udc00a', false],
    ['reversed pair', '\udc00\ud800', false],
    ['high surrogate before a non-surrogate', '\ud83dx', false],
  ])('%s', (_name, s, ok) => {
    expect(isSafeText(s)).toBe(ok);
    expect(safeString().safeParse(s).success).toBe(ok);
  });

  it('accepts every well-formed string without NUL and refuses any string with NUL', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'grapheme' }),
        (s) => isSafeText(s.replaceAll('\u0000', '')) && !isSafeText(`${s}\u0000`),
      ),
    );
  });

  it('agrees with an independent oracle (encodeURIComponent throws on unpaired surrogates) on arbitrary UTF-16', () => {
    const wellFormed = (s: string) => {
      try {
        encodeURIComponent(s);
        return true;
      } catch {
        return false;
      }
    };
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary', maxLength: 20 }),
        (s) => isSafeText(s) === (wellFormed(s) && !s.includes('\u0000')),
      ),
    );
  });

  it('keeps chained string rules working after the refinement', () => {
    expect(createUserBody.safeParse({ email: '  A@B.C ', name: ' x ' }).data).toMatchObject({
      email: 'a@b.c',
      name: 'x',
    });
    expect(createUserBody.safeParse({ email: 'a@b.c', name: 'x\u0000' }).success).toBe(false);
  });
});

describe('bounded numbers and dates', () => {
  it.each([
    [0, true],
    [10_000_000, true],
    [10_000_000.01, false],
    [1e20, false],
    [-1, false],
    [Infinity, false],
  ])('usd amount %s', (v, ok) => expect(usdAmount().safeParse(v).success).toBe(ok));

  it.each([
    ['2030-01-01T00:00:00Z', true],
    ['0001-01-01T00:00:00Z', true],
    ['9999-12-31T23:59:59.999Z', true],
    ['-271821-04-20', false],
    ['+275760-09-13', false],
    ['+010000-01-01T00:00:00Z', false],
    ['not a date', false],
  ])('date %s', (v, ok) => {
    expect(isoDateString().safeParse(v).success).toBe(ok);
    expect(dateField().safeParse(v).success).toBe(ok);
  });

  it('refuses NUL in a date given as query text', () =>
    expect(isoDateString().safeParse('2030-01-01\u0000').success).toBe(false));

  it('refuses epoch milliseconds beyond year 9999 for key expiry', () => {
    expect(updateGatewayKeyBody.safeParse({ expiresAt: 8.64e15 }).success).toBe(false);
    expect(updateGatewayKeyBody.safeParse({ rpmLimit: 2 ** 31 }).success).toBe(false);
    expect(updateGatewayKeyBody.safeParse({ rpmLimit: 2 ** 31 - 1 }).success).toBe(true);
  });

  it.each([
    ['1', true],
    ['9223372036854775807', true],
    ['9223372036854775808', false],
    ['18446744073709551616', false],
    ['00000000000000000001', false],
    ['-1', false],
    ['1.5', false],
    ['', false],
  ])('64-bit id %s', (v, ok) => {
    expect(isInt64Id(v)).toBe(ok);
    expect(logsQuery.safeParse({ cursor: v }).success).toBe(ok);
  });
});

describe('free-form JSON', () => {
  const nest = (n: number) => {
    let v: unknown = 1;
    for (let i = 0; i < n; i++) v = i % 2 ? { a: v } : [v];
    return v;
  };

  it('allows 32 levels and refuses 33 (and 100 000, without recursing)', () => {
    expect(jsonProblem({ a: nest(31) })).toBeNull();
    expect(jsonProblem({ a: nest(32) })).toMatch(/nested too deeply/);
    expect(jsonProblem(nest(100_000))).toMatch(/nested too deeply/);
  });

  it('refuses unsafe text in nested keys and values', () => {
    expect(jsonProblem({ a: [{ b: 'x\u0000' }] })).toMatch(/NUL/);
    expect(jsonProblem({ a: { ['\ud800']: 1 } })).toMatch(/NUL/);
    expect(jsonObjectField().safeParse({ temperature: 0.2, stop: ['\n'] }).success).toBe(true);
  });

  it('names the config field in a model body', () => {
    const r = createModelBody.safeParse({
      providerId: 'p',
      modelId: 'm',
      displayName: 'M',
      config: { a: nest(40) },
    });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.path).toEqual(['config']);
  });
});
