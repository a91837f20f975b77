import {
  periodStart,
  type CACHE_SCOPE_VALUES,
  type CreateOrgBody,
  type ORG_MEMBER_ROLE_VALUES,
  type ORG_STATUS_VALUES,
  type OrgMemberBody,
  type UpdateOrgBody,
} from '@switchyard/core';
import { Prisma, type Organization } from '@switchyard/prisma';
import type { AppContext } from '../../context.js';
import { AppError } from '../../lib/errors.js';
import { keyShapeProblem } from '../../providers/provider-types.js';
import { testCallerKey } from '../providers/caller-key-test.js';
import { assertMayActOnUser } from '../auth/targets.js';
import type { Actor } from '../gateway-keys/gateway-keys.service.js';
import { auditedUpdate, definedFields } from '../audited-update.js';
import { carryThisMonth } from '../../metering/rollover.js';

type OrgKeyRow = Prisma.OrgProviderKeyGetPayload<{
  include: { provider: { select: { slug: true; name: true; type: true } } };
}>;

/** An organization's provider key as the API shows it: never the key, its last four characters. */
function presentOrgKey(k: OrgKeyRow) {
  return {
    providerId: k.providerId,
    provider: k.provider,
    last4: k.last4,
    label: k.label,
    status: k.status,
    lastTestedAt: k.lastTestedAt?.toISOString() ?? null,
    lastError: k.lastError,
  };
}

export function presentOrg(o: Organization & { _count?: { members: number } }, now: number) {
  return {
    id: o.id,
    name: o.name,
    slug: o.slug,
    ownerId: o.ownerId,
    status: o.status as (typeof ORG_STATUS_VALUES)[number],
    spendCapUsd: o.spendCapUsd === null ? null : Number(o.spendCapUsd),
    rollover: o.rollover,
    // What carries into this month (a balance settled for another month is not this month's).
    rolloverBalanceUsd: carryThisMonth(
      {
        rollover: o.rollover,
        rolloverBalanceUsd: Number(o.rolloverBalanceUsd),
        rolloverPeriod: o.rolloverPeriod?.getTime() ?? null,
      },
      now,
    ),
    piiProtection: o.piiProtection,
    cacheScope: o.cacheScope as (typeof CACHE_SCOPE_VALUES)[number],
    members: o._count?.members,
    createdAt: o.createdAt.toISOString(),
  };
}

/** Rollover turned on at `now`: settled for this month with nothing carried into it. */
const startRollover = (now: number) => ({
  rolloverBalanceUsd: new Prisma.Decimal(0),
  rolloverPeriod: new Date(periodStart(now, 'month')),
});

const dec = (n: number | null | undefined) =>
  n === undefined ? undefined : n === null ? null : new Prisma.Decimal(n);

/** Organizations: spend cap (monthly, with rollover), PII flag, members, and their own provider keys. */
export class OrgsService {
  constructor(private readonly ctx: AppContext) {}

  async list() {
    const rows = await this.ctx.prisma.organization.findMany({
      include: {
        _count: { select: { members: true } },
        owner: { select: { id: true, email: true, name: true } },
      },
      orderBy: { name: 'asc' },
    });
    return rows.map(({ owner, ...o }) => ({ ...presentOrg(o, this.ctx.now()), owner }));
  }

  async get(id: string) {
    const o = await this.ctx.prisma.organization.findUnique({
      where: { id },
      include: {
        _count: { select: { members: true } },
        members: { include: { user: { select: { id: true, email: true, name: true } } } },
        providerKeys: {
          include: { provider: { select: { slug: true, name: true, type: true } } },
          orderBy: { createdAt: 'asc' },
        },
      },
    });
    if (!o) throw AppError.notFound('Organization');
    return {
      ...presentOrg(o, this.ctx.now()),
      memberList: o.members.map((m) => ({
        userId: m.userId,
        email: m.user.email,
        name: m.user.name,
        role: m.role as (typeof ORG_MEMBER_ROLE_VALUES)[number],
      })),
      providerKeys: o.providerKeys.map(presentOrgKey),
    };
  }

  async create(actor: Actor, b: CreateOrgBody) {
    await assertMayActOnUser(this.ctx.prisma, actor, b.ownerId, 'make an org owner of');
    const o = await this.ctx.prisma.$transaction(async (tx) => {
      const created = await tx.organization.create({
        data: {
          name: b.name,
          slug: b.slug,
          ownerId: b.ownerId ?? null,
          spendCapUsd: dec(b.spendCapUsd) ?? null,
          rollover: b.rollover ?? false,
          // Rollover starts with this month: what it leaves unspent carries into the next.
          ...(b.rollover ? startRollover(this.ctx.now()) : {}),
          piiProtection: b.piiProtection ?? false,
          cacheScope: b.cacheScope ?? 'organization',
        },
      });
      if (b.ownerId)
        await tx.organizationMember.create({ data: { orgId: created.id, userId: b.ownerId, role: 'owner' } });
      await this.ctx.audit.record(
        {
          actor,
          action: 'org.create',
          entityType: 'Organization',
          entityId: created.id,
          after: presentOrg(created, this.ctx.now()),
          ip: actor.ip,
        },
        tx,
      );
      return created;
    });
    await this.ctx.configChanged('orgs');
    return presentOrg(o, this.ctx.now());
  }

  async update(actor: Actor, id: string, b: UpdateOrgBody) {
    const before = await this.ctx.prisma.organization.findUnique({ where: { id } });
    if (!before) throw AppError.notFound('Organization');
    if (b.ownerId !== undefined && b.ownerId !== before.ownerId) {
      await assertMayActOnUser(this.ctx.prisma, actor, b.ownerId, 'make an org owner of');
      await assertMayActOnUser(this.ctx.prisma, actor, before.ownerId, 'take an org away from');
    }
    const o = await auditedUpdate(this.ctx, {
      actor,
      action: 'org.update',
      entityType: 'Organization',
      entityId: id,
      before: presentOrg(before, this.ctx.now()),
      present: (o: Organization) => presentOrg(o, this.ctx.now()),
      changed: 'orgs',
      write: async (tx) => {
        const o = await tx.organization.update({
          where: { id },
          data: {
            ...definedFields(b, { spendCapUsd: dec }),
            // Turned on, or given a cap while on: it starts with this month (nothing from months it was off, or
            // had no cap, carries over).
            ...((b.rollover === true && !before.rollover) ||
            ((b.rollover ?? before.rollover) && before.spendCapUsd === null && b.spendCapUsd != null)
              ? startRollover(this.ctx.now())
              : {}),
          },
        });
        // Ownership moves with its administration: the previous owner keeps a plain membership (an operator may
        // make them an admin again), the new one is a member as owner.
        if (b.ownerId !== undefined && b.ownerId !== before.ownerId) {
          if (before.ownerId)
            await tx.organizationMember.updateMany({
              where: { orgId: id, userId: before.ownerId, role: 'owner' },
              data: { role: 'member' },
            });
          if (b.ownerId)
            await tx.organizationMember.upsert({
              where: { orgId_userId: { orgId: id, userId: b.ownerId } },
              create: { orgId: id, userId: b.ownerId, role: 'owner' },
              update: { role: 'owner' },
            });
        }
        return o;
      },
    });
    return presentOrg(o, this.ctx.now());
  }

  async remove(actor: Actor, id: string) {
    const before = await this.ctx.prisma.organization.findUnique({ where: { id } });
    if (!before) throw AppError.notFound('Organization');
    await this.ctx.prisma.$transaction(async (tx) => {
      await tx.organization.delete({ where: { id } });
      await this.ctx.audit.record(
        {
          actor,
          action: 'org.delete',
          entityType: 'Organization',
          entityId: id,
          before: presentOrg(before, this.ctx.now()),
          ip: actor.ip,
        },
        tx,
      );
    });
    await this.ctx.configChanged('orgs');
  }

  async addMember(actor: Actor, orgId: string, b: OrgMemberBody) {
    if (!(await this.ctx.prisma.organization.count({ where: { id: orgId } })))
      throw AppError.notFound('Organization');
    if (!(await this.ctx.prisma.user.count({ where: { id: b.userId } })))
      throw AppError.validation('userId: no user with this id');
    await assertMayActOnUser(this.ctx.prisma, actor, b.userId, 'change the org membership of');
    await this.ctx.prisma.$transaction(async (tx) => {
      await tx.organizationMember.upsert({
        where: { orgId_userId: { orgId, userId: b.userId } },
        create: { orgId, userId: b.userId, role: b.role },
        update: { role: b.role },
      });
      await this.ctx.audit.record(
        {
          actor,
          action: 'org.member.add',
          entityType: 'Organization',
          entityId: orgId,
          after: { userId: b.userId, role: b.role },
          ip: actor.ip,
        },
        tx,
      );
    });
    await this.ctx.configChanged('orgs');
    return this.get(orgId);
  }

  async removeMember(actor: Actor, orgId: string, userId: string) {
    const m = await this.ctx.prisma.organizationMember.findUnique({
      where: { orgId_userId: { orgId, userId } },
    });
    if (!m) throw AppError.notFound('Member');
    await assertMayActOnUser(this.ctx.prisma, actor, userId, 'take an org membership away from');
    await this.ctx.prisma.$transaction(async (tx) => {
      await tx.organizationMember.delete({ where: { id: m.id } });
      await this.ctx.audit.record(
        {
          actor,
          action: 'org.member.remove',
          entityType: 'Organization',
          entityId: orgId,
          before: { userId, role: m.role },
          ip: actor.ip,
        },
        tx,
      );
    });
    await this.ctx.configChanged('orgs');
  }

  /** The org's own key for a provider: used for its members' requests before the provider's key. */
  async putProviderKey(
    actor: Actor,
    orgId: string,
    providerId: string,
    apiKey: string,
    label: string | null,
  ) {
    if (!(await this.ctx.prisma.organization.count({ where: { id: orgId } })))
      throw AppError.notFound('Organization');
    const provider = await this.ctx.prisma.provider.findUnique({
      where: { id: providerId },
      select: { type: true },
    });
    if (!provider) throw AppError.notFound('Provider');
    const shape = keyShapeProblem(provider.type, apiKey);
    if (shape) throw AppError.validation(shape, { field: 'apiKey' });
    // A new key starts active and untested (a replaced key's test result was the old key's).
    const data = {
      encryptedKey: this.ctx.secrets.encrypt(apiKey),
      last4: apiKey.slice(-4),
      label,
      status: 'active',
      lastTestedAt: null,
      lastError: null,
    };
    await this.ctx.prisma.$transaction(async (tx) => {
      await tx.orgProviderKey.upsert({
        where: { orgId_providerId: { orgId, providerId } },
        create: { orgId, providerId, ...data },
        update: data,
      });
      await this.ctx.audit.record(
        {
          actor,
          action: 'org.provider_key.put',
          entityType: 'Organization',
          entityId: orgId,
          after: { providerId, last4: data.last4, label },
          ip: actor.ip,
        },
        tx,
      );
    });
    await this.ctx.configChanged('org-keys');
    return presentOrgKey(await this.#key(orgId, providerId));
  }

  async #key(orgId: string, providerId: string) {
    const k = await this.ctx.prisma.orgProviderKey.findUnique({
      where: { orgId_providerId: { orgId, providerId } },
      include: { provider: { select: { slug: true, name: true, type: true } } },
    });
    if (!k) throw AppError.notFound('Organization key');
    return k;
  }

  /** Turn the org's key off (kept, never routed: members' requests use the provider's key) or back on. */
  async setProviderKeyStatus(actor: Actor, orgId: string, providerId: string, status: 'active' | 'disabled') {
    const k = await this.#key(orgId, providerId);
    if (k.status !== status) {
      await this.ctx.prisma.$transaction(async (tx) => {
        await tx.orgProviderKey.update({ where: { id: k.id }, data: { status } });
        await this.ctx.audit.record(
          {
            actor,
            action: status === 'disabled' ? 'org.provider_key.disable' : 'org.provider_key.enable',
            entityType: 'Organization',
            entityId: orgId,
            before: { providerId, status: k.status },
            after: { providerId, status },
            ip: actor.ip,
          },
          tx,
        );
      });
      await this.ctx.configChanged('org-keys');
    }
    return presentOrgKey(await this.#key(orgId, providerId));
  }

  /**
   * Test the org's key with a real minimal call, as routing would send it (the provider's auth settings, without the
   * provider's own credentials). Records when and the result; a key its provider refuses becomes `invalid` (not
   * routed) until it passes a test or is replaced; a disabled key stays disabled whatever the result.
   */
  async testProviderKey(orgId: string, providerId: string) {
    const k = await this.#key(orgId, providerId);
    const provider = await this.ctx.prisma.provider.findUniqueOrThrow({ where: { id: providerId } });
    const { result, status } = await testCallerKey(this.ctx, provider, k);
    await this.ctx.prisma.orgProviderKey.update({
      where: { id: k.id },
      data: {
        lastTestedAt: new Date(this.ctx.now()),
        lastError: result.success ? null : result.error.message,
        status,
      },
    });
    if (status !== k.status) await this.ctx.configChanged('org-keys');
    return result;
  }

  async deleteProviderKey(actor: Actor, orgId: string, providerId: string) {
    const k = await this.ctx.prisma.orgProviderKey.findUnique({
      where: { orgId_providerId: { orgId, providerId } },
    });
    if (!k) throw AppError.notFound('Organization key');
    await this.ctx.prisma.$transaction(async (tx) => {
      await tx.orgProviderKey.delete({ where: { id: k.id } });
      await this.ctx.audit.record(
        {
          actor,
          action: 'org.provider_key.delete',
          entityType: 'Organization',
          entityId: orgId,
          before: { providerId, last4: k.last4 },
          ip: actor.ip,
        },
        tx,
      );
    });
    await this.ctx.configChanged('org-keys');
  }
}
