import { keepPreviousData, queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { withQuery } from '../../../lib/search-params';
import { usersKeys, type User, type UserFilters } from './types';

/** GET /users: search (email or name), role, status. */
export const getUsers = (f: UserFilters, signal?: AbortSignal) =>
  api<{ data: User[] }>(withQuery('/users', { ...f }), { signal }).then((r) => r.data);

export const usersQueryOptions = (f: UserFilters = {}) =>
  queryOptions({
    queryKey: usersKeys.list(f),
    queryFn: ({ signal }) => getUsers(f, signal),
    placeholderData: keepPreviousData,
  });

export const useUsers = (f: UserFilters = {}, opts: { enabled?: boolean } = {}) =>
  useQuery({ ...usersQueryOptions(f), enabled: opts.enabled ?? true });
