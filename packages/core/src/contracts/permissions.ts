/**
 * The one permission table. Every admin endpoint's contract names the permission it needs; `can()` answers from
 * here (the API enforces it, the dashboard reads the granted list from `/auth/me`).
 * super_admin: everything, including the routing strategy and provider credentials.
 * admin: operations, but cannot set/reveal credentials or change the global routing strategy.
 * user: own gateway keys, own BYOK keys, own usage, own power level; data protection of the orgs they administer.
 * viewer: read-only operations.
 */
import { ROLE_VALUES } from '../schemas/identity/index.js';

export const ROLES = ROLE_VALUES;
export type Role = (typeof ROLES)[number];

const ALL: readonly Role[] = ROLES;
const OPS_READ: readonly Role[] = ['super_admin', 'admin', 'viewer'];
const OPS_WRITE: readonly Role[] = ['super_admin', 'admin'];
const SUPER: readonly Role[] = ['super_admin'];

export const PERMISSIONS = {
  'self:read': ALL,
  'self:write': ALL,
  'providers:read': OPS_READ,
  'providers:write': OPS_WRITE,
  'providers:credentials': SUPER,
  'models:read': ALL,
  'models:write': OPS_WRITE,
  'routing:read': OPS_READ,
  'routing:write': OPS_WRITE,
  'routing:strategy': SUPER,
  'routing:trace': OPS_READ,
  'users:read': OPS_READ,
  'users:write': OPS_WRITE,
  'orgs:read': OPS_READ,
  'orgs:write': OPS_WRITE,
  'apps:read': OPS_READ,
  'apps:write': OPS_WRITE,
  'keys:read-any': OPS_READ,
  'keys:write-any': OPS_WRITE,
  'keys:own': ALL,
  'byok:own': ALL,
  'usage:read-any': OPS_READ,
  'usage:own': ALL,
  'logs:read': OPS_READ,
  'audit:read': OPS_READ,
  'errors:read': OPS_READ,
  'errors:write': OPS_WRITE,
  'settings:read': OPS_READ,
  'settings:write': OPS_WRITE,
  'export:any': OPS_READ,
  // Data protection: operators and viewers see every scope; a user sees (and, like admins, changes) only the orgs
  // they are an owner or admin of and those orgs' apps (checked by the service); viewers never change anything.
  'dlp:read': ALL,
  'dlp:write': ['super_admin', 'admin', 'user'],
} as const satisfies Record<string, readonly Role[]>;

export type Permission = keyof typeof PERMISSIONS;

export const PERMISSION_VALUES = Object.keys(PERMISSIONS) as [Permission, ...Permission[]];

export function can(role: Role, permission: Permission): boolean {
  return (PERMISSIONS[permission] as readonly Role[]).includes(role);
}

export function permissionsOf(role: Role): Permission[] {
  return PERMISSION_VALUES.filter((p) => can(role, p));
}
