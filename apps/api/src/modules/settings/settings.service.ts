import type { OllamaTestBody, UpdateSettingsBody } from '@switchyard/core';
import type { AppContext } from '../../context.js';
import { AppError } from '../../lib/errors.js';
import { ollamaRoot } from '../../providers/openai-compatible/adapter.js';
import type { Actor } from '../gateway-keys/gateway-keys.service.js';
import { testProviderConnection } from '../providers/provider-test.js';
import { providerHoldsCredentials } from '../providers/providers.service.js';

const openAiBase = (root: string) => `${root.replace(/\/+$/, '')}/v1`;

/** Gateway settings: the Ollama connection, request/response body logging and routing debug headers. */
export class SettingsService {
  constructor(private readonly ctx: AppContext) {}

  async get() {
    const s = await this.ctx.prisma.routingSettings.findUnique({ where: { id: 1 } });
    const ollama = await this.ctx.prisma.provider.findFirst({
      where: { type: 'ollama' },
      orderBy: { createdAt: 'asc' },
      select: { id: true, slug: true, status: true, _count: { select: { models: true } } },
    });
    return {
      ollamaBaseUrl: s?.ollamaBaseUrl ?? null,
      ollamaProvider: ollama
        ? { id: ollama.id, slug: ollama.slug, status: ollama.status, modelCount: ollama._count.models }
        : null,
      bodyLogging: s?.bodyLogging ?? false,
      debugHeaders: s?.debugHeaders ?? false,
      updatedAt: s?.updatedAt.toISOString() ?? null,
    };
  }

  /**
   * Save settings. A new Ollama URL is also written to the Ollama provider (created, active, if there is none) so
   * `ollama/<model>` routes there at once; clearing it disables that provider.
   */
  async update(actor: Actor, b: UpdateSettingsBody) {
    if (b.ollamaBaseUrl) {
      const problem = await this.ctx.outbound.policy.checkUrl(b.ollamaBaseUrl);
      if (problem)
        throw AppError.validation(`ollamaBaseUrl: ${problem}`, {
          issues: [{ field: 'ollamaBaseUrl', message: problem }],
        });
    }
    // The Ollama URL is the Ollama provider's base URL: credentials follow it (see providers.service).
    if (b.ollamaBaseUrl && actor.role !== 'super_admin') {
      const provider = await this.ctx.prisma.provider.findFirst({
        where: { type: 'ollama' },
        orderBy: { createdAt: 'asc' },
      });
      if (
        provider &&
        provider.baseUrl !== openAiBase(b.ollamaBaseUrl) &&
        (await providerHoldsCredentials(this.ctx.prisma, provider))
      ) {
        throw new AppError(
          403,
          'forbidden',
          "ollamaBaseUrl: only a super admin may move the Ollama provider while it holds credentials (its key, org keys or users' keys would follow).",
          { field: 'ollamaBaseUrl' },
        );
      }
    }
    await this.ctx.prisma.$transaction(async (tx) => {
      const before = await tx.routingSettings.findUnique({ where: { id: 1 } });
      const after = await tx.routingSettings.upsert({ where: { id: 1 }, create: { id: 1, ...b }, update: b });
      if (b.ollamaBaseUrl !== undefined) {
        const provider = await tx.provider.findFirst({
          where: { type: 'ollama' },
          orderBy: { createdAt: 'asc' },
        });
        if (b.ollamaBaseUrl) {
          const baseUrl = openAiBase(b.ollamaBaseUrl);
          if (provider)
            await tx.provider.update({
              where: { id: provider.id },
              data: { baseUrl, status: 'active', lastError: null },
            });
          else
            await tx.provider.create({
              data: {
                type: 'ollama',
                name: 'Ollama',
                slug: 'ollama',
                baseUrl,
                priority: 50,
                status: 'active',
                source: 'settings',
              },
            });
        } else if (provider) {
          await tx.provider.update({
            where: { id: provider.id },
            data: { status: 'disabled', disabledReason: 'Ollama URL cleared in settings' },
          });
        }
      }
      const pick = (s: typeof before) =>
        s
          ? { ollamaBaseUrl: s.ollamaBaseUrl, bodyLogging: s.bodyLogging, debugHeaders: s.debugHeaders }
          : null;
      await this.ctx.audit.record(
        {
          actor,
          action: 'settings.update',
          entityType: 'Settings',
          entityId: '1',
          before: pick(before),
          after: pick(after),
          ip: actor.ip,
        },
        tx,
      );
    });
    await this.ctx.configChanged('settings');
    return this.get();
  }

  async #baseUrl(given?: string): Promise<string> {
    const url =
      given ?? (await this.ctx.prisma.routingSettings.findUnique({ where: { id: 1 } }))?.ollamaBaseUrl;
    if (!url) throw AppError.validation('baseUrl: no Ollama URL is saved; give one to test');
    return ollamaRoot(url.replace(/\/+$/, ''));
  }

  /** A real call to Ollama's /api/tags: reachable, latency, and the models it has (bounded by a timeout). */
  async testOllama(b: OllamaTestBody) {
    const root = await this.#baseUrl(b.baseUrl);
    const r = await testProviderConnection(
      { type: 'ollama', baseUrl: openAiBase(root), apiKey: null, config: {} },
      { dispatcher: this.ctx.outbound.dispatcher },
    );
    return r.success
      ? { success: true as const, latencyMs: r.latencyMs, baseUrl: root, models: r.modelsAvailable }
      : { ...r, baseUrl: root };
  }

  /** Add the models the saved Ollama server has to the registry (free, local); ones already there stay as they are. */
  async syncOllamaModels(actor: Actor) {
    const root = await this.#baseUrl();
    const r = await testProviderConnection(
      { type: 'ollama', baseUrl: openAiBase(root), apiKey: null, config: {} },
      { dispatcher: this.ctx.outbound.dispatcher },
    );
    if (!r.success)
      throw new AppError(502, 'upstream_unreachable', `Ollama did not answer: ${r.error.message}`, {
        error: r.error,
      });
    const provider = await this.ctx.prisma.provider.findFirst({
      where: { type: 'ollama' },
      orderBy: { createdAt: 'asc' },
    });
    if (!provider) throw AppError.validation('ollamaBaseUrl: save the Ollama URL first');
    const existing = new Set(
      (
        await this.ctx.prisma.model.findMany({
          where: { providerId: provider.id, scope: 'global' },
          select: { modelId: true },
        })
      ).map((m) => m.modelId),
    );
    const added = r.modelsAvailable.filter((id) => !existing.has(id));
    if (added.length) {
      await this.ctx.prisma.$transaction(async (tx) => {
        await tx.model.createMany({
          data: added.map((modelId) => ({
            providerId: provider.id,
            modelId,
            displayName: modelId,
            qualityTier: 'eco',
            capabilities: ['chat', 'streaming'],
            source: 'discovered',
          })),
          skipDuplicates: true,
        });
        await this.ctx.audit.record(
          {
            actor,
            action: 'settings.ollama_sync',
            entityType: 'Provider',
            entityId: provider.id,
            after: { added },
            ip: actor.ip,
          },
          tx,
        );
      });
      await this.ctx.configChanged('models');
    }
    return { provider: provider.slug, discovered: r.modelsAvailable, added };
  }
}
