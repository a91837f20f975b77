import type { SavingsAdvice } from '@switchyard/core';
import { queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { whatIfKeys } from './types';

/** GET /llm/savings: cheaper same-tier models for the models used in the last 30 days, with the projected saving. */
export const getSavings = (signal?: AbortSignal) => api<SavingsAdvice>('/llm/savings', { signal });

export const savingsQueryOptions = () =>
  queryOptions({
    queryKey: whatIfKeys.savings,
    queryFn: ({ signal }) => getSavings(signal),
    staleTime: 5 * 60_000,
  });

export const useSavings = () => useQuery(savingsQueryOptions());
