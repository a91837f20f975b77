import { deadLetterContracts } from '@switchyard/core';
import { Router } from 'express';
import type { AppContext } from '../../context.js';
import { replayDeadLetters } from '../../metering/dead-letter-replay.js';
import { actorOf } from '../auth/auth.middleware.js';
import { mountContracts } from '../mount-contract.js';

/**
 * /api/v1/llm/usage/dead-letters/replay: an operator retries writing the usage records the database refused, once
 * the cause is gone. Audited with what it did.
 */
export function deadLetterRoutes(ctx: AppContext): Router {
  return mountContracts(Router(), deadLetterContracts, {
    replay: async ({ body, req, res }) => {
      const actor = actorOf(res, req.ip);
      const result = await replayDeadLetters(
        ctx.prisma,
        body.after !== undefined ? { after: body.after } : {},
      );
      if (result.replayed > 0 || result.refused > 0) {
        ctx.logger.info(result, 'dead-lettered usage records replayed');
        await ctx.audit.record({
          actor,
          action: 'usage.dead-letters.replay',
          entityType: 'UsageDeadLetter',
          entityId: null,
          before: body.after !== undefined ? { after: body.after } : null,
          after: result,
          ip: actor.ip,
        });
      }
      return result;
    },
  });
}
