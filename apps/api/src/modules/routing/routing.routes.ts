import {
  createAliasBody,
  dryRunBody,
  safeString,
  fallbackChainBody,
  routingRulesBody,
  updateAliasBody,
  updatePowerLevelBody,
} from '@switchyard/core';
import { Router } from 'express';
import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { parseBody, route } from '../../http/async.js';
import { AppError } from '../../lib/errors.js';
import { openapi } from '../../openapi/registry.js';
import { RequestShapeError, requestFacts } from '../../proxy/request-facts.js';
import type { RoutingRuntime } from '../../routing/runtime.js';
import { actorOf, currentAuth, requirePermission } from '../auth/auth.middleware.js';
import { can } from '../auth/permissions.js';
import { RoutingService } from './routing.service.js';

/** `messages` / `max_tokens` as an OpenAI client sends them: the prompt size and needs come from the proxy's own estimator. */
const traceBody = dryRunBody.extend({
  messages: z.array(z.unknown()).max(10_000).optional(),
  max_tokens: z.number().int().min(1).max(1_000_000).optional(),
  tools: z.array(z.unknown()).optional(),
});

/** /api/v1/llm/routing: global rules, power levels, aliases, fallback chains and the dry-run trace. */
export function routingRoutes(ctx: AppContext, routing: RoutingRuntime): Router {
  const svc = new RoutingService(ctx, routing);
  const r = Router();

  r.get(
    '/routing/rules',
    requirePermission('routing:read'),
    route(async (_req, res) => void res.json(await svc.rules())),
  );
  r.put(
    '/routing/rules',
    requirePermission('routing:write'),
    route(async (req, res) => {
      const b = parseBody(routingRulesBody, req.body);
      const current = await svc.rules();
      if (b.strategy !== current.strategy && !can(currentAuth(res).user.role, 'routing:strategy')) {
        throw AppError.forbidden('Only a super admin may change the routing strategy.');
      }
      res.json(await svc.setRules(actorOf(res, req.ip), b));
    }),
  );

  r.get(
    '/routing/power-levels',
    requirePermission('routing:read'),
    route(async (_req, res) => void res.json({ data: await svc.powerLevels() })),
  );
  r.put(
    '/routing/power-levels/:slug',
    requirePermission('routing:write'),
    route(
      async (req, res) =>
        void res.json(
          await svc.updatePowerLevel(
            actorOf(res, req.ip),
            String(req.params.slug),
            parseBody(updatePowerLevelBody, req.body),
          ),
        ),
    ),
  );

  const aliasQuery = z.object({
    scope: safeString()
      .max(200)
      .regex(/^(global|org:.+)$/, 'must be "global" or "org:<id>"')
      .optional(),
  });
  r.get(
    '/routing/aliases',
    requirePermission('routing:read'),
    route(async (req, res) => void res.json({ data: await svc.aliases(parseBody(aliasQuery, req.query)) })),
  );
  r.post(
    '/routing/aliases',
    requirePermission('routing:write'),
    route(
      async (req, res) =>
        void res
          .status(201)
          .json(await svc.createAlias(actorOf(res, req.ip), parseBody(createAliasBody, req.body))),
    ),
  );
  r.put(
    '/routing/aliases/:id',
    requirePermission('routing:write'),
    route(
      async (req, res) =>
        void res.json(
          await svc.updateAlias(
            actorOf(res, req.ip),
            String(req.params.id),
            parseBody(updateAliasBody, req.body),
          ),
        ),
    ),
  );
  r.delete(
    '/routing/aliases/:id',
    requirePermission('routing:write'),
    route(async (req, res) => {
      await svc.deleteAlias(actorOf(res, req.ip), String(req.params.id));
      res.status(204).end();
    }),
  );

  r.get(
    '/routing/chains',
    requirePermission('routing:read'),
    route(async (_req, res) => void res.json({ data: await svc.chains() })),
  );
  r.post(
    '/routing/chains',
    requirePermission('routing:write'),
    route(
      async (req, res) =>
        void res
          .status(201)
          .json(await svc.createChain(actorOf(res, req.ip), parseBody(fallbackChainBody, req.body))),
    ),
  );
  r.put(
    '/routing/chains/:id',
    requirePermission('routing:write'),
    route(
      async (req, res) =>
        void res.json(
          await svc.updateChain(
            actorOf(res, req.ip),
            String(req.params.id),
            parseBody(fallbackChainBody, req.body),
          ),
        ),
    ),
  );
  r.delete(
    '/routing/chains/:id',
    requirePermission('routing:write'),
    route(async (req, res) => {
      await svc.deleteChain(actorOf(res, req.ip), String(req.params.id));
      res.status(204).end();
    }),
  );

  r.post(
    '/routing/trace',
    requirePermission('routing:trace'),
    route(async (req, res) => {
      const raw = parseBody(traceBody, req.body);
      const { messages, max_tokens, tools, ...b } = raw;
      if (max_tokens !== undefined && b.maxTokens === null) b.maxTokens = max_tokens;
      if (messages) {
        try {
          const facts = requestFacts(
            'chat',
            {
              model: b.model,
              messages,
              ...(tools ? { tools } : {}),
              ...(b.maxTokens ? { max_tokens: b.maxTokens } : {}),
              stream: b.stream,
            },
            JSON.stringify(messages).length,
          );
          b.promptTokens = facts.promptTokens;
          b.needs = [...new Set([...b.needs, ...facts.needs])];
        } catch (err) {
          if (err instanceof RequestShapeError)
            throw AppError.validation(`${err.param ?? 'messages'}: ${err.message}`);
          throw err;
        }
      }
      res.json(svc.trace(b));
    }),
  );

  const id = z.object({ id: z.string() });
  const json = <T extends z.ZodType>(schema: T) => ({
    body: { content: { 'application/json': { schema } } },
  });
  const reg = (
    method: 'get' | 'post' | 'put' | 'delete',
    path: string,
    summary: string,
    extra: Record<string, unknown> = {},
    responses: Record<number, { description: string }> = { 200: { description: 'OK' } },
  ) =>
    openapi.registerPath({
      method,
      path: `/api/v1/llm${path}`,
      tags: ['Routing'],
      summary,
      ...extra,
      responses,
    });
  reg(
    'get',
    '/routing/rules',
    'The global strategy (cost, balanced, quality), attempt cap, same-target retries, circuit breaker (failure threshold, open time) and what each strategy does',
  );
  reg('put', '/routing/rules', 'Change the rules; takes effect immediately (the strategy: super admin)', {
    request: json(routingRulesBody),
  });
  reg('get', '/routing/power-levels', 'Power levels with the models they route to now and their price range');
  reg('put', '/routing/power-levels/{slug}', 'Change a power level: tier, explicit models, enabled', {
    request: { params: z.object({ slug: z.string() }), ...json(updatePowerLevelBody) },
  });
  reg('get', '/routing/aliases', 'Aliases (requested model → weighted targets, strategy, fallbacks, scope)', {
    request: { query: aliasQuery },
  });
  reg(
    'post',
    '/routing/aliases',
    'Create an alias (global, or for one organization)',
    { request: json(createAliasBody) },
    { 201: { description: 'Alias' }, 409: { description: 'Name taken in that scope' } },
  );
  reg('put', '/routing/aliases/{id}', 'Change an alias', {
    request: { params: id, ...json(updateAliasBody) },
  });
  reg(
    'delete',
    '/routing/aliases/{id}',
    'Delete an alias',
    { request: { params: id } },
    { 204: { description: 'Deleted' } },
  );
  reg('get', '/routing/chains', 'Model fallback chains (ordered)');
  reg(
    'post',
    '/routing/chains',
    'Create a fallback chain',
    { request: json(fallbackChainBody) },
    { 201: { description: 'Chain' }, 409: { description: 'That model already has a chain' } },
  );
  reg('put', '/routing/chains/{id}', 'Replace a fallback chain (order matters)', {
    request: { params: id, ...json(fallbackChainBody) },
  });
  reg(
    'delete',
    '/routing/chains/{id}',
    'Delete a fallback chain',
    { request: { params: id } },
    { 204: { description: 'Deleted' } },
  );
  reg(
    'post',
    '/routing/trace',
    'Dry run: the resolver trace for a request as a key, a user or the operator would send it (no provider is called)',
    { request: json(traceBody) },
  );
  return r;
}
