import { queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { dlpKeys, dlpPath, type DlpPolicyResponse } from './types';

/** GET /llm/data-protection/policies/:scope: the scope's policy (the default one when none was saved). */
export const getDlpPolicy = (key: string, signal?: AbortSignal) =>
  api<DlpPolicyResponse>(dlpPath('policies', key), { signal });

export const dlpPolicyQueryOptions = (key: string) =>
  queryOptions({ queryKey: dlpKeys.policy(key), queryFn: ({ signal }) => getDlpPolicy(key, signal) });

export const useDlpPolicy = (key: string | null) =>
  useQuery({ ...dlpPolicyQueryOptions(key ?? ''), enabled: !!key });
