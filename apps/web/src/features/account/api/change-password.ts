import { useMutation } from '@tanstack/react-query';
import { z } from 'zod';
import { api } from '../../../lib/api-client';

export const changePasswordSchema = z
  .object({
    currentPassword: z.string().min(1, 'Enter your current password'),
    newPassword: z.string().min(12, 'At least 12 characters'),
    confirm: z.string(),
  })
  .refine((v) => v.newPassword === v.confirm, { path: ['confirm'], message: 'The passwords differ' });

export type ChangePasswordInput = z.infer<typeof changePasswordSchema>;

export const changePassword = (input: ChangePasswordInput) =>
  api<void>('/auth/password', {
    body: { currentPassword: input.currentPassword, newPassword: input.newPassword },
  });

export const useChangePassword = () => useMutation({ mutationFn: changePassword });
