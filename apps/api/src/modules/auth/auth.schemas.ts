import { safeString } from '@switchyard/core';
import { z } from 'zod';

/** Emails as people use them on a private network too (`admin@localhost` is valid here). */
export const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+$/;

export const loginBody = z.object({
  email: safeString().trim().toLowerCase().regex(EMAIL_PATTERN, 'must be an email address'),
  password: safeString().min(1, 'is required').max(1024),
});

export const changePasswordBody = z.object({
  currentPassword: safeString().min(1, 'is required').max(1024),
  newPassword: safeString().min(12, 'must be at least 12 characters').max(1024),
});
