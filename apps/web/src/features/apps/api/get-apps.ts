import { queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { appsKeys, type App } from './types';

/** GET /apps: every client app. */
export const getApps = (signal?: AbortSignal) =>
  api<{ data: App[] }>('/apps', { signal }).then((r) => r.data);

export const appsQueryOptions = () =>
  queryOptions({ queryKey: appsKeys.list, queryFn: ({ signal }) => getApps(signal) });

export const useApps = (opts: { enabled?: boolean } = {}) =>
  useQuery({ ...appsQueryOptions(), enabled: opts.enabled ?? true });
