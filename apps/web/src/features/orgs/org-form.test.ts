import { describe, expect, it } from 'vitest';
import { FormReader } from '../../lib/forms';
import { slugify } from '../../lib/slug';
import { readCreateOrgForm, readUpdateOrgForm } from './org-form';

const r = (v: Record<string, unknown>) => FormReader.ofRecord(v);

describe('organization forms', () => {
  it('suggests a slug from the name', () => {
    expect(slugify('  Acme Corp. — Ünïcode R&D ')).toBe('acme-corp-unicode-r-d');
  });
  it('a new org: cap, rollover and PII flags from the checkboxes; a blank owner is left out', () => {
    expect(
      readCreateOrgForm(
        r({
          name: 'Acme',
          slug: 'acme',
          ownerId: '',
          spendCapUsd: '500',
          rollover: 'on',
          piiProtection: 'on',
        }),
      ),
    ).toEqual({
      ok: true,
      data: { name: 'Acme', slug: 'acme', spendCapUsd: 500, rollover: true, piiProtection: true },
    });
  });
  it('rollover without a cap is refused, and a bad slug named', () => {
    const p = readCreateOrgForm(r({ name: 'Acme', slug: 'Not A Slug!', rollover: 'on' }));
    expect(p.ok ? null : p.errors).toEqual({
      slug: 'must be lowercase letters, digits and dashes',
      rollover: 'Rollover carries unspent cap over: set a spend cap first',
    });
  });
  it('editing: a cleared cap and owner are null', () => {
    const p = readUpdateOrgForm(r({ name: 'Acme', slug: 'acme', ownerId: '', spendCapUsd: '' }));
    expect(p).toEqual({
      ok: true,
      data: {
        name: 'Acme',
        slug: 'acme',
        ownerId: null,
        spendCapUsd: null,
        rollover: false,
        piiProtection: false,
      },
    });
  });
  it("who shares the organization's cached answers: a choice is sent, anything else named", () => {
    const edit = readUpdateOrgForm(r({ name: 'Acme', slug: 'acme', cacheScope: 'user' }));
    expect(edit.ok && edit.data.cacheScope).toBe('user');
    const bad = readUpdateOrgForm(r({ name: 'Acme', slug: 'acme', cacheScope: 'everyone' }));
    expect(bad.ok ? null : Object.keys(bad.errors)).toEqual(['cacheScope']);
  });
});
