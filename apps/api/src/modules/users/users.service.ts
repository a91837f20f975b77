import { randomBytes } from 'node:crypto';
import type {
  CreateUserBody,
  ORG_MEMBER_ROLE_VALUES,
  POWER_LEVEL_VALUES,
  UpdateUserBody,
  USER_STATUS_VALUES,
} from '@switchyard/core';
import { Prisma, type User } from '@switchyard/prisma';
import type { AppContext } from '../../context.js';
import { AppError } from '../../lib/errors.js';
import { likeLiteral } from '../../lib/like.js';
import { hashPassword } from '../../lib/password.js';
import type { Actor } from '../gateway-keys/gateway-keys.service.js';
import type { Role } from '../auth/permissions.js';
import { assertMayActOn } from '../auth/targets.js';
import { auditedUpdate, definedFields } from '../audited-update.js';

export function presentUser(u: User) {
  return {
    id: u.id,
    email: u.email,
    name: u.name ?? u.email,
    role: u.role as Role,
    status: u.status as (typeof USER_STATUS_VALUES)[number],
    weeklyCapUsd: u.weeklyCapUsd === null ? null : Number(u.weeklyCapUsd),
    powerLevel: u.powerLevel as (typeof POWER_LEVEL_VALUES)[number],
    lastLoginAt: u.lastLoginAt?.toISOString() ?? null,
    createdAt: u.createdAt.toISOString(),
  };
}

export class UsersService {
  constructor(private readonly ctx: AppContext) {}

  async list(q: { search?: string; role?: string; status?: string }) {
    const where: Prisma.UserWhereInput = {};
    if (q.role) where.role = q.role;
    if (q.status) where.status = q.status;
    if (q.search) {
      const contains = likeLiteral(q.search);
      where.OR = [{ email: { contains, mode: 'insensitive' } }, { name: { contains, mode: 'insensitive' } }];
    }
    const rows = await this.ctx.prisma.user.findMany({
      where,
      orderBy: { createdAt: 'asc' },
      take: 500,
      include: { memberships: { select: { role: true, org: { select: { id: true, name: true } } } } },
    });
    return rows.map(({ memberships, ...u }) => ({
      ...presentUser(u),
      orgs: memberships
        .map((m) => ({
          id: m.org.id,
          name: m.org.name,
          role: m.role as (typeof ORG_MEMBER_ROLE_VALUES)[number],
        }))
        .sort((a, b) => a.name.localeCompare(b.name)),
    }));
  }

  async get(id: string) {
    const u = await this.ctx.prisma.user.findUnique({ where: { id } });
    if (!u) throw AppError.notFound('User');
    return presentUser(u);
  }

  async create(actor: Actor & { role: Role }, body: CreateUserBody) {
    if (body.role === 'super_admin' && actor.role !== 'super_admin')
      throw AppError.forbidden('Only a super admin may create a super admin.');
    const password = body.password ?? randomBytes(18).toString('base64url');
    const user = await this.ctx.prisma.$transaction(async (tx) => {
      const u = await tx.user.create({
        data: {
          email: body.email,
          name: body.name ?? null,
          role: body.role,
          passwordHash: await hashPassword(password),
          weeklyCapUsd: body.weeklyCapUsd == null ? null : new Prisma.Decimal(body.weeklyCapUsd),
          powerLevel: body.powerLevel,
        },
      });
      await this.ctx.audit.record(
        {
          actor,
          action: 'user.create',
          entityType: 'User',
          entityId: u.id,
          after: presentUser(u),
          ip: actor.ip,
        },
        tx,
      );
      return u;
    });
    await this.ctx.configChanged('users');
    return { ...presentUser(user), ...(body.password ? {} : { generatedPassword: password }) };
  }

  async update(actor: Actor & { role: Role }, id: string, body: UpdateUserBody) {
    const before = await this.ctx.prisma.user.findUnique({ where: { id } });
    if (!before) throw AppError.notFound('User');
    // Anything done to a super admin (suspend, rename, caps, power level, role) is a super admin's.
    assertMayActOn(actor, before.role, 'change');
    if (body.role === 'super_admin' && body.role !== before.role && actor.role !== 'super_admin') {
      throw AppError.forbidden('Only a super admin may grant or revoke the super admin role.');
    }
    const demotes =
      before.role === 'super_admin' &&
      before.status === 'active' &&
      ((body.role !== undefined && body.role !== 'super_admin') || body.status === 'suspended');
    if (demotes) {
      const others = await this.ctx.prisma.user.count({
        where: { role: 'super_admin', status: 'active', id: { not: id } },
      });
      if (others === 0)
        throw AppError.conflict('This is the last active super admin: promote another one first.');
    }
    const user = await auditedUpdate(this.ctx, {
      actor,
      action: body.status === 'suspended' ? 'user.suspend' : 'user.update',
      entityType: 'User',
      entityId: id,
      before: presentUser(before),
      present: presentUser,
      changed: 'users',
      write: async (tx) => {
        const u = await tx.user.update({
          where: { id },
          data: definedFields(body, { weeklyCapUsd: (v) => (v === null ? null : new Prisma.Decimal(v)) }),
        });
        // A suspended account is signed out everywhere; its gateway keys stop working with the config reload.
        if (body.status === 'suspended') await tx.session.deleteMany({ where: { userId: id } });
        return u;
      },
    });
    return presentUser(user);
  }
}
