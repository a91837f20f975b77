import type { DlpPolicyInput } from '@switchyard/core';
import { keepPreviousData, queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { dlpKeys, dlpPath, type DlpTesterResponse } from './types';

/** POST /llm/data-protection/test: what a policy catches in a text and the text as it would be sent (nothing stored). */
export const testDlpPolicy = (
  { text, policy }: { text: string; policy: DlpPolicyInput | undefined },
  signal?: AbortSignal,
) =>
  api<DlpTesterResponse>(dlpPath('test'), {
    body: policy === undefined ? { text } : { text, policy: policy as Record<string, unknown> },
    signal,
  });

/** A query, not a mutation: the tester runs again (debounced by the caller) whenever the text or the policy changes. */
export const dlpTestQueryOptions = (text: string, policy: DlpPolicyInput | undefined) =>
  queryOptions({
    queryKey: [...dlpKeys.all, 'test', text, policy] as const,
    queryFn: ({ signal }) => testDlpPolicy({ text, policy }, signal),
    staleTime: Infinity,
    gcTime: 60_000,
    retry: false,
  });

export const useDlpTest = (text: string, policy: DlpPolicyInput | undefined, enabled: boolean) =>
  useQuery({
    ...dlpTestQueryOptions(text, policy),
    enabled: enabled && text.length > 0,
    placeholderData: keepPreviousData,
  });
