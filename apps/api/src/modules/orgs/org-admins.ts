import type { MyOrgs } from '@switchyard/core';
import type { PrismaClient } from '@switchyard/prisma';

/**
 * The organizations a user owns or administers: its owner (the organization's owner, or a member with the role
 * "owner") or a member with the role "admin". One rule for everything an organization's admins may do: its data
 * protection, its apps' and its usage. By name.
 */
export async function administeredOrgs(prisma: PrismaClient, userId: string): Promise<MyOrgs['data']> {
  const orgs = await prisma.organization.findMany({
    where: { OR: [{ ownerId: userId }, { members: { some: { userId, role: { in: ['owner', 'admin'] } } } }] },
    select: {
      id: true,
      name: true,
      slug: true,
      ownerId: true,
      members: { where: { userId }, select: { role: true } },
    },
    orderBy: [{ name: 'asc' }, { id: 'asc' }],
  });
  return orgs.map((o) => ({
    id: o.id,
    name: o.name,
    slug: o.slug,
    role: o.ownerId === userId || o.members[0]?.role === 'owner' ? 'owner' : 'admin',
  }));
}
