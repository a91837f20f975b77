import {
  modelTarget,
  providerHealthCheckSchema,
  windowClearsAt,
  type ProviderHealthDetail,
  type ProviderLive,
} from '@switchyard/core';
import type { Prisma, ProviderCooldownNote, ProviderHealth } from '@switchyard/prisma';
import type { AppContext } from '../../context.js';
import { AppError } from '../../lib/errors.js';
import type { HealthNotes } from '../../router/health-notes.js';
import { keyCooldownTargets } from '../../router/provider-reset.js';
import type { RoutingRuntime } from '../../router/runtime.js';
import { resolveProviderKey } from '../../router/secrets-resolver.js';
import { providerCallConfig } from '../../router/auth-json.js';
import type { Actor } from '../gateway-keys/gateway-keys.service.js';
import { readModelParams } from '../../translate/model-params.js';
import { runProbe, type ProbeResult } from './health-probe.js';

/** Health checks kept per provider (the latency history). */
export const PROBE_HISTORY = 50;
const PROBE_TIMEOUT_MS = 10_000;

export interface EffectiveHealthCheck {
  enabled: boolean;
  intervalSec: number;
  probe: 'models' | 'chat';
  model: string | null;
  isDefault: boolean;
}

interface PricedModel {
  enabled: boolean;
  priceInputPer1M: Prisma.Decimal | number;
  priceOutputPer1M: Prisma.Decimal | number;
}

/**
 * A provider's health-check settings: its config's `healthCheck`, or the default — on (every 60 s, the model
 * listing) for free providers (the built-in mock, a local Ollama, a keyless one, or one whose enabled models
 * are all free), off for paid ones.
 */
export function healthCheckOf(p: {
  type: string;
  config: unknown;
  models: PricedModel[];
}): EffectiveHealthCheck {
  const config = (p.config ?? {}) as Record<string, unknown>;
  if (config.healthCheck !== undefined) {
    const r = providerHealthCheckSchema.safeParse(config.healthCheck);
    if (r.success) return { ...r.data, model: r.data.model ?? null, isDefault: false };
  }
  const enabled = p.models.filter((m) => m.enabled);
  const free =
    p.type === 'mock' ||
    p.type === 'ollama' ||
    config.keyless === true ||
    (enabled.length > 0 &&
      enabled.every((m) => Number(m.priceInputPer1M) === 0 && Number(m.priceOutputPer1M) === 0));
  return { enabled: free, intervalSec: 60, probe: 'models', model: null, isDefault: true };
}

/** The provider row fields the live state needs. */
export interface ProviderForHealth {
  id: string;
  type: string;
  status: string;
  disabledReason: string | null;
  config: unknown;
  models: (PricedModel & { id: string; modelId: string })[];
}

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * The providers' live state for the dashboard: cooldowns and circuits from the state store (the same the router
 * reads; shared over Redis), why each target cooled and the last error from the notes routing and the health
 * checks write, bucket headroom from the limiter's own counters; the health checks themselves; the reset.
 */
export class ProviderHealthService {
  constructor(
    private readonly ctx: AppContext,
    private readonly routing: RoutingRuntime,
    private readonly notes: HealthNotes,
  ) {}

  /** Live state of these providers, by id. */
  async liveOf(rows: ProviderForHealth[]): Promise<Map<string, ProviderLive>> {
    await this.notes.flush();
    const ids = rows.map((r) => r.id);
    const [health, notes] = await Promise.all([
      this.ctx.prisma.providerHealth.findMany({ where: { providerId: { in: ids } } }),
      this.ctx.prisma.providerCooldownNote.findMany({ where: { providerId: { in: ids } } }),
    ]);
    const healthBy = new Map(health.map((h) => [h.providerId, h]));
    const notesBy = new Map(notes.map((n) => [n.target, n]));
    return new Map(rows.map((r) => [r.id, this.#live(r, healthBy.get(r.id) ?? null, notesBy)]));
  }

  #live(
    p: ProviderForHealth,
    h: ProviderHealth | null,
    notes: Map<string, ProviderCooldownNote>,
  ): ProviderLive {
    const now = this.ctx.now();
    const view = this.routing.store.view();
    const openMs = this.routing.routingConfig.circuit.openMs;
    const check = healthCheckOf(p);
    const targets: {
      target: string;
      scope: 'provider' | 'key' | 'model';
      model: ProviderForHealth['models'][number] | null;
    }[] = [
      { target: p.id, scope: 'provider', model: null },
      { target: `provider:${p.id}`, scope: 'key', model: null },
      ...p.models.map((m) => ({ target: modelTarget(p.id, m.id), scope: 'model' as const, model: m })),
    ];
    const cooldowns: ProviderLive['cooldowns'] = [];
    for (const t of targets) {
      const until = view.cooldownUntil(t.target);
      if (until <= now) continue;
      const note = notes.get(t.target);
      cooldowns.push({
        scope: t.scope,
        modelRegistryId: t.model?.id ?? null,
        modelId: t.model?.modelId ?? null,
        until: iso(until),
        reason: note?.reason ?? null,
        kind: note?.kind ?? null,
        status: note?.status ?? null,
      });
    }
    const callerKeyCooldowns = this.#callerKeyCooldowns(p.id, null);
    const circuits: ProviderLive['circuits'] = [];
    const blocked = new Set<string>();
    for (const m of p.models) {
      const target = modelTarget(p.id, m.id);
      if (view.cooldownUntil(target) > now) blocked.add(m.id);
      const c = view.circuit(target);
      if (!c || (c.phase === 'closed' && c.failures === 0)) continue;
      if (c.phase === 'half-open' || (c.phase === 'open' && now - c.openedAt < openMs)) blocked.add(m.id);
      circuits.push({
        modelRegistryId: m.id,
        modelId: m.modelId,
        phase: c.phase,
        failures: c.failures,
        openedAt: c.phase === 'closed' ? null : iso(c.openedAt),
        retryAt: c.phase === 'open' ? iso(c.openedAt + openMs) : null,
      });
    }
    const lastError: ProviderLive['lastError'] =
      h?.lastErrorAt && h.lastErrorKind
        ? {
            at: h.lastErrorAt.toISOString(),
            status: h.lastErrorStatus ?? 0,
            kind: h.lastErrorKind,
            message: h.lastErrorMessage ?? '',
            source: h.lastErrorSource === 'probe' ? 'probe' : 'traffic',
            model: h.lastErrorModel,
          }
        : null;
    const wide = cooldowns.find((c) => c.scope !== 'model');
    const enabled = p.models.filter((m) => m.enabled);
    const down = enabled.filter((m) => blocked.has(m.id)).length;
    let status: ProviderLive['status'] = 'healthy';
    let reason: string | null = null;
    if (p.status === 'disabled') {
      status = 'disabled';
      reason = 'Disabled: routing does not use it.';
    } else if (wide) {
      status = 'down';
      reason = `${wide.scope === 'key' ? 'Its key is' : 'Every model is'} cooling down until ${wide.until}: ${wide.reason ?? 'after a failure'}${wide.status ? ` (upstream ${wide.status})` : ''}.`;
    } else if (p.status === 'error') {
      status = 'down';
      reason = 'The last connection test failed: routing skips it until a test passes.';
    } else if (check.enabled && h?.lastCheckOk === false) {
      status = 'down';
      reason = `The last health check failed${lastError?.source === 'probe' ? `: ${lastError.message}` : '.'}`;
    } else if (enabled.length > 0 && down === enabled.length) {
      status = 'down';
      reason = 'Every enabled model is cooling down or has an open circuit.';
    } else if (down > 0) {
      status = 'degraded';
      reason = `${down} of ${enabled.length} enabled models cooling down or with an open circuit.`;
    }
    return {
      status,
      reason,
      check: {
        enabled: check.enabled,
        intervalSec: check.intervalSec,
        probe: check.probe,
        model: check.model,
        isDefault: check.isDefault,
      },
      lastCheckAt: h?.lastCheckAt?.toISOString() ?? null,
      lastCheckOk: h?.lastCheckOk ?? null,
      lastLatencyMs: h?.lastLatencyMs ?? null,
      lastError,
      cooldowns,
      callerKeyCooldowns,
      circuits,
    };
  }

  /** How many callers' own keys (each key, each key × model) on the provider, or on one model of it, cool down now. */
  #callerKeyCooldowns(providerId: string, modelRegistryId: string | null): number {
    const view = this.routing.store.view();
    const now = this.ctx.now();
    return keyCooldownTargets(this.routing.config, providerId, modelRegistryId).callerKeys.filter(
      (t) => view.cooldownUntil(t) > now,
    ).length;
  }

  async #row(id: string) {
    const p = await this.ctx.prisma.provider.findUnique({
      where: { id },
      include: {
        models: {
          select: {
            id: true,
            modelId: true,
            enabled: true,
            config: true,
            priceInputPer1M: true,
            priceOutputPer1M: true,
          },
          orderBy: [{ priority: 'asc' }, { modelId: 'asc' }],
        },
      },
    });
    if (!p) throw AppError.notFound('Provider');
    return p;
  }

  /** Live state, the last health checks (newest first) and the headroom of each rate-limit bucket. */
  async detail(id: string): Promise<ProviderHealthDetail> {
    const p = await this.#row(id);
    const live = (await this.liveOf([p])).get(id)!;
    const history = await this.ctx.prisma.providerProbe.findMany({
      where: { providerId: id },
      orderBy: { at: 'desc' },
      take: PROBE_HISTORY,
    });
    const state = this.routing.stateOf(id, null);
    // Each bucket's sliding window: its current slot, then the earlier ones (core's bucketCounters), read at once.
    const read = await this.routing.store.read(state.buckets.flatMap((b) => [b.key, ...b.counters.earlier]));
    const now = this.ctx.now();
    let at = 0;
    const windows = state.buckets.map(({ counters }) => {
      const current = read[at] ?? 0;
      const earlier = read.slice(at + 1, at + 1 + counters.earlier.length);
      at += 1 + counters.earlier.length;
      return {
        used: earlier.reduce((sum, v) => sum + v, current),
        // When all it counts now has left the window (nothing counted: it is clear now).
        clearsAt: windowClearsAt(counters, current, (j) => earlier[j] ?? 0) ?? now,
      };
    });
    return {
      providerId: id,
      ...live,
      history: history.map((r) => ({
        at: r.at.toISOString(),
        ok: r.ok,
        latencyMs: r.latencyMs,
        probe: r.probe,
        status: r.status,
        error: r.error,
      })),
      headroom: state.buckets.map(({ bucket }, i) => {
        const u = Math.round(windows[i]!.used * 1000) / 1000;
        return {
          bucket: bucket.name,
          unit: bucket.unit,
          limit: bucket.limit,
          used: u,
          remaining: Math.max(0, bucket.limit - u),
          models: bucket.models === 'all' ? ('all' as const) : [...bucket.models],
          resetsAt: iso(windows[i]!.clearsAt),
        };
      }),
    };
  }

  /** Run the provider's health check now and record it (the scheduler and "Check now"). */
  async check(id: string): Promise<ProbeResult> {
    const p = await this.#row(id);
    const check = healthCheckOf(p);
    const key = resolveProviderKey(p, this.ctx.secrets, this.ctx.processEnv);
    const modelId = check.model ?? p.models.find((m) => m.enabled)?.modelId ?? null;
    // Called as traffic calls it: with the registry entry's defaults and baseModel (none for an id it does not list).
    const entry = p.models.find((m) => m.modelId === modelId);
    const model = modelId ? { modelId, params: entry ? readModelParams(entry.config) : null } : null;
    const at = this.ctx.now();
    const r = await runProbe(
      {
        id: p.id,
        slug: p.slug,
        type: p.type,
        baseUrl: p.baseUrl,
        config: providerCallConfig(p, this.ctx.secrets, this.ctx.processEnv),
      },
      key.ok ? key.value || null : null,
      check.probe,
      check.probe === 'chat' ? model : null,
      {
        timeoutMs: Math.min(PROBE_TIMEOUT_MS, check.intervalSec * 1000),
        dispatcher: this.ctx.outbound.dispatcher,
      },
    );
    // A failed chat check names the model it called (a models listing calls none).
    await this.#record(p.id, check.probe, at, r, check.probe === 'chat' ? (model?.modelId ?? null) : null);
    return r;
  }

  async #record(
    providerId: string,
    probe: string,
    at: number,
    r: ProbeResult,
    model: string | null,
  ): Promise<void> {
    const { prisma } = this.ctx;
    const when = new Date(at);
    const data = {
      lastCheckAt: when,
      lastCheckOk: r.ok,
      lastLatencyMs: r.latencyMs,
      ...(r.ok
        ? {}
        : {
            lastErrorAt: when,
            lastErrorStatus: r.status ?? 0,
            lastErrorKind: r.kind ?? 'unknown',
            lastErrorMessage: r.message ?? '',
            lastErrorSource: 'probe',
            lastErrorModel: model,
          }),
    };
    await prisma.$transaction(async (tx) => {
      await tx.providerProbe.create({
        data: {
          providerId,
          at: when,
          ok: r.ok,
          latencyMs: r.latencyMs,
          probe,
          status: r.status,
          error: r.message,
        },
      });
      await tx.providerHealth.upsert({
        where: { providerId },
        create: { providerId, ...data },
        update: data,
      });
      const old = await tx.providerProbe.findMany({
        where: { providerId },
        orderBy: { at: 'desc' },
        skip: PROBE_HISTORY,
        select: { id: true },
      });
      if (old.length > 0) await tx.providerProbe.deleteMany({ where: { id: { in: old.map((o) => o.id) } } });
    });
  }

  /**
   * Clear a provider's (or one model's) cooldowns, circuits and current rate-limit windows on every instance,
   * and the reasons noted for them; audited with what was cleared. The cooldowns include those of every key used on
   * it: callers' own keys (counted in the audit, not named) and the models' own keys.
   */
  async reset(actor: Actor, id: string, modelId: string | undefined): Promise<ProviderHealthDetail> {
    const before = await this.detail(id);
    if (modelId !== undefined) {
      const m = await this.ctx.prisma.model.findFirst({
        where: { id: modelId, providerId: id },
        select: { id: true },
      });
      if (!m) throw AppError.notFound('Model of this provider');
    }
    const inScope = <T extends { modelRegistryId: string | null }>(xs: T[]) =>
      modelId === undefined ? xs : xs.filter((x) => x.modelRegistryId === modelId);
    const callerKeyCooldowns = this.#callerKeyCooldowns(id, modelId ?? null);
    // Every instance clears its own view (this one included) from the same message.
    await this.ctx.configChanged(`${STATE_RESET}${id}${modelId ? `:${modelId}` : ''}`);
    await this.ctx.prisma.providerCooldownNote.deleteMany({
      where: modelId === undefined ? { providerId: id } : { providerId: id, modelId },
    });
    await this.ctx.audit.record({
      actor,
      action: 'provider.reset',
      entityType: 'Provider',
      entityId: id,
      before: {
        cooldowns: inScope(before.cooldowns),
        callerKeyCooldowns,
        circuits: inScope(before.circuits),
        headroom: before.headroom,
      },
      after: { modelId: modelId ?? null },
      ip: actor.ip,
    });
    return this.detail(id);
  }
}

/** The config-bus message that tells every instance to clear a provider's state: `state-reset:<id>[:<modelId>]`. */
export const STATE_RESET = 'state-reset:';

/** The provider and model a state-reset message names, or null for any other message. */
export function parseStateReset(what: string): { providerId: string; modelId: string | null } | null {
  if (!what.startsWith(STATE_RESET)) return null;
  const [providerId, modelId] = what.slice(STATE_RESET.length).split(':');
  return providerId ? { providerId, modelId: modelId || null } : null;
}
