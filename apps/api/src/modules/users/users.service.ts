import { randomBytes } from 'node:crypto';
import {
  periodEnd,
  periodStart,
  type CreateUserBody,
  type ORG_MEMBER_ROLE_VALUES,
  type POWER_LEVEL_VALUES,
  type UpdatePreferencesBody,
  type UpdateUserBody,
  type USER_STATUS_VALUES,
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
    defaultModel: u.defaultModel,
    preferredProviders: u.preferredProviders,
    byokMonthlyRequestLimit: u.byokMonthlyRequestLimit,
    byokMonthlySpendLimitUsd: u.byokMonthlySpendLimitUsd === null ? null : Number(u.byokMonthlySpendLimitUsd),
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
    if (body.preferredProviders) await this.#assertProviders(body.preferredProviders);
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
          data: definedFields(body, {
            weeklyCapUsd: (v) => (v === null ? null : new Prisma.Decimal(v)),
            byokMonthlySpendLimitUsd: (v) => (v === null ? null : new Prisma.Decimal(v)),
          }),
        });
        // A suspended account is signed out everywhere; its gateway keys stop working with the config reload.
        if (body.status === 'suspended') await tx.session.deleteMany({ where: { userId: id } });
        return u;
      },
    });
    return presentUser(user);
  }

  /** Preferred providers must name providers that exist (a typo would silently prefer nothing). */
  async #assertProviders(slugs: string[]) {
    if (slugs.length === 0) return;
    const found = await this.ctx.prisma.provider.findMany({
      where: { slug: { in: slugs } },
      select: { slug: true },
    });
    const known = new Set(found.map((p) => p.slug));
    const unknown = slugs.filter((s) => !known.has(s));
    if (unknown.length > 0)
      throw AppError.validation(`preferredProviders: no provider with the slug ${unknown.join(', ')}`);
  }

  async preferences(userId: string) {
    const u = await this.ctx.prisma.user.findUnique({
      where: { id: userId },
      select: { defaultModel: true, preferredProviders: true },
    });
    if (!u) throw AppError.notFound('User');
    return u;
  }

  /** My routing preferences: default model and preferred providers (audited like any change to a user). */
  async setPreferences(actor: Actor, body: UpdatePreferencesBody) {
    const before = await this.ctx.prisma.user.findUnique({ where: { id: actor.id } });
    if (!before) throw AppError.notFound('User');
    if (body.preferredProviders) await this.#assertProviders(body.preferredProviders);
    const present = (u: User) => ({ defaultModel: u.defaultModel, preferredProviders: u.preferredProviders });
    const u = await auditedUpdate(this.ctx, {
      actor,
      action: 'user.preferences',
      entityType: 'User',
      entityId: actor.id,
      before: present(before),
      present,
      changed: 'users',
      write: (tx) => tx.user.update({ where: { id: actor.id }, data: definedFields(body) }),
    });
    return present(u);
  }

  /**
   * A user's BYOK settings as an operator sees them: each provider key (last four), its calls, the list price it
   * paid (the platform's saving) and its last use, from the usage rows; the monthly limits and this month's use.
   */
  async byok(id: string) {
    const { prisma } = this.ctx;
    const user = await prisma.user.findUnique({
      where: { id },
      select: { id: true, byokMonthlyRequestLimit: true, byokMonthlySpendLimitUsd: true },
    });
    if (!user) throw AppError.notFound('User');
    const now = this.ctx.now();
    const since = periodStart(now, 'month');
    const [keys, totals, month] = await Promise.all([
      prisma.byokKey.findMany({
        where: { userId: id },
        include: { provider: { select: { slug: true, name: true } } },
        orderBy: { createdAt: 'asc' },
      }),
      prisma.usageDaily.groupBy({
        by: ['providerId'],
        where: { userId: id, isByok: true },
        _sum: { requests: true, savedUsd: true },
      }),
      prisma.usageHourly.aggregate({
        where: { userId: id, isByok: true, hour: { gte: new Date(since) } },
        _sum: { requests: true, savedUsd: true },
      }),
    ]);
    const byProvider = new Map(totals.map((t) => [t.providerId, t._sum]));
    const lastUsed = await Promise.all(
      keys.map((k) =>
        prisma.usageRecord.findFirst({
          where: { userId: id, isByok: true, providerId: k.providerId },
          orderBy: { id: 'desc' },
          select: { createdAt: true },
        }),
      ),
    );
    return {
      userId: id,
      limits: {
        monthlyRequests: user.byokMonthlyRequestLimit,
        monthlySpendUsd:
          user.byokMonthlySpendLimitUsd === null ? null : Number(user.byokMonthlySpendLimitUsd),
      },
      month: {
        since: new Date(since).toISOString(),
        resetsAt: new Date(periodEnd(now, 'month') ?? since).toISOString(),
        requests: month._sum.requests ?? 0,
        spendUsd: Number(month._sum.savedUsd ?? 0),
      },
      providers: keys.map((k, i) => ({
        providerId: k.providerId,
        slug: k.provider.slug,
        name: k.provider.name,
        last4: k.last4,
        label: k.label,
        status: k.status,
        addedAt: k.createdAt.toISOString(),
        lastUsedAt: lastUsed[i]?.createdAt.toISOString() ?? null,
        requests: byProvider.get(k.providerId)?.requests ?? 0,
        savedUsd: Number(byProvider.get(k.providerId)?.savedUsd ?? 0),
      })),
    };
  }
}
