import type { meResponse, RoleValue, sessionUserSchema } from '@switchyard/core';
import { queryOptions, useQuery } from '@tanstack/react-query';
import type { z } from 'zod';
import { api, ApiError, setCsrfToken } from '../../../lib/api-client';

export type Role = RoleValue;
/** The signed-in user, and `/auth/me`'s answer (the contract's response schemas). */
export type SessionUser = z.infer<typeof sessionUserSchema>;
export type MeResponse = z.infer<typeof meResponse>;

/** The signed-in user, or null when signed out (a 401 is an answer here, not an error). */
export async function getMe(): Promise<MeResponse | null> {
  try {
    const me = await api<MeResponse>('/auth/me');
    setCsrfToken(me.csrfToken);
    return me;
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) return null;
    throw err;
  }
}

export const meQueryOptions = () =>
  queryOptions({ queryKey: ['auth', 'me'], queryFn: getMe, staleTime: 60_000 });

export const useMe = () => useQuery(meQueryOptions());
