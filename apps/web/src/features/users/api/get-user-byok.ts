import type { UserByok } from '@switchyard/core';
import { queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { usersKeys } from './types';

/** GET /users/:id/byok: the user's own provider keys with their usage, and the monthly BYOK limits. */
export const getUserByok = (id: string, signal?: AbortSignal) =>
  api<UserByok>(`/users/${encodeURIComponent(id)}/byok`, { signal });

export const userByokQueryOptions = (id: string) =>
  queryOptions({ queryKey: usersKeys.byok(id), queryFn: ({ signal }) => getUserByok(id, signal) });

export const useUserByok = (id: string | null) =>
  useQuery({ ...userByokQueryOptions(id ?? ''), enabled: id !== null });
