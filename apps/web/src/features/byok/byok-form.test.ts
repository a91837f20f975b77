import { describe, expect, it } from 'vitest';
import { FormReader } from '../../lib/forms';
import { maskKey, readByokForm } from './byok-form';

describe('BYOK form', () => {
  it('adding needs a provider and a key of 8 characters or more', () => {
    const p = readByokForm(FormReader.ofRecord({ providerId: '', apiKey: 'short', label: '' }), {
      needsProvider: true,
    });
    expect(p.ok ? null : p.errors).toEqual({
      providerId: 'Choose a provider',
      apiKey: 'must be at least 8 characters',
    });
  });
  it('rotating needs only the new key; a blank label is null', () => {
    expect(
      readByokForm(FormReader.ofRecord({ apiKey: ' sk-live-123456789 ', label: '' }), {
        needsProvider: false,
      }),
    ).toEqual({ ok: true, data: { apiKey: 'sk-live-123456789', label: null, providerId: '' } });
  });
  it('shows no more than the last four characters', () => {
    expect(maskKey('wxyz')).toBe('••••wxyz');
    expect(maskKey('abcdefgh')).toBe('••••efgh');
  });
});
