import { queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { routingKeys, type PowerLevel } from './types';

/** GET /llm/routing/power-levels: each level with the models it routes to now and their price range. */
export const getPowerLevels = (signal?: AbortSignal) =>
  api<{ data: PowerLevel[] }>('/llm/routing/power-levels', { signal }).then((r) => r.data);

export const powerLevelsQueryOptions = () =>
  queryOptions({ queryKey: routingKeys.powerLevels, queryFn: ({ signal }) => getPowerLevels(signal) });

export const usePowerLevels = () => useQuery(powerLevelsQueryOptions());
