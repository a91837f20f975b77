import { queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { keysKeys, type GatewayKey } from './types';

/** GET /me/keys: the signed-in user's own gateway keys. */
export const getMyKeys = (signal?: AbortSignal) =>
  api<{ data: GatewayKey[] }>('/me/keys', { signal }).then((r) => r.data);

export const myKeysQueryOptions = () =>
  queryOptions({ queryKey: keysKeys.mine, queryFn: ({ signal }) => getMyKeys(signal) });

export const useMyKeys = () => useQuery(myKeysQueryOptions());
