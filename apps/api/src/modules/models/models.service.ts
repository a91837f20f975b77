import type {
  BulkModelsBody,
  CreateModelBody,
  ModelListQuery,
  RegistryModel,
  UpdateModelBody,
} from '@switchyard/core';
import { modelParamsProblem } from '@switchyard/core';
import type { Model, ModelHealth, Prisma, Provider } from '@switchyard/prisma';
import type { AppContext } from '../../context.js';
import { AppError } from '../../lib/errors.js';
import { defaultCapabilities } from '../../providers/index.js';
import { likeLiteral } from '../../lib/like.js';
import {
  applyAuthPatch,
  presentAuth,
  providerCallConfig,
  resolveAuth,
  withAuthSettings,
} from '../../router/auth-json.js';
import { resolveProviderKey } from '../../router/secrets-resolver.js';
import { readModelParams } from '../../translate/model-params.js';
import { runProbe } from '../providers/health-probe.js';
import { auditedCreate } from '../audited-update.js';
import type { Actor } from '../gateway-keys/gateway-keys.service.js';
import { watchGlobalDefault } from './global-default.js';

type WithProvider = Model & {
  provider: Pick<Provider, 'id' | 'slug' | 'name' | 'type' | 'status'>;
  health: ModelHealth | null;
};

const providerSelect = { select: { id: true, slug: true, name: true, type: true, status: true } } as const;
const withProvider = { provider: providerSelect, health: true } as const;

/** How long a "test model" call may take. */
const MODEL_TEST_TIMEOUT_MS = 15_000;

function presentHealth(h: ModelHealth | null): RegistryModel['health'] {
  return h
    ? {
        checkedAt: h.checkedAt.toISOString(),
        ok: h.ok,
        latencyMs: h.latencyMs,
        status: h.status,
        error: h.error,
        keySource: h.keySource === 'model' ? 'model' : 'provider',
      }
    : null;
}

/**
 * A registry entry as the API shows it: prices as numbers, the routable ref `<provider-slug>/<model-id>`, its own
 * auth masked (each variable's env name or last four, and whether it resolves in `env`), its last test call.
 */
export function presentModel(m: WithProvider, env: Record<string, string | undefined>): RegistryModel {
  return {
    id: m.id,
    ref: `${m.provider.slug}/${m.modelId}`,
    providerId: m.providerId,
    provider: m.provider,
    modelId: m.modelId,
    displayName: m.displayName,
    description: m.description,
    priceInputPer1M: Number(m.priceInputPer1M),
    priceOutputPer1M: Number(m.priceOutputPer1M),
    priceCachedInputPer1M: m.priceCachedInputPer1M === null ? null : Number(m.priceCachedInputPer1M),
    priced: m.priced,
    contextWindow: m.contextWindow,
    maxOutputTokens: m.maxOutputTokens,
    qualityTier: m.qualityTier as RegistryModel['qualityTier'],
    qualityScore: m.qualityScore,
    capabilities: m.capabilities as RegistryModel['capabilities'],
    config: (m.config ?? {}) as Record<string, unknown>,
    configProblem: modelParamsProblem(m.config),
    enabled: m.enabled,
    isDefault: m.isDefault,
    priority: m.priority,
    scope: m.scope,
    source: m.source,
    ownerUserId: m.ownerUserId,
    auth: presentAuth(m.auth, env),
    health: presentHealth(m.health),
    managedByConfig: m.managedByConfig,
    createdAt: m.createdAt.toISOString(),
    updatedAt: m.updatedAt.toISOString(),
  };
}

/** Which scopes a caller may see: operators everything; a user the global registry, their orgs' and their own. */
export interface ModelViewer {
  userId: string;
  seesAll: boolean;
}

export class ModelsService {
  constructor(private readonly ctx: AppContext) {}

  #present = (m: WithProvider) => presentModel(m, this.ctx.processEnv);

  async #visibleScopes(v: ModelViewer): Promise<string[] | null> {
    if (v.seesAll) return null;
    const orgs = await this.ctx.prisma.organizationMember.findMany({
      where: { userId: v.userId },
      select: { orgId: true },
    });
    return ['global', `user:${v.userId}`, ...orgs.map((o) => `org:${o.orgId}`)];
  }

  async list(q: ModelListQuery, viewer: ModelViewer) {
    const and: Prisma.ModelWhereInput[] = [];
    const scopes = await this.#visibleScopes(viewer);
    if (scopes) and.push({ scope: { in: scopes } });
    if (q.search) {
      const s = { contains: likeLiteral(q.search), mode: 'insensitive' as const };
      and.push({ OR: [{ modelId: s }, { displayName: s }, { description: s }] });
    }
    if (q.provider) and.push({ OR: [{ providerId: q.provider }, { provider: { slug: q.provider } }] });
    if (q.enabled !== undefined) and.push({ enabled: q.enabled });
    if (q.scope) and.push({ scope: q.scope });
    if (q.capability) and.push({ capabilities: { has: q.capability } });
    if (q.tier) and.push({ qualityTier: q.tier });
    const where: Prisma.ModelWhereInput = { AND: and };
    const dir = q.order;
    const orderBy: Prisma.ModelOrderByWithRelationInput[] =
      q.sort === 'name'
        ? [{ displayName: dir }, { id: 'asc' }]
        : q.sort === 'price'
          ? [{ priceInputPer1M: dir }, { priceOutputPer1M: dir }, { displayName: 'asc' }, { id: 'asc' }]
          : [{ isDefault: 'desc' }, { priority: dir }, { displayName: 'asc' }, { id: 'asc' }];
    const [rows, total] = await Promise.all([
      this.ctx.prisma.model.findMany({
        where,
        orderBy,
        include: withProvider,
        take: q.limit,
        skip: q.offset,
      }),
      this.ctx.prisma.model.count({ where }),
    ]);
    return { data: rows.map(this.#present), total, limit: q.limit, offset: q.offset };
  }

  async get(id: string, viewer: ModelViewer) {
    const m = await this.ctx.prisma.model.findUnique({ where: { id }, include: withProvider });
    const scopes = await this.#visibleScopes(viewer);
    if (!m || (scopes && !scopes.includes(m.scope))) throw AppError.notFound('Model');
    return this.#present(m);
  }

  async #ownerFor(scope: string): Promise<string | null> {
    if (scope.startsWith('user:')) {
      const id = scope.slice(5);
      if (!(await this.ctx.prisma.user.findUnique({ where: { id }, select: { id: true } })))
        throw AppError.validation('scope: no user with that id');
      return id;
    }
    if (scope.startsWith('org:')) {
      const id = scope.slice(4);
      if (!(await this.ctx.prisma.organization.findUnique({ where: { id }, select: { id: true } })))
        throw AppError.validation('scope: no organization with that id');
    }
    return null;
  }

  async create(actor: Actor, b: CreateModelBody) {
    const provider = await this.ctx.prisma.provider.findUnique({
      where: { id: b.providerId },
      select: { id: true, type: true },
    });
    if (!provider) throw AppError.validation('providerId: no provider with that id');
    const ownerUserId = await this.#ownerFor(b.scope);
    const m = await auditedCreate(this.ctx, {
      actor,
      action: 'model.create',
      entityType: 'Model',
      write: async (tx) => {
        // A global model made the default is the gateway-wide default (routing settings' defaultModel).
        const marker = await watchGlobalDefault(this.ctx, tx, actor, b.isDefault && b.scope === 'global');
        // One default per scope: the database enforces it; we move the marker rather than fail.
        if (b.isDefault)
          await tx.model.updateMany({
            where: { scope: b.scope, isDefault: true },
            data: { isDefault: false },
          });
        const created = await tx.model.create({
          data: {
            providerId: b.providerId,
            modelId: b.modelId,
            displayName: b.displayName,
            description: b.description ?? null,
            // No price given = the price is unknown: stored at 0 and unpriced (out of power-level tiers).
            priceInputPer1M: b.priceInputPer1M ?? 0,
            priceOutputPer1M: b.priceOutputPer1M ?? 0,
            priced: b.priceInputPer1M !== undefined || b.priceOutputPer1M !== undefined,
            priceCachedInputPer1M: b.priceCachedInputPer1M ?? null,
            contextWindow: b.contextWindow ?? null,
            maxOutputTokens: b.maxOutputTokens ?? null,
            qualityTier: b.qualityTier,
            qualityScore: b.qualityScore,
            capabilities: b.capabilities ?? defaultCapabilities(provider.type, b.modelId),
            config: b.config as Prisma.InputJsonValue,
            enabled: b.enabled,
            isDefault: b.isDefault,
            priority: b.priority,
            scope: b.scope,
            ownerUserId,
            ...(b.auth
              ? { auth: applyAuthPatch({}, b.auth, this.ctx.secrets) as Prisma.InputJsonValue }
              : {}),
          },
          include: withProvider,
        });
        await marker.settle();
        return created;
      },
      present: this.#present,
      changed: 'models',
    });
    this.ctx.events.publish([{ type: 'model', action: 'created', ids: [m.id] }]);
    return this.#present(m);
  }

  async update(actor: Actor, id: string, b: UpdateModelBody) {
    const m = await this.ctx.prisma.$transaction(async (tx) => {
      const before = await tx.model.findUnique({ where: { id }, include: withProvider });
      if (!before) throw AppError.notFound('Model');
      // The marker can move only when this model has it or is given it.
      const marker = await watchGlobalDefault(this.ctx, tx, actor, before.isDefault || !!b.isDefault);
      const scope = b.scope ?? before.scope;
      if (b.isDefault || (b.scope !== undefined && b.scope !== before.scope && before.isDefault))
        await tx.model.updateMany({
          where: { scope, isDefault: true, NOT: { id } },
          data: { isDefault: false },
        });
      const { config, auth, scope: _scope, ...rest } = b;
      const ownerUserId = b.scope === undefined ? undefined : await this.#ownerFor(b.scope);
      // A price that changes makes the prices known, unless the body says otherwise.
      const repriced =
        (b.priceInputPer1M !== undefined && b.priceInputPer1M !== Number(before.priceInputPer1M)) ||
        (b.priceOutputPer1M !== undefined && b.priceOutputPer1M !== Number(before.priceOutputPer1M));
      const updated = await tx.model.update({
        where: { id },
        data: {
          ...rest,
          ...(b.priced === undefined && repriced ? { priced: true } : {}),
          ...(config === undefined ? {} : { config: config as Prisma.InputJsonValue }),
          ...(b.scope === undefined ? {} : { scope: b.scope, ownerUserId }),
          ...(auth === undefined
            ? {}
            : { auth: applyAuthPatch(before.auth, auth, this.ctx.secrets) as Prisma.InputJsonValue }),
        },
        include: withProvider,
      });
      await marker.settle();
      await this.ctx.audit.record(
        {
          actor,
          action: 'model.update',
          entityType: 'Model',
          entityId: id,
          before: this.#present(before),
          after: this.#present(updated),
          ip: actor.ip,
        },
        tx,
      );
      return updated;
    });
    await this.ctx.configChanged('models');
    this.ctx.events.publish([{ type: 'model', action: 'updated', ids: [m.id] }]);
    return this.#present(m);
  }

  setDefault(actor: Actor, id: string) {
    return this.update(actor, id, { isDefault: true });
  }

  async remove(actor: Actor, id: string) {
    await this.ctx.prisma.$transaction(async (tx) => {
      const before = await tx.model.findUnique({ where: { id }, include: withProvider });
      if (!before) throw AppError.notFound('Model');
      const marker = await watchGlobalDefault(
        this.ctx,
        tx,
        actor,
        before.scope === 'global' && before.isDefault,
      );
      await tx.model.delete({ where: { id } });
      await marker.settle();
      await this.ctx.audit.record(
        {
          actor,
          action: 'model.delete',
          entityType: 'Model',
          entityId: id,
          before: this.#present(before),
          ip: actor.ip,
        },
        tx,
      );
    });
    await this.ctx.configChanged('models');
    this.ctx.events.publish([{ type: 'model', action: 'deleted', ids: [id] }]);
  }

  /**
   * "Test model": a real minimal call (one-token chat) to this model with the key routing would pay with when no
   * caller key applies (the model's own auth, else its provider's), shaped as traffic to it is (its config's
   * defaults and baseModel), recorded as the model's last check.
   */
  async test(id: string) {
    const m = await this.ctx.prisma.model.findUnique({ where: { id }, include: { provider: true } });
    if (!m) throw AppError.notFound('Model');
    const p = m.provider;
    const providerConfig = providerCallConfig(p, this.ctx.secrets, this.ctx.processEnv);
    const own = resolveAuth(m.auth, this.ctx.secrets, this.ctx.processEnv);
    const key = own?.key ?? resolveProviderKey(p, this.ctx.secrets, this.ctx.processEnv);
    const keySource = own?.key ? 'model' : 'provider';
    const checkedAt = new Date(this.ctx.now());
    const r =
      own && own.unresolved.length > 0
        ? {
            ok: false,
            latencyMs: 0,
            status: 0,
            message: `The model's auth does not resolve: ${own.unresolved.join('; ')}.`,
          }
        : own?.key && !own.key.ok
          ? { ok: false, latencyMs: 0, status: 0, message: `The model's key is unusable: ${own.key.detail}.` }
          : await runProbe(
              {
                id: p.id,
                slug: p.slug,
                type: p.type,
                baseUrl: p.baseUrl,
                config: withAuthSettings(providerConfig, own?.settings ?? {}, m.modelId),
              },
              key.ok ? key.value || null : null,
              'chat',
              { modelId: m.modelId, params: readModelParams(m.config) },
              { timeoutMs: MODEL_TEST_TIMEOUT_MS, dispatcher: this.ctx.outbound.dispatcher },
            );
    const data = {
      checkedAt,
      ok: r.ok,
      latencyMs: r.latencyMs,
      status: r.ok ? null : (r.status ?? 0),
      error: r.ok ? null : (r.message ?? 'failed').slice(0, 300),
      keySource,
    };
    const h = await this.ctx.prisma.modelHealth.upsert({
      where: { modelId: id },
      create: { modelId: id, ...data },
      update: data,
    });
    this.ctx.events.publish([{ type: 'model', action: 'updated', ids: [id] }]);
    return presentHealth(h)!;
  }

  /** Enable, disable or delete many models in one transaction; ids that do not exist are reported, not fatal. */
  async bulk(actor: Actor, b: BulkModelsBody) {
    const result = await this.ctx.prisma.$transaction(async (tx) => {
      const found = await tx.model.findMany({
        where: { id: { in: b.ids } },
        select: { id: true, modelId: true, enabled: true },
      });
      const foundIds = new Set(found.map((m) => m.id));
      const ids = b.ids.filter((id) => foundIds.has(id));
      const missing = b.ids.filter((id) => !foundIds.has(id));
      if (b.action === 'delete') {
        // Deleting the global default model clears the gateway-wide default with it, as a single delete does.
        const marker = await watchGlobalDefault(this.ctx, tx, actor, true);
        await tx.model.deleteMany({ where: { id: { in: ids } } });
        await marker.settle();
      } else
        await tx.model.updateMany({ where: { id: { in: ids } }, data: { enabled: b.action === 'enable' } });
      await this.ctx.audit.record(
        {
          actor,
          action: `model.bulk_${b.action}`,
          entityType: 'Model',
          entityId: null,
          before: found,
          after: { action: b.action, ids },
          ip: actor.ip,
        },
        tx,
      );
      return { action: b.action, affected: ids.length, missing, ids };
    });
    await this.ctx.configChanged('models');
    if (result.ids.length > 0) {
      const action = b.action === 'delete' ? 'deleted' : b.action === 'enable' ? 'enabled' : 'disabled';
      this.ctx.events.publish([{ type: 'model', action, ids: result.ids }]);
    }
    return { action: result.action, affected: result.affected, missing: result.missing };
  }
}
