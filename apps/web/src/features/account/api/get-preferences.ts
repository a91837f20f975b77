import type { Preferences } from '@switchyard/core';
import { queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';

export const preferencesKeys = { mine: ['me', 'preferences'] as const };

/** GET /me/preferences: my default model and preferred providers. */
export const getPreferences = (signal?: AbortSignal) => api<Preferences>('/me/preferences', { signal });

export const preferencesQueryOptions = () =>
  queryOptions({ queryKey: preferencesKeys.mine, queryFn: ({ signal }) => getPreferences(signal) });

export const usePreferences = () => useQuery(preferencesQueryOptions());
