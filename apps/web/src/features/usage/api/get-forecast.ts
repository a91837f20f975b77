import type { CostForecast } from '@switchyard/core';
import { queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { usageKeys } from './types';

/** GET /llm/usage/forecast: the month-end cost forecast in total, per organization and per provider (operators). */
export const getForecast = (signal?: AbortSignal) => api<CostForecast>('/llm/usage/forecast', { signal });

export const forecastQueryOptions = () =>
  queryOptions({
    queryKey: usageKeys.forecast,
    queryFn: ({ signal }) => getForecast(signal),
    staleTime: 60_000,
  });

export const useForecast = (opts: { enabled?: boolean } = {}) =>
  useQuery({ ...forecastQueryOptions(), ...opts });
