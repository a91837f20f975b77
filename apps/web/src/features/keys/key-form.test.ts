import { describe, expect, it } from 'vitest';
import { FormReader } from '../../lib/forms';
import { readKeyForm } from './key-form';

const NOW = new Date(2030, 5, 15, 12).getTime();
const read = (v: Record<string, unknown>, withOwner = false) =>
  readKeyForm(FormReader.ofRecord(v), { withOwner, now: NOW });

describe('create-key form', () => {
  it('a name alone is a valid key of one’s own: blank limits are left out', () => {
    const r = read({
      name: ' laptop ',
      rpmLimit: '',
      tpmLimit: '',
      budgetUsd: '',
      budgetPeriod: '',
      expiresAt: '',
      allowedModels: '',
    });
    expect(r).toEqual({ ok: true, data: { name: 'laptop' } });
  });

  it('reads limits, a budget with its period, an expiry at the end of the day and a model list', () => {
    const r = read({
      name: 'ci',
      rpmLimit: '60',
      tpmLimit: '100,000',
      budgetUsd: '25.50',
      budgetPeriod: 'month',
      expiresAt: '2030-12-31',
      allowedModels: 'chat.default, mock/mock-small',
    });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.data).toMatchObject({
      name: 'ci',
      rpmLimit: 60,
      tpmLimit: 100000,
      budgetUsd: 25.5,
      budgetPeriod: 'month',
      allowedModels: ['chat.default', 'mock/mock-small'],
    });
    expect(r.data.expiresAt).toEqual(new Date(2030, 11, 31, 23, 59, 59, 999));
  });

  it('names every wrong field with the shared schema’s rules and the form’s own', () => {
    const r = read({
      name: '',
      rpmLimit: '1.5',
      tpmLimit: 'abc',
      budgetUsd: '-1',
      budgetPeriod: '',
      expiresAt: '2030-01-01',
    });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors).toMatchObject({
      name: 'is required',
      rpmLimit: 'must be a whole number',
      tpmLimit: 'must be a number',
      budgetUsd: 'must be 0 or more',
      budgetPeriod: 'Choose the period the budget covers',
      expiresAt: 'Must be in the future',
    });
  });

  it('a routing region is sent in lower case; a bad label is named', () => {
    expect(read({ name: 'eu', region: ' EU-West ' })).toEqual({
      ok: true,
      data: { name: 'eu', region: 'eu-west' },
    });
    const bad = read({ name: 'eu', region: 'eu west' });
    expect(!bad.ok && bad.errors.region).toMatch(/lower-case letters/);
  });

  it('zero or negative limits are refused by the shared schema', () => {
    const r = read({ name: 'x', rpmLimit: '0' });
    expect(r.ok ? null : r.errors).toEqual({ rpmLimit: 'must be a positive whole number' });
  });

  it('a period without an amount is an error on the amount', () => {
    const r = read({ name: 'x', budgetPeriod: 'day' });
    expect(r.ok ? null : r.errors).toEqual({
      budgetUsd: 'Set an amount for this period, or clear the period',
    });
  });

  it('an admin key needs an owner type and an owner', () => {
    const none = read({ name: 'svc' }, true);
    expect(none.ok ? null : Object.keys(none.errors).sort()).toEqual(['ownerId', 'ownerType']);
    const ok = read({ name: 'svc', ownerType: 'app', ownerId: 'app_1' }, true);
    expect(ok).toEqual({ ok: true, data: { name: 'svc', ownerType: 'app', ownerId: 'app_1' } });
  });

  it('reads the IP allow-list as a comma or line list and names an entry that is no address', () => {
    const r = read({ name: 'ci', ipAllowlist: '203.0.113.7,\n10.0.0.0/8, 2001:db8::/32' });
    expect(r).toEqual({
      ok: true,
      data: { name: 'ci', ipAllowlist: ['203.0.113.7', '10.0.0.0/8', '2001:db8::/32'] },
    });
    const bad = read({ name: 'ci', ipAllowlist: '10.0.0.0/8, office' });
    expect(bad.ok ? null : bad.errors.ipAllowlist).toBe(
      '"office" is not an IP address or CIDR range (e.g. 203.0.113.7, 10.0.0.0/8, 2001:db8::/32)',
    );
  });

  it('one’s own key ignores owner fields', () => {
    expect(read({ name: 'x', ownerType: 'org', ownerId: 'o1' })).toEqual({ ok: true, data: { name: 'x' } });
  });
});
