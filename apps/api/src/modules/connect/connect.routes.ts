import { connectContracts, guideMarkdown, type KeyModels } from '@switchyard/core';
import { Router, type Request } from 'express';
import type { AppContext } from '../../context.js';
import { AppError } from '../../lib/errors.js';
import { callerForKey } from '../../proxy/caller.js';
import { listModelsForCaller } from '../../proxy/models-list.js';
import type { RoutingRuntime } from '../../router/runtime.js';
import { currentAuth } from '../auth/auth.middleware.js';
import { mountContracts } from '../mount-contract.js';

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
  return mountContracts(Router(), connectContracts, {
    guide: ({ query, req, res }) => {
      res.status(200);
      res.setHeader('content-type', 'text/markdown; charset=utf-8');
      res.setHeader('cache-control', 'no-store');
      res.send(guideMarkdown({ baseUrl: baseUrlOf(req), ...(query.tool ? { tool: query.tool } : {}) }));
    },

    keyModels: ({ params, res }) => {
      const me = currentAuth(res).user.id;
      const config = routing.config;
      let key = null;
      for (const k of config.keysByHash.values()) {
        if (k.id === params.id) {
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
      // The OpenAI format's list: `{object: 'list', data: [...]}`.
      return listModelsForCaller(config, caller.caller, 'openai', ctx.now()) as KeyModels;
    },
  });
}
