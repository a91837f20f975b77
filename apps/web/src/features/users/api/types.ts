import type { RoleValue } from '@switchyard/core';

export type UserStatus = 'active' | 'suspended';
export type PowerLevel = 'eco' | 'balanced' | 'precision';

export interface User {
  id: string;
  email: string;
  name: string;
  role: RoleValue;
  status: UserStatus;
  weeklyCapUsd: number | null;
  powerLevel: PowerLevel | null;
  lastLoginAt: string | null;
  createdAt: string;
}

export interface CreatedUser extends User {
  /** Present when no password was given: shown once. */
  generatedPassword?: string;
}

export interface UserFilters {
  search?: string;
  role?: RoleValue;
  status?: UserStatus;
}

export const usersKeys = {
  all: ['users'] as const,
  list: (f: UserFilters) => ['users', 'list', f] as const,
};
