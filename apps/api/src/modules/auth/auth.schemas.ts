import { z } from 'zod';

/** Emails as people use them on a private network too (`admin@localhost` is valid here). */
export const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+$/;

export const loginBody = z.object({
  email: z.string().trim().toLowerCase().regex(EMAIL_PATTERN, 'must be an email address'),
  password: z.string().min(1, 'is required').max(1024),
});

export const changePasswordBody = z.object({
  currentPassword: z.string().min(1, 'is required'),
  newPassword: z.string().min(12, 'must be at least 12 characters').max(1024),
});
