import { parseLocalDate } from '../../lib/forms';
import type { AuditFilters } from './api/get-audit';

export const AUDIT_PARAMS = ['action', 'entityType', 'entityId', 'actor', 'from', 'to'] as const;
export type AuditParam = (typeof AUDIT_PARAMS)[number];

/** What the audit records, for the filter's suggestions (the API accepts any string). */
export const ENTITY_TYPES = [
  'User',
  'Organization',
  'App',
  'GatewayKey',
  'ByokKey',
  'Provider',
  'Model',
] as const;
export const KNOWN_ACTIONS = [
  'user.create',
  'user.update',
  'user.suspend',
  'org.create',
  'org.update',
  'org.delete',
  'org.member.add',
  'org.member.remove',
  'org.provider_key.put',
  'org.provider_key.delete',
  'app.create',
  'app.update',
  'app.delete',
  'gateway_key.create',
  'gateway_key.update',
  'gateway_key.revoke',
  'byok.create',
  'byok.rotate',
  'byok.delete',
  'provider.create',
  'provider.update',
  'provider.delete',
  'model.create',
  'model.update',
  'model.delete',
] as const;

/**
 * The query string (`from`/`to` as calendar days) as the API's filters: `from` is the start of that day, and
 * `to` the start of the next day (the API's `to` is exclusive), both in local time; bad dates are dropped.
 */
export function auditFiltersFromParams(get: (k: AuditParam) => string): AuditFilters {
  const f: AuditFilters = {};
  for (const k of ['action', 'entityType', 'entityId', 'actor'] as const) {
    const v = get(k).trim();
    if (v) f[k] = v;
  }
  const from = parseLocalDate(get('from'));
  if (from) f.from = from.toISOString();
  const to = parseLocalDate(get('to'));
  if (to) {
    to.setDate(to.getDate() + 1);
    f.to = to.toISOString();
  }
  return f;
}

/** "before → after" per changed top-level field, for the details row. */
export function changedFields(
  before: unknown,
  after: unknown,
): { field: string; before: unknown; after: unknown }[] {
  const b =
    before && typeof before === 'object' && !Array.isArray(before) ? (before as Record<string, unknown>) : {};
  const a =
    after && typeof after === 'object' && !Array.isArray(after) ? (after as Record<string, unknown>) : {};
  const keys = [...new Set([...Object.keys(b), ...Object.keys(a)])];
  return keys
    .filter((k) => JSON.stringify(b[k]) !== JSON.stringify(a[k]))
    .map((k) => ({ field: k, before: b[k], after: a[k] }));
}
