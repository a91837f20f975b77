import { queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { byokKeys, type ByokKey } from './types';

/** GET /me/byok: the signed-in user's provider keys (last four characters only). */
export const getMyByok = (signal?: AbortSignal) =>
  api<{ data: ByokKey[] }>('/me/byok', { signal }).then((r) => r.data);

export const myByokQueryOptions = () =>
  queryOptions({ queryKey: byokKeys.mine, queryFn: ({ signal }) => getMyByok(signal) });

export const useMyByok = () => useQuery(myByokQueryOptions());
