import { guideMarkdown, guideQuery } from '@switchyard/core';
import { Router, type Request } from 'express';
import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { parseBody, route } from '../../http/async.js';
import { AppError } from '../../lib/errors.js';
import { openapi } from '../../openapi/registry.js';
import { callerForKey } from '../../proxy/caller.js';
import { listModelsForCaller } from '../../proxy/models-list.js';
import type { RoutingRuntime } from '../../routing/runtime.js';
import { currentAuth, requirePermission } from '../auth/auth.middleware.js';

/** The gateway as this request reached it (scheme and host; behind a proxy per TRUST_PROXY). */
function baseUrlOf(req: Request): string {
  return `${req.protocol}://${req.get('host') ?? 'localhost'}`;
}

/**
 * "Connect a tool": the guide as Markdown (`GET /guide`, no sign-in: it holds no secret and nothing about who asks,
 * and an agent needs it before it has any credential) and the models one of my keys may use (`GET /me/keys/:id/models`:
 * the proxy's own `GET /v1/models` answer for that key, read without the key itself).
 */
export function connectRoutes(ctx: AppContext, routing: RoutingRuntime): Router {
  const r = Router();

  r.get(
    '/guide',
    route(async (req, res) => {
      const q = parseBody(guideQuery, req.query);
      res.status(200);
      res.setHeader('content-type', 'text/markdown; charset=utf-8');
      res.setHeader('cache-control', 'no-store');
      res.send(guideMarkdown({ baseUrl: baseUrlOf(req), ...(q.tool ? { tool: q.tool } : {}) }));
    }),
  );

  r.get(
    '/me/keys/:id/models',
    requirePermission('keys:own'),
    route(async (req, res) => {
      const me = currentAuth(res).user.id;
      const config = routing.config;
      const id = String(req.params.id);
      let key = null;
      for (const k of config.keysByHash.values()) {
        if (k.id === id) {
          key = k;
          break;
        }
      }
      if (!key || key.userId !== me) throw AppError.notFound('Gateway key');
      if (key.revoked) throw AppError.validation('This key is revoked: it may not call any model.');
      if (key.expiresAt !== null && key.expiresAt <= ctx.now())
        throw AppError.validation('This key has expired: it may not call any model.');
      const caller = callerForKey(key, config);
      if (!caller.ok) throw new AppError(caller.status, caller.code, caller.message);
      res.json(listModelsForCaller(config, caller.caller, 'openai', ctx.now()));
    }),
  );

  openapi.registerPath({
    method: 'get',
    path: '/api/v1/guide',
    tags: ['Connect a tool'],
    summary:
      'How to connect Claude Code, Codex, OpenCode, Cursor, Continue, the AI SDK, the OpenAI and Anthropic SDKs and curl to this server, as Markdown an AI agent can follow (no sign-in, no secrets)',
    request: { query: guideQuery },
    responses: {
      200: { description: 'The guide', content: { 'text/markdown': { schema: { type: 'string' } } } },
      400: { description: 'Unknown tool' },
    },
  });
  openapi.registerPath({
    method: 'get',
    path: '/api/v1/me/keys/{id}/models',
    tags: ['My gateway keys'],
    summary: "The models one of my keys may use: what the proxy's GET /v1/models answers for that key",
    request: { params: z.object({ id: z.string() }) },
    responses: {
      200: { description: 'OpenAI-format model list' },
      404: { description: 'Not one of my keys' },
    },
  });
  return r;
}
