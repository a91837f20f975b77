import type { SavingsAdvice } from '@switchyard/core';
import { queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { withQuery } from '../../../lib/search-params';
import { whatIfKeys } from './types';

/**
 * GET /llm/savings: cheaper same-tier models for the models used in the last 30 days, with the projected saving;
 * everyone's traffic (operators) or one organization's (`orgId`: required for its owners and admins).
 */
export const getSavings = (orgId: string | null, signal?: AbortSignal) =>
  api<SavingsAdvice>(withQuery('/llm/savings', { orgId }), { signal });

export const savingsQueryOptions = (orgId: string | null = null) =>
  queryOptions({
    queryKey: whatIfKeys.savings(orgId),
    queryFn: ({ signal }) => getSavings(orgId, signal),
    staleTime: 5 * 60_000,
  });

export const useSavings = (orgId: string | null = null) => useQuery(savingsQueryOptions(orgId));
