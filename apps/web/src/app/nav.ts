import { Route } from 'lucide-react';
import {
  AppWindow,
  Building2,
  ChartColumn,
  Cable,
  FlaskConical,
  Gauge,
  KeyRound,
  KeySquare,
  ListTree,
  MessageSquareText,
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
import { LLM_TABS, llmPath } from '../features/llm/tabs';

export interface NavItem {
  to: string;
  label: string;
  icon: LucideIcon;
  roles: readonly Role[];
  keywords?: string;
  /**
   * Also for a user who is an owner or admin of an organization (data protection: their own orgs and apps; its
   * usage; its what-if and savings advice).
   */
  orgAdmins?: boolean;
  /** The page's tabs, each its own address: the command palette offers them too. */
  tabs?: readonly { to: string; label: string; keywords?: string }[];
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
    to: '/llm',
    label: 'LLM gateway',
    icon: Route,
    roles: OPS,
    keywords: 'llm providers routing strategy aliases fallback chains power levels byok trace cost',
    tabs: LLM_TABS.map((t) => ({ to: llmPath(t.tab), label: t.label, keywords: t.keywords })),
  },
  {
    to: '/routing',
    label: 'Routing summary',
    icon: Waypoints,
    roles: OPS,
    keywords: 'routing overview strategy aliases chains power levels default model retries cooldown health',
  },
  {
    to: '/logs',
    label: 'Logs',
    icon: ListTree,
    roles: OPS,
    keywords: 'gateway logs requests trace attempts latency status',
  },
  {
    to: '/feedback',
    label: 'Feedback',
    icon: MessageSquareText,
    roles: ALL,
    keywords: 'feedback scores ratings comments thumbs bad good quality',
  },
  {
    to: '/errors',
    label: 'Error reports',
    icon: OctagonAlert,
    roles: OPS,
    keywords: 'errors failures reports',
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
    to: '/org-usage',
    label: 'Organization usage',
    icon: ChartColumn,
    roles: [],
    orgAdmins: true,
    keywords: 'organization team usage spend cost members feedback',
  },
  {
    to: '/org-whatif',
    label: 'Organization what-if',
    icon: FlaskConical,
    roles: [],
    orgAdmins: true,
    keywords: 'organization what-if simulator replay projected cost savings advice cheaper model',
  },
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
