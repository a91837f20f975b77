import { z } from 'zod';

export const loginBody = z.object({
  email: z.string().trim().toLowerCase().email('must be an email address'),
  password: z.string().min(1, 'is required').max(1024),
});

export const changePasswordBody = z.object({
  currentPassword: z.string().min(1, 'is required'),
  newPassword: z.string().min(12, 'must be at least 12 characters').max(1024),
});
