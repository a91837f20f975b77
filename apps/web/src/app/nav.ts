import { Gauge, KeyRound, type LucideIcon } from 'lucide-react';
import type { Role } from '../features/auth/api/me';

export interface NavItem {
  to: string;
  label: string;
  icon: LucideIcon;
  roles: readonly Role[];
  keywords?: string;
}

const ALL: readonly Role[] = ['super_admin', 'admin', 'user', 'viewer'];

/** Pages in the sidebar and the command palette, by role. */
export const NAV: readonly NavItem[] = [
  { to: '/', label: 'Overview', icon: Gauge, roles: ALL, keywords: 'home dashboard status' },
  { to: '/account', label: 'Account', icon: KeyRound, roles: ALL, keywords: 'password profile security' },
];

export function navFor(role: Role): NavItem[] {
  return NAV.filter((n) => n.roles.includes(role));
}
