import { Activity, BookOpen, FileJson, ListTree, Plus, Wand2 } from 'lucide-react';
import { useMemo, useState } from 'react';
import { NavLink, Outlet } from 'react-router';
import { Button } from '../../../components/ui/button';
import { KebabMenu, type MenuItem } from '../../../components/ui/menu';
import { PageHeader } from '../../../components/ui/page';
import { useCan } from '../../auth/use-can';
import { LLM_TABS, llmPath } from '../tabs';
import { AddKeyWizard } from './add-key-wizard';

/** What the LLM area hands its tabs: opening the add-key wizard (for a provider: its key rotation). */
export interface LlmOutlet {
  openKeyWizard: ((providerId?: string) => void) | null;
}

/** The admin API's OpenAPI document, which the server serves. */
const API_REFERENCE = '/api/v1/openapi.json';

/**
 * The LLM area: one header (eyebrow, help link, add-key action and a menu) over the tabs Providers, Models,
 * Aliases & routing, Keys and Spend; each tab is the existing page, routed as `/llm/<tab>`.
 */
export function LlmLayout() {
  const can = useCan();
  const canKeys = can('providers:credentials');
  const [wizard, setWizard] = useState<{ providerId?: string } | null>(null);
  const outlet = useMemo<LlmOutlet>(
    () => ({ openKeyWizard: canKeys ? (providerId) => setWizard({ providerId }) : null }),
    [canKeys],
  );
  const menu: MenuItem[] = [
    ...(canKeys ? [{ label: 'Add LLM key (wizard)', icon: Wand2, onSelect: () => setWizard({}) }] : []),
    { label: 'Monitoring: live traffic', icon: Activity, to: '/' },
    { label: 'Gateway logs', icon: ListTree, to: '/logs' },
    { label: 'Help: how a request is routed', icon: BookOpen, to: llmPath('routing') },
    { label: 'Admin API reference (OpenAPI)', icon: FileJson, to: API_REFERENCE, external: true },
  ];
  return (
    <div className="flex min-w-0 flex-col gap-4">
      <PageHeader
        eyebrow="LLM gateway"
        title="Model routing"
        description="Providers · models · aliases & routing · keys · spend: who answers when a client asks for a model, which key pays, and what it costs."
        help={{ href: API_REFERENCE, label: 'Admin API reference', external: true }}
        actions={
          <>
            {canKeys ? (
              <Button onClick={() => setWizard({})}>
                <Plus aria-hidden className="h-4 w-4" /> Add LLM key
              </Button>
            ) : null}
            <KebabMenu label="More LLM actions" items={menu} />
          </>
        }
      />
      <nav
        aria-label="LLM sections"
        className="flex max-w-full flex-wrap gap-1 self-start rounded-xl border border-border bg-surface p-1"
      >
        {LLM_TABS.map((t) => (
          <NavLink
            key={t.tab}
            to={llmPath(t.tab)}
            className={({ isActive }) =>
              `rounded-lg px-3 py-1.5 text-sm transition ${isActive ? 'bg-accent/15 font-medium text-fg' : 'text-muted hover:text-fg'}`
            }
          >
            {t.label}
          </NavLink>
        ))}
      </nav>
      <div className="min-w-0">
        <Outlet context={outlet} />
      </div>
      {wizard ? <AddKeyWizard providerId={wizard.providerId} onClose={() => setWizard(null)} /> : null}
    </div>
  );
}
