import { queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { settingsKeys, type GatewaySettings } from './types';

/** GET /llm/settings: Ollama connection, body logging and routing debug headers. */
export const getSettings = (signal?: AbortSignal) => api<GatewaySettings>('/llm/settings', { signal });

export const settingsQueryOptions = () =>
  queryOptions({ queryKey: settingsKeys.all, queryFn: ({ signal }) => getSettings(signal) });

export const useSettings = () => useQuery(settingsQueryOptions());
