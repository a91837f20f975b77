import { describe, expect, it } from 'vitest';
import { auditFiltersFromParams, changedFields } from './audit-filters';

describe('audit filters', () => {
  it('sends only the filters that are set, trimmed', () => {
    const q: Record<string, string> = { action: ' user.create ', entityType: '', actor: 'admin@localhost' };
    expect(auditFiltersFromParams((k) => q[k] ?? '')).toEqual({
      action: 'user.create',
      actor: 'admin@localhost',
    });
  });
  it('a day range covers whole local days: from its start to the start of the day after `to`', () => {
    const q: Record<string, string> = { from: '2030-03-01', to: '2030-03-31' };
    const f = auditFiltersFromParams((k) => q[k] ?? '');
    expect(new Date(f.from!)).toEqual(new Date(2030, 2, 1));
    expect(new Date(f.to!)).toEqual(new Date(2030, 3, 1));
  });
  it('drops dates it cannot read', () => {
    expect(auditFiltersFromParams((k) => (k === 'from' ? 'yesterday' : ''))).toEqual({});
  });
  it('lists the fields a change touched', () => {
    expect(
      changedFields({ name: 'a', role: 'user', n: 1 }, { name: 'b', role: 'user', n: 1, status: 'active' }),
    ).toEqual([
      { field: 'name', before: 'a', after: 'b' },
      { field: 'status', before: undefined, after: 'active' },
    ]);
    expect(changedFields(null, { id: 'x' })).toEqual([{ field: 'id', before: undefined, after: 'x' }]);
  });
});
