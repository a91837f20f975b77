import type {
  CreateGatewayKeyBody,
  KEY_OWNER_TYPE_VALUES,
  KEY_STATUS_VALUES,
  UpdateGatewayKeyBody,
} from '@switchyard/core';
import { Prisma, type GatewayKey } from '@switchyard/prisma';
import type { AppContext } from '../../context.js';
import { AppError } from '../../lib/errors.js';
import { assertMayActOnUser } from '../auth/targets.js';
import { generateGatewayKey } from '../../lib/key-format.js';
import { auditedUpdate, definedFields } from '../audited-update.js';

export interface Actor {
  id: string;
  email: string;
  /** The actor's role (admin routes): admins act on super admins only through a super admin. */
  role?: string;
  ip?: string | null;
}

/** What a key looks like through the API: prefix and limits, never the key or its hash. */
export function presentKey(k: GatewayKey, now: number) {
  const status = k.revokedAt ? 'revoked' : k.expiresAt && k.expiresAt.getTime() <= now ? 'expired' : 'active';
  const ownerId = k.ownerType === 'user' ? k.userId : k.ownerType === 'org' ? k.orgId : k.appId;
  return {
    id: k.id,
    name: k.name,
    prefix: k.prefix,
    ownerType: k.ownerType as (typeof KEY_OWNER_TYPE_VALUES)[number],
    ownerId,
    status: status as (typeof KEY_STATUS_VALUES)[number],
    createdAt: k.createdAt.toISOString(),
    expiresAt: k.expiresAt?.toISOString() ?? null,
    revokedAt: k.revokedAt?.toISOString() ?? null,
    lastUsedAt: k.lastUsedAt?.toISOString() ?? null,
    rpmLimit: k.rpmLimit,
    cacheTtlSeconds: k.cacheTtlSeconds,
    tpmLimit: k.tpmLimit,
    budgetUsd: k.budgetUsd === null ? null : Number(k.budgetUsd),
    budgetPeriod: k.budgetPeriod as 'day' | 'week' | 'month' | null,
    allowedModels: k.allowedModels,
    ipAllowlist: k.ipAllowlist,
    region: k.region,
  };
}

/**
 * The fields that bound what a key may do: on a key an operator issued to a user, only an operator changes them (the
 * user may rename it, change its response cache, or revoke it).
 */
const BOUNDS = [
  'expiresAt',
  'rpmLimit',
  'tpmLimit',
  'budgetUsd',
  'budgetPeriod',
  'allowedModels',
  'ipAllowlist',
  'region',
] as const;

/** The bounds an update would change (a field sent with the value it has is no change). */
export function changedBounds(before: GatewayKey, body: UpdateGatewayKeyBody): string[] {
  const now = presentKey(before, 0);
  const norm = (v: unknown) =>
    v instanceof Date ? v.toISOString() : Array.isArray(v) ? JSON.stringify([...v].sort()) : (v ?? null);
  return BOUNDS.filter((f) => body[f] !== undefined && norm(body[f]) !== norm(now[f]));
}

const dec = (n: number | null | undefined) =>
  n === undefined ? undefined : n === null ? null : new Prisma.Decimal(n);

/** The advisory lock class of a user's own key creations (the key is the user's id). */
const USER_KEYS_LOCK_CLASS = 0x4b657973;

/** Gateway keys: created for a user, an org or an app; the full key is returned once and stored as a hash. */
export class GatewayKeysService {
  constructor(private readonly ctx: AppContext) {}

  async #ownerExists(ownerType: 'user' | 'org' | 'app', ownerId: string): Promise<boolean> {
    const p = this.ctx.prisma;
    if (ownerType === 'user') return (await p.user.count({ where: { id: ownerId } })) > 0;
    if (ownerType === 'org') return (await p.organization.count({ where: { id: ownerId } })) > 0;
    return (await p.app.count({ where: { id: ownerId } })) > 0;
  }

  /**
   * A user making a key themselves has fewer than USER_KEY_LIMIT live keys (every key is held in each instance's
   * routing snapshot: unbounded, one user could mint keys until memory and reloads gave out). Revoked and expired
   * keys do not count; keys an operator issued them do. Creations of one user are taken one after another (an
   * advisory lock on the user for the transaction), so keys asked for at once never pass the limit.
   */
  async #assertUnderKeyLimit(tx: Prisma.TransactionClient, userId: string): Promise<void> {
    const limit = this.ctx.env.USER_KEY_LIMIT;
    if (limit === 0) return;
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(${USER_KEYS_LOCK_CLASS}::int4, hashtext(${userId}))`;
    const live = await tx.gatewayKey.count({
      where: {
        userId,
        revokedAt: null,
        OR: [{ expiresAt: null }, { expiresAt: { gt: new Date(this.ctx.now()) } }],
      },
    });
    if (live >= limit)
      throw new AppError(
        409,
        'key_limit_reached',
        `You have ${live} live keys, the most a user may make (USER_KEY_LIMIT is ${limit}): revoke one you no longer use, or ask an operator.`,
      );
  }

  async create(actor: Actor, body: CreateGatewayKeyBody, self: boolean) {
    const ownerType = self ? 'user' : body.ownerType;
    const ownerId = self ? actor.id : body.ownerId;
    if (!ownerType)
      throw AppError.validation('ownerType: is required (user, org or app)', {
        issues: [{ field: 'ownerType', message: 'is required' }],
      });
    if (!ownerId)
      throw AppError.validation('ownerId: is required', {
        issues: [{ field: 'ownerId', message: 'is required' }],
      });
    if (!(await this.#ownerExists(ownerType, ownerId))) {
      throw AppError.validation(`ownerId: no ${ownerType} with this id`, {
        issues: [{ field: 'ownerId', message: `no ${ownerType} with this id` }],
      });
    }
    // A key for someone else acts as them: minting one for a super admin is a super admin's.
    if (!self && ownerType === 'user')
      await assertMayActOnUser(this.ctx.prisma, actor, ownerId, 'create a gateway key for');
    const generated = generateGatewayKey();
    const row = await this.ctx.prisma.$transaction(async (tx) => {
      if (self) await this.#assertUnderKeyLimit(tx, ownerId);
      const created = await tx.gatewayKey.create({
        data: {
          keyHash: generated.hash,
          prefix: generated.prefix,
          name: body.name,
          ownerType,
          userId: ownerType === 'user' ? ownerId : null,
          orgId: ownerType === 'org' ? ownerId : null,
          appId: ownerType === 'app' ? ownerId : null,
          createdById: actor.id,
          expiresAt: body.expiresAt ?? null,
          rpmLimit: body.rpmLimit ?? null,
          tpmLimit: body.tpmLimit ?? null,
          budgetUsd: dec(body.budgetUsd) ?? null,
          budgetPeriod: body.budgetPeriod ?? null,
          cacheTtlSeconds: body.cacheTtlSeconds ?? null,
          allowedModels: body.allowedModels ?? [],
          ipAllowlist: body.ipAllowlist ?? [],
          region: body.region ?? null,
        },
      });
      await this.ctx.audit.record(
        {
          actor,
          action: 'gateway_key.create',
          entityType: 'GatewayKey',
          entityId: created.id,
          after: presentKey(created, this.ctx.now()),
          ip: actor.ip,
        },
        tx,
      );
      return created;
    });
    await this.ctx.configChanged('keys');
    return { key: generated.key, ...presentKey(row, this.ctx.now()) };
  }

  async list(filter: { ownerType?: string; ownerId?: string; userId?: string; status?: string }) {
    const now = new Date(this.ctx.now());
    // Every filter is its own condition, ANDed: an owner filter and "active" (not expired) must both hold.
    const and: Prisma.GatewayKeyWhereInput[] = [];
    if (filter.userId) and.push({ userId: filter.userId });
    if (filter.ownerType) and.push({ ownerType: filter.ownerType });
    if (filter.ownerId)
      and.push({ OR: [{ userId: filter.ownerId }, { orgId: filter.ownerId }, { appId: filter.ownerId }] });
    if (filter.status === 'revoked') and.push({ revokedAt: { not: null } });
    else if (filter.status === 'expired') and.push({ revokedAt: null, expiresAt: { lte: now } });
    else if (filter.status === 'active')
      and.push({ revokedAt: null, OR: [{ expiresAt: null }, { expiresAt: { gt: now } }] });
    const rows = await this.ctx.prisma.gatewayKey.findMany({
      where: { AND: and },
      orderBy: { createdAt: 'desc' },
      take: 500,
    });
    return rows.map((k) => presentKey(k, this.ctx.now()));
  }

  /** A key the caller may manage: any for admins, their own for users (others' ids are "not found"). */
  async #find(id: string, onlyUserId?: string) {
    const k = await this.ctx.prisma.gatewayKey.findUnique({ where: { id } });
    if (!k || (onlyUserId && k.userId !== onlyUserId)) throw AppError.notFound('Gateway key');
    return k;
  }

  async update(actor: Actor, id: string, body: UpdateGatewayKeyBody, onlyUserId?: string) {
    const before = await this.#find(id, onlyUserId);
    const changed = changedBounds(before, body);
    if (!onlyUserId)
      await assertMayActOnUser(this.ctx.prisma, actor, before.userId, 'change the gateway key of');
    // A key an operator issued to this user, or whose bounds an operator set since: its bounds are the operator's to
    // change (an expiry or limit an operator put on a key the user made stays until an operator lifts it).
    else if (
      changed.length > 0 &&
      [before.createdById, before.boundsById].some((by) => by !== null && by !== onlyUserId)
    )
      throw new AppError(
        403,
        'key_bounds_locked',
        `${before.createdById !== null && before.createdById !== onlyUserId ? 'An operator issued this key' : 'An operator set the bounds of this key'}: ask one to change its ${changed.join(', ')} (you may rename it, change its response cache or revoke it).`,
        { fields: changed },
      );
    // Through the keys API, bounds set on someone else's key are the operator's from now on.
    const boundsBy =
      !onlyUserId && changed.length > 0 && before.userId !== actor.id ? { boundsById: actor.id } : {};
    const present = (k: GatewayKey) => presentKey(k, this.ctx.now());
    const row = await auditedUpdate(this.ctx, {
      actor,
      action: 'gateway_key.update',
      entityType: 'GatewayKey',
      entityId: id,
      before: present(before),
      present,
      changed: 'keys',
      write: (tx) =>
        tx.gatewayKey.update({
          where: { id },
          data: { ...definedFields(body, { budgetUsd: dec }), ...boundsBy },
        }),
    });
    return presentKey(row, this.ctx.now());
  }

  async revoke(actor: Actor, id: string, onlyUserId?: string) {
    const before = await this.#find(id, onlyUserId);
    if (!onlyUserId)
      await assertMayActOnUser(this.ctx.prisma, actor, before.userId, 'revoke the gateway key of');
    if (before.revokedAt) return presentKey(before, this.ctx.now());
    const row = await this.ctx.prisma.$transaction(async (tx) => {
      // Only a key not revoked yet: of revokes sent at once, one revokes it and is audited; the others answer with
      // the key as it was revoked (its revoke time is the first one's).
      const { count } = await tx.gatewayKey.updateMany({
        where: { id, revokedAt: null },
        data: { revokedAt: new Date(this.ctx.now()) },
      });
      const updated = await tx.gatewayKey.findUniqueOrThrow({ where: { id } });
      if (count === 0) return updated;
      await this.ctx.audit.record(
        {
          actor,
          action: 'gateway_key.revoke',
          entityType: 'GatewayKey',
          entityId: id,
          before: presentKey(before, this.ctx.now()),
          after: presentKey(updated, this.ctx.now()),
          ip: actor.ip,
        },
        tx,
      );
      return updated;
    });
    await this.ctx.configChanged('keys');
    return presentKey(row, this.ctx.now());
  }
}
