import type { PrismaClient } from '@switchyard/prisma';
import { AppError } from '../../lib/errors.js';
import type { Role } from './permissions.js';

/**
 * Admins act on super admins only through a super admin: anything that targets a user (their profile, status,
 * caps, power level, gateway keys, org membership) is refused with 403 when the target is a super admin and the
 * actor is not one.
 */
export function assertMayActOn(
  actor: { role?: Role | string },
  targetRole: string | null | undefined,
  what: string,
): void {
  if (targetRole === 'super_admin' && actor.role !== 'super_admin') {
    throw AppError.forbidden(`Only a super admin may ${what} a super admin.`);
  }
}

/** The same, looking the target user up (an unknown id is left to the caller's own not-found handling). */
export async function assertMayActOnUser(
  prisma: Pick<PrismaClient, 'user'>,
  actor: { role?: Role | string },
  userId: string | null | undefined,
  what: string,
): Promise<void> {
  if (!userId || actor.role === 'super_admin') return;
  const u = await prisma.user.findUnique({ where: { id: userId }, select: { role: true } });
  assertMayActOn(actor, u?.role, what);
}
