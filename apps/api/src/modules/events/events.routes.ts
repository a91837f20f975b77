import { eventsContracts } from '@switchyard/core';
import { Router } from 'express';
import type { AppContext } from '../../context.js';
import { currentAuth } from '../auth/auth.middleware.js';
import { mountContracts } from '../mount-contract.js';
import { openEventStream } from './events.stream.js';

/** GET /api/v1/llm/events: the live event stream for the signed-in user (scoped by role). */
export function eventsRoutes(ctx: AppContext): Router {
  return mountContracts(Router(), eventsContracts, {
    stream: ({ req, res }) => openEventStream(ctx.events, currentAuth(res).user, req, res),
  });
}
