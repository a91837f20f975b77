import { queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { dlpKeys, dlpPath, type DlpStatus } from './types';

/** GET /llm/data-protection/status: every scope the caller may see, on/off, rules enabled, last activity. */
export const getDlpStatus = (signal?: AbortSignal) => api<DlpStatus>(dlpPath('status'), { signal });

export const dlpStatusQueryOptions = () =>
  queryOptions({
    queryKey: dlpKeys.status,
    queryFn: ({ signal }) => getDlpStatus(signal),
    staleTime: 30_000,
  });

export const useDlpStatus = (opts: { enabled?: boolean } = {}) =>
  useQuery({ ...dlpStatusQueryOptions(), enabled: opts.enabled ?? true });

/**
 * Whether a user (role "user") administers an organization, so the sidebar offers them this page: they see a
 * non-empty, editable status. Operators and viewers have the page by role (no request is made for them).
 */
export function useIsOrgAdmin(role: string): boolean {
  const q = useDlpStatus({ enabled: role === 'user' });
  return role === 'user' && !!q.data?.canEdit;
}
