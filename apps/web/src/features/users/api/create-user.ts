import type { CreateUserBody } from '@switchyard/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { invalidateAfterChange } from '../../../lib/invalidate';
import { usersKeys, type CreatedUser } from './types';

/** POST /users: without a password the API generates one and returns it once. */
export const createUser = (body: CreateUserBody) => api<CreatedUser>('/users', { body });

export function useCreateUser() {
  const qc = useQueryClient();
  return useMutation({ mutationFn: createUser, onSuccess: () => invalidateAfterChange(qc, usersKeys.all) });
}
