import {
  DEFAULT_COOLDOWNS,
  ROUTING_RULE_NUMBERS,
  type ALIAS_STRATEGY_VALUES,
  type GLOBAL_STRATEGY_VALUES,
  type CreateAliasBody,
  type FallbackChainBody,
  type RoutingRulesBody,
  type TraceBody,
  type UpdateAliasBody,
  type BulkAliasesBody,
  type UpdatePowerLevelBody,
} from '@switchyard/core';
import type { Alias, FallbackChain, PowerLevel, Prisma } from '@switchyard/prisma';
import type { AppContext } from '../../context.js';
import { AppError } from '../../lib/errors.js';
import { MASTER_CALLER } from '../../proxy/caller.js';
import { answersAsked, RequestShapeError, requestFacts } from '../../proxy/request-facts.js';
import type { RoutingRuntime } from '../../router/runtime.js';
import { dryRunCaller, loadLoggedRequest, needsFor } from '../logged-request.js';
import { auditedCreate } from '../audited-update.js';
import type { Actor } from '../gateway-keys/gateway-keys.service.js';
import { markGlobalDefault } from '../models/global-default.js';

/** What each global strategy does, for the dashboard's selector. */
export const STRATEGIES = {
  cost: 'Cheapest capable model first (estimated cost of this request), then priority.',
  balanced: 'Weighs price, quality tier and recent latency; the default.',
  quality: 'Highest quality tier and score first, then price.',
} as const;

export function presentAlias(a: Alias) {
  return {
    id: a.id,
    name: a.name,
    scope: a.scope,
    orgId: a.orgId,
    strategy: a.strategy as (typeof ALIAS_STRATEGY_VALUES)[number],
    targets: a.targets as { ref: string; weight: number }[],
    fallbacks: a.fallbacks as string[],
    description: a.description,
    enabled: a.enabled,
    managedByConfig: a.managedByConfig,
    cacheTtlSeconds: a.cacheTtlSeconds,
    createdAt: a.createdAt.toISOString(),
    updatedAt: a.updatedAt.toISOString(),
  };
}

export function presentChain(c: FallbackChain) {
  return {
    id: c.id,
    modelRef: c.modelRef,
    targets: c.targets,
    description: c.description,
    enabled: c.enabled,
    managedByConfig: c.managedByConfig,
    updatedAt: c.updatedAt.toISOString(),
  };
}

function presentLevel(l: PowerLevel) {
  return {
    id: l.id,
    slug: l.slug,
    name: l.name,
    description: l.description,
    tier: l.qualityTier,
    modelRefs: l.modelRefs,
    enabled: l.enabled,
    sortOrder: l.sortOrder,
  };
}

const round6 = (n: number) => Math.round(n * 1e6) / 1e6;

export class RoutingService {
  constructor(
    private readonly ctx: AppContext,
    private readonly routing: RoutingRuntime,
  ) {}

  /** Refs that name no model in the registry ('<provider-slug>/<model-id>' or a bare model id). */
  async #checkRefs(refs: { field: string; ref: string }[]) {
    if (refs.length === 0) return;
    const models = await this.ctx.prisma.model.findMany({
      select: { modelId: true, provider: { select: { slug: true } } },
    });
    const known = new Set<string>();
    for (const m of models) {
      known.add(m.modelId);
      known.add(`${m.provider.slug}/${m.modelId}`);
    }
    const bad = refs.find((r) => !known.has(r.ref));
    if (bad)
      throw AppError.validation(`${bad.field}: no model "${bad.ref}" in the registry`, {
        field: bad.field,
        ref: bad.ref,
      });
  }

  /** The default model must name something routable now: a global alias, a power level or a registered model. */
  async #checkDefaultModel(name: string) {
    if (name === 'default')
      throw AppError.validation('defaultModel: "default" cannot be its own default', {
        field: 'defaultModel',
      });
    if (['auto', 'eco', 'balanced', 'precision'].includes(name)) return;
    const alias = await this.ctx.prisma.alias.findFirst({
      where: { name, scope: 'global' },
      select: { id: true },
    });
    if (alias) return;
    await this.#checkRefs([{ field: 'defaultModel', ref: name }]);
  }

  // ---- rules ----------------------------------------------------------------------------------------------

  async rules() {
    const s = await this.ctx.prisma.routingSettings.findUnique({ where: { id: 1 } });
    return {
      strategy: (s?.strategy ?? 'balanced') as (typeof GLOBAL_STRATEGY_VALUES)[number],
      maxAttempts: s?.maxAttempts ?? 3,
      policyFallback: s?.policyFallback ?? false,
      maxRetries: s?.maxRetries ?? 2,
      circuitFailureThreshold: s?.circuitFailureThreshold ?? 5,
      circuitOpenMs: s?.circuitOpenMs ?? 30_000,
      rateLimitCooldownMs: s?.rateLimitCooldownMs ?? DEFAULT_COOLDOWNS.rateLimitMs,
      billingCooldownMs: s?.billingCooldownMs ?? DEFAULT_COOLDOWNS.billingMs,
      authCooldownMs: s?.authCooldownMs ?? DEFAULT_COOLDOWNS.authMs,
      modelNotFoundCooldownMs: s?.modelNotFoundCooldownMs ?? DEFAULT_COOLDOWNS.modelNotFoundMs,
      defaultModel: s?.defaultModel ?? null,
      strategies: STRATEGIES,
      updatedAt: s?.updatedAt.toISOString() ?? null,
    };
  }

  async setRules(actor: Actor, b: RoutingRulesBody) {
    const RULES = [...ROUTING_RULE_NUMBERS, 'policyFallback', 'defaultModel'] as const;
    if (b.defaultModel) await this.#checkDefaultModel(b.defaultModel);
    const pick = (r: { strategy: string } & Record<(typeof RULES)[number], unknown>) => ({
      strategy: r.strategy,
      ...Object.fromEntries(RULES.map((k) => [k, r[k]])),
    });
    await this.ctx.prisma.$transaction(async (tx) => {
      const before = await tx.routingSettings.findUnique({ where: { id: 1 } });
      const data: Partial<RoutingRulesBody> & { strategy: RoutingRulesBody['strategy'] } = {
        strategy: b.strategy,
      };
      for (const k of RULES) if (b[k] !== undefined) Object.assign(data, { [k]: b[k] });
      const after = await tx.routingSettings.upsert({
        where: { id: 1 },
        create: { id: 1, ...data },
        update: data,
      });
      // The global scope's default model is this setting: its marker moves with it.
      if (b.defaultModel !== undefined) await markGlobalDefault(tx, after.defaultModel);
      await this.ctx.audit.record(
        {
          actor,
          action: 'routing.rules',
          entityType: 'RoutingSettings',
          entityId: '1',
          before: before ? pick(before) : null,
          after: pick(after),
          ip: actor.ip,
        },
        tx,
      );
    });
    await this.ctx.configChanged('routing');
    return this.rules();
  }

  // ---- power levels ---------------------------------------------------------------------------------------

  /** Each level with the models it routes to right now (the engine's own order, from a dry run) and their real prices. */
  async powerLevels() {
    const levels = await this.ctx.prisma.powerLevel.findMany({
      orderBy: [{ sortOrder: 'asc' }, { slug: 'asc' }],
    });
    const bySlug = new Map(this.routing.config.models.map((m) => [m.id, m]));
    return levels.map((l) => {
      const run = l.enabled
        ? this.routing.dryRun({
            endpoint: 'chat',
            facts: { model: l.slug, stream: false, maxTokens: null, promptTokens: 1000, needs: [] },
            caller: MASTER_CALLER,
          })
        : null;
      const models = (run?.attempts ?? []).map((a) => {
        const m = bySlug.get(a.modelRegistryId);
        return {
          ref: a.ref,
          provider: a.providerName,
          modelId: a.modelId,
          priceInputPer1M: m?.priceInputPer1M ?? 0,
          priceOutputPer1M: m?.priceOutputPer1M ?? 0,
          isFallback: a.isFallback,
        };
      });
      const primary = models.filter((m) => !m.isFallback);
      const priced = primary.length ? primary : models;
      return {
        ...presentLevel(l),
        models,
        price: priced.length
          ? {
              inputPer1M: {
                min: Math.min(...priced.map((m) => m.priceInputPer1M)),
                max: Math.max(...priced.map((m) => m.priceInputPer1M)),
              },
              outputPer1M: {
                min: Math.min(...priced.map((m) => m.priceOutputPer1M)),
                max: Math.max(...priced.map((m) => m.priceOutputPer1M)),
              },
              avgPer1M: round6(
                priced.reduce((s, m) => s + (m.priceInputPer1M + m.priceOutputPer1M) / 2, 0) / priced.length,
              ),
            }
          : null,
        unavailable: run && !run.ok ? (run.error?.message ?? 'no route') : null,
      };
    });
  }

  async updatePowerLevel(actor: Actor, slug: string, b: UpdatePowerLevelBody) {
    if (b.modelRefs) await this.#checkRefs(b.modelRefs.map((ref, i) => ({ field: `modelRefs.${i}`, ref })));
    await this.ctx.prisma.$transaction(async (tx) => {
      const before = await tx.powerLevel.findUnique({ where: { slug } });
      if (!before) throw AppError.notFound('Power level');
      const { tier, ...rest } = b;
      const after = await tx.powerLevel.update({
        where: { slug },
        data: { ...rest, ...(tier ? { qualityTier: tier } : {}) },
      });
      await this.ctx.audit.record(
        {
          actor,
          action: 'power_level.update',
          entityType: 'PowerLevel',
          entityId: after.id,
          before: presentLevel(before),
          after: presentLevel(after),
          ip: actor.ip,
        },
        tx,
      );
    });
    await this.ctx.configChanged('power-levels');
    return (await this.powerLevels()).find((l) => l.slug === slug)!;
  }

  // ---- aliases --------------------------------------------------------------------------------------------

  async aliases(q: { scope?: string }) {
    const rows = await this.ctx.prisma.alias.findMany({
      where: q.scope ? { scope: q.scope } : {},
      orderBy: [{ scope: 'asc' }, { name: 'asc' }],
    });
    const orgIds = [...new Set(rows.map((a) => a.orgId).filter((x): x is string => x !== null))];
    const orgs = new Map(
      (
        await this.ctx.prisma.organization.findMany({
          where: { id: { in: orgIds } },
          select: { id: true, name: true },
        })
      ).map((o) => [o.id, o.name]),
    );
    return rows.map((a) => ({ ...presentAlias(a), orgName: a.orgId ? (orgs.get(a.orgId) ?? null) : null }));
  }

  async #aliasRefs(b: { targets?: { ref: string }[]; fallbacks?: string[] }) {
    await this.#checkRefs([
      ...(b.targets ?? []).map((t, i) => ({ field: `targets.${i}.ref`, ref: t.ref })),
      ...(b.fallbacks ?? []).map((ref, i) => ({ field: `fallbacks.${i}`, ref })),
    ]);
  }

  async createAlias(actor: Actor, b: CreateAliasBody) {
    await this.#aliasRefs(b);
    if (
      b.orgId &&
      !(await this.ctx.prisma.organization.findUnique({ where: { id: b.orgId }, select: { id: true } }))
    ) {
      throw AppError.validation('orgId: no organization with that id');
    }
    const a = await auditedCreate(this.ctx, {
      actor,
      action: 'alias.create',
      entityType: 'Alias',
      write: (tx) =>
        tx.alias.create({
          data: {
            name: b.name,
            scope: b.orgId ? `org:${b.orgId}` : 'global',
            orgId: b.orgId,
            strategy: b.strategy,
            targets: b.targets as Prisma.InputJsonValue,
            fallbacks: b.fallbacks,
            description: b.description ?? null,
            enabled: b.enabled,
            cacheTtlSeconds: b.cacheTtlSeconds ?? null,
          },
        }),
      present: presentAlias,
      changed: 'aliases',
    });
    return presentAlias(a);
  }

  async updateAlias(actor: Actor, id: string, b: UpdateAliasBody) {
    await this.#aliasRefs(b);
    const a = await this.ctx.prisma.$transaction(async (tx) => {
      const before = await tx.alias.findUnique({ where: { id } });
      if (!before) throw AppError.notFound('Alias');
      if (b.name !== undefined && b.name !== before.name)
        await refuseIfExperimentRuns(tx, [before], 'rename');
      const { targets, fallbacks, ...rest } = b;
      const after = await tx.alias.update({
        where: { id },
        data: {
          ...rest,
          ...(targets ? { targets: targets as Prisma.InputJsonValue } : {}),
          ...(fallbacks ? { fallbacks } : {}),
        },
      });
      await this.ctx.audit.record(
        {
          actor,
          action: 'alias.update',
          entityType: 'Alias',
          entityId: id,
          before: presentAlias(before),
          after: presentAlias(after),
          ip: actor.ip,
        },
        tx,
      );
      return after;
    });
    await this.ctx.configChanged('aliases');
    return presentAlias(a);
  }

  /** Enable, disable or delete several aliases in one transaction and one audit entry; unknown ids are reported. */
  async bulkAliases(actor: Actor, b: BulkAliasesBody) {
    const result = await this.ctx.prisma.$transaction(async (tx) => {
      const found = await tx.alias.findMany({
        where: { id: { in: b.ids } },
        select: { id: true, name: true, scope: true, enabled: true },
      });
      const foundIds = new Set(found.map((a) => a.id));
      const ids = b.ids.filter((id) => foundIds.has(id));
      const missing = b.ids.filter((id) => !foundIds.has(id));
      if (b.action === 'delete') {
        await refuseIfExperimentRuns(tx, found, 'delete');
        await tx.alias.deleteMany({ where: { id: { in: ids } } });
      } else
        await tx.alias.updateMany({ where: { id: { in: ids } }, data: { enabled: b.action === 'enable' } });
      if (ids.length)
        await this.ctx.audit.record(
          {
            actor,
            action: `alias.bulk_${b.action}`,
            entityType: 'Alias',
            entityId: null,
            before: found,
            after: { action: b.action, ids },
            ip: actor.ip,
          },
          tx,
        );
      return { action: b.action, affected: ids.length, missing };
    });
    if (result.affected) await this.ctx.configChanged('aliases');
    return result;
  }

  async deleteAlias(actor: Actor, id: string) {
    await this.ctx.prisma.$transaction(async (tx) => {
      const before = await tx.alias.findUnique({ where: { id } });
      if (!before) throw AppError.notFound('Alias');
      await refuseIfExperimentRuns(tx, [before], 'delete');
      await tx.alias.delete({ where: { id } });
      await this.ctx.audit.record(
        {
          actor,
          action: 'alias.delete',
          entityType: 'Alias',
          entityId: id,
          before: presentAlias(before),
          ip: actor.ip,
        },
        tx,
      );
    });
    await this.ctx.configChanged('aliases');
  }

  // ---- fallback chains ------------------------------------------------------------------------------------

  async chains() {
    return (await this.ctx.prisma.fallbackChain.findMany({ orderBy: { modelRef: 'asc' } })).map(presentChain);
  }

  async #chainRefs(b: { modelRef?: string; targets?: string[] }) {
    await this.#checkRefs([
      ...(b.modelRef ? [{ field: 'modelRef', ref: b.modelRef }] : []),
      ...(b.targets ?? []).map((ref, i) => ({ field: `targets.${i}`, ref })),
    ]);
  }

  async createChain(actor: Actor, b: FallbackChainBody) {
    await this.#chainRefs(b);
    const c = await auditedCreate(this.ctx, {
      actor,
      action: 'chain.create',
      entityType: 'FallbackChain',
      write: (tx) =>
        tx.fallbackChain.create({
          data: {
            modelRef: b.modelRef,
            targets: b.targets,
            description: b.description ?? null,
            enabled: b.enabled,
          },
        }),
      present: presentChain,
      changed: 'chains',
    });
    return presentChain(c);
  }

  async updateChain(actor: Actor, id: string, b: FallbackChainBody) {
    await this.#chainRefs(b);
    const c = await this.ctx.prisma.$transaction(async (tx) => {
      const before = await tx.fallbackChain.findUnique({ where: { id } });
      if (!before) throw AppError.notFound('Fallback chain');
      const after = await tx.fallbackChain.update({
        where: { id },
        data: {
          modelRef: b.modelRef,
          targets: b.targets,
          description: b.description ?? null,
          enabled: b.enabled,
        },
      });
      await this.ctx.audit.record(
        {
          actor,
          action: 'chain.update',
          entityType: 'FallbackChain',
          entityId: id,
          before: presentChain(before),
          after: presentChain(after),
          ip: actor.ip,
        },
        tx,
      );
      return after;
    });
    await this.ctx.configChanged('chains');
    return presentChain(c);
  }

  async deleteChain(actor: Actor, id: string) {
    await this.ctx.prisma.$transaction(async (tx) => {
      const before = await tx.fallbackChain.findUnique({ where: { id } });
      if (!before) throw AppError.notFound('Fallback chain');
      await tx.fallbackChain.delete({ where: { id } });
      await this.ctx.audit.record(
        {
          actor,
          action: 'chain.delete',
          entityType: 'FallbackChain',
          entityId: id,
          before: presentChain(before),
          ip: actor.ip,
        },
        tx,
      );
    });
    await this.ctx.configChanged('chains');
  }

  // ---- trace ----------------------------------------------------------------------------------------------

  /**
   * A dry run as the trace form or an OpenAI client sends it (with `messages`, and `tools`, `max_tokens`, the prompt
   * size and needs come from the proxy's own estimator), or a logged request replayed (`requestId`): planned now,
   * against the configuration and live state of now, as if it were sent again. The body's fields override the
   * logged request's.
   */
  async traceRequest(raw: TraceBody) {
    const { messages, max_tokens, tools, n, requestId, asOperator, ...b } = raw;
    const cfg = this.routing.config;
    const logged = requestId ? await loadLoggedRequest(this.ctx.prisma, cfg, requestId) : null;
    // The schema asks for a model when no requestId is given.
    const model = b.model ?? logged?.model ?? '';
    const endpoint = b.endpoint ?? logged?.endpoint ?? 'chat';
    const stream = b.stream ?? logged?.stream ?? false;
    let promptTokens = b.promptTokens ?? logged?.promptTokens ?? 100;
    const maxTokens =
      b.maxTokens !== undefined
        ? (b.maxTokens ?? max_tokens ?? null)
        : (max_tokens ?? logged?.facts.maxTokens ?? null);
    // The answers asked for (`n`, a chat request's): the body's, else the logged request's, with the parameters that
    // needs of a provider. Its estimate and reservations count each, as the proxy's do.
    let choices = logged?.facts.choices;
    let params = logged?.facts.params;
    if (n !== undefined && endpoint === 'chat') {
      const asked = answersAsked(n, stream);
      choices = asked?.choices;
      const rest = (params ?? []).filter((p) => p !== 'n' && p !== 'n_stream');
      params = asked ? [...rest, ...asked.params] : rest.length > 0 ? rest : undefined;
    }
    // The endpoint's own need, then the body's needs (or else the logged request's), then the messages'.
    const needs = needsFor(endpoint, b.needs ?? logged?.facts.needs);
    if (messages) {
      try {
        const facts = requestFacts(
          'chat',
          {
            model,
            messages,
            ...(tools ? { tools } : {}),
            ...(maxTokens ? { max_tokens: maxTokens } : {}),
            stream,
          },
          JSON.stringify(messages).length,
        );
        promptTokens = facts.promptTokens;
        for (const need of facts.needs) needs.add(need);
      } catch (err) {
        if (err instanceof RequestShapeError)
          throw AppError.validation(`${err.param ?? 'messages'}: ${err.message}`);
        throw err;
      }
    }
    const own = !b.keyId && !b.userId && !asOperator;
    const caller = own
      ? (logged?.caller ?? MASTER_CALLER)
      : b.keyId || b.userId
        ? dryRunCaller(cfg, b.keyId, b.userId)
        : MASTER_CALLER;
    const kept = logged?.inputs.kept === 'kept' ? logged.inputs : null;
    const headers = kept?.headers ?? {};
    const metadata = kept?.metadata ?? {};
    const result = this.routing.dryRun({
      endpoint,
      facts: {
        model,
        stream,
        maxTokens,
        promptTokens,
        ...(choices !== undefined ? { choices } : {}),
        needs: [...needs],
        ...(kept ? { headers, metadata } : {}),
        ...(params ? { params } : {}),
        ...(logged?.agent ? { agent: logged.agent } : {}),
      },
      caller,
    });
    return {
      request: {
        requestId: logged?.requestId ?? null,
        model,
        endpoint,
        promptTokens,
        maxTokens,
        ...(choices !== undefined ? { choices } : {}),
        stream,
        needs: [...needs],
        headers,
        metadata,
        loggedInputs: logged ? logged.inputs.kept : null,
      },
      caller: {
        keyId: caller.keyId,
        userId: caller.userId,
        orgId: caller.orgId,
        powerLevel: caller.powerLevel,
        ...(own && logged?.callerNote ? { note: logged.callerNote } : {}),
      },
      ...result,
    };
  }
}

/**
 * A running experiment splits an alias's traffic by its name: deleting or renaming the last alias of that name would
 * leave it "running" on nothing. A 409 naming the experiment (stop it first).
 */
async function refuseIfExperimentRuns(
  tx: Prisma.TransactionClient,
  aliases: readonly { id: string; name: string }[],
  what: 'delete' | 'rename',
): Promise<void> {
  if (aliases.length === 0) return;
  const names = [...new Set(aliases.map((a) => a.name))];
  const running = await tx.experiment.findMany({
    where: { alias: { in: names }, status: 'running' },
    select: { name: true, alias: true },
  });
  if (running.length === 0) return;
  // Another alias of the same name (another scope) that stays keeps the experiment routing.
  const leaving = new Set(aliases.map((a) => a.id));
  const others = await tx.alias.findMany({
    where: { name: { in: names } },
    select: { id: true, name: true },
  });
  const kept = new Set(others.filter((a) => !leaving.has(a.id)).map((a) => a.name));
  const hit = running.find((e) => !kept.has(e.alias));
  if (hit)
    throw AppError.conflict(
      `The experiment "${hit.name}" is running on the alias "${hit.alias}": stop it before you ${what} the alias.`,
      { experiment: hit.name, alias: hit.alias },
    );
}
