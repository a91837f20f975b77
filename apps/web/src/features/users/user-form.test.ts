import { describe, expect, it } from 'vitest';
import { FormReader } from '../../lib/forms';
import { grantableRoles } from './components/user-dialogs';
import { readByokLimitsForm, readCreateUserForm, readUpdateUserForm } from './user-form';

const r = (v: Record<string, unknown>) => FormReader.ofRecord(v);

describe('user forms', () => {
  it('a new user with a blank password and cap: the API generates the password, no cap', () => {
    const p = readCreateUserForm(
      r({
        email: ' Ada@Example.com ',
        name: '',
        role: 'user',
        password: '',
        weeklyCapUsd: '',
        powerLevel: 'eco',
      }),
    );
    expect(p).toEqual({
      ok: true,
      data: { email: 'ada@example.com', role: 'user', weeklyCapUsd: null, powerLevel: 'eco' },
    });
  });
  it('names the wrong fields of a new user', () => {
    const p = readCreateUserForm(
      r({ email: 'nope', role: 'user', password: 'short', weeklyCapUsd: '-5', powerLevel: 'balanced' }),
    );
    expect(p.ok ? null : p.errors).toEqual({
      email: 'must be an email address',
      password: 'must be at least 12 characters',
      weeklyCapUsd: 'must be 0 or more',
    });
  });
  it('editing: a cleared cap is null (no cap), the name is required', () => {
    expect(
      readUpdateUserForm(r({ name: 'Ada', role: 'admin', weeklyCapUsd: '', powerLevel: 'precision' })),
    ).toEqual({
      ok: true,
      data: {
        name: 'Ada',
        role: 'admin',
        weeklyCapUsd: null,
        powerLevel: 'precision',
        defaultModel: null,
        preferredProviders: [],
      },
    });
    const prefs = readUpdateUserForm(
      r({ name: 'Ada', defaultModel: ' openai/gpt-4o ', preferredProviders: 'groq, OpenAI,groq' }),
    );
    expect(prefs.ok && prefs.data).toMatchObject({
      defaultModel: 'openai/gpt-4o',
      preferredProviders: ['groq', 'openai'],
    });
    const bad = readUpdateUserForm(r({ name: 'Ada', preferredProviders: 'not a slug!' }));
    expect(bad.ok ? null : bad.errors.preferredProviders).toMatch(/provider slug/);
    const p = readUpdateUserForm(r({ name: ' ', role: 'user', weeklyCapUsd: '12' }));
    expect(p.ok ? null : p.errors.name).toBe('Is required');
  });
  it('only a super admin may hand out the super admin role', () => {
    expect(grantableRoles('admin')).toEqual(['admin', 'user', 'viewer']);
    expect(grantableRoles('super_admin')).toContain('super_admin');
  });
  it('BYOK limits: blank is unlimited (null), numbers are read, bad ones named', () => {
    expect(readByokLimitsForm(r({ byokMonthlyRequestLimit: '', byokMonthlySpendLimitUsd: '' }))).toEqual({
      ok: true,
      data: { byokMonthlyRequestLimit: null, byokMonthlySpendLimitUsd: null },
    });
    expect(
      readByokLimitsForm(r({ byokMonthlyRequestLimit: '100', byokMonthlySpendLimitUsd: '25.5' })),
    ).toEqual({
      ok: true,
      data: { byokMonthlyRequestLimit: 100, byokMonthlySpendLimitUsd: 25.5 },
    });
    const bad = readByokLimitsForm(r({ byokMonthlyRequestLimit: '1.5', byokMonthlySpendLimitUsd: '-3' }));
    expect(bad.ok).toBe(false);
    if (!bad.ok) {
      expect(bad.errors.byokMonthlyRequestLimit).toBeTruthy();
      expect(bad.errors.byokMonthlySpendLimitUsd).toMatch(/0 or more/);
    }
  });
});
