import { providersContracts } from '@switchyard/core';
import { Router, type Response } from 'express';
import type { AppContext } from '../../context.js';
import { AppError } from '../../lib/errors.js';
import { PROVIDER_CATALOGUE, isProviderType, nativeResponsesDefault } from '../../providers/index.js';
import { catalogueChoices } from '../../providers/model-catalogue.js';
import { actorOf, currentAuth } from '../auth/auth.middleware.js';
import { can } from '../auth/permissions.js';
import { mountContracts } from '../mount-contract.js';
import { testProviderConnection } from './provider-test.js';
import { CREDENTIAL_CONFIG_KEYS } from '../../providers/credentials.js';
import { ProvidersService } from './providers.service.js';
import type { ProviderHealthService } from './provider-health.service.js';

/** /api/v1/llm: providers, their live health, the provider-type catalogue, and key tests. */
export function providersRoutes(ctx: AppContext, health: ProviderHealthService): Router {
  const svc = new ProvidersService(ctx, health);
  /** Setting or replacing credentials is the super admin's; everything else an admin may change. */
  const guardCredentials = (
    res: Response,
    b: { apiKey?: unknown; apiKeyEnv?: unknown; auth?: unknown },
    config?: Record<string, unknown>,
  ) => {
    // A new provider's AWS settings are credentials too (an update's are checked against the stored ones).
    const awsKeys = config ? CREDENTIAL_CONFIG_KEYS.some((k) => config[k] !== undefined) : false;
    if (
      (b.apiKey !== undefined || b.apiKeyEnv !== undefined || b.auth !== undefined || awsKeys) &&
      !can(currentAuth(res).user.role, 'providers:credentials')
    ) {
      throw AppError.forbidden('Only a super admin may set provider credentials.');
    }
  };

  return mountContracts(Router(), providersContracts, {
    types: () => ({
      data: Object.values(PROVIDER_CATALOGUE).map((d) => ({
        type: d.type,
        displayName: d.displayName,
        defaultBaseUrl: d.defaultBaseUrl,
        baseUrlRequired: d.defaultBaseUrl === null && d.type !== 'bedrock' && d.type !== 'mock',
        envKey: d.envKey,
        keyOptional: d.keyOptional,
        color: d.color,
        docsUrl: d.docsUrl,
        keyHint: d.keyHint ?? null,
        nativeResponses: nativeResponsesDefault(d),
        catalogueModels: catalogueChoices(d.type, new Date(ctx.now())),
      })),
    }),
    list: async () => ({ data: await svc.list() }),
    create: ({ body, req, res }) => {
      guardCredentials(res, body, body.config);
      return svc.create(actorOf(res, req.ip), body);
    },
    update: ({ params, body, req, res }) => {
      guardCredentials(res, body);
      return svc.update(actorOf(res, req.ip), params.id, body);
    },
    remove: ({ params, req, res }) => svc.remove(actorOf(res, req.ip), params.id),
    test: ({ params }) => svc.test(params.id),
    discoverModels: ({ params }) => svc.discoverModels(params.id),
    importModels: ({ params, body, req, res }) => svc.importModels(actorOf(res, req.ip), params.id, body),
    testKey: async ({ body: b }) => {
      if (!isProviderType(b.type)) throw AppError.validation(`type: unknown provider type "${b.type}"`);
      const r = await testProviderConnection(
        { type: b.type, baseUrl: b.baseUrl ?? null, apiKey: b.apiKey ?? null, config: b.config ?? {} },
        { dispatcher: ctx.outbound.dispatcher },
      );
      return svc.withCatalogue(b.type, r);
    },
    health: ({ params }) => health.detail(params.id),
    checkNow: async ({ params }) => {
      await health.check(params.id);
      return health.detail(params.id);
    },
    reset: ({ params, body, req, res }) => health.reset(actorOf(res, req.ip), params.id, body.modelId),
  });
}
