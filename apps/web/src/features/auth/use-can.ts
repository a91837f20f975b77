import type { Permission } from '@switchyard/core';
import { useMe } from './api/me';

/** The signed-in user's permissions as the API grants them (`/auth/me`): drives which actions a page shows. */
export function useCan(): (permission: Permission) => boolean {
  const me = useMe();
  const perms = me.data?.permissions ?? [];
  return (permission) => perms.includes(permission);
}
