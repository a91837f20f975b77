import { useMutation, useQueryClient } from '@tanstack/react-query';
import { z } from 'zod';
import { api, setCsrfToken } from '../../../lib/api-client';
import type { loginResponse } from '@switchyard/core';

export const loginSchema = z.object({
  email: z
    .string()
    .trim()
    .regex(/^[^\s@]+@[^\s@]+$/, 'Enter an email address'),
  password: z.string().min(1, 'Enter your password'),
});
export type LoginInput = z.infer<typeof loginSchema>;

/** `POST /auth/login`'s answer (the contract's response schema). */
export type LoginResponse = z.infer<typeof loginResponse>;

export const login = (input: LoginInput) => api<LoginResponse>('/auth/login', { body: input });

export function useLogin() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: login,
    onSuccess: (res) => {
      setCsrfToken(res.csrfToken);
      qc.setQueryData(['auth', 'me'], {
        user: res.user,
        csrfToken: res.csrfToken,
        permissions: res.permissions,
      });
    },
  });
}
