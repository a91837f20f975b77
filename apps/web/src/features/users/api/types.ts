import type {
  createdUserSchema,
  POWER_LEVEL_VALUES,
  RoleValue,
  USER_STATUS_VALUES,
  userSchema,
} from '@switchyard/core';
import type { z } from 'zod';

export type UserStatus = (typeof USER_STATUS_VALUES)[number];
export type PowerLevel = (typeof POWER_LEVEL_VALUES)[number];

/** A user as the API answers it (the contract's response schema). */
export type User = z.infer<typeof userSchema>;

/** The create answer: with the generated password (shown once) when none was given. */
export type CreatedUser = z.infer<typeof createdUserSchema>;

export interface UserFilters {
  search?: string;
  role?: RoleValue;
  status?: UserStatus;
}

export const usersKeys = {
  all: ['users'] as const,
  list: (f: UserFilters) => ['users', 'list', f] as const,
  byok: (id: string) => ['users', 'byok', id] as const,
};
