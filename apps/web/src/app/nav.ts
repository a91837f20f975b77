import { Route } from 'lucide-react';
import {
  AppWindow,
  BarChart3,
  Boxes,
  Building2,
  Cable,
  Gauge,
  Key,
  KeyRound,
  KeySquare,
  ListTree,
  OctagonAlert,
  Plug,
  ScrollText,
  Settings,
  ShieldCheck,
  UserRoundCheck,
  Users,
  Waypoints,
  type LucideIcon,
} from 'lucide-react';
import type { Role } from '../features/auth/api/me';

export interface NavItem {
  to: string;
  label: string;
  icon: LucideIcon;
  roles: readonly Role[];
  keywords?: string;
  /** Also for a user who is an owner or admin of an organization (data protection: their own orgs and apps). */
  orgAdmins?: boolean;
}

const ALL: readonly Role[] = ['super_admin', 'admin', 'user', 'viewer'];
/** Operations pages: admins change, viewers read (the API's OPS_READ). */
const OPS: readonly Role[] = ['super_admin', 'admin', 'viewer'];

/** Pages in the sidebar and the command palette, by role. */
export const NAV: readonly NavItem[] = [
  { to: '/', label: 'Overview', icon: Gauge, roles: ALL, keywords: 'home dashboard status' },
  {
    to: '/my-usage',
    label: 'My usage',
    icon: UserRoundCheck,
    roles: ALL,
    keywords: 'my requests cost byok saved export csv',
  },
  {
    to: '/my-keys',
    label: 'My keys',
    icon: KeySquare,
    roles: ALL,
    keywords: 'api token gateway key create copy revoke',
  },
  {
    to: '/connect',
    label: 'Connect a tool',
    icon: Cable,
    roles: ALL,
    keywords:
      'claude code codex opencode cursor continue sdk curl setup configure base url environment probe guide agent',
  },
  {
    to: '/my-provider-keys',
    label: 'My provider keys',
    icon: Plug,
    roles: ALL,
    keywords: 'byok bring your own key provider openai anthropic rotate',
  },
  {
    to: '/providers',
    label: 'Providers & Routing',
    icon: Route,
    roles: OPS,
    keywords: 'llm providers routing strategy aliases fallback chains power levels byok trace cost usage',
  },
  {
    to: '/routing',
    label: 'Routing summary',
    icon: Waypoints,
    roles: OPS,
    keywords: 'routing overview strategy aliases chains power levels default model retries cooldown health',
  },
  {
    to: '/models',
    label: 'Models',
    icon: Boxes,
    roles: OPS,
    keywords: 'model registry llm enable disable default priority price bulk',
  },
  {
    to: '/logs',
    label: 'Logs',
    icon: ListTree,
    roles: OPS,
    keywords: 'gateway logs requests trace attempts latency status',
  },
  {
    to: '/usage',
    label: 'Usage',
    icon: BarChart3,
    roles: OPS,
    keywords: 'per user usage cost tokens export csv',
  },
  {
    to: '/errors',
    label: 'Error reports',
    icon: OctagonAlert,
    roles: OPS,
    keywords: 'errors failures reports',
  },
  {
    to: '/keys',
    label: 'Gateway keys',
    icon: Key,
    roles: OPS,
    keywords: 'api tokens limits rpm tpm budget revoke',
  },
  {
    to: '/users',
    label: 'Users',
    icon: Users,
    roles: OPS,
    keywords: 'people accounts roles suspend weekly cap',
  },
  {
    to: '/orgs',
    label: 'Organizations',
    icon: Building2,
    roles: OPS,
    keywords: 'orgs teams members spend cap rollover pii',
  },
  { to: '/apps', label: 'Apps', icon: AppWindow, roles: OPS, keywords: 'client applications services' },
  {
    to: '/data-protection',
    label: 'Data protection',
    icon: ShieldCheck,
    roles: OPS,
    orgAdmins: true,
    keywords: 'dlp pii privacy mask redact block email phone card iban ssn secret regex rules',
  },
  {
    to: '/audit',
    label: 'Audit log',
    icon: ScrollText,
    roles: OPS,
    keywords: 'history changes who what when',
  },
  {
    to: '/settings',
    label: 'Settings',
    icon: Settings,
    roles: OPS,
    keywords: 'ollama body logging debug headers gateway settings',
  },
  { to: '/account', label: 'Account', icon: KeyRound, roles: ALL, keywords: 'password profile security' },
];

export function navFor(role: Role, opts: { orgAdmin?: boolean } = {}): NavItem[] {
  return NAV.filter((n) => n.roles.includes(role) || (n.orgAdmins && role === 'user' && opts.orgAdmin));
}
