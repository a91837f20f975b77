import { describe, expect, it } from 'vitest';
import { buildDlpSnapshot, dlpPolicyFor } from './dlp-snapshot.js';

const at = new Date(0);
const rows = {
  policies: [
    {
      id: 'p-org',
      scope: 'org',
      scopeId: 'o1',
      enabled: false,
      rules: { customRules: [{ name: 'Badge', pattern: 'B-\\d{4}', action: 'redact' }] },
      updatedAt: at,
    },
    { id: 'p-global', scope: 'global', scopeId: null, enabled: true, rules: {}, updatedAt: at },
    // A row that no longer parses: the default policy, protection stays on.
    {
      id: 'p-bad',
      scope: 'app',
      scopeId: 'a2',
      enabled: false,
      rules: { customRules: 'nope' },
      updatedAt: at,
    },
  ],
  orgs: [
    { id: 'o1', name: 'Acme', piiProtection: true },
    { id: 'o2', name: 'Off Inc', piiProtection: false },
  ],
  apps: [
    { id: 'a1', name: 'Bot', piiProtection: true },
    { id: 'a2', name: 'Old', piiProtection: true },
    { id: 'a3', name: 'Quiet', piiProtection: false },
  ],
};

describe('data-protection snapshot', () => {
  const snap = buildDlpSnapshot(rows);

  it('holds only the enabled scopes, each compiled', () => {
    expect([...snap.byOrg.keys()]).toEqual(['o1']);
    expect([...snap.byApp.keys()].sort()).toEqual(['a1', 'a2']);
    expect(snap.byOrg.get('o1')!.custom.map((c) => [c.name, c.action])).toEqual([['Badge', 'redact']]);
    expect(snap.byApp.get('a2')!.actions.email).toBe('mask');
    expect(snap.global).not.toBeNull();
  });

  it('resolves app keys to the app, user and org keys to the org, the master key to the global policy', () => {
    expect(dlpPolicyFor(snap, { appId: 'a1', orgId: 'o1', master: false })).toMatchObject({
      scope: 'app',
      scopeId: 'a1',
      scopeName: 'Bot',
    });
    // An app whose protection is off is not protected by its org's policy.
    expect(dlpPolicyFor(snap, { appId: 'a3', orgId: 'o1', master: false })).toBeNull();
    expect(dlpPolicyFor(snap, { appId: null, orgId: 'o1', master: false })).toMatchObject({
      scope: 'org',
      scopeName: 'Acme',
    });
    expect(dlpPolicyFor(snap, { appId: null, orgId: 'o2', master: false })).toBeNull();
    expect(dlpPolicyFor(snap, { appId: null, orgId: null, master: false })).toBeNull();
    expect(dlpPolicyFor(snap, { appId: null, orgId: null, master: true })).toMatchObject({
      scope: 'global',
      scopeId: null,
    });
  });

  it('reuses the compiled policy of an unchanged row on the next load', () => {
    const again = buildDlpSnapshot(rows);
    expect(again.byOrg.get('o1')).toBe(snap.byOrg.get('o1'));
    const changed = buildDlpSnapshot({
      ...rows,
      policies: rows.policies.map((p) => (p.id === 'p-org' ? { ...p, updatedAt: new Date(1) } : p)),
    });
    expect(changed.byOrg.get('o1')).not.toBe(snap.byOrg.get('o1'));
  });

  it('has no global policy while the global switch is off', () => {
    const off = buildDlpSnapshot({
      ...rows,
      policies: rows.policies.map((p) => (p.scope === 'global' ? { ...p, enabled: false } : p)),
    });
    expect(off.global).toBeNull();
    expect(dlpPolicyFor(off, { appId: null, orgId: null, master: true })).toBeNull();
  });
});
