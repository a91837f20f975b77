import { eventsContracts } from '@switchyard/core';
import { Router } from 'express';
import type { AppContext } from '../../context.js';
import { currentAuth } from '../auth/auth.middleware.js';
import type { AuthService } from '../auth/auth.service.js';
import { mountContracts } from '../mount-contract.js';
import { openEventStream } from './events.stream.js';

/** GET /api/v1/llm/events: the live event stream for the signed-in user (scoped by role). */
export function eventsRoutes(ctx: AppContext, auth: AuthService): Router {
  return mountContracts(Router(), eventsContracts, {
    stream: ({ req, res }) => {
      const token = res.locals.token as string;
      openEventStream(
        ctx.events,
        currentAuth(res).user,
        req,
        res,
        {
          // A signed-out, expired or suspended session ends the stream; a changed role changes what it shows.
          recheck: async () => (await auth.authenticate(token))?.user ?? null,
          onError: (err) => ctx.logger.warn({ err: String(err) }, 'live events: session check failed'),
        },
        ctx.env.LIVE_EVENTS_HEARTBEAT_MS,
      );
    },
  });
}
