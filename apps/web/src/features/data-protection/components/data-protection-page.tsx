import { DLP_ACTIONS, DLP_MATCH_KINDS } from '@switchyard/core';
import { LoadMore } from '../../../components/ui/load-more';
import { SelectField } from '../../../components/ui/field';
import { FilterBar, PageHeader, ReadOnlyNote } from '../../../components/ui/page';
import { ErrorState } from '../../../components/ui/states';
import { oneOf, useQueryState } from '../../../lib/search-params';
import { useCan } from '../../auth/use-can';
import { useDlpActivity } from '../api/get-activity';
import { useDlpStatus } from '../api/get-status';
import { useSetDlpStatus } from '../api/set-status';
import type { DlpActivityFilters } from '../api/types';
import { ActivityTable } from './activity-table';
import { PolicyPanel } from './policy-panel';
import { StatusTable } from './status-table';

const SCOPES = ['', 'global', 'org', 'app'] as const;
const ACTIONS = ['', ...DLP_ACTIONS] as const;
const KINDS = ['', ...DLP_MATCH_KINDS] as const;

/**
 * Data protection: sensitive values are replaced before a request reaches the provider. Status per org and app (and
 * the master key's global policy), the selected scope's rules with a live tester, and recent activity.
 */
export function DataProtectionPage() {
  const can = useCan();
  const qs = useQueryState();
  const status = useDlpStatus();
  const toggle = useSetDlpStatus();
  const selected = qs.get('scope') || null;
  const filters: DlpActivityFilters = {
    scope: oneOf(qs.get('in'), SCOPES, '') || undefined,
    action: oneOf(qs.get('action'), ACTIONS, '') || undefined,
    kind: oneOf(qs.get('kind'), KINDS, '') || undefined,
  };
  const activity = useDlpActivity(filters);
  const rows = activity.data?.pages.flatMap((p) => p.data) ?? [];
  const canEdit = status.data?.canEdit ?? false;
  const filtered = !!(filters.scope || filters.action || filters.kind);

  return (
    <div>
      <PageHeader
        title="Data protection"
        description={
          <>
            Emails, phone numbers, cards, IBANs, SSNs, IP addresses, secrets and your own patterns are
            replaced (for example with <code className="font-mono">[EMAIL_1]</code>) before a request reaches
            the provider: the model can still refer to them, the value never leaves the gateway, and masked
            values are put back in the answer. Turn protection on per organization (for user keys) or per app
            (for app keys).
          </>
        }
      />
      {status.data && !canEdit ? (
        <ReadOnlyNote>Read-only: your role can see data protection but not change it.</ReadOnlyNote>
      ) : null}
      {toggle.isError ? <ErrorState error={toggle.error} /> : null}
      <StatusTable
        rows={status.data?.data ?? []}
        canEdit={canEdit}
        selected={selected}
        pending={toggle.isPending}
        loading={status.isPending}
        error={status.isError ? status.error : null}
        onRetry={() => void status.refetch()}
        empty={
          status.data?.limited
            ? {
                title: 'You administer no organization.',
                hint: "Your organization's admins manage its data protection.",
              }
            : {
                title: 'No organizations or apps yet.',
                hint: 'Create one, then turn its protection on here.',
              }
        }
        onToggle={(r, enabled) => toggle.mutate({ key: r.key, enabled })}
        onEdit={(r) => qs.set({ scope: r.key })}
      />
      {selected ? (
        <PolicyPanel scopeKey={selected} canEdit={canEdit} onClose={() => qs.set({ scope: null })} />
      ) : null}

      <h3 className="mb-2 mt-8 text-base font-semibold">Recent activity</h3>
      <FilterBar label="Activity filters">
        <SelectField
          label="Scope"
          value={filters.scope ?? ''}
          onChange={(e) => qs.set({ in: e.target.value })}
          className="w-40"
        >
          <option value="">All</option>
          <option value="global">Global</option>
          <option value="org">Organizations</option>
          <option value="app">Apps</option>
        </SelectField>
        <SelectField
          label="Action"
          value={filters.action ?? ''}
          onChange={(e) => qs.set({ action: e.target.value })}
          className="w-40"
        >
          <option value="">All</option>
          {DLP_ACTIONS.map((a) => (
            <option key={a} value={a}>
              {a}
            </option>
          ))}
        </SelectField>
        <SelectField
          label="Kind"
          value={filters.kind ?? ''}
          onChange={(e) => qs.set({ kind: e.target.value })}
          className="w-40"
        >
          <option value="">All</option>
          {DLP_MATCH_KINDS.map((k) => (
            <option key={k} value={k}>
              {k}
            </option>
          ))}
        </SelectField>
      </FilterBar>
      <ActivityTable
        rows={rows}
        canOpenLogs={can('logs:read')}
        loading={activity.isPending}
        error={!activity.isPending && !activity.data ? activity.error : null}
        onRetry={() => void activity.refetch()}
        empty={
          filtered
            ? { title: 'No activity matches these filters.', hint: 'Clear the filters.' }
            : {
                title: 'No activity yet.',
                hint: 'Enable protection for an organization or app, then make a request — activity will appear here.',
              }
        }
        footer={
          <LoadMore
            auto
            shown={rows.length}
            noun={['event', 'events']}
            hasMore={!!activity.hasNextPage}
            loading={activity.isFetchingNextPage}
            onMore={() => void activity.fetchNextPage()}
          />
        }
      />
    </div>
  );
}
