import { randomBytes } from 'node:crypto';
import type { CreateUserBody, UpdateUserBody } from '@switchyard/core';
import { Prisma, type User } from '@switchyard/prisma';
import type { AppContext } from '../../context.js';
import { AppError } from '../../lib/errors.js';
import { likeLiteral } from '../../lib/like.js';
import { hashPassword } from '../../lib/password.js';
import type { Actor } from '../gateway-keys/gateway-keys.service.js';
import type { Role } from '../auth/permissions.js';
import { assertMayActOn } from '../auth/targets.js';

export function presentUser(u: User) {
  return {
    id: u.id,
    email: u.email,
    name: u.name ?? u.email,
    role: u.role,
    status: u.status,
    weeklyCapUsd: u.weeklyCapUsd === null ? null : Number(u.weeklyCapUsd),
    powerLevel: u.powerLevel,
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
    const rows = await this.ctx.prisma.user.findMany({ where, orderBy: { createdAt: 'asc' }, take: 500 });
    return rows.map(presentUser);
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
    const user = await this.ctx.prisma.$transaction(async (tx) => {
      const u = await tx.user.update({
        where: { id },
        data: {
          ...(body.name !== undefined ? { name: body.name } : {}),
          ...(body.role !== undefined ? { role: body.role } : {}),
          ...(body.status !== undefined ? { status: body.status } : {}),
          ...(body.powerLevel !== undefined ? { powerLevel: body.powerLevel } : {}),
          ...(body.weeklyCapUsd !== undefined
            ? { weeklyCapUsd: body.weeklyCapUsd === null ? null : new Prisma.Decimal(body.weeklyCapUsd) }
            : {}),
        },
      });
      // A suspended account is signed out everywhere; its gateway keys stop working with the config reload.
      if (body.status === 'suspended') await tx.session.deleteMany({ where: { userId: id } });
      await this.ctx.audit.record(
        {
          actor,
          action: body.status === 'suspended' ? 'user.suspend' : 'user.update',
          entityType: 'User',
          entityId: id,
          before: presentUser(before),
          after: presentUser(u),
          ip: actor.ip,
        },
        tx,
      );
      return u;
    });
    await this.ctx.configChanged('users');
    return presentUser(user);
  }
}
