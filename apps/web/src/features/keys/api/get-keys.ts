import { queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { withQuery } from '../../../lib/search-params';
import { keysKeys, type GatewayKey, type KeyOwnerType, type KeyStatus } from './types';

export interface KeyFilters {
  ownerType?: KeyOwnerType;
  status?: KeyStatus;
}

/** GET /keys: every gateway key (admins and viewers), filtered by owner type and status. */
export const getKeys = (filters: KeyFilters, signal?: AbortSignal) =>
  api<{ data: GatewayKey[] }>(withQuery('/keys', { ...filters }), { signal }).then((r) => r.data);

export const keysQueryOptions = (filters: KeyFilters) =>
  queryOptions({ queryKey: keysKeys.list(filters), queryFn: ({ signal }) => getKeys(filters, signal) });

export const useKeys = (filters: KeyFilters, opts: { enabled?: boolean } = {}) =>
  useQuery({ ...keysQueryOptions(filters), enabled: opts.enabled ?? true });
