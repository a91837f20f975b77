import { createHash, timingSafeEqual } from 'node:crypto';
import { systemContracts } from '@switchyard/core';
import { Router } from 'express';
import type { Database } from '../../db/client.js';
import { AppError } from '../../lib/errors.js';
import type { Metrics } from '../../lib/metrics.js';
import { mountContract } from '../mount-contract.js';

const digest = (s: string) => createHash('sha256').update(s).digest();

/**
 * `Authorization: Bearer <token>` against the expected token. Both sides are hashed first, so the comparison is
 * constant-time whatever the presented length.
 */
export function bearerMatches(header: string | undefined, expected: Buffer): boolean {
  if (!header || header.length < 8 || header.slice(0, 7).toLowerCase() !== 'bearer ') return false;
  return timingSafeEqual(digest(header.slice(7).trim()), expected);
}

/** /health (the process is alive), /ready (the database answers), /metrics (Prometheus text; bearer token when METRICS_TOKEN is set). */
export function systemRoutes(deps: {
  db: Database;
  metrics: Metrics;
  metricsToken?: string | undefined;
}): Router {
  const r = Router();
  const tokenDigest = deps.metricsToken ? digest(deps.metricsToken) : null;
  mountContract(r, systemContracts.health, () => ({ status: 'ok' as const }), '');
  mountContract(
    r,
    systemContracts.ready,
    async ({ res }) => {
      const dbOk = await deps.db.ping().catch(() => false);
      res.status(dbOk ? 200 : 503);
      return dbOk
        ? { status: 'ready' as const, database: 'ok' as const }
        : { status: 'unavailable' as const, database: 'unreachable' as const };
    },
    '',
  );
  mountContract(
    r,
    systemContracts.metrics,
    async ({ req, res }) => {
      if (tokenDigest && !bearerMatches(req.headers.authorization, tokenDigest)) {
        throw new AppError(
          401,
          'unauthorized',
          'Send the metrics token as "Authorization: Bearer <METRICS_TOKEN>".',
          undefined,
          { 'www-authenticate': 'Bearer' },
        );
      }
      res.setHeader('content-type', deps.metrics.registry.contentType);
      res.send(await deps.metrics.registry.metrics());
    },
    '',
  );
  return r;
}
