import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { FormReader, issuesToErrors, parseLocalDate, sentence, toDateInput, validate } from './forms';

const reader = (v: Record<string, unknown>) => FormReader.ofRecord(v);

describe('FormReader', () => {
  it('reads blank optional fields as the given empty value', () => {
    const r = reader({ a: '  ', n: '' });
    expect(r.optText('a', undefined)).toBeUndefined();
    expect(r.optText('a', null)).toBeNull();
    expect(r.number('n', null)).toBeNull();
    expect(r.number('missing', undefined)).toBeUndefined();
    expect(r.errors).toEqual({});
  });
  it('reads numbers with thousands separators and a dollar sign; anything else is a field error', () => {
    const r = reader({ a: '1,000', b: '$12.5', c: 'lots' });
    expect(r.number('a', undefined)).toBe(1000);
    expect(r.number('b', undefined)).toBe(12.5);
    expect(r.number('c', undefined)).toBeUndefined();
    expect(r.errors).toEqual({ c: 'must be a number' });
  });
  it('splits lists on commas and new lines, dropping blanks and repeats', () => {
    expect(reader({ m: 'gpt-4o, chat.default\n\n gpt-4o ,' }).list('m')).toEqual(['gpt-4o', 'chat.default']);
  });
  it('reads checkboxes as FormData sends them', () => {
    const r = reader({ on: 'on', off: null });
    expect(r.bool('on')).toBe(true);
    expect(r.bool('off')).toBe(false);
  });
  it('turns a date input into the end of that local day; rejects impossible dates', () => {
    const r = reader({ d: '2030-02-28', bad: '2030-02-31' });
    const d = r.endOfDay('d', undefined)!;
    expect([d.getFullYear(), d.getMonth(), d.getDate(), d.getHours(), d.getMinutes()]).toEqual([
      2030, 1, 28, 23, 59,
    ]);
    expect(r.endOfDay('bad', undefined)).toBeUndefined();
    expect(r.errors.bad).toBe('must be a date');
  });
});

describe('validation helpers', () => {
  it('keeps the first message per field and files array items under the array', () => {
    expect(
      issuesToErrors([
        { path: ['name'], message: 'is required' },
        { path: ['name'], message: 'second' },
        { path: ['models', 2], message: 'too long' },
        { path: [], message: 'whole form' },
      ]),
    ).toEqual({ name: 'is required', 'models.2': 'too long', models: 'too long', form: 'whole form' });
  });
  it('reports errors found while reading over the schema’s own', () => {
    const schema = z.object({ cap: z.number().nullable() });
    expect(validate(schema, { cap: null }, { cap: 'must be a number' })).toEqual({
      ok: false,
      errors: { cap: 'must be a number' },
    });
    expect(validate(schema, { cap: 3 })).toEqual({ ok: true, data: { cap: 3 } });
  });
  it('formats dates for date inputs and messages as sentences', () => {
    expect(toDateInput(new Date(2031, 0, 5, 13))).toBe('2031-01-05');
    expect(toDateInput(null)).toBe('');
    expect(parseLocalDate('nope')).toBeNull();
    expect(sentence('must be 0 or more')).toBe('Must be 0 or more');
  });
});
