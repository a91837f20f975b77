import type { ReactNode } from 'react';
import { SelectField } from '../../../components/ui/field';
import { FilterBar } from '../../../components/ui/page';
import { EmptyState, ErrorState, Skeleton } from '../../../components/ui/states';
import { useQueryState } from '../../../lib/search-params';
import { useMyOrgs } from '../api/get-my-orgs';
import type { AdministeredOrg } from '../api/types';

/**
 * The organizations the signed-in user owns or administers, and the one a page shows: the `org` query parameter, the
 * first administered when absent.
 */
export function useAdministeredOrg() {
  const qs = useQueryState();
  const orgs = useMyOrgs();
  const list = orgs.data?.data ?? [];
  const org: AdministeredOrg | null = list.find((o) => o.id === qs.get('org')) ?? list[0] ?? null;
  return { orgs, list, org, select: (id: string) => qs.set({ org: id }) };
}

/**
 * A page about one administered organization: loading, an error, or "none" until there is one; then its filter bar
 * (the organization picked, or named when there is only one, and the page's own filters) and the page.
 */
export function AdministeredOrgPage({
  state,
  label,
  filters,
  children,
}: {
  state: ReturnType<typeof useAdministeredOrg>;
  /** The filter bar's name. */
  label: string;
  /** More filters beside the organization. */
  filters?: (org: AdministeredOrg) => ReactNode;
  children: (org: AdministeredOrg) => ReactNode;
}) {
  const { orgs, list, org, select } = state;
  if (orgs.isPending) return <Skeleton className="h-10 w-64" />;
  if (orgs.isError) return <ErrorState error={orgs.error} onRetry={() => void orgs.refetch()} />;
  if (!org)
    return (
      <EmptyState
        title="You administer no organization."
        hint="An organization's owner or an operator can make you one of its admins."
      />
    );
  return (
    <>
      <FilterBar label={label}>
        {list.length > 1 ? (
          <SelectField
            label="Organization"
            value={org.id}
            onChange={(e) => select(e.target.value)}
            className="min-w-48"
          >
            {list.map((o) => (
              <option key={o.id} value={o.id}>
                {o.name}
              </option>
            ))}
          </SelectField>
        ) : (
          <p className="text-sm">
            <span className="font-medium">{org.name}</span>{' '}
            <span className="text-muted">(you are its {org.role})</span>
          </p>
        )}
        {filters?.(org)}
      </FilterBar>
      {children(org)}
    </>
  );
}
