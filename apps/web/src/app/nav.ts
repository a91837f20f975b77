import { Route } from 'lucide-react';
import { AppWindow, Building2, Gauge, Key, KeyRound, KeySquare, Plug, ScrollText, Users, type LucideIcon } from 'lucide-react';
import type { Role } from '../features/auth/api/me';

export interface NavItem {
  to: string;
  label: string;
  icon: LucideIcon;
  roles: readonly Role[];
  keywords?: string;
}

const ALL: readonly Role[] = ['super_admin', 'admin', 'user', 'viewer'];
/** Operations pages: admins change, viewers read (the API's OPS_READ). */
const OPS: readonly Role[] = ['super_admin', 'admin', 'viewer'];

/** Pages in the sidebar and the command palette, by role. */
export const NAV: readonly NavItem[] = [
  { to: '/', label: 'Overview', icon: Gauge, roles: ALL, keywords: 'home dashboard status' },
  { to: '/my-keys', label: 'My keys', icon: KeySquare, roles: ALL, keywords: 'api token gateway key create copy revoke' },
  { to: '/my-provider-keys', label: 'My provider keys', icon: Plug, roles: ALL, keywords: 'byok bring your own key provider openai anthropic rotate' },
  { to: '/providers', label: 'Providers & Routing', icon: Route, roles: OPS, keywords: 'llm providers routing strategy aliases fallback chains power levels byok trace cost usage' },
  { to: '/keys', label: 'Gateway keys', icon: Key, roles: OPS, keywords: 'api tokens limits rpm tpm budget revoke' },
  { to: '/users', label: 'Users', icon: Users, roles: OPS, keywords: 'people accounts roles suspend weekly cap' },
  { to: '/orgs', label: 'Organizations', icon: Building2, roles: OPS, keywords: 'orgs teams members spend cap rollover pii' },
  { to: '/apps', label: 'Apps', icon: AppWindow, roles: OPS, keywords: 'client applications services' },
  { to: '/audit', label: 'Audit log', icon: ScrollText, roles: OPS, keywords: 'history changes who what when' },
  { to: '/account', label: 'Account', icon: KeyRound, roles: ALL, keywords: 'password profile security' },
];

export function navFor(role: Role): NavItem[] {
  return NAV.filter((n) => n.roles.includes(role));
}
