import type { UpdateUserBody } from '@switchyard/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { invalidateAfterChange } from '../../../lib/invalidate';
import { usersKeys, type User } from './types';

/** PATCH /users/:id: name, role, status (suspending signs the user out everywhere), weekly cap, power level. */
export const updateUser = ({ id, body }: { id: string; body: UpdateUserBody }) =>
  api<User>(`/users/${encodeURIComponent(id)}`, { method: 'PATCH', body });

export function useUpdateUser() {
  const qc = useQueryClient();
  return useMutation({ mutationFn: updateUser, onSuccess: () => invalidateAfterChange(qc, usersKeys.all) });
}
