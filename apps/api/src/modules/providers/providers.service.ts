import type {
  AuthPatch,
  CreateProviderBody,
  DiscoverModelsResult,
  ImportModelsBody,
  ImportModelsResult,
  ProviderBucket,
  RegistryModel,
  UpdateProviderBody,
} from '@switchyard/core';
import type { Prisma, PrismaClient, Provider } from '@switchyard/prisma';
import type { AppContext } from '../../context.js';
import type { OutboundPolicy } from '../../lib/outbound-policy.js';
import { AppError } from '../../lib/errors.js';
import { defaultCapabilities, isProviderType, providerDefaults } from '../../providers/index.js';
import { catalogueModel, scoreForPrice, tierForPrice } from '../../providers/model-catalogue.js';
import { envRefName, resolveProviderKey } from '../../router/secrets-resolver.js';
import { applyAuthPatch, presentAuth, providerCallConfig } from '../../router/auth-json.js';
import type { Actor } from '../gateway-keys/gateway-keys.service.js';
import { DISABLED_MISSING_ENV } from '../../lib/provider-status.js';
import { CREDENTIAL_CONFIG_KEYS, SECRET_HEADER } from '../../providers/credentials.js';
import { auditedUpdate, definedFields } from '../audited-update.js';
import { discoverProviderModels, testProviderConnection, type ConnectionTest } from './provider-test.js';
import type { ProviderForHealth, ProviderHealthService } from './provider-health.service.js';

/** Provider settings that change nothing about where or how credentials are sent: an admin's to change. */
const CONNECTION_NEUTRAL_CONFIG: ReadonlySet<string> = new Set([
  'apiVersion',
  'deployments',
  'anthropicVersion',
  'streamUsage',
  'responsesApi',
  'timeouts',
  'webSearch',
  'healthCheck',
]);

/** Two base URLs that point at the same place (trailing slashes and blanks aside). */
export const sameUrl = (a: string | null | undefined, b: string | null | undefined) =>
  (a?.trim().replace(/\/+$/, '') || null) === (b?.trim().replace(/\/+$/, '') || null);

/**
 * The first field of an update that changes where or how a provider's credentials are sent (its URL, its
 * extra headers, its AWS region or credentials, any setting not known to be neutral), or null.
 */
export function connectionChange(
  before: { baseUrl: string | null; config: unknown; endpoints?: unknown },
  b: UpdateProviderBody,
): string | null {
  if (b.baseUrl !== undefined && !sameUrl(b.baseUrl, before.baseUrl)) return 'baseUrl';
  const added = newEndpointUrls(before, b);
  if (added.length > 0) return `endpoints.${added[0]!.index}.baseUrl`;
  if (b.config !== undefined) {
    const old = (before.config ?? {}) as Record<string, unknown>;
    for (const k of new Set([...Object.keys(old), ...Object.keys(b.config)])) {
      if (!CONNECTION_NEUTRAL_CONFIG.has(k) && JSON.stringify(old[k]) !== JSON.stringify(b.config[k]))
        return `config.${k}`;
    }
  }
  return null;
}

/** The stored extra endpoints of a provider (rows that are not well-formed are left out). */
export function storedEndpoints(raw: unknown): { baseUrl: string; weight: number; enabled: boolean }[] {
  if (!Array.isArray(raw)) return [];
  return raw.flatMap((e: unknown) => {
    if (!e || typeof e !== 'object') return [];
    const { baseUrl, weight, enabled } = e as Record<string, unknown>;
    if (typeof baseUrl !== 'string') return [];
    return [{ baseUrl, weight: typeof weight === 'number' ? weight : 1, enabled: enabled !== false }];
  });
}

/**
 * The endpoint URLs an update adds (not the provider's base URL or one of its endpoints before): each one is a
 * new destination for the provider's credentials. Reordering, reweighting, disabling or removing adds none.
 */
export function newEndpointUrls(
  before: { baseUrl: string | null; endpoints?: unknown },
  b: Pick<UpdateProviderBody, 'endpoints'>,
): { index: number; baseUrl: string }[] {
  if (b.endpoints === undefined) return [];
  const known = [before.baseUrl, ...storedEndpoints(before.endpoints).map((e) => e.baseUrl)];
  return b.endpoints
    .map((e, index) => ({ index, baseUrl: e.baseUrl }))
    .filter((e) => !known.some((k) => sameUrl(k, e.baseUrl)));
}

/** Whether any credential would go wherever this provider points: its own key or `_env` reference, AWS settings, org keys, users' BYOK keys. */
export async function providerHoldsCredentials(
  prisma: Pick<PrismaClient, 'orgProviderKey' | 'byokKey'>,
  p: Pick<Provider, 'id' | 'encryptedApiKey' | 'auth' | 'config'>,
): Promise<boolean> {
  if (p.encryptedApiKey) return true;
  if (Object.keys((p.auth ?? {}) as object).length > 0) return true;
  const config = (p.config ?? {}) as Record<string, unknown>;
  if (CREDENTIAL_CONFIG_KEYS.some((k) => config[k] !== undefined)) return true;
  const [org, byok] = await Promise.all([
    prisma.orgProviderKey.count({ where: { providerId: p.id } }),
    prisma.byokKey.count({ where: { providerId: p.id } }),
  ]);
  return org + byok > 0;
}

type WithModels = Provider & {
  models: {
    priceInputPer1M: Prisma.Decimal;
    priceOutputPer1M: Prisma.Decimal;
    enabled: boolean;
    priced: boolean;
    scope: string;
  }[];
};

/** A provider as the API shows it: never the key; whether one is set, its last four, the `_env` name and whether it resolves. */
/** Config values that are secrets: AWS secret keys, and extra headers whose name says they carry a credential. */
const SECRET_CONFIG_KEYS = ['secretAccessKey', 'sessionToken'] as const;

/** How a secret config value is shown: never the value, at most its last four characters (as for keys). */
export function maskSecret(v: string): string {
  return v.length >= 12 ? `••••${v.slice(-4)}` : '••••';
}

function mapSecrets(
  config: Record<string, unknown>,
  f: (value: string, path: string) => string,
): Record<string, unknown> {
  const c: Record<string, unknown> = { ...config };
  for (const k of SECRET_CONFIG_KEYS) if (typeof c[k] === 'string') c[k] = f(c[k] as string, k);
  if (c.headers && typeof c.headers === 'object' && !Array.isArray(c.headers)) {
    const h: Record<string, unknown> = { ...(c.headers as Record<string, unknown>) };
    for (const [name, v] of Object.entries(h))
      if (SECRET_HEADER.test(name) && typeof v === 'string') h[name] = f(v, `headers.${name}`);
    c.headers = h;
  }
  return c;
}

/** The secret values of a provider's config (AWS secret keys, credential headers), each with its path. */
export function secretConfigValues(config: unknown): { path: string; value: string }[] {
  const found: { path: string; value: string }[] = [];
  mapSecrets((config ?? {}) as Record<string, unknown>, (value, path) => {
    found.push({ path, value });
    return value;
  });
  return found;
}

/** A provider's config as the API shows it: secret values masked. */
export function presentConfig(config: unknown): Record<string, unknown> {
  return mapSecrets((config ?? {}) as Record<string, unknown>, maskSecret);
}

/**
 * A config sent back with masked secrets (the dashboard edits what the API showed): each masked value that
 * matches the stored secret keeps the stored secret, so saving a form never overwrites a credential with its mask.
 */
export function restoreMaskedSecrets(
  incoming: Record<string, unknown>,
  stored: unknown,
): Record<string, unknown> {
  const old = (stored ?? {}) as Record<string, unknown>;
  const storedAt = (path: string): unknown =>
    path.startsWith('headers.')
      ? (old.headers as Record<string, unknown> | undefined)?.[path.slice(8)]
      : old[path];
  return mapSecrets(incoming, (v, path) => {
    const was = storedAt(path);
    return typeof was === 'string' && v === maskSecret(was) ? was : v;
  });
}

export function presentProvider(p: WithModels, env: Record<string, string | undefined>) {
  const auth = (p.auth ?? {}) as Record<string, unknown>;
  const envName = envRefName(auth.apiKey);
  // Average of (input + output) / 2 per 1M tokens over the provider's enabled models whose price is known (an
  // unknown price is stored as 0 and would read as a free model); null when none is priced.
  const priced = p.models.filter((m) => m.enabled && m.priced);
  const avg = priced.length
    ? priced.reduce((s, m) => s + (Number(m.priceInputPer1M) + Number(m.priceOutputPer1M)) / 2, 0) /
      priced.length
    : null;
  return {
    id: p.id,
    type: p.type,
    name: p.name,
    slug: p.slug,
    baseUrl: p.baseUrl,
    baseUrlWeight: p.baseUrlWeight,
    endpoints: storedEndpoints(p.endpoints),
    status: p.status,
    disabledReason:
      p.disabledReason === DISABLED_MISSING_ENV
        ? `${isProviderType(p.type) ? (providerDefaults(p.type).envKey ?? 'its environment variables') : 'its environment variables'} is not set on the server`
        : p.disabledReason,
    lastError: p.lastError,
    lastTestedAt: p.lastTestedAt?.toISOString() ?? null,
    lastTest: p.lastTestedAt
      ? { at: p.lastTestedAt.toISOString(), ok: p.lastError === null, error: p.lastError }
      : null,
    priority: p.priority,
    autoFallback: p.autoFallback,
    region: p.region,
    hasApiKey: p.encryptedApiKey !== null,
    apiKeyLast4: p.apiKeyLast4,
    apiKeyEnv: envName,
    envResolved: envName ? Boolean(env[envName]) : null,
    auth: presentAuth(p.auth, env),
    rateLimitBuckets: p.rateLimitBuckets as ProviderBucket[],
    config: presentConfig(p.config),
    modelCount: p.models.length,
    modelCounts: {
      global: p.models.filter((m) => m.scope === 'global').length,
      enabled: p.models.filter((m) => m.scope === 'global' && m.enabled).length,
      scoped: p.models.filter((m) => m.scope !== 'global').length,
    },
    avgCostPer1M: avg === null ? null : Math.round(avg * 1e6) / 1e6,
    color: providerDefaults(p.type).color,
    managedByConfig: p.managedByConfig,
    createdAt: p.createdAt.toISOString(),
  };
}

/**
 * Why a new provider cannot be created as given (an unknown type, a missing base URL, a URL the outbound policy
 * refuses), or null. The same check for the admin API and the configuration file.
 */
export async function newProviderProblem(
  policy: Pick<OutboundPolicy, 'checkUrl'>,
  b: { type: string; baseUrl?: string | null },
): Promise<{ field: string; message: string } | null> {
  if (!isProviderType(b.type)) return { field: 'type', message: `unknown provider type "${b.type}"` };
  if (!b.baseUrl && !providerDefaults(b.type).defaultBaseUrl && b.type !== 'bedrock' && b.type !== 'mock')
    return { field: 'baseUrl', message: 'is required for this provider type' };
  const problem = b.baseUrl ? await policy.checkUrl(b.baseUrl) : null;
  return problem ? { field: 'baseUrl', message: problem } : null;
}

export class ProvidersService {
  constructor(
    private readonly ctx: AppContext,
    private readonly health: ProviderHealthService,
  ) {}

  #include = {
    models: {
      select: {
        id: true,
        modelId: true,
        priceInputPer1M: true,
        priceOutputPer1M: true,
        enabled: true,
        priced: true,
        scope: true,
      },
      orderBy: [{ priority: 'asc' as const }, { modelId: 'asc' as const }],
    },
  } satisfies Prisma.ProviderInclude;

  /** Providers as the API shows them, each with its live state (cooldowns, circuits, last error, checks). */
  async #present(rows: (WithModels & ProviderForHealth)[]) {
    const live = await this.health.liveOf(rows);
    return rows.map((p) => {
      const health = live.get(p.id)!;
      const shown = presentProvider(p, this.ctx.processEnv);
      // The last failure the gateway saw, when no connection test left a message of its own.
      return { ...shown, lastError: shown.lastError ?? health.lastError?.message ?? null, health };
    });
  }

  async list() {
    const rows = await this.ctx.prisma.provider.findMany({
      include: this.#include,
      orderBy: [{ priority: 'asc' }, { name: 'asc' }],
    });
    return this.#present(rows);
  }

  async #get(id: string) {
    const p = await this.ctx.prisma.provider.findUnique({ where: { id }, include: this.#include });
    if (!p) throw AppError.notFound('Provider');
    return p;
  }

  #authData(
    apiKey: string | null | undefined,
    apiKeyEnv: string | null | undefined,
    current: Record<string, unknown>,
    patch?: AuthPatch,
  ) {
    const data: {
      encryptedApiKey?: string | null;
      apiKeyLast4?: string | null;
      auth?: Prisma.InputJsonValue;
    } = {};
    if (apiKey !== undefined) {
      data.encryptedApiKey = apiKey ? this.ctx.secrets.encrypt(apiKey) : null;
      data.apiKeyLast4 = apiKey ? apiKey.slice(-4) : null;
    }
    if (apiKeyEnv !== undefined) {
      const next = { ...current };
      if (apiKeyEnv) next.apiKey = { _env: apiKeyEnv };
      else delete next.apiKey;
      data.auth = next as Prisma.InputJsonValue;
    }
    if (patch)
      data.auth = applyAuthPatch(data.auth ?? current, patch, this.ctx.secrets) as Prisma.InputJsonValue;
    return data;
  }

  /** The outbound URL policy at save time (the connection applies it again, so DNS rebinding cannot pass). */
  async #checkBaseUrl(baseUrl: string | null | undefined, field = 'baseUrl') {
    if (!baseUrl) return;
    const problem = await this.ctx.outbound.policy.checkUrl(baseUrl);
    if (problem) throw AppError.validation(`${field}: ${problem}`, { issues: [{ field, message: problem }] });
  }

  /** Each new endpoint URL passes the same outbound policy as the base URL. */
  async #checkEndpoints(added: { index: number; baseUrl: string }[]) {
    for (const e of added) await this.#checkBaseUrl(e.baseUrl, `endpoints.${e.index}.baseUrl`);
  }

  async create(actor: Actor, b: CreateProviderBody) {
    const problem = await newProviderProblem(this.ctx.outbound.policy, b);
    if (problem) throw AppError.validation(`${problem.field}: ${problem.message}`, { issues: [problem] });
    await this.#checkEndpoints(newEndpointUrls({ baseUrl: null }, b));
    const p = await this.ctx.prisma.$transaction(async (tx) => {
      const created = await tx.provider.create({
        data: {
          type: b.type,
          name: b.name,
          slug: b.slug,
          baseUrl: b.baseUrl ?? null,
          priority: b.priority,
          autoFallback: b.autoFallback,
          status: b.status,
          rateLimitBuckets: b.rateLimitBuckets as Prisma.InputJsonValue,
          config: b.config as Prisma.InputJsonValue,
          baseUrlWeight: b.baseUrlWeight,
          endpoints: b.endpoints as Prisma.InputJsonValue,
          region: b.region ?? null,
          ...this.#authData(b.apiKey, b.apiKeyEnv, {}, b.auth),
        },
        include: this.#include,
      });
      await this.ctx.audit.record(
        {
          actor,
          action: 'provider.create',
          entityType: 'Provider',
          entityId: created.id,
          after: presentProvider(created, {}),
          ip: actor.ip,
        },
        tx,
      );
      return created;
    });
    await this.ctx.configChanged('providers');
    this.#published('created', p);
    return (await this.#present([p]))[0]!;
  }

  /** The live `provider` event of a change (see GET /api/v1/llm/events). */
  #published(
    action: 'created' | 'updated' | 'deleted' | 'status',
    p: { id: string; slug: string; status: string },
  ) {
    this.ctx.events.publish([{ type: 'provider', action, id: p.id, slug: p.slug, status: p.status }]);
  }

  async update(actor: Actor & { role?: string }, id: string, body: UpdateProviderBody) {
    const before = await this.#get(id);
    const b =
      body.config !== undefined
        ? { ...body, config: restoreMaskedSecrets(body.config, before.config) }
        : body;
    // Credentials follow their URL: pointing a provider that holds any credential somewhere else (or changing how
    // it authenticates) would hand those keys to the new destination, so it is a credentials change.
    const moved = actor.role === 'super_admin' ? null : connectionChange(before, b);
    const setsAwsCredentials =
      moved !== null && (CREDENTIAL_CONFIG_KEYS as readonly string[]).includes(moved.slice('config.'.length));
    if (moved && (setsAwsCredentials || (await providerHoldsCredentials(this.ctx.prisma, before)))) {
      throw new AppError(
        403,
        'forbidden',
        `${moved}: only a super admin may change where or how a provider with stored credentials connects (its own key, org keys or users' keys would follow).`,
        { field: moved },
      );
    }
    if (b.baseUrl !== undefined && !sameUrl(b.baseUrl, before.baseUrl)) await this.#checkBaseUrl(b.baseUrl);
    await this.#checkEndpoints(newEndpointUrls(before, b));
    const { apiKey, apiKeyEnv, auth, ...fields } = b;
    const p = await auditedUpdate(this.ctx, {
      actor,
      action: 'provider.update',
      entityType: 'Provider',
      entityId: id,
      before: presentProvider(before, {}),
      changed: 'providers',
      write: (tx) =>
        tx.provider.update({
          where: { id },
          data: {
            ...definedFields(fields, {
              rateLimitBuckets: (v) => v as Prisma.InputJsonValue,
              config: (v) => v as Prisma.InputJsonValue,
              endpoints: (v) => v as Prisma.InputJsonValue,
            }),
            // An admin's own status choice wins over the seed's "missing env" marker.
            ...(b.status !== undefined ? { disabledReason: null } : {}),
            ...this.#authData(apiKey, apiKeyEnv, (before.auth ?? {}) as Record<string, unknown>, auth),
          },
          include: this.#include,
        }),
      present: (row) => presentProvider(row, {}),
    });
    this.#published('updated', p);
    return (await this.#present([p]))[0]!;
  }

  async remove(actor: Actor, id: string) {
    const before = await this.#get(id);
    await this.ctx.prisma.$transaction(async (tx) => {
      await tx.provider.delete({ where: { id } });
      await this.ctx.audit.record(
        {
          actor,
          action: 'provider.delete',
          entityType: 'Provider',
          entityId: id,
          before: presentProvider(before, {}),
          ip: actor.ip,
        },
        tx,
      );
    });
    await this.ctx.configChanged('providers');
    this.#published('deleted', before);
  }

  /** A real minimal call with the provider's stored key (or its `_env` reference); records the outcome. */
  async test(id: string) {
    const p = await this.#get(id);
    const resolved = resolveProviderKey(p, this.ctx.secrets, this.ctx.processEnv);
    const current = resolved.ok ? resolved.value : null;
    const result = await testProviderConnection(
      {
        id: p.id,
        slug: p.slug,
        type: p.type,
        baseUrl: p.baseUrl,
        apiKey: current,
        config: providerCallConfig(p, this.ctx.secrets, this.ctx.processEnv),
      },
      { dispatcher: this.ctx.outbound.dispatcher },
    );
    // A failed test puts an active provider in "error" (routing skips it); a passing one brings it back.
    const status =
      !result.success && p.status === 'active'
        ? 'error'
        : result.success && p.status === 'error'
          ? 'active'
          : p.status;
    await this.ctx.prisma.provider.update({
      where: { id },
      data: {
        lastTestedAt: new Date(this.ctx.now()),
        lastError: result.success ? null : result.error.message,
        status,
      },
    });
    if (status !== p.status) {
      await this.ctx.configChanged('providers');
      this.#published('status', { ...p, status });
    }
    return this.withCatalogue(p.type, result);
  }

  /** What the catalogue makes of a model of this provider: its prices (null = unknown) and usual capabilities. */
  #catalogue(type: string, modelId: string) {
    const free = isProviderType(type) && providerDefaults(type).free;
    const cat = catalogueModel(type, modelId, { free, at: new Date(this.ctx.now()) });
    return {
      cat,
      capabilities: (cat?.capabilities ??
        defaultCapabilities(type, modelId)) as RegistryModel['capabilities'],
    };
  }

  /** A passing connection test with the catalogue's prices of the models it listed. */
  withCatalogue(type: string, r: ConnectionTest): ConnectionTest {
    if (!r.success) return r;
    return {
      ...r,
      catalogue: r.modelsAvailable.map((modelId) => {
        const { cat } = this.#catalogue(type, modelId);
        return {
          modelId,
          priceInputPer1M: cat?.priceInputPer1M ?? null,
          priceOutputPer1M: cat?.priceOutputPer1M ?? null,
        };
      }),
    };
  }

  /**
   * The models the provider lists (the same real call as a test, with the stored key), each with the catalogue's
   * prices where it knows the model and whether the registry has it already: the add-provider checklist.
   */
  async discoverModels(id: string): Promise<DiscoverModelsResult> {
    const p = await this.#get(id);
    const resolved = resolveProviderKey(p, this.ctx.secrets, this.ctx.processEnv);
    const r = await discoverProviderModels(
      {
        id: p.id,
        slug: p.slug,
        type: p.type,
        baseUrl: p.baseUrl,
        apiKey: resolved.ok ? resolved.value : null,
        config: providerCallConfig(p, this.ctx.secrets, this.ctx.processEnv),
      },
      { dispatcher: this.ctx.outbound.dispatcher },
    );
    // The failure as the contract shows it (the upstream's status and kind stay on the server).
    if (!r.success) return { success: false, latencyMs: r.latencyMs, error: r.error };
    const registered = new Set(
      (
        await this.ctx.prisma.model.findMany({
          where: { providerId: id, scope: 'global' },
          select: { modelId: true },
        })
      ).map((m) => m.modelId),
    );
    const seen = new Set<string>();
    const models = r.models.flatMap((info) => {
      if (seen.has(info.id)) return [];
      seen.add(info.id);
      const { cat, capabilities } = this.#catalogue(p.type, info.id);
      const free = info.free === true;
      return [
        {
          modelId: info.id,
          displayName: info.displayName ?? cat?.displayName ?? info.id,
          inRegistry: registered.has(info.id),
          priceInputPer1M: free ? 0 : (cat?.priceInputPer1M ?? null),
          priceOutputPer1M: free ? 0 : (cat?.priceOutputPer1M ?? null),
          contextWindow: info.contextWindow ?? cat?.contextWindow ?? null,
          capabilities,
        },
      ];
    });
    return { success: true, latencyMs: r.latencyMs, models };
  }

  /**
   * Add discovered models to the global registry in one transaction and one audit entry. Models the provider
   * already has are left as they are (a second import adds nothing). Prices: the body's, else the catalogue's,
   * else unknown (stored at 0, unpriced: out of power-level tiers until an admin prices it). Capabilities: the
   * catalogue's, else the usual ones of the provider's protocol.
   */
  async importModels(actor: Actor, id: string, b: ImportModelsBody): Promise<ImportModelsResult> {
    const p = await this.ctx.prisma.provider.findUnique({ where: { id }, select: { id: true, type: true } });
    if (!p) throw AppError.notFound('Provider');
    const result = await this.ctx.prisma.$transaction(async (tx) => {
      const present = new Set(
        (
          await tx.model.findMany({
            where: { providerId: id, scope: 'global', modelId: { in: b.models.map((m) => m.modelId) } },
            select: { modelId: true },
          })
        ).map((m) => m.modelId),
      );
      const rows = b.models
        .filter((m) => !present.has(m.modelId))
        .map((m) => {
          const { cat, capabilities } = this.#catalogue(p.type, m.modelId);
          const given = m.priceInputPer1M !== undefined || m.priceOutputPer1M !== undefined;
          const input = m.priceInputPer1M ?? cat?.priceInputPer1M ?? 0;
          const output = m.priceOutputPer1M ?? cat?.priceOutputPer1M ?? 0;
          const priced = given || cat !== null;
          const embedding = capabilities.includes('embeddings');
          const fromCatalogue = cat !== null && !given;
          return {
            providerId: id,
            modelId: m.modelId,
            displayName: m.displayName ?? cat?.displayName ?? m.modelId,
            description: cat?.description ?? null,
            priceInputPer1M: input,
            priceOutputPer1M: output,
            priceCachedInputPer1M: fromCatalogue ? (cat?.priceCachedInputPer1M ?? null) : null,
            priced,
            contextWindow: cat?.contextWindow ?? null,
            maxOutputTokens: cat?.maxOutputTokens ?? null,
            qualityTier: fromCatalogue
              ? cat.qualityTier
              : embedding
                ? 'eco'
                : priced
                  ? tierForPrice(input, output)
                  : 'balanced',
            qualityScore: fromCatalogue ? cat.qualityScore : priced ? scoreForPrice(input, output) : 50,
            capabilities,
            scope: 'global',
            source: 'discovered',
          };
        });
      const created = rows.length
        ? await tx.model.createManyAndReturn({ data: rows, skipDuplicates: true })
        : [];
      const added = created.map((m) => ({
        id: m.id,
        modelId: m.modelId,
        priced: m.priced,
        priceInputPer1M: Number(m.priceInputPer1M),
        priceOutputPer1M: Number(m.priceOutputPer1M),
        capabilities: m.capabilities as RegistryModel['capabilities'],
      }));
      const addedIds = new Set(added.map((m) => m.modelId));
      const alreadyPresent = b.models.map((m) => m.modelId).filter((m) => !addedIds.has(m));
      if (added.length)
        await this.ctx.audit.record(
          {
            actor,
            action: 'provider.models_import',
            entityType: 'Provider',
            entityId: id,
            after: {
              added: added.map((m) => ({ modelId: m.modelId, priced: m.priced })),
              alreadyPresent,
            },
            ip: actor.ip,
          },
          tx,
        );
      return { added, alreadyPresent };
    });
    if (result.added.length) await this.ctx.configChanged('models');
    return result;
  }
}
