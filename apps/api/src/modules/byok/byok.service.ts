import { Prisma } from '@switchyard/prisma';
import type { AppContext } from '../../context.js';
import { AppError } from '../../lib/errors.js';
import type { Actor } from '../gateway-keys/gateway-keys.service.js';
import { isProviderType, providerDefaults } from '../../providers/index.js';
import { keyShapeProblem } from '../../providers/provider-types.js';
import { testCallerKey } from '../providers/caller-key-test.js';

/** A user's own provider keys: encrypted at rest, last four characters shown, used before the org's and the provider's. */
export class ByokService {
  constructor(private readonly ctx: AppContext) {}

  /** Providers a user may bring a key for: active ones that charge for calls (not local/free ones such as Ollama or the mock). */
  async providerOptions(userId: string) {
    const [providers, mine] = await Promise.all([
      this.ctx.prisma.provider.findMany({
        where: { status: 'active' },
        select: { id: true, name: true, slug: true, type: true },
        orderBy: [{ priority: 'asc' }, { name: 'asc' }],
      }),
      this.ctx.prisma.byokKey.findMany({ where: { userId }, select: { providerId: true } }),
    ]);
    const has = new Set(mine.map((k) => k.providerId));
    return providers
      .filter((p) => isProviderType(p.type) && !providerDefaults(p.type).free)
      .map((p) => ({ ...p, color: providerDefaults(p.type).color, hasKey: has.has(p.id) }));
  }

  async list(userId: string) {
    const rows = await this.ctx.prisma.byokKey.findMany({
      where: { userId },
      include: { provider: { select: { slug: true, name: true, type: true } } },
      orderBy: { createdAt: 'asc' },
    });
    return rows.map((k) => ({
      providerId: k.providerId,
      provider: k.provider,
      label: k.label,
      last4: k.last4,
      status: k.status,
      lastError: k.lastError,
      lastTestedAt: k.lastTestedAt?.toISOString() ?? null,
      createdAt: k.createdAt.toISOString(),
      updatedAt: k.updatedAt.toISOString(),
    }));
  }

  /**
   * The provider a user names: its id, or its public name when that names exactly one provider — its slug (also
   * case-insensitively), else its type or display name (case-insensitive). Several matches is a 400 listing their slugs; none is a 404.
   */
  async #provider(ref: string) {
    const byId = await this.ctx.prisma.provider.findUnique({ where: { id: ref } });
    if (byId) return byId;
    const bySlug = await this.ctx.prisma.provider.findUnique({ where: { slug: ref } });
    if (bySlug) return bySlug;
    const matches = await this.ctx.prisma.provider.findMany({
      where: {
        OR: [
          { slug: { equals: ref, mode: 'insensitive' } },
          { type: { equals: ref, mode: 'insensitive' } },
          { name: { equals: ref, mode: 'insensitive' } },
        ],
      },
      orderBy: [{ priority: 'asc' }, { slug: 'asc' }],
    });
    const slugHits = matches.filter((m) => m.slug.toLowerCase() === ref.toLowerCase());
    if (slugHits.length === 1) return slugHits[0]!;
    if (matches.length === 1) return matches[0]!;
    if (matches.length > 1)
      throw AppError.validation(
        `providerId: "${ref}" names ${matches.length} providers; use one of their slugs: ${matches.map((m) => m.slug).join(', ')}`,
        { field: 'providerId', candidates: matches.map((m) => m.slug) },
      );
    throw AppError.notFound('Provider');
  }

  /** The provider id of a user's key named by provider id or public name (404 when none). */
  async #keyProviderId(userId: string, ref: string): Promise<string> {
    const direct = await this.ctx.prisma.byokKey.findUnique({
      where: { userId_providerId: { userId, providerId: ref } },
      select: { providerId: true },
    });
    if (direct) return direct.providerId;
    try {
      return (await this.#provider(ref)).id;
    } catch (e) {
      if (e instanceof AppError && e.status === 404) throw AppError.notFound('BYOK key');
      throw e;
    }
  }

  async put(actor: Actor, providerRef: string, apiKey: string, label: string | null) {
    const provider = await this.#provider(providerRef);
    const providerId = provider.id;
    if (provider.type === 'mock')
      throw AppError.validation('providerId: the built-in mock provider takes no key');
    const shape = keyShapeProblem(provider.type, apiKey);
    if (shape) throw AppError.validation(shape, { field: 'apiKey' });
    const existing = await this.ctx.prisma.byokKey.findUnique({
      where: { userId_providerId: { userId: actor.id, providerId } },
    });
    const data = {
      encryptedKey: this.ctx.secrets.encrypt(apiKey),
      last4: apiKey.slice(-4),
      label,
      status: 'active',
      lastError: null,
    };
    await this.ctx.prisma.$transaction(async (tx) => {
      await tx.byokKey.upsert({
        where: { userId_providerId: { userId: actor.id, providerId } },
        create: { userId: actor.id, providerId, ...data },
        update: data,
      });
      await this.ctx.audit.record(
        {
          actor,
          action: existing ? 'byok.rotate' : 'byok.create',
          entityType: 'ByokKey',
          entityId: `${actor.id}:${providerId}`,
          before: existing ? { last4: existing.last4, label: existing.label } : undefined,
          after: { last4: data.last4, label },
          ip: actor.ip,
        },
        tx,
      );
    });
    await this.ctx.configChanged('byok');
    return (await this.list(actor.id)).find((k) => k.providerId === providerId)!;
  }

  /** Turn my key off (kept, never routed: my requests use the org's or the provider's key) or back on. */
  async setStatus(actor: Actor, providerRef: string, status: 'active' | 'disabled') {
    const providerId = await this.#keyProviderId(actor.id, providerRef);
    const existing = await this.ctx.prisma.byokKey.findUnique({
      where: { userId_providerId: { userId: actor.id, providerId } },
    });
    if (!existing) throw AppError.notFound('BYOK key');
    if (existing.status !== status) {
      await this.ctx.prisma.$transaction(async (tx) => {
        await tx.byokKey.update({ where: { id: existing.id }, data: { status } });
        await this.ctx.audit.record(
          {
            actor,
            action: status === 'disabled' ? 'byok.disable' : 'byok.enable',
            entityType: 'ByokKey',
            entityId: `${actor.id}:${providerId}`,
            before: { status: existing.status },
            after: { status },
            ip: actor.ip,
          },
          tx,
        );
      });
      await this.ctx.configChanged('byok');
    }
    return (await this.list(actor.id)).find((k) => k.providerId === providerId)!;
  }

  async remove(actor: Actor, providerRef: string) {
    const providerId = await this.#keyProviderId(actor.id, providerRef);
    const existing = await this.ctx.prisma.byokKey.findUnique({
      where: { userId_providerId: { userId: actor.id, providerId } },
    });
    if (!existing) throw AppError.notFound('BYOK key');
    await this.ctx.prisma.$transaction(async (tx) => {
      await tx.byokKey.delete({ where: { id: existing.id } });
      await this.ctx.audit.record(
        {
          actor,
          action: 'byok.delete',
          entityType: 'ByokKey',
          entityId: `${actor.id}:${providerId}`,
          before: { last4: existing.last4, label: existing.label },
          ip: actor.ip,
        },
        tx,
      );
    });
    await this.ctx.configChanged('byok');
  }

  async test(actor: Actor, providerRef: string) {
    const providerId = await this.#keyProviderId(actor.id, providerRef);
    const key = await this.ctx.prisma.byokKey.findUnique({
      where: { userId_providerId: { userId: actor.id, providerId } },
      include: { provider: true },
    });
    if (!key) throw AppError.notFound('BYOK key');
    const { result, status } = await testCallerKey(this.ctx, key.provider, key);
    await this.ctx.prisma.byokKey.update({
      where: { id: key.id },
      data: {
        lastTestedAt: new Date(this.ctx.now()),
        status,
        lastError: result.success ? null : result.error.message,
      },
    });
    // An invalid key that passes routes again, one refused stops: the snapshot follows.
    if (status !== key.status) await this.ctx.configChanged('byok');
    return result;
  }

  /**
   * Admin view: users with BYOK keys now, their providers and what their keys saved the platform; the total saved is
   * every BYOK call's (all time), users who removed their keys since included.
   */
  async overview() {
    const keys = await this.ctx.prisma.byokKey.findMany({
      include: {
        user: { select: { id: true, email: true, name: true } },
        provider: { select: { slug: true } },
      },
    });
    // From the daily rollup (complete by construction), so it stays fast however many raw rows there are.
    const saved = await this.ctx.prisma.usageDaily.groupBy({
      by: ['userId'],
      where: { isByok: true },
      _sum: { savedUsd: true, requests: true },
    });
    const savedBy = new Map(
      saved.map((s) => [
        s.userId,
        { usd: Number(s._sum.savedUsd ?? new Prisma.Decimal(0)), requests: s._sum.requests ?? 0 },
      ]),
    );
    const users = new Map<
      string,
      {
        userId: string;
        email: string;
        name: string | null;
        providers: string[];
        savedUsd: number;
        byokRequests: number;
      }
    >();
    for (const k of keys) {
      const u = users.get(k.userId) ?? {
        userId: k.userId,
        email: k.user.email,
        name: k.user.name,
        providers: [],
        savedUsd: savedBy.get(k.userId)?.usd ?? 0,
        byokRequests: savedBy.get(k.userId)?.requests ?? 0,
      };
      u.providers.push(k.provider.slug);
      users.set(k.userId, u);
    }
    const list = [...users.values()].sort((a, b) => b.savedUsd - a.savedUsd);
    // Every BYOK call ever recorded: a user who removed their key since did not make those calls free to the
    // platform any less.
    const totalSavedUsd = [...savedBy.values()].reduce((s, v) => s + v.usd, 0);
    return { users: list, totalUsers: list.length, totalSavedUsd };
  }
}
