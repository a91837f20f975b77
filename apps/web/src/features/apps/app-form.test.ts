import { describe, expect, it } from 'vitest';
import { FormReader } from '../../lib/forms';
import { readCreateAppForm } from './app-form';

describe('app form', () => {
  it('blank optional fields are null; checkboxes are booleans', () => {
    expect(readCreateAppForm(FormReader.ofRecord({ name: 'Billing', slug: 'billing', description: '', contactEmail: '', orgId: '', active: 'on' }))).toEqual({
      ok: true,
      data: { name: 'Billing', slug: 'billing', description: null, contactEmail: null, orgId: null, active: true, piiProtection: false },
    });
  });
  it('names a bad contact email', () => {
    const p = readCreateAppForm(FormReader.ofRecord({ name: 'Billing', slug: 'billing', contactEmail: 'nobody' }));
    expect(p.ok ? null : p.errors).toEqual({ contactEmail: 'must be an email address' });
  });
});
